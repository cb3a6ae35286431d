package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"
)

// TestQueueLetterDelaysTheStatement checks QueueLetter against the real
// Temporal server: the day's statement workflow is started with a start
// delay until its send time, and the letters of the customer's other
// invoices are signals that do not wake it (no workflow task before the
// send time); once the day's statement workflow is closed, a letter
// handed in later starts nothing: its invoice workflow is told the letter
// waits for the next statement.
func TestQueueLetterDelaysTheStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	acts := &activities.Activities{Temporal: tc}
	sendAt := time.Now().Add(time.Hour)
	req := func(slot string, n int64, waiter string) wire.QueueRequest {
		return wire.QueueRequest{
			Company: "QLT", Customer: "C1", Date: today, Window: time.Minute, Slot: slot,
			SendAt: sendAt, Until: sendAt.Add(12 * time.Hour),
			Item: wire.LetterItem{InvoiceID: n, Invoice: "FA" + string(rune('0'+n)), Level: ladder.Level{Code: "R1"},
				Sequence: 1, WorkflowID: waiter},
		}
	}
	dayA, dayB := "letters/QLT/C1/day-a", "letters/QLT/C1/day-b"
	defer func() {
		for _, id := range []string{dayA, dayB} {
			_ = tc.TerminateWorkflow(ctx, id, "", "test over")
		}
	}()
	for n := int64(1); n <= 2; n++ {
		if err := acts.QueueLetter(ctx, req("day-a", n, "dunning/QLT/FA")); err != nil {
			t.Fatal(err)
		}
	}
	if err := acts.QueueLetter(ctx, req("day-b", 9, "dunning/QLT/FA9")); err != nil {
		t.Fatal(err)
	}
	events := history(t, dayA, "")
	var kinds []enums.EventType
	for _, e := range events {
		kinds = append(kinds, e.GetEventType())
	}
	want := []enums.EventType{enums.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, enums.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, enums.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED}
	if len(kinds) != len(want) || kinds[0] != want[0] || kinds[1] != want[1] || kinds[2] != want[2] {
		t.Fatalf("history of the day's statement %v, want %v: two letters waiting, no workflow task before the send time", kinds, want)
	}
	backoff := events[0].GetWorkflowExecutionStartedEventAttributes().GetFirstWorkflowTaskBackoff().AsDuration()
	if backoff < 59*time.Minute || backoff > 62*time.Minute {
		t.Errorf("first workflow task after %s, want about 1h01 (send time and its minute of grace)", backoff)
	}

	// The day's statement is over (terminated here): a later letter starts
	// no second one; its invoice workflow (day-b's, as a stand-in that
	// keeps signals) hears that it waits for the next statement.
	if err := tc.TerminateWorkflow(ctx, dayA, "", "stands for a statement that went out"); err != nil {
		t.Fatal(err)
	}
	if err := acts.QueueLetter(ctx, req("day-a", 3, dayB)); err != nil {
		t.Fatal(err)
	}
	if d, err := tc.DescribeWorkflowExecution(ctx, dayA, ""); err != nil || d.GetWorkflowExecutionInfo().GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_TERMINATED {
		t.Fatalf("day-a after a late letter: %v %v, want still the terminated run", d.GetWorkflowExecutionInfo().GetStatus(), err)
	}
	var told *historypb.HistoryEvent
	for _, e := range history(t, dayB, "") {
		if a := e.GetWorkflowExecutionSignaledEventAttributes(); a != nil && a.GetSignalName() == dunning.SignalLetterResult {
			told = e
		}
	}
	if told == nil {
		t.Fatal("the late letter's workflow was not told its result")
	}
	var r wire.ItemResult
	if err := converter.GetDefaultDataConverter().FromPayloads(told.GetWorkflowExecutionSignaledEventAttributes().GetInput(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Status != wire.LetterDeferred || r.Item.InvoiceID != 3 {
		t.Errorf("told %+v, want FA3 deferred to the next statement", r)
	}
}

// history returns the events of a workflow run (the latest when runID is
// empty).
func history(t *testing.T, id, runID string) []*historypb.HistoryEvent {
	t.Helper()
	var out []*historypb.HistoryEvent
	it := tc.GetWorkflowHistory(context.Background(), id, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}
