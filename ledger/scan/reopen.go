package scan

import (
	"context"
	"errors"
	"fmt"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
)

// Reopen starts again the dunning of invoice number of company (each of
// its due instalments when it has some) after a bank reversal raised a
// balance the invoice's workflow had closed as paid. A finished workflow
// of the same ID is replaced by a new run; a running one is left alone
// (it is told by a recheck signal). It returns how many workflows it
// started; an invoice not due on day, or excluded, starts nothing (the
// daily scan sees it later).
func Reopen(ctx context.Context, c Starter, st *store.Store, company, number string, on calendar.Date) (int, error) {
	cands, err := st.DueInvoices(ctx, company, on)
	if err != nil {
		return 0, fmt.Errorf("reopen %s: %w", number, err)
	}
	started := 0
	for _, cand := range cands {
		if cand.Number != number || cand.Problem != "" {
			continue
		}
		opts, in := startOptions(cand)
		opts.WorkflowIDReusePolicy = enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
		_, err := c.ExecuteWorkflow(ctx, opts, dunning.InvoiceWorkflowType, in)
		var already *serviceerror.WorkflowExecutionAlreadyStarted
		switch {
		case errors.As(err, &already):
		case err != nil:
			return started, fmt.Errorf("reopen %s: %w", cand.Name(), err)
		default:
			started++
		}
	}
	return started, nil
}
