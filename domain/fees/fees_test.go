package fees

import (
	"errors"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

func d(s string) calendar.Date {
	v, err := calendar.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// table is the ECB main refinancing rate in force on each 1 January and
// 1 July, 2024-07 to 2026-01 (as seeded by schema migration 00002).
var table = RateTable{
	{d("2026-01-01"), dec("2.15")},
	{d("2024-07-01"), dec("4.25")},
	{d("2025-01-01"), dec("3.15")},
	{d("2025-07-01"), dec("2.15")},
}

func TestIndemnity(t *testing.T) {
	tests := []struct {
		late     int
		business bool
		want     string
	}{
		{1, true, "40"},
		{3, true, "120"},
		{12, true, "480"},
		{0, true, "0"},
		{-1, true, "0"},
		{3, false, "0"}, // never for individuals
		{1, false, "0"},
	}
	for _, tt := range tests {
		if got := Indemnity(tt.late, tt.business); !got.Equal(dec(tt.want)) {
			t.Errorf("Indemnity(%d, %v) = %s, want %s", tt.late, tt.business, got, tt.want)
		}
	}
}

func TestRateOn(t *testing.T) {
	tests := []struct{ day, want string }{
		{"2025-01-01", "13.15"},
		{"2025-03-15", "13.15"},
		{"2025-06-30", "13.15"},
		{"2025-07-01", "12.15"},
		{"2025-12-31", "12.15"},
		{"2024-11-02", "14.25"},
	}
	for _, tt := range tests {
		got, err := table.RateOn(d(tt.day))
		if err != nil {
			t.Errorf("RateOn(%s): %v", tt.day, err)
			continue
		}
		if !got.Equal(dec(tt.want)) {
			t.Errorf("RateOn(%s) = %s, want %s", tt.day, got, tt.want)
		}
	}
}

func TestInterest(t *testing.T) {
	type period struct {
		from, to string
		days     int
		rate     string
	}
	tests := []struct {
		name        string
		balance     string
		due, until  string
		want        string
		wantPeriods []period
	}{
		{
			// Inside one half-year: 1 to 30 March 2026 = 30 days at
			// 2.15 + 10 = 12.15 %: 1000 × 12.15 × 30 / 36500
			// = 364500 / 36500 = 9.98630… → 9.99.
			name: "one half-year", balance: "1000.00", due: "2026-02-28", until: "2026-03-30", want: "9.99",
			wantPeriods: []period{{"2026-03-01", "2026-03-30", 30, "12.15"}},
		},
		{
			// Crossing 1 July 2025: 16-30 June = 15 days at 3.15 + 10 =
			// 13.15 %: 1234.56 × 13.15 × 15 = 243516.96; 1-20 July = 20 days
			// at 2.15 + 10 = 12.15 %: 1234.56 × 12.15 × 20 = 299998.08.
			// (243516.96 + 299998.08) / 36500 = 543515.04 / 36500
			// = 14.89082… → 14.89 (periods 6.6717… + 8.2191…).
			name: "crossing 1 July", balance: "1234.56", due: "2025-06-15", until: "2025-07-20", want: "14.89",
			wantPeriods: []period{
				{"2025-06-16", "2025-06-30", 15, "13.15"},
				{"2025-07-01", "2025-07-20", 20, "12.15"},
			},
		},
		{
			// Crossing 1 January 2025: 11-31 December 2024 = 21 days at
			// 4.25 + 10 = 14.25 %: 5000 × 14.25 × 21 = 1496250; 1-9 January
			// 2025 = 9 days at 3.15 + 10 = 13.15 %: 5000 × 13.15 × 9 = 591750.
			// 2088000 / 36500 = 57.20547… → 57.21 (periods 40.9932… + 16.2123…).
			name: "crossing 1 January", balance: "5000", due: "2024-12-10", until: "2025-01-09", want: "57.21",
			wantPeriods: []period{
				{"2024-12-11", "2024-12-31", 21, "14.25"},
				{"2025-01-01", "2025-01-09", 9, "13.15"},
			},
		},
		{
			// Three half-years: 2 days at 14.25 % (30-31 Dec 2024), 181 days
			// at 13.15 % (1 Jan - 30 Jun 2025), 1 day at 12.15 % (1 Jul):
			// 100 × (14.25×2 + 13.15×181 + 12.15×1) = 100 × 2420.8 = 242080;
			// / 36500 = 6.63232… → 6.63.
			name: "three half-years", balance: "100", due: "2024-12-29", until: "2025-07-01", want: "6.63",
			wantPeriods: []period{
				{"2024-12-30", "2024-12-31", 2, "14.25"},
				{"2025-01-01", "2025-06-30", 181, "13.15"},
				{"2025-07-01", "2025-07-01", 1, "12.15"},
			},
		},
		{
			// Rounding half-up: 365 × 12.15 × 30 / 36500 = 3.645 exactly
			// → 3.65 (banker's rounding would give 3.64).
			name: "half-up", balance: "365.00", due: "2026-03-31", until: "2026-04-30", want: "3.65",
			wantPeriods: []period{{"2026-04-01", "2026-04-30", 30, "12.15"}},
		},
		{
			// One day late: 1000 × 12.15 / 36500 = 0.33287… → 0.33.
			name: "one day", balance: "1000", due: "2026-03-01", until: "2026-03-02", want: "0.33",
			wantPeriods: []period{{"2026-03-02", "2026-03-02", 1, "12.15"}},
		},
		{name: "due today", balance: "1000", due: "2026-03-01", until: "2026-03-01", want: "0"},
		{name: "not due yet", balance: "1000", due: "2026-03-10", until: "2026-03-01", want: "0"},
		{name: "nothing due", balance: "0", due: "2025-03-10", until: "2026-03-01", want: "0"},
		{name: "credit", balance: "-50", due: "2025-03-10", until: "2026-03-01", want: "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, periods, err := Interest(dec(tt.balance), d(tt.due), d(tt.until), table)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(dec(tt.want)) {
				t.Errorf("interest = %s, want %s", got, tt.want)
			}
			if len(periods) != len(tt.wantPeriods) {
				t.Fatalf("%d periods %+v, want %d", len(periods), periods, len(tt.wantPeriods))
			}
			sum := decimal.Zero
			for i, p := range periods {
				w := tt.wantPeriods[i]
				if p.From != d(w.from) || p.To != d(w.to) || p.Days != w.days || !p.Rate.Equal(dec(w.rate)) {
					t.Errorf("period %d = %s..%s %d days %s %%, want %s..%s %d days %s %%",
						i, p.From, p.To, p.Days, p.Rate, w.from, w.to, w.days, w.rate)
				}
				sum = sum.Add(p.Amount)
			}
			if !sum.Round(2).Equal(got) {
				t.Errorf("periods add up to %s, interest is %s", sum, got)
			}
		})
	}
}

func TestInterestMissingRate(t *testing.T) {
	tests := []struct {
		name, due, until, want string
	}{
		{"next half-year not published", "2026-06-20", "2026-07-05", "second half of 2026 (from 2026-07-01)"},
		{"before the table", "2024-06-20", "2024-07-05", "first half of 2024 (from 2024-01-01)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Interest(dec("100"), d(tt.due), d(tt.until), table)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrNoRate) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q: want ErrNoRate naming %q", err, tt.want)
			}
		})
	}
	// A rate dated other than 1 January / 1 July does not count.
	_, err := RateTable{{d("2026-03-01"), dec("2")}}.RateOn(d("2026-04-01"))
	if !errors.Is(err, ErrNoRate) {
		t.Errorf("rate from 2026-03-01 used for the first half of 2026: %v", err)
	}
}

func TestCompute(t *testing.T) {
	lines := []Line{
		{"FA1", d("2026-02-28"), dec("1000.00")}, // 30 days: 9.99 (see TestInterest)
		{"FA2", d("2026-04-15"), dec("800.00")},  // not due on 30 March
		{"FA3", d("2026-01-10"), dec("0")},       // paid
		{"FA4", d("2026-03-20"), dec("500.00")},  // 10 days: 500 × 12.15 × 10 / 36500 = 1.66438… → 1.66
		{"FA5", d("2026-03-30"), dec("250.00")},  // due today: not late
		{"FA6", calendar.Date{}, dec("250.00")},  // no due date
	}
	on := d("2026-03-30")

	c, err := Compute(lines, true, on, table)
	if err != nil {
		t.Fatal(err)
	}
	// 2 late invoices: 2 × 40 = 80; interest 9.99 + 1.66 = 11.65; total 91.65.
	for name, got := range map[string]decimal.Decimal{"indemnity": c.Indemnity, "interest": c.Interest, "total": c.Total} {
		want := map[string]string{"indemnity": "80", "interest": "11.65", "total": "91.65"}[name]
		if !got.Equal(dec(want)) {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	if len(c.Lines) != 2 || c.Lines[0].Invoice != "FA1" || c.Lines[1].Invoice != "FA4" {
		t.Fatalf("lines %+v, want FA1 and FA4", c.Lines)
	}
	if c.Lines[0].DaysLate != 30 || !c.Lines[0].Interest.Equal(dec("9.99")) || !c.Lines[0].Indemnity.Equal(dec("40")) {
		t.Errorf("FA1 claim %+v", c.Lines[0])
	}

	// Individuals owe neither the indemnity nor L. 441-10 penalties.
	c, err = Compute(lines, false, on, table)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Total.IsZero() || !c.Indemnity.IsZero() || !c.Interest.IsZero() || len(c.Lines) != 0 {
		t.Errorf("individual: claim %+v, want nothing", c)
	}

	// A missing rate names the invoice and the half-year.
	_, err = Compute(lines, true, d("2026-07-02"), table)
	if err == nil || !errors.Is(err, ErrNoRate) || !strings.Contains(err.Error(), "FA1") || !strings.Contains(err.Error(), "second half of 2026") {
		t.Errorf("error %v: want ErrNoRate naming FA1 and the second half of 2026", err)
	}
}

func TestComputeWithGapsKeepsTheIndemnity(t *testing.T) {
	table := RateTable{{calendar.New(2026, 1, 1), decimal.RequireFromString("2.15")}}
	lines := []Line{
		{Invoice: "FA1", DueDate: calendar.New(2026, 6, 1), Balance: decimal.RequireFromString("1000")},
		{Invoice: "FA2", DueDate: calendar.New(2026, 8, 1), Balance: decimal.RequireFromString("500")},
		{Invoice: "FA2", DueDate: calendar.New(2026, 9, 1), Balance: decimal.RequireFromString("500")},  // second instalment
		{Invoice: "FA3", DueDate: calendar.New(2026, 12, 1), Balance: decimal.RequireFromString("500")}, // not late
	}
	c := ComputeWithGaps(lines, true, calendar.New(2026, 11, 30), table)
	if !c.Indemnity.Equal(decimal.NewFromInt(80)) {
		t.Errorf("indemnity %s, want 80 (FA1 and FA2 once)", c.Indemnity)
	}
	if !c.Interest.IsZero() || len(c.Missing) != 1 || !strings.Contains(c.Missing[0], "second half of 2026") {
		t.Errorf("interest %s, missing %q: want 0 and the second half of 2026 named once", c.Interest, c.Missing)
	}
	if b := ComputeWithGaps(lines, false, calendar.New(2026, 11, 30), table); !b.Total.IsZero() || len(b.Lines) != 0 {
		t.Errorf("an individual owes %s", b.Total)
	}
	full := ComputeWithGaps(lines[:1], true, calendar.New(2026, 6, 30), table)
	if len(full.Missing) != 0 || !full.Interest.IsPositive() {
		t.Errorf("with every rate: interest %s, missing %q", full.Interest, full.Missing)
	}
}
