package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/filtercases"
)

// TestSameFilterAsTheOtherDoors reads the filters of filtercases under the
// filter's names and under the API's older names (camelCase): the API
// selects what the command line and the web app select.
func TestSameFilterAsTheOtherDoors(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(context.Background(), st, demo.Options{Today: calendar.Of(time.Now())}); err != nil {
		t.Fatal(err)
	}
	s := &server{st: st, now: time.Now}
	read := func(q map[string][]string) (store.InvoiceFilter, bool, invalidBody) {
		rec := httptest.NewRecorder()
		q["company"] = []string{filtercases.Company}
		f, ok := s.readFilter(rec, httptest.NewRequest("GET", "/v1/invoices", nil), q, actions.ListRows, "format")
		var body invalidBody
		if !ok {
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
		}
		return f, ok, body
	}
	for _, c := range filtercases.Cases {
		for _, names := range []map[string]string{nil, filtercases.APINames} {
			f, ok, body := read(filtercases.Query(c.Params, names))
			if !ok || !filtercases.Same(f, c.Want) {
				t.Errorf("%s (%v): %v %+v, want %+v", c.Name, filtercases.Query(c.Params, names), body, filtercases.Selection(f), c.Want)
			}
		}
	}
	for _, p := range filtercases.Refused {
		if _, ok, body := read(filtercases.Query([][2]string{p}, nil)); ok || body.Code == "" || body.Params["name"] != p[0] {
			t.Errorf("%s=%s: accepted or without a code: %+v", p[0], p[1], body)
		}
	}
}
