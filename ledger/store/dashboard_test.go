package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

// TestDashboardMatchesHandWrittenSQL builds a small ledger whose figures
// are known, and checks each chart of the dashboard against them and
// against SQL written by hand.
func TestDashboardMatchesHandWrittenSQL(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	on := calendar.New(2026, 11, 23) // a Monday
	id, err := st.CreateCompany(ctx, store.Company{Code: "DASH", LegalName: "Dash SAS", SenderEmail: "r@dash.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"C1", "C2"} {
		if _, err := st.UpsertCustomer(ctx, id, store.Customer{Code: c, Name: "Client " + c}); err != nil {
			t.Fatal(err)
		}
	}
	dec := decimal.RequireFromString
	invoices := []store.NewInvoice{
		// issued in October: 3 200 of sales
		{Number: "F1", Customer: "C1", IssueDate: calendar.New(2026, 10, 1), DueDate: calendar.New(2026, 10, 31), Amount: dec("1200"), Balance: dec("1000")}, // 23 days late, 200 paid
		{Number: "F2", Customer: "C1", IssueDate: calendar.New(2026, 10, 5), DueDate: calendar.New(2026, 8, 1), Amount: dec("2000"), Balance: dec("0")},      // paid
		// issued in November up to the 23rd: 2 300 of sales
		{Number: "F3", Customer: "C2", IssueDate: calendar.New(2026, 11, 2), DueDate: calendar.New(2026, 12, 2), Amount: dec("1300"), Balance: dec("1300")}, // not due
		{Number: "F4", Customer: "C2", IssueDate: calendar.New(2026, 11, 3), DueDate: calendar.New(2026, 7, 1), Amount: dec("1000"), Balance: dec("1000")},  // 145 days late
		{Number: "A1", Customer: "C2", Kind: "credit_note", IssueDate: calendar.New(2026, 11, 4), Amount: dec("-100"), Balance: dec("-100")},
		{Number: "F5", Customer: "C2", IssueDate: calendar.New(2026, 11, 5), DueDate: calendar.New(2026, 9, 10), Amount: dec("50"), Balance: dec("50"), Currency: "USD"},
	}
	ids := map[string]int64{}
	for _, in := range invoices {
		n, err := st.UpsertInvoice(ctx, id, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[in.Number] = n
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := st.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`UPDATE invoices SET dunning_level = 'R1', dunning_status = 'active' WHERE id = $1`, ids["F1"])
	exec(`UPDATE invoices SET dunning_level = 'MED', dunning_status = 'unresolved' WHERE id = $1`, ids["F4"])
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }
	// F2 got R1 then R2 and was paid after R2; F1 got R1 and a part payment.
	exec(`INSERT INTO history (invoice_id, workflow_id, seq, at, kind, level_code) VALUES
		($1, 'w2', 1, $3, 'letter_sent', 'R1'), ($1, 'w2', 2, $4, 'letter_sent', 'R2'),
		($2, 'w1', 1, $3, 'letter_sent', 'R1'), ($5, 'w4', 1, $3, 'letter_sent', 'R1')`,
		ids["F2"], ids["F1"], at(2, 8), at(17, 8), ids["F4"])
	exec(`INSERT INTO payments (external_id, invoice_id, amount, currency, paid_on, recorded_at) VALUES
		('p1', $1, 2000, 'EUR', '2026-11-20', $3), ('p2', $2, 200, 'EUR', '2026-11-10', $4)`,
		ids["F2"], ids["F1"], at(20, 10), at(10, 10))
	// letters: two customer letters sent on the 2nd, one uncertain on the 17th
	exec(`INSERT INTO customer_letters (key, customer_id, channel, status, created_at) VALUES
		('k1', (SELECT id FROM customers WHERE code = 'C1'), 'email', 'sent', $1),
		('k2', (SELECT id FROM customers WHERE code = 'C2'), 'email', 'sent', $1),
		('k3', (SELECT id FROM customers WHERE code = 'C1'), 'email', 'uncertain', $2)`, at(2, 8), at(17, 8))
	if _, err := st.AddCall(ctx, "DASH", "C2", store.NewCall{Author: "marie", Outcome: "promesse", PromisedOn: calendar.New(2026, 11, 27), PromisedAmount: ptr(dec("500"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddCall(ctx, "DASH", "C1", store.NewCall{Author: "marie", Outcome: "promesse", PromisedOn: calendar.New(2026, 12, 4)}); err != nil {
		t.Fatal(err)
	}

	d, err := st.CompanyDashboard(ctx, "DASH", on)
	if err != nil {
		t.Fatal(err)
	}

	// Aging, against the figures and a hand-written query.
	want := map[string]string{"not due": "1300", "1-30": "1000", "31-60": "0", "61-90": "0", "over 90": "1000", "credits": "-100"}
	for _, b := range d.Aging {
		if b.Label == "credits" {
			if !b.Amount.Equal(dec(want[b.Label])) {
				t.Errorf("aging credits = %s, want -100 (A1)", b.Amount)
			}
			continue
		}
		if !b.Amount.Equal(dec(want[b.Label])) {
			t.Errorf("aging %s = %s, want %s", b.Label, b.Amount, want[b.Label])
		}
		var hand decimal.Decimal
		lo, hi := map[string][2]int{"not due": {-100000, 0}, "1-30": {1, 30}, "31-60": {31, 60}, "61-90": {61, 90}, "over 90": {91, 100000}}[b.Label][0],
			map[string][2]int{"not due": {-100000, 0}, "1-30": {1, 30}, "31-60": {31, 60}, "61-90": {61, 90}, "over 90": {91, 100000}}[b.Label][1]
		if err := st.Pool.QueryRow(ctx, `SELECT coalesce(sum(balance_due), 0) FROM invoices
			WHERE company_id = $1 AND kind = 'invoice' AND balance_due > 0 AND currency = 'EUR'
			  AND ('2026-11-23'::date - due_date) BETWEEN $2 AND $3`, id, lo, hi).Scan(&hand); err != nil {
			t.Fatal(err)
		}
		if !hand.Equal(b.Amount) {
			t.Errorf("aging %s = %s, hand SQL says %s", b.Label, b.Amount, hand)
		}
	}
	if d.OtherCurrencies != 1 {
		t.Errorf("other currencies = %d, want 1 (F5 in USD)", d.OtherCurrencies)
	}

	levels := map[string]store.LevelTotal{}
	for _, l := range d.Levels {
		levels[l.Level] = l
	}
	if l := levels["R1"]; l.Count != 1 || !l.Amount.Equal(dec("1000")) {
		t.Errorf("R1 = %+v", l)
	}
	if l := levels["UNRESOLVED"]; l.Count != 1 || !l.Amount.Equal(dec("1000")) {
		t.Errorf("UNRESOLVED = %+v", l)
	}
	if l := levels["NONE"]; l.Count != 1 || !l.Amount.Equal(dec("1300")) {
		t.Errorf("NONE = %+v", l)
	}
	if len(d.Levels) != 6 || d.Levels[0].Level != "NONE" || d.Levels[5].Level != "UNRESOLVED" {
		t.Errorf("levels order: %+v", d.Levels)
	}

	if len(d.Letters) != 30 {
		t.Fatalf("letters: %d days, want 30", len(d.Letters))
	}
	for _, l := range d.Letters {
		switch l.Day {
		case calendar.New(2026, 11, 2):
			if l.Sent != 2 {
				t.Errorf("letters of the 2nd: %+v", l)
			}
		case calendar.New(2026, 11, 17):
			if l.Uncertain != 1 || l.Sent != 0 {
				t.Errorf("letters of the 17th: %+v", l)
			}
		default:
			if l.Sent+l.Uncertain+l.Print+l.Failed+l.Other != 0 {
				t.Errorf("letters of %s: %+v", l.Day, l)
			}
		}
	}

	effects := map[string]store.LevelEffect{}
	for _, e := range d.AfterLevel {
		effects[e.Level] = e
	}
	if e := effects["R1"]; e.Reminded != 3 || e.PaidAfter != 1 || !e.AmountPaid.Equal(dec("200")) {
		t.Errorf("after R1: %+v", e)
	}
	if e := effects["R2"]; e.Reminded != 1 || e.PaidAfter != 1 || !e.AmountPaid.Equal(dec("2000")) {
		t.Errorf("after R2: %+v", e)
	}

	if len(d.Promises) != 1 || d.Promises[0].Customer != "C2" || !d.Promises[0].Amount.Equal(dec("500")) {
		t.Errorf("promises of the week: %+v", d.Promises)
	}

	if len(d.DSO) != 12 {
		t.Fatalf("DSO months: %d", len(d.DSO))
	}
	// On 23 November: receivables 1000 + 1300 + 1000 - 100 = 3200; November
	// sales (2 300) cover 23 days, the remaining 900 are 900/3200 of
	// October's 31 days: 8.7; DSO 31.7 days.
	nov := d.DSO[11]
	if !nov.Receivables.Equal(dec("3200")) || !nov.Days.Equal(dec("31.7")) {
		t.Errorf("DSO November: %+v", nov)
	}
	// On 31 October: F1 (1000 now, 200 paid on 10 November) and F2 (0 now,
	// 2000 paid on 20 November) were owed in full: 3200, October's sales:
	// 31 days.
	oct := d.DSO[10]
	if !oct.Receivables.Equal(dec("3200")) || !oct.Days.Equal(dec("31")) {
		t.Errorf("DSO October: %+v", oct)
	}
}
