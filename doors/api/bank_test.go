package api_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/relance/relance/doors/api"
	"github.com/relance/relance/ledger/store"
)

// postStatement posts a statement file as an EBICS client does.
func (f *fixture) postStatement(token, query string, data []byte) answer {
	f.t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/v1/bank/statements"+query, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/xml")
	req.Header.Set(api.HeaderFileName, "camt053-sample.xml")
	return f.do(req)
}

// TestBankStatementEndpoint: an EBICS client posts the day's CAMT.053 with
// an operator token: the entries are imported and matched; posting it
// again changes nothing; a viewer token, a token limited to another
// company and a file that is no statement are refused.
func TestBankStatementEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "BANKAPI")
	ctx := context.Background()
	data, err := os.ReadFile("../../ledger/bank/testdata/camt053-sample.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateCompany(ctx, store.Company{Code: "OTHERCO", LegalName: "Other"}); err != nil {
		t.Fatal(err)
	}
	viewer := f.token("reader", store.RoleViewer)
	other := f.token("other-ebics", store.RoleOperator)
	if err := f.st.SetTokenScope(ctx, "other-ebics", store.Scope{"OTHERCO"}); err != nil {
		t.Fatal(err)
	}
	ebics := f.token("ebics", store.RoleOperator)
	if err := f.st.SetTokenScope(ctx, "ebics", store.Scope{"BANKAPI"}); err != nil {
		t.Fatal(err)
	}
	if a := f.postStatement(viewer, "", data); a.status != http.StatusForbidden {
		t.Fatalf("viewer: %d %s", a.status, a.raw)
	}
	if a := f.postStatement(other, "", data); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("token of another company: %d %s", a.status, a.raw)
	}
	if a := f.postStatement(other, "?company=BANKAPI", data); a.status != http.StatusForbidden {
		t.Fatalf("token of another company naming BANKAPI: %d %s", a.status, a.raw)
	}
	if a := f.postStatement(ebics, "", []byte("not a statement")); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("garbage: %d %s", a.status, a.raw)
	}
	a := f.postStatement(ebics, "?company=BANKAPI", data)
	if a.status != http.StatusOK || a.body["new"] != float64(7) || a.body["matched"] != float64(5) {
		t.Fatalf("import: %d %s", a.status, a.raw)
	}
	if got := f.balance("FA0168"); got != "0.00" {
		t.Errorf("FA0168 balance %s after the statement", got)
	}
	a = f.postStatement(ebics, "", data)
	if a.status != http.StatusOK || a.body["new"] != float64(0) || a.body["known"] != float64(7) {
		t.Fatalf("second post: %d %s", a.status, a.raw)
	}
	list := f.call("GET", "/v1/bank/transactions?company=BANKAPI&status=matched", viewer, nil)
	if txs, _ := list.body["transactions"].([]any); list.status != http.StatusOK || len(txs) != 4 {
		t.Fatalf("list: %d %s", list.status, list.raw)
	}
}
