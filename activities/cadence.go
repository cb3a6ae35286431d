package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
)

// FormalNoticeMaxDays is the longest a formal notice waits for the
// customer's next letter: a cadence longer than a week (a monthly
// statement for a large account) never holds a formal notice more than
// seven days after the last letter (docs/customer-side.md "Cadence").
const FormalNoticeMaxDays = 7

// CadenceSlot returns the customer's next allowed letter after a letter
// that went out at last, with a period of days: the send hour of the first
// working day at least days calendar days after last's day (demo clocks:
// days demo days after last). Zero when any slot is allowed: no letter
// yet, or a period of 0 or 1 day (one letter a working day, which the
// statements of the day already ensure).
func CadenceSlot(c ladder.Clock, last time.Time, days int) time.Time {
	if last.IsZero() || days <= 1 {
		return time.Time{}
	}
	if c.DaySeconds > 0 {
		return last.Add(time.Duration(days*c.DaySeconds) * time.Second)
	}
	return c.Slot(c.Today(last).AddDays(days).At(0, c.Location))
}

// cadenceDays is the period that applies to item: the customer's, at most
// FormalNoticeMaxDays for a formal notice.
func cadenceDays(cad store.Cadence, item wire.LetterItem) int {
	if item.Level.Code == ladder.FormalNotice && cad.Days > FormalNoticeMaxDays {
		return FormalNoticeMaxDays
	}
	return cad.Days
}

// itemSlot is the customer's next allowed letter for item: the slot the
// hand-over (cadenceCheck) and the proposal (CadenceWaits) both read.
func itemSlot(clock ladder.Clock, cad store.Cadence, item wire.LetterItem) time.Time {
	return CadenceSlot(clock, cad.LastSent, cadenceDays(cad, item))
}

// CadenceWaits tells whether the letter of item, due on day for the
// customer whose cadence is cad, waits for the customer's next allowed
// letter, and which: the slot QueueLetter would defer it to (the formal
// notice's limit included), zero when it goes that day. The proposal of
// a day shows such a letter as waiting (docs/customer-side.md "Cadence").
// An error is a company clock the ledger cannot read: the hand-over then
// applies no cadence either.
func CadenceWaits(cad store.Cadence, item wire.LetterItem, day calendar.Date) (time.Time, error) {
	clock, err := cadenceClock(cad)
	if err != nil {
		return time.Time{}, err
	}
	slot := itemSlot(clock, cad, item)
	if slot.IsZero() || !day.Before(clock.Today(slot)) {
		return time.Time{}, nil
	}
	return slot, nil
}

// cadenceClock is the company's clock as the cadence reads it.
func cadenceClock(cad store.Cadence) (ladder.Clock, error) {
	loc, err := time.LoadLocation(cad.TimeZone)
	if err != nil {
		return ladder.Clock{}, fmt.Errorf("cadence: unknown time zone %q: %w", cad.TimeZone, err)
	}
	h, err := calendar.ParseHolidays(cad.Holidays)
	if err != nil {
		return ladder.Clock{}, fmt.Errorf("cadence: %w", err)
	}
	return ladder.Clock{Location: loc, SendHour: cad.SendHour, DaySeconds: cad.DaySeconds, Holidays: h}, nil
}

// cadenceCheck tells whether the letter req hands over must wait for the
// customer's next allowed letter, and which: a non-zero slot when it goes
// to a statement planned (or handed over, when late) before that slot.
// A letter asked for now (an operator's "Exécuter") never waits. period
// is the customer's period as a duration (demo rounds space their
// statements by it).
//
// Without a ledger (Activities.Store nil: tools and tests that only drive
// Temporal) or for a customer the ledger does not know, there is no
// cadence: the letter goes to the statement it was planned for, as
// before; a company clock the ledger cannot read is logged and has none
// either (the letter is never stuck on a setting).
func (a *Activities) cadenceCheck(ctx context.Context, req wire.QueueRequest, now time.Time) (next time.Time, period time.Duration, cad store.Cadence, err error) {
	if a.Store == nil {
		return time.Time{}, 0, cad, nil
	}
	cad, err = a.Store.CustomerCadence(ctx, req.Company, req.Customer)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, 0, store.Cadence{}, nil
	}
	if err != nil {
		return time.Time{}, 0, cad, err
	}
	clock, err := cadenceClock(cad)
	if err != nil {
		if a.Log != nil {
			a.Log.Warn("no cadence for this letter", "company", req.Company, "reason", err.Error())
		}
		return time.Time{}, 0, store.Cadence{}, nil
	}
	days := cadenceDays(cad, req.Item)
	if clock.DaySeconds > 0 && days > 1 {
		period = time.Duration(days*clock.DaySeconds) * time.Second
	}
	if req.Item.Now {
		return time.Time{}, period, cad, nil
	}
	slot := itemSlot(clock, cad, req.Item)
	at := req.SendAt
	if now.After(at) {
		at = now
	}
	if slot.IsZero() || !at.Before(slot) {
		return time.Time{}, period, cad, nil
	}
	return slot, period, cad, nil
}

// CadenceDeferred is the answer to a letter whose level fell due inside
// the customer's period: it joins the customer's next letter, at next.
func CadenceDeferred(it wire.LetterItem, customer string, next time.Time, cad store.Cadence) wire.ItemResult {
	loc, err := time.LoadLocation(cad.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	layout := "2006-01-02 15:04"
	if cad.DaySeconds > 0 {
		layout = "2006-01-02 15:04:05"
	}
	when := next.In(loc).Format(layout)
	return wire.ItemResult{Item: it, Status: wire.LetterDeferred, NextSlot: next,
		Detail: fmt.Sprintf("%s letter joins the next letter of %s on %s: at most one letter every %d days (last one %s)",
			it.Level.Code, customer, when, cadenceDays(cad, it), cad.LastSent.In(loc).Format(layout))}
}
