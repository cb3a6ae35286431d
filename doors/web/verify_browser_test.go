package web_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/activities"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
)

// TestBrowserDecideUncertainLetter: two statements ended without SES's
// answer and SES never told (« à vérifier »). An operator decides one from
// the letters of the day (« Marquer envoyée »: it went out) and the other
// from its invoice page (« Renvoyer »: it never did), each after a
// confirmation; the ledger records the decision as `starter verify` does,
// under the operator's name, and the audit log has both.
func TestBrowserDecideUncertainLetter(t *testing.T) {
	t.Parallel()
	adminChromium(t)
	st, day, a := previewWorld(t)
	ctx := context.Background()
	co, err := st.CompanyByCode(ctx, "PRV")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, co.ID, store.Customer{Code: "CLI2", Name: "Client Deux", Emails: []string{"compta@cli2.example"},
		AddressLines: []string{"3 rue Haute", "13001 Marseille"}, Kind: "business"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertInvoice(ctx, co.ID, store.NewInvoice{Number: "FB0001", Customer: "CLI2", IssueDate: day.AddDays(-40), DueDate: day.AddDays(-10),
		Amount: decimal.NewFromInt(90), Balance: decimal.NewFromInt(90)}); err != nil {
		t.Fatal(err)
	}
	lad, err := st.Ladder(ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{Store: st, Mailer: &outbox{}, Log: slog.New(slog.DiscardHandler)}
	for _, c := range []struct{ customer, invoice string }{{"CLI1", "FA0002"}, {"CLI2", "FB0001"}} {
		id, _ := st.InvoiceID(ctx, "PRV", c.invoice)
		if _, err := acts.SendStatement(ctx, wire.CustomerLetterRequest{Key: "letters/PRV/" + c.customer + "/" + day.String(), Company: "PRV",
			Customer: c.customer, Date: day, Items: []wire.LetterItem{{InvoiceID: id, Invoice: c.invoice, Level: lad[0], Sequence: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	// Both sends ended without SES's answer.
	if _, err := st.Pool.Exec(ctx, `UPDATE customer_letters SET status = 'uncertain', error = 'interrupted while sending'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE letters SET status = 'uncertain', sent_at = NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE customer_letters SET sent_at = NULL`); err != nil {
		t.Fatal(err)
	}
	refOf := func(customer string) string {
		var ref string
		if err := st.Pool.QueryRow(ctx, `SELECT c.reference FROM customer_letters c JOIN customers cu ON cu.id = c.customer_id WHERE cu.code = $1`, customer).Scan(&ref); err != nil {
			t.Fatal(err)
		}
		return ref
	}
	ref1, ref2 := refOf("CLI1"), refOf("CLI2")

	shot := os.Getenv("RELANCE_SCREENSHOTS")
	if shot == "" {
		shot = filepath.Join(os.TempDir(), "relance-screenshots")
	}
	if err := os.MkdirAll(shot, 0o755); err != nil {
		t.Fatal(err)
	}
	wd := &adminWorld{st: st, base: a.base, shot: shot}
	b := wd.browser(t)
	b.signIn("paul", "mot-de-passe-solide", "main")

	// The letters of the day: both letters to verify, each with its two
	// decisions; « Marquer envoyée » asks for a confirmation first.
	b.open("/c/PRV/letters?date="+day.String(), "#letters")
	if n := b.count(`tr.verify .decide`); n != 2 {
		t.Fatalf("%d letters to decide on the letters of the day, want 2", n)
	}
	sent := `.decide[data-ref="` + ref1 + `"]`
	b.run("ask to mark sent", chromedp.Click(chromedp.CSS(sent+` summary[data-act="verify-sent"]`)),
		chromedp.WaitVisible(chromedp.CSS(sent+` button[data-confirm="verify-sent"]`)))
	if msg := b.text(sent + ` details[open] form p`); !strings.Contains(msg, ref1) || !strings.Contains(msg, "bien partie") {
		t.Errorf("confirmation = %q", msg)
	}
	b.screenshot("verify-01-letters-confirm")
	if st := letterStatus(t, st, ref1); st != store.LetterUncertain {
		t.Fatalf("decided before the confirmation: %s", st)
	}
	b.step("confirm: sent", ".flash", chromedp.Click(chromedp.CSS(sent+` button[data-confirm="verify-sent"]`)))
	if msg := b.text(".flash"); !strings.Contains(msg, "enregistrée envoyée") {
		t.Errorf("flash after « Marquer envoyée » = %q", msg)
	}
	if n := b.count(`tr.verify .decide`); n != 1 {
		t.Errorf("%d letters left to decide, want 1", n)
	}
	b.screenshot("verify-02-letters-decided")

	// The invoice page of the other: « Renvoyer ».
	b.open("/c/PRV/invoices/FB0001", `.decide[data-ref="`+ref2+`"]`)
	b.run("ask to send again", chromedp.Click(chromedp.CSS(`summary[data-act="verify-resend"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[data-confirm="verify-resend"]`)))
	b.screenshot("verify-03-invoice-confirm")
	b.step("confirm: send again", ".flash", chromedp.Click(chromedp.CSS(`button[data-confirm="verify-resend"]`)))
	if msg := b.text(".flash"); !strings.Contains(msg, "prochain relevé") {
		t.Errorf("flash after « Renvoyer » = %q", msg)
	}
	if n := b.count(`.decide`); n != 0 {
		t.Errorf("the invoice page still offers a decision")
	}
	b.screenshot("verify-04-invoice-decided")

	// The ledger: as `starter verify sent|resend` records it.
	for _, c := range []struct{ ref, status string }{{ref1, store.LetterSent}, {ref2, store.LetterFailed}} {
		var status, resolution string
		var rows int
		if err := st.Pool.QueryRow(ctx, `
			SELECT c.status, c.resolution, (SELECT count(*) FROM letters l WHERE l.customer_letter_id = c.id AND l.status = c.status)
			FROM customer_letters c WHERE c.reference = $1`, c.ref).Scan(&status, &resolution, &rows); err != nil {
			t.Fatal(err)
		}
		if status != c.status || resolution != store.ResolvedOperator+"paul" || rows != 1 {
			t.Errorf("%s: %s (%s, %d rows alike), want %s by operator:paul", c.ref, status, resolution, rows, c.status)
		}
	}
	var audited int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor = 'paul' AND action IN ('web:verify sent', 'web:verify resend') AND outcome = $1`,
		store.AuditOK).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 2 {
		t.Errorf("%d decisions audited, want 2", audited)
	}

	// The same decision again (another tab): refused, nothing changes.
	a.get("/c/PRV/letters?date=" + day.String())
	if _, page := a.post("/c/PRV/verify/resend", map[string][]string{"reference": {ref1}}); !strings.Contains(page, "plus à vérifier") {
		t.Errorf("a second decision was not refused: %.300s", page)
	}
	if st := letterStatus(t, st, ref1); st != store.LetterSent {
		t.Errorf("a second decision changed the letter: %s", st)
	}
}

func letterStatus(t *testing.T, st *store.Store, ref string) string {
	t.Helper()
	var s string
	if err := st.Pool.QueryRow(context.Background(), `SELECT status FROM customer_letters WHERE reference = $1`, ref).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
