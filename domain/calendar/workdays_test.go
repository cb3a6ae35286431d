package calendar

import "testing"

func TestNextWorkingDay(t *testing.T) {
	tests := []struct {
		h        Holidays
		day, out string
	}{
		{HolidaysFrance, "2026-11-27", "2026-11-27"}, // Friday
		{HolidaysFrance, "2026-11-28", "2026-11-30"}, // Saturday
		{HolidaysFrance, "2026-11-29", "2026-11-30"}, // Sunday
		{HolidaysFrance, "2026-12-25", "2026-12-28"}, // Christmas, a Friday
		{HolidaysFrance, "2026-12-26", "2026-12-28"},
		{HolidaysFrance, "2026-04-06", "2026-04-07"}, // Easter Monday
		{HolidaysFrance, "2026-05-14", "2026-05-15"}, // Ascension
		{HolidaysFrance, "2026-05-25", "2026-05-26"}, // Whit Monday
		{HolidaysFrance, "2026-04-03", "2026-04-03"}, // Good Friday: a working day in most of France
		{HolidaysAlsaceMoselle, "2026-04-03", "2026-04-07"},
		{HolidaysAlsaceMoselle, "2025-12-26", "2025-12-29"},
		{HolidaysFrance, "2025-12-26", "2025-12-26"},
		{HolidaysNone, "2026-12-25", "2026-12-25"},
		{HolidaysNone, "2026-11-28", "2026-11-30"},
	}
	for _, tt := range tests {
		d, _ := Parse(tt.day)
		if got := tt.h.NextWorkingDay(d).String(); got != tt.out {
			t.Errorf("%s.NextWorkingDay(%s) = %s, want %s", tt.h, tt.day, got, tt.out)
		}
	}
}

func TestParseHolidays(t *testing.T) {
	for in, want := range map[string]Holidays{"": HolidaysFrance, "FR": HolidaysFrance, "FR-AM": HolidaysAlsaceMoselle, "none": HolidaysNone} {
		got, err := ParseHolidays(in)
		if err != nil || got != want {
			t.Errorf("ParseHolidays(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseHolidays("DE"); err == nil {
		t.Error("ParseHolidays(DE) gave no error")
	}
}
