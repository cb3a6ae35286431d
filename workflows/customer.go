package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
	"slices"
	"strings"
	"time"
)

// CustomerLetter is the one letter of a customer on one day, its
// statement: invoice workflows hand their letters to it (QueueLetter
// starts it with a delay until its send time, signal-with-start), it sends
// one statement built from the ledger listing them all, each with its
// level, tells every invoice workflow what became of its letter, and ends.
// A letter handed in later finds it closed and joins the next working
// day's statement. Demo clocks, whose days last seconds, send in rounds
// (statementRounds).
//
// The five-minute customer letters and the statements started without a
// delay or telling their results by external signals are retired
// (docs/versioning.md).
func CustomerLetter(ctx workflow.Context, in wire.BatchInput) error {
	if in.Rounds {
		return statementRounds(ctx, in)
	}
	return customerStatement(ctx, in)
}

// drainItems appends the waiting letters not seen before (an activity
// retry may add the same letter twice).
func drainItems(ch workflow.ReceiveChannel, items []wire.LetterItem, seen *[]string) []wire.LetterItem {
	for {
		var it wire.LetterItem
		if !ch.ReceiveAsync(&it) {
			return items
		}
		dup := false
		for _, k := range *seen {
			if k == it.Key() {
				dup = true
				break
			}
		}
		if !dup {
			*seen = append(*seen, it.Key())
			items = append(items, it)
		}
	}
}

// askedNow reports whether an operator asked one of items to go at once
// ("Exécuter"): the statement then goes without waiting for its hour.
func askedNow(items []wire.LetterItem) bool {
	for _, it := range items {
		if it.Now {
			return true
		}
	}
	return false
}

// customerStatement is the one letter of a customer on one day: started
// at SendAt (the company's send hour on a working day) plus the Window of
// grace, it collects the letters handed in until then, sends one
// statement built from the ledger (SendStatement), tells every invoice
// workflow what became of its letter, and ends. Never two letters on one
// day: QueueLetter answers a letter handed in later with LetterDeferred.
// An item asked for now (LetterItem.Now, an operator's "Exécuter") starts
// it early and ends the collection at once: the statement goes with what
// it holds.
func customerStatement(ctx workflow.Context, in wire.BatchInput) error {
	adds := workflow.GetSignalChannel(ctx, dunning.SignalAddLetter)
	info := workflow.GetInfo(ctx)
	var seen []string
	var items []wire.LetterItem
	sendAt := in.SendAt.Add(in.Window)
	if d := sendAt.Sub(workflow.Now(ctx)); d > 0 {
		timerCtx, cancel := workflow.WithCancel(ctx)
		timer := workflow.NewTimerWithOptions(timerCtx, d, workflow.TimerOptions{
			Summary: fmt.Sprintf("statement of %s goes out at %s", in.Customer, sendAt.UTC().Format("2006-01-02 15:04:05 UTC")),
		})
		for {
			_ = workflow.Await(ctx, func() bool { return adds.Len() > 0 || timer.IsReady() })
			items = drainItems(adds, items, &seen)
			if timer.IsReady() {
				break
			}
			if askedNow(items) {
				cancel() // an operator's "Exécuter": the statement goes now
				break
			}
		}
	}
	items = drainItems(adds, items, &seen)
	var results []wire.ItemResult
	if len(items) > 0 {
		results = sendStatement(ctx, in, fmt.Sprintf("%s/%s/1", info.WorkflowExecution.ID, info.WorkflowExecution.RunID), items)
	}
	// It ends now. A letter that came while this task ran is answered
	// here (Temporal does not let a workflow end over a signal it has not
	// seen): it joins the next statement (an item handed twice gets its
	// result again).
	for {
		var it wire.LetterItem
		if !adds.ReceiveAsync(&it) {
			return nil
		}
		r := wire.Deferred(it, in.Date, in.Customer)
		for _, done := range results {
			if done.Item.Key() == it.Key() {
				r = done
			}
		}
		_ = workflow.SignalExternalWorkflow(ctx, it.WorkflowID, "", dunning.SignalLetterResult, r).Get(ctx, nil)
	}
}

// sendRetryFor bounds the retries of a statement sent in a local
// activity: its 20 attempts (at most an hour apart) end well before.
const sendRetryFor = 48 * time.Hour

// sendStatement sends one statement for items (SendStatement) and tells
// every invoice workflow what became of its letter.
func sendStatement(ctx workflow.Context, in wire.BatchInput, key string, items []wire.LetterItem) []wire.ItemResult {
	summary := fmt.Sprintf("send the statement of %s (%d letter(s) due)", in.Customer, len(items))
	retry := &temporal.RetryPolicy{
		InitialInterval: 10 * time.Second, BackoffCoefficient: 2, MaximumInterval: time.Hour, MaximumAttempts: 20,
		NonRetryableErrorTypes: []string{wire.ErrTypeBadLetter},
	}
	// Version 1 of "frozen-items": the items drained in this task are the
	// letter's, for good: its key ends with their digest, so a task run
	// again after more letters arrived (a signal during the send fails the
	// task that would end the workflow) sends under another key of the
	// same round, finds the round's letter gone out, and answers the
	// newcomers "deferred" instead of recording them under a letter that
	// did not show them (issue 15). Before, the key was the round's alone.
	if version(ctx, changeFrozenItems) >= 1 {
		key = frozenKey(key, items)
	}
	req := wire.CustomerLetterRequest{Key: key, Company: in.Company, Customer: in.Customer, Date: in.Date, Items: items}
	// The statement is sent in a local activity, in the workflow task that
	// decides it: no activity task, one workflow task for the whole
	// statement (README "Scale"). Exactly once still rests on the ledger's
	// claim (deliver): a retry after a crash finds the letter "sending" and
	// calls it uncertain; a stopping worker lets it finish.
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: sendRetryFor, StartToCloseTimeout: 2 * time.Minute, RetryPolicy: retry, Summary: summary,
	})
	f := workflow.ExecuteLocalActivity(lctx, wire.ActivitySendStatement, req)
	var results []wire.ItemResult
	err := f.Get(ctx, &results)
	if err != nil {
		results = results[:0]
		for _, it := range items {
			results = append(results, wire.ItemResult{Item: it, Failed: true, Detail: err.Error()})
		}
	}
	tell(ctx, results)
	return results
}

// frozenKey is the key of the letter of round listing exactly items: the
// round, '#', and a digest of the items' keys (sorted).
func frozenKey(round string, items []wire.LetterItem) string {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key()
	}
	slices.Sort(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	return fmt.Sprintf("%s#%d-%s", round, len(items), hex.EncodeToString(sum[:6]))
}

// tell signals every invoice workflow the result of its letter, in one
// local activity (TellResults): one marker event, and no workflow task per
// signal. If the local activity gives up (it retries for days), the
// invoice workflows still hand their letter again after an hour and get
// their result then (QueueLetter answers letters already sent).
func tell(ctx workflow.Context, results []wire.ItemResult) {
	if len(results) == 0 {
		return
	}
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 7 * 24 * time.Hour, StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second},
		Summary:     fmt.Sprintf("tell %d invoice workflow(s) what became of their letter", len(results)),
	})
	_ = workflow.ExecuteLocalActivity(lctx, wire.ActivityTellResults, results).Get(ctx, nil)
}

// statementRounds is the statement of demo clocks, whose days last
// seconds: started with a delay until in.FirstAt (the end of the round's
// collection), it sends one statement of the letters handed in; letters
// handed in meanwhile go in a next round, never less than a demo day (two
// windows) after the previous statement. Once nothing more waits it ends,
// and QueueLetter starts the next run a demo day after: one letter per
// customer per demo day, as in production.
//
// A round started with the customer's cadence (BatchInput.Cadence, version
// 1 of "cadence") spaces its rounds by that period instead of a demo day:
// a letter handed in during or after the statement waits the customer's
// N demo days, never a second letter inside the period.
func statementRounds(ctx workflow.Context, in wire.BatchInput) error {
	adds := workflow.GetSignalChannel(ctx, dunning.SignalAddLetter)
	info := workflow.GetInfo(ctx)
	gap := 2 * in.Window
	if in.Cadence > gap && version(ctx, changeCadenceRounds) >= 1 {
		gap = in.Cadence
	}
	var seen []string
	var lastSent time.Time
	for round := 1; ; round++ {
		if adds.Len() == 0 {
			// Nothing more handed in: it ends; the next round is a new
			// run QueueLetter starts, a demo day (or the cadence) after.
			return nil
		}
		wait := in.Window
		if !lastSent.IsZero() {
			wait = max(wait, lastSent.Add(gap).Sub(workflow.Now(ctx)))
		} else {
			// The start delay was the collection; a signal-with-start
			// can end it early: then wait for the rest.
			wait = in.FirstAt.Sub(workflow.Now(ctx))
		}
		var items []wire.LetterItem
		if wait > 0 {
			timer := workflow.NewTimerWithOptions(ctx, wait, workflow.TimerOptions{
				Summary: fmt.Sprintf("collect the letters of %s (%s)", in.Customer, wait),
			})
			for {
				_ = workflow.Await(ctx, func() bool { return adds.Len() > 0 || timer.IsReady() })
				items = drainItems(adds, items, &seen)
				if timer.IsReady() {
					break
				}
			}
		}
		items = drainItems(adds, items, &seen)
		if len(items) > 0 {
			sendStatement(ctx, in, fmt.Sprintf("%s/%s/%d", info.WorkflowExecution.ID, info.WorkflowExecution.RunID, round), items)
			lastSent = workflow.Now(ctx)
		}
	}
}
