package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relance/relance/doors/api"
)

func TestWebhookGoodSignatureRecordsPayment(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH1")
	a := f.pay(f.payment("FA0186", "400.10", "VIR-1")) // 924.00 due, no workflow runs
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	if a.str("balance") != "523.90" || a.body["duplicate"] != false || a.str("overpaid") != "0.00" ||
		a.body["signalled"] != false || a.str("externalId") != "VIR-1" || a.str("invoice") != "FA0186" {
		t.Errorf("answer = %s", a.raw)
	}
	if got := f.balance("FA0186"); got != "523.90" {
		t.Errorf("balance in the ledger = %s, want 523.90", got)
	}
	if strings.Contains(f.logs.String(), secret) || strings.Contains(f.logs.String(), "FA0186") {
		t.Errorf("the log shows the secret or customer data:\n%s", f.logs)
	}
}

func TestWebhookRefusesBadSignatures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH2")
	body := f.payment("FA0186", "100", "VIR-BAD")
	now := time.Now()
	tests := []struct {
		name string
		edit func(r *http.Request)
		want string
	}{
		{"wrong secret", func(r *http.Request) {
			r.Header.Set(api.HeaderSignature, api.Sign("another-secret-0123456789", now.Unix(), body))
		}, "signature refused"},
		{"body changed after signing", func(r *http.Request) {
			r.Header.Set(api.HeaderSignature, api.Sign(secret, now.Unix(), f.payment("FA0186", "1", "VIR-BAD")))
		}, "signature refused"},
		{"timestamp changed after signing", func(r *http.Request) {
			r.Header.Set(api.HeaderTimestamp, strconv.FormatInt(now.Unix()+1, 10))
		}, "signature refused"},
		{"unknown source", func(r *http.Request) { r.Header.Set(api.HeaderSource, "psp") }, "signature refused"},
		{"missing signature", func(r *http.Request) { r.Header.Del(api.HeaderSignature) }, "missing header(s) " + api.HeaderSignature},
		{"missing everything", func(r *http.Request) {
			r.Header.Del(api.HeaderSignature)
			r.Header.Del(api.HeaderSource)
			r.Header.Del(api.HeaderTimestamp)
		}, "missing header(s) X-Relance-Source, X-Relance-Timestamp, X-Relance-Signature"},
		{"not hex", func(r *http.Request) { r.Header.Set(api.HeaderSignature, "sha256=zz") }, `must be "sha256="`},
		{"no scheme", func(r *http.Request) {
			r.Header.Set(api.HeaderSignature, strings.TrimPrefix(api.Sign(secret, now.Unix(), body), "sha256="))
		}, `must be "sha256="`},
		{"timestamp not a number", func(r *http.Request) { r.Header.Set(api.HeaderTimestamp, "yesterday") }, "Unix time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", f.srv.URL+"/v1/payments", bytes.NewReader(body))
			req.Header.Set(api.HeaderSource, sourceName)
			req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
			req.Header.Set(api.HeaderSignature, api.Sign(secret, now.Unix(), body))
			tt.edit(req)
			a := f.do(req)
			if a.status != http.StatusUnauthorized || !strings.Contains(a.str("error"), tt.want) {
				t.Errorf("status %d %s, want 401 with %q", a.status, a.raw, tt.want)
			}
		})
	}
	if f.paymentsCount("VIR-BAD") != 0 || f.balance("FA0186") != "924.00" {
		t.Error("a refused request changed the ledger")
	}
}

func TestWebhookStaleTimestamp(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH3")
	for _, skew := range []time.Duration{-6 * time.Minute, 6 * time.Minute, -time.Hour} {
		a := f.paySigned(f.payment("FA0186", "100", "VIR-OLD"), time.Now().Add(skew), secret)
		if a.status != http.StatusUnauthorized || !strings.Contains(a.str("error"), "stale timestamp") {
			t.Errorf("skew %s: status %d %s, want 401 stale timestamp", skew, a.status, a.raw)
		}
	}
	// Within the tolerance it passes.
	if a := f.paySigned(f.payment("FA0186", "100", "VIR-OK"), time.Now().Add(-4*time.Minute), secret); a.status != http.StatusOK {
		t.Errorf("4 minutes old: status %d %s", a.status, a.raw)
	}
	if f.paymentsCount("VIR-OLD") != 0 {
		t.Error("a stale request was recorded")
	}
}

func TestWebhookReplayAndDuplicateCountOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH4")
	body := f.payment("FA0171", "328.00", "VIR-REPLAY") // 2328.00 due
	ts := time.Now()
	first := f.paySigned(body, ts, secret)
	replay := f.paySigned(body, ts, secret) // the same request captured and sent again
	if first.status != 200 || replay.status != 200 {
		t.Fatalf("statuses %d %d: %s %s", first.status, replay.status, first.raw, replay.raw)
	}
	if first.body["duplicate"] != false || replay.body["duplicate"] != true || replay.str("balance") != "2000.00" {
		t.Errorf("first %s\nreplay %s", first.raw, replay.raw)
	}
	// The payment system retries later with a new timestamp: still once.
	again := f.paySigned(body, ts.Add(30*time.Second), secret)
	if again.status != 200 || again.body["duplicate"] != true || again.str("balance") != "2000.00" {
		t.Errorf("retry = %d %s", again.status, again.raw)
	}
	if f.balance("FA0171") != "2000.00" || f.paymentsCount("VIR-REPLAY") != 1 {
		t.Errorf("ledger balance %s, %d payments", f.balance("FA0171"), f.paymentsCount("VIR-REPLAY"))
	}
	// The same external ID for another invoice is refused.
	other := f.pay(f.payment("FA0187", "328.00", "VIR-REPLAY"))
	if other.status != http.StatusConflict || !strings.Contains(other.str("error"), "on invoice FA0171") {
		t.Errorf("same id on another invoice: %d %s", other.status, other.raw)
	}
}

func TestWebhookNotYetDueAndOverpaid(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH5")
	// FA0214 is due in 10 days: no dunning, the payment still counts.
	a := f.pay(f.payment("FA0214", "200", "VIR-EARLY"))
	if a.status != 200 || a.str("balance") != "1000.00" || a.body["signalled"] != false {
		t.Errorf("not yet due: %d %s", a.status, a.raw)
	}
	if f.balance("FA0214") != "1000.00" {
		t.Errorf("FA0214 balance = %s", f.balance("FA0214"))
	}
	// FA0207: 216.00 due, 300 paid.
	a = f.pay(f.payment("FA0207", "300", "VIR-OVER"))
	if a.status != 200 || a.str("balance") != "0.00" || a.str("overpaid") != "84.00" {
		t.Errorf("overpaid: %d %s", a.status, a.raw)
	}
}

func TestWebhookConcurrentDuplicateDeliveries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH6")
	body := f.payment("FA0174", "562.80", "VIR-STORM") // 6562.80 due
	var wg sync.WaitGroup
	answers := make([]answer, 20)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = f.paySigned(body, time.Now(), secret)
		}()
	}
	wg.Wait()
	fresh := 0
	for _, a := range answers {
		if a.status != 200 || a.str("balance") != "6000.00" {
			t.Errorf("delivery: %d %s", a.status, a.raw)
		}
		if a.body["duplicate"] == false {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d deliveries counted, want 1", fresh)
	}
	if f.balance("FA0174") != "6000.00" || f.paymentsCount("VIR-STORM") != 1 {
		t.Errorf("ledger balance %s, %d payments", f.balance("FA0174"), f.paymentsCount("VIR-STORM"))
	}
}

func TestWebhookRefusesBadPayments(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH7")
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"negative amount", `{"company":"WH7","invoice":"FA0186","amount":"-10","currency":"EUR","paidAt":"2026-11-23","externalId":"N1"}`,
			400, "must be greater than zero"},
		{"zero amount", `{"company":"WH7","invoice":"FA0186","amount":"0","currency":"EUR","paidAt":"2026-11-23","externalId":"N2"}`,
			400, "must be greater than zero"},
		{"non-numeric amount", `{"company":"WH7","invoice":"FA0186","amount":"lots","currency":"EUR","paidAt":"2026-11-23","externalId":"N3"}`,
			400, "decimal string"},
		{"three decimals", `{"company":"WH7","invoice":"FA0186","amount":"1.005","currency":"EUR","paidAt":"2026-11-23","externalId":"N4"}`,
			400, "more than two decimals"},
		{"missing fields", `{"company":"WH7","invoice":"FA0186","amount":"10"}`,
			400, "missing field(s): externalId, currency, paidAt"},
		{"bad date", `{"company":"WH7","invoice":"FA0186","amount":"10","currency":"EUR","paidAt":"23/11/2026","externalId":"N5"}`,
			400, "paidAt"},
		{"malformed JSON", `{"company":"WH7",`, 400, "malformed JSON"},
		{"not an object", `[1,2]`, 400, "JSON object"},
		{"unknown invoice", `{"company":"WH7","invoice":"FA9999","amount":"10","currency":"EUR","paidAt":"2026-11-23","externalId":"N6"}`,
			404, "unknown invoice FA9999"},
		{"unknown company", `{"company":"NOPE","invoice":"FA0186","amount":"10","currency":"EUR","paidAt":"2026-11-23","externalId":"N7"}`,
			404, "unknown invoice"},
		{"wrong currency", `{"company":"WH7","invoice":"FA0186","amount":"10","currency":"USD","paidAt":"2026-11-23","externalId":"N8"}`,
			422, "does not match the invoice's EUR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.pay([]byte(tt.body))
			if a.status != tt.status || !strings.Contains(a.str("error"), tt.want) {
				t.Errorf("status %d %s, want %d with %q", a.status, a.raw, tt.status, tt.want)
			}
		})
	}
	if f.balance("FA0186") != "924.00" {
		t.Errorf("balance changed to %s", f.balance("FA0186"))
	}
	// A canonical decimal string is accepted.
	if a := f.pay(f.payment("FA0186", "24.00", "NUM")); a.status != 200 || a.str("balance") != "900.00" {
		t.Errorf("canonical amount: %d %s", a.status, a.raw)
	}
}

func TestWebhookOversizedBody(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "WH8")
	body := []byte(`{"company":"WH8","invoice":"FA0186","amount":"10","currency":"EUR","paidAt":"2026-11-23","externalId":"BIG","method":"` +
		strings.Repeat("x", api.MaxBody) + `"}`)
	a := f.pay(body)
	if a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d %s, want 413", a.status, a.raw)
	}
	// Without a Content-Length (chunked), the limit holds as well.
	req, _ := http.NewRequest("POST", f.srv.URL+"/v1/payments", struct{ *bytes.Reader }{bytes.NewReader(body)})
	req.ContentLength = -1
	req.Header.Set(api.HeaderSource, sourceName)
	ts := time.Now().Unix()
	req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(api.HeaderSignature, api.Sign(secret, ts, body))
	if a := f.do(req); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: status %d %s, want 413", a.status, a.raw)
	}
	if f.paymentsCount("BIG") != 0 {
		t.Error("an oversized payment was recorded")
	}
}
