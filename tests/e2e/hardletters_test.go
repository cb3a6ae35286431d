package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letterbatch"
	"github.com/shopspring/decimal"
)

// TestHardLettersGoOutOnceAndUnzip sends, through every real piece, the
// letters that used to break: a customer named with an emoji and a
// six-line address, an invoice numbered FA/2026/0042, and a customer with
// 60 overdue invoices. Each customer gets exactly one statement, its PDF
// says what it must, and the day's zip of letters unzips with short names.
func TestHardLettersGoOutOnceAndUnzip(t *testing.T) {
	ctx := context.Background()
	const company = "HARD1"
	id, err := st.CreateCompany(ctx, store.Company{Code: company, LegalName: "Négoce Durand & Fils SAS",
		AddressLines: []string{"18 quai de la Tournelle", "75005 Paris"}, City: "Paris",
		SenderEmail: "relances@" + domainOf(company), DemoDaySeconds: 20})
	if err != nil {
		t.Fatal(err)
	}
	oeuvre, grand := "oeuvre@"+domainOf(company), "compta@grand."+domainOf(company)
	customers := []store.Customer{
		{Code: "C-OEUVRE", Name: "Œuvre 🍷 & Fils", Emails: []string{oeuvre}, Kind: "business", AddressLines: []string{
			"Service comptabilité fournisseurs", "Bâtiment B, 3e étage", "Zone d'activités des Grands Champs",
			"12 avenue du Général de Gaulle", "BP 4521", "75011 Paris"}},
		{Code: "C-GRAND", Name: "Grand Compte Distribution SA", Emails: []string{grand}, Kind: "business",
			AddressLines: []string{"1 place de la Bourse", "69002 Lyon"}},
	}
	for _, c := range customers {
		if _, err := st.UpsertCustomer(ctx, id, c); err != nil {
			t.Fatal(err)
		}
	}
	invoice := func(number, customer string, dueDays int, amount string) {
		t.Helper()
		a := decimal.RequireFromString(amount)
		if _, err := st.UpsertInvoice(ctx, id, store.NewInvoice{Number: number, Customer: customer,
			IssueDate: today.AddDays(dueDays - 30), DueDate: today.AddDays(dueDays), Amount: a, Balance: a}); err != nil {
			t.Fatal(err)
		}
	}
	invoice("FA/2026/0042", "C-OEUVRE", -20, "1250.00")
	for i := range 60 {
		invoice(fmt.Sprintf("FG2026-%04d", i+1), "C-GRAND", -10-i, fmt.Sprintf("%d.%02d", 100+i*7, i))
	}
	defer terminateCompany(t, company)
	rep, err := scan.Run(ctx, st, tc, company, today, slog.Default())
	if err != nil || rep.StartedCount != 61 {
		t.Fatalf("scan %+v %v, want 61 invoices started", rep, err)
	}
	eventually(t, 90*time.Second, "the statements of both customers", func() bool {
		return mailsTo(t, oeuvre) > 0 && mailsTo(t, grand) > 0
	})
	// Every hand-in reached the statement within its window (half a demo
	// day: 10 s, so that 61 workflows hand in on a loaded machine); a
	// second statement could only come a demo day later, and a resent one
	// at once.
	time.Sleep(3 * time.Second)
	if n, m := mailsTo(t, oeuvre), mailsTo(t, grand); n != 1 || m != 1 {
		t.Errorf("letters received: %d for Œuvre, %d for Grand Compte; want one statement each", n, m)
	}
	msgs, err := emu.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if len(m.To) != 1 || len(m.Attachments) == 0 {
			continue
		}
		text := pdfText(t, m.Attachments[0].Data)
		switch m.To[0] {
		case oeuvre:
			for _, want := range []string{"FA/2026/0042", "Œuvre", "Fils", "75011 Paris"} {
				if !strings.Contains(text, want) {
					t.Errorf("Œuvre's letter lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "🍷") {
				t.Errorf("the emoji reached the PDF (the font lacks it)")
			}
		case grand:
			for i := range 60 {
				if n := fmt.Sprintf("FG2026-%04d", i+1); !strings.Contains(text, n) {
					t.Errorf("Grand Compte's letter lacks %s", n)
				}
			}
		}
	}

	letters, err := st.LettersOn(ctx, company, today, "")
	if err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(t.TempDir(), "letters.zip")
	var buf bytes.Buffer
	if err := letterbatch.Zip(&buf, letters); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("unzip", "-Z1", zipPath).CombinedOutput()
	if err != nil {
		t.Fatalf("unzip -Z1: %v\n%s", err, out)
	}
	names := strings.Fields(string(out))
	if len(names) != 2 {
		t.Errorf("zip holds %v, want the two statements", names)
	}
	for _, n := range names {
		if len(n) > 80 || strings.ContainsAny(n, "/\\ ") {
			t.Errorf("file name %q is not short and safe", n)
		}
	}
	if out, err := exec.Command("unzip", "-q", zipPath, "-d", t.TempDir()).CombinedOutput(); err != nil {
		t.Errorf("unzip: %v\n%s", err, out)
	}
}
