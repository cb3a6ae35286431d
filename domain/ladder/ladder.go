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
	"strconv"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/messages"
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

// FormalNotice is the code of the formal notice ("mise en demeure"): the
// level that claims the recovery costs the law allows, and the last letter
// of every ladder.
const FormalNotice = "MED"

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
		{Code: FormalNotice, Label: "Mise en demeure de payer", DelayDays: 15, Channel: ChannelBoth, ClaimFees: true},
	}
}

// The problems Validate finds, said from the catalogs of package messages.
var (
	// NoLevel: the ladder has no level.
	NoLevel = messages.Declare("ladder.empty")
	// CodeNotAllowed: a level's code is empty or reserved (position,
	// code quoted).
	CodeNotAllowed = messages.Declare("ladder.code.reserved", "position", "code")
	// CodeTwice: two levels share a code (position, code quoted).
	CodeTwice = messages.Declare("ladder.code.twice", "position", "code")
	// DelayTooShort: a level's delay is under one day (level, days).
	DelayTooShort = messages.Declare("ladder.delay", "level", "days")
	// UnknownChannel: a level's channel is unknown (level, channel quoted).
	UnknownChannel = messages.Declare("ladder.channel", "level", "channel")
	// NotEndingWithNotice: the last level is not the formal notice (last,
	// notice).
	NotEndingWithNotice = messages.Declare("ladder.last", "last", "notice")
)

// Validate checks that the ladder can be run: at least one level, unique
// non-empty codes, delays of at least one day, known channels, and the
// formal notice (FormalNotice) as the last level.
func (l Ladder) Validate() error {
	if len(l) == 0 {
		return NoLevel.With()
	}
	seen := make(map[string]bool, len(l))
	for i, lv := range l {
		switch {
		case lv.Code == "" || lv.Code == Unresolved || lv.Code == None:
			return CodeNotAllowed.With(i+1, strconv.Quote(lv.Code))
		case seen[lv.Code]:
			return CodeTwice.With(i+1, strconv.Quote(lv.Code))
		case lv.DelayDays < 1:
			return DelayTooShort.With(lv.Code, lv.DelayDays)
		case lv.Channel != ChannelEmail && lv.Channel != ChannelPrint && lv.Channel != ChannelBoth:
			return UnknownChannel.With(lv.Code, strconv.Quote(string(lv.Channel)))
		}
		seen[lv.Code] = true
	}
	if last := l[len(l)-1].Code; last != FormalNotice {
		return NotEndingWithNotice.With(last, FormalNotice)
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
	// Holidays, when set, is the company's working-day calendar: Slot
	// moves a letter due on a weekend or a public holiday to the next
	// working day at the send hour. Clocks of workflows started before
	// the customer statement leave it empty and keep their old dates.
	Holidays calendar.Holidays
}

// Slot returns when a letter due at t goes out: the first send instant at
// or after t, that is the send hour of a working day (of the next one when
// t is past the day's send hour). A letter never leaves in the middle of
// the afternoon, nor on a Saturday or on 25 December. Demo clocks, whose
// days last seconds, have no send hour: t itself (their customer letters
// collect for half a demo day from the first letter handed in).
func (c Clock) Slot(t time.Time) time.Time {
	if c.DaySeconds > 0 {
		return t
	}
	d := c.Today(t)
	if t.After(d.At(c.SendHour, c.Location)) {
		d = d.AddDays(1)
	}
	if c.Holidays != "" {
		d = c.Holidays.NextWorkingDay(d)
	}
	return d.At(c.SendHour, c.Location)
}

// SlotKey names the slot s for the ID of the customer's letter workflow:
// its date, so one letter per customer and day.
func (c Clock) SlotKey(s time.Time) string { return c.Today(s).String() }

// SlotEnd returns the end of slot s's day: midnight after it in the
// company's time zone.
func (c Clock) SlotEnd(s time.Time) time.Time { return c.Today(s).AddDays(1).At(0, c.Location) }

// Lead is how long before a slot the invoice workflows check the ledger
// and hand their letter to the customer's statement, so that it leaves at
// the send hour with every item of the slot: ten minutes (none for demo
// clocks).
func (c Clock) Lead() time.Duration {
	if c.DaySeconds > 0 {
		return 0
	}
	return 10 * time.Minute
}

// Grace is how long after a slot a letter still joins it: the customer's
// statement waits this long for late hand-overs, and an invoice whose slot
// passed by more than this waits for the next one. One minute; for demo
// clocks half a demo day, the collection window of their letters.
func (c Clock) Grace() time.Duration {
	if c.DaySeconds > 0 {
		return time.Duration(c.DaySeconds) * time.Second / 2
	}
	return time.Minute
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
