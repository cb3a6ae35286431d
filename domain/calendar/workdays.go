package calendar

import (
	"fmt"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"
)

// Holidays names the public holidays a company does not send letters on
// (on top of Saturdays and Sundays). The dates come from
// github.com/rickar/cal/v2, a maintained holiday library, rather than a
// hand-written table: Easter Monday, Ascension and Whit Monday move every
// year.
type Holidays string

// The holiday sets a company may choose (column companies.holidays).
const (
	// HolidaysFrance is the French public holidays: 1 January, Easter
	// Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August,
	// 1 November, 11 November, 25 December.
	HolidaysFrance Holidays = "FR"
	// HolidaysAlsaceMoselle adds the two days of Alsace-Moselle (Bas-Rhin,
	// Haut-Rhin, Moselle): Good Friday and 26 December.
	HolidaysAlsaceMoselle Holidays = "FR-AM"
	// HolidaysNone keeps only the weekends.
	HolidaysNone Holidays = "none"
)

// alsaceMoselle are the extra days of Alsace-Moselle (Code du travail
// L3134-13).
var alsaceMoselle = []*cal.Holiday{
	aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic}),
	aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Saint-Étienne", Type: cal.ObservancePublic}),
}

// ParseHolidays reads a holiday set name; "" means HolidaysFrance.
func ParseHolidays(s string) (Holidays, error) {
	switch h := Holidays(s); h {
	case "":
		return HolidaysFrance, nil
	case HolidaysFrance, HolidaysAlsaceMoselle, HolidaysNone:
		return h, nil
	}
	return "", fmt.Errorf("holidays %q: want %q, %q or %q", s, HolidaysFrance, HolidaysAlsaceMoselle, HolidaysNone)
}

func (h Holidays) list() []*cal.Holiday {
	switch h {
	case HolidaysNone:
		return nil
	case HolidaysAlsaceMoselle:
		return append(append([]*cal.Holiday(nil), fr.Holidays...), alsaceMoselle...)
	}
	return fr.Holidays
}

// Holiday returns the name of the public holiday on d, or "".
func (h Holidays) Holiday(d Date) string {
	for _, hol := range h.list() {
		act, _ := hol.Calc(d.Year)
		if act.IsZero() {
			continue
		}
		if _, m, day := act.Date(); m == d.Month && day == d.Day {
			return hol.Name
		}
	}
	return ""
}

// IsWorkingDay reports whether d is a working day: neither a Saturday, a
// Sunday nor a public holiday of h.
func (h Holidays) IsWorkingDay(d Date) bool {
	switch d.UTC().Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return h.Holiday(d) == ""
}

// NextWorkingDay returns d when it is a working day, else the first
// working day after it.
func (h Holidays) NextWorkingDay(d Date) Date {
	for i := 0; i < 31 && !h.IsWorkingDay(d); i++ {
		d = d.AddDays(1)
	}
	return d
}
