package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/facturxtest"
	"github.com/shopspring/decimal"
)

// TestImportPageTakesFacturXPDFs: Factur-X PDFs uploaded on the imports
// page are read before anything is saved (number, customer, amounts; a PDF
// without an invoice explained in French), imported through the feed's
// path (the customer created from the buyer, the PDF kept for the
// letters), and a second import of the same PDF changes nothing.
func TestImportPageTakesFacturXPDFs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.Of(time.Now()), Code: "FXW"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "anne", "mot-de-passe-solide", store.RoleAdmin, []string{"FXW"}); err != nil {
		t.Fatal(err)
	}
	good := facturxtest.PDF(t, facturxtest.Invoice{Number: "FX-W-001", BuyerID: "CLI-FXW", BuyerName: "Boulangerie Martin",
		Email: "compta@boulangerie-martin.example", Total: "1200.00", DuePay: "1150.50"})
	credit := facturxtest.PDF(t, facturxtest.Invoice{TypeCode: "381", Number: "AV-W-001", BuyerID: "CLI0004", BuyerName: "x", Total: "100.00"})
	plain := facturxtest.Plain(t, "Facture sans XML")
	a := newAdminClient(t, st, "anne", "mot-de-passe-solide")
	a.get("/c/FXW/admin/import")
	files := [][3]string{{"facturx", "fx-w-001.pdf", string(good)}, {"facturx", "avoir.pdf", string(credit)}, {"facturx", "scan.pdf", string(plain)}}
	status, body := a.uploadFiles("/c/FXW/admin/import", nil, files)
	for _, want := range []string{"Factures Factur-X", "FX-W-001", "CLI-FXW", "nouveau client", frMoney(decimal.RequireFromString("1200")), "AV-W-001", "avoir",
		"pas une facture Factur-X : aucun fichier joint au PDF", "À importer <b>2</b>", "Refusées <b>1</b>"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("preview (%d) lacks %q:\n%.3000s", status, want, problemsOf(body))
		}
	}
	if _, err := st.InvoiceID(ctx, "FXW", "FX-W-001"); err == nil {
		t.Errorf("the preview imported the invoice")
	}
	form := commitForm(body)
	if n := len(form["facturx"]); n != 2 {
		t.Fatalf("%d PDFs to import, want 2", n)
	}
	status, body = a.post("/c/FXW/admin/import/commit", form)
	if status != http.StatusOK || !strings.Contains(body, "Importées <b>2</b>") || strings.Count(body, "créée") != 2 {
		t.Errorf("import (%d):\n%.3000s", status, problemsOf(body))
	}
	inv, err := st.LoadInvoice(ctx, "FXW", "FX-W-001")
	if err != nil {
		t.Fatal(err)
	}
	if !inv.Balance.Equal(inv.Balance.Round(2)) || inv.Balance.StringFixed(2) != "1150.50" || inv.Customer != "CLI-FXW" {
		t.Errorf("invoice imported as %+v", inv)
	}
	var pdf []byte
	if err := st.Pool.QueryRow(ctx, `SELECT pdf FROM invoices WHERE number = 'FX-W-001'`).Scan(&pdf); err != nil || !bytes.Equal(pdf, good) {
		t.Errorf("the PDF is not kept for the letters (%d bytes, %v)", len(pdf), err)
	}
	c, err := st.CustomerByCode(ctx, "FXW", "CLI-FXW")
	if err != nil || c.Name != "Boulangerie Martin" || len(c.Emails) != 1 {
		t.Errorf("customer created as %+v (%v)", c, err)
	}
	// The same PDF again: updated, nothing changed.
	a.get("/c/FXW/admin/import")
	_, body = a.uploadFiles("/c/FXW/admin/import", nil, files[:1])
	if strings.Contains(body, "nouveau client") {
		t.Errorf("the customer is new again")
	}
	_, body = a.post("/c/FXW/admin/import/commit", commitForm(body))
	if !strings.Contains(body, "mise à jour") {
		t.Errorf("second import:\n%.2000s", problemsOf(body))
	}
	again, _ := st.LoadInvoice(ctx, "FXW", "FX-W-001")
	if !again.Balance.Equal(inv.Balance) || again.Amount.String() != inv.Amount.String() {
		t.Errorf("the second import changed the invoice: %+v", again)
	}
}
