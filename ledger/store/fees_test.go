package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/fees"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

func TestECBRates(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()

	rates, err := st.ECBRates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Seeded by the migrations, oldest first (00005 adds 2010-2022).
	want := []struct{ from, rate string }{
		{"2010-01-01", "1"}, {"2010-07-01", "1"}, {"2011-01-01", "1"}, {"2011-07-01", "1.25"},
		{"2012-01-01", "1"}, {"2012-07-01", "1"}, {"2013-01-01", "0.75"}, {"2013-07-01", "0.5"},
		{"2014-01-01", "0.25"}, {"2014-07-01", "0.15"}, {"2015-01-01", "0.05"}, {"2015-07-01", "0.05"},
		{"2016-01-01", "0.05"}, {"2016-07-01", "0"}, {"2017-01-01", "0"}, {"2017-07-01", "0"},
		{"2018-01-01", "0"}, {"2018-07-01", "0"}, {"2019-01-01", "0"}, {"2019-07-01", "0"},
		{"2020-01-01", "0"}, {"2020-07-01", "0"}, {"2021-01-01", "0"}, {"2021-07-01", "0"},
		{"2022-01-01", "0"}, {"2022-07-01", "0"},
		{"2023-01-01", "2.5"}, {"2023-07-01", "4"}, {"2024-01-01", "4.5"}, {"2024-07-01", "4.25"},
		{"2025-01-01", "3.15"}, {"2025-07-01", "2.15"}, {"2026-01-01", "2.15"},
	}
	if len(rates) != len(want) {
		t.Fatalf("%d rates %v, want %d", len(rates), rates, len(want))
	}
	for i, w := range want {
		if rates[i].From.String() != w.from || !rates[i].ECB.Equal(decimal.RequireFromString(w.rate)) {
			t.Errorf("rate %d = %s %s, want %s %s", i, rates[i].From, rates[i].ECB, w.from, w.rate)
		}
	}

	// The second half of 2026 is missing until it is set.
	jul := calendar.New(2026, 7, 1)
	if _, err := rates.RateOn(calendar.New(2026, 8, 15)); !errors.Is(err, fees.ErrNoRate) {
		t.Errorf("second half of 2026 before it is set: %v", err)
	}
	if err := st.SetECBRate(ctx, jul, decimal.RequireFromString("2.4")); err != nil {
		t.Fatal(err)
	}
	if err := st.SetECBRate(ctx, jul, decimal.RequireFromString("2.15")); err != nil { // corrected
		t.Fatal(err)
	}
	if rates, err = st.ECBRates(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := rates.RateOn(calendar.New(2026, 8, 15))
	if err != nil || !got.Equal(decimal.RequireFromString("12.15")) {
		t.Errorf("penalty rate in August 2026 = %s (%v), want 12.15", got, err)
	}
	if len(rates) != len(want)+1 {
		t.Errorf("%d rates after setting one twice, want %d", len(rates), len(want)+1)
	}

	bad := []struct {
		name string
		from calendar.Date
		rate string
	}{
		{"not a half-year start", calendar.New(2026, 3, 1), "2"},
		{"2 July", calendar.New(2026, 7, 2), "2"},
		{"no date", calendar.Date{}, "2"},
		{"too high", jul, "30.001"},
		{"too low", jul, "-5.5"},
		{"four decimals", jul, "2.1234"},
	}
	for _, tt := range bad {
		if err := st.SetECBRate(ctx, tt.from, decimal.RequireFromString(tt.rate)); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", tt.name, err)
		}
	}
	for _, ok := range []string{"-5", "30", "0"} {
		if err := st.SetECBRate(ctx, calendar.New(2030, 1, 1), decimal.RequireFromString(ok)); err != nil {
			t.Errorf("rate %s: %v", ok, err)
		}
	}
}
