package main

import (
	"context"

	"github.com/relance/relance/doors/actions"
)

// runVerify lists the letters to verify (uncertain: sent without SES's
// answer, SES has not told yet) and records an operator's decision
// (actions.DecideLetter, the web app's « Marquer envoyée » / « Renvoyer »).
// The decision is audited as every changing command is, the OS user as
// actor and --by as a label.
func runVerify(ctx context.Context, e *env, args []string) error {
	const use = "verify: usage: verify list --company C | verify sent|resend --company C --reference REF [--by NAME]"
	if len(args) == 0 {
		return usageError{use}
	}
	sub := args[0]
	if sub != "list" && sub != "sent" && sub != "resend" {
		return usageError{use}
	}
	fs := flags("verify " + sub)
	company := fs.String("company", "", "company code (required)")
	ref := fs.String("reference", "", "the letter's reference, as listed (sent, resend)")
	by := fs.String("by", "", "who decides (default: the system user)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *company == "" || (sub != "list" && *ref == "") {
		return usageError{use}
	}
	st, c, err := e.company(ctx, *company)
	if err != nil {
		return err
	}
	if sub == "list" {
		letters, err := st.UncertainLetters(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(letters) == 0 {
			e.printf("no letter to verify\n")
		}
		for _, l := range letters {
			checked := "never"
			if !l.CheckedAt.IsZero() {
				checked = l.CheckedAt.Local().Format("2006-01-02 15:04")
			}
			e.printf("%s\t%s\t%s\tclaimed %s\tSES asked %s\n", l.Reference, l.Customer, l.Invoices, l.ClaimedAt.Local().Format("2006-01-02 15:04:05"), checked)
		}
		return nil
	}
	actor := cliActor(*by)
	ops := actions.Ops{Store: st}
	if err := ops.DecideLetter(ctx, c.Code, *ref, actions.LetterDecision(sub), actor); err != nil {
		return err
	}
	what := "recorded sent"
	if sub == "resend" {
		what = "recorded not received: it goes again with the next statement"
	}
	e.printf("letter %s %s (decided by %s)\n", *ref, what, actor)
	return nil
}
