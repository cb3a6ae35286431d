package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/doors/api"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
)

// body is a webhook body for the fixture's company with amount given as
// raw JSON and the other fields overridable.
func (f *fixture) body(amountJSON string, edit map[string]string) []byte {
	m := map[string]any{"company": f.company, "invoice": "FA0186", "amount": json.RawMessage(amountJSON),
		"currency": "EUR", "paidAt": today.String(), "externalId": "S-" + strconv.Itoa(len(amountJSON)), "method": "transfer"}
	for k, v := range edit {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// TestWebhookAmountsAreCanonicalDecimalStrings refuses every amount that
// is not a plain decimal string with at most two decimals, naming the
// field, and records none of them.
func TestWebhookAmountsAreCanonicalDecimalStrings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WS1")
	tests := []struct {
		amount string // raw JSON
		want   string
	}{
		{`"1,250"`, `amount must be a decimal string such as "1250.00"`},
		{`"1e2"`, "amount must be a decimal string"},
		{`"1 250.00"`, "amount must be a decimal string"},
		{`"01250.00"`, "amount must be a decimal string"},
		{`"+12.00"`, "amount must be a decimal string"},
		{`".5"`, "amount must be a decimal string"},
		{`"12."`, "amount must be a decimal string"},
		{`" 12"`, "amount must be a decimal string"},
		{`"0x10"`, "amount must be a decimal string"},
		{`"NaN"`, "amount must be a decimal string"},
		{`"12.345"`, "more than two decimals"},
		{`"-12.00"`, "must be greater than zero"},
		{`"0.00"`, "must be greater than zero"},
		{`"1000000000000.00"`, "amount \"1000000000000.00\" is too large"},
		{`"99999999999999999999999999"`, "too large"},
		{`1250`, "amount must be a decimal string"},
		{`12.5`, "amount must be a decimal string"},
		{`true`, "amount must be a decimal string"},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			a := f.pay(f.body(tt.amount, map[string]string{"externalId": "AMT-" + tt.amount}))
			if a.status != http.StatusBadRequest || !strings.Contains(a.str("error"), tt.want) {
				t.Errorf("amount %s: status %d %s, want 400 with %q", tt.amount, a.status, a.raw, tt.want)
			}
		})
	}
	if got := f.balance("FA0186"); got != "924.00" {
		t.Errorf("balance changed to %s by refused amounts", got)
	}
	for _, ok := range []struct{ amount, balance string }{{`"1.5"`, "922.50"}, {`"2.50"`, "920.00"}, {`"20"`, "900.00"}} {
		if a := f.pay(f.body(ok.amount, map[string]string{"externalId": "OK-" + ok.amount})); a.status != 200 || a.str("balance") != ok.balance {
			t.Errorf("amount %s: status %d %s, want 200 balance %s", ok.amount, a.status, a.raw, ok.balance)
		}
	}
}

// TestWebhookPermanentErrorsAre4xx: input the database cannot store, or
// that can never become right, is refused with 400 naming the field, not
// 503 (which tells a payment system to retry forever).
func TestWebhookPermanentErrorsAre4xx(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WS2")
	tomorrow, later := today.AddDays(1).String(), today.AddDays(2).String()
	tests := []struct {
		name   string
		edit   map[string]string
		status int
		want   string
	}{
		{"NUL in externalId", map[string]string{"externalId": "VIR\x00-1"}, 400, "externalId: control characters"},
		{"NUL in invoice", map[string]string{"invoice": "FA\x000186"}, 400, "invoice: control characters"},
		{"NUL in method", map[string]string{"method": "card\x00"}, 400, "method: control characters"},
		{"newline in company", map[string]string{"company": "WS2\n"}, 400, "company: control characters"},
		{"externalId too long", map[string]string{"externalId": strings.Repeat("x", 201)}, 400, "externalId: longer than 200"},
		{"paidAt far in the future", map[string]string{"paidAt": "2099-01-01"}, 400, "paidAt 2099-01-01 is in the future"},
		{"paidAt the day after tomorrow", map[string]string{"paidAt": later}, 400, "is in the future"},
		{"paidAt tomorrow is tolerated", map[string]string{"paidAt": tomorrow, "externalId": "TOMORROW"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.pay(f.body(`"10.00"`, tt.edit))
			if a.status != tt.status || !strings.Contains(a.str("error"), tt.want) {
				t.Errorf("status %d %s, want %d with %q", a.status, a.raw, tt.status, tt.want)
			}
		})
	}
	if got := f.balance("FA0186"); got != "914.00" {
		t.Errorf("balance = %s, want 914.00 (only the payment of tomorrow)", got)
	}
}

// TestWebhookContentType: the body is JSON and must say so.
func TestWebhookContentType(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WS3")
	body := f.body(`"10.00"`, map[string]string{"externalId": "CT"})
	for _, tt := range []struct {
		ct     string
		status int
	}{
		{"text/plain", 415}, {"", 415}, {"application/x-www-form-urlencoded", 415}, {"application/json; charset=utf-8", 200},
	} {
		req, _ := http.NewRequest("POST", f.srv.URL+"/v1/payments", bytes.NewReader(body))
		if tt.ct != "" {
			req.Header.Set("Content-Type", tt.ct)
		}
		ts := time.Now().Unix()
		req.Header.Set(api.HeaderSource, sourceName)
		req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(ts, 10))
		req.Header.Set(api.HeaderSignature, api.Sign(secret, ts, body))
		a := f.do(req)
		if a.status != tt.status || (tt.status == 415 && !strings.Contains(a.str("error"), "Content-Type must be application/json")) {
			t.Errorf("Content-Type %q: status %d %s, want %d", tt.ct, a.status, a.raw, tt.status)
		}
	}
	if n := f.paymentsCount("CT"); n != 1 {
		t.Errorf("%d payments CT, want 1", n)
	}
}

// TestWebhookIdempotencyKeyIsSourceAndExternalID: the same content again
// is a duplicate; other content under the same key is 409 with both
// amounts and changes nothing; another source may use the same ID.
func TestWebhookIdempotencyKeyIsSourceAndExternalID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WS4")
	ctx := context.Background()
	const psp, pspSecret = "psp", "psp-shared-secret-0123456789abcdef"
	if err := f.st.SetWebhookSource(ctx, psp, pspSecret); err != nil {
		t.Fatal(err)
	}
	first := f.pay(f.payment("FA0171", "328.00", "K-1")) // 2328.00 due
	if first.status != 200 || first.str("balance") != "2000.00" {
		t.Fatalf("first: %d %s", first.status, first.raw)
	}
	tests := []struct {
		name string
		body []byte
		want []string
	}{
		{"other amount", f.payment("FA0171", "500.00", "K-1"), []string{`"recordedAmount": "328.00"`, `"amount": "500.00"`, "already recorded with amount 328.00 EUR"}},
		{"other invoice", f.payment("FA0187", "328.00", "K-1"), []string{`"recordedInvoice": "FA0171"`, `"invoice": "FA0187"`}},
		{"other date", f.body(`"328.00"`, map[string]string{"invoice": "FA0171", "externalId": "K-1", "paidAt": today.AddDays(-3).String()}), []string{"paid on " + today.AddDays(-3).String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.pay(tt.body)
			if a.status != http.StatusConflict {
				t.Fatalf("status %d %s, want 409", a.status, a.raw)
			}
			for _, w := range tt.want {
				if !strings.Contains(a.raw, w) {
					t.Errorf("answer lacks %s:\n%s", w, a.raw)
				}
			}
		})
	}
	if again := f.pay(f.payment("FA0171", "328.00", "K-1")); again.status != 200 || again.body["duplicate"] != true {
		t.Errorf("same content again: %d %s", again.status, again.raw)
	}
	// Another payment system with the same ID: its own payment.
	req, _ := http.NewRequest("POST", f.srv.URL+"/v1/payments", bytes.NewReader(f.payment("FA0171", "100.00", "K-1")))
	req.Header.Set("Content-Type", "application/json")
	ts := time.Now().Unix()
	req.Header.Set(api.HeaderSource, psp)
	req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(api.HeaderSignature, api.Sign(pspSecret, ts, f.payment("FA0171", "100.00", "K-1")))
	if a := f.do(req); a.status != 200 || a.body["duplicate"] != false || a.str("balance") != "1900.00" {
		t.Errorf("same id from another source: %d %s", a.status, a.raw)
	}
	if f.balance("FA0171") != "1900.00" || f.paymentsCount("K-1") != 2 {
		t.Errorf("ledger balance %s, %d payments K-1", f.balance("FA0171"), f.paymentsCount("K-1"))
	}
}

// TestScopedSourcesAndTokens: a payment source or an API token for company
// A cannot act on company B (403), and changes nothing there.
func TestScopedSourcesAndTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WA")
	ctx := context.Background()
	if _, err := demo.Load(ctx, f.st, demo.Options{Today: today, Code: "WB", DaySeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetSourceScope(ctx, sourceName, store.Scope{"WA"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetSourceScope(ctx, sourceName, store.Scope{"NOPE"}); err == nil {
		t.Error("a scope naming an unknown company was accepted")
	}
	b := f.payment("FA0186", "10.00", "SC-1")
	b = bytes.Replace(b, []byte(`"company":"WA"`), []byte(`"company":"WB"`), 1)
	if a := f.pay(b); a.status != http.StatusForbidden || !strings.Contains(a.str("error"), "may record payments of WA only, not of company WB") {
		t.Errorf("source of WA paying WB: %d %s", a.status, a.raw)
	}
	if a := f.pay(f.payment("FA0186", "10.00", "SC-2")); a.status != 200 {
		t.Errorf("source of WA paying WA: %d %s", a.status, a.raw)
	}

	admin := f.token("ada", store.RoleAdmin)
	if err := f.st.SetTokenScope(ctx, "ada", store.Scope{"WA"}); err != nil {
		t.Fatal(err)
	}
	global := f.token("root", store.RoleAdmin)
	tests := []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/v1/invoices/WB/FA0186", nil, 403},
		{"GET", "/v1/invoices?company=WB", nil, 403},
		{"POST", "/v1/invoices/WB/FA0186/comment", map[string]string{"text": "x"}, 403},
		{"POST", "/v1/customers/WB/C001/do-not-remind", map[string]bool{"on": true}, 403},
		{"GET", "/v1/exports/relances.csv?company=WB", nil, 403},
		{"POST", "/v1/bulk/skip", map[string]any{"company": "WB", "invoices": []string{"FA0186"}}, 403},
		{"POST", "/v1/proposal/untick", map[string]any{"company": "WB", "customer": "C001", "date": today.String()}, 403},
		{"GET", "/v1/tokens", nil, 403},
		{"POST", "/v1/tokens", map[string]string{"name": "eve", "role": "admin"}, 403},
		{"GET", "/v1/audit", nil, 403},
		{"GET", "/v1/invoices?company=WA", nil, 200},
	}
	for _, tt := range tests {
		a := f.call(tt.method, tt.path, admin, tt.body)
		if a.status != tt.status {
			t.Errorf("%s %s with a token of WA: %d %s, want %d", tt.method, tt.path, a.status, a.raw, tt.status)
		}
	}
	// A token created through the API with companies is limited to them.
	a := f.call("POST", "/v1/tokens", global, map[string]any{"name": "wb-only", "role": "viewer", "companies": []string{"WB"}})
	if a.status != 201 {
		t.Fatalf("create scoped token: %d %s", a.status, a.raw)
	}
	if a := f.call("GET", "/v1/invoices?company=WA", a.str("token"), nil); a.status != 403 {
		t.Errorf("token of WB reading WA: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", "/v1/tokens", global, map[string]any{"name": "ghost", "role": "viewer", "companies": []string{"NOPE"}}); a.status != 400 {
		t.Errorf("token for an unknown company: %d %s", a.status, a.raw)
	}
	if f.balance("FA0186") != "914.00" {
		t.Errorf("WA FA0186 balance %s", f.balance("FA0186"))
	}
}
