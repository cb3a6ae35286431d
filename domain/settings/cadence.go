package settings

import (
	"strconv"
	"strings"
)

// DefaultCadenceDays is the cadence of a new company: at most one letter
// per customer every seven days (docs/customer-side.md "Cadence").
const DefaultCadenceDays = 7

// DefaultDemoCadenceDays is the default cadence of a company whose days
// last seconds (a demonstration): one letter per demo day, as before the
// cadence, so that a demo ladder of one-day delays runs in minutes. A
// cadence set on the company or the customer applies in demo days.
const DefaultDemoCadenceDays = 1

// DefaultCadence is the cadence of a company that set none: demo says
// whether its days last seconds.
func DefaultCadence(demo bool) int {
	if demo {
		return DefaultDemoCadenceDays
	}
	return DefaultCadenceDays
}

// MaxCadenceDays is the longest cadence a company or a customer may set.
const MaxCadenceDays = 90

// CadenceDays reads a cadence as typed: a whole number of days from 0 to
// MaxCadenceDays (0 or 1: a letter may go every working day). The problem
// says what is wanted, without repeating more than a short input.
func CadenceDays(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxCadenceDays {
		if len(s) > 12 {
			s = s[:12] + "…"
		}
		return 0, NotCadence.With(strconv.Quote(s), MaxCadenceDays)
	}
	return n, nil
}
