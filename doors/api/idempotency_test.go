package api_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/relance/relance/ledger/store"
)

// TestOperatorRetryWithIdempotencyKeySkipsOnce: a client that retries a
// skip after a timeout with the same Idempotency-Key moves the invoice one
// level, not two.
func TestOperatorRetryWithIdempotencyKeySkipsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "IDEM1")
	f.startDunning("FA0168")
	marie := f.token("marie", store.RoleOperator)
	path := "/v1/invoices/IDEM1/FA0168"
	deadline := time.Now().Add(20 * time.Second)
	for f.call("GET", path, marie, nil).str("source") != "workflow" && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	skip := func(key string) answer {
		req, _ := http.NewRequest("POST", f.srv.URL+path+"/skip", bytes.NewReader([]byte(`{"reason":"called"}`)))
		req.Header.Set("Authorization", "Bearer "+marie)
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		return f.do(req)
	}
	for i := range 3 {
		if a := skip("retry-1"); a.status != 200 || a.str("nextLevel") != "R2" {
			t.Fatalf("attempt %d: %d %s, want 200 next level R2", i+1, a.status, a.raw)
		}
	}
	if a := f.call("GET", path, marie, nil); a.str("nextLevel") != "R2" {
		t.Errorf("after three deliveries of one skip: next level %s, want R2", a.str("nextLevel"))
	}
	if a := skip("retry-2"); a.status != 200 || a.str("nextLevel") != "R3" {
		t.Errorf("a new key is a new skip: %d %s", a.status, a.raw)
	}
}
