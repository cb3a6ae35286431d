package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/calendar"
	"github.com/relance/relance/dbtest"
	"github.com/relance/relance/demo"
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
	if !strings.Contains(out.String(), `line 3 (FX2): amount: amount "abc" is not a number`) || !strings.Contains(out.String(), "invoices: 1 imported, 1 refused") {
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
	if err := dispatch(ctx, []string{"ladder", "set", "--company", "DEMO", "--file", bad}, &out); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("negative delay accepted: %v", err)
	}
}
