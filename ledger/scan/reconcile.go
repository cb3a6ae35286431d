package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
)

// Visibility is what Reconcile asks Temporal (a client.Client).
type Visibility interface {
	ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
	DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error)
}

// ReconcileEvery is how old a company's last reconciliation may be before
// the scheduled scan reconciles again.
const ReconcileEvery = 7 * 24 * time.Hour

// ReconcileReport says what a reconciliation found.
type ReconcileReport struct {
	Company string `json:"company"`
	// Running is the number of running dunning workflows Temporal's
	// visibility lists for the company.
	Running int `json:"running"`
	// Recorded is how many of them the ledger did not know: now recorded
	// live, so the scan leaves them alone.
	Recorded int `json:"recorded"`
	// Ended is how many dunnings the ledger had as live while Temporal has
	// them closed (or has none): now ended; Restartable of them ended in a
	// way (failed, terminated, timed out, gone) that lets the next scan
	// start them again.
	Ended       int      `json:"ended"`
	Restartable int      `json:"restartable"`
	Sample      []string `json:"sample,omitempty"` // the first workflow IDs corrected
}

// Reconcile compares the dunnings the ledger records as live for company
// with the running workflows of Temporal's visibility (a query on the
// DunningCompany search attribute, read in pages), and corrects the
// ledger: running workflows it did not know are recorded, recorded ones
// Temporal no longer runs are ended (each checked by a describe call, as
// visibility lags a little behind a start). It records when it ran.
func Reconcile(ctx context.Context, st *store.Store, v Visibility, company string, log *slog.Logger) (ReconcileReport, error) {
	rep := ReconcileReport{Company: company}
	live, err := st.LiveDunnings(ctx, company)
	if err != nil {
		return rep, err
	}
	query := fmt.Sprintf(`WorkflowType = %q AND %s = %q AND ExecutionStatus = "Running"`,
		dunning.InvoiceWorkflowType, dunning.AttrCompany.GetName(), company)
	var token []byte
	for {
		resp, err := v.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return rep, fmt.Errorf("reconcile %s: list running dunnings: %w", company, err)
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			rep.Running++
			if _, ok := live[id]; ok {
				delete(live, id)
				continue
			}
			key, err := keyOf(ctx, st, company, id)
			if err != nil {
				log.Warn("reconcile: running workflow without invoice", "company", company, "workflow_id", id, "err", err)
				continue
			}
			if err := st.RecordDunningStart(ctx, key, e.GetStartTime().AsTime(), false); err != nil {
				return rep, err
			}
			rep.Recorded++
			rep.Sample = listed(rep.Sample, id, Sample)
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	// What the ledger has live and visibility does not list as running.
	for id, key := range live {
		d, err := v.DescribeWorkflowExecution(ctx, id, "")
		var nf *serviceerror.NotFound
		outcome, restartable, at := "", false, time.Now()
		switch {
		case errors.As(err, &nf):
			outcome, restartable = "not_found", true
		case err != nil:
			return rep, fmt.Errorf("reconcile %s: describe %s: %w", company, id, err)
		default:
			info := d.GetWorkflowExecutionInfo()
			if ct := info.GetCloseTime(); ct != nil {
				at = ct.AsTime()
			}
			switch info.GetStatus() {
			case enums.WORKFLOW_EXECUTION_STATUS_RUNNING:
				continue // started moments ago: visibility has not caught up
			case enums.WORKFLOW_EXECUTION_STATUS_COMPLETED:
				outcome = "completed"
			default: // failed, terminated, canceled, timed out: Temporal lets it start again
				outcome = strings.ToLower(strings.TrimPrefix(info.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_"))
				restartable = true
			}
		}
		if err := st.RecordDunningEnd(ctx, key, at, outcome, restartable); err != nil {
			return rep, err
		}
		rep.Ended++
		if restartable {
			rep.Restartable++
		}
		rep.Sample = listed(rep.Sample, id, Sample)
	}
	if err := st.RecordReconcile(ctx, company, store.ReconcileRecord{
		At: time.Now(), Running: rep.Running, Recorded: rep.Recorded, Ended: rep.Ended,
	}); err != nil {
		return rep, err
	}
	log.Info("reconcile done", "company", company, "running", rep.Running, "recorded", rep.Recorded,
		"ended", rep.Ended, "restartable", rep.Restartable)
	return rep, nil
}

// keyOf finds the invoice (and instalment) a dunning workflow ID names.
func keyOf(ctx context.Context, st *store.Store, company, id string) (store.DunningKey, error) {
	number, ok := strings.CutPrefix(id, dunning.WorkflowID(company, ""))
	if !ok || number == "" {
		return store.DunningKey{}, fmt.Errorf("workflow ID %q is not a dunning of %s", id, company)
	}
	seq := 0
	if i := strings.LastIndexByte(number, '#'); i > 0 {
		n, err := strconv.Atoi(number[i+1:])
		if err != nil {
			return store.DunningKey{}, fmt.Errorf("workflow ID %q: instalment %q", id, number[i+1:])
		}
		number, seq = number[:i], n
	}
	invoiceID, err := st.InvoiceID(ctx, company, number)
	if err != nil {
		return store.DunningKey{}, err
	}
	return store.DunningKey{InvoiceID: invoiceID, Instalment: seq}, nil
}
