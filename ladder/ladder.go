// Package ladder holds the reminder ladder: the ordered levels a company
// sends (R1, R2, R3, MED), and the rule that says when each one is due.
//
// When is a level sent? The first level is due DelayDays after the invoice's
// due date; every later level DelayDays after the previous step (a letter
// sent, a level skipped or reverted). Letters go out at the company's send
// hour in its time zone. After the last level the invoice is unresolved
// ("Non soldé"): no more letters, it waits for payment or closure.
package ladder

import (
	"fmt"
	"time"

	"github.com/relance/relance/calendar"
)

// Channel says how a level's letter reaches the customer.
type Channel string

// Channels a level may use.
const (
	ChannelEmail Channel = "email"
	ChannelPrint Channel = "print"
	ChannelBoth  Channel = "both"
)

// Unresolved is the pseudo-level code of an invoice past the last level.
const Unresolved = "UNRESOLVED"

// UnresolvedLabel is how users call it (seed 000).
const UnresolvedLabel = "Non soldé"

// None is the level code of an invoice that has had no letter yet.
const None = "NONE"

// Level is one rung of the ladder.
type Level struct {
	Code      string  `json:"code"`
	Label     string  `json:"label"`
	DelayDays int     `json:"delayDays"`
	Channel   Channel `json:"channel"`
	ClaimFees bool    `json:"claimFees"`
}

// Ladder is a company's ordered list of levels.
type Ladder []Level

// Default returns the ladder a new company starts with: a statement of
// unpaid invoices one day after the due date, then a reminder every 15 days,
// then the formal notice.
func Default() Ladder {
	return Ladder{
		{Code: "R1", Label: "Relevé de factures impayées", DelayDays: 1, Channel: ChannelEmail},
		{Code: "R2", Label: "2ème relance", DelayDays: 15, Channel: ChannelEmail},
		{Code: "R3", Label: "3ème relance", DelayDays: 15, Channel: ChannelEmail},
		{Code: "MED", Label: "Mise en demeure de payer", DelayDays: 15, Channel: ChannelBoth, ClaimFees: true},
	}
}

// Validate checks that the ladder can be run: at least one level, unique
// non-empty codes, no negative delays, known channels.
func (l Ladder) Validate() error {
	if len(l) == 0 {
		return fmt.Errorf("ladder has no level")
	}
	seen := make(map[string]bool, len(l))
	for i, lv := range l {
		switch {
		case lv.Code == "" || lv.Code == Unresolved || lv.Code == None:
			return fmt.Errorf("ladder level %d: code %q is not allowed", i+1, lv.Code)
		case seen[lv.Code]:
			return fmt.Errorf("ladder level %d: code %q appears twice", i+1, lv.Code)
		case lv.DelayDays < 0:
			return fmt.Errorf("ladder level %s: delay %d days is negative", lv.Code, lv.DelayDays)
		case lv.Channel != ChannelEmail && lv.Channel != ChannelPrint && lv.Channel != ChannelBoth:
			return fmt.Errorf("ladder level %s: unknown channel %q", lv.Code, lv.Channel)
		}
		seen[lv.Code] = true
	}
	return nil
}

// Clock turns the ladder's day counts into instants for one company.
type Clock struct {
	// Location is the company's time zone.
	Location *time.Location
	// SendHour is the hour of the day letters go out.
	SendHour int
	// DaySeconds, when positive, makes one ladder day last that many
	// seconds, counted from the previous step instead of the calendar. It
	// exists for demonstrations; production leaves it zero.
	DaySeconds int
}

// FirstDue returns when the first level is due for an invoice due on due.
// start is when dunning started (used only by demo clocks).
func (c Clock) FirstDue(l Level, due calendar.Date, start time.Time) time.Time {
	if c.DaySeconds > 0 {
		return start.Add(c.days(l.DelayDays))
	}
	return due.AddDays(l.DelayDays).At(c.SendHour, c.Location)
}

// NextDue returns when level l is due after a step taken at last.
func (c Clock) NextDue(l Level, last time.Time) time.Time {
	if c.DaySeconds > 0 {
		return last.Add(c.days(l.DelayDays))
	}
	return calendar.Of(last.In(c.Location)).AddDays(l.DelayDays).At(c.SendHour, c.Location)
}

// Today returns the calendar day of now in the company's time zone.
func (c Clock) Today(now time.Time) calendar.Date {
	return calendar.Of(now.In(c.Location))
}

// AddDays returns the instant n ladder days after t (for pauses and holds).
func (c Clock) AddDays(t time.Time, n int) time.Time {
	if c.DaySeconds > 0 {
		return t.Add(c.days(n))
	}
	return calendar.Of(t.In(c.Location)).AddDays(n).At(c.SendHour, c.Location)
}

func (c Clock) days(n int) time.Duration {
	return time.Duration(n*c.DaySeconds) * time.Second
}
