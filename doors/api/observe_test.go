package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetricsAndReadiness: /readyz answers 200 with PostgreSQL and
// Temporal up; /metrics carries the webhook's answers by status.
func TestMetricsAndReadiness(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "OB1")
	f.pay([]byte(`{"company":"OB1","invoice":"FA0186","amount":"1,250","currency":"EUR","paidAt":"2026-11-23","externalId":"M1"}`))
	req, _ := http.NewRequest("GET", f.srv.URL+"/readyz", nil)
	if a := f.do(req); a.status != 200 || !strings.Contains(a.raw, "ok") {
		t.Errorf("/readyz: %d %s", a.status, a.raw)
	}
	req, _ = http.NewRequest("GET", f.srv.URL+"/metrics", nil)
	a := f.do(req)
	if a.status != 200 || !strings.Contains(a.raw, `relance_webhook_answers_total{status="400"}`) ||
		!strings.Contains(a.raw, `relance_letters_total{outcome="uncertain"}`) {
		t.Errorf("/metrics: %d\n%s", a.status, a.raw)
	}
}
