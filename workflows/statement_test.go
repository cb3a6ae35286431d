package workflows

import (
	"context"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/workflows/wire"
	"github.com/stretchr/testify/mock"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"log/slog"
	"os"
	"testing"
	"time"
)

// sendAts returns when each letter handed over goes out, in Paris.
func sendAts(h *harness) []string {
	var out []string
	for _, r := range h.ledger.reqs {
		out = append(out, r.SendAt.In(paris).Format("2006-01-02 15:04")+" "+r.Slot)
	}
	return out
}

// TestLettersGoOutOnWorkingDays: R1 falls on Saturday 28 November 2026 and
// goes out Monday 30 at 09:00 Paris; R1 on Christmas Day goes out Monday
// 28 December.
func TestLettersGoOutOnWorkingDays(t *testing.T) {
	tests := []struct {
		due   calendar.Date
		start time.Time
		want  string
	}{
		{calendar.New(2026, 11, 27), time.Date(2026, 11, 27, 8, 0, 0, 0, paris), "2026-11-30 09:00 2026-11-30"},
		{calendar.New(2026, 12, 24), time.Date(2026, 12, 24, 8, 0, 0, 0, paris), "2026-12-28 09:00 2026-12-28"},
	}
	for _, tt := range tests {
		h := newHarness(t)
		h.ledger.due = tt.due
		h.env.SetStartTime(tt.start)
		h.later(10*24*time.Hour, func() { h.pay("BANK-1", "1200") })
		h.run()
		if got := sendAts(h); len(got) != 1 || got[0] != tt.want {
			t.Errorf("due %s: letters go out %v, want [%s]", tt.due, got, tt.want)
		}
	}
}

// TestAfternoonImportJoinsNextMorning: an invoice found overdue by a scan
// at 17:39 is not sent then: its letter joins the next morning's
// statement at 09:00.
func TestAfternoonImportJoinsNextMorning(t *testing.T) {
	h := newHarness(t)
	h.ledger.due = calendar.New(2026, 11, 20)
	h.env.SetStartTime(time.Date(2026, 11, 24, 17, 39, 0, 0, paris))
	h.later(5*24*time.Hour, func() { h.pay("BANK-1", "1200") })
	h.run()
	if got := sendAts(h); len(got) != 1 || got[0] != "2026-11-25 09:00 2026-11-25" {
		t.Errorf("letters go out %v, want the next morning's statement [2026-11-25 09:00 2026-11-25]", got)
	}
}

// TestTwoDaysTwoLetters: a letter handed in after the day's statement went
// out is deferred (never a second letter that day) and joins the next
// working day's statement, with the reason in the history once.
func TestTwoDaysTwoLetters(t *testing.T) {
	h := newHarness(t)
	h.answer = func(n int, it wire.LetterItem) wire.ItemResult {
		if n == 0 {
			return wire.ItemResult{Item: it, Status: wire.LetterDeferred, Detail: "statement of the day already sent"}
		}
		return wire.ItemResult{Item: it, Status: wire.LetterSent, Detail: it.Level.Code + " sent"}
	}
	h.later(at(11, 10, 0), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	// R1 on Tuesday 3 November, deferred to Wednesday 4.
	equal(t, "slots", sendAts(h), []string{"2026-11-03 09:00 2026-11-03", "2026-11-04 09:00 2026-11-04"})
	n := 0
	for _, e := range r.History {
		if e.Kind == dunning.EventNoLetter {
			n++
		}
	}
	if n != 1 || r.Letters != 1 {
		t.Errorf("%d no-letter events, %d letters: want 1 and 1", n, r.Letters)
	}
}

// TestNothingOwedSendsNoLetter: when credit notes leave nothing owed the
// statement does not go out; the history says why once and the invoice
// tries again on the next working days.
func TestNothingOwedSendsNoLetter(t *testing.T) {
	h := newHarness(t)
	h.answer = func(_ int, it wire.LetterItem) wire.ItemResult {
		return wire.ItemResult{Item: it, Status: wire.LetterNothingOwed, Detail: "no letter: CLI0009 owes nothing once credit notes are counted"}
	}
	h.later(at(11, 6, 12), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	if r.Letters != 0 || len(h.ledger.reqs) != 4 { // 3, 4, 5 and 6 November
		t.Errorf("%d letters, %d hand-overs %v", r.Letters, len(h.ledger.reqs), sendAts(h))
	}
	n := 0
	for _, e := range r.History {
		if e.Kind == dunning.EventNoLetter {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d no-letter events, want 1", n)
	}
}

// TestInstalmentReachesR2: the workflow of instalment 1 sends R1 then R2
// about that instalment only (the second, not yet due, has no workflow).
func TestInstalmentReachesR2(t *testing.T) {
	h := newHarness(t)
	h.later(at(11, 20, 0), func() { h.pay("BANK-1", "1200") })
	h.env.ExecuteWorkflow(InvoiceDunning, wire.Input{Company: "ACME", Invoice: "FA0171", Instalment: 1})
	h.result()
	equal(t, "letters", h.ledger.letters, []string{"R1#1", "R2#1"})
	for _, it := range h.ledger.queued {
		if it.Instalment != 1 {
			t.Errorf("letter %s about instalment %d, want 1", it.Key(), it.Instalment)
		}
	}
	if h.ledger.checks == 0 {
		t.Error("the instalment's balance was never checked")
	}
}

// statementActs stands in for SendStatement and TellResults (the results
// told go to tell).
type statementActs struct {
	calls [][]wire.LetterItem
	tell  func(wire.ItemResult)
}

func (s *statementActs) TellResults(_ context.Context, results []wire.ItemResult) error {
	for _, r := range results {
		s.tell(r)
	}
	return nil
}

func (s *statementActs) SendStatement(_ context.Context, req wire.CustomerLetterRequest) ([]wire.ItemResult, error) {
	s.calls = append(s.calls, req.Items)
	var out []wire.ItemResult
	for _, it := range req.Items {
		out = append(out, wire.ItemResult{Item: it, Status: wire.LetterSent})
	}
	return out, nil
}

// TestCustomerStatementOneLetterADay: the statement workflow collects the
// letters handed in before the send hour (and its grace), sends one
// statement, tells every invoice, and ends: a letter handed in later finds
// it closed (QueueLetter answers it "deferred").
func TestCustomerStatementOneLetterADay(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	start := time.Date(2026, 11, 24, 8, 0, 0, 0, paris)
	env.SetStartTime(start)
	acts := &statementActs{}
	env.RegisterActivity(acts)
	env.RegisterWorkflow(CustomerLetter)
	var told []wire.ItemResult
	acts.tell = func(r wire.ItemResult) { told = append(told, r) }
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", dunning.SignalLetterResult, mock.Anything).Return(
		func(_, _, _, _ string, arg any) error {
			acts.tell(arg.(wire.ItemResult))
			return nil
		})
	item := func(n int64) wire.LetterItem {
		return wire.LetterItem{InvoiceID: n, Invoice: "FA" + string(rune('0'+n)), Sequence: 1, WorkflowID: "dunning/ACME/x"}
	}
	add := func(d time.Duration, it wire.LetterItem) {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(dunning.SignalAddLetter, it) }, d)
	}
	add(0, item(1))
	add(time.Hour+time.Minute, item(2)) // 09:01, within the grace
	sendAt := time.Date(2026, 11, 24, 9, 0, 0, 0, paris)
	env.ExecuteWorkflow(CustomerLetter, wire.BatchInput{
		Company: "ACME", Customer: "CLI0009", Date: calendar.New(2026, 11, 24), Window: 5 * time.Minute,
		SendAt: sendAt, Until: time.Date(2026, 11, 25, 0, 0, 0, 0, paris), Tell: true, FirstAt: sendAt.Add(5 * time.Minute),
	})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(acts.calls) != 1 || len(acts.calls[0]) != 2 {
		t.Fatalf("statements sent %v, want one with FA1 and FA2", acts.calls)
	}
	if len(told) != 2 || told[0].Status != wire.LetterSent || told[1].Status != wire.LetterSent {
		t.Errorf("results %+v, want FA1 and FA2 sent", told)
	}
	if !env.Now().Equal(sendAt.Add(5 * time.Minute)) {
		t.Errorf("the statement ended at %v, want at its send time and grace (09:05)", env.Now())
	}
}

// TestCustomerStatementAskedNowGoesAtOnce: an item an operator asked for
// now ("Exécuter") makes the statement of the day go at once, before its
// hour, with every item it holds, and ends.
func TestCustomerStatementAskedNowGoesAtOnce(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	start := time.Date(2026, 11, 24, 7, 0, 0, 0, paris)
	env.SetStartTime(start)
	acts := &statementActs{}
	env.RegisterActivity(acts)
	env.RegisterWorkflow(CustomerLetter)
	var told []wire.ItemResult
	var toldAt []time.Time
	acts.tell = func(r wire.ItemResult) { told, toldAt = append(told, r), append(toldAt, env.Now()) }
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", dunning.SignalLetterResult, mock.Anything).Return(
		func(_, _, _, _ string, arg any) error {
			acts.tell(arg.(wire.ItemResult))
			return nil
		})
	add := func(d time.Duration, it wire.LetterItem) {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(dunning.SignalAddLetter, it) }, d)
	}
	add(0, wire.LetterItem{InvoiceID: 1, Invoice: "FA1", Sequence: 1, WorkflowID: "dunning/ACME/FA1"})
	add(10*time.Minute, wire.LetterItem{InvoiceID: 2, Invoice: "FA2", Sequence: 1, WorkflowID: "dunning/ACME/FA2", Now: true})
	sendAt := time.Date(2026, 11, 24, 9, 0, 0, 0, paris)
	env.ExecuteWorkflow(CustomerLetter, wire.BatchInput{
		Company: "ACME", Customer: "CLI0009", Date: calendar.New(2026, 11, 24), Window: time.Minute,
		SendAt: sendAt, Until: time.Date(2026, 11, 25, 0, 0, 0, 0, paris), Tell: true, FirstAt: sendAt.Add(time.Minute),
	})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(acts.calls) != 1 || len(acts.calls[0]) != 2 {
		t.Fatalf("statements sent %v, want one with FA1 and FA2", acts.calls)
	}
	if len(told) != 2 || toldAt[0].After(start.Add(11*time.Minute)) {
		t.Fatalf("results %+v at %v, want FA1 and FA2 told at 07:10", told, toldAt)
	}
}

// TestFailedLetterStaysHeldUntilResumed: a letter that cannot be built
// holds the invoice until an operator resumes it; it is not tried (and
// failed) again every day. After the resume it goes out at the next send
// hour.
func TestFailedLetterStaysHeldUntilResumed(t *testing.T) {
	h := newHarness(t)
	h.answer = func(n int, it wire.LetterItem) wire.ItemResult {
		if n == 0 {
			return wire.ItemResult{Item: it, Failed: true, Detail: "template R1 fails"}
		}
		return wire.ItemResult{Item: it, Status: wire.LetterSent, Detail: it.Level.Code + " sent"}
	}
	var held dunning.State
	var err error
	h.later(at(11, 9, 12), func() { held = h.state() })
	h.later(at(11, 9, 13), func() { h.update(&err, dunning.UpdateResume, dunning.ResumeRequest{Actor: "test"}) })
	h.later(at(11, 12, 0), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if held.Status != dunning.StatusHeld {
		t.Errorf("status after the failure = %s, want held", held.Status)
	}
	// The failed R1 on 3 November, nothing until the resume on 9, then R1
	// again at the next send hour, 10 November 09:00.
	equal(t, "hand-overs", sendAts(h), []string{"2026-11-03 09:00 2026-11-03", "2026-11-10 09:00 2026-11-10"})
	if r.Letters != 1 {
		t.Errorf("%d letters, want 1", r.Letters)
	}
}

// TestLateLetterKeepsTheNextDelay: the R1 statement planned for Tuesday 3
// November goes out three days late (an outage): R2 comes 15 days after
// the letter really left (Friday 6 → Saturday 21 → Monday 23 November), not
// 15 days after the planned date.
func TestLateLetterKeepsTheNextDelay(t *testing.T) {
	h := newHarness(t)
	h.late = func(n int) time.Duration {
		if h.ledger.queued[n].Level.Code == "R1" { // handed again after an hour: same late answer
			return 3 * 24 * time.Hour
		}
		return 0
	}
	h.later(at(11, 24, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	got := sendAts(h)
	if len(got) < 2 || got[0] != "2026-11-03 09:00 2026-11-03" || got[len(got)-1] != "2026-11-23 09:00 2026-11-23" {
		t.Errorf("hand-overs %v: want R1 for 3 November and R2 for 23 November", got)
	}
}

// TestDelayedStatementEndsOnceSent: a statement QueueLetter started with
// a start delay (BatchInput.FirstAt) runs at its send time, sends what it
// holds without a collection timer, and ends at once instead of waiting
// for the end of the day; a demo round does the same, and waits for the
// rest of its collection only when a signal-with-start woke it early.
func TestDelayedStatementEndsOnceSent(t *testing.T) {
	sendAt := time.Date(2026, 11, 24, 9, 0, 0, 0, paris)
	tests := []struct {
		name    string
		start   time.Time
		in      wire.BatchInput
		wantEnd time.Time
	}{
		{"production, at its time", sendAt.Add(time.Minute), wire.BatchInput{
			SendAt: sendAt, Window: time.Minute, Until: sendAt.Add(15 * time.Hour), FirstAt: sendAt.Add(time.Minute)}, sendAt.Add(time.Minute)},
		{"production, woken early", sendAt.Add(-5 * time.Minute), wire.BatchInput{
			SendAt: sendAt, Window: time.Minute, Until: sendAt.Add(15 * time.Hour), FirstAt: sendAt.Add(time.Minute)}, sendAt.Add(time.Minute)},
		{"demo round, at its time", sendAt, wire.BatchInput{
			SendAt: sendAt, Window: 15 * time.Second, Rounds: true, FirstAt: sendAt}, sendAt},
		{"demo round, woken early", sendAt.Add(-10 * time.Second), wire.BatchInput{
			SendAt: sendAt, Window: 15 * time.Second, Rounds: true, FirstAt: sendAt}, sendAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var suite testsuite.WorkflowTestSuite
			suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
			env := suite.NewTestWorkflowEnvironment()
			env.SetStartTime(tt.start)
			acts := &statementActs{}
			env.RegisterActivity(acts)
			env.RegisterWorkflow(CustomerLetter)
			var told []wire.ItemResult
			acts.tell = func(r wire.ItemResult) { told = append(told, r) }
			env.RegisterDelayedCallback(func() {
				env.SignalWorkflow(dunning.SignalAddLetter, wire.LetterItem{InvoiceID: 1, Invoice: "FA1", Sequence: 1, WorkflowID: "dunning/ACME/FA1"})
			}, 0)
			in := tt.in
			in.Company, in.Customer, in.Date, in.Tell = "ACME", "CLI0009", calendar.New(2026, 11, 24), true
			env.ExecuteWorkflow(CustomerLetter, in)
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			if len(acts.calls) != 1 || len(told) != 1 || told[0].Status != wire.LetterSent {
				t.Fatalf("statements %v, results %+v: want one statement, FA1 sent", acts.calls, told)
			}
			if end := env.Now(); end.Sub(tt.wantEnd) > time.Second {
				t.Errorf("ended at %s, want at %s (no wait for the end of the day)", end.In(paris).Format("15:04:05"), tt.wantEnd.In(paris).Format("15:04:05"))
			}
		})
	}
}
