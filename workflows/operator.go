package workflows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/relance/relance/calendar"
	"github.com/relance/relance/dunning"
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
		return fmt.Errorf("dunning of %s has ended (%s)", w.c.Invoice.Number, w.outcome)
	}
	return nil
}

// validateNotSending refuses level changes while a letter is on its way.
func (w *invoiceRun) validateNotSending() error {
	if w.sending {
		return fmt.Errorf("a %s letter for %s is being sent right now: try again in a few minutes", w.nextLevel(), w.c.Invoice.Number)
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
		return fmt.Errorf("invoice %s is paused (%s): resume it before skipping a level", w.c.Invoice.Number, w.c.PauseWhy)
	case w.c.Stage >= len(w.c.Invoice.Ladder):
		return fmt.Errorf("invoice %s is past the last level (unresolved): nothing to skip", w.c.Invoice.Number)
	}
	return nil
}

func (w *invoiceRun) skip(ctx workflow.Context, r dunning.SkipRequest) (dunning.State, error) {
	lv := w.c.Invoice.Ladder[w.c.Stage]
	w.c.Stage++
	w.c.LastStep = workflow.Now(ctx)
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
		return fmt.Errorf("invoice %s is at the first level (%s): there is no previous level", w.c.Invoice.Number, w.nextLevel())
	}
	return nil
}

func (w *invoiceRun) revert(ctx workflow.Context, r dunning.RevertRequest) (dunning.State, error) {
	from := w.nextLevel()
	w.c.Stage--
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
		return fmt.Errorf("invoice %s is already paused (%s)", w.c.Invoice.Number, w.c.PauseWhy)
	case strings.TrimSpace(r.Reason) == "":
		return errors.New("a pause needs a reason (dispute, promise to pay...)")
	case !r.Until.IsZero() && !r.Until.After(today):
		return fmt.Errorf("pause until %s is not after today (%s)", r.Until, today)
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
	if !w.c.Paused {
		return fmt.Errorf("invoice %s is not paused", w.c.Invoice.Number)
	}
	return nil
}

func (w *invoiceRun) resume(_ workflow.Context, r dunning.ResumeRequest) (dunning.State, error) {
	w.c.Paused, w.c.PauseWhy, w.c.PauseTill = false, "", calendar.Date{}
	w.event(dunning.EventResumed, w.level(), "resumed by an operator", r.Actor)
	return w.changed(), nil
}

func (w *invoiceRun) validateComment(_ workflow.Context, r dunning.CommentRequest) error {
	if err := w.validateOpen(); err != nil {
		return err
	}
	if strings.TrimSpace(r.Text) == "" {
		return errors.New("comment is empty")
	}
	return nil
}

func (w *invoiceRun) comment(_ workflow.Context, r dunning.CommentRequest) (dunning.State, error) {
	w.event(dunning.EventCommented, w.level(), r.Text, r.Actor)
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
