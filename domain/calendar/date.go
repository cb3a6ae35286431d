// Package calendar holds Date, a day in the calendar without a time of day
// or a time zone, so that due dates never drift across midnight.
package calendar

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Layout is the ISO 8601 form dates are read and written in.
const Layout = "2006-01-02"

// Date is a calendar day. The zero value is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Of returns the calendar day of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// New returns the date year-month-day, normalised (31 April is 1 May).
func New(year int, month time.Month, day int) Date {
	return Of(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// Parse reads a date written as YYYY-MM-DD.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return Of(t), nil
}

// IsZero reports whether d is the zero value, "no date".
func (d Date) IsZero() bool { return d == Date{} }

// String writes d as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// French writes d as DD/MM/YYYY, as French letters do.
func (d Date) French() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// At returns the instant of hour:00 on day d in loc.
func (d Date) At(hour int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, loc)
}

// UTC returns midnight UTC on day d.
func (d Date) UTC() time.Time { return d.At(0, time.UTC) }

// AddDays returns the date n days after d (before it if n < 0).
func (d Date) AddDays(n int) Date { return Of(d.UTC().AddDate(0, 0, n)) }

// DaysSince returns the number of days from other to d.
func (d Date) DaysSince(other Date) int {
	return int(d.UTC().Sub(other.UTC()).Hours() / 24)
}

// Before reports whether d is earlier than other.
func (d Date) Before(other Date) bool { return d.UTC().Before(other.UTC()) }

// After reports whether d is later than other.
func (d Date) After(other Date) bool { return d.UTC().After(other.UTC()) }

// MarshalJSON writes d as "YYYY-MM-DD", or null for the zero date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	v, err := Parse(*s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value lets database/sql-style drivers (pgx included) write d as a date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a PostgreSQL date (as time.Time or text) into d.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = Of(v)
	case string:
		p, err := Parse(v)
		if err != nil {
			return err
		}
		*d = p
	default:
		return fmt.Errorf("date: cannot scan %T", src)
	}
	return nil
}
