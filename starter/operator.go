package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// invoiceFlags are the flags every per-invoice command takes.
type invoiceFlags struct {
	company, invoice, actor *string
}

func addInvoiceFlags(fs *flag.FlagSet) invoiceFlags {
	return invoiceFlags{
		company: fs.String("company", "", "company code (required)"),
		invoice: fs.String("invoice", "", "invoice number (required)"),
		actor:   fs.String("actor", "", actorHelp),
	}
}

// actorHelp documents --actor: a label, never a substitute for the login.
const actorHelp = "a label for who asked (e.g. the colleague you act for): kept next to your login name in the history and the audit log"

func (f invoiceFlags) check(cmd string) error {
	if *f.company == "" || *f.invoice == "" {
		return usageError{cmd + ": --company and --invoice are required"}
	}
	return nil
}

func (f invoiceFlags) workflowID() string { return dunning.WorkflowID(*f.company, *f.invoice) }

func runPay(ctx context.Context, e *env, args []string) error {
	fs := flags("pay")
	f := addInvoiceFlags(fs)
	amount := fs.String("amount", "", "amount received, e.g. 1234.56 (required)")
	id := fs.String("id", "", "external payment id, the idempotency key (required)")
	currency := fs.String("currency", "", "currency (default: the invoice's)")
	date := fs.String("date", "", "payment date YYYY-MM-DD (default today)")
	method := fs.String("method", "", "payment method (transfer, card, cheque...)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := f.check("pay"); err != nil {
		return err
	}
	if *id == "" {
		return usageError{"pay: --id is required (the payment system's reference)"}
	}
	// The one check of every payment entry: a canonical amount ("1250.00";
	// "1,250" or "1e309" are refused, not read as 1,25 or an overflow).
	amt, err := dunning.ParseAmount(*amount)
	if err != nil {
		return usageError{"pay: --amount: " + err.Error()}
	}
	for _, f := range []struct{ name, v string }{{"--id", *id}, {"--method", *method}, {"--currency", *currency}} {
		if err := dunning.CheckText(f.name, f.v, dunning.MaxFieldLength); err != nil {
			return usageError{"pay: " + err.Error()}
		}
	}
	paid, err := dateOrToday(*date, "Europe/Paris")
	if err != nil {
		return err
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	p := dunning.Payment{ExternalID: *id, Amount: amt, Currency: *currency, PaidOn: paid, Method: *method, Source: "starter"}
	out, err := o.Pay(ctx, *f.company, *f.invoice, p)
	var refused *dunning.PaymentError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return explained{fmt.Sprintf("unknown invoice %s for company %s: nothing recorded", *f.invoice, *f.company), err}
	case errors.As(err, &refused):
		return explained{"pay: " + refused.Message + ": nothing recorded", err}
	case store.Permanent(err):
		return explained{"pay: the ledger refused the payment: " + err.Error(), err}
	}
	if err != nil {
		return err
	}
	if out.Result.Duplicate {
		e.printf("payment %s was already recorded: nothing changed, balance %s\n", *id, out.Result.Balance.StringFixed(2))
	} else {
		e.printf("payment %s of %s recorded on %s, balance now %s\n", *id, amt.StringFixed(2), *f.invoice, out.Result.Balance.StringFixed(2))
	}
	if out.Result.Overpaid.IsPositive() {
		e.printf("overpaid by %s (recorded on the payment)\n", out.Result.Overpaid.StringFixed(2))
	}
	if out.Signalled {
		e.printf("signalled workflow %s\n", f.workflowID())
	} else {
		e.printf("no dunning running for %s: the payment lowers the balance only\n", *f.invoice)
	}
	return nil
}

func runSkip(ctx context.Context, e *env, args []string) error {
	fs := flags("skip")
	f := addInvoiceFlags(fs)
	reason := fs.String("reason", "", "why")
	if err := parse(fs, args); err != nil {
		return err
	}
	return update(ctx, e, f, "skip", dunning.UpdateSkip, dunning.SkipRequest{Actor: cliActor(*f.actor), Reason: *reason})
}

func runRevert(ctx context.Context, e *env, args []string) error {
	fs := flags("revert")
	f := addInvoiceFlags(fs)
	reason := fs.String("reason", "", "why")
	if err := parse(fs, args); err != nil {
		return err
	}
	return update(ctx, e, f, "revert", dunning.UpdateRevert, dunning.RevertRequest{Actor: cliActor(*f.actor), Reason: *reason})
}

func runPause(ctx context.Context, e *env, args []string) error {
	fs := flags("pause")
	f := addInvoiceFlags(fs)
	reason := fs.String("reason", "", "why: dispute, promise to pay... (required)")
	until := fs.String("until", "", "resume by itself on this date (YYYY-MM-DD)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var d calendar.Date
	if *until != "" {
		var err error
		if d, err = calendar.Parse(*until); err != nil {
			return usageError{"pause: --until: " + err.Error()}
		}
	}
	return update(ctx, e, f, "pause", dunning.UpdatePause, dunning.PauseRequest{Actor: cliActor(*f.actor), Reason: *reason, Until: d})
}

func runResume(ctx context.Context, e *env, args []string) error {
	fs := flags("resume")
	f := addInvoiceFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	return update(ctx, e, f, "resume", dunning.UpdateResume, dunning.ResumeRequest{Actor: cliActor(*f.actor)})
}

func runComment(ctx context.Context, e *env, args []string) error {
	fs := flags("comment")
	f := addInvoiceFlags(fs)
	text := fs.String("text", "", "the comment (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return update(ctx, e, f, "comment", dunning.UpdateComment, dunning.CommentRequest{Actor: cliActor(*f.actor), Text: *text})
}

// update sends an operator action and prints the new state, or why the
// workflow refused it.
func update(ctx context.Context, e *env, f invoiceFlags, cmd, name string, arg any) error {
	if err := f.check(cmd); err != nil {
		return err
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	st, err := o.Act(ctx, *f.company, *f.invoice, name, arg)
	if err != nil {
		return err
	}
	e.printf("%s done.\n", cmd)
	printState(e, st)
	return nil
}

func runStatus(ctx context.Context, e *env, args []string) error {
	fs := flags("status")
	f := addInvoiceFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := f.check("status"); err != nil {
		return err
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	st, err := o.State(ctx, *f.company, *f.invoice)
	if errors.Is(err, actions.ErrNoWorkflow) {
		return statusFromDatabase(ctx, e, f)
	}
	if err != nil {
		return err
	}
	printState(e, st)
	return nil
}

func statusFromDatabase(ctx context.Context, e *env, f invoiceFlags) error {
	s, err := e.store(ctx)
	if err != nil {
		return err
	}
	id, err := s.InvoiceID(ctx, *f.company, *f.invoice)
	if err != nil {
		return err
	}
	h, err := s.History(ctx, id)
	if err != nil {
		return err
	}
	e.printf("no dunning workflow for %s; history from the database:\n", *f.invoice)
	for _, r := range h {
		e.printf("  %s  %-20s %-4s %s%s\n", r.At.Local().Format("2006-01-02 15:04"), r.Kind, r.Level, r.Detail, by(r.Actor))
	}
	return nil
}

func printState(e *env, s dunning.State) {
	e.printf("invoice %s (%s), customer %s: balance %s of %s, due %s\n", s.Invoice, s.Company, s.Customer,
		money.Format(s.Balance, s.Currency), money.Format(s.Amount, s.Currency), s.DueDate)
	e.printf("status %s, level %s, next %s", s.Status, s.Level, s.NextLevel)
	if !s.NextActionAt.IsZero() {
		e.printf(" on %s", s.NextActionAt.Local().Format("2006-01-02 15:04 MST"))
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
	e.printf("history:\n")
	for _, ev := range s.History {
		e.printf("  %s  %-20s %-4s %s%s\n", ev.At.Local().Format("2006-01-02 15:04"), ev.Kind, ev.Level, ev.Detail, by(ev.Actor))
	}
}

func by(actor string) string {
	if strings.TrimSpace(actor) == "" {
		return ""
	}
	return " — " + actor
}
