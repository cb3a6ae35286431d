package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestCadenceSettings: the company's cadence is shown (7 by default),
// changed and refused beside its field on the company page; a customer
// gets its own on its record, and gives it back by emptying the field;
// a viewer cannot change it.
func TestCadenceSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	today := calendar.Of(time.Now().In(adminParis))
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "CAD", EmailDomain: "cad.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "alice", "mot-de-passe-solide", store.RoleAdmin, []string{"CAD"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "victor", "mot-de-passe-solide", store.RoleViewer, []string{"CAD"}); err != nil {
		t.Fatal(err)
	}
	a := newAdminClient(t, st, "alice", "mot-de-passe-solide")
	company := func(cadence string) (int, string) {
		c, err := st.CompanySettings(ctx, "CAD")
		if err != nil {
			t.Fatal(err)
		}
		a.get("/admin/companies/CAD")
		return a.post("/admin/companies/CAD", url.Values{"legal-name": {c.LegalName}, "address": {strings.Join(c.AddressLines, "\n")},
			"city": {c.City}, "siret": {c.SIRET}, "vat": {c.VATNumber}, "rcs": {c.RCS}, "iban": {c.IBAN}, "bic": {c.BIC},
			"sender-email": {c.SenderEmail}, "time-zone": {c.TimeZone}, "language": {c.Language}, "send-hour": {"9"},
			"holidays": {c.Holidays}, "cadence": {cadence}})
	}
	if _, body := a.get("/admin/companies/CAD"); !strings.Contains(body, `name="cadence" value="" placeholder="7"`) || !strings.Contains(body, "Une lettre par client au plus tous les") {
		t.Errorf("company page without the cadence (7): %.3000s", body)
	}
	if status, body := company("14"); status != http.StatusOK {
		t.Errorf("cadence 14: %d %.500s", status, body)
	}
	if n, err := st.CompanyCadence(ctx, "CAD"); err != nil || n == nil || *n != 14 {
		t.Errorf("company cadence %v (%v), want 14", n, err)
	}
	status, body := company("quinze")
	if status != http.StatusUnprocessableEntity || !regexp.MustCompile(`(?s)data-field="cadence">.*?class="error"[^>]*>&#34;quinze&#34; : un nombre de jours de 0 \(chaque jour ouvré\) à 90 est attendu`).MatchString(body) {
		t.Errorf("cadence \"quinze\": %d; body %.3000s", status, body)
	}
	if n, _ := st.CompanyCadence(ctx, "CAD"); n == nil || *n != 14 {
		t.Errorf("a refused cadence changed it to %v", n)
	}

	cust := "/c/CAD/customers/CLI0001"
	if _, body := a.get(cust); !strings.Contains(body, `placeholder="14"`) || !strings.Contains(body, "comme la société (14 jours)") {
		t.Errorf("customer record without the company's cadence: %.3000s", body)
	}
	a.post(cust+"/cadence", url.Values{"cadence": {"30"}, "back": {cust}})
	if c, err := st.CustomerCadence(ctx, "CAD", "CLI0001"); err != nil || c.Days != 30 || !c.Override || c.CompanyDays != 14 {
		t.Errorf("customer cadence %+v (%v), want its own 30", c, err)
	}
	a.get(cust)
	a.post(cust+"/cadence", url.Values{"cadence": {"91"}, "back": {cust}})
	if c, _ := st.CustomerCadence(ctx, "CAD", "CLI0001"); c.Days != 30 {
		t.Errorf("a refused customer cadence changed it to %d", c.Days)
	}
	a.get(cust)
	a.post(cust+"/cadence", url.Values{"cadence": {""}, "back": {cust}})
	if c, _ := st.CustomerCadence(ctx, "CAD", "CLI0001"); c.Days != 14 || c.Override {
		t.Errorf("emptied: %+v, want the company's 14", c)
	}
	v := newAdminClient(t, st, "victor", "mot-de-passe-solide")
	v.get(cust)
	v.post(cust+"/cadence", url.Values{"cadence": {"2"}, "back": {cust}})
	if c, _ := st.CustomerCadence(ctx, "CAD", "CLI0001"); c.Override {
		t.Errorf("a viewer set the customer's cadence: %+v", c)
	}
}
