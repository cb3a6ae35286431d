package workflows

import (
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
	"time"
)

// DailyScanWorkflowType is the registered name of DailyScan.
const DailyScanWorkflowType = "DailyScan"

// DailyScan is what the company's Temporal Schedule runs every morning: it
// starts a dunning workflow for every invoice that fell due, on the
// company's working date. Then it sends the company's courtesy mails of
// the day (Courtesy, a child workflow).
func DailyScan(ctx workflow.Context, in wire.ScanInput) (wire.ScanReport, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		Summary:             "scan overdue invoices of " + in.Company,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 5},
	})
	var rep wire.ScanReport
	err := workflow.ExecuteActivity(ctx, wire.ActivityScanCompany,
		wire.ScanRequest{Company: in.Company, At: workflow.Now(ctx)}).Get(ctx, &rep)
	runCourtesy(ctx, in.Company)
	return rep, err
}
