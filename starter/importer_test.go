package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/testkit/dbtest"
)

func TestImportAndLadderCommands(t *testing.T) {
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cust := write("c.csv", "code;name;emails\nNEW1;Nouveau Client SARL;compta@nouveau.example.com\n")
	inv := write("i.csv", "number;customer;issue_date;due_date;amount\nFX1;NEW1;01/10/2026;31/10/2026;1 500,00\nFX2;NEW1;01/10/2026;31/10/2026;abc\n")
	var out bytes.Buffer
	err := dispatch(ctx, []string{"import", "--company", "DEMO", "--customers", cust, "--invoices", inv}, &out)
	if err == nil || !strings.Contains(err.Error(), "1 row(s) not imported") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(out.String(), `line 3 (FX2): amount: amount "abc" is not a number`) || !strings.Contains(out.String(), "invoices: 2 rows read: 1 imported, 1 refused, 0 failed") {
		t.Errorf("output:\n%s", out.String())
	}
	if _, err := st.InvoiceID(ctx, "DEMO", "FX1"); err != nil {
		t.Errorf("FX1 not imported: %v", err)
	}

	out.Reset()
	if err := dispatch(ctx, []string{"ladder", "show", "--company", "DEMO"}, &out); err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(out.String(), "R3;3ème relance;15;email;false", "R3;3ème relance;10;email;true", 1)
	if edited == out.String() {
		t.Fatalf("unexpected ladder:\n%s", out.String())
	}
	if err := dispatch(ctx, []string{"ladder", "set", "--company", "DEMO", "--file", write("l.csv", edited)}, &out); err != nil {
		t.Fatal(err)
	}
	inv2, _ := st.LoadInvoice(ctx, "DEMO", "FX1")
	if inv2.Ladder[2].DelayDays != 10 || !inv2.Ladder[2].ClaimFees {
		t.Errorf("ladder after set: %+v", inv2.Ladder[2])
	}
	bad := write("bad.csv", "R1;x;-3;email;false\n")
	if err := dispatch(ctx, []string{"ladder", "set", "--company", "DEMO", "--file", bad}, &out); err == nil || !strings.Contains(err.Error(), "at least 1 day") {
		t.Errorf("negative delay accepted: %v", err)
	}
}

// TestReimportKeepsWhatTheFileDoesNotCarry imports invoices, then a file
// with fewer columns, and checks that nothing it does not carry is erased;
// duplicate numbers, two-digit years and trailing garbage are refused by
// line; --check saves nothing; the report's figures add up.
func TestReimportKeepsWhatTheFileDoesNotCarry(t *testing.T) {
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := dispatch(ctx, append([]string{"import", "--company", "DEMO"}, args...), &out)
		return out.String(), err
	}
	if _, err := run("--customers", write("c.csv", "code;name;emails;family;credit_limit\nNEW1;Nouveau SARL;compta@nouveau.example.com;Négoce;5000\n")); err != nil {
		t.Fatal(err)
	}
	full := "number;customer;issue_date;due_date;amount;balance_due\nFY1;NEW1;01/10/2026;31/10/2026;1 500,00;900,00\n"
	if _, err := run("--invoices", write("i.csv", full)); err != nil {
		t.Fatal(err)
	}
	// A later file without balance_due nor due_date, and a customers file
	// with only code and name.
	if _, err := run("--invoices", write("i2.csv", "number;customer;issue_date;amount\nFY1;NEW1;01/10/2026;1 500,00\n"),
		"--customers", write("c2.csv", "code;name\nNEW1;Nouveau SARL (renamed)\n")); err != nil {
		t.Fatal(err)
	}
	var balance, due, family, emails string
	if err := st.Pool.QueryRow(ctx, `SELECT i.balance_due::text, i.due_date::text, c.family, array_to_string(c.emails, ',')
		FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.number = 'FY1'`).Scan(&balance, &due, &family, &emails); err != nil {
		t.Fatal(err)
	}
	if balance != "900.00" || due != "2026-10-31" || family != "Négoce" || emails != "compta@nouveau.example.com" {
		t.Errorf("re-import erased fields: balance %s, due %s, family %q, emails %q", balance, due, family, emails)
	}

	bad := "number;customer;issue_date;due_date;amount\n" +
		"FY2;NEW1;01/10/2026;31/10/2026;10\n" +
		"FY2;NEW1;01/10/2026;31/10/2026;20\n" +
		"FY3;NEW1;01/10/26;31/10/2026;10\n" +
		"FY4;NEW1;01/10/2026;31/10/2026 12:00;10\n" +
		"FY5;NOBODY;01/10/2026;31/10/2026;10\n"
	out, err := run("--check", "--invoices", write("bad.csv", bad))
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	for _, want := range []string{
		"line 3 (FY2): invoice FY2 already on line 2 of this file",
		`line 4 (FY3): issue date "01/10/26": want DD/MM/YYYY or YYYY-MM-DD (the year must have four digits)`,
		`line 5 (FY4): due date "31/10/2026 12:00"`,
		"invoices: 5 rows read: 2 would be imported, 3 refused (nothing saved)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if _, err := st.InvoiceID(ctx, "DEMO", "FY2"); err == nil {
		t.Errorf("--check saved FY2")
	}
	out, err = run("--invoices", write("bad.csv", bad))
	if err == nil || !strings.Contains(err.Error(), "4 row(s) not imported") {
		t.Errorf("import err = %v", err)
	}
	if !strings.Contains(out, "invoices: 5 rows read: 1 imported, 3 refused, 1 failed") ||
		!strings.Contains(out, "line 6 (FY5): invoice FY5: customer NOBODY is not imported") {
		t.Errorf("import output:\n%s", out)
	}
}
