// Package activities holds the side effects of the dunning workflow:
// reading the ledger in PostgreSQL, rendering and sending letters,
// recording payments and history.
package activities

import (
	"context"
	"errors"
	"log/slog"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/confirm"
	"github.com/relance/relance/letters/portallink"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// Activities carries the dependencies of every activity. Register a value
// of it with the worker; workflows call its methods by their registered
// names (wire.ActivityNames), and get wire types back: the ledger's rows
// are converted here (wire.go), never handed to a workflow.
type Activities struct {
	Store  *store.Store
	Mailer Mailer
	// Temporal starts the invoice workflows the scan finds, and the
	// customer letter workflows.
	Temporal client.Client
	Log      *slog.Logger
	// Confirm asks SES (its events, or the emulator's store) whether it
	// accepted an uncertain letter (ResolveLetter); nil leaves uncertain
	// letters to an operator.
	Confirm confirm.Checker
	// Portal signs the private link each letter carries to its customer's
	// page; nil: letters carry none.
	Portal *portallink.Links
}

// LoadInvoice returns what the workflow needs to start dunning an invoice.
func (a *Activities) LoadInvoice(ctx context.Context, ref wire.InvoiceRef) (wire.Invoice, error) {
	inv, err := a.Store.LoadItem(ctx, ref.Company, ref.Invoice, ref.Instalment)
	return scan.Snapshot(inv), nonRetryableIfNotFound(err)
}

// CheckItem re-reads the balance and statuses of an invoice or one of its
// instalments just before a letter.
func (a *Activities) CheckItem(ctx context.Context, ref wire.ItemRef) (wire.Check, error) {
	c, err := a.Store.CheckItem(ctx, ref.InvoiceID, ref.Instalment)
	return checkOf(c), nonRetryableIfNotFound(err)
}

// CheckInvoice re-reads the balance and statuses just before a letter.
func (a *Activities) CheckInvoice(ctx context.Context, invoiceID int64) (wire.Check, error) {
	c, err := a.Store.CheckInvoice(ctx, invoiceID)
	return checkOf(c), nonRetryableIfNotFound(err)
}

// RecordPayment stores a payment once (by external ID) and returns the new
// balance. A permanent refusal (store.Permanent: SQLSTATE classes 22 and
// 23 included) is a non-retryable wire.ErrTypePaymentRefused error, never
// retried.
func (a *Activities) RecordPayment(ctx context.Context, req wire.PaymentRequest) (wire.PaymentResult, error) {
	r, err := a.Store.RecordItemPayment(ctx, req.InvoiceID, req.Instalment, req.Payment)
	if err != nil && store.Permanent(err) {
		return paymentResultOf(r), temporal.NewNonRetryableApplicationError(err.Error(), wire.ErrTypePaymentRefused, err)
	}
	if err == nil && !r.Duplicate {
		a.tellInstalments(ctx, req, r.Instalments)
	}
	return paymentResultOf(r), err
}

// tellInstalments signals a payment that one instalment's workflow
// recorded to the workflows of the other instalments the ledger allocated
// it to (earliest first), so that each ends or lowers its balance at
// once. They find it recorded (same external ID) and read their own
// balance. A workflow that cannot be told sees it at its next check.
func (a *Activities) tellInstalments(ctx context.Context, req wire.PaymentRequest, seqs []int) {
	if a.Temporal == nil || len(seqs) == 0 || (len(seqs) == 1 && seqs[0] == req.Instalment) {
		return
	}
	company, number, err := a.Store.InvoiceKey(ctx, req.InvoiceID)
	if err != nil {
		a.Log.Warn("payment recorded, instalment workflows not told", "invoice_id", req.InvoiceID, "err", err)
		return
	}
	for _, seq := range seqs {
		if seq == req.Instalment {
			continue
		}
		id := dunning.InstalmentWorkflowID(company, number, seq)
		err := a.Temporal.SignalWorkflow(ctx, id, "", dunning.SignalPayment, req.Payment)
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			a.Log.Warn("payment recorded, an instalment workflow not told", "workflow_id", id, "err", err)
		}
	}
}

// RecordEvents mirrors workflow events into the history table; replays of
// the same events change nothing.
func (a *Activities) RecordEvents(ctx context.Context, req wire.EventsRequest) error {
	return a.Store.RecordItemEvents(ctx, req.InvoiceID, req.Instalment, req.WorkflowID, req.Events, req.Snapshot)
}
