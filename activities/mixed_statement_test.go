package activities_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// TestMixedStatementAddsUp: 1 000 + 500 overdue, 700 not yet due, a credit
// note of 300 and 100 paid on account. The balance column above the total
// adds up to the total (1 100); the item not yet due is listed after it
// under a heading saying it is left out; the opening sentence names the
// credit note and the payment on account.
func TestMixedStatementAddsUp(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "MIXD")
	ctx := context.Background()
	f.customer(t, "CLI1", "MIXTE SARL")
	on := calendar.New(2026, 11, 24)
	dec := decimal.RequireFromString
	for _, in := range []store.NewInvoice{
		{Number: "FA1", DueDate: on.AddDays(-40), Amount: dec("1000"), Balance: dec("1000")},
		{Number: "FA2", DueDate: on.AddDays(-10), Amount: dec("500"), Balance: dec("500")},
		{Number: "FA3", DueDate: on.AddDays(24), Amount: dec("700"), Balance: dec("700")},
		{Number: "FA4", DueDate: on.AddDays(-30), Amount: dec("200"), Balance: dec("200")},
		{Number: "AV1", Kind: "credit_note", Amount: dec("-300"), Balance: dec("-300")},
	} {
		in.Customer, in.IssueDate = "CLI1", on.AddDays(-60)
		if in.Kind == "credit_note" {
			in.DueDate = on.AddDays(-20)
		}
		if _, err := f.st.UpsertInvoice(ctx, f.company.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	fa4, _ := f.st.InvoiceID(ctx, f.company.Code, "FA4")
	if _, err := f.st.RecordPayment(ctx, fa4, paymentOf("P-300", "300")); err != nil { // 100 on account
		t.Fatal(err)
	}
	res := f.statement(t, "CLI1", on, f.item(t, "FA1", "R2", 0), f.item(t, "FA2", "R1", 0))
	if len(res) != 2 || len(f.box.sent) != 1 {
		t.Fatalf("results %+v", res)
	}
	text := pdfText(t, f.box.sent[0].Attachments[0].Data)
	if dir := os.Getenv("RELANCE_SCREENSHOTS"); dir != "" { // to look at it
		_ = os.WriteFile(filepath.Join(dir, "mixed-statement.pdf"), f.box.sent[0].Attachments[0].Data, 0o644)
	}
	flatText := strings.Join(strings.Fields(text), " ")
	total := strings.Index(flatText, "Total ")
	upcoming := strings.Index(flatText, "à échoir (non compris dans le total)")
	if total < 0 || upcoming < total || strings.Index(flatText, "FA3") < upcoming {
		t.Fatalf("FA3 must come after the total under its heading:\n%s", text)
	}
	// Every balance printed before the total adds up to it.
	rows := regexp.MustCompile(`(?:FA\d|AV\d|Trop-perçu)[^€]*?€ (-?[\d ,]+) €`).FindAllStringSubmatch(flatText[:total], -1)
	sum := decimal.Zero
	for _, r := range rows {
		sum = sum.Add(dec(strings.ReplaceAll(strings.ReplaceAll(r[1], " ", ""), ",", ".")))
	}
	if len(rows) != 4 || !sum.Equal(dec("1100")) || !strings.Contains(flat(flatText[total:]), "1100,00€") {
		t.Errorf("%d rows before the total adding up to %s, want 4 rows and 1 100,00 €:\n%s", len(rows), sum, text)
	}
	if !strings.Contains(flatText, "avoir AV1 déduit, ainsi que 100,00 € de paiement non affecté") {
		t.Errorf("the opening sentence does not name the credit note and the payment on account:\n%s", text)
	}
	if html := f.box.sent[0].HTML; strings.Index(html, "FA3") < strings.Index(html, "non compris dans le total") {
		t.Errorf("the e-mail lists FA3 before the heading of the items not yet due")
	}
}
