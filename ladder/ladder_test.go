package ladder

import (
	"testing"
	"time"

	"github.com/relance/relance/calendar"
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
