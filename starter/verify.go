package main

import (
	"context"

	"github.com/relance/relance/doors/actions"
)

// verifyCmd is `starter verify`: the letters to verify (uncertain: sent
// without SES's answer, SES has not told yet) and an operator's decision
// (actions.DecideLetter, the web app's « Marquer envoyée » / « Renvoyer »).
// The decision is audited as every changing command is, the OS user as
// actor and --by as a label.
type verifyCmd struct {
	List   verifyListCmd   `cmd:"" help:"list the letters to verify"`
	Sent   verifySentCmd   `cmd:"" help:"record that a letter went out" audit:""`
	Resend verifyResendCmd `cmd:"" help:"record that a letter did not go out: it goes again with the next statement" audit:""`
}

// verifyListCmd is `starter verify list`.
type verifyListCmd struct {
	companyFlag
}

// Run lists the letters to verify, times in the company's time zone.
func (c *verifyListCmd) Run(ctx context.Context, e *env) error {
	st, co, err := e.company(ctx, c.Company)
	if err != nil {
		return err
	}
	loc := companyLocation(ctx, st, co.Code)
	letters, err := st.UncertainLetters(ctx, co.ID)
	if err != nil {
		return err
	}
	if len(letters) == 0 {
		e.printf("no letter to verify\n")
	}
	for _, l := range letters {
		checked := "never"
		if !l.CheckedAt.IsZero() {
			checked = l.CheckedAt.In(loc).Format("2006-01-02 15:04")
		}
		e.printf("%s\t%s\t%s\tclaimed %s\tSES asked %s\n", l.Reference, l.Customer, l.Invoices, l.ClaimedAt.In(loc).Format("2006-01-02 15:04:05"), checked)
	}
	return nil
}

// letterFlags name the letter an operator decides about.
type letterFlags struct {
	companyFlag
	Reference string `required:"" help:"the letter's reference, as listed"`
	By        string `help:"who decides (default: the system user)"`
}

// verifySentCmd is `starter verify sent`.
type verifySentCmd struct {
	letterFlags
}

// Run records that the letter went out.
func (c *verifySentCmd) Run(ctx context.Context, e *env) error {
	return c.decide(ctx, e, actions.LetterWentOut)
}

// verifyResendCmd is `starter verify resend`.
type verifyResendCmd struct {
	letterFlags
}

// Run records that the letter goes again.
func (c *verifyResendCmd) Run(ctx context.Context, e *env) error {
	return c.decide(ctx, e, actions.LetterSendAgain)
}

// decide records the decision.
func (c *letterFlags) decide(ctx context.Context, e *env, decision actions.LetterDecision) error {
	st, co, err := e.company(ctx, c.Company)
	if err != nil {
		return err
	}
	actor := cliActor(c.By)
	ops := actions.Ops{Store: st}
	if err := ops.DecideLetter(ctx, co.Code, c.Reference, decision, actor); err != nil {
		return err
	}
	what := "recorded sent"
	if decision == actions.LetterSendAgain {
		what = "recorded not received: it goes again with the next statement"
	}
	e.printf("letter %s %s (decided by %s)\n", c.Reference, what, actor)
	return nil
}
