package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
)

// TestBrowserRulesAndBouncedLetters: an admin edits the customer-side rules
// (pause after "already paid", promise limit, dispute reasons, courtesy
// reminder and thank-you): wrong values are refused field by field in
// French and nothing is saved, right ones are saved; a courtesy text that
// would fail is refused with its reason. On the letters of the day, a
// letter whose customer's address bounced says "adresse en échec —
// envoyée par courrier". Screenshots rules-*.png and letters-bounced.png.
func TestBrowserRulesAndBouncedLetters(t *testing.T) {
	t.Parallel()
	wd := newWorld(t)
	ctx := context.Background()
	const code = "RULES"
	today := calendar.Of(time.Now().In(paris))
	if _, err := demo.Load(ctx, wd.st, demo.Options{Today: today, Code: code, EmailDomain: "rules.example.com"}); err != nil {
		t.Fatal(err)
	}
	wd.user(t, "alice", store.RoleAdmin, code)
	// A print letter of today for CLI0009, whose address SES reported.
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := wd.st.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := wd.st.MarkUndeliverable(ctx, "paul@infodebutant.rules.example.com", store.UndeliverableBounce, "550 5.1.1 user unknown", "ses-1"); err != nil {
		t.Fatal(err)
	}
	exec(`WITH cu AS (SELECT cu.id FROM customers cu JOIN companies c ON c.id = cu.company_id WHERE c.code = $1 AND cu.code = 'CLI0009'),
	      cl AS (INSERT INTO customer_letters (key, customer_id, channel, status, subject, sent_at)
	             SELECT 'letters/RULES/CLI0009/test', id, 'print', 'queued_print', 'Relevé de factures impayées', now() FROM cu RETURNING id)
	      INSERT INTO letters (invoice_id, level_code, sequence, channel, status, customer_letter_id, subject, sent_at)
	      SELECT i.id, 'R1', 1, 'print', 'queued_print', cl.id, 'Relevé de factures impayées', now()
	      FROM invoices i, cl WHERE i.customer_id = (SELECT id FROM cu) AND i.balance_due > 0 LIMIT 1`, code)

	b := wd.browser(t)
	b.signIn("alice")
	b.open("/c/"+code+"/admin/rules", "#rulesform")
	b.screenshot("rules-page")
	b.step("save wrong rules", "#rulesform .field.bad",
		js(`(() => { document.querySelector("#f-paid-pause").value = "abc";
			document.querySelector("#f-promise-max").value = "400";
			document.querySelector("#f-reasons").value = "Erreur de prix\nerreur de prix";
			document.querySelector("#f-courtesy-days").value = "31"; return true; })()`),
		js(`(() => { document.querySelector("#saverules").click(); return true; })()`))
	page := b.text("main")
	for _, want := range []string{`"abc" : un nombre entier de 1 à 90 est attendu.`, `"400" : un nombre entier de 1 à 365 est attendu.`,
		"Le motif « erreur de prix » est en double.", `"31" : un nombre entier de 0 à 30 est attendu.`, "Rien n'est enregistré"} {
		if !strings.Contains(page, want) {
			t.Errorf("refused rules page lacks %q", want)
		}
	}
	if n := b.count("#rulesform .field.bad"); n != 4 {
		t.Errorf("%d fields marked, want 4", n)
	}
	b.screenshot("rules-refused")
	if r, _ := wd.st.PortalRules(ctx, code); r.PaidPauseDays != 10 {
		t.Errorf("refused rules saved: %+v", r)
	}
	b.step("save rules", "#rulesform",
		js(`(() => { document.querySelector("#f-paid-pause").value = "14";
			document.querySelector("#f-promise-max").value = "45";
			document.querySelector("#f-reasons").value = "Erreur de prix\n\nLivraison incomplète\nAutre";
			document.querySelector("#f-courtesy-days").value = "5";
			document.querySelector("#f-thanks").checked = true; return true; })()`),
		js(`(() => { document.querySelector("#saverules").click(); return true; })()`))
	if page := b.text("main"); !strings.Contains(page, "Règles enregistrées.") {
		t.Errorf("saved rules page: %s", page)
	}
	r, err := wd.st.PortalRules(ctx, code)
	if err != nil || r.PaidPauseDays != 14 || r.PromiseMaxDays != 45 || strings.Join(r.DisputeReasons, "|") != "Erreur de prix|Livraison incomplète|Autre" {
		t.Errorf("rules %+v %v", r, err)
	}
	if c, err := wd.st.CourtesySettingsOf(ctx, code); err != nil || c != (store.CourtesySettings{Days: 5, Thanks: true}) {
		t.Errorf("courtesy settings %+v %v", c, err)
	}
	b.screenshot("rules-saved")
	// A courtesy text naming a field that does not exist is refused.
	const tpl = "#t-before-fr-business"
	b.step("refused courtesy text", tpl+" .error",
		js(`(() => { const d = document.querySelector("`+tpl+`"); d.open = true;
			d.querySelector("textarea").value = "Bonjour {{.Client}}"; d.querySelector("button.primary").click(); return true; })()`))
	if s := b.text(tpl + " .error"); !strings.Contains(s, "Texte refusé : le champ {{.Client}} n'existe pas") {
		t.Errorf("refused text says %q", s)
	}
	b.screenshot("rules-template-refused")
	b.step("save courtesy text", "#rulesform",
		js(`(() => { const d = document.querySelector("`+tpl+`");
			d.querySelector("textarea").value = "Madame, Monsieur,\n\nLa facture {{range .Invoices}}{{.Number}}{{end}} arrive à échéance le {{.DueDate}}.\n\n{{.Company.Name}}";
			d.querySelector("button.primary").click(); return true; })()`))
	if own, _ := wd.st.CourtesyTemplates(ctx, companyID(t, wd.st, code)); len(own) != 1 || !strings.Contains(own[0].Body, "arrive à échéance") {
		t.Errorf("courtesy texts %+v", own)
	}

	b.open("/c/"+code+"/letters?date="+today.String(), "#letters")
	if s := b.text("#letters"); !strings.Contains(s, "adresse en échec — envoyée par courrier") || !strings.Contains(s, "paul@infodebutant.rules.example.com") {
		t.Errorf("letters of the day do not show the failing address:\n%s", s)
	}
	b.screenshot("letters-bounced")

	// The customer record shows the address and the courtesy mail skipped
	// for the cadence, its reason in French.
	exec(`WITH cu AS (SELECT cu.id, cu.company_id FROM customers cu JOIN companies c ON c.id = cu.company_id WHERE c.code = $1 AND cu.code = 'CLI0009'),
	      m AS (INSERT INTO courtesy_mails (key, company_id, customer_id, kind, status, reason, reason_code, reason_params)
	            SELECT 'before/RULES/x/2026-12-08', company_id, id, 'before', 'skipped', 'a letter went to the customer on 2026-12-06, within the 7-day cadence',
	                   'courtesy.skip.cadence', ARRAY['2026-12-06', '7'] FROM cu RETURNING id)
	      INSERT INTO courtesy_items (invoice_id, kind, mail_id)
	      SELECT i.id, 'before', m.id FROM invoices i, m WHERE i.customer_id = (SELECT id FROM cu) LIMIT 1`, code)
	b.open("/c/"+code+"/customers/CLI0009", "#customer-courtesy")
	if s := b.text("main"); !strings.Contains(s, "Rappel courtois") || !strings.Contains(s, "non envoyé — une lettre est partie le 06/12/2026, dans la période de cadence de 7 jours") ||
		!strings.Contains(s, "paul@infodebutant.rules.example.com") {
		t.Errorf("customer record:\n%s", s)
	}
	b.run("scroll to the courtesy mails", js(`(() => { document.querySelector("#customer-courtesy").scrollIntoView(); return true; })()`))
	b.screenshot("customer-courtesy")
}

func companyID(t *testing.T, st *store.Store, code string) int64 {
	t.Helper()
	c, err := st.CompanyByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
