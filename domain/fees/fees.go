// Package fees computes what French law lets a creditor claim from a
// business customer who pays late, on top of the invoices themselves:
//
//   - the fixed recovery indemnity (indemnité forfaitaire pour frais de
//     recouvrement, Code de commerce art. D. 441-5): 40 EUR per invoice
//     paid late, business customers only;
//   - late-payment penalties (art. L. 441-10 II): the ECB main refinancing
//     rate + 10 percentage points, the rate for January-June being the one
//     in force on 1 January and the rate for July-December the one in
//     force on 1 July; simple interest, actual days / 365.
//
// Individuals (consumers) owe neither: they only owe interest at the legal
// rate after a formal notice (Code civil art. 1344-1), which this package
// does not compute.
//
// Amounts are exact decimals; the interest of each invoice is rounded to the
// cent (half away from zero, i.e. half-up for the positive amounts claimed)
// once, at the end.
package fees

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// IndemnityPerInvoice is the fixed recovery indemnity owed by a business
// customer for each invoice paid late (D. 441-5): 40 EUR.
var IndemnityPerInvoice = decimal.NewFromInt(40)

// PenaltyMargin is added to the ECB rate to get the late-payment penalty
// rate (L. 441-10 II): 10 percentage points.
var PenaltyMargin = decimal.NewFromInt(10)

// DayCount is the number of days of the year interest is divided by: the
// computation is actual days / 365, leap years included.
const DayCount = 365

// ErrNoRate is returned (wrapped) when the rate table has no ECB rate for a
// half-year the computation needs.
var ErrNoRate = errors.New("no ECB rate")

// Rate is the ECB main refinancing rate in force on From, in percent
// (4.50 means 4.50 %). From is 1 January or 1 July: the day whose rate
// applies to the whole half-year.
type Rate struct {
	From calendar.Date
	ECB  decimal.Decimal
}

// RateTable is the list of ECB rates in force at the start of each
// half-year, in any order.
type RateTable []Rate

// HalfYearStart returns 1 January or 1 July of d's half-year.
func HalfYearStart(d calendar.Date) calendar.Date {
	if d.Month >= time.July {
		return calendar.New(d.Year, time.July, 1)
	}
	return calendar.New(d.Year, time.January, 1)
}

// halfYearEnd returns 30 June or 31 December of d's half-year.
func halfYearEnd(d calendar.Date) calendar.Date {
	if d.Month >= time.July {
		return calendar.New(d.Year, time.December, 31)
	}
	return calendar.New(d.Year, time.June, 30)
}

// HalfYearName names d's half-year for messages: "first half of 2026
// (from 2026-01-01)" or "second half of 2026 (from 2026-07-01)".
func HalfYearName(d calendar.Date) string {
	start := HalfYearStart(d)
	half := "first"
	if start.Month == time.July {
		half = "second"
	}
	return fmt.Sprintf("%s half of %d (from %s)", half, start.Year, start)
}

// ECBOn returns the ECB rate that applies on day d: the one in force on the
// first day (1 January or 1 July) of d's half-year. It fails, naming the
// half-year and wrapping ErrNoRate, when t has no rate for that day.
func (t RateTable) ECBOn(d calendar.Date) (decimal.Decimal, error) {
	start := HalfYearStart(d)
	for _, r := range t {
		if r.From == start {
			return r.ECB, nil
		}
	}
	return decimal.Decimal{}, fmt.Errorf("%w for the %s: add the rate in force on %s", ErrNoRate, HalfYearName(d), start)
}

// RateOn returns the late-payment penalty rate, in percent, that applies on
// day d: the ECB rate of d's half-year (see ECBOn) + PenaltyMargin.
func (t RateTable) RateOn(d calendar.Date) (decimal.Decimal, error) {
	ecb, err := t.ECBOn(d)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return ecb.Add(PenaltyMargin), nil
}

// Sorted returns a copy of t ordered by date, oldest first.
func (t RateTable) Sorted() RateTable {
	s := append(RateTable(nil), t...)
	sort.Slice(s, func(i, j int) bool { return s[i].From.Before(s[j].From) })
	return s
}

// Period is one slice of an interest computation, inside one half-year.
type Period struct {
	From   calendar.Date   // first day counted
	To     calendar.Date   // last day counted (inclusive)
	Days   int             // To - From + 1
	Rate   decimal.Decimal // penalty rate in percent (ECB + 10)
	Amount decimal.Decimal // Balance × Rate/100 × Days/365, not rounded
}

// Interest returns the late-payment penalties on balance for an invoice due
// on due, counted from the day after due to until inclusive, rounded to the
// cent, and the half-year periods that show the computation. Nothing is
// owed (zero, no periods) when balance is not positive or until is not
// after due. It fails when t has no rate for one of the half-years.
func Interest(balance decimal.Decimal, due, until calendar.Date, t RateTable) (decimal.Decimal, []Period, error) {
	if !balance.IsPositive() || !until.After(due) {
		return decimal.Zero, nil, nil
	}
	var periods []Period
	sum := decimal.Zero // Σ balance × rate × days, divided once at the end
	for from := due.AddDays(1); !from.After(until); {
		to := halfYearEnd(from)
		if to.After(until) {
			to = until
		}
		rate, err := t.RateOn(from)
		if err != nil {
			return decimal.Decimal{}, nil, fmt.Errorf("interest from %s to %s: %w", due.AddDays(1), until, err)
		}
		days := to.DaysSince(from) + 1
		n := balance.Mul(rate).Mul(decimal.NewFromInt(int64(days)))
		sum = sum.Add(n)
		periods = append(periods, Period{
			From: from, To: to, Days: days, Rate: rate,
			Amount: n.Div(decimal.NewFromInt(100 * DayCount)),
		})
		from = to.AddDays(1)
	}
	return sum.Div(decimal.NewFromInt(100 * DayCount)).Round(2), periods, nil
}

// Indemnity returns the fixed recovery indemnity for lateInvoices invoices
// paid late: 40 EUR each for a business customer, nothing for an
// individual (or for a count below one).
func Indemnity(lateInvoices int, business bool) decimal.Decimal {
	if !business || lateInvoices <= 0 {
		return decimal.Zero
	}
	return IndemnityPerInvoice.Mul(decimal.NewFromInt(int64(lateInvoices)))
}

// Line is one invoice a claim is computed on.
type Line struct {
	Invoice string          // invoice number, for display
	DueDate calendar.Date   // due date
	Balance decimal.Decimal // balance still due
}

// LineClaim is what is claimed on one late invoice.
type LineClaim struct {
	Invoice   string
	DueDate   calendar.Date
	Balance   decimal.Decimal
	DaysLate  int             // days from the due date to the computation date
	Indemnity decimal.Decimal // 40 EUR (business customers)
	Interest  decimal.Decimal // penalties, rounded to the cent
	Periods   []Period        // how Interest was computed
}

// Claim is what may be claimed from a customer on a given day, on top of
// the balances due.
type Claim struct {
	On        calendar.Date
	Indemnity decimal.Decimal // Σ of the lines' indemnities
	Interest  decimal.Decimal // Σ of the lines' (rounded) interests
	Total     decimal.Decimal // Indemnity + Interest
	Lines     []LineClaim     // one per late invoice, in the order given
}

// Compute returns the fees a customer owes on day on for lines: for each
// invoice with a positive balance whose due date is before on, the fixed
// indemnity and the penalties (see Indemnity and Interest). An individual
// (business false) owes neither: the claim is zero, with no lines. Lines
// not late or with nothing due are left out. It fails when t lacks a rate
// the computation needs, naming the invoice and the half-year.
func Compute(lines []Line, business bool, on calendar.Date, t RateTable) (Claim, error) {
	c := Claim{On: on, Indemnity: decimal.Zero, Interest: decimal.Zero, Total: decimal.Zero}
	if !business {
		return c, nil
	}
	for _, l := range lines {
		if !l.Balance.IsPositive() || l.DueDate.IsZero() || !on.After(l.DueDate) {
			continue
		}
		interest, periods, err := Interest(l.Balance, l.DueDate, on, t)
		if err != nil {
			return Claim{}, fmt.Errorf("invoice %s: %w", l.Invoice, err)
		}
		lc := LineClaim{
			Invoice: l.Invoice, DueDate: l.DueDate, Balance: l.Balance,
			DaysLate: on.DaysSince(l.DueDate), Indemnity: Indemnity(1, true),
			Interest: interest, Periods: periods,
		}
		c.Lines = append(c.Lines, lc)
		c.Indemnity = c.Indemnity.Add(lc.Indemnity)
		c.Interest = c.Interest.Add(lc.Interest)
	}
	c.Total = c.Indemnity.Add(c.Interest)
	return c, nil
}

// ClaimWithGaps is what ComputeWithGaps returns: the claim, and the
// half-years whose ECB rate is missing (their penalties are left out).
type ClaimWithGaps struct {
	Claim
	// Missing says, per missing half-year, which rate to add ("no ECB
	// rate for the second half of 2026 (from 2026-07-01): add the rate in
	// force on 2026-07-01"); empty when every rate was there.
	Missing []string
	// MissingFrom is the first day of each half-year Missing names, in
	// the same order.
	MissingFrom []calendar.Date
}

// ComputeWithGaps is Compute that never loses the fixed indemnity: 40 EUR
// per invoice whatever the rate table holds. Lines of the same invoice
// (its instalments) count one indemnity. When a rate is missing, that
// line's penalties are zero and Missing says which half-year to add, so
// the caller can show it as a warning before sending.
func ComputeWithGaps(lines []Line, business bool, on calendar.Date, t RateTable) ClaimWithGaps {
	c := ClaimWithGaps{Claim: Claim{On: on, Indemnity: decimal.Zero, Interest: decimal.Zero, Total: decimal.Zero}}
	if !business {
		return c
	}
	seen := map[string]bool{}
	missing := map[string]bool{}
	for _, l := range lines {
		if !l.Balance.IsPositive() || l.DueDate.IsZero() || !on.After(l.DueDate) {
			continue
		}
		interest, periods, err := Interest(l.Balance, l.DueDate, on, t)
		if err != nil {
			interest, periods = decimal.Zero, nil
			// Name each missing half-year once.
			for from := HalfYearStart(l.DueDate.AddDays(1)); !from.After(on); from = halfYearEnd(from).AddDays(1) {
				if _, err := t.ECBOn(from); err != nil && !missing[from.String()] {
					missing[from.String()] = true
					c.Missing = append(c.Missing, err.Error())
					c.MissingFrom = append(c.MissingFrom, from)
				}
			}
		}
		lc := LineClaim{
			Invoice: l.Invoice, DueDate: l.DueDate, Balance: l.Balance,
			DaysLate: on.DaysSince(l.DueDate), Indemnity: decimal.Zero, Interest: interest, Periods: periods,
		}
		if !seen[l.Invoice] {
			seen[l.Invoice] = true
			lc.Indemnity = Indemnity(1, true)
		}
		c.Lines = append(c.Lines, lc)
		c.Indemnity = c.Indemnity.Add(lc.Indemnity)
		c.Interest = c.Interest.Add(lc.Interest)
	}
	c.Total = c.Indemnity.Add(c.Interest)
	return c
}
