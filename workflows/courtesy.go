package workflows

import (
	"fmt"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
	"time"
)

// CourtesyWorkflowType is the registered name of Courtesy.
const CourtesyWorkflowType = "Courtesy"

// courtesyChange is the workflow.GetVersion change id under which the
// daily scan runs the courtesy mails after starting the dunnings.
const courtesyChange = "courtesy-daily"

// Courtesy sends a company's courtesy mails of the day: the courtesy
// reminders before the due date and the thank-yous after payment
// (docs/customer-side.md, "Before and after"). The plan names customers
// and invoices by id only; each mail is its own activity, sent once (its
// key is company, kind, customer and day), and a mail that fails for good
// is counted, not fatal to the others.
func Courtesy(ctx workflow.Context, in wire.CourtesyInput) (wire.CourtesyReport, error) {
	var rep wire.CourtesyReport
	planCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		Summary:             "plan the courtesy mails of " + in.Company,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 5},
	})
	var plan wire.CourtesyPlan
	if err := workflow.ExecuteActivity(planCtx, wire.ActivityPlanCourtesy,
		wire.CourtesyPlanRequest{Company: in.Company, At: in.At, CadenceDays: in.CadenceDays}).Get(ctx, &plan); err != nil {
		return rep, err
	}
	sendCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 10, MaximumInterval: 10 * time.Minute},
	})
	for _, m := range plan.Mails {
		var res wire.CourtesyResult
		opts := workflow.GetActivityOptions(sendCtx)
		opts.Summary = fmt.Sprintf("courtesy mail %s, customer id %d, %d invoice(s)", m.Kind, m.CustomerID, len(m.InvoiceIDs))
		err := workflow.ExecuteActivity(workflow.WithActivityOptions(sendCtx, opts), wire.ActivitySendCourtesy, wire.CourtesyRequest{
			Company: in.Company, Day: plan.Day, CadenceDays: plan.CadenceDays, Mail: m,
		}).Get(ctx, &res)
		switch {
		case err != nil:
			rep.Failed++
			workflow.GetLogger(ctx).Warn("courtesy mail not sent", "kind", m.Kind, "customer_id", m.CustomerID, "err", err)
		case res.Status == wire.CourtesySent:
			rep.Sent++
		case res.Status == wire.CourtesySkipped:
			rep.Skipped++
		default:
			rep.Uncertain++
		}
	}
	return rep, nil
}

// CourtesyWorkflowID is the ID of the courtesy mails the daily scan of
// company started at at runs: "courtesy/<company>/<at, UTC, to the
// second>" (the scan's start time, so that a replay finds it again).
func CourtesyWorkflowID(company string, at time.Time) string {
	return "courtesy/" + company + "/" + at.UTC().Format(time.RFC3339)
}

// runCourtesy runs the day's courtesy mails of the company as a child of
// the daily scan (histories recorded before it skip it: courtesyChange).
// Its failure is logged: the scan's own report stands.
func runCourtesy(ctx workflow.Context, company string) {
	if version(ctx, changeCourtesy) == workflow.DefaultVersion {
		return
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:         CourtesyWorkflowID(company, workflow.GetInfo(ctx).WorkflowStartTime),
		StaticSummary:      "courtesy mails of " + company,
		WorkflowRunTimeout: 6 * time.Hour,
	})
	var rep wire.CourtesyReport
	if err := workflow.ExecuteChildWorkflow(cctx, CourtesyWorkflowType, wire.CourtesyInput{Company: company, At: workflow.Now(ctx)}).Get(ctx, &rep); err != nil {
		workflow.GetLogger(ctx).Warn("courtesy mails failed", "company", company, "err", err)
	}
}
