package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/facturxtest"
)

// TestBrowserImportPaymentsOnAccountAndFacturX: an admin checks a payments
// on account file (a bad row explained in French) and two PDFs (one
// Factur-X, one scan) on the imports page, imports what is good, and finds
// the payment on account on the customer record, deducted.
func TestBrowserImportPaymentsOnAccountAndFacturX(t *testing.T) {
	t.Parallel()
	wd := newWorld(t)
	ctx := context.Background()
	const co = "IMPW"
	today := calendar.Of(time.Now().In(paris))
	if _, err := demo.Load(ctx, wd.st, demo.Options{Today: today, Code: co, EmailDomain: "impw.example.com"}); err != nil {
		t.Fatal(err)
	}
	wd.user(t, "alice", store.RoleAdmin, co)
	dir := t.TempDir()
	put := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	csv := put("acomptes.csv", []byte("reference;customer;amount;paid_on;currency;method;closed\n"+
		"ACP-2026-014;CLI0004;500,00;"+today.AddDays(-3).French()+";EUR;virement;non\n"+
		"ACP-2026-015;CLI0009;12,345;"+today.AddDays(-2).French()+";EUR;chèque;\n"))
	fx := put("FX-2026-001.pdf", facturxtest.PDF(t, facturxtest.Invoice{Number: "FX-2026-001", BuyerID: "CLI-FX1",
		BuyerName: "Boulangerie Martin", Email: "compta@boulangerie-martin.example", Total: "1200.00", DuePay: "1150.50"}))
	scan := put("scan.pdf", facturxtest.Plain(t, "Facture scannée"))

	b := wd.browser(t)
	b.signIn("alice")
	b.open("/c/"+co+"/admin/import", "#uploadform")
	b.run("show the columns", chromedp.Click(css(`#uploadform details summary`)))
	b.screenshot("import-01-page")
	b.step("check the files", "#doimport",
		chromedp.SetUploadFiles(css("#onaccount-file"), []string{csv}),
		chromedp.SetUploadFiles(css("#facturx-files"), []string{fx, scan}),
		chromedp.Click(css("#upload")))
	if got := b.text(`[data-file="onaccount"] tr.problem-row[data-line="3"]`); !strings.Contains(got, "plus de deux décimales") {
		t.Errorf("line 3 not explained: %q", got)
	}
	if got := b.text(`[data-file="facturx"]`); !strings.Contains(got, "FX-2026-001") || !strings.Contains(got, "aucun fichier joint au PDF") {
		t.Errorf("Factur-X report: %q", got)
	}
	b.screenshot("import-02-before")
	b.step("import", "#scan", chromedp.Click(css("#doimport")))
	if got := b.text(`[data-file="facturx"] .totals`); !strings.Contains(got, "Importées 1") {
		t.Errorf("Factur-X after import: %q", got)
	}
	b.screenshot("import-03-after")
	b.open("/c/"+co+"/customers/CLI0004", "#on-account")
	if row := b.text(`tr[data-ref="ACP-2026-014"]`); !strings.Contains(row, "Import CSV") || !strings.Contains(b.text("#unapplied"), "500,00") {
		t.Errorf("payment on account on the record: %q", row)
	}
	b.screenshot("import-04-customer")
}
