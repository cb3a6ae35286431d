// Package activities holds the side effects of the dunning workflow:
// reading the ledger in PostgreSQL, rendering and sending letters,
// recording payments and history.
package activities

import (
	"context"
	"log/slog"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/portallink"
	"go.temporal.io/sdk/client"
)

// Activities carries the dependencies of every activity. Register a value
// of it with the worker; workflows call its methods by reference.
type Activities struct {
	Store  *store.Store
	Mailer Mailer
	// Temporal starts the invoice workflows the scan finds, and the
	// customer letter workflows.
	Temporal client.Client
	Log      *slog.Logger
	// Portal signs the private link each letter carries to its customer's
	// page; nil: letters carry none.
	Portal *portallink.Links
}

// LoadInvoice returns what the workflow needs to start dunning an invoice.
func (a *Activities) LoadInvoice(ctx context.Context, ref InvoiceRef) (store.Invoice, error) {
	inv, err := a.Store.LoadItem(ctx, ref.Company, ref.Invoice, ref.Instalment)
	return inv, nonRetryableIfNotFound(err)
}

// CheckItem re-reads the balance and statuses of an invoice or one of its
// instalments just before a letter.
func (a *Activities) CheckItem(ctx context.Context, ref ItemRef) (store.Check, error) {
	c, err := a.Store.CheckItem(ctx, ref.InvoiceID, ref.Instalment)
	return c, nonRetryableIfNotFound(err)
}

// CheckInvoice re-reads the balance and statuses just before a letter.
func (a *Activities) CheckInvoice(ctx context.Context, invoiceID int64) (store.Check, error) {
	c, err := a.Store.CheckInvoice(ctx, invoiceID)
	return c, nonRetryableIfNotFound(err)
}

// RecordPayment stores a payment once (by external ID) and returns the new
// balance.
func (a *Activities) RecordPayment(ctx context.Context, req PaymentRequest) (store.PaymentResult, error) {
	r, err := a.Store.RecordItemPayment(ctx, req.InvoiceID, req.Instalment, req.Payment)
	return r, nonRetryableIfNotFound(err)
}

// RecordEvents mirrors workflow events into the history table; replays of
// the same events change nothing.
func (a *Activities) RecordEvents(ctx context.Context, req EventsRequest) error {
	return a.Store.RecordItemEvents(ctx, req.InvoiceID, req.Instalment, req.WorkflowID, req.Events, req.Snapshot)
}
