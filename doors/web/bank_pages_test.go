package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestBankPageLanguagesAndRoles: the Rapprochement screen reads in French,
// and in English once chosen; a viewer sees it without the upload nor the
// decisions, and a decision it sends anyway is refused.
func TestBankPageLanguagesAndRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.Of(time.Now()), Code: "BKP"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role store.Role
	}{{"olga", store.RoleOperator}, {"victor", store.RoleViewer}} {
		if _, err := st.CreateUser(ctx, u.name, "mot-de-passe-solide", u.role, []string{"BKP"}); err != nil {
			t.Fatal(err)
		}
	}
	// A statement imported and matched without payments: the credits all
	// wait (no decision recorded but exceptions).
	data, _ := os.ReadFile("../../ledger/bank/testdata/camt053-sample.xml")
	l := bank.NewLedger(st)
	if _, err := l.Import(ctx, data, bank.ImportOptions{Channel: "test"}); err != nil {
		t.Fatal(err)
	}
	co, _ := st.CompanyByCode(ctx, "BKP")
	waiting, _ := l.Waiting(ctx, co.ID)
	for _, tx := range waiting {
		if err := l.Record(ctx, tx.ID, bank.StatusNew, bank.Decision{Status: bank.StatusException, Reasons: []string{bank.WhyNoReference}}, ""); err != nil {
			t.Fatal(err)
		}
	}
	a := newAdminClient(t, st, "olga", "mot-de-passe-solide")
	status, body := a.get("/c/BKP/bank")
	for _, want := range []string{"Rapprochement bancaire", "À rapprocher", "Pas un paiement client", "aucune référence", "Importer le relevé", "REGLEMENT FACTURE FA 168"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("French page (%d) lacks %q", status, want)
		}
	}
	a.post("/lang", url.Values{"lang": {"en"}, "back": {"/c/BKP/bank"}})
	_, body = a.get("/c/BKP/bank")
	for _, want := range []string{"Bank reconciliation", "To match", "Not a customer payment", "no reference", "Import the statement"} {
		if !strings.Contains(body, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	v := newAdminClient(t, st, "victor", "mot-de-passe-solide")
	status, body = v.get("/c/BKP/bank")
	if status != http.StatusOK || strings.Contains(body, "bank-upload") || strings.Contains(body, "Pas un paiement client") {
		t.Errorf("viewer's page (%d) offers actions", status)
	}
	if status, _ := v.post("/c/BKP/bank/"+itoa(waiting[0].ID)+"/ignore", url.Values{}); status != http.StatusForbidden {
		t.Errorf("viewer's decision answered %d", status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
