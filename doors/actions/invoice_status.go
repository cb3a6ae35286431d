package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
)

// StatusChange is a reminder status to give a selection of invoices (seed
// 004's "Modifier le statut de relance").
type StatusChange struct {
	// Code is the status to give; "" removes the invoice's own status.
	// Ignored when Escalate is set.
	Code string
	// Escalate gives each invoice the escalation code of its current
	// status (seed 004's "Charger Nouveaux Statuts"); an invoice without
	// a status goes to the ladder's first level.
	Escalate bool
	// Actor is who asked, for the workflows' history.
	Actor string
}

// StatusResult is what a status change did to one invoice.
type StatusResult struct {
	Invoice string `json:"invoice"`
	// From and To are the invoice's status before and after: its own
	// status when it has one, else its dunning level when the level is a
	// code of the status table.
	From string `json:"from"`
	To   string `json:"to"`
	// Steps are the operator updates sent to its workflow to bring it to
	// the level (dunning.UpdateSkip or UpdateRevert, in order).
	Steps []string `json:"steps,omitempty"`
	// Told is how many running workflows were asked to look again (the
	// invoice's own status changed).
	Told int   `json:"told"`
	Err  error `json:"-"`
}

// ErrNoEscalation is returned (wrapped) when an invoice's status has no
// escalation code to move to.
var ErrNoEscalation = errors.New("no escalation status")

// ErrCreditNote is returned (wrapped) for a credit note in a status
// change: it is deducted in its customer's letters, never reminded.
var ErrCreditNote = errors.New("a credit note has no reminder status")

// ChangeStatuses gives each invoice of a selection the status ch asks for
// and reports each invoice's outcome: one invoice refused does not stop
// the others. progress, when not nil, is called after each invoice.
//
// A status whose code is a level of the ladder (R1, R2... MED) is the
// invoice's dunning level: its workflow is brought there with the
// operator actions (UpdateSkip up, no letter sent; UpdateRevert down, the
// letter of the level left will be sent again when due), so the history
// says what moved, and any status of the invoice's own (a litigation) is
// removed. Any other status (litigation, do-not-remind, informational) is
// set on the invoice and its running workflows look again at once
// (dunning.SignalRecheck): a blocking one holds them, removing it lets
// them go on.
func (o *Ops) ChangeStatuses(ctx context.Context, company string, invoices []string, ch StatusChange,
	progress func(r StatusResult)) ([]StatusResult, error) {
	co, err := o.Store.CompanyByCode(ctx, company)
	if err != nil {
		return nil, err
	}
	lad, err := o.Store.Ladder(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	if len(lad) == 0 {
		return nil, fmt.Errorf("%w: company %s has no ladder", store.ErrInvalid, company)
	}
	table, err := o.Store.Statuses(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	out := make([]StatusResult, 0, len(invoices))
	for _, n := range invoices {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r := o.changeStatus(ctx, company, n, ch, lad, table)
		out = append(out, r)
		if progress != nil {
			progress(r)
		}
	}
	return out, nil
}

func (o *Ops) changeStatus(ctx context.Context, company, number string, ch StatusChange, lad ladder.Ladder,
	table []store.ReminderStatus) StatusResult {
	r := StatusResult{Invoice: number}
	fail := func(err error) StatusResult {
		r.Err = fmt.Errorf("status of %s: %w", number, err)
		return r
	}
	row, err := o.Store.InvoiceSummary(ctx, company, number, time.Now())
	if err != nil {
		return fail(err)
	}
	if row.Kind == "credit_note" {
		return fail(ErrCreditNote)
	}
	level := levelIndex(lad, row.Level) // -1: no letter yet
	r.From = row.InvoiceStatus
	if r.From == "" && level >= 0 {
		r.From = row.Level
	}
	statusOf := func(code string) (store.ReminderStatus, bool) {
		for _, s := range table {
			if s.Code == code {
				return s, true
			}
		}
		return store.ReminderStatus{}, false
	}
	r.To = ch.Code
	switch {
	case ch.Escalate && r.From == "":
		r.To = lad[0].Code
	case ch.Escalate:
		s, ok := statusOf(r.From)
		if !ok || s.EscalationCode == "" {
			return fail(fmt.Errorf("%w after %s", ErrNoEscalation, r.From))
		}
		r.To = s.EscalationCode
	}
	if _, ok := statusOf(r.To); r.To != "" && !ok {
		return fail(fmt.Errorf("%w: no reminder status %q in the status table", store.ErrInvalid, r.To))
	}
	if r.To == r.From {
		return r
	}
	target := levelIndex(lad, r.To)
	if target < 0 {
		// A status of the invoice's own: saved, then its workflows look again.
		if _, err := o.Store.SetInvoiceStatus(ctx, company, number, r.To); err != nil {
			return fail(err)
		}
		r.Told, err = o.recheck(ctx, company, number, dunning.Recheck{Reason: "invoice status " + orNone(r.To), Actor: ch.Actor})
		if err != nil {
			return fail(err)
		}
		return r
	}
	// A level: the workflow moves there one step at a time.
	if row.Status == "" {
		return fail(fmt.Errorf("%s of %s: %w", number, company, ErrNoWorkflow))
	}
	base := updateID(ctx)
	reason := "reminder status " + r.To
	for i := 0; level != target; i++ {
		update, arg := dunning.UpdateSkip, any(dunning.SkipRequest{Actor: ch.Actor, Reason: reason})
		if target < level {
			update, arg = dunning.UpdateRevert, dunning.RevertRequest{Actor: ch.Actor, Reason: reason}
		}
		stepCtx := ctx
		if base != "" {
			stepCtx = WithUpdateID(ctx, base+":"+number+":"+strconv.Itoa(i))
		}
		if _, err := o.Act(stepCtx, company, number, update, arg); err != nil {
			return fail(err)
		}
		r.Steps = append(r.Steps, update)
		if update == dunning.UpdateSkip {
			level++
		} else {
			level--
		}
	}
	if row.InvoiceStatus != "" {
		if _, err := o.Store.SetInvoiceStatus(ctx, company, number, ""); err != nil {
			return fail(err)
		}
		if r.Told, err = o.recheck(ctx, company, number, dunning.Recheck{Reason: reason, Actor: ch.Actor}); err != nil {
			return fail(err)
		}
	}
	return r
}

// levelIndex is the position of code in the ladder (0 for the first
// level), -1 when it is none of its levels (NONE, "", a status).
func levelIndex(lad ladder.Ladder, code string) int {
	for i, l := range lad {
		if l.Code == code {
			return i
		}
	}
	return -1
}

func orNone(code string) string {
	if code == "" {
		return "removed"
	}
	return code
}

// recheck asks an invoice's running workflows to look again now.
func (o *Ops) recheck(ctx context.Context, company, number string, r dunning.Recheck) (int, error) {
	ids, err := o.Store.OpenWorkflowsOfInvoice(ctx, company, number)
	if err != nil {
		return 0, err
	}
	told, err := o.tellRecheck(ctx, ids, r)
	if err != nil {
		return told, fmt.Errorf("%w: %w", ErrNotTold, err)
	}
	return told, nil
}
