package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/relance/relance/ledger/store"
)

func TestBulkSkipAndCustomerStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "BULK1")
	f.startDunning("FA0168")
	f.startDunning("FA0184")
	marie := f.token("marie", store.RoleOperator)
	victor := f.token("victor", store.RoleViewer)
	boss := f.token("boss", store.RoleAdmin)
	body := map[string]any{"company": "BULK1", "invoices": []string{"FA0168", "FA0184", "NOPE"}, "reason": "relance groupée"}

	if a := f.call("POST", "/v1/bulk/skip", victor, body); a.status != http.StatusForbidden {
		t.Errorf("viewer bulk skip: %d %s", a.status, a.raw)
	}
	var a answer
	deadline := time.Now().Add(20 * time.Second)
	for { // the workflows need a moment to start
		a = f.call("POST", "/v1/bulk/skip", marie, body)
		if done, _ := a.body["done"].(float64); done == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if a.status != 200 || a.body["done"].(float64) != 2 || a.body["selected"].(float64) != 3 {
		t.Fatalf("bulk skip: %d %s", a.status, a.raw)
	}
	if es := f.audit("BULK1/FA0184"); len(es) == 0 || es[len(es)-1].Actor != "marie" {
		t.Errorf("bulk skip not audited with its author: %+v", es)
	}

	if a := f.call("POST", "/v1/customers/BULK1/CLI0009/status", marie, map[string]string{"status": "CTX"}); a.status != http.StatusForbidden {
		t.Errorf("operator status change: %d, want 403 (admin only)", a.status)
	}
	if a := f.call("POST", "/v1/customers/BULK1/CLI0009/status", boss, map[string]string{"status": "NOPE"}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown status: %d %s, want 422", a.status, a.raw)
	}
	a = f.call("POST", "/v1/customers/BULK1/CLI0009/status", boss, map[string]string{"status": "CTX"})
	if a.status != 200 || a.body["told"].(float64) != 2 {
		t.Fatalf("litigation status: %d %s, want both running dunnings told", a.status, a.raw)
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		a = f.call("GET", "/v1/invoices/BULK1/FA0168", victor, nil)
		if a.str("status") == "held" || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if a.str("status") != "held" {
		t.Errorf("FA0168 after litigation: %s", a.raw)
	}
}
