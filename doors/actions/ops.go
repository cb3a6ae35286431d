// Package actions is the application layer of the three doors (the
// starter CLI, the HTTP API, the web app): what operators and payment
// systems can do to an invoice's dunning (record a payment and signal it,
// send an operator action and get the new state, read the state), the
// invoice filter they all read (filter.go), the spreadsheet exports, and
// the one audit writer (audit.go). A door parses its input, calls
// actions, and says the outcome in its own way.
package actions

import (
	"context"
	"errors"
	"fmt"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// ErrNoWorkflow is returned (wrapped) when no dunning workflow exists for
// the invoice.
var ErrNoWorkflow = errors.New("no dunning workflow for this invoice")

// ErrRefused is returned (wrapped) when the workflow refused an operator
// action; the message says why.
var ErrRefused = errors.New("refused")

// RefusedError is a refusal of an operator action: Reason is the
// workflow's (or the client's) error, without the action's context. It
// matches ErrRefused and, through Reason, the workflow's refusal code
// (dunning.RefusalOf).
type RefusedError struct {
	Reason error
}

// Error returns "refused: " and the reason.
func (e *RefusedError) Error() string { return ErrRefused.Error() + ": " + e.Reason.Error() }

// Unwrap makes a RefusedError match ErrRefused and its reason.
func (e *RefusedError) Unwrap() []error { return []error{ErrRefused, e.Reason} }

// ErrNotTold is returned (wrapped) when a payment or a change is saved in
// the ledger but a running workflow could not be told: it sees the change
// at its next check. Nothing is to be sent again.
var ErrNotTold = errors.New("saved, but a workflow could not be told")

// Ops carries the store and the Temporal client.
type Ops struct {
	Store    *store.Store
	Temporal client.Client
}

// PaymentOutcome says what a payment did.
type PaymentOutcome struct {
	Result    store.PaymentResult
	Signalled bool // a running workflow was told
}

// Pay records p against invoice number of company (once per external ID),
// then signals every workflow the payment reached: the invoice's, or for
// an invoice dunned by instalment the workflow of each instalment the
// ledger allocated it to (dunning.InstalmentWorkflowID). The payment
// counts even when no workflow runs yet: it lowers the balance the scan
// will see. This is the one payment path of every entry (webhook, CLI,
// web, bank statement, accounting feed).
func (o *Ops) Pay(ctx context.Context, company, number string, p dunning.Payment) (PaymentOutcome, error) {
	var out PaymentOutcome
	id, err := o.Store.InvoiceID(ctx, company, number)
	if err != nil {
		return out, err
	}
	if out.Result, err = o.Store.RecordPayment(ctx, id, p); err != nil {
		return out, err
	}
	ids := []string{dunning.WorkflowID(company, number)}
	for _, seq := range out.Result.Instalments {
		ids = append(ids, dunning.InstalmentWorkflowID(company, number, seq))
	}
	var errs []error
	for _, wid := range ids {
		err = o.Temporal.SignalWorkflow(ctx, wid, "", dunning.SignalPayment, p)
		var nf *serviceerror.NotFound
		switch {
		case err == nil:
			out.Signalled = true
		case errors.As(err, &nf):
		default:
			errs = append(errs, fmt.Errorf("signal workflow %s: %w", wid, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("payment %s recorded: %w (it will see the balance at its next check): %w",
			p.ExternalID, ErrNotTold, err)
	}
	return out, nil
}

// Act sends an operator update (dunning.UpdateSkip, UpdateRevert,
// UpdatePause, UpdateResume, UpdateComment) and returns the new state, or
// an error wrapping ErrRefused with the workflow's reason. Without a
// workflow the error wraps ErrNoWorkflow, and store.ErrNotFound too when
// the invoice itself is unknown.
func (o *Ops) Act(ctx context.Context, company, number, update string, arg any) (dunning.State, error) {
	var st dunning.State
	h, err := o.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:   updateID(ctx),
		WorkflowID: dunning.WorkflowID(company, number), UpdateName: update, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &st)
	}
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		if o.Store != nil {
			if _, ierr := o.Store.InvoiceID(ctx, company, number); errors.Is(ierr, store.ErrNotFound) {
				return st, fmt.Errorf("%s: %w (%w)", update, ierr, ErrNoWorkflow)
			}
		}
		return st, fmt.Errorf("%s %s of %s: %w", update, number, company, ErrNoWorkflow)
	case err != nil:
		return st, fmt.Errorf("%s %s of %s: %w", update, number, company, &RefusedError{Reason: err})
	}
	return st, nil
}

type updateIDKey struct{}

// WithUpdateID makes Act on ctx send its update with id as the Temporal
// UpdateID: a caller retrying after a timeout with the same id gets the
// first outcome back, and the action is applied once.
func WithUpdateID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, updateIDKey{}, id)
}

func updateID(ctx context.Context) string {
	id, _ := ctx.Value(updateIDKey{}).(string)
	return id // "": the SDK makes one per call
}

// State returns the invoice's dunning state from its workflow.
func (o *Ops) State(ctx context.Context, company, number string) (dunning.State, error) {
	var st dunning.State
	v, err := o.Temporal.QueryWorkflow(ctx, dunning.WorkflowID(company, number), "", dunning.QueryState)
	if err == nil {
		err = v.Get(&st)
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return st, fmt.Errorf("%s of %s: %w", number, company, ErrNoWorkflow)
	}
	if err != nil {
		return st, fmt.Errorf("query %s: %w", dunning.WorkflowID(company, number), err)
	}
	return st, nil
}

// SetDoNotRemind sets or clears a customer's do-not-remind flag and makes
// every running dunning of the customer look again at once: letters stop
// (the invoices show as held in the UI) or resume. It returns how many
// workflows were told.
func (o *Ops) SetDoNotRemind(ctx context.Context, company, customer string, on bool, actor string) (int, error) {
	if err := o.Store.SetDoNotRemind(ctx, company, customer, on); err != nil {
		return 0, err
	}
	reason := "do-not-remind removed"
	if on {
		reason = "do-not-remind set"
	}
	return o.propagate(ctx, company, customer, dunning.Recheck{Reason: reason, Actor: actor})
}

// SetCustomerStatus changes a customer's reminder status (seed 004). An
// inherited status (litigation, do-not-remind) reaches every running
// dunning of the customer at once, and every future one through the scan
// and the checks; an independent one is informational.
func (o *Ops) SetCustomerStatus(ctx context.Context, company, customer, code, actor string) (int, error) {
	inherited, err := o.Store.SetCustomerStatus(ctx, company, customer, code)
	if err != nil || !inherited {
		return 0, err
	}
	return o.propagate(ctx, company, customer, dunning.Recheck{Reason: "customer status " + code, Actor: actor})
}

func (o *Ops) propagate(ctx context.Context, company, customer string, r dunning.Recheck) (int, error) {
	// Invoices and, for invoices dunned by instalment, each instalment's
	// own workflow (dunning.InstalmentWorkflowID).
	ids, err := o.Store.OpenWorkflowsOf(ctx, company, customer)
	if err != nil {
		return 0, err
	}
	return o.tellRecheck(ctx, ids, r)
}

// tellRecheck signals r to each workflow of ids and counts those told; a
// workflow that ended meanwhile is not an error, the other failures are
// joined.
func (o *Ops) tellRecheck(ctx context.Context, ids []string, r dunning.Recheck) (int, error) {
	told := 0
	var errs []error
	for _, id := range ids {
		err := o.Temporal.SignalWorkflow(ctx, id, "", dunning.SignalRecheck, r)
		var nf *serviceerror.NotFound
		switch {
		case err == nil:
			told++
		case errors.As(err, &nf):
		default:
			errs = append(errs, fmt.Errorf("tell %s: %w", id, err))
		}
	}
	return told, errors.Join(errs...)
}
