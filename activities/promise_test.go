package activities_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
)

// TestBrokenPromiseOpensTheNextLetter: the customer promised on its page
// to pay FA001 by 30 November; on 7 December FA001 is still owed: the
// statement's opening says so (PDF, text, HTML), in French, and in English
// for an English customer. The letter after it does not say it again.
func TestBrokenPromiseOpensTheNextLetter(t *testing.T) {
	t.Parallel()
	f := customerSideFixture(t)
	ctx := context.Background()
	if _, err := f.st.Pool.Exec(ctx, `INSERT INTO customer_answers (company_id, customer_id, kind, invoice_ids, until)
		SELECT cu.company_id, cu.id, 'promise', ARRAY(SELECT id FROM invoices WHERE number = 'FA001'), '2026-11-30'
		FROM customers cu WHERE cu.code = 'C001'`); err != nil {
		t.Fatal(err)
	}
	const fr = "Vous vous étiez engagé(e) à régler la facture FA001 au 30/11/2026 ; ce règlement ne nous est pas parvenu."
	f.statement(t, "C001", calendar.New(2026, 12, 7), f.item(t, "FA001", "R1", 0), f.item(t, "FA002", "R1", 0))
	if len(f.box.sent) != 1 {
		t.Fatalf("%d e-mails", len(f.box.sent))
	}
	msg := f.box.sent[0]
	if !strings.Contains(msg.Text, "Madame, Monsieur,\n\n"+fr+"\n\n") {
		t.Errorf("e-mail text does not open with the broken promise:\n%s", msg.Text)
	}
	if !strings.Contains(msg.HTML, `<p class="broken-promise"><strong>Vous vous étiez engagé(e)`) {
		t.Errorf("HTML lacks the broken promise:\n%s", msg.HTML)
	}
	pdf := msg.Attachments[0].Data
	if text := strings.Join(strings.Fields(pdfText(t, pdf)), " "); !strings.Contains(text, fr) {
		t.Errorf("PDF lacks the broken promise:\n%s", text)
	}
	if dir := os.Getenv("RELANCE_SCREENSHOTS"); dir != "" {
		path := filepath.Join(dir, "letter-broken-promise.pdf")
		if err := os.WriteFile(path, pdf, 0o644); err == nil {
			if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", path, filepath.Join(dir, "letter-broken-promise")).CombinedOutput(); err != nil {
				t.Logf("pdftoppm: %v %s", err, out)
			}
		}
	}
	// The next letter (a week later) does not name it again.
	f.statement(t, "C001", calendar.New(2026, 12, 14), f.item(t, "FA001", "R2", 0))
	if len(f.box.sent) != 2 || strings.Contains(f.box.sent[1].Text, "engagé") {
		t.Errorf("second letter names the promise again:\n%s", f.box.sent[len(f.box.sent)-1].Text)
	}
	// In English for an English customer.
	if _, err := f.st.Pool.Exec(ctx, `UPDATE customers SET language = 'en' WHERE code = 'C001';
		UPDATE customer_answers SET until = '2026-12-15'`); err != nil {
		t.Fatal(err)
	}
	f.statement(t, "C001", calendar.New(2026, 12, 21), f.item(t, "FA001", "R3", 0))
	if last := f.box.sent[len(f.box.sent)-1]; !strings.Contains(last.Text, "You had undertaken to pay invoice FA001 by 15/12/2026; we have not received this payment.") {
		t.Errorf("English letter:\n%s", last.Text)
	}
}
