package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/api"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/xuri/excelize/v2"
)

// dbFixture is a fixture without Temporal: exports and calls only touch
// the database.
func dbFixture(t *testing.T, company string) *fixture {
	t.Helper()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(context.Background(), st, demo.Options{Today: today, Code: company}); err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	srv := httptest.NewServer(api.New(&actions.Ops{Store: st}, st, slog.New(slog.NewTextHandler(logs, nil)), time.Now))
	t.Cleanup(srv.Close)
	return &fixture{t: t, company: company, st: st, srv: srv, logs: logs}
}

// download gets path with token and returns the response and its body.
func (f *fixture) download(path, token string) (*http.Response, []byte) {
	f.t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestExportEndpoints(t *testing.T) {
	t.Parallel()
	f := dbFixture(t, "EXP1")
	ctx := context.Background()
	viewer := f.token("victor", store.RoleViewer)
	id, _ := f.st.InvoiceID(ctx, "EXP1", "FA0168")
	if err := f.st.RecordEvents(ctx, id, dunning.WorkflowID("EXP1", "FA0168"),
		[]dunning.Event{{Seq: 1, At: time.Now().Add(-time.Hour), Kind: dunning.EventLetterSent, Level: "R1", Detail: "e-mail"}},
		dunning.Snapshot{Status: dunning.StatusActive, Level: "R1", NextLevel: "R2"}); err != nil {
		t.Fatal(err)
	}

	resp, body := f.download("/v1/exports/invoices.xlsx?company=EXP1&customer=CLI0009", viewer)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="relances-EXP1-`) || resp.Header.Get("X-Relance-Rows") != "3" {
		t.Fatalf("invoices.xlsx: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(export.InvoicesSheet)
	x.Close()
	if len(rows) != 4 || rows[1][1] != "FA0168" || rows[1][0] != "R1" {
		t.Errorf("xlsx rows = %q", rows)
	}

	resp, body = f.download("/v1/exports/invoices.csv?company=EXP1&overdue_days=60", viewer)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(string(body), "\ufeffNiveau;") || !strings.Contains(string(body), ";6364,80;") {
		t.Errorf("invoices.csv: %d %s", resp.StatusCode, body)
	}

	resp, body = f.download("/v1/exports/history.csv?company=EXP1&from="+today.AddDays(-1).String(), viewer)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "FA0168;CLI0009;INFO DEBUTANT;Lettre envoyée;R1;e-mail;") {
		t.Errorf("history.csv: %d %s", resp.StatusCode, body)
	}
	resp, body = f.download("/v1/exports/history.xlsx?company=EXP1", viewer)
	if resp.StatusCode != 200 || resp.Header.Get("X-Relance-Rows") != "1" {
		t.Errorf("history.xlsx: %d %s", resp.StatusCode, resp.Header)
	}

	for path, want := range map[string]int{
		"/v1/exports/invoices.ods?company=EXP1":                              404,
		"/v1/exports/letters.csv?company=EXP1":                               404,
		"/v1/exports/invoices.csv":                                           400,
		"/v1/exports/invoices.csv?company=NOPE":                              404,
		"/v1/exports/invoices.csv?company=EXP1&colour=red":                   400,
		"/v1/exports/invoices.csv?company=EXP1&overdueDays=x":                400,
		"/v1/exports/history.csv?company=EXP1&from=1/1/2026":                 400,
		"/v1/exports/history.csv?company=EXP1&level=R1":                      400,
		"/v1/exports/history.csv?company=EXP1&from=2026-02-01&to=2026-01-01": 400,
	} {
		if a := f.call("GET", path, viewer, nil); a.status != want || a.str("error") == "" {
			t.Errorf("%s: %d %s, want %d with an error", path, a.status, a.raw, want)
		}
	}
	if a := f.call("GET", "/v1/exports/invoices.csv?company=EXP1", "", nil); a.status != 401 {
		t.Errorf("no token: %d", a.status)
	}
	es := f.audit("EXP1/exports/invoices.xlsx")
	if len(es) != 1 || es[0].Actor != "victor" || es[0].Action != "api:export" || !strings.HasPrefix(es[0].Detail, "3 rows") {
		t.Errorf("export audit = %+v", es)
	}
}

func TestCallEndpoints(t *testing.T) {
	t.Parallel()
	f := dbFixture(t, "CALL1")
	viewer := f.token("victor", store.RoleViewer)
	marie := f.token("marie", store.RoleOperator)
	path := "/v1/customers/CALL1/CLI0009/calls"
	target := "CALL1/customer/CLI0009"

	if a := f.call("POST", path, viewer, map[string]string{"note": "x"}); a.status != 403 {
		t.Errorf("viewer add: %d %s", a.status, a.raw)
	}
	a := f.call("POST", path, marie, map[string]any{"contact": "M. Durand", "outcome": "promesse", "note": "paiera vendredi",
		"promisedOn": "2026-12-01", "promisedAmount": "500.00"})
	if a.status != 201 || a.str("author") != "marie" || a.str("promisedOn") != "2026-12-01" || a.str("promisedAmount") != "500" {
		t.Fatalf("add: %d %s", a.status, a.raw)
	}
	callID := int64(a.body["id"].(float64))
	if a := f.call("POST", path, marie, map[string]any{"outcome": "injoignable", "promisedAmount": 120.5}); a.status != 201 || a.str("promisedAmount") != "120.5" {
		t.Errorf("numeric promised amount: %d %s", a.status, a.raw)
	}
	for _, bad := range []map[string]any{
		{"author": "someone-else", "note": "x"},
		{"note": "x", "promisedAmount": "-5"},
		{"note": "x", "promisedOn": "01/12/2026"},
		{},
	} {
		if a := f.call("POST", path, marie, bad); a.status != 400 || a.str("error") == "" {
			t.Errorf("bad call %v: %d %s", bad, a.status, a.raw)
		}
	}
	if a := f.call("POST", "/v1/customers/CALL1/CLI9999/calls", marie, map[string]string{"note": "x"}); a.status != 404 {
		t.Errorf("unknown customer: %d %s", a.status, a.raw)
	}

	a = f.call("GET", path, viewer, nil)
	var list struct {
		Count int
		Calls []store.Call
	}
	_ = json.Unmarshal([]byte(a.raw), &list)
	if a.status != 200 || list.Count != 2 || list.Calls[1].ID != callID || list.Calls[1].Contact != "M. Durand" {
		t.Errorf("list: %d %s", a.status, a.raw)
	}

	del := path + "/" + jsonInt(callID)
	if a := f.call("DELETE", del, viewer, nil); a.status != 403 {
		t.Errorf("viewer delete: %d", a.status)
	}
	if a := f.call("DELETE", "/v1/customers/CALL1/CLI0001/calls/"+jsonInt(callID), marie, nil); a.status != 404 {
		t.Errorf("delete under another customer: %d %s", a.status, a.raw)
	}
	if a := f.call("DELETE", del, marie, nil); a.status != 200 || a.body["deleted"] != true {
		t.Errorf("delete: %d %s", a.status, a.raw)
	}
	if a := f.call("DELETE", del, marie, nil); a.status != 404 {
		t.Errorf("second delete: %d %s", a.status, a.raw)
	}
	if a := f.call("DELETE", path+"/abc", marie, nil); a.status != 400 {
		t.Errorf("bad id: %d %s", a.status, a.raw)
	}
	if a := f.call("GET", path, viewer, nil); a.body["count"] != float64(1) {
		t.Errorf("after delete: %s", a.raw)
	}

	// Every attempt to change the log is audited with who asked.
	es := f.audit(target)
	var got []string
	for i := len(es) - 1; i >= 0; i-- {
		got = append(got, es[i].Actor+" "+es[i].Action+" "+es[i].Outcome)
	}
	want := "victor api:call-add refused, marie api:call-add ok, marie api:call-add ok, " +
		"marie api:call-add refused, marie api:call-add refused, marie api:call-add refused, marie api:call-add refused, " +
		"victor api:call-delete refused, marie api:call-delete ok, marie api:call-delete refused, marie api:call-delete refused"
	if strings.Join(got, ", ") != want {
		t.Errorf("audit =\n%s\nwant\n%s", strings.Join(got, ", "), want)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
