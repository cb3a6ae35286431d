// Package scan selects the overdue invoices of a company and starts one
// dunning workflow per invoice. It is idempotent: an invoice whose workflow
// already runs is counted, not started again.
package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/relance/relance/calendar"
	"github.com/relance/relance/dunning"
	"github.com/relance/relance/money"
	"github.com/relance/relance/store"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// Skipped is an invoice the scan set aside, and why.
type Skipped struct {
	Invoice string `json:"invoice"`
	Reason  string `json:"reason"`
}

// Report says what a scan did.
type Report struct {
	Company        string    `json:"company"`
	Date           string    `json:"date"`
	Started        []string  `json:"started"`
	AlreadyRunning []string  `json:"alreadyRunning"`
	Skipped        []Skipped `json:"skipped"`
	Notes          []Skipped `json:"notes"`
	Failed         []Skipped `json:"failed"`
}

// Starter starts workflows (a Temporal client).
type Starter interface {
	ExecuteWorkflow(ctx context.Context, options client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error)
}

// Run scans company on working date on and starts the workflows. Problems
// with one invoice are reported and the scan goes on with the others; an
// error is returned only when the scan itself cannot run.
func Run(ctx context.Context, st *store.Store, c Starter, company string, on calendar.Date, log *slog.Logger) (Report, error) {
	return RunWithProgress(ctx, st, c, company, on, log, nil)
}

// RunWithProgress is Run calling progress, when not nil, after each
// invoice considered.
func RunWithProgress(ctx context.Context, st *store.Store, c Starter, company string, on calendar.Date, log *slog.Logger,
	progress func(done, total int)) (Report, error) {
	rep := Report{Company: company, Date: on.String()}
	cands, err := st.DueInvoices(ctx, company, on)
	if err != nil {
		return rep, err
	}
	for i, cand := range cands {
		if progress != nil {
			progress(i, len(cands))
		}
		if cand.Problem != "" {
			rep.Skipped = append(rep.Skipped, Skipped{cand.Number, cand.Problem})
			log.Warn("invoice not dunned", "company", company, "invoice", cand.Number, "reason", cand.Problem)
			continue
		}
		if cand.Note != "" {
			rep.Notes = append(rep.Notes, Skipped{cand.Number, cand.Note})
		}
		err := start(ctx, c, cand)
		var already *serviceerror.WorkflowExecutionAlreadyStarted
		switch {
		case err == nil:
			rep.Started = append(rep.Started, cand.Number)
		case errors.As(err, &already):
			rep.AlreadyRunning = append(rep.AlreadyRunning, cand.Number)
		default:
			rep.Failed = append(rep.Failed, Skipped{cand.Number, err.Error()})
			log.Error("start dunning failed", "company", company, "invoice", cand.Number, "err", err)
		}
	}
	if progress != nil {
		progress(len(cands), len(cands))
	}
	log.Info("scan done", "company", company, "date", on.String(), "started", len(rep.Started),
		"already_running", len(rep.AlreadyRunning), "skipped", len(rep.Skipped), "failed", len(rep.Failed))
	return rep, nil
}

func start(ctx context.Context, c Starter, cand store.Candidate) error {
	amount, _ := cand.Balance.Float64()
	opts := client.StartWorkflowOptions{
		ID:        dunning.WorkflowID(cand.Company, cand.Number),
		TaskQueue: dunning.TaskQueue,
		// A running or finished workflow for the invoice is never started
		// again; one that failed may be.
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		StaticSummary: fmt.Sprintf("Invoice %s — customer %s — %s due since %s", cand.Number, cand.Customer,
			money.Format(cand.Balance, cand.Currency), cand.DueDate.French()),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			dunning.AttrCompany.ValueSet(cand.Company),
			dunning.AttrCustomer.ValueSet(cand.Customer),
			dunning.AttrInvoice.ValueSet(cand.Number),
			dunning.AttrStatus.ValueSet("active"),
			dunning.AttrAmountDue.ValueSet(amount),
			dunning.AttrDueDate.ValueSet(cand.DueDate.UTC()),
		),
	}
	_, err := c.ExecuteWorkflow(ctx, opts, dunning.InvoiceWorkflowType,
		dunning.StartInput{Company: cand.Company, Invoice: cand.Number})
	if err != nil {
		return fmt.Errorf("start workflow for invoice %s: %w", cand.Number, err)
	}
	return nil
}
