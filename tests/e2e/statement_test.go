package e2e

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// TestCielStatementThroughTheRealPieces: seed 000's CLI0009 (INFO
// DEBUTANT) with FA0168, FA0176, FA0184 overdue and the credit note AV0021
// not yet due. Through the real Temporal server, PostgreSQL and the SES
// emulator, the customer receives one R1 statement for the three invoices,
// with four rows and 18 179,14 € owed (the credit note deducted), not
// three letters and not 18 462,34 €.
func TestCielStatementThroughTheRealPieces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company = "STMT1"
	addr := "compta@infodebutant." + domainOf(company)
	id, err := st.CreateCompany(ctx, store.Company{Code: company, LegalName: "Ciel Démo SARL", AddressLines: []string{"1 rue de la Paix", "75002 Paris"},
		City: "Paris", SenderEmail: "relances@" + domainOf(company), DemoDaySeconds: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, id, store.Customer{Code: "CLI0009", Name: "INFO DEBUTANT", Emails: []string{addr},
		AddressLines: []string{"12 rue du Faubourg", "69003 Lyon"}, Kind: "business"}); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		number, kind, balance string
		due                   int // days from today
	}{
		{"FA0168", "invoice", "6019.20", -30}, {"FA0176", "invoice", "5999.14", -30},
		{"FA0184", "invoice", "6444.00", -30}, {"AV0021", "credit_note", "-283.20", 14},
	}
	for _, r := range rows {
		b := decimal.RequireFromString(r.balance)
		if _, err := st.UpsertInvoice(ctx, id, store.NewInvoice{Number: r.number, Customer: "CLI0009", Kind: r.kind,
			IssueDate: today.AddDays(-60), DueDate: today.AddDays(r.due), Amount: b, Balance: b}); err != nil {
			t.Fatal(err)
		}
	}
	defer terminateCompany(t, company)
	rep, err := scan.Run(ctx, st, tc, company, today, slog.Default())
	if err != nil || len(rep.Started) != 3 {
		t.Fatalf("scan %+v %v, want the three invoices started", rep, err)
	}
	eventually(t, 60*time.Second, "the R1 statement of CLI0009", func() bool { return mailsTo(t, addr) > 0 })
	msgs, err := emu.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == addr && strings.HasPrefix(m.Subject, "Relevé") {
			first = append(first, m.Subject)
			text := pdfText(t, m.Attachments[0].Data)
			for _, n := range []string{"FA0168", "FA0176", "FA0184", "AV0021"} {
				if !strings.Contains(text, n) {
					t.Errorf("statement does not list %s:\n%s", n, text)
				}
			}
			flat := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(text)
			if !strings.Contains(flat, "18179,14") || strings.Contains(flat, "18462,34") {
				t.Errorf("statement does not claim 18 179,14 €:\n%s", text)
			}
		}
	}
	if len(first) != 1 {
		t.Errorf("CLI0009 received %d R1 letters %q, want one statement", len(first), first)
	}
}
