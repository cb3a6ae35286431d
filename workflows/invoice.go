package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// keptHistory bounds the events carried in memory across continue-as-new.
const keptHistory = 200

// holdRecheckDays is how often a held invoice (do-not-remind, litigation)
// looks again at its statuses.
const holdRecheckDays = 1

// InvoiceDunning is the workflow of one overdue invoice: it waits for each
// level's date, checks the ledger, sends the letter, and moves up, until the
// invoice is paid or closed. See README "How an invoice is dunned".
//
// What happens on a payment: the payment signal is recorded in the ledger
// (once per external ID) and the balance the ledger returns becomes the
// workflow's; at zero the workflow ends at once with outcome "paid".
func InvoiceDunning(ctx workflow.Context, in wire.Input) (wire.Result, error) {
	info := workflow.GetInfo(ctx)
	// History rows are keyed by workflow and first run, so a later dunning
	// of the same invoice (after a failed run) keeps its own rows.
	w := &invoiceRun{ctx: ctx, id: info.WorkflowExecution.ID, historyKey: info.WorkflowExecution.ID + "@" + info.FirstRunID}
	// Version 2 of "statement": the customer statement (letters at the
	// send hour of a working day, one per customer and day, built from the
	// ledger), the short database activities (load, check, hand-over,
	// payment, history mirror) run as local activities, in the workflow
	// task that needs them (README "Scale"). The earlier versions are
	// retired (docs/versioning.md): the call stays for the marker.
	version(ctx, changeStatement)
	if in.Carry != nil {
		w.c = *in.Carry
	} else {
		var inv wire.Invoice
		if in.Loaded != nil {
			inv = *in.Loaded
		} else if err := w.short("load invoice "+in.Invoice, wire.ActivityLoadInvoice,
			wire.InvoiceRef{Company: in.Company, Invoice: in.Invoice, Instalment: in.Instalment}).Get(ctx, &inv); err != nil {
			return wire.Result{}, fmt.Errorf("load invoice %s: %w", in.Invoice, err)
		}
		w.c = wire.Carry{Invoice: inv, Start: workflow.Now(ctx), Sent: make([]int, len(inv.Ladder))}
		w.event(dunning.EventStarted, "", fmt.Sprintf("dunning started: %s due %s, due date %s",
			in.Invoice, money.Format(inv.Balance, inv.Currency), inv.DueDate), "")
	}
	if err := w.setup(); err != nil {
		return wire.Result{}, err
	}
	return w.run()
}

type invoiceRun struct {
	ctx        workflow.Context
	id         string
	historyKey string // the history rows' key: workflow ID and first run
	c          wire.Carry
	clock      ladder.Clock
	payments   workflow.ReceiveChannel
	rechecks   workflow.ReceiveChannel
	pending    []dunning.Event // events not yet mirrored to the database
	wake       bool            // a message changed the plan: recompute the next action
	sending    bool            // a letter is on its way: skip and revert wait
	execAt     int             // Stage+1 when the letter of Stage was asked for now (update "execute")
	execNow    bool            // the asked letter goes with today's statement at once (execute version 2)
	checkErr   error           // why the last check could not run
	next       time.Time       // next action, zero when none is planned
	status     dunning.Status
	outcome    dunning.Status
	shown      map[string]any // search attributes last published
	// strictChecks: payments get dunning.Payment.Validate (version 1 of
	// "payment-checks", asked at the first payment: checksKnown).
	checksKnown, strictChecks bool
}

func (w *invoiceRun) setup() error {
	loc, err := time.LoadLocation(w.c.Invoice.TimeZone)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("company %s has an unknown time zone %q", w.c.Invoice.Company, w.c.Invoice.TimeZone),
			"BadConfig", err)
	}
	w.clock = ladder.Clock{Location: loc, SendHour: w.c.Invoice.SendHour, DaySeconds: w.c.Invoice.DaySeconds}
	h, err := calendar.ParseHolidays(w.c.Invoice.Holidays)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("company %s: %v", w.c.Invoice.Company, err), "BadConfig", err)
	}
	w.clock.Holidays = h
	w.payments = workflow.GetSignalChannel(w.ctx, dunning.SignalPayment)
	w.rechecks = workflow.GetSignalChannel(w.ctx, dunning.SignalRecheck)
	if err := workflow.SetQueryHandler(w.ctx, dunning.QueryState, func() (dunning.State, error) { return w.state(), nil }); err != nil {
		return err
	}
	return w.registerUpdates()
}

// run is the main loop: settle messages, then wait for the next action.
func (w *invoiceRun) run() (wire.Result, error) {
	for {
		if err := w.drainPayments(); err != nil {
			return wire.Result{}, err
		}
		if err := w.drainRechecks(); err != nil {
			return wire.Result{}, err
		}
		if w.outcome == "" && w.c.Invoice.Balance.Sign() <= 0 {
			w.finish(dunning.StatusPaid, dunning.EventPaid, "balance is zero: dunning ends")
		}
		w.plan()
		if err := w.flush(); err != nil {
			return wire.Result{}, err
		}
		if w.outcome != "" {
			return w.result()
		}
		if workflow.GetInfo(w.ctx).GetContinueAsNewSuggested() && w.quiet() {
			return wire.Result{}, w.continueAsNew()
		}
		fired := w.wait()
		if !fired {
			continue
		}
		if err := w.act(); err != nil {
			return wire.Result{}, err
		}
	}
}

// plan computes the status and the next action from the state.
func (w *invoiceRun) plan() {
	lad := w.c.Invoice.Ladder
	switch {
	case w.outcome != "":
		w.status, w.next = w.outcome, time.Time{}
	case w.c.Paused:
		w.status, w.next = dunning.StatusPaused, time.Time{}
		if !w.c.PauseTill.IsZero() {
			w.next = w.c.PauseTill.At(w.clock.SendHour, w.clock.Location)
		}
	case w.c.HoldWhy != "":
		w.status, w.next = dunning.StatusHeld, w.c.HoldTill
	case w.c.Stage >= len(lad):
		w.status, w.next = dunning.StatusUnresolved, time.Time{}
	default:
		w.status = dunning.StatusActive
		lv := lad[w.c.Stage]
		if w.c.LastStep.IsZero() {
			w.next = w.clock.FirstDue(lv, w.c.Invoice.DueDate, w.c.Start)
		} else {
			w.next = w.clock.NextDue(lv, w.c.LastStep)
		}
		if w.execAt == w.c.Stage+1 && w.next.After(workflow.Now(w.ctx)) {
			w.next = workflow.Now(w.ctx) // asked for now (update "execute")
		}
	}
	if !w.next.IsZero() && !(w.status == dunning.StatusHeld && w.c.Unsure != nil) {
		if w.asked() {
			// Asked for now: today's statement, not the next send hour.
			if w.c.NotBefore.After(w.next) {
				w.next = w.c.NotBefore
			}
		} else {
			w.next = w.slot(w.next)
			if w.status == dunning.StatusActive && w.c.CadenceAt.After(w.next) {
				// The cadence: the letter joins the customer's next one.
				w.next = w.c.CadenceAt
			}
		}
	}
	w.publish()
}

// asked reports whether the next letter was asked for now (update
// "execute", version 2) and goes with today's statement at once.
func (w *invoiceRun) asked() bool {
	return w.execNow && w.execAt == w.c.Stage+1 && w.status == dunning.StatusActive
}

// slot moves a planned time to when letters really go out: the send hour
// of a working day; a time whose slot passed (more than the clock's grace
// ago: a late start, an afternoon import, a hold lifted) waits for the
// next slot, never before NotBefore.
func (w *invoiceRun) slot(t time.Time) time.Time {
	now := workflow.Now(w.ctx)
	s := w.clock.Slot(t)
	if w.clock.DaySeconds == 0 && s.Before(now.Add(-w.clock.Grace())) {
		s = w.clock.Slot(now)
	}
	if s.Before(w.c.NotBefore) {
		s = w.c.NotBefore
	}
	return s
}

// wait blocks until the next action is due (true) or a message changed the
// plan (false). The timer is cancelled when a message wins, so the history
// shows no stale timers.
func (w *invoiceRun) wait() bool {
	w.wake = false
	// An update accepted while flush() ran left events to mirror: wake at
	// once rather than at the next timer.
	woken := func() bool {
		return w.wake || w.payments.Len() > 0 || w.rechecks.Len() > 0 || len(w.pending) > 0
	}
	if w.next.IsZero() {
		if err := workflow.Await(w.ctx, woken); err != nil {
			return false
		}
		return false
	}
	d := w.next.Sub(workflow.Now(w.ctx))
	if w.status == dunning.StatusActive {
		d -= w.clock.Lead() // check and hand over before the send hour
	}
	if d <= 0 {
		return true
	}
	timerCtx, cancel := workflow.WithCancel(w.ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, d, workflow.TimerOptions{Summary: w.waitSummary()})
	_ = workflow.Await(w.ctx, func() bool { return timer.IsReady() || woken() })
	if !timer.IsReady() {
		return false
	}
	return timer.Get(w.ctx, nil) == nil
}

func (w *invoiceRun) waitSummary() string {
	when := w.next.In(w.clock.Location).Format("2006-01-02 15:04")
	if w.c.Invoice.Instalment > 0 {
		when += fmt.Sprintf(" (instalment %d)", w.c.Invoice.Instalment)
	}
	switch w.status {
	case dunning.StatusPaused:
		return "paused until " + when
	case dunning.StatusHeld:
		return "held (" + w.c.HoldWhy + "), look again " + when
	}
	return fmt.Sprintf("wait for %s on %s", w.c.Invoice.Ladder[w.c.Stage].Code, when)
}

// act does what is due now: end a pause, look again at a hold, or send the
// next letter.
func (w *invoiceRun) act() error {
	now := workflow.Now(w.ctx)
	switch w.status {
	case dunning.StatusPaused:
		w.c.Paused, w.c.PauseWhy, w.c.PauseTill = false, "", calendar.Date{}
		w.event(dunning.EventResumed, w.level(), "pause ended on its date", "")
		return nil
	case dunning.StatusActive, dunning.StatusHeld:
	default:
		return nil
	}
	if w.status == dunning.StatusHeld && w.c.Unsure != nil {
		return w.recheckUnsure(now)
	}
	if w.status == dunning.StatusHeld {
		// Look again; if the hold is lifted the next plan gives the
		// letter's own date (at once when it has passed).
		w.check("re-check statuses of a held invoice", now)
		return w.checkErr
	}
	lv := w.c.Invoice.Ladder[w.c.Stage]
	if !w.check("check balance and statuses before "+lv.Code, now) {
		return w.checkErr
	}
	if w.wake || w.payments.Len() > 0 || w.rechecks.Len() > 0 {
		return nil // a message arrived during the check: settle it first
	}
	if w.clock.DaySeconds == 0 && !w.asked() && workflow.Now(w.ctx).After(w.next.Add(w.clock.Grace())) {
		return nil // the check ran past the send hour (an outage): the letter waits for the next one
	}
	return w.sendLetter(lv, now)
}

func (w *invoiceRun) sendLetter(lv ladder.Level, now time.Time) error {
	seq := w.c.Sent[w.c.Stage] + 1
	w.sending = true
	defer func() { w.sending = false }()
	r, err := w.throughCustomerLetter(lv, seq, now)
	if err != nil {
		return err
	}
	failure := ""
	sentAt := r.SentAt // when the statement really went out
	if r.Failed {
		failure = r.Detail
	}
	switch r.Status {
	case wire.LetterSent, wire.LetterPrint, wire.LetterUncertain, wire.LetterWithdrawn:
	default:
		if failure == "" {
			failure = fmt.Sprintf("letter ended %q: %s", r.Status, r.Detail)
		}
	}
	if r.Status == wire.LetterWithdrawn {
		// Paid or held while the letter was being collected: nothing
		// went out; the next check settles what happened.
		w.event(dunning.EventHeld, lv.Code, r.Detail, "")
		return nil
	}
	if r.Status == wire.LetterDeferred || r.Status == wire.LetterNothingOwed {
		w.deferLetter(lv, r)
		return nil
	}
	if failure != "" {
		// A letter that cannot be built (broken template, bad address) is
		// recorded and the invoice is held until someone fixes it.
		w.event(dunning.EventLetterFailed, lv.Code, fmt.Sprintf("%s letter not sent: %s", lv.Code, failure), "")
		// Held until someone acts (resume): retrying every day would only
		// fail again.
		w.c.HoldWhy, w.c.HoldTill, w.c.LetterFailed = dunning.HoldLetterFailed, time.Time{}, true
		return nil
	}
	if r.Status == wire.LetterUncertain && version(w.ctx, changeUncertainHold) >= 1 {
		// Version 1 of "uncertain-hold": an uncertain letter is not
		// counted sent. The invoice is held on it ("à vérifier") and asks
		// the ledger (which asks SES) again until it is settled: sent, it
		// moves up from the time SES accepted it; never accepted, it goes
		// again. Before, the invoice moved up as if it had been sent.
		w.event(dunning.EventLetterUnsure, lv.Code, r.Detail, "")
		w.c.Unsure = &wire.UnsureLetter{Stage: w.c.Stage, Sequence: seq}
		w.c.HoldWhy, w.c.HoldTill = dunning.HoldLetterUnsure, w.unsureRecheckAt(workflow.Now(w.ctx))
		return nil
	}
	kind := dunning.EventLetterSent
	switch r.Status {
	case wire.LetterPrint:
		kind = dunning.EventLetterPrint
	case wire.LetterUncertain:
		kind = dunning.EventLetterUnsure
	}
	w.event(kind, lv.Code, r.Detail, "")
	w.c.NoLetterWhy, w.c.NotBefore, w.c.CadenceAt = "", time.Time{}, time.Time{}
	w.c.Sent[w.c.Stage] = seq
	w.c.Letters++
	w.c.Stage++
	w.c.LastStep = w.stepTime(now)
	if w.leftLate(sentAt) {
		// The letter went out late (an outage): the next level's delay
		// counts from then, so it is never shortened.
		w.c.LastStep = sentAt
	}
	if w.c.Stage >= len(w.c.Invoice.Ladder) {
		w.event(dunning.EventUnresolved, lv.Code, "last level sent: unresolved (Non soldé), waiting for payment", "")
	}
	return nil
}

// deferLetter records a letter that did not go out today (deferred, or
// nothing owed): the item waits for the next working day's statement, or
// for the customer's next letter when the cadence deferred it; the
// history says why, once.
func (w *invoiceRun) deferLetter(lv ladder.Level, r wire.ItemResult) {
	// No letter today: the item waits for the next working day's
	// statement; the history says why, once.
	if w.c.NoLetterWhy != r.Detail {
		w.event(dunning.EventNoLetter, lv.Code, r.Detail, "")
	}
	w.c.NoLetterWhy = r.Detail
	if !r.NextSlot.IsZero() && version(w.ctx, changeCadenceInvoice) >= 1 {
		// Version 1 of "cadence": deferred by the customer's
		// cadence, the letter waits for the customer's next
		// letter (r.NextSlot) instead of asking again every
		// working day. Only QueueLetter's cadence answer sets
		// NextSlot, so older histories never come here.
		w.c.CadenceAt = r.NextSlot
	}
	w.c.NotBefore = w.clock.Slot(workflow.Now(w.ctx).Add(time.Second))
	if w.clock.DaySeconds == 0 {
		// The next working day's slot: the same as above once the
		// send hour passed, and still tomorrow's when a statement
		// asked for now ("Exécuter") went before the send hour.
		w.c.NotBefore = w.clock.Slot(w.clock.SlotEnd(workflow.Now(w.ctx)))
	}
	// A letter asked for now and deferred goes with that next
	// statement, at its hour.
	w.execNow = false
}

// unsureRecheck is how often an invoice held on an uncertain letter asks
// about it again: hourly, every demo day for demo clocks.
func (w *invoiceRun) unsureRecheckAt(now time.Time) time.Time {
	if w.clock.DaySeconds > 0 {
		return now.Add(time.Duration(w.clock.DaySeconds) * time.Second)
	}
	return now.Add(time.Hour)
}

// recheckUnsure asks about the uncertain letter the invoice is held on
// (ResolveLetter): confirmed, the invoice moves up, the next delay
// counting from when SES accepted it; never accepted, the hold ends and
// the same letter goes with the next statement; still unknown, it asks
// again later.
func (w *invoiceRun) recheckUnsure(now time.Time) error {
	u := w.c.Unsure
	if u.Stage != w.c.Stage || u.Stage >= len(w.c.Invoice.Ladder) {
		w.c.Unsure = nil // an operator moved the invoice on meanwhile
		w.liftUnsureHold()
		return nil
	}
	lv := w.c.Invoice.Ladder[u.Stage]
	var out wire.LetterOutcome
	err := w.short("ask SES about the uncertain "+lv.Code+" letter", wire.ActivityResolveLetter, wire.LetterRef{
		InvoiceID: w.c.Invoice.ID, Instalment: w.c.Invoice.Instalment, Level: lv.Code, Sequence: u.Sequence,
	}).Get(w.ctx, &out)
	if err != nil {
		return fmt.Errorf("ask about the %s letter of %s: %w", lv.Code, w.c.Invoice.Number, err)
	}
	switch out.Status {
	case wire.LetterSent, wire.LetterPrint:
		w.c.Unsure = nil
		w.liftUnsureHold()
		kind := dunning.EventLetterSent
		if out.Status == wire.LetterPrint {
			kind = dunning.EventLetterPrint
		}
		w.event(kind, lv.Code, out.Detail, "")
		w.c.NoLetterWhy, w.c.NotBefore, w.c.CadenceAt = "", time.Time{}, time.Time{}
		w.c.Sent[w.c.Stage] = u.Sequence
		w.c.Letters++
		w.c.Stage++
		w.c.LastStep = out.SentAt
		if w.c.LastStep.IsZero() {
			w.c.LastStep = now
		}
		if w.c.Stage >= len(w.c.Invoice.Ladder) {
			w.event(dunning.EventUnresolved, lv.Code, "last level sent: unresolved (Non soldé), waiting for payment", "")
		}
	case wire.LetterFailed, wire.LetterPending:
		w.c.Unsure = nil
		w.liftUnsureHold()
		w.event(dunning.EventResumed, lv.Code, out.Detail, "")
	default:
		w.c.HoldTill = w.unsureRecheckAt(now)
	}
	return nil
}

// liftUnsureHold ends the hold on an uncertain letter (another hold, set
// by the ledger meanwhile, stays).
func (w *invoiceRun) liftUnsureHold() {
	if w.c.HoldWhy == dunning.HoldLetterUnsure {
		w.c.HoldWhy, w.c.HoldTill = "", time.Time{}
	}
}

// stepTime is when a letter counts as sent for the next level's delay: its
// planned time when it went out on time, so that the invoices of a customer
// stay in step and keep sharing letters; the actual time when it was late
// (after a pause, a hold or an outage), so the next level keeps its full
// delay.
func (w *invoiceRun) stepTime(now time.Time) time.Time {
	if !w.next.IsZero() && !w.next.After(now) {
		// The statement went out in the slot it was planned for (a late
		// item waits for the next slot instead): that slot's day counts.
		return w.next
	}
	return now
}

// leftLate reports whether a statement that went out at sentAt left
// after the day of the slot it was planned for (more than a demo day after
// it for demo clocks).
func (w *invoiceRun) leftLate(sentAt time.Time) bool {
	if sentAt.IsZero() || w.next.IsZero() {
		return false
	}
	if w.clock.DaySeconds > 0 {
		return sentAt.Sub(w.next) > time.Duration(w.clock.DaySeconds)*time.Second
	}
	return w.clock.Today(sentAt).After(w.clock.Today(w.next))
}

// letterResultWait is how long an invoice waits for its customer letter
// before handing it over again (the customer letter workflow reports
// letters it already sent, so a hand-over twice sends nothing twice).
const letterResultWait = time.Hour

// throughCustomerLetter hands the letter to the customer's letter workflow
// of the day and waits for its result.
func (w *invoiceRun) throughCustomerLetter(lv ladder.Level, seq int, now time.Time) (wire.ItemResult, error) {
	item := wire.LetterItem{
		InvoiceID: w.c.Invoice.ID, Invoice: w.c.Invoice.Number, Level: lv, Position: w.c.Stage, Sequence: seq, WorkflowID: w.id,
		Instalment: w.c.Invoice.Instalment, Now: w.asked(),
	}
	// The statement of the slot this letter was planned for.
	at := w.next
	if at.IsZero() {
		at = w.clock.Slot(now)
	}
	req := wire.QueueRequest{
		Company: w.c.Invoice.Company, Customer: w.c.Invoice.Customer, Date: w.clock.Today(at),
		Slot: w.clock.SlotKey(at), SendAt: at, Until: w.clock.SlotEnd(at), Window: w.clock.Grace(), Item: item,
		// Demo days last seconds: their statements go in rounds, each
		// collecting for half a demo day from the first letter handed in.
		Rounds: w.clock.DaySeconds > 0,
	}
	results := workflow.GetSignalChannel(w.ctx, dunning.SignalLetterResult)
	for {
		err := w.short(fmt.Sprintf("hand %s letter to %s's letter of the day", lv.Code, w.c.Invoice.Customer),
			wire.ActivityQueueLetter, req).Get(w.ctx, nil)
		if err != nil {
			return wire.ItemResult{}, fmt.Errorf("queue %s letter of %s: %w", lv.Code, w.c.Invoice.Number, err)
		}
		timerCtx, cancel := workflow.WithCancel(w.ctx)
		timer := workflow.NewTimerWithOptions(timerCtx, letterResultWait, workflow.TimerOptions{Summary: "wait for the " + lv.Code + " letter to go out"})
		for {
			_ = workflow.Await(w.ctx, func() bool { return results.Len() > 0 || timer.IsReady() })
			var r wire.ItemResult
			for results.ReceiveAsync(&r) {
				if r.Item.Key() == item.Key() {
					cancel()
					return r, nil
				}
			}
			if timer.IsReady() {
				break
			}
		}
		cancel()
	}
}

// check re-reads the ledger and applies what it says: closed or paid ends
// the dunning, a do-not-remind flag or blocking status holds it (recorded
// once), a lifted hold resumes it. It reports whether a letter may go out.
func (w *invoiceRun) check(summary string, now time.Time) bool {
	w.checkErr = nil
	var chk wire.Check
	var f workflow.Future
	if w.c.Invoice.Instalment > 0 {
		f = w.short(summary, wire.ActivityCheckItem, wire.ItemRef{InvoiceID: w.c.Invoice.ID, Instalment: w.c.Invoice.Instalment})
	} else {
		f = w.short(summary, wire.ActivityCheckInvoice, w.c.Invoice.ID)
	}
	if err := f.Get(w.ctx, &chk); err != nil {
		w.checkErr = fmt.Errorf("check invoice %s: %w", w.c.Invoice.Number, err)
		return false
	}
	w.c.Invoice.Balance = chk.Balance
	switch {
	case chk.Closed:
		w.finish(dunning.StatusClosed, dunning.EventClosed, "invoice closed in the ledger")
		return false
	case chk.Balance.Sign() <= 0:
		w.finish(dunning.StatusPaid, dunning.EventPaid, "balance found zero in the ledger: paid outside relance")
		return false
	case chk.HoldReason != "":
		if w.c.HoldWhy != chk.HoldReason {
			w.event(dunning.EventHeld, w.nextLevel(), "no "+w.nextLevel()+" letter: "+chk.HoldReason, "")
		}
		w.c.HoldWhy, w.c.HoldTill = chk.HoldReason, w.clock.AddDays(now, holdRecheckDays)
		return false
	}
	if w.c.HoldWhy != "" && !w.c.LetterFailed && w.c.Unsure == nil {
		w.event(dunning.EventResumed, w.nextLevel(), "hold lifted: "+w.c.HoldWhy+" no longer applies", "")
		w.c.HoldWhy, w.c.HoldTill = "", time.Time{}
	}
	return true
}

// drainRechecks re-reads the ledger at once when asked to (a customer's
// do-not-remind flag or inherited status changed), so the hold or its end
// shows without waiting for the next letter.
func (w *invoiceRun) drainRechecks() error {
	var reasons []string
	for {
		var r dunning.Recheck
		if !w.rechecks.ReceiveAsync(&r) {
			break
		}
		reasons = append(reasons, r.Reason)
	}
	if len(reasons) == 0 || w.outcome != "" {
		return nil
	}
	w.check("re-check statuses: "+reasons[len(reasons)-1], workflow.Now(w.ctx))
	return w.checkErr
}

// drainPayments takes every payment signal waiting and applies it.
func (w *invoiceRun) drainPayments() error {
	for w.outcome == "" {
		var raw json.RawMessage
		if !w.payments.ReceiveAsync(&raw) {
			return nil
		}
		if err := w.applyPayment(raw); err != nil {
			return err
		}
	}
	// Paid already: later payments are still recorded in the ledger.
	for {
		var raw json.RawMessage
		if !w.payments.ReceiveAsync(&raw) {
			return nil
		}
		if err := w.applyPayment(raw); err != nil {
			return err
		}
	}
}

func (w *invoiceRun) applyPayment(raw json.RawMessage) error {
	var p dunning.Payment
	if err := json.Unmarshal(raw, &p); err != nil {
		w.event(dunning.EventPaymentBad, w.level(), "malformed payment ignored: "+err.Error(), "")
		return nil
	}
	if p.PaidOn.IsZero() {
		p.PaidOn = w.clock.Today(workflow.Now(w.ctx))
	}
	if err := w.validatePayment(p); err != nil {
		w.event(dunning.EventPaymentBad, w.level(), "payment ignored: "+err.Error(), p.Source)
		return nil
	}
	for _, id := range w.c.Payments {
		if id == p.ExternalID {
			return nil // counted once
		}
	}
	var res wire.PaymentResult
	err := w.short("record payment "+p.ExternalID, wire.ActivityRecordPayment,
		wire.PaymentRequest{InvoiceID: w.c.Invoice.ID, Payment: p, Instalment: w.c.Invoice.Instalment}).Get(w.ctx, &res)
	if err != nil {
		if isNonRetryable(err) {
			w.event(dunning.EventPaymentBad, w.level(), "payment refused by the ledger: "+appMessage(err), p.Source)
			return nil
		}
		return fmt.Errorf("record payment %s: %w", p.ExternalID, err)
	}
	w.c.Payments = append(w.c.Payments, p.ExternalID)
	w.c.Invoice.Balance = res.Balance
	detail := fmt.Sprintf("payment %s of %s received, balance %s", p.ExternalID,
		money.Format(p.Amount, w.c.Invoice.Currency), money.Format(res.Balance, w.c.Invoice.Currency))
	if res.Overpaid.IsPositive() {
		detail += ", overpaid by " + money.Format(res.Overpaid, w.c.Invoice.Currency)
	}
	w.event(dunning.EventPayment, w.level(), detail, p.Source)
	if res.Balance.Sign() <= 0 {
		w.finish(dunning.StatusPaid, dunning.EventPaid, "paid in full: dunning ends")
	}
	return nil
}

// validatePayment is the check of a payment signal before the ledger
// sees it. Version 1 of "payment-checks" applies the one check of every
// entry (dunning.Payment.Validate: amounts the ledger can store, no
// control characters, bounded lengths); workflows that received payments
// before keep the basic check they replay with. Either way a payment the
// database refuses is not retried (wire.ErrTypePaymentRefused).
func (w *invoiceRun) validatePayment(p dunning.Payment) error {
	if !w.checksKnown {
		w.checksKnown = true
		w.strictChecks = version(w.ctx, changePaymentChecks) >= 1
	}
	if w.strictChecks {
		return p.Validate(w.c.Invoice.Currency)
	}
	return p.BasicValidate(w.c.Invoice.Currency)
}

// appMessage is the message of the application error err carries, without
// the activity's wrapping: what the history shows.
func appMessage(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}

func (w *invoiceRun) finish(outcome dunning.Status, kind dunning.EventKind, detail string) {
	if w.outcome != "" {
		return
	}
	w.outcome = outcome
	w.event(kind, w.level(), detail, "")
}

func (w *invoiceRun) result() (wire.Result, error) {
	// Let update handlers in flight reply before the workflow closes.
	_ = workflow.Await(w.ctx, func() bool { return workflow.AllHandlersFinished(w.ctx) })
	if err := w.flush(); err != nil {
		return wire.Result{}, err
	}
	return wire.Result{Outcome: w.outcome, Balance: w.c.Invoice.Balance.StringFixed(2), Letters: w.c.Letters, History: w.c.History}, nil
}

// quiet reports whether nothing waits to be settled: no message, no event
// to mirror, no update handler running. Only then may the run hand over to
// a new one without losing anything.
func (w *invoiceRun) quiet() bool {
	return w.outcome == "" && len(w.pending) == 0 && w.payments.Len() == 0 && w.rechecks.Len() == 0 &&
		workflow.AllHandlersFinished(w.ctx)
}

// continueAsNew hands the state to a fresh run; call it only when quiet.
func (w *invoiceRun) continueAsNew() error {
	c := w.c
	return workflow.NewContinueAsNewError(w.ctx, dunning.InvoiceWorkflowType,
		wire.Input{Company: c.Invoice.Company, Invoice: c.Invoice.Number, Instalment: c.Invoice.Instalment, Carry: &c})
}

// event appends a step to the history; flush mirrors it to the database.
func (w *invoiceRun) event(kind dunning.EventKind, level, detail, actor string) {
	w.c.Seq++
	e := dunning.Event{Seq: w.c.Seq, At: workflow.Now(w.ctx), Kind: kind, Level: level, Detail: detail, Actor: actor}
	w.c.History = append(w.c.History, e)
	if len(w.c.History) > keptHistory {
		w.c.History = w.c.History[len(w.c.History)-keptHistory:]
	}
	w.pending = append(w.pending, e)
}

func (w *invoiceRun) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	events := w.pending
	w.pending = nil
	err := w.short(fmt.Sprintf("record %d history events", len(events)), wire.ActivityRecordEvents,
		wire.EventsRequest{InvoiceID: w.c.Invoice.ID, WorkflowID: w.historyKey, Events: events, Snapshot: dunning.Snapshot{
			Status: w.status, Level: w.level(), NextLevel: w.nextLevel(), NextActionAt: w.next,
		}, Instalment: w.c.Invoice.Instalment}).Get(w.ctx, nil)
	if err != nil {
		return fmt.Errorf("record history of %s: %w", w.c.Invoice.Number, err)
	}
	return nil
}

// level is the code of the last step taken, NONE before the first.
func (w *invoiceRun) level() string {
	if w.c.Stage == 0 {
		return ladder.None
	}
	return w.c.Invoice.Ladder[w.c.Stage-1].Code
}

// nextLevel is the code of the next letter, or UNRESOLVED.
func (w *invoiceRun) nextLevel() string {
	if w.c.Stage >= len(w.c.Invoice.Ladder) {
		return ladder.Unresolved
	}
	return w.c.Invoice.Ladder[w.c.Stage].Code
}

func (w *invoiceRun) state() dunning.State {
	inv := w.c.Invoice
	return dunning.State{
		Company: inv.Company, Invoice: inv.Number, Customer: inv.Customer, Currency: inv.Currency,
		Amount: inv.Amount, Balance: inv.Balance, DueDate: inv.DueDate,
		Status: w.status, Level: w.level(), NextLevel: w.nextLevel(), NextActionAt: w.next,
		PauseReason: w.c.PauseWhy, PausedUntil: w.c.PauseTill, HoldReason: w.c.HoldWhy,
		History: append([]dunning.Event(nil), w.c.History...),
	}
}

// publish upserts the search attributes that changed since last time.
func (w *invoiceRun) publish() {
	inv := w.c.Invoice
	amount, _ := inv.Balance.Float64()
	values := []struct {
		key   string
		value any
		upd   temporal.SearchAttributeUpdate
	}{
		{dunning.AttrCompany.GetName(), inv.Company, dunning.AttrCompany.ValueSet(inv.Company)},
		{dunning.AttrCustomer.GetName(), inv.Customer, dunning.AttrCustomer.ValueSet(inv.Customer)},
		{dunning.AttrInvoice.GetName(), inv.Number, dunning.AttrInvoice.ValueSet(inv.Number)},
		{dunning.AttrLevel.GetName(), w.level(), dunning.AttrLevel.ValueSet(w.level())},
		{dunning.AttrNextLevel.GetName(), w.nextLevel(), dunning.AttrNextLevel.ValueSet(w.nextLevel())},
		{dunning.AttrStatus.GetName(), string(w.status), dunning.AttrStatus.ValueSet(string(w.status))},
		{dunning.AttrAmountDue.GetName(), amount, dunning.AttrAmountDue.ValueSet(amount)},
		{dunning.AttrDueDate.GetName(), inv.DueDate.UTC(), dunning.AttrDueDate.ValueSet(inv.DueDate.UTC())},
		{dunning.AttrNextAction.GetName(), w.next, nextActionUpdate(w.next)},
	}
	if w.shown == nil {
		w.shown = map[string]any{}
	}
	var updates []temporal.SearchAttributeUpdate
	for _, v := range values { // a slice: fixed order
		if old, ok := w.shown[v.key]; ok && equalAttr(old, v.value) {
			continue
		}
		w.shown[v.key] = v.value
		updates = append(updates, v.upd)
	}
	if len(updates) > 0 {
		_ = workflow.UpsertTypedSearchAttributes(w.ctx, updates...)
	}
	workflow.SetCurrentDetails(w.ctx, w.details())
}

func nextActionUpdate(t time.Time) temporal.SearchAttributeUpdate {
	if t.IsZero() {
		return dunning.AttrNextAction.ValueUnset()
	}
	return dunning.AttrNextAction.ValueSet(t)
}

func equalAttr(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// details is the markdown the Temporal UI shows as the workflow's current
// details.
func (w *invoiceRun) details() string {
	inv := w.c.Invoice
	s := fmt.Sprintf("**%s** — customer %s — balance %s — status **%s**, level %s, next %s",
		inv.Number, inv.Customer, money.Format(inv.Balance, inv.Currency), w.status, w.level(), w.nextLevel())
	if !w.next.IsZero() {
		s += " on " + w.next.In(w.clock.Location).Format("2006-01-02 15:04")
	}
	if w.c.PauseWhy != "" {
		s += "\n\nPaused: " + w.c.PauseWhy
	}
	if w.c.HoldWhy != "" {
		s += "\n\nHeld: " + w.c.HoldWhy
	}
	return s
}

// shortRetryFor is how long a short local activity is retried: without
// end in practice, as the activities they replace (ten years).
const shortRetryFor = 10 * 365 * 24 * time.Hour

// short runs a short database activity (the one registered as name, with
// args) as a local activity, in the workflow task that needs it, with
// summary. It retries until it succeeds, at most every 30 s.
func (w *invoiceRun) short(summary string, name string, args ...any) workflow.Future {
	retry := &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second}
	// A local activity's retries stop at ScheduleToCloseTimeout, which
	// defaults to StartToCloseTimeout: set it long, so that a database
	// outage delays the dunning and never fails it.
	ctx := workflow.WithLocalActivityOptions(w.ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: shortRetryFor, StartToCloseTimeout: 30 * time.Second, RetryPolicy: retry, Summary: summary,
	})
	return workflow.ExecuteLocalActivity(ctx, name, args...)
}
