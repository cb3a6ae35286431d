package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/facturx"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
)

// feedToken creates a token with the feed area (and areas more), limited
// to companies when given.
func (f *fixture) feedToken(name string, role store.Role, areas []string, companies store.Scope) string {
	f.t.Helper()
	ctx := context.Background()
	plain := f.token(name, role)
	if err := f.st.SetTokenAreas(ctx, name, areas); err != nil {
		f.t.Fatal(err)
	}
	if companies != nil {
		if err := f.st.SetTokenScope(ctx, name, companies); err != nil {
			f.t.Fatal(err)
		}
	}
	return plain
}

// send posts body with its content type and token.
func (f *fixture) send(method, path, token, contentType string, body []byte) answer {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return f.do(req)
}

func (f *fixture) feedJSON(path, token string, body any) answer {
	f.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.send("POST", path, token, "application/json", b)
}

// statuses are the items' statuses of a batch answer, "key:status".
func statuses(a answer) []string {
	var out []string
	items, _ := a.body["items"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		out = append(out, m["key"].(string)+":"+m["status"].(string))
	}
	return out
}

func itemErrors(a answer) string {
	var out []string
	items, _ := a.body["items"].([]any)
	for _, it := range items {
		if e, _ := it.(map[string]any)["error"].(string); e != "" {
			out = append(out, e)
		}
	}
	return strings.Join(out, "\n")
}

// TestFeedUpsertIsIdempotentAndBadItemsDoNotStopTheBatch sends a batch of
// customers, invoices (one with instalments, a credit note, one closed by
// the accounting system) and payments on account, with bad items among
// them; sends it again; and checks what the ledger holds.
func TestFeedUpsertIsIdempotentAndBadItemsDoNotStopTheBatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "FEED1")
	erp := f.feedToken("erp", store.RoleOperator, []string{store.AreaFeed}, nil)
	batch := map[string]any{
		"customers": []any{
			map[string]any{"code": "NEW1", "name": "Garage du Centre", "emails": []string{"compta@garage.example"}, "kind": "business"},
			map[string]any{"code": "BAD\u0000", "name": "NUL"},
			map[string]any{"code": "NEW2"},
		},
		"invoices": []any{
			map[string]any{"number": "FX-100", "customer": "NEW1", "issueDate": "2026-10-01", "dueDate": "2026-10-31", "amount": "1500.00",
				"instalments": []any{
					map[string]any{"seq": 1, "dueDate": "2026-10-31", "amount": "750.00"},
					map[string]any{"seq": 2, "dueDate": "2026-11-30", "amount": "750.00"},
				}},
			map[string]any{"number": "AV-100", "customer": "NEW1", "kind": "credit_note", "issueDate": "2026-10-05", "amount": "120.00"},
			map[string]any{"number": "FX-101", "customer": "NEW1", "issueDate": "2026-10-02", "dueDate": "2026-11-01", "amount": "1,250"},
			map[string]any{"number": "FX-102", "customer": "NEW1", "issueDate": "2026-10-02", "amount": "1e309"},
			map[string]any{"number": "FX-103", "customer": "NOBODY", "issueDate": "2026-10-02", "amount": "10.00"},
			map[string]any{"number": "FX-104", "customer": "NEW1", "issueDate": "2026-10-02", "amount": "10.00", "colour": "blue"},
			map[string]any{"number": "FA0186", "customer": "CLI0006", "issueDate": "2026-10-02", "amount": "924.00", "closed": true},
		},
		"paymentsOnAccount": []any{
			map[string]any{"reference": "ACPT-1", "customer": "NEW1", "amount": "200.00", "paidOn": "2026-10-10", "method": "transfer"},
			map[string]any{"reference": "ACPT-2", "customer": "NEW1", "amount": "-5", "paidOn": "2026-10-10"},
		},
	}
	a := f.feedJSON("/v1/feed/FEED1", erp, batch)
	want := []string{"NEW1:created", "BAD\x00:refused", "NEW2:refused",
		"FX-100:created", "AV-100:created", "FX-101:refused", "FX-102:refused", "FX-103:refused", "FX-104:refused", "FA0186:updated",
		"ACPT-1:created", "ACPT-2:refused"}
	if a.status != 200 || strings.Join(statuses(a), " ") != strings.Join(want, " ") {
		t.Fatalf("first batch: %d %v\nwant %v\n%s", a.status, statuses(a), want, a.raw)
	}
	errs := itemErrors(a)
	for _, says := range []string{"code: control characters", "code and name are required", `not "1,250"`, `not "1e309"`,
		"customer NOBODY is not imported", `unknown field "colour"`, `amount "-5" must not be negative`} {
		if !strings.Contains(errs, says) {
			t.Errorf("item errors do not say %q:\n%s", says, errs)
		}
	}
	// Again: nothing new, nothing doubled.
	a = f.feedJSON("/v1/feed/FEED1", erp, batch)
	if a.status != 200 || a.body["created"].(float64) != 0 || a.body["updated"].(float64) != 5 {
		t.Errorf("second batch: %d %s", a.status, a.raw)
	}
	ctx := context.Background()
	var invoices, instalments, onAccount int
	var credit, closed string
	if err := f.st.Pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM invoices WHERE number LIKE 'FX-%'),
		(SELECT count(*) FROM instalments n JOIN invoices i ON i.id = n.invoice_id WHERE i.number = 'FX-100'),
		(SELECT count(*) FROM payments_on_account),
		(SELECT balance_due::text FROM invoices WHERE number = 'AV-100'),
		(SELECT closed::text || ' ' || closed_reason FROM invoices WHERE number = 'FA0186')`).
		Scan(&invoices, &instalments, &onAccount, &credit, &closed); err != nil {
		t.Fatal(err)
	}
	if invoices != 1 || instalments != 2 || onAccount != 1 || credit != "-120.00" || closed != "true closed by the accounting feed" {
		t.Errorf("ledger: %d FX invoices, %d instalments, %d payments on account, credit note %s, FA0186 %q",
			invoices, instalments, onAccount, credit, closed)
	}
	// The payment on account and the credit note come off what the customer owes.
	co, _ := f.st.CompanyByCode(ctx, "FEED1")
	var custID int64
	_ = f.st.Pool.QueryRow(ctx, `SELECT id FROM customers WHERE company_id = $1 AND code = 'NEW1'`, co.ID).Scan(&custID)
	stmt, err := f.st.StatementOf(ctx, custID, "EUR")
	if err != nil || stmt.Unapplied.StringFixed(2) != "200.00" {
		t.Errorf("statement unapplied = %s %v, want 200.00", stmt.Unapplied, err)
	}
	if es := f.audit("FEED1"); len(es) != 2 || es[0].Action != "api:feed-batch" || es[0].Actor != "erp" {
		t.Errorf("audit = %+v", es)
	}

	// A batch that is not JSON, too large in items, or empty.
	if a := f.send("POST", "/v1/feed/FEED1", erp, "text/csv", []byte("a;b")); a.status != http.StatusUnsupportedMediaType {
		t.Errorf("csv body: %d %s", a.status, a.raw)
	}
	if a := f.feedJSON("/v1/feed/FEED1", erp, map[string]any{}); a.status != http.StatusBadRequest {
		t.Errorf("empty batch: %d %s", a.status, a.raw)
	}
	many := make([]any, 2001)
	for i := range many {
		many[i] = map[string]any{"code": "C", "name": "C"}
	}
	if a := f.feedJSON("/v1/feed/FEED1", erp, map[string]any{"customers": many}); a.status != http.StatusBadRequest {
		t.Errorf("2001 items: %d %.200s", a.status, a.raw)
	}

	// The invoice's PDF, then a body that is not a PDF and an unknown invoice.
	pdf := invoicePDF(t, "FX-100")
	if a := f.send("PUT", "/v1/feed/FEED1/invoices/FX-100/pdf", erp, "application/pdf", pdf); a.status != 200 {
		t.Errorf("pdf: %d %s", a.status, a.raw)
	}
	var stored []byte
	_ = f.st.Pool.QueryRow(ctx, `SELECT pdf FROM invoices WHERE number = 'FX-100'`).Scan(&stored)
	if !bytes.Equal(stored, pdf) {
		t.Errorf("stored PDF differs (%d bytes, sent %d)", len(stored), len(pdf))
	}
	if a := f.send("PUT", "/v1/feed/FEED1/invoices/FX-100/pdf", erp, "application/pdf", []byte("hello")); a.status != 400 {
		t.Errorf("not a pdf: %d %s", a.status, a.raw)
	}
	if a := f.send("PUT", "/v1/feed/FEED1/invoices/NOPE/pdf", erp, "application/pdf", pdf); a.status != 404 {
		t.Errorf("unknown invoice: %d %s", a.status, a.raw)
	}
}

// TestFeedSnapshotDryRunThenClose: a full snapshot that no longer lists
// two open invoices and a payment on account reports them (dry run,
// nothing changes), then closes them; the running dunning of one of them
// ends within seconds, outcome closed.
func TestFeedSnapshotDryRunThenClose(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "FEED2")
	id := f.startDunning("FA0168")
	erp := f.feedToken("erp", store.RoleOperator, []string{store.AreaFeed}, nil)
	boss := f.feedToken("boss", store.RoleAdmin, []string{store.AreaFeed}, nil)
	if a := f.feedJSON("/v1/feed/FEED2", erp, map[string]any{"paymentsOnAccount": []any{
		map[string]any{"reference": "ACPT-9", "customer": "CLI0009", "amount": "50.00", "paidOn": "2026-10-10"},
	}}); a.status != 200 || a.body["created"].(float64) != 1 {
		t.Fatalf("payment on account: %d %s", a.status, a.raw)
	}
	open := f.call("GET", "/v1/feed/FEED2/open", erp, nil)
	items, _ := open.body["items"].([]any)
	var keep []string
	for _, it := range items {
		m := it.(map[string]any)
		if n := m["number"].(string); m["kind"] != store.ItemOnAccount && n != "FA0168" && n != "FA0186" {
			keep = append(keep, n)
		}
	}
	if len(items) < 10 || len(keep) != len(items)-3 {
		t.Fatalf("open items: %d %s", open.status, open.raw)
	}
	snap := map[string]any{"invoices": keep}
	a := f.feedJSON("/v1/feed/FEED2/snapshot", erp, snap)
	missing := func(a answer) []string {
		var out []string
		l, _ := a.body["missing"].([]any)
		for _, m := range l {
			out = append(out, m.(map[string]any)["number"].(string))
		}
		return out
	}
	if a.status != 200 || a.body["dryRun"] != true || strings.Join(missing(a), " ") != "FA0168 FA0186 ACPT-9" {
		t.Fatalf("dry run: %d %s", a.status, a.raw)
	}
	if f.balance("FA0168") != "6019.20" || count(t, f, `SELECT count(*) FROM invoices WHERE closed`) != 0 {
		t.Error("the dry run changed the ledger")
	}
	// Closing needs the admin role; an empty snapshot is refused.
	snap["dryRun"] = false
	if a := f.feedJSON("/v1/feed/FEED2/snapshot", erp, snap); a.status != http.StatusForbidden {
		t.Errorf("operator close: %d %s", a.status, a.raw)
	}
	if a := f.feedJSON("/v1/feed/FEED2/snapshot", boss, map[string]any{"invoices": []string{}, "dryRun": false}); a.status != 400 ||
		!strings.Contains(a.str("error"), "closeAll") {
		t.Errorf("empty snapshot: %d %s", a.status, a.raw)
	}
	a = f.feedJSON("/v1/feed/FEED2/snapshot", boss, snap)
	if a.status != 200 || a.body["dryRun"] != false || len(a.body["closed"].([]any)) != 3 || a.body["told"].(float64) < 1 {
		t.Fatalf("close: %d %s", a.status, a.raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res wire.Result
	start := time.Now()
	if err := f.tc.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil || res.Outcome != dunning.StatusClosed {
		t.Fatalf("FA0168's dunning: %+v %v, want closed", res, err)
	}
	t.Logf("FA0168's dunning ended %s after the snapshot", time.Since(start).Round(time.Millisecond))
	if n := count(t, f, `SELECT count(*) FROM invoices WHERE closed AND closed_reason LIKE 'missing from%'`); n != 2 {
		t.Errorf("%d invoices closed by the snapshot, want 2", n)
	}
	// The same snapshot again finds nothing missing.
	if a := f.feedJSON("/v1/feed/FEED2/snapshot", boss, snap); a.status != 200 || len(missing(a)) != 0 {
		t.Errorf("again: %d %s", a.status, a.raw)
	}
}

func count(t *testing.T, f *fixture, query string) int {
	t.Helper()
	var n int
	if err := f.st.Pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFeedScopes: the feed needs a token with the feed area, for the
// company, with the operator role to write; a feed-only token cannot use
// the operator API.
func TestFeedScopes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "FEED3")
	if _, err := demo.Load(context.Background(), f.st, demo.Options{Today: today, Code: "FEED3B", DaySeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	plain := f.token("marie", store.RoleAdmin) // the operator API only
	feedOnly := f.feedToken("erp", store.RoleOperator, []string{store.AreaFeed}, nil)
	other := f.feedToken("erp-other", store.RoleOperator, []string{store.AreaFeed, store.AreaDunning}, store.Scope{"FEED3B"})
	viewer := f.feedToken("reader", store.RoleViewer, []string{store.AreaFeed}, nil)
	both := f.feedToken("sync", store.RoleOperator, []string{store.AreaDunning, store.AreaFeed}, nil)
	batch := map[string]any{"customers": []any{map[string]any{"code": "S1", "name": "Scoped"}}}
	tests := []struct {
		name, method, path, token string
		status                    int
		says                      string
	}{
		{"no token", "POST", "/v1/feed/FEED3", "", 401, "missing bearer token"},
		{"operator API token", "POST", "/v1/feed/FEED3", plain, 403, "may call the dunning API only, not the feed API"},
		{"feed token, other company", "POST", "/v1/feed/FEED3", other, 403, "may act on FEED3B only"},
		{"viewer feed token", "POST", "/v1/feed/FEED3", viewer, 403, "needs the operator role"},
		{"feed token", "POST", "/v1/feed/FEED3", feedOnly, 200, ""},
		{"feed and dunning token", "POST", "/v1/feed/FEED3", both, 200, ""},
		{"viewer reads open items", "GET", "/v1/feed/FEED3/open", viewer, 200, ""},
		{"feed-only token on the operator API", "GET", "/v1/invoices/FEED3/FA0168", feedOnly, 403, "may call the feed API only"},
		{"feed and dunning token on the operator API", "GET", "/v1/invoices?company=FEED3", both, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a answer
			if tt.method == "POST" {
				a = f.feedJSON(tt.path, tt.token, batch)
			} else {
				a = f.call(tt.method, tt.path, tt.token, nil)
			}
			if a.status != tt.status || !strings.Contains(a.str("error"), tt.says) {
				t.Errorf("%s %s: %d %.300s, want %d %q", tt.method, tt.path, a.status, a.raw, tt.status, tt.says)
			}
		})
	}
	// Tokens get their areas through the API too.
	a := f.call("POST", "/v1/tokens", plain, map[string]any{"name": "erp2", "role": "operator", "areas": []string{"feed"}})
	if a.status != 201 {
		t.Fatalf("create a feed token: %d %s", a.status, a.raw)
	}
	if b := f.feedJSON("/v1/feed/FEED3", a.str("token"), batch); b.status != 200 {
		t.Errorf("the new feed token: %d %s", b.status, b.raw)
	}
	if b := f.call("POST", "/v1/tokens", plain, map[string]any{"name": "erp3", "role": "operator", "areas": []string{"bank-robbery"}}); b.status != 400 {
		t.Errorf("unknown area: %d %s", b.status, b.raw)
	}
}

// invoicePDF makes a one-page PDF with maroto.
func invoicePDF(t *testing.T, number string) []byte {
	t.Helper()
	m := maroto.New()
	m.AddRows(text.NewRow(10, "Facture "+number))
	doc, err := m.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return doc.GetBytes()
}

// ciiInvoice is a Factur-X (CII) invoice of buyer CLI-FX1.
func ciiInvoice(typeCode, number, total, due string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:factur-x.eu:1p0:basicwl</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>` + number + `</ram:ID><ram:TypeCode>` + typeCode + `</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20261102</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>FEED4 SAS</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:ID>CLI-FX1</ram:ID><ram:Name>Boulangerie Martin</ram:Name>
        <ram:PostalTradeAddress><ram:PostcodeCode>69002</ram:PostcodeCode><ram:LineOne>3 rue de la République</ram:LineOne><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        <ram:URIUniversalCommunication><ram:URIID schemeID="EM">compta@boulangerie-martin.example</ram:URIID></ram:URIUniversalCommunication>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20261202</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount>` + total + `</ram:GrandTotalAmount><ram:DuePayableAmount>` + due + `</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`)
}

// TestFeedFacturXInvoice builds a Factur-X PDF here (a maroto PDF with the
// CII XML embedded by pdfcpu), imports it through the feed, and finds the
// invoice, its new customer and the PDF in the ledger; the same PDF again
// changes nothing; a PDF without invoice and a credit note follow.
func TestFeedFacturXInvoice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "FEED4")
	erp := f.feedToken("erp", store.RoleOperator, []string{store.AreaFeed}, nil)
	pdf, err := facturx.Embed(invoicePDF(t, "FX-2026-001"), ciiInvoice("380", "FX-2026-001", "1200.00", "1150.50"))
	if err != nil {
		t.Fatal(err)
	}
	a := f.send("POST", "/v1/feed/FEED4/facturx", erp, "application/pdf", pdf)
	if a.status != 200 || a.str("status") != "created" || a.body["customerCreated"] != true || a.str("balanceDue") != "1150.50" ||
		a.str("amount") != "1200.00" || a.str("dueDate") != "2026-12-02" || a.str("customer") != "CLI-FX1" {
		t.Fatalf("import: %d %s", a.status, a.raw)
	}
	ctx := context.Background()
	var row string
	var stored []byte
	if err := f.st.Pool.QueryRow(ctx, `
		SELECT i.kind || ' ' || i.issue_date || ' ' || i.due_date || ' ' || i.amount || ' ' || i.balance_due || ' ' || i.currency || ' ' ||
		       c.name || ' ' || array_to_string(c.emails, ',') || ' ' || array_to_string(c.address_lines, '|'), i.pdf
		FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.number = 'FX-2026-001'`).Scan(&row, &stored); err != nil {
		t.Fatal(err)
	}
	if row != "invoice 2026-11-02 2026-12-02 1200.00 1150.50 EUR Boulangerie Martin compta@boulangerie-martin.example 3 rue de la République|69002 Lyon|FR" {
		t.Errorf("ledger row = %q", row)
	}
	if !bytes.Equal(stored, pdf) {
		t.Error("the Factur-X PDF is not kept as the invoice's PDF")
	}
	if a := f.send("POST", "/v1/feed/FEED4/facturx", erp, "application/pdf", pdf); a.status != 200 || a.str("status") != "updated" ||
		a.body["customerCreated"] != false {
		t.Errorf("again: %d %s", a.status, a.raw)
	}
	if n := count(t, f, `SELECT count(*) FROM invoices WHERE number = 'FX-2026-001'`); n != 1 {
		t.Errorf("%d rows for FX-2026-001", n)
	}
	// A credit note, for a customer named in the query.
	cn, err := facturx.Embed(invoicePDF(t, "AV-2026-001"), ciiInvoice("381", "AV-2026-001", "100.00", "100.00"))
	if err != nil {
		t.Fatal(err)
	}
	if a := f.send("POST", "/v1/feed/FEED4/facturx?customer=CLI0009", erp, "application/pdf", cn); a.status != 200 ||
		a.str("kind") != "credit_note" || a.str("balanceDue") != "-100.00" || a.str("customer") != "CLI0009" {
		t.Errorf("credit note: %d %s", a.status, a.raw)
	}
	// A plain PDF and an invoice with an amount the ledger cannot hold.
	if a := f.send("POST", "/v1/feed/FEED4/facturx", erp, "application/pdf", invoicePDF(t, "X")); a.status != 422 ||
		!strings.Contains(a.str("error"), "no factur-x.xml embedded") {
		t.Errorf("plain PDF: %d %s", a.status, a.raw)
	}
	huge, _ := facturx.Embed(invoicePDF(t, "FX-HUGE"), ciiInvoice("380", "FX-HUGE", "10000000000000.00", "10000000000000.00"))
	if a := f.send("POST", "/v1/feed/FEED4/facturx", erp, "application/pdf", huge); a.status != 422 || !strings.Contains(a.str("error"), "too large") {
		t.Errorf("huge amount: %d %s", a.status, a.raw)
	}
}

// TestFeedBatchEndsTheDunningsItSettles: a batch that settles an invoice
// (balance 0) or closes one tells their running dunnings, which end within
// seconds: paid and closed.
func TestFeedBatchEndsTheDunningsItSettles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "FEED5")
	paid, closed := f.startDunning("FA0176"), f.startDunning("FA0184")
	erp := f.feedToken("erp", store.RoleOperator, []string{store.AreaFeed}, nil)
	// Wait until both run (their first task has read the invoice).
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range []string{paid, closed} {
		for {
			if _, err := f.tc.QueryWorkflow(context.Background(), id, "", dunning.QueryState); err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	a := f.feedJSON("/v1/feed/FEED5", erp, map[string]any{"invoices": []any{
		map[string]any{"number": "FA0176", "customer": "CLI0009", "issueDate": "2026-09-01", "amount": "5999.14", "balanceDue": "0"},
		map[string]any{"number": "FA0184", "customer": "CLI0009", "issueDate": "2026-09-01", "amount": "6444.00", "closed": true},
	}})
	if a.status != 200 || a.body["updated"].(float64) != 2 {
		t.Fatalf("batch: %d %s", a.status, a.raw)
	}
	for id, want := range map[string]dunning.Status{paid: dunning.StatusPaid, closed: dunning.StatusClosed} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var res wire.Result
		err := f.tc.GetWorkflow(ctx, id, "").Get(ctx, &res)
		cancel()
		if err != nil || res.Outcome != want {
			t.Errorf("%s: %+v %v, want %s", id, res, err, want)
		}
	}
}
