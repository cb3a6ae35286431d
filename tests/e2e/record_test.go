package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
)

// TestRecordStatementHistories records the histories replayed by
// workflows/replay_test.go of the customer statement
// (workflows/testdata/statement_*.json): an invoice through R1 and R2 then
// paid (saved as statement_local_invoice_paid.json, and as
// statement_delayed_invoice_paid.json beside the statements QueueLetter
// starts with a start delay), the statement of a day
// (statement_delayed_local.json) and a demo round's
// (statement_round_delayed.json). Earlier paths are retired
// (docs/versioning.md). It runs only when RELANCE_RECORD_DIR names the
// folder to write them to:
//
//	RELANCE_RECORD_DIR=$PWD/workflows/testdata go test ./e2e -run TestRecordStatementHistories
func TestRecordStatementHistories(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("RELANCE_RECORD_DIR")
	if dir == "" {
		t.Skip("RELANCE_RECORD_DIR not set: nothing to record")
	}
	ctx := context.Background()
	const company = "STMTREC"
	loadCompany(t, company, 2)
	defer terminateCompany(t, company)

	// A demo invoice through R1 and R2 (statements in rounds), then paid.
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: dunning.WorkflowID(company, "FA0184"), TaskQueue: dunning.TaskQueue},
		dunning.InvoiceWorkflowType, wire.Input{Company: company, Invoice: "FA0184"})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "FA0184 at R2", func() bool {
		s, err := (&opsState{}).get(ctx, company, "FA0184")
		return err == nil && s == "R2"
	})
	if err := tc.SignalWorkflow(ctx, run.GetID(), "", dunning.SignalPayment, dunning.Payment{
		ExternalID: "REC-1", Amount: decimal.RequireFromString("6444.00"), PaidOn: today,
	}); err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	save(t, dir, "statement_local_invoice_paid.json", run.GetID(), run.GetRunID())

	id, err := st.InvoiceID(ctx, company, "FA0168")
	if err != nil {
		t.Fatal(err)
	}
	item := wire.LetterItem{InvoiceID: id, Invoice: "FA0168", Level: ladder.Default()[0], Sequence: 9, WorkflowID: "dunning/" + company + "/none"}

	// A statement QueueLetter started with a start delay: it sends in a
	// local activity and ends at once.
	acts := &activities.Activities{Temporal: tc}
	delayed := item
	delayed.Sequence = 11
	q := wire.QueueRequest{Company: company, Customer: "CLI0009", Date: today, Window: time.Second, Slot: "record-delayed",
		SendAt: time.Now().Add(time.Second), Until: time.Now().Add(time.Hour), Item: delayed}
	if err := acts.QueueLetter(ctx, q); err != nil {
		t.Fatal(err)
	}
	drun := tc.GetWorkflow(ctx, "letters/"+company+"/CLI0009/record-delayed", "")
	if err := drun.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	save(t, dir, "statement_delayed_local.json", drun.GetID(), drun.GetRunID())

	// FA0184's demo statements (rounds started with a delay), the last one.
	resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf(`WorkflowType = %q AND ExecutionStatus = "Completed" AND WorkflowId STARTS_WITH "letters/%s/"`,
			dunning.CustomerLetterWorkflowType, company),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range resp.GetExecutions() {
		if !strings.HasSuffix(e.GetExecution().GetWorkflowId(), "record-delayed") {
			save(t, dir, "statement_round_delayed.json", e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId())
			break
		}
	}
}

// opsState reads an invoice's level through the query.
type opsState struct{}

func (opsState) get(ctx context.Context, company, invoice string) (string, error) {
	v, err := tc.QueryWorkflow(ctx, dunning.WorkflowID(company, invoice), "", dunning.QueryState)
	if err != nil {
		return "", err
	}
	var s dunning.State
	if err := v.Get(&s); err != nil {
		return "", err
	}
	return s.Level, nil
}

// save writes a workflow's history as JSON, as the replayer reads it.
func save(t *testing.T, dir, name, id, runID string) {
	t.Helper()
	h := &historypb.History{Events: history(t, id, runID)}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s: %d events", name, len(h.Events))
}
