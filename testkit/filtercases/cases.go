// Package filtercases holds invoice filters that the three doors (the
// command line's flags, the API's query, the web app's form) must read
// alike: each door's tests read every case under its own names and check
// that the door selects what the case wants (actions.ParseFilter).
package filtercases

import (
	"net/url"

	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// Company is the company of every case: the demo company, whose ladder is
// R1, R2, R3, MED.
const Company = "DEMO"

// Case is a filter given by its parameters (name, value; the company
// apart) and what it selects.
type Case struct {
	Name   string
	Params [][2]string
	Want   store.InvoiceFilter // the fields Selection keeps
}

func amount(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// Cases are the filters every door reads.
var Cases = []Case{
	{"nothing", nil, store.InvoiceFilter{Company: Company}},
	{"a tab", [][2]string{{"tab", "R2"}}, store.InvoiceFilter{Company: Company, Tab: "R2"}},
	{"held tab", [][2]string{{"tab", "held"}}, store.InvoiceFilter{Company: Company, Tab: store.TabHeld}},
	{"levels and status", [][2]string{{"level", "r1"}, {"next-level", "R2"}, {"status", "Paused"}},
		store.InvoiceFilter{Company: Company, Level: "R1", NextLevel: "R2", Status: "paused"}},
	{"customer side", [][2]string{{"customer", "CLI0009"}, {"family", "GROS"}, {"sales-rep", "JD"}, {"payment-method", "VIR"}},
		store.InvoiceFilter{Company: Company, Customer: "CLI0009", Family: "GROS", SalesRep: "JD", PaymentMethod: "VIR"}},
	{"overdue and credit", [][2]string{{"overdue-days", "30"}, {"over-credit-limit", "true"}, {"available-credit-below", "5000"}},
		store.InvoiceFilter{Company: Company, OverdueDays: 30, OverCreditLimit: true, AvailableCreditBelow: amount("5000")}},
	{"bounds", [][2]string{{"overdue-days", "36500"}}, store.InvoiceFilter{Company: Company, OverdueDays: 36500}},
}

// Refused are parameters every door refuses (the API and the command line
// answer an error, the web app leaves the filter out and says why).
var Refused = [][2]string{
	{"overdue-days", "-1"}, {"overdue-days", "36501"}, {"overdue-days", "abc"}, {"tab", "ZZ"}, {"level", "R9"},
	{"status", "asleep"}, {"over-credit-limit", "maybe"}, {"available-credit-below", "x"},
}

// APINames and WebNames are the older names of the API's query and of the
// web form, still read.
var (
	APINames = map[string]string{"next-level": "nextLevel", "sales-rep": "salesRep", "payment-method": "paymentMethod",
		"overdue-days": "overdueDays", "over-credit-limit": "overCreditLimit", "available-credit-below": "availableCreditBelow"}
	WebNames = map[string]string{"sales-rep": "rep", "payment-method": "method", "overdue-days": "overdue",
		"over-credit-limit": "overcredit", "available-credit-below": "avail"}
)

// Query returns params as a query, each under names[name] when it has one
// (nil: the parameters' names).
func Query(params [][2]string, names map[string]string) url.Values {
	q := url.Values{}
	for _, p := range params {
		k := p[0]
		if n, ok := names[k]; ok {
			k = n
		}
		q.Set(k, p[1])
	}
	return q
}

// Args returns params as command-line flags (--name value, or --name
// alone for a yes).
func Args(params [][2]string) []string {
	var out []string
	for _, p := range params {
		if p[0] == "over-credit-limit" && p[1] == "true" {
			out = append(out, "--"+p[0])
			continue
		}
		out = append(out, "--"+p[0], p[1])
	}
	return out
}

// Selection keeps of f what the filter's parameters set (not the door's
// limit, order, paging or clock), for comparing doors.
func Selection(f store.InvoiceFilter) store.InvoiceFilter {
	return store.InvoiceFilter{Company: f.Company, Tab: f.Tab, Level: f.Level, NextLevel: f.NextLevel, Status: f.Status,
		Customer: f.Customer, Family: f.Family, SalesRep: f.SalesRep, PaymentMethod: f.PaymentMethod,
		OverdueDays: f.OverdueDays, OverCreditLimit: f.OverCreditLimit, AvailableCreditBelow: f.AvailableCreditBelow}
}

// Same reports whether a and b select the same invoices (Selection).
func Same(a, b store.InvoiceFilter) bool {
	a, b = Selection(a), Selection(b)
	da, db := a.AvailableCreditBelow, b.AvailableCreditBelow
	a.AvailableCreditBelow, b.AvailableCreditBelow = nil, nil
	if (da == nil) != (db == nil) || da != nil && !da.Equal(*db) {
		return false
	}
	return a == b
}
