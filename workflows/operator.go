package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// registerUpdates installs the operator actions. Each has a validator that
// refuses, with a reason the caller sees, what cannot be done now; refused
// updates leave no trace in the history.
func (w *invoiceRun) registerUpdates() error {
	handlers := []struct {
		name string
		fn   any
		val  any
	}{
		{dunning.UpdateSkip, w.skip, w.validateSkip},
		{dunning.UpdateRevert, w.revert, w.validateRevert},
		{dunning.UpdatePause, w.pause, w.validatePause},
		{dunning.UpdateResume, w.resume, w.validateResume},
		{dunning.UpdateComment, w.comment, w.validateComment},
		{dunning.UpdateExecute, w.execute, w.validateExecute},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(w.ctx, h.name, h.fn,
			workflow.UpdateHandlerOptions{Validator: h.val}); err != nil {
			return fmt.Errorf("register update %s: %w", h.name, err)
		}
	}
	return nil
}

func (w *invoiceRun) validateOpen() error {
	if w.outcome != "" {
		return refuse(dunning.RefusedEnded, "dunning of %s has ended (%s)", w.c.Invoice.Number, string(w.outcome))
	}
	return nil
}

// validateNotSending refuses level changes while a letter is on its way.
func (w *invoiceRun) validateNotSending() error {
	if w.sending {
		return refuse(dunning.RefusedSending, "a %s letter for %s is being sent right now: try again in a few minutes", w.nextLevel(), w.c.Invoice.Number)
	}
	return nil
}

func (w *invoiceRun) validateSkip(_ workflow.Context, r dunning.SkipRequest) error {
	if err := w.validateOpen(); err != nil {
		return err
	}
	if err := w.validateNotSending(); err != nil {
		return err
	}
	switch {
	case w.c.Paused:
		return refuse(dunning.RefusedPausedSkip, "invoice %s is paused (%s): resume it before skipping a level", w.c.Invoice.Number, w.c.PauseWhy)
	case w.c.Stage >= len(w.c.Invoice.Ladder):
		return refuse(dunning.RefusedUnresolvedSkip, "invoice %s is past the last level (unresolved): nothing to skip", w.c.Invoice.Number)
	}
	return nil
}

func (w *invoiceRun) skip(ctx workflow.Context, r dunning.SkipRequest) (dunning.State, error) {
	lv := w.c.Invoice.Ladder[w.c.Stage]
	w.c.Stage++
	w.c.LastStep = workflow.Now(ctx)
	w.execAt = 0
	w.event(dunning.EventSkipped, lv.Code, withReason(lv.Code+" skipped without a letter, next "+w.nextLevel(), r.Reason), r.Actor)
	if w.c.Stage >= len(w.c.Invoice.Ladder) {
		w.event(dunning.EventUnresolved, lv.Code, "last level skipped: unresolved (Non soldé), waiting for payment", r.Actor)
	}
	return w.changed(), nil
}

func (w *invoiceRun) validateRevert(_ workflow.Context, r dunning.RevertRequest) error {
	if err := w.validateOpen(); err != nil {
		return err
	}
	if err := w.validateNotSending(); err != nil {
		return err
	}
	if w.c.Stage == 0 {
		return refuse(dunning.RefusedFirstLevel, "invoice %s is at the first level (%s): there is no previous level", w.c.Invoice.Number, w.nextLevel())
	}
	return nil
}

func (w *invoiceRun) revert(ctx workflow.Context, r dunning.RevertRequest) (dunning.State, error) {
	from := w.nextLevel()
	w.c.Stage--
	w.execAt = 0
	w.c.LastStep = workflow.Now(ctx)
	w.event(dunning.EventReverted, w.nextLevel(),
		withReason(fmt.Sprintf("back from %s to %s: its letter will be sent again when due", from, w.nextLevel()), r.Reason), r.Actor)
	return w.changed(), nil
}

func (w *invoiceRun) validatePause(ctx workflow.Context, r dunning.PauseRequest) error {
	if err := w.validateOpen(); err != nil {
		return err
	}
	if err := w.validateNotSending(); err != nil {
		return err
	}
	today := w.clock.Today(workflow.Now(ctx))
	switch {
	case w.c.Paused:
		return refuse(dunning.RefusedAlreadyPaused, "invoice %s is already paused (%s)", w.c.Invoice.Number, w.c.PauseWhy)
	case strings.TrimSpace(r.Reason) == "":
		return refuse(dunning.RefusedNoReason, "a pause needs a reason (dispute, promise to pay...)")
	case !r.Until.IsZero() && !r.Until.After(today):
		return refuse(dunning.RefusedPauseDate, "pause until %s is not after today (%s)", r.Until.String(), today.String())
	}
	return nil
}

func (w *invoiceRun) pause(_ workflow.Context, r dunning.PauseRequest) (dunning.State, error) {
	w.c.Paused, w.c.PauseWhy, w.c.PauseTill = true, r.Reason, r.Until
	detail := "paused: " + r.Reason
	if !r.Until.IsZero() {
		detail += ", until " + r.Until.String()
	}
	w.event(dunning.EventPaused, w.level(), detail, r.Actor)
	return w.changed(), nil
}

func (w *invoiceRun) validateResume(_ workflow.Context, r dunning.ResumeRequest) error {
	if err := w.validateOpen(); err != nil {
		return err
	}
	if !w.c.Paused && !w.c.LetterFailed {
		return refuse(dunning.RefusedNotPaused, "invoice %s is not paused", w.c.Invoice.Number)
	}
	return nil
}

func (w *invoiceRun) resume(_ workflow.Context, r dunning.ResumeRequest) (dunning.State, error) {
	if w.c.LetterFailed && !w.c.Paused {
		// The letter that failed is tried again at the next send hour.
		w.c.LetterFailed, w.c.HoldWhy, w.c.HoldTill = false, "", time.Time{}
		w.event(dunning.EventResumed, w.nextLevel(), "letter failure cleared by an operator: the letter is tried again", r.Actor)
		return w.changed(), nil
	}
	w.c.Paused, w.c.PauseWhy, w.c.PauseTill = false, "", calendar.Date{}
	w.event(dunning.EventResumed, w.level(), "resumed by an operator", r.Actor)
	return w.changed(), nil
}

func (w *invoiceRun) validateComment(_ workflow.Context, r dunning.CommentRequest) error {
	if err := w.validateOpen(); err != nil {
		return err
	}
	if strings.TrimSpace(r.Text) == "" {
		return refuse(dunning.RefusedEmptyComment, "comment is empty")
	}
	return nil
}

func (w *invoiceRun) comment(_ workflow.Context, r dunning.CommentRequest) (dunning.State, error) {
	w.event(dunning.EventCommented, w.level(), r.Text, r.Actor)
	return w.changed(), nil
}

func (w *invoiceRun) validateExecute(_ workflow.Context, r dunning.ExecuteRequest) error {
	if err := w.validateOpen(); err != nil {
		return err
	}
	if err := w.validateNotSending(); err != nil {
		return err
	}
	switch {
	case w.c.Paused:
		return refuse(dunning.RefusedPausedSend, "invoice %s is paused (%s): resume it before sending a letter", w.c.Invoice.Number, w.c.PauseWhy)
	case w.c.HoldWhy != "":
		return refuse(dunning.RefusedHeld, "invoice %s is held (%s): no letter can go out", w.c.Invoice.Number, w.c.HoldWhy)
	case w.c.Stage >= len(w.c.Invoice.Ladder):
		return refuse(dunning.RefusedUnresolvedSend, "invoice %s is past the last level (unresolved): there is no letter to send", w.c.Invoice.Number)
	case w.execAt == w.c.Stage+1:
		return refuse(dunning.RefusedAlreadyAsked, "the %s letter of %s is already asked for: it goes out in a few minutes", w.nextLevel(), w.c.Invoice.Number)
	}
	return nil
}

// execute brings the next letter's date forward to now: the main loop then
// checks the ledger and sends it as it would have on its date, and moves
// up one level.
//
// With customer statements (version 2), the letter does not wait for the
// next send hour: it asks the customer's statement of today to go at once,
// with every item it holds. If today's statement already went out, the
// letter is deferred to the next working day's statement (never two
// letters to one customer on one day) and the history says so.
func (w *invoiceRun) execute(ctx workflow.Context, r dunning.ExecuteRequest) (dunning.State, error) {
	// Version 1 is the first with "execute"; version 2 sends through
	// today's statement at once instead of waiting for the send hour.
	w.execNow = version(ctx, changeExecuteNow) >= 2
	w.execAt = w.c.Stage + 1
	detail := w.nextLevel() + " letter asked for now"
	if w.execNow {
		detail += " (with today's statement of " + w.c.Invoice.Customer + ", or the next working day's if it already went out)"
	}
	w.event(dunning.EventAsked, w.level(), detail, r.Actor)
	return w.changed(), nil
}

// changed wakes the main loop so it replans, and returns the new state.
func (w *invoiceRun) changed() dunning.State {
	w.wake = true
	w.plan()
	return w.state()
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + " (" + reason + ")"
}

func isNonRetryable(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.NonRetryable()
}

// refuse is a validator's refusal (dunning.Refusal): its English message
// is format with params, and params go with it for screens to translate.
func refuse(code, format string, params ...string) error {
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	return dunning.Refusal(code, fmt.Sprintf(format, args...), params...)
}
