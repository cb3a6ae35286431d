package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
)

// TestBrowserRecordPayment: an operator records a payment on the invoice
// page ("Enregistrer un règlement"): "1,250" is refused (the check of
// every payment entry), the full amount written with a decimal comma ends
// the dunning within seconds; on the customer record a payment goes on
// the customer's account and comes off what the customer owes; a viewer
// sees no form and cannot post one.
func TestBrowserRecordPayment(t *testing.T) {
	t.Parallel()
	wd := newWorld(t)
	ctx := context.Background()
	wd.company(t, "WPAY", 3600, nil)
	wd.user(t, "olivia", store.RoleOperator, "WPAY")
	wd.user(t, "victor", store.RoleViewer, "WPAY")
	b := wd.browser(t)
	b.signIn("olivia")

	b.open("/c/WPAY/invoices/FA0168", "#pay summary")
	pay := func(amount, ref string) string {
		b.t.Helper()
		b.run("open the payment form", chromedp.Click(css("#pay summary")), chromedp.WaitVisible(css(`#pay input[name="amount"]`)))
		acts := []chromedp.Action[chromedp.Void]{chromedp.SendKeys(css(`#pay input[name="amount"]`), amount)}
		if ref != "" {
			acts = append(acts, chromedp.SendKeys(css(`#pay input[name="reference"]`), ref))
		}
		acts = append(acts, chromedp.Click(css("#pay button.primary")))
		b.step("record "+amount, ".flash", acts...)
		return b.text(".flash")
	}
	if msg := pay("1,250", ""); !strings.Contains(msg, "Règlement refusé") || !strings.Contains(msg, "« 1,250 » a plus de deux décimales") {
		t.Errorf("1,250: %q", msg)
	}
	b.screenshot("payment-refused")
	if msg := pay("6019,20", "VIR-77"); !strings.Contains(msg, "Règlement de 6\u202f019,20\u202f€ enregistré sur FA0168 : solde 0,00\u202f€.") {
		t.Errorf("full payment: %q", msg)
	}
	b.screenshot("payment-recorded")
	eventually(t, 20*time.Second, "FA0168's dunning paid", func() bool {
		return strings.HasSuffix(wd.nextLevel(t, "WPAY", "FA0168"), "/"+string(dunning.StatusPaid))
	})

	// On the customer record: a payment on account.
	b.open("/c/WPAY/customers/CLI0009", "#pay summary")
	before := b.text("#open")
	b.run("open the payment form", chromedp.Click(css("#pay summary")), chromedp.WaitVisible(css(`#pay select[name="invoice"]`)))
	b.run("choose on account", chromedp.SetValue(css(`#pay select[name="invoice"]`), ""))
	b.step("record on account", ".flash",
		chromedp.SendKeys(css(`#pay input[name="amount"]`), "100"),
		chromedp.Click(css("#pay button.primary")))
	if msg := b.text(".flash"); !strings.Contains(msg, "enregistré sur le compte de CLI0009") {
		t.Errorf("on account: %q", msg)
	}
	b.screenshot("payment-on-account")
	var n int
	_ = wd.st.Pool.QueryRow(ctx, `SELECT count(*) FROM payments_on_account WHERE amount = 100 AND method = 'virement'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d payments on account of 100, want 1 (open balance before: %s, after: %s)", n, before, b.text("#open"))
	}

	// A viewer sees no form and may not post one.
	b.signOut()
	b.signIn("victor")
	b.open("/c/WPAY/invoices/FA0176", "#timeline")
	if c := b.count("#pay"); c != 0 {
		t.Errorf("the viewer sees %d payment forms", c)
	}
	if st := b.post("/c/WPAY/invoices/FA0176/payments", "csrf="+b.csrf()+"&amount=10&key=v1"); st != http.StatusForbidden {
		t.Errorf("viewer's payment: status %d, want 403", st)
	}
	if n := countPayments(t, wd.st, "FA0176"); n != 0 {
		t.Errorf("FA0176 has %d payments after the viewer's post, want none", n)
	}
}

func countPayments(t *testing.T, st *store.Store, number string) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = $1`, number).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
