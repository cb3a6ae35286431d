package ladder

import (
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		l    Ladder
	}{
		{"empty", Ladder{}},
		{"duplicate", Ladder{{Code: "R1", Channel: ChannelEmail}, {Code: "R1", Channel: ChannelEmail}}},
		{"negative", Ladder{{Code: "R1", DelayDays: -1, Channel: ChannelEmail}}},
		{"channel", Ladder{{Code: "R1", Channel: "fax"}}},
		{"reserved", Ladder{{Code: Unresolved, Channel: ChannelEmail}}},
		{"zero delay", Ladder{{Code: "R1", DelayDays: 0, Channel: ChannelEmail}, {Code: "MED", DelayDays: 15, Channel: ChannelBoth}}},
		{"no formal notice", Ladder{{Code: "R1", DelayDays: 1, Channel: ChannelEmail}, {Code: "R2", DelayDays: 15, Channel: ChannelEmail}}},
		{"formal notice not last", Ladder{{Code: "MED", DelayDays: 1, Channel: ChannelBoth}, {Code: "R2", DelayDays: 15, Channel: ChannelEmail}}},
	}
	for _, tt := range tests {
		if err := tt.l.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %v", tt.name, tt.l)
		}
	}
}

func TestClock(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	c := Clock{Location: paris, SendHour: 9}
	lv := Level{Code: "R1", DelayDays: 1}
	due := calendar.New(2026, 3, 28)
	// The day after the due date, 09:00 Paris, across the DST change.
	got := c.FirstDue(lv, due, time.Time{})
	want := time.Date(2026, 3, 29, 9, 0, 0, 0, paris)
	if !got.Equal(want) {
		t.Errorf("FirstDue = %v, want %v", got, want)
	}
	// A step at 23:30 UTC on 23 Nov is 00:30 on 24 Nov in Paris.
	last := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	got = c.NextDue(Level{DelayDays: 15}, last)
	want = time.Date(2026, 12, 9, 9, 0, 0, 0, paris)
	if !got.Equal(want) {
		t.Errorf("NextDue = %v, want %v", got, want)
	}

	demo := Clock{Location: paris, SendHour: 9, DaySeconds: 10}
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if got := demo.FirstDue(lv, due, start); !got.Equal(start.Add(10 * time.Second)) {
		t.Errorf("demo FirstDue = %v", got)
	}
}

func TestSlotOnWorkingDays(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	c := Clock{Location: paris, SendHour: 9, Holidays: calendar.HolidaysFrance}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	tests := []struct {
		name    string
		in, out time.Time
	}{
		{"R1 due Saturday goes out Monday", at(2026, 11, 28, 9, 0), at(2026, 11, 30, 9, 0)},
		{"Christmas goes out Monday 28", at(2026, 12, 25, 9, 0), at(2026, 12, 28, 9, 0)},
		{"on time on a working day", at(2026, 11, 24, 9, 0), at(2026, 11, 24, 9, 0)},
		{"before the send hour", at(2026, 11, 24, 7, 30), at(2026, 11, 24, 9, 0)},
		{"afternoon scan waits for the next morning", at(2026, 11, 24, 17, 39), at(2026, 11, 25, 9, 0)},
		{"Friday afternoon waits for Monday", at(2026, 11, 27, 15, 0), at(2026, 11, 30, 9, 0)},
		{"Whit Monday", at(2026, 5, 25, 9, 0), at(2026, 5, 26, 9, 0)},
	}
	for _, tt := range tests {
		if got := c.Slot(tt.in); !got.Equal(tt.out) {
			t.Errorf("%s: Slot(%s) = %s, want %s", tt.name, tt.in, got, tt.out)
		}
	}
	// The ladder's own date for R1 of an invoice due Friday 27 November.
	r1 := c.FirstDue(Default()[0], calendar.New(2026, 11, 27), time.Time{})
	if got := c.Slot(r1); !got.Equal(at(2026, 11, 30, 9, 0)) {
		t.Errorf("R1 of an invoice due 2026-11-27 goes out %s, want Monday 2026-11-30 09:00", got)
	}
	if k := c.SlotKey(at(2026, 11, 30, 9, 0)); k != "2026-11-30" {
		t.Errorf("SlotKey = %q", k)
	}
	demo := Clock{Location: paris, SendHour: 9, DaySeconds: 4}
	if s := demo.Slot(time.Unix(1001, 500)); !s.Equal(time.Unix(1001, 500)) {
		t.Errorf("demo slot = %v, want the time itself", s)
	}
}
