package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// startDunning runs a worker for the fixture's store on a task queue of the
// test's own and starts invoice's workflow on it. One ladder day lasts an
// hour (DaySeconds 3600): no letter goes out during the test.
func (f *fixture) startDunning(invoice string) string {
	f.t.Helper()
	queue := "api-test-" + f.company
	w := worker.New(f.tc, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: f.st, Temporal: f.tc, Log: slog.New(slog.DiscardHandler)})
	if err := w.Start(); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(w.Stop)
	id := dunning.WorkflowID(f.company, invoice)
	ctx := context.Background()
	if _, err := f.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue},
		dunning.InvoiceWorkflowType, wire.Input{Company: f.company, Invoice: invoice}); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = f.tc.TerminateWorkflow(context.Background(), id, "", "test over") })
	return id
}

func (f *fixture) audit(target string) []store.AuditEntry {
	f.t.Helper()
	es, err := f.st.AuditEntries(context.Background(), store.AuditFilter{Target: target})
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

func TestOperatorSkipOnRunningWorkflow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "OPS1")
	id := f.startDunning("FA0168")
	marie := f.token("marie", store.RoleOperator)
	victor := f.token("victor", store.RoleViewer)
	path := "/v1/invoices/OPS1/FA0168"

	// The viewer reads the state from the workflow, but may not skip.
	var a answer
	deadline := time.Now().Add(20 * time.Second)
	for {
		a = f.call("GET", path, victor, nil)
		if a.str("source") == "workflow" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if a.status != 200 || a.str("source") != "workflow" || a.str("nextLevel") != "R1" || a.str("balance") != "6019.2" && a.str("balance") != "6019.20" {
		t.Fatalf("state: %d %s", a.status, a.raw)
	}
	a = f.call("POST", path+"/skip", victor, map[string]string{"reason": "I wish"})
	if a.status != http.StatusForbidden || !strings.Contains(a.str("error"), "needs the operator role") {
		t.Errorf("viewer skip: %d %s, want 403", a.status, a.raw)
	}
	if es := f.audit("OPS1/FA0168"); len(es) != 1 || es[0].Actor != "victor" || es[0].Role != "viewer" ||
		es[0].Action != "api:skip" || es[0].Outcome != store.AuditRefused {
		t.Errorf("audit after the viewer's skip = %+v", es)
	}

	// A refused update answers 409 with the workflow's reason.
	a = f.call("POST", path+"/revert", marie, map[string]string{"reason": "oops"})
	t.Logf("revert refused: %s", a.raw)
	if a.status != http.StatusConflict || !strings.Contains(a.str("error"), "is at the first level") ||
		a.str("code") != dunning.RefusedFirstLevel || fmt.Sprint(a.body["params"]) != "[FA0168 R1]" {
		t.Errorf("revert at the first level: %d %s, want 409 with the reason", a.status, a.raw)
	}

	// The operator skips R1; the actor is the token's name, whatever the body says.
	a = f.call("POST", path+"/skip", marie, map[string]string{"reason": "customer called", "actor": "someone-else"})
	if a.status != 200 || a.str("nextLevel") != "R2" {
		t.Fatalf("skip: %d %s", a.status, a.raw)
	}
	var st struct{ History []dunning.Event }
	_ = json.Unmarshal([]byte(a.raw), &st)
	var skipped *dunning.Event
	for i, e := range st.History {
		if e.Kind == dunning.EventSkipped {
			skipped = &st.History[i]
		}
	}
	if skipped == nil || skipped.Actor != "marie" || !strings.Contains(skipped.Detail, "customer called") {
		t.Errorf("state history after skip = %+v", st.History)
	}

	// The Temporal event history holds the update with marie as the actor.
	it := f.tc.GetWorkflowHistory(context.Background(), id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	found := false
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if acc := ev.GetWorkflowExecutionUpdateAcceptedEventAttributes(); acc != nil {
			in := acc.GetAcceptedRequest().GetInput()
			if in.GetName() != dunning.UpdateSkip {
				continue
			}
			for _, p := range in.GetArgs().GetPayloads() {
				var req dunning.SkipRequest
				if err := json.Unmarshal(p.GetData(), &req); err == nil && req.Actor == "marie" {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("no accepted skip update with actor marie in the workflow's event history")
	}

	// The audit log has each action with who did it and how it ended.
	es := f.audit("OPS1/FA0168")
	var got []string
	for i := len(es) - 1; i >= 0; i-- {
		got = append(got, es[i].Actor+" "+es[i].Action+" "+es[i].Outcome)
	}
	want := []string{"victor api:skip refused", "marie api:revert refused", "marie api:skip ok"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit = %v, want %v", got, want)
	}

	// Pause, then a skip is refused with the reason; comment and resume work.
	if a := f.call("POST", path+"/pause", marie, map[string]string{"reason": "dispute on delivery"}); a.status != 200 || a.str("status") != "paused" {
		t.Errorf("pause: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", path+"/skip", marie, nil); a.status != 409 || !strings.Contains(a.str("error"), "paused") {
		t.Errorf("skip when paused: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", path+"/comment", marie, map[string]string{"text": "called, will pay Friday"}); a.status != 200 {
		t.Errorf("comment: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", path+"/resume", marie, nil); a.status != 200 || a.str("status") != "active" {
		t.Errorf("resume: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", path+"/comment", marie, map[string]string{"txt": "typo"}); a.status != 400 || !strings.Contains(a.str("error"), `unknown field "txt"`) {
		t.Errorf("typo in a field: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", path+"/escalate", marie, nil); a.status != 404 {
		t.Errorf("unknown action: %d %s", a.status, a.raw)
	}

	// A webhook payment reaches the running workflow.
	p := f.pay(f.payment("FA0168", "19.20", "VIR-WF"))
	if p.status != 200 || p.body["signalled"] != true || p.str("balance") != "6000.00" {
		t.Errorf("payment to a running workflow: %d %s", p.status, p.raw)
	}
}

func TestOperatorAuthAndRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "OPS2")
	op := f.token("olga", store.RoleOperator)
	admin := f.token("ada", store.RoleAdmin)

	for _, tok := range []string{"", "rlc_not-a-token"} {
		if a := f.call("GET", "/v1/invoices?company=OPS2", tok, nil); a.status != 401 {
			t.Errorf("token %q: %d %s, want 401", tok, a.status, a.raw)
		}
	}
	// No workflow runs: the action is refused with a reason (409), an
	// unknown invoice is 404.
	if a := f.call("POST", "/v1/invoices/OPS2/FA0186/skip", op, nil); a.status != 409 || !strings.Contains(a.str("error"), "no dunning runs") {
		t.Errorf("skip without workflow: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", "/v1/invoices/OPS2/FA9999/skip", op, nil); a.status != 404 {
		t.Errorf("skip unknown invoice: %d %s", a.status, a.raw)
	}

	// Do-not-remind is for admins.
	dnr := "/v1/customers/OPS2/CLI0009/do-not-remind"
	if a := f.call("POST", dnr, op, map[string]bool{"on": true}); a.status != 403 {
		t.Errorf("operator do-not-remind: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", dnr, admin, map[string]any{}); a.status != 400 {
		t.Errorf("do-not-remind without on: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", dnr, admin, map[string]bool{"on": true}); a.status != 200 || a.body["doNotRemind"] != true {
		t.Errorf("admin do-not-remind: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", "/v1/customers/OPS2/CLI9999/do-not-remind", admin, map[string]bool{"on": true}); a.status != 404 {
		t.Errorf("unknown customer: %d %s", a.status, a.raw)
	}
	id, _ := f.st.InvoiceID(context.Background(), "OPS2", "FA0168")
	if chk, _ := f.st.CheckInvoice(context.Background(), id); chk.HoldReason != "customer is marked do-not-remind" {
		t.Errorf("hold = %q", chk.HoldReason)
	}
	es := f.audit("OPS2/customer/CLI0009")
	if len(es) != 3 || es[0].Actor != "ada" || es[0].Outcome != "ok" || es[0].Detail != "on=true" || es[2].Actor != "olga" || es[2].Outcome != "refused" {
		t.Errorf("do-not-remind audit = %+v", es)
	}

	// Tokens: admin creates, the new token works, revoking refuses it.
	if a := f.call("POST", "/v1/tokens", op, map[string]string{"name": "eve", "role": "admin"}); a.status != 403 {
		t.Errorf("operator creates a token: %d %s", a.status, a.raw)
	}
	a := f.call("POST", "/v1/tokens", admin, map[string]string{"name": "vic", "role": "viewer"})
	if a.status != 201 || !strings.HasPrefix(a.str("token"), "rlc_") {
		t.Fatalf("create token: %d %s", a.status, a.raw)
	}
	vic := a.str("token")
	if a := f.call("GET", "/v1/invoices?company=OPS2", vic, nil); a.status != 200 {
		t.Errorf("new token: %d %s", a.status, a.raw)
	}
	if a := f.call("POST", "/v1/tokens", admin, map[string]string{"name": "vic", "role": "boss"}); a.status != 400 {
		t.Errorf("bad role: %d %s", a.status, a.raw)
	}
	if a := f.call("GET", "/v1/tokens", admin, nil); a.status != 200 || strings.Contains(a.raw, vic) {
		t.Errorf("token list shows tokens or fails: %d %s", a.status, a.raw)
	}
	if a := f.call("DELETE", "/v1/tokens/vic", admin, nil); a.status != 200 {
		t.Errorf("revoke: %d %s", a.status, a.raw)
	}
	if a := f.call("GET", "/v1/invoices?company=OPS2", vic, nil); a.status != 401 || !strings.Contains(a.str("error"), "revoked") {
		t.Errorf("revoked token: %d %s", a.status, a.raw)
	}
	if a := f.call("GET", "/v1/audit?actor=ada", admin, nil); a.status != 200 || !strings.Contains(a.raw, "token-revoke") {
		t.Errorf("audit read: %d %s", a.status, a.raw)
	}
}

func TestOperatorReadsWithoutWorkflow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "OPS3")
	v := f.token("vera", store.RoleViewer)

	// No workflow: the state comes from the database mirror.
	a := f.call("GET", "/v1/invoices/OPS3/FA0176", v, nil)
	if a.status != 200 || a.str("source") != "database" || a.str("customer") != "CLI0009" || a.str("balance") != "4999.14" {
		t.Errorf("state from the database: %d %s", a.status, a.raw)
	}
	if a := f.call("GET", "/v1/invoices/OPS3/FA9999", v, nil); a.status != 404 {
		t.Errorf("unknown invoice: %d %s", a.status, a.raw)
	}

	// Lists from the projection columns.
	id, _ := f.st.InvoiceID(context.Background(), "OPS3", "FA0171")
	_ = f.st.RecordEvents(context.Background(), id, dunning.WorkflowID("OPS3", "FA0171"), nil,
		dunning.Snapshot{Status: dunning.StatusPaused, Level: "R2", NextLevel: "R3"})
	a = f.call("GET", "/v1/invoices?company=OPS3&level=R2&status=paused", v, nil)
	if a.status != 200 || a.body["count"] != float64(1) || !strings.Contains(a.raw, `"invoice": "FA0171"`) {
		t.Errorf("R2 paused: %d %s", a.status, a.raw)
	}
	a = f.call("GET", "/v1/invoices?company=OPS3&customer=CLI0009&overdueDays=40", v, nil)
	if a.status != 200 || a.body["count"] != float64(2) { // FA0168 (62 days), FA0176 (45)
		t.Errorf("CLI0009 40 days: %d %s", a.status, a.raw)
	}
	for _, bad := range []string{"", "?company=OPS3&overdueDays=-1", "?company=OPS3&colour=red", "?company=OPS3&overCreditLimit=maybe"} {
		if a := f.call("GET", "/v1/invoices"+bad, v, nil); a.status != 400 || a.str("error") == "" {
			t.Errorf("list %q: %d %s, want 400", bad, a.status, a.raw)
		}
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/v1/invoices?company=OPS3&over_credit_limit=false&format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+v)
	c := f.do(req)
	if c.status != 200 || !strings.Contains(c.raw, "FA0168;CLI0009;INFO DEBUTANT") || !strings.Contains(c.raw, "6019,20") {
		t.Errorf("csv: %d %s", c.status, c.raw)
	}
}
