package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/feed"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

// uploadFiles posts a multipart form to path: fields, then files (field,
// file name, content), several under the same field when repeated.
func (a *adminClient) uploadFiles(path string, fields map[string]string, files [][3]string) (int, string) {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", a.csrf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile(f[0], f[1])
		_, _ = fw.Write([]byte(f[2]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	if m := adminCSRF.FindSubmatch(b.Bytes()); m != nil {
		a.csrf = string(m[1])
	}
	return resp.StatusCode, b.String()
}

var hiddenImport = regexp.MustCompile(`name="(customers|invoices|onaccount|facturx)" value="([^"]+)"`)

// commitForm is the import form of a preview page.
func commitForm(body string) url.Values {
	form := url.Values{}
	for _, m := range hiddenImport.FindAllStringSubmatch(body, -1) {
		form.Add(m[1], m[2])
	}
	return form
}

// TestCustomerRecordListsPaymentsOnAccountFromEverySource: a payment on
// account imported from CSV on the imports page (its bad rows explained in
// French), one pushed by the accounting feed, one recorded by hand, a bank
// credit put on the customer's account and an overpayment are all listed
// on the customer record, with their source; the record's total is the
// letter's (store.Position), and the record lists the bank transfer
// matched to the customer with its bank reference and how it was matched.
func TestCustomerRecordListsPaymentsOnAccountFromEverySource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	today := calendar.Of(time.Now().In(adminParis))
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "CMP"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "anne", "mot-de-passe-solide", store.RoleAdmin, []string{"CMP"}); err != nil {
		t.Fatal(err)
	}
	co, _ := st.CompanyByCode(ctx, "CMP")
	cust, err := st.CustomerByCode(ctx, "CMP", "CLI0004")
	if err != nil {
		t.Fatal(err)
	}
	a := newAdminClient(t, st, "anne", "mot-de-passe-solide")

	// CSV on the imports page: the preview explains the bad rows in French.
	a.get("/c/CMP/admin/import")
	csv := "reference;customer;amount;paid_on;currency;method;closed\n" +
		"ACP-1;CLI0004;500,00;" + today.AddDays(-3).String() + ";EUR;virement;non\n" +
		"ACP-2;CLI0004;-5;01/11/2026;;;\n" +
		"ACP-3;CLI0004;12,345;01/11/2026;;;\n" +
		"ACP-4;CLI0004;10;31/02/26;;;\n" +
		"ACP-5;INCONNU;10;01/11/2026;;;\n"
	status, body := a.uploadFiles("/c/CMP/admin/import", nil, [][3]string{{"onaccount", "acomptes.csv", csv}})
	for _, want := range []string{"Paiements non affectés", "montant -5 : un paiement non affecté n&#39;est pas négatif",
		"montant &#34;12,345&#34; : plus de deux décimales", "date de paiement (paid_on) &#34;31/02/26&#34;"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("preview (%d) lacks %q:\n%.3000s", status, want, problemsOf(body))
		}
	}
	status, body = a.post("/c/CMP/admin/import/commit", commitForm(body))
	if status != http.StatusOK || !strings.Contains(body, "le client INCONNU n&#39;est pas importé") {
		t.Errorf("import report (%d) does not explain the unknown customer:\n%.3000s", status, problemsOf(body))
	}

	// The accounting feed.
	raw, _ := json.Marshal(map[string]any{"reference": "FEED-1", "customer": "CLI0004", "amount": "250.00", "paidOn": today.AddDays(-2).String()})
	if rep := feed.Apply(ctx, st, co.ID, feed.Batch{PaymentsOnAccount: []json.RawMessage{raw}}); rep.Failed > 0 || rep.Refused > 0 {
		t.Fatalf("feed: %+v", rep)
	}
	// By hand on the customer record.
	a.get("/c/CMP/customers/CLI0004")
	if status, body := a.post("/c/CMP/customers/CLI0004/payments", url.Values{"onAccount": {"1"}, "amount": {"100.00"},
		"reference": {"MAN-1"}, "method": {"chèque"}, "key": {"k1"}}); status >= 400 {
		t.Fatalf("payment on account by hand: %d %.500s", status, body)
	}
	// A bank credit put on the customer's account on the Rapprochement
	// screen's path.
	data, err := os.ReadFile("../../ledger/bank/testdata/camt053-sample.xml")
	if err != nil {
		t.Fatal(err)
	}
	l := bank.NewLedger(st)
	if _, err := l.Import(ctx, data, bank.ImportOptions{Channel: "test"}); err != nil {
		t.Fatal(err)
	}
	waiting, _ := l.Waiting(ctx, co.ID)
	var credit bank.Transaction
	for _, tx := range waiting {
		if err := l.Record(ctx, tx.ID, bank.StatusNew, bank.Decision{Status: bank.StatusException, Reasons: []string{bank.WhyNoReference}}, ""); err != nil {
			t.Fatal(err)
		}
		if credit.ID == 0 && tx.Amount.IsPositive() {
			credit = tx
		}
	}
	if err := (&actions.Ops{Store: st}).BankOnAccount(ctx, "CMP", credit.ID, "CLI0004", "anne"); err != nil {
		t.Fatal(err)
	}
	// An overpayment of FA0171.
	inv, err := st.LoadInvoice(ctx, "CMP", "FA0171")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordPayment(ctx, inv.ID, dunning.Payment{ExternalID: "OVER-1", Amount: inv.Balance.Add(decimal.NewFromInt(30)),
		Currency: "EUR", PaidOn: today, Source: "webhook"}); err != nil {
		t.Fatal(err)
	}

	stmt, err := st.StatementOf(ctx, cust.ID, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	pos := stmt.Position(today)
	want := decimal.RequireFromString("880").Add(credit.Amount) // 500 + 250 + 100 + 30 + the credit
	if !pos.Unapplied.Equal(want) {
		t.Errorf("the letter deducts %s, want %s (%+v)", pos.Unapplied, want, stmt.UnappliedPayments)
	}
	status, body = a.get("/c/CMP/customers/CLI0004")
	if status != http.StatusOK {
		t.Fatalf("customer record: %d", status)
	}
	for _, row := range []struct{ source, ref, label string }{
		{"csv", "ACP-1", "Import CSV"}, {"feed", "FEED-1", "Flux comptable (API)"}, {"web", "MAN-1", "Saisi à la main"},
		{"bank", credit.BankRef, "Relevé bancaire"}, {"overpaid", "OVER-1", "Excédent de règlement"},
	} {
		tr := rowOf(body, `data-source="`+row.source+`" data-ref="`+row.ref+`"`)
		if tr == "" || !strings.Contains(tr, row.label) {
			t.Errorf("no %s payment on account %s on the record: %q", row.source, row.ref, tr)
		}
	}
	for _, not := range []string{"ACP-2", "ACP-5"} {
		if strings.Contains(body, `data-ref="`+not+`"`) {
			t.Errorf("refused row %s listed", not)
		}
	}
	if !strings.Contains(body, `id="on-account-total">`+frMoney(pos.Unapplied)) || !strings.Contains(body, `id="owed">`+frMoney(pos.Owed)) ||
		!strings.Contains(body, `id="unapplied">`+frMoney(pos.Unapplied)) {
		t.Errorf("the record's totals are not the letter's (%s deducted, %s owed):\n%s", frMoney(pos.Unapplied), frMoney(pos.Owed), rowOf(body, `id="on-account-total"`))
	}
	tr := rowOf(body, `data-bank-ref="`+credit.BankRef+`"`)
	if tr == "" || !strings.Contains(tr, "À la main (anne)") || !strings.Contains(tr, frMoney(credit.Amount)) {
		t.Errorf("bank transfer %s not on the record as matched by hand: %q", credit.BankRef, tr)
	}
	// In English too.
	a.post("/lang", url.Values{"lang": {"en"}, "back": {"/c/CMP/customers/CLI0004"}})
	if _, body = a.get("/c/CMP/customers/CLI0004"); !strings.Contains(body, "Payments on account") || !strings.Contains(body, "Accounting feed (API)") || !strings.Contains(body, "By hand (anne)") {
		t.Errorf("English record lacks the payments on account")
	}
}

// rowOf returns the table row of body that contains marker.
func rowOf(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<tr")
	end := strings.Index(body[i:], "</tr>")
	if start < 0 || end < 0 {
		return body[i:]
	}
	return body[start : i+end]
}

// problemsOf is the report part of an imports page.
func problemsOf(body string) string {
	if i := strings.Index(body, `class="card report"`); i >= 0 {
		return body[i:]
	}
	return body
}

// frMoney writes an amount as the French pages do: 1 234,56 €.
func frMoney(d decimal.Decimal) string { return money.Format(d, "EUR") }
