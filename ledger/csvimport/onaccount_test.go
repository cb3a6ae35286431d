package csvimport_test

import (
	"context"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/csvimport"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/testkit/dbtest"
)

// TestPaymentsOnAccountImportTwiceAndDeducted reads a payments on account
// file with bad rows, imports it twice (nothing doubled), and finds the
// open ones deducted from the customer's statement.
func TestPaymentsOnAccountImportTwiceAndDeducted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23), Code: "POA"}); err != nil {
		t.Fatal(err)
	}
	co, err := st.CompanyByCode(ctx, "POA")
	if err != nil {
		t.Fatal(err)
	}
	in := "reference;customer;amount;paid_on;method;closed\n" +
		"ACPT-1;CLI0009;1 000,50;12/11/2026;virement;\n" +
		"ACPT-2;CLI0009;300;2026-11-13;;oui\n" +
		"ACPT-3;CLI0009;1e309;2026-11-13;;\n" +
		"ACPT-4;CLI0009;-5;2026-11-13;;\n" +
		"ACPT-1;CLI0009;10;2026-11-13;;\n" +
		"ACPT-5;CLI0009;10;13/11/26;;\n" +
		"ACPT-6;NOBODY;10;2026-11-13;;\n"
	f, err := csvimport.ReadPaymentsOnAccount(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"line 4 (ACPT-3): amount: amount 1e+309 is too large (at most 12 digits before the decimal point)",
		"line 5 (ACPT-4): amount -5: a payment on account is not negative",
		"line 6 (ACPT-1): payment on account ACPT-1 already on line 2 of this file",
		`line 7 (ACPT-5): paid_on "13/11/26": want DD/MM/YYYY or YYYY-MM-DD (the year must have four digits)`,
	}
	var got []string
	for _, b := range f.Bad {
		got = append(got, b.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("refused rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for range 2 {
		rep := f.Import(ctx, st, co.ID)
		if rep.Rows != 7 || rep.Imported != 2 || rep.Refused != 4 || rep.Failed != 1 ||
			!strings.Contains(rep.Problems[len(rep.Problems)-1].Error(), "customer NOBODY is not imported") {
			t.Errorf("report %s %v", rep, rep.Problems)
		}
	}
	var n int
	_ = st.Pool.QueryRow(ctx, `SELECT count(*) FROM payments_on_account`).Scan(&n)
	var cust int64
	_ = st.Pool.QueryRow(ctx, `SELECT id FROM customers WHERE company_id = $1 AND code = 'CLI0009'`, co.ID).Scan(&cust)
	stmt, err := st.StatementOf(ctx, cust, "EUR")
	if err != nil || n != 2 || stmt.Unapplied.StringFixed(2) != "1000.50" {
		t.Errorf("%d rows; unapplied %s %v; want 2 rows and 1000.50 (ACPT-2 is closed)", n, stmt.Unapplied, err)
	}
}
