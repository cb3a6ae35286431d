package actions

import (
	"context"
	"errors"
	"time"

	"github.com/relance/relance/domain/dunning"
)

// Where a StateView was read.
const (
	SourceWorkflow = "workflow" // the workflow answered
	SourceDatabase = "database" // the ledger's mirror: no workflow runs, or it did not answer
)

// stateQueryTimeout bounds the wait for a workflow's answer before the
// mirror is read instead.
const stateQueryTimeout = 10 * time.Second

// StateView is an invoice's dunning state and where it was read, as the
// doors show it.
type StateView struct {
	dunning.State
	Source  string `json:"source"`            // SourceWorkflow or SourceDatabase
	Warning string `json:"warning,omitempty"` // why the workflow could not be asked
	// Unanswered is the workflow's failure to answer, for the door's log
	// (never shown: it may name internals).
	Unanswered error `json:"-"`
}

// Workflow is the view of a state the workflow answered.
func Workflow(st dunning.State) StateView { return StateView{State: st, Source: SourceWorkflow} }

// StateOrMirror returns the invoice's state from its workflow, else from
// the ledger's mirror (StateFromLedger): when no workflow runs, or when
// it did not answer within stateQueryTimeout (no worker running?), which
// Warning then says. An
// unknown invoice is store.ErrNotFound (wrapped).
func (o *Ops) StateOrMirror(ctx context.Context, company, number string, now time.Time) (StateView, error) {
	qctx, cancel := context.WithTimeout(ctx, stateQueryTimeout)
	st, err := o.State(qctx, company, number)
	cancel()
	if err == nil {
		return Workflow(st), nil
	}
	view := StateView{Source: SourceDatabase}
	if !errors.Is(err, ErrNoWorkflow) {
		view.Unanswered = err
		view.Warning = "the workflow did not answer; this is the database mirror, which may lag behind"
	}
	view.State, err = o.StateFromLedger(ctx, company, number, now)
	return view, err
}

// StateFromLedger builds the invoice's state from the ledger: its row's
// projection and the history mirror.
func (o *Ops) StateFromLedger(ctx context.Context, company, number string, now time.Time) (dunning.State, error) {
	row, err := o.Store.InvoiceSummary(ctx, company, number, now)
	if err != nil {
		return dunning.State{}, err
	}
	id, err := o.Store.InvoiceID(ctx, company, number)
	if err != nil {
		return dunning.State{}, err
	}
	hist, err := o.Store.History(ctx, id)
	if err != nil {
		return dunning.State{}, err
	}
	st := dunning.State{
		Company: row.Company, Invoice: row.Number, Customer: row.Customer, Currency: row.Currency,
		Amount: row.Amount, Balance: row.Balance, DueDate: row.DueDate, Status: dunning.Status(row.Status),
		Level: row.Level, NextLevel: row.NextLevel, History: []dunning.Event{},
	}
	if row.NextActionAt != nil {
		st.NextActionAt = *row.NextActionAt
	}
	for _, h := range hist {
		st.History = append(st.History, dunning.Event{Seq: h.Seq, At: h.At, Kind: dunning.EventKind(h.Kind),
			Level: h.Level, Detail: h.Detail, Actor: h.Actor})
	}
	return st, nil
}
