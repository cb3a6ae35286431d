package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestBadInputIsRefusedWithAMessage: a bad ?date= answers 400 with the
// message on every page and file that takes a date (never today's page or
// PDF); an over-long comment, reason or call note is refused with a
// message, never cut and saved.
func TestBadInputIsRefusedWithAMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	today := calendar.Of(time.Now().In(adminParis))
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "BAD", EmailDomain: "bad.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "olga", "mot-de-passe-solide", store.RoleOperator, []string{"BAD"}); err != nil {
		t.Fatal(err)
	}
	a := newAdminClient(t, st, "olga", "mot-de-passe-solide")
	for _, path := range []string{
		"/c/BAD/letters/lettres.pdf?date=abc", "/c/BAD/letters/lettres.zip?date=abc", "/c/BAD/letters?date=abc",
		"/c/BAD/proposal?date=abc", "/c/BAD/dashboard?date=2026-13-45", "/c/BAD/dashboard/aging.csv?date=abc",
		"/c/BAD/proposal/preview/FA0168?level=MED&date=abc",
	} {
		status, body := a.get(path)
		if status != http.StatusBadRequest || !strings.Contains(body, "Date incorrecte") {
			t.Errorf("GET %s: %d, want 400 with the message; %.200s", path, status, body)
		}
	}

	// The favicon exists; an unknown page keeps the signed-in header.
	resp, err := a.c.Get(a.base + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if status, body := a.get("/nope"); status != http.StatusNotFound || !strings.Contains(body, `id="signout"`) || !strings.Contains(body, "olga") {
		t.Errorf("/nope while signed in: %d, signed-in header missing: %.600s", status, body)
	}

	long := strings.Repeat("é", 20000)
	a.get("/c/BAD/relances")
	_, body := a.post("/c/BAD/act/comment", url.Values{"invoice": {"FA0168"}, "text": {long}})
	if !strings.Contains(body, "Texte trop long : 20000 caractères") {
		t.Errorf("a 20 000-character comment is not refused with a message: %.500s", body)
	}
	_, body = a.post("/c/BAD/act/pause", url.Values{"invoice": {"FA0168"}, "reason": {long}})
	if !strings.Contains(body, "Texte trop long") {
		t.Errorf("a 20 000-character pause reason is not refused: %.500s", body)
	}
	a.get("/c/BAD/customers/CLI0009")
	_, body = a.post("/c/BAD/customers/CLI0009/calls", url.Values{"note": {long}, "outcome": {"promesse"}})
	if !strings.Contains(body, "Texte trop long") {
		t.Errorf("a 20 000-character call note is not refused: %.500s", body)
	}
	calls, err := st.Calls(ctx, "BAD", "CLI0009")
	if err != nil || len(calls) != 0 {
		t.Errorf("the refused call was saved: %v %v", calls, err)
	}
	var comments int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM history WHERE kind = 'commented'`).Scan(&comments); err != nil || comments != 0 {
		t.Errorf("%d comments saved (%v)", comments, err)
	}
}

// TestCallsEditedAndDeleted: the customer record's calls table has its
// headers; a call is edited and deleted from the screen.
func TestCallsEditedAndDeleted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	today := calendar.Of(time.Now().In(adminParis))
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "CAL", EmailDomain: "cal.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "olga", "mot-de-passe-solide", store.RoleOperator, []string{"CAL"}); err != nil {
		t.Fatal(err)
	}
	call, err := st.AddCall(ctx, "CAL", "CLI0009", store.NewCall{Author: "olga", Outcome: "injoignable"})
	if err != nil {
		t.Fatal(err)
	}
	a := newAdminClient(t, st, "olga", "mot-de-passe-solide")
	_, page := a.get("/c/CAL/customers/CLI0009")
	if !strings.Contains(page, `<table class="grid" id="calls">`) || !strings.Contains(page, "<th>Résultat</th>") {
		t.Fatalf("calls table without headers")
	}
	id := strconv.FormatInt(call.ID, 10)
	_, body := a.post("/c/CAL/customers/CLI0009/calls/"+id, url.Values{"outcome": {"promesse"}, "note": {"paiera vendredi"},
		"promisedOn": {today.AddDays(4).String()}, "promisedAmount": {"500,00"}})
	if !strings.Contains(body, "Appel modifié") {
		t.Errorf("edit: %.400s", body)
	}
	calls, _ := st.Calls(ctx, "CAL", "CLI0009")
	if len(calls) != 1 || calls[0].Outcome != "promesse" || calls[0].Note != "paiera vendredi" || calls[0].PromisedAmount == nil {
		t.Errorf("call after edit: %+v", calls)
	}
	_, body = a.post("/c/CAL/customers/CLI0009/calls/"+id+"/delete", url.Values{})
	if !strings.Contains(body, "Appel supprimé") {
		t.Errorf("delete: %.400s", body)
	}
	if calls, _ := st.Calls(ctx, "CAL", "CLI0009"); len(calls) != 0 {
		t.Errorf("call still listed after delete: %+v", calls)
	}
}
