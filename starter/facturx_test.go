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
	"github.com/relance/relance/testkit/facturxtest"
)

// TestFacturXCommand: `starter facturx` imports the Factur-X PDFs named
// (a PDF made here), says per file what it did or why not (a PDF without
// an invoice, a missing file, a buyer without identifier), and a second
// run of the same file changes nothing.
func TestFacturXCommand(t *testing.T) {
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // no workflow to tell: a new invoice has none
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("fx-2026-001.pdf", facturxtest.PDF(t, facturxtest.Invoice{Number: "FX-2026-001", BuyerID: "CLI-FX1",
		BuyerName: "Boulangerie Martin", Email: "compta@boulangerie-martin.example", Total: "1200.00", DuePay: "1150.50"}))
	plain := write("scan.pdf", facturxtest.Plain(t, "Facture FX-2026-002"))
	noBuyer := write("fx-2026-003.pdf", facturxtest.PDF(t, facturxtest.Invoice{Number: "FX-2026-003", BuyerName: "Sans Code", Total: "50.00"}))

	var out bytes.Buffer
	err := dispatch(ctx, []string{"facturx", "--company", "DEMO", good, plain, noBuyer, filepath.Join(dir, "missing.pdf")}, &out)
	if err == nil || !strings.Contains(err.Error(), "3 file(s) not imported: scan.pdf, fx-2026-003.pdf, missing.pdf") {
		t.Errorf("err = %v", err)
	}
	for _, want := range []string{
		"fx-2026-001.pdf: invoice FX-2026-001 created, customer CLI-FX1 (new customer), 1200.00 EUR, balance 1150.50, due 2026-12-02",
		"scan.pdf: not imported: not a Factur-X invoice: no factur-x.xml embedded",
		"fx-2026-003.pdf: not imported: invoice FX-2026-003: the buyer has no identifier",
		"missing.pdf: not imported: stat ", "1 of 4 file(s) imported",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	inv, err := st.LoadInvoice(ctx, "DEMO", "FX-2026-001")
	if err != nil || inv.Balance.StringFixed(2) != "1150.50" || inv.Customer != "CLI-FX1" {
		t.Fatalf("invoice %+v (%v)", inv, err)
	}
	var pdf []byte
	if err := st.Pool.QueryRow(ctx, `SELECT pdf FROM invoices WHERE number = 'FX-2026-001'`).Scan(&pdf); err != nil || len(pdf) == 0 {
		t.Errorf("the PDF is not kept (%v)", err)
	}

	// Again: nothing changes. The buyer without identifier, with --customer.
	out.Reset()
	if err := dispatch(ctx, []string{"facturx", "--company", "DEMO", good}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "invoice FX-2026-001 updated, customer CLI-FX1, 1200.00 EUR, balance 1150.50") {
		t.Errorf("second run:\n%s", out.String())
	}
	out.Reset()
	if err := dispatch(ctx, []string{"facturx", "--company", "DEMO", "--customer", "CLI0004", noBuyer}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "fx-2026-003.pdf: invoice FX-2026-003 created, customer CLI0004,") {
		t.Errorf("--customer not used:\n%s", out.String())
	}
	again, _ := st.LoadInvoice(ctx, "DEMO", "FX-2026-001")
	if !again.Balance.Equal(inv.Balance) {
		t.Errorf("the second run changed the balance: %s", again.Balance)
	}
	if err := dispatch(ctx, []string{"facturx", "--company", "DEMO"}, &out); err == nil || !strings.Contains(err.Error(), "expected \"<file> ...\"") {
		t.Errorf("no file: %v", err)
	}
}
