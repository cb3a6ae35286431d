package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

// seedWorld is a company whose customer MIX owes 1 000 + 500 overdue,
// 700 not yet due, has a credit note of 300 and 100 paid on account
// (issue 11's customer): balance 1 800. F1 had its R1 letter sent; F2
// holds the invoice status NPR (so a letter claims 1 000 - 300 - 100 =
// 600); MIX went from R3 to CTX.
func seedWorld(t *testing.T) (*store.Store, calendar.Date, *adminClient) {
	t.Helper()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	day := calendar.Of(time.Now().In(adminParis))
	id, err := st.CreateCompany(ctx, store.Company{Code: "SEED", LegalName: "Graines SAS", SenderEmail: "r@seed.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, id, store.Customer{Code: "MIX", Name: "Client Mixte", Kind: "business"}); err != nil {
		t.Fatal(err)
	}
	dec := decimal.RequireFromString
	for _, in := range []store.NewInvoice{
		{Number: "F1", Customer: "MIX", IssueDate: day.AddDays(-70), DueDate: day.AddDays(-40), Amount: dec("1000"), Balance: dec("1000")},
		{Number: "F2", Customer: "MIX", IssueDate: day.AddDays(-40), DueDate: day.AddDays(-10), Amount: dec("500"), Balance: dec("500")},
		{Number: "F3", Customer: "MIX", IssueDate: day.AddDays(-6), DueDate: day.AddDays(24), Amount: dec("700"), Balance: dec("700")},
		{Number: "F4", Customer: "MIX", IssueDate: day.AddDays(-60), DueDate: day.AddDays(-30), Amount: dec("200"), Balance: dec("200")},
		{Number: "A1", Customer: "MIX", Kind: "credit_note", IssueDate: day.AddDays(-20), DueDate: day.AddDays(-20), Amount: dec("-300"), Balance: dec("-300")},
	} {
		if _, err := st.UpsertInvoice(ctx, id, in); err != nil {
			t.Fatal(err)
		}
	}
	f4, _ := st.InvoiceID(ctx, "SEED", "F4")
	if _, err := st.RecordPayment(ctx, f4, dunning.Payment{ExternalID: "P1", Amount: dec("300"), PaidOn: day.AddDays(-5)}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	dunningAt(t, st, "SEED", "F1", "R1", "R2", now.Add(48*time.Hour))
	dunningAt(t, st, "SEED", "F2", "NONE", "R1", now)
	if _, err := st.Pool.Exec(ctx, `INSERT INTO letters (invoice_id, level_code, sequence, channel, status, sent_at)
		SELECT id, 'R1', 1, 'email', 'sent', now() FROM invoices WHERE number = 'F1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetInvoiceStatus(ctx, "SEED", "F2", "NPR"); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"R3", "CTX"} {
		if _, err := st.SetCustomerStatus(ctx, "SEED", "MIX", code); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.CreateUser(ctx, "paul", "mot-de-passe-solide", store.RoleOperator, []string{"SEED"}); err != nil {
		t.Fatal(err)
	}
	return st, day, newAdminClient(t, st, "paul", "mot-de-passe-solide")
}

// listRow is the HTML of the Relances row of invoice number.
func listRow(t *testing.T, page, number string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr data-invoice="` + regexp.QuoteMeta(number) + `"[^>]*>.*?</tr>`).FindString(page)
	if m == "" {
		t.Fatalf("no row %s in the list", number)
	}
	return m
}

// TestRelancesSeedColumns: the Relances list shows the seeds' columns
// (the credit note as a row with no level nor action, the invoice date,
// "Éditée", "Solde comptable", the invoice's and the customer's statuses
// with the previous one), and the list, its export and the customer
// record give the same balance (Position: credit note and payment on
// account each counted once).
func TestRelancesSeedColumns(t *testing.T) {
	t.Parallel()
	_, day, a := seedWorld(t)
	status, page := a.get("/c/SEED/relances")
	if status != http.StatusOK {
		t.Fatalf("relances: %d", status)
	}
	balance, owed := money.Format(decimal.RequireFromString("1800"), "EUR"), money.Format(decimal.RequireFromString("600"), "EUR")

	credit := listRow(t, page, "A1")
	for _, want := range []string{`class="st- credit"`, `tag credit">avoir<`, money.Format(decimal.RequireFromString("-300"), "EUR")} {
		if !strings.Contains(credit, want) {
			t.Errorf("credit note row lacks %q: %s", want, credit)
		}
	}
	if strings.Contains(credit, `name="inv"`) || strings.Contains(credit, "data-act=") || strings.Contains(credit, "<summary") {
		t.Errorf("credit note row can be ticked or acted on: %s", credit)
	}
	f1 := listRow(t, page, "F1")
	for _, want := range []string{day.AddDays(-70).French(), `aria-label="Lettre de ce niveau éditée"`, balance, `<abbr title="Contentieux">CTX</abbr>`, "client</span> <abbr", "préc. R3"} {
		if !strings.Contains(f1, want) {
			t.Errorf("F1 row lacks %q: %s", want, f1)
		}
	}
	f2 := listRow(t, page, "F2")
	if strings.Contains(f2, "éditée") || !strings.Contains(f2, `<abbr title="Ne pas relancer">NPR</abbr>`) {
		t.Errorf("F2: no letter issued, invoice status NPR: %s", f2)
	}
	// Counted once: in "Tous" (F1, F2, F3, A1), in no level's tab.
	if !regexp.MustCompile(`data-tab=""[^>]*>Tous <span class="count">4</span>`).MatchString(page) {
		t.Errorf("Tous does not count the credit note once: %s", regexp.MustCompile(`(?s)<nav class="tabs".*?</nav>`).FindString(page))
	}
	if _, r1 := a.get("/c/SEED/relances?tab=R1"); strings.Contains(r1, `data-invoice="A1"`) {
		t.Errorf("the credit note is in the R1 tab")
	}
	for _, col := range []string{"Date facture", "Éditée", "Solde comptable", "Statut facture", "Statut client", "Modifier le statut de relance", "Charger nouveaux statuts"} {
		if !strings.Contains(page, col) {
			t.Errorf("the list lacks %q", col)
		}
	}

	// The export: one row per item of the list, the customer's figures
	// on each.
	status, csv := a.get("/c/SEED/export/invoices.csv")
	if status != http.StatusOK {
		t.Fatalf("invoices.csv: %d", status)
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(csv, "\ufeff"), "\r\n"), "\r\n")
	head := strings.Split(lines[0], ";")
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	if len(lines) != 5 {
		t.Fatalf("export has %d rows, want 4:\n%s", len(lines)-1, csv)
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, ";")
		if f[col["Solde comptable"]] != "1800,00" || f[col["Exigible client"]] != "600,00" {
			t.Errorf("export row %s: Solde comptable %s, Exigible %s; want 1800,00 and 600,00", f[1], f[col["Solde comptable"]], f[col["Exigible client"]])
		}
		switch f[1] {
		case "A1":
			if f[col["Type"]] != "Avoir" || f[col["Solde dû"]] != "-300,00" {
				t.Errorf("credit note exported as %q", l)
			}
		case "F1":
			if f[col["Éditée"]] != "oui" || f[col["Statut client"]] != "CTX" || f[col["Statut précédent"]] != "R3" {
				t.Errorf("F1 exported as %q", l)
			}
		case "F2":
			if f[col["Statut facture"]] != "NPR" || f[col["Éditée"]] != "" {
				t.Errorf("F2 exported as %q", l)
			}
		}
	}
	// The customer record says the same.
	_, rec := a.get("/c/SEED/customers/MIX")
	if !strings.Contains(rec, balance) || !strings.Contains(rec, owed) {
		t.Errorf("customer record lacks %q / %q: %s", balance, owed, regexp.MustCompile(`(?s)<dl.*?</dl>`).FindString(rec))
	}
}
