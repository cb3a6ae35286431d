package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/filtercases"
	"github.com/shopspring/decimal"
)

func TestSentence(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lang, kind, level, detail string
		want, wantDetail          string
	}{
		{"fr", "letter_sent", "Relance 2", "sent to paul@x", "Lettre « Relance 2 » envoyée", ""},
		{"en", "letter_sent", "Reminder 2", "sent", "Letter “Reminder 2” sent", ""},
		{"fr", "skipped", "Relance 1", "R1 skipped without a letter, next R2 (client au téléphone)", "Niveau « Relance 1 » ignoré, sans lettre", "client au téléphone"},
		{"fr", "reverted", "Relance 2", "back from R3 to R2: its letter will be sent again when due", "Retour au niveau « Relance 2 »", ""},
		{"fr", "paused", "R1", "paused: litige, until 2026-12-03", "Mise en pause", "litige, jusqu'au 03/12/2026"},
		{"fr", "commented", "R1", "Promesse au 30", "Commentaire", "Promesse au 30"},
		{"fr", "something_new", "", "x", "something_new", "x"},
	}
	for _, c := range cases {
		got, detail := sentence(c.lang, c.kind, c.level, c.detail)
		if got != c.want || detail != c.wantDetail {
			t.Errorf("sentence(%s, %s) = %q, %q; want %q, %q", c.lang, c.kind, got, detail, c.want, c.wantDetail)
		}
	}
}

func TestParseListReportsBrokenFilters(t *testing.T) {
	t.Parallel()
	co := store.Company{Code: "DEMO"}
	codes := []string{"R1", "R2", "R3", "MED"}
	cases := []struct {
		query  string
		errors int
		check  func(store.InvoiceFilter) bool
	}{
		{"tab=R2&sort=balance&desc=1&page=3", 0, func(f store.InvoiceFilter) bool {
			return f.Tab == "R2" && f.Sort == "balance" && f.Desc && f.Offset == 2*pageSize
		}},
		{"overdue=abc&avail=x&sort=nope&tab=ZZ&page=-1", 5, func(f store.InvoiceFilter) bool {
			return f.Tab == "" && f.Sort == "" && f.OverdueDays == 0 && f.AvailableCreditBelow == nil && f.Offset == 0
		}},
		{"overcredit=on&avail=1 000,50&overdue=30&customer=CLI0009", 0, func(f store.InvoiceFilter) bool {
			return f.OverCreditLimit && f.AvailableCreditBelow.String() == "1000.5" && f.OverdueDays == 30 && f.Customer == "CLI0009"
		}},
	}
	for _, c := range cases {
		q, _ := url.ParseQuery(c.query)
		lq := parseList("fr", q, co, codes, time.Now())
		if len(lq.errors) != c.errors || !c.check(lq.filter) {
			t.Errorf("%s: errors %v, filter %+v", c.query, lq.errors, lq.filter)
		}
	}
}

// TestSameFilterAsTheOtherDoors reads the filters of filtercases under the
// filter's names and under the web form's older names: the Relances screen
// selects what the command line and the API select, and says why it
// leaves a refused parameter out.
func TestSameFilterAsTheOtherDoors(t *testing.T) {
	t.Parallel()
	co := store.Company{Code: filtercases.Company}
	codes := []string{"R1", "R2", "R3", "MED"}
	for _, c := range filtercases.Cases {
		for _, names := range []map[string]string{nil, filtercases.WebNames} {
			q := filtercases.Query(c.Params, names)
			lq := parseList("fr", q, co, codes, time.Now())
			if len(lq.errors) > 0 || !filtercases.Same(lq.filter, c.Want) {
				t.Errorf("%s (%v): %v %+v, want %+v", c.Name, q, lq.errors, filtercases.Selection(lq.filter), c.Want)
			}
		}
	}
	for _, p := range filtercases.Refused {
		lq := parseList("en", filtercases.Query([][2]string{p}, nil), co, codes, time.Now())
		if len(lq.errors) != 1 || !filtercases.Same(lq.filter, store.InvoiceFilter{Company: co.Code}) || lq.values.Get(p[0]) != "" {
			t.Errorf("%s=%s: errors %v, filter %+v", p[0], p[1], lq.errors, lq.filter)
		}
	}
	// A refused value is named by its field's label.
	lq := parseList("fr", url.Values{"overdue": {"abc"}}, co, codes, time.Now())
	if len(lq.errors) != 1 || lq.errors[0] != "Échue depuis plus de (jours) : « abc » n'est pas un nombre entier de 0 à 36500" {
		t.Errorf("errors %q", lq.errors)
	}
	// The links carry the filter's names.
	lq = parseList("fr", url.Values{"rep": {"JD"}, "overcredit": {"on"}, "sort": {"balance"}}, co, codes, time.Now())
	if got := lq.url(co.Code); got != "/c/DEMO/relances?over-credit-limit=1&sales-rep=JD&sort=balance" {
		t.Errorf("url %s", got)
	}
}

func TestFormatMoney(t *testing.T) {
	t.Parallel()
	d := decimal.RequireFromString("-6364.8")
	if got := formatMoney("fr", d, "EUR"); got != "-6\u202f364,80\u202f€" {
		t.Errorf("fr: %q", got)
	}
	if got := formatMoney("en", d, "EUR"); got != "-6,364.80\u00a0€" {
		t.Errorf("en: %q", got)
	}
}

func TestTemplatesParse(t *testing.T) {
	t.Parallel()
	s := &Server{}
	if err := s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	for _, name := range pageNames {
		if s.pages[name].Lookup("content") == nil {
			t.Errorf("page %s defines no content", name)
		}
	}
}
