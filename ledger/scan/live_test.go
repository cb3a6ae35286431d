package scan_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/relance/relance/devtools/bench"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestSecondScanMakesNoStartCall: the ledger records the dunnings the
// first scan started (and those it found already started), so the next
// daily scan over the same invoices calls Temporal for none of them; a
// dunning that ended paid stays out, one that ended terminated is started
// again.
func TestSecondScanMakesNoStartCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	l := bench.Ledger{Company: "LIVE", Due: 120, NotDue: 30, Closed: 50, Today: today}
	if err := bench.Generate(ctx, st, l); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	first := newFakeStarter(t, 0)
	for i := range 10 { // running before the ledger recorded dunnings
		first.already[bench.DueNumber(i)] = true
	}
	rep, err := scan.Run(ctx, st, first, l.Company, today, log)
	if err != nil || first.calls != l.Due || rep.StartedCount != l.Due-10 || rep.AlreadyRunningCount != 10 {
		t.Fatalf("first scan: %d calls, report %+v, %v", first.calls, rep, err)
	}

	second := newFakeStarter(t, 0)
	rep, err = scan.Run(ctx, st, second, l.Company, today, log)
	if err != nil || second.calls != 0 || rep.Considered != 0 || rep.LiveCount != l.Due {
		t.Fatalf("second scan: %d start calls, considered %d, live %d (%v); want 0, 0, %d",
			second.calls, rep.Considered, rep.LiveCount, err, l.Due)
	}

	// One dunning ends paid (its workflow's final event), one is terminated.
	paid, _ := st.InvoiceID(ctx, l.Company, bench.DueNumber(20))
	if err := st.RecordItemEvents(ctx, paid, 0, "wf@run", []dunning.Event{{Seq: 9, At: time.Now(), Kind: dunning.EventPaid}},
		dunning.Snapshot{Status: dunning.StatusPaid}); err != nil {
		t.Fatal(err)
	}
	gone, _ := st.InvoiceID(ctx, l.Company, bench.DueNumber(21))
	if err := st.RecordDunningEnd(ctx, store.DunningKey{InvoiceID: gone}, time.Now(), "terminated", true); err != nil {
		t.Fatal(err)
	}
	third := newFakeStarter(t, 0)
	rep, err = scan.Run(ctx, st, third, l.Company, today, log)
	if err != nil || third.calls != 1 || third.started[dunning.WorkflowID(l.Company, bench.DueNumber(21))] != 1 {
		t.Fatalf("third scan: %d calls %v (%v), want the terminated one only", third.calls, third.started, err)
	}
	if rep.LiveCount != l.Due-2 {
		t.Errorf("live dunnings = %d, want %d", rep.LiveCount, l.Due-2)
	}
}

// fakeVisibility lists running workflows two per page and describes the
// others.
type fakeVisibility struct {
	running []string
	closed  map[string]enums.WorkflowExecutionStatus // the rest: not found
}

func (f *fakeVisibility) ListWorkflow(_ context.Context, r *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	from := 0
	if len(r.NextPageToken) > 0 {
		from = int(r.NextPageToken[0])
	}
	to := min(from+2, len(f.running))
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	for _, id := range f.running[from:to] {
		resp.Executions = append(resp.Executions, &workflow.WorkflowExecutionInfo{
			Execution: &common.WorkflowExecution{WorkflowId: id}, StartTime: timestamppb.Now(),
			Status: enums.WORKFLOW_EXECUTION_STATUS_RUNNING,
		})
	}
	if to < len(f.running) {
		resp.NextPageToken = []byte{byte(to)}
	}
	return resp, nil
}

func (f *fakeVisibility) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	s, ok := f.closed[id]
	if !ok {
		return nil, serviceerror.NewNotFound("workflow not found")
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflow.WorkflowExecutionInfo{
		Status: s, CloseTime: timestamppb.Now(),
	}}, nil
}

// TestReconcileCorrectsTheLedger: running workflows the ledger missed are
// recorded; recorded ones Temporal closed are ended, restartable when
// Temporal would let them start again.
func TestReconcileCorrectsTheLedger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	l := bench.Ledger{Company: "RECO", Due: 8, Today: today}
	if err := bench.Generate(ctx, st, l); err != nil {
		t.Fatal(err)
	}
	id := func(i int) string { return dunning.WorkflowID(l.Company, bench.DueNumber(i)) }
	for i := range 5 { // the ledger knows 0..4 as live
		inv, _ := st.InvoiceID(ctx, l.Company, bench.DueNumber(i))
		if err := st.RecordDunningStart(ctx, store.DunningKey{InvoiceID: inv}, time.Now(), false); err != nil {
			t.Fatal(err)
		}
	}
	v := &fakeVisibility{
		running: []string{id(0), id(1), id(2), id(5), id(6)}, // 5 and 6 unknown to the ledger
		closed: map[string]enums.WorkflowExecutionStatus{
			id(3): enums.WORKFLOW_EXECUTION_STATUS_COMPLETED, // 4: not found
		},
	}
	rep, err := scan.Reconcile(ctx, st, v, l.Company, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Running != 5 || rep.Recorded != 2 || rep.Ended != 2 || rep.Restartable != 1 {
		t.Errorf("reconcile = %+v, want 5 running, 2 recorded, 2 ended of which 1 restartable", rep)
	}
	if at, err := st.LastReconcile(ctx, l.Company); err != nil || time.Since(at) > time.Minute {
		t.Errorf("last reconciliation at %s (%v)", at, err)
	}
	// The scan now starts what no dunning covers: 4 (gone) and 7 (never started).
	f := newFakeStarter(t, 0)
	if _, err := scan.Run(ctx, st, f, l.Company, today, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if f.calls != 2 || f.started[id(4)] != 1 || f.started[id(7)] != 1 {
		t.Errorf("scan after reconcile started %v (%d calls), want %s and %s", f.started, f.calls, id(4), id(7))
	}
}
