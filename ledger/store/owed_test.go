package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

// TestOneDefinitionOfOwed: a customer owing 1 000 + 500 overdue, with 700
// not yet due, a credit note of 300 and 100 paid on account. The letter
// claims 1 100, the customer's balance is 1 800, and the dashboard's aging
// adds up to the customers' balances (credit notes and payments on
// account counted once); the charts read the ledger as it stood on the
// dashboard's date.
func TestOneDefinitionOfOwed(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	day := calendar.Of(time.Now().In(paris))
	id, err := st.CreateCompany(ctx, store.Company{Code: "OWED", LegalName: "Owed SAS", SenderEmail: "r@owed.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"MIX", "OTHER"} {
		if _, err := st.UpsertCustomer(ctx, id, store.Customer{Code: c, Name: "Client " + c, Kind: "business"}); err != nil {
			t.Fatal(err)
		}
	}
	dec := decimal.RequireFromString
	for _, in := range []store.NewInvoice{
		{Number: "F1", Customer: "MIX", IssueDate: day.AddDays(-70), DueDate: day.AddDays(-40), Amount: dec("1000"), Balance: dec("1000")},
		{Number: "F2", Customer: "MIX", IssueDate: day.AddDays(-40), DueDate: day.AddDays(-10), Amount: dec("500"), Balance: dec("500")},
		{Number: "F3", Customer: "MIX", IssueDate: day.AddDays(-6), DueDate: day.AddDays(24), Amount: dec("700"), Balance: dec("700")},
		{Number: "F4", Customer: "MIX", IssueDate: day.AddDays(-60), DueDate: day.AddDays(-30), Amount: dec("200"), Balance: dec("200")},
		{Number: "A1", Customer: "MIX", Kind: "credit_note", IssueDate: day.AddDays(-20), Amount: dec("-300"), Balance: dec("-300")},
		{Number: "G1", Customer: "OTHER", IssueDate: day.AddDays(-130), DueDate: day.AddDays(-100), Amount: dec("250"), Balance: dec("250")},
	} {
		if _, err := st.UpsertInvoice(ctx, id, in); err != nil {
			t.Fatal(err)
		}
	}
	// F4 (200) paid with 300: 100 on account.
	f4, _ := st.InvoiceID(ctx, "OWED", "F4")
	if _, err := st.RecordPayment(ctx, f4, dunning.Payment{ExternalID: "P1", Amount: dec("300"), PaidOn: day.AddDays(-5)}); err != nil {
		t.Fatal(err)
	}

	mix, err := st.CustomerByCode(ctx, "OWED", "MIX")
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := st.StatementOf(ctx, mix.ID, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	pos := stmt.Position(day)
	for name, c := range map[string][2]decimal.Decimal{
		"owed": {pos.Owed, dec("1100")}, "open": {pos.Open, dec("1800")}, "not due": {pos.NotDue, dec("700")},
		"credits": {pos.Credits, dec("-300")}, "unapplied": {pos.Unapplied, dec("100")},
	} {
		if !c[0].Equal(c[1]) {
			t.Errorf("%s = %s, want %s", name, c[0], c[1])
		}
	}

	d, err := st.CompanyDashboard(ctx, "OWED", day)
	if err != nil {
		t.Fatal(err)
	}
	total := decimal.Zero
	for _, b := range d.Aging {
		total = total.Add(b.Amount)
	}
	if want := dec("2050"); !total.Equal(want) { // 1 800 + 250
		t.Errorf("aging adds up to %s, the customers' balances to %s: %+v", total, want, d.Aging)
	}
	if c := d.Aging[len(d.Aging)-1]; c.Label != "credits" || !c.Amount.Equal(dec("-400")) {
		t.Errorf("credits bucket %+v, want -400", c)
	}

	// The levels and the payments after each level on a past day: G1 had
	// its R1 on day-60 and its R2 on day-10 (today's level), F1 its R1 on
	// day-5 and was paid 100 on day-2.
	for _, h := range []struct {
		inv, level string
		at         calendar.Date
	}{{"G1", "R1", day.AddDays(-60)}, {"G1", "R2", day.AddDays(-10)}, {"F1", "R1", day.AddDays(-5)}} {
		if _, err := st.Pool.Exec(ctx, `INSERT INTO history (invoice_id, workflow_id, seq, at, kind, level_code)
			SELECT i.id, 'dunning/OWED/' || i.number, (SELECT count(*) FROM history), $3, 'letter_sent', $2
			FROM invoices i WHERE i.company_id = $4 AND i.number = $1`, h.inv, h.level,
			time.Date(h.at.Year, h.at.Month, h.at.Day, 10, 0, 0, 0, paris), id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE invoices SET dunning_level = CASE number WHEN 'G1' THEN 'R2' ELSE 'R1' END, dunning_status = 'active'
		WHERE company_id = $1 AND number IN ('G1', 'F1')`, id); err != nil {
		t.Fatal(err)
	}
	f1, _ := st.InvoiceID(ctx, "OWED", "F1")
	if _, err := st.RecordPayment(ctx, f1, dunning.Payment{ExternalID: "P2", Amount: dec("100"), PaidOn: day.AddDays(-2)}); err != nil {
		t.Fatal(err)
	}
	level := func(d store.Dashboard, code string) store.LevelTotal {
		for _, l := range d.Levels {
			if l.Level == code {
				return l
			}
		}
		return store.LevelTotal{}
	}
	now, err := st.CompanyDashboard(ctx, "OWED", day)
	if err != nil {
		t.Fatal(err)
	}
	past, err := st.CompanyDashboard(ctx, "OWED", day.AddDays(-20))
	if err != nil {
		t.Fatal(err)
	}
	if l := level(now, "R2"); l.Count != 1 || !l.Amount.Equal(dec("250")) {
		t.Errorf("today R2 = %+v, want G1", l)
	}
	if l := level(now, "R1"); l.Count != 1 || !l.Amount.Equal(dec("900")) {
		t.Errorf("today R1 = %+v, want F1 at 900", l)
	}
	if l := level(past, "R1"); l.Count != 1 || !l.Amount.Equal(dec("250")) {
		t.Errorf("day-20 R1 = %+v, want G1 only (F1's R1 came later)", l)
	}
	if l := level(past, "R2"); l.Count != 0 {
		t.Errorf("day-20 R2 = %+v, want none", l)
	}
	// On day-20, F1 (20 days late, its payment of day-2 added back: 1 000)
	// and F4 (10 days late, paid on day-5: 200) were in the 1-30 bucket;
	// F2 was not yet due, and nothing was on account.
	if b := past.Aging[1]; !b.Amount.Equal(dec("1200")) || b.Count != 2 {
		t.Errorf("day-20 1-30 bucket = %+v, want F1 and F4 as they stood (1 200)", b)
	}
	if b := past.Aging[len(past.Aging)-1]; !b.Amount.Equal(dec("-300")) {
		t.Errorf("day-20 credits = %+v, want A1 only (-300)", b)
	}
	paidAfter := func(d store.Dashboard, code string) int {
		for _, e := range d.AfterLevel {
			if e.Level == code {
				return e.PaidAfter
			}
		}
		return 0
	}
	if paidAfter(now, "R1") != 1 || paidAfter(past, "R1") != 0 {
		t.Errorf("paid after R1: today %d (want 1), day-20 %d (want 0)", paidAfter(now, "R1"), paidAfter(past, "R1"))
	}
}
