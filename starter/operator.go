package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// invoiceFlags are the flags every per-invoice command takes.
type invoiceFlags struct {
	Company string `required:"" placeholder:"CODE" help:"company code"`
	Invoice string `required:"" placeholder:"NUMBER" help:"invoice number (an instalment: FA0042#2)"`
	Actor   string `help:"${actorHelp}"`
}

// actorHelp documents --actor: a label, never a substitute for the login.
const actorHelp = "a label for who asked (e.g. the colleague you act for): kept next to your login name in the history and the audit log"

func (f invoiceFlags) workflowID() string { return dunning.WorkflowID(f.Company, f.Invoice) }

// payCmd is `starter pay`.
type payCmd struct {
	invoiceFlags
	Amount   string `required:"" help:"amount received, e.g. 1234.56 (a dot, at most two decimals)"`
	ID       string `name:"id" required:"" help:"external payment id, the idempotency key (the payment system's reference)"`
	Currency string `help:"currency (default: the invoice's)"`
	Date     string `placeholder:"YYYY-MM-DD" help:"payment date (default today)"`
	Method   string `help:"payment method (transfer, card, cheque...)"`
}

// Run records the payment.
func (c *payCmd) Run(ctx context.Context, e *env) error {
	f := c.invoiceFlags
	// The one check of every payment entry: a canonical amount ("1250.00";
	// "1,250" or "1e309" are refused, not read as 1,25 or an overflow).
	amt, err := dunning.ParseAmount(c.Amount)
	if err != nil {
		return usageError{"pay: --amount: " + err.Error()}
	}
	for _, f := range []struct{ name, v string }{{"--id", c.ID}, {"--method", c.Method}, {"--currency", c.Currency}} {
		if err := dunning.CheckText(f.name, f.v, dunning.MaxFieldLength); err != nil {
			return usageError{"pay: " + err.Error()}
		}
	}
	paid, err := dateOrToday(c.Date, "Europe/Paris")
	if err != nil {
		return err
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	p := dunning.Payment{ExternalID: c.ID, Amount: amt, Currency: c.Currency, PaidOn: paid, Method: c.Method, Source: "starter"}
	out, err := o.Pay(ctx, f.Company, f.Invoice, p)
	var refused *dunning.PaymentError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return explained{fmt.Sprintf("unknown invoice %s for company %s: nothing recorded", f.Invoice, f.Company), err}
	case errors.As(err, &refused):
		return explained{"pay: " + refused.Message + ": nothing recorded", err}
	case store.Permanent(err):
		return explained{"pay: the ledger refused the payment: " + err.Error(), err}
	}
	if err != nil {
		return err
	}
	if out.Result.Duplicate {
		e.printf("payment %s was already recorded: nothing changed, balance %s\n", c.ID, out.Result.Balance.StringFixed(2))
	} else {
		e.printf("payment %s of %s recorded on %s, balance now %s\n", c.ID, amt.StringFixed(2), f.Invoice, out.Result.Balance.StringFixed(2))
	}
	if out.Result.Overpaid.IsPositive() {
		e.printf("overpaid by %s (recorded on the payment)\n", out.Result.Overpaid.StringFixed(2))
	}
	if out.Signalled {
		e.printf("signalled workflow %s\n", f.workflowID())
	} else {
		e.printf("no dunning running for %s: the payment lowers the balance only\n", f.Invoice)
	}
	return nil
}

// skipCmd is `starter skip`.
type skipCmd struct {
	invoiceFlags
	Reason string `help:"why"`
}

// Run moves the invoice to its next level without a letter.
func (c *skipCmd) Run(ctx context.Context, e *env) error {
	return act(ctx, e, c.invoiceFlags, "skip", actions.OperatorInput{Reason: c.Reason})
}

// revertCmd is `starter revert`.
type revertCmd struct {
	invoiceFlags
	Reason string `help:"why"`
}

// Run moves the invoice back to its previous level.
func (c *revertCmd) Run(ctx context.Context, e *env) error {
	return act(ctx, e, c.invoiceFlags, "revert", actions.OperatorInput{Reason: c.Reason})
}

// pauseCmd is `starter pause`.
type pauseCmd struct {
	invoiceFlags
	Reason string `required:"" help:"why: dispute, promise to pay..."`
	Until  string `placeholder:"YYYY-MM-DD" help:"resume by itself on this date"`
}

// Run pauses the invoice's letters.
func (c *pauseCmd) Run(ctx context.Context, e *env) error {
	var d calendar.Date
	if c.Until != "" {
		var err error
		if d, err = calendar.Parse(c.Until); err != nil {
			return usageError{"pause: --until: " + err.Error()}
		}
	}
	return act(ctx, e, c.invoiceFlags, "pause", actions.OperatorInput{Reason: c.Reason, Until: d})
}

// resumeCmd is `starter resume`.
type resumeCmd struct {
	invoiceFlags
}

// Run ends the pause.
func (c *resumeCmd) Run(ctx context.Context, e *env) error {
	return act(ctx, e, c.invoiceFlags, "resume", actions.OperatorInput{})
}

// commentCmd is `starter comment`.
type commentCmd struct {
	invoiceFlags
	Text string `required:"" help:"the comment"`
}

// Run adds the comment.
func (c *commentCmd) Run(ctx context.Context, e *env) error {
	return act(ctx, e, c.invoiceFlags, "comment", actions.OperatorInput{Text: c.Text})
}

// act sends the operator action name (actions.OperatorUpdates, as the API
// and the web app) and prints the new state, or why the workflow refused
// it.
func act(ctx context.Context, e *env, f invoiceFlags, name string, in actions.OperatorInput) error {
	arg, _ := actions.OperatorRequest(name, cliActor(f.Actor), in)
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	st, err := o.Act(ctx, f.Company, f.Invoice, actions.OperatorUpdates[name], arg)
	if err != nil {
		return err
	}
	e.printf("%s done.\n", name)
	printState(e, st, companyLocation(ctx, o.Store, f.Company))
	return nil
}

// statusCmd is `starter status`.
type statusCmd struct {
	invoiceFlags
}

// Run prints the invoice's state and history, times in the company's
// time zone.
func (c *statusCmd) Run(ctx context.Context, e *env) error {
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	loc := companyLocation(ctx, o.Store, c.Company)
	st, err := o.State(ctx, c.Company, c.Invoice)
	if errors.Is(err, actions.ErrNoWorkflow) {
		return statusFromDatabase(ctx, e, c.invoiceFlags, loc)
	}
	if err != nil {
		return err
	}
	printState(e, st, loc)
	return nil
}

// companyLocation is the time zone of company code, where its times are
// shown (UTC when it cannot be read).
func companyLocation(ctx context.Context, st *store.Store, code string) *time.Location {
	co, err := st.CompanyByCode(ctx, code)
	if err != nil {
		return time.UTC
	}
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func statusFromDatabase(ctx context.Context, e *env, f invoiceFlags, loc *time.Location) error {
	s, err := e.store(ctx)
	if err != nil {
		return err
	}
	id, err := s.InvoiceID(ctx, f.Company, f.Invoice)
	if err != nil {
		return err
	}
	h, err := s.History(ctx, id)
	if err != nil {
		return err
	}
	e.printf("no dunning workflow for %s; history from the database (times %s):\n", f.Invoice, loc)
	for _, r := range h {
		e.printf("  %s  %-20s %-4s %s%s\n", r.At.In(loc).Format("2006-01-02 15:04"), r.Kind, r.Level, r.Detail, by(r.Actor))
	}
	return nil
}

// printState prints an invoice's dunning state, its times in loc.
func printState(e *env, s dunning.State, loc *time.Location) {
	e.printf("invoice %s (%s), customer %s: balance %s of %s, due %s\n", s.Invoice, s.Company, s.Customer,
		money.Format(s.Balance, s.Currency), money.Format(s.Amount, s.Currency), s.DueDate)
	e.printf("status %s, level %s, next %s", s.Status, s.Level, s.NextLevel)
	if !s.NextActionAt.IsZero() {
		e.printf(" on %s", s.NextActionAt.In(loc).Format("2006-01-02 15:04 MST"))
	}
	e.printf("\n")
	if s.PauseReason != "" {
		e.printf("paused: %s", s.PauseReason)
		if !s.PausedUntil.IsZero() {
			e.printf(" until %s", s.PausedUntil)
		}
		e.printf("\n")
	}
	if s.HoldReason != "" {
		e.printf("held: %s\n", s.HoldReason)
	}
	e.printf("history (times %s):\n", loc)
	for _, ev := range s.History {
		e.printf("  %s  %-20s %-4s %s%s\n", ev.At.In(loc).Format("2006-01-02 15:04"), ev.Kind, ev.Level, ev.Detail, by(ev.Actor))
	}
}

func by(actor string) string {
	if strings.TrimSpace(actor) == "" {
		return ""
	}
	return " — " + actor
}
