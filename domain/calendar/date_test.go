package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		from string
		days int
		want string
	}{
		{"2026-01-31", 1, "2026-02-01"},
		{"2026-03-28", 2, "2026-03-30"}, // across the DST change in Paris
		{"2024-02-28", 1, "2024-02-29"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2026-05-10", -10, "2026-04-30"},
	}
	for _, tt := range tests {
		d, err := Parse(tt.from)
		if err != nil {
			t.Fatal(err)
		}
		got := d.AddDays(tt.days)
		if got.String() != tt.want {
			t.Errorf("%s + %d = %s, want %s", tt.from, tt.days, got, tt.want)
		}
		if back := got.DaysSince(d); back != tt.days {
			t.Errorf("DaysSince = %d, want %d", back, tt.days)
		}
	}
}

func TestOfKeepsLocalDay(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata")
	}
	// 00:30 in Paris is still the previous day in UTC.
	instant := time.Date(2026, 11, 24, 0, 30, 0, 0, paris)
	if got := Of(instant).String(); got != "2026-11-24" {
		t.Errorf("Of = %s, want 2026-11-24", got)
	}
	if got := Of(instant.UTC()).String(); got != "2026-11-23" {
		t.Errorf("Of(UTC) = %s, want 2026-11-23", got)
	}
}

func TestJSON(t *testing.T) {
	d := New(2026, 11, 23)
	b, _ := json.Marshal(d)
	if string(b) != `"2026-11-23"` {
		t.Errorf("marshal = %s", b)
	}
	var back Date
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Errorf("unmarshal = %v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`"23/11/2026"`), &back); err == nil {
		t.Error("accepted a French date in JSON")
	}
}
