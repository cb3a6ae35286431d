package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestNotChasedSaysWhy: the demo's invoices that no dunning chases say
// why in the list and on their page (FA0191 in XAF, FA0214 not yet due,
// FA0192 without due date); a row held by a status names it; the invoice
// page says "à échoir dans N j", never a negative delay.
func TestNotChasedSaysWhy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	today := calendar.Of(time.Now().In(adminParis))
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "WHY", EmailDomain: "why.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "olga", "mot-de-passe-solide", store.RoleOperator, []string{"WHY"}); err != nil {
		t.Fatal(err)
	}
	var blocking string
	if err := st.Pool.QueryRow(ctx, `SELECT rs.code FROM reminder_statuses rs JOIN companies c ON c.id = rs.company_id
		WHERE c.code = 'WHY' AND rs.blocks_reminders ORDER BY rs.code LIMIT 1`).Scan(&blocking); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE invoices i SET reminder_status = $1, dunning_status = 'held', dunning_level = 'R2'
		FROM companies c WHERE c.id = i.company_id AND c.code = 'WHY' AND i.number = 'FA0167'`, blocking); err != nil {
		t.Fatal(err)
	}
	a := newAdminClient(t, st, "olga", "mot-de-passe-solide")
	status, body := a.get("/c/WHY/relances?tab=all")
	if status != http.StatusOK {
		t.Fatalf("list: %d", status)
	}
	why := func(number string) string {
		m := regexp.MustCompile(`data-why="` + number + `">([^<]*)<`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1]
	}
	for number, want := range map[string]string{
		"FA0191": "devise XAF non gérée", "FA0214": "Pas encore échue", "FA0192": "pas de date d&#39;échéance",
		"FA0167": "Bloquée par le statut " + blocking,
	} {
		if got := why(number); !strings.Contains(got, want) {
			t.Errorf("%s: reason %q, want %q", number, got, want)
		}
	}
	_, page := a.get("/c/WHY/invoices/FA0214")
	if !strings.Contains(page, `id="why"`) || !regexp.MustCompile(`à échoir dans \d+ j`).MatchString(page) || regexp.MustCompile(`\(-\d+ j\)`).MatchString(page) {
		t.Errorf("FA0214's page does not say why nor when it falls due: %.3000s", page)
	}
}
