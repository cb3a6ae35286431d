package workflows

import (
	"context"
	"fmt"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"log/slog"
	"os"
	"testing"
	"time"
)

// fakeLedger stands in for the activities in workflow unit tests: an
// in-memory invoice, its payments, letters and history.
type fakeLedger struct {
	balance  decimal.Decimal
	hold     string
	closed   bool
	payments map[string]bool
	letters  []string // "R1#1" per letter sent
	queued   []wire.LetterItem
	reqs     []wire.QueueRequest
	events   []dunning.Event
	due      calendar.Date // the invoice's due date, dueDate when zero
	checks   int           // CheckItem calls (instalments)
	loads    int           // LoadInvoice calls
}

func (f *fakeLedger) LoadInvoice(_ context.Context, ref wire.InvoiceRef) (wire.Invoice, error) {
	f.loads++
	due := f.due
	if due.IsZero() {
		due = dueDate
	}
	return wire.Invoice{
		ID: 1, Company: ref.Company, Number: ref.Invoice, Customer: "CLI0009", Currency: "EUR",
		Amount: decimal.RequireFromString("1200"), Balance: f.balance, DueDate: due,
		Ladder: ladder.Default(), TimeZone: "Europe/Paris", SendHour: 9, Holidays: "FR", Instalment: ref.Instalment,
	}, nil
}

func (f *fakeLedger) CheckItem(_ context.Context, _ wire.ItemRef) (wire.Check, error) {
	f.checks++
	return wire.Check{Balance: f.balance, Closed: f.closed, HoldReason: f.hold}, nil
}

func (f *fakeLedger) CheckInvoice(_ context.Context, _ int64) (wire.Check, error) {
	return wire.Check{Balance: f.balance, Closed: f.closed, HoldReason: f.hold}, nil
}

func (f *fakeLedger) RecordPayment(_ context.Context, req wire.PaymentRequest) (wire.PaymentResult, error) {
	if f.payments[req.Payment.ExternalID] {
		return wire.PaymentResult{Balance: f.balance, Duplicate: true}, nil
	}
	f.payments[req.Payment.ExternalID] = true
	f.balance = f.balance.Sub(req.Payment.Amount)
	return wire.PaymentResult{Balance: f.balance}, nil
}

func (f *fakeLedger) RecordEvents(_ context.Context, req wire.EventsRequest) error {
	f.events = append(f.events, req.Events...)
	return nil
}

// QueueLetter stands in for the customer letter workflow: it "sends" the
// letter at once; the harness signals the result back (see newHarness).
func (f *fakeLedger) QueueLetter(_ context.Context, req wire.QueueRequest) error {
	f.letters = append(f.letters, fmt.Sprintf("%s#%d", req.Item.Level.Code, req.Item.Sequence))
	f.queued = append(f.queued, req.Item)
	f.reqs = append(f.reqs, req)
	return nil
}

// The invoice fell due on 2 November 2026; the test clock starts on
// 1 November at noon in Paris, so R1 is due 3 November 09:00, R2 on
// 18 November, R3 on 3 December, MED on 18 December.
var (
	dueDate = calendar.New(2026, 11, 2)
	paris   = mustLocation("Europe/Paris")
	t0      = time.Date(2026, 11, 1, 12, 0, 0, 0, paris)
)

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at returns the offset from t0 of a moment in Paris time.
func at(month time.Month, day, hour int) time.Duration {
	return time.Date(2026, month, day, hour, 0, 0, 0, paris).Sub(t0)
}

type harness struct {
	testsuite.WorkflowTestSuite
	t      *testing.T
	env    *testsuite.TestWorkflowEnvironment
	ledger *fakeLedger
	// answer is what the customer's letter says of the n-th letter handed
	// over (0 first); sent when nil.
	answer func(n int, it wire.LetterItem) wire.ItemResult
	// late is how long after its send hour the n-th letter's answer comes.
	late func(n int) time.Duration
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, ledger: &fakeLedger{balance: decimal.RequireFromString("1200"), payments: map[string]bool{}}}
	h.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	h.env = h.NewTestWorkflowEnvironment()
	h.env.SetStartTime(t0)
	h.env.RegisterWorkflowWithOptions(InvoiceDunning, workflowOptions())
	h.env.RegisterActivity(h.ledger)
	// The hand-over is an activity before version 2 of "statement", a
	// local activity since (whose listener sees no activity name): answer
	// each letter once, when the activity that queued it completes.
	answered := 0
	queued := func(_ *activity.Info, _ converter.EncodedValue, err error) {
		if err != nil || len(h.ledger.queued) == answered {
			return
		}
		answered = len(h.ledger.queued)
		n := len(h.ledger.queued) - 1
		it := h.ledger.queued[n]
		r := wire.ItemResult{Item: it, Status: wire.LetterSent, Detail: it.Level.Code + " sent"}
		if h.answer != nil {
			r = h.answer(n, it)
		}
		// The statement answers when it goes out, at the send hour.
		req := h.ledger.reqs[n]
		if h.late != nil {
			req.SendAt = req.SendAt.Add(h.late(n))
			r.SentAt = req.SendAt
		}
		if d := req.SendAt.Sub(h.env.Now()); d > 0 {
			h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(dunning.SignalLetterResult, r) }, d)
			return
		}
		h.env.SignalWorkflow(dunning.SignalLetterResult, r)
	}
	h.env.SetOnActivityCompletedListener(queued)
	h.env.SetOnLocalActivityCompletedListener(queued)
	h.env.SetTestTimeout(30 * time.Second)
	return h
}

func (h *harness) run() wire.Result {
	h.env.ExecuteWorkflow(InvoiceDunning, wire.Input{Company: "ACME", Invoice: "FA0171"})
	return h.result()
}

func (h *harness) result() wire.Result {
	h.env.AssertExpectations(h.t)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	var r wire.Result
	if err := h.env.GetWorkflowResult(&r); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	return r
}

func (h *harness) later(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

func (h *harness) pay(id, amount string) {
	h.env.SignalWorkflow(dunning.SignalPayment, dunning.Payment{
		ExternalID: id, Amount: decimal.RequireFromString(amount), PaidOn: calendar.New(2026, 11, 20),
	})
}

// update sends an update; the validator's or the handler's error lands in
// *errp when the workflow answers.
func (h *harness) update(errp *error, name string, arg any) {
	h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnReject:   func(err error) { *errp = err },
		OnAccept:   func() {},
		OnComplete: func(_ any, err error) { *errp = err },
	}, arg)
}

func (h *harness) state() dunning.State {
	v, err := h.env.QueryWorkflow(dunning.QueryState)
	if err != nil {
		h.t.Fatal(err)
	}
	var s dunning.State
	if err := v.Get(&s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

func kinds(events []dunning.Event) []dunning.EventKind {
	out := make([]dunning.EventKind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestFullLadderToUnresolved(t *testing.T) {
	h := newHarness(t)
	var s dunning.State
	h.later(at(12, 20, 12), func() { s = h.state() })
	h.later(at(12, 21, 0), func() { h.pay("BANK-1", "1200") })
	r := h.run()

	equal(t, "letters", h.ledger.letters, []string{"R1#1", "R2#1", "R3#1", "MED#1"})
	if s.Status != dunning.StatusUnresolved || s.Level != "MED" || s.NextLevel != ladder.Unresolved {
		t.Errorf("state after MED = %s level %s next %s, want unresolved MED UNRESOLVED", s.Status, s.Level, s.NextLevel)
	}
	if r.Outcome != dunning.StatusPaid || r.Letters != 4 {
		t.Errorf("result = %+v", r)
	}
	// Letter dates follow the ladder: R1 the day after the due date, then every 15 days.
	var sentAt []string
	for _, e := range h.ledger.events {
		if e.Kind == dunning.EventLetterSent {
			sentAt = append(sentAt, e.At.In(paris).Format("01-02 15:04"))
		}
	}
	equal(t, "letter times", sentAt, []string{"11-03 09:00", "11-18 09:00", "12-03 09:00", "12-18 09:00"})
	equal(t, "mirrored events", kinds(h.ledger.events), kinds(r.History))
}

func TestFullPaymentMidWaitEndsAtOnce(t *testing.T) {
	h := newHarness(t)
	h.later(at(11, 10, 0), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	equal(t, "letters", h.ledger.letters, []string{"R1#1"})
	if r.Outcome != dunning.StatusPaid {
		t.Errorf("outcome = %s", r.Outcome)
	}
	if end := h.env.Now().In(paris); end.After(time.Date(2026, 11, 10, 0, 1, 0, 0, paris)) {
		t.Errorf("workflow ended at %v, want right after the payment on 10 Nov", end)
	}
}

func TestPartialThenFullPayment(t *testing.T) {
	h := newHarness(t)
	var mid dunning.State
	h.later(at(11, 10, 0), func() { h.pay("BANK-1", "200.50") })
	h.later(at(11, 11, 0), func() { mid = h.state() })
	h.later(at(11, 25, 0), func() { h.pay("BANK-2", "999.50") })
	r := h.run()
	if !mid.Balance.Equal(decimal.RequireFromString("999.50")) || mid.Status != dunning.StatusActive {
		t.Errorf("after partial payment: balance %s status %s", mid.Balance, mid.Status)
	}
	equal(t, "letters", h.ledger.letters, []string{"R1#1", "R2#1"})
	if r.Outcome != dunning.StatusPaid || r.Balance != "0.00" {
		t.Errorf("result = %+v", r)
	}
}

func TestDuplicatePaymentCountsOnce(t *testing.T) {
	h := newHarness(t)
	h.later(at(11, 10, 0), func() { h.pay("BANK-1", "600") })
	h.later(at(11, 10, 1), func() { h.pay("BANK-1", "600") })
	var s dunning.State
	h.later(at(11, 12, 0), func() { s = h.state() })
	h.later(at(11, 12, 1), func() { h.pay("BANK-2", "600") })
	r := h.run()
	if !s.Balance.Equal(decimal.RequireFromString("600")) {
		t.Errorf("balance after duplicate = %s, want 600", s.Balance)
	}
	if r.Outcome != dunning.StatusPaid {
		t.Errorf("outcome = %s", r.Outcome)
	}
	payments := 0
	for _, e := range r.History {
		if e.Kind == dunning.EventPayment {
			payments++
		}
	}
	if payments != 2 {
		t.Errorf("%d payment events, want 2", payments)
	}
}

func TestSkip(t *testing.T) {
	h := newHarness(t)
	var err error
	var s dunning.State
	// After R1 (3 Nov), skip R2 on 5 Nov: R3 is due 15 days after the skip.
	h.later(at(11, 5, 10), func() {
		h.update(&err, dunning.UpdateSkip, dunning.SkipRequest{Actor: "marie", Reason: "customer called"})
	})
	h.later(at(11, 5, 11), func() { s = h.state() })
	h.later(at(11, 21, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	if err != nil {
		t.Fatal(err)
	}
	if s.Level != "R2" || s.NextLevel != "R3" {
		t.Errorf("after skip level %s next %s, want R2 R3", s.Level, s.NextLevel)
	}
	if want := time.Date(2026, 11, 20, 9, 0, 0, 0, paris); !s.NextActionAt.Equal(want) {
		t.Errorf("next action %v, want %v", s.NextActionAt, want)
	}
	equal(t, "letters", h.ledger.letters, []string{"R1#1", "R3#1"})
	var skipped *dunning.Event
	for i, e := range h.ledger.events {
		if e.Kind == dunning.EventSkipped {
			skipped = &h.ledger.events[i]
		}
	}
	if skipped == nil || skipped.Actor != "marie" || skipped.Level != "R2" {
		t.Errorf("skip event = %+v", skipped)
	}
}

func TestRevert(t *testing.T) {
	h := newHarness(t)
	var err error
	// R1 on 3 Nov, R2 on 18 Nov; revert on 19 Nov: R2 is sent again 15 days later.
	h.later(at(11, 19, 10), func() { h.update(&err, dunning.UpdateRevert, dunning.RevertRequest{Actor: "marie"}) })
	h.later(at(12, 5, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "letters", h.ledger.letters, []string{"R1#1", "R2#1", "R2#2"})
}

func TestRevertRefusedAtFirstLevel(t *testing.T) {
	h := newHarness(t)
	var err error
	h.later(at(11, 2, 0), func() { h.update(&err, dunning.UpdateRevert, dunning.RevertRequest{Actor: "marie"}) })
	h.later(at(11, 2, 1), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	if err == nil {
		t.Fatal("revert at the first level was accepted")
	}
	t.Logf("refused as expected: %v", err)
	for _, e := range r.History {
		if e.Kind == dunning.EventReverted {
			t.Error("a refused revert left an event")
		}
	}
}

func TestSkipRefusedWhenPaused(t *testing.T) {
	h := newHarness(t)
	var pauseErr, skipErr error
	h.later(at(11, 2, 0), func() {
		h.update(&pauseErr, dunning.UpdatePause, dunning.PauseRequest{Actor: "marie", Reason: "dispute"})
	})
	h.later(at(11, 2, 1), func() { h.update(&skipErr, dunning.UpdateSkip, dunning.SkipRequest{Actor: "marie"}) })
	h.later(at(11, 3, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	if pauseErr != nil {
		t.Fatal(pauseErr)
	}
	if skipErr == nil {
		t.Error("skip while paused was accepted")
	}
}

func TestPauseUntilDateThenAutomaticResume(t *testing.T) {
	h := newHarness(t)
	var err error
	var paused dunning.State
	// Promise to pay on 2 Nov, until 25 Nov: R1 (due 3 Nov) waits for 25 Nov.
	h.later(at(11, 2, 10), func() {
		h.update(&err, dunning.UpdatePause, dunning.PauseRequest{Actor: "marie", Reason: "promise to pay", Until: calendar.New(2026, 11, 25)})
	})
	h.later(at(11, 10, 0), func() { paused = h.state() })
	h.later(at(11, 26, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	if err != nil {
		t.Fatal(err)
	}
	if paused.Status != dunning.StatusPaused || paused.PausedUntil != calendar.New(2026, 11, 25) {
		t.Errorf("state while paused = %s until %s", paused.Status, paused.PausedUntil)
	}
	equal(t, "letters", h.ledger.letters, []string{"R1#1"})
	var resumedAt, r1At time.Time
	for _, e := range h.ledger.events {
		switch e.Kind {
		case dunning.EventResumed:
			resumedAt = e.At
		case dunning.EventLetterSent:
			r1At = e.At
		}
	}
	if want := time.Date(2026, 11, 25, 9, 0, 0, 0, paris); !resumedAt.Equal(want) { // at the send hour
		t.Errorf("resumed at %v, want %v", resumedAt, want)
	}
	if !r1At.Equal(resumedAt) {
		t.Errorf("R1 sent at %v, want at the resume %v (it was overdue)", r1At, resumedAt)
	}
}

func TestPaymentWhilePaused(t *testing.T) {
	h := newHarness(t)
	var err error
	h.later(at(11, 2, 10), func() { h.update(&err, dunning.UpdatePause, dunning.PauseRequest{Actor: "marie", Reason: "dispute"}) })
	h.later(at(11, 20, 0), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != dunning.StatusPaid || len(h.ledger.letters) != 0 {
		t.Errorf("outcome %s, letters %v", r.Outcome, h.ledger.letters)
	}
}

func TestDoNotRemindHoldsLetters(t *testing.T) {
	h := newHarness(t)
	h.ledger.hold = "customer is marked do-not-remind"
	var held dunning.State
	h.later(at(11, 4, 0), func() { held = h.state() })
	h.later(at(11, 6, 0), func() { h.ledger.hold = "" }) // flag removed
	h.later(at(11, 8, 0), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	if held.Status != dunning.StatusHeld || held.HoldReason == "" {
		t.Errorf("state = %s (%q), want held", held.Status, held.HoldReason)
	}
	// No letter while held; sent at the first daily look after the flag went.
	equal(t, "letters", h.ledger.letters, []string{"R1#1"})
	heldEvents := 0
	for _, e := range r.History {
		if e.Kind == dunning.EventHeld {
			heldEvents++
		}
	}
	if heldEvents != 1 {
		t.Errorf("%d held events, want 1 (recorded once, not every day)", heldEvents)
	}
}

func TestBalanceFoundZeroAtCheck(t *testing.T) {
	h := newHarness(t)
	h.later(at(11, 10, 0), func() { h.ledger.balance = decimal.Zero }) // paid in the accounting system
	r := h.run()
	equal(t, "letters", h.ledger.letters, []string{"R1#1"})
	if r.Outcome != dunning.StatusPaid {
		t.Errorf("outcome = %s", r.Outcome)
	}
	last := r.History[len(r.History)-1]
	if last.Kind != dunning.EventPaid {
		t.Errorf("last event %s, want paid", last.Kind)
	}
}

func TestMalformedPaymentIsRecordedAndIgnored(t *testing.T) {
	h := newHarness(t)
	h.later(at(11, 10, 0), func() {
		h.env.SignalWorkflow(dunning.SignalPayment, map[string]any{"externalId": "X", "amount": "-5", "paidOn": "2026-11-10"})
	})
	h.later(at(11, 10, 1), func() { h.env.SignalWorkflow(dunning.SignalPayment, "not json object") })
	h.later(at(11, 11, 0), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	bad := 0
	for _, e := range r.History {
		if e.Kind == dunning.EventPaymentBad {
			bad++
		}
	}
	if bad != 2 || r.Outcome != dunning.StatusPaid {
		t.Errorf("%d rejected payments, outcome %s", bad, r.Outcome)
	}
}

// TestUpdateDuringFlushIsMirroredPromptly: a comment accepted while the
// workflow mirrors its history (flush) reaches the database at once, not
// at the next timer days later.
func TestUpdateDuringFlushIsMirroredPromptly(t *testing.T) {
	h := newHarness(t)
	var err error
	sent := false
	// RecordEvents is a local activity (version 2 of "statement"): its
	// listener sees its arguments, not its name.
	h.env.SetOnLocalActivityStartedListener(func(_ *activity.Info, _ context.Context, args []any) {
		if len(args) == 1 && !sent {
			if _, ok := args[0].(wire.EventsRequest); ok {
				sent = true
				h.update(&err, dunning.UpdateComment, dunning.CommentRequest{Text: "client called", Actor: "test"})
			}
		}
	})
	mirrored := false
	h.later(time.Hour, func() {
		for _, e := range h.ledger.events {
			mirrored = mirrored || e.Kind == dunning.EventCommented
		}
	})
	h.later(at(11, 2, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	if err != nil {
		t.Fatal(err)
	}
	if !mirrored {
		t.Error("the comment accepted during flush was not mirrored within the hour")
	}
}
