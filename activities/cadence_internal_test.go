package activities

import (
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
)

func TestCadenceSlot(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	fr, err := calendar.ParseHolidays("FR")
	if err != nil {
		t.Fatal(err)
	}
	prod := ladder.Clock{Location: paris, SendHour: 9, Holidays: fr}
	demo := ladder.Clock{Location: paris, SendHour: 9, DaySeconds: 3}
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, paris) }
	tests := []struct {
		name  string
		clock ladder.Clock
		last  time.Time
		days  int
		want  time.Time
	}{
		{"no letter yet", prod, time.Time{}, 7, time.Time{}},
		{"every working day (0)", prod, at(11, 2, 9, 1), 0, time.Time{}},
		{"every working day (1)", prod, at(11, 2, 9, 1), 1, time.Time{}},
		{"a week after a Monday letter", prod, at(11, 2, 9, 1), 7, at(11, 9, 9, 0)},
		{"the letter's day counts, not its minute", prod, at(11, 5, 16, 30), 7, at(11, 12, 9, 0)},
		{"a weekend moves to Monday", prod, at(11, 2, 9, 1), 5, at(11, 9, 9, 0)},
		{"Christmas moves to the next working day", prod, at(12, 18, 9, 2), 7, at(12, 28, 9, 0)},
		{"two weeks", prod, at(11, 2, 9, 1), 14, at(11, 16, 9, 0)},
		{"demo days", demo, at(11, 2, 9, 1), 7, at(11, 2, 9, 1).Add(21 * time.Second)},
	}
	for _, tt := range tests {
		if got := CadenceSlot(tt.clock, tt.last, tt.days); !got.Equal(tt.want) {
			t.Errorf("%s: CadenceSlot(%s, %d) = %s, want %s", tt.name, tt.last, tt.days, got, tt.want)
		}
	}
}

func TestCadenceDaysFormalNotice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		days  int
		level string
		want  int
	}{
		{7, "R2", 7},
		{30, "R2", 30},
		{30, ladder.FormalNotice, FormalNoticeMaxDays},
		{5, ladder.FormalNotice, 5},
		{0, ladder.FormalNotice, 0},
	}
	for _, tt := range tests {
		got := cadenceDays(store.Cadence{Days: tt.days}, wire.LetterItem{Level: ladder.Level{Code: tt.level}})
		if got != tt.want {
			t.Errorf("cadence %d, level %s: %d days, want %d", tt.days, tt.level, got, tt.want)
		}
	}
}
