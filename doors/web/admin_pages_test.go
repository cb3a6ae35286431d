package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

var adminParis, _ = time.LoadLocation("Europe/Paris")

// adminClient is a signed-in HTTP client of a test server (no browser, no
// Temporal): enough to render every admin page and check the refusals.
type adminClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var adminCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newAdminClient(t *testing.T, st *store.Store, name, password string) *adminClient {
	t.Helper()
	h, err := web.New(web.Options{Ops: &actions.Ops{Store: st}, Store: st, InsecureCookies: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	a := &adminClient{t: t, base: srv.URL, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	resp, err := a.c.PostForm(srv.URL+"/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return a
}

// get fetches a page and returns its status and body; it keeps the page's
// form token.
func (a *adminClient) get(path string) (int, string) {
	a.t.Helper()
	resp, err := a.c.Get(a.base + path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := adminCSRF.FindSubmatch(b); m != nil {
		a.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

func (a *adminClient) post(path string, form url.Values) (int, string) {
	a.t.Helper()
	form.Set("csrf", a.csrf)
	resp, err := a.c.PostForm(a.base+path, form)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := adminCSRF.FindSubmatch(b); m != nil {
		a.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

func (a *adminClient) upload(path string, files map[string]string) (int, string) {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", a.csrf)
	for field, content := range files {
		fw, _ := mw.CreateFormFile(field, field+".csv")
		_, _ = fw.Write([]byte(content))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminPagesRenderAndRefuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	today := calendar.Of(time.Now().In(adminParis)) // the companies' day (Europe/Paris)
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "ADM", EmailDomain: "adm.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "alice", "mot-de-passe-solide", store.RoleAdmin, []string{"ADM"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "victor", "mot-de-passe-solide", store.RoleViewer, []string{"ADM"}); err != nil {
		t.Fatal(err)
	}
	a := newAdminClient(t, st, "alice", "mot-de-passe-solide")

	pages := map[string]string{
		"/c/ADM/admin":                                 "Scanner maintenant",
		"/admin/companies":                             "ADM",
		"/admin/companies/new":                         "Raison sociale",
		"/admin/companies/ADM":                         "IBAN",
		"/c/ADM/admin/ladder":                          "Mise en demeure",
		"/c/ADM/admin/templates":                       "R1",
		"/c/ADM/admin/templates/edit?level=R2&lang=fr": "Champs de fusion",
		"/c/ADM/admin/statuses":                        "Contentieux",
		"/c/ADM/admin/import":                          "Vérifier",
		"/admin/rates":                                 "Taux BCE",
		"/admin/users":                                 "alice",
		"/admin/tokens":                                "Jetons API",
		"/c/ADM/dashboard":                             "<svg",
	}
	for path, want := range pages {
		status, body := a.get(path)
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, want 200 with %q; body starts %.300s", path, status, want, body)
		}
	}

	// A company with a bad IBAN and a bad SIRET: refused beside each field.
	a.get("/admin/companies/new")
	status, body := a.post("/admin/companies", url.Values{"code": {"NEWCO"}, "legal-name": {"Nouvelle Société SAS"},
		"siret": {"73282932000075"}, "iban": {"FR7630006000011234567890188"}, "sender-email": {"relances@newco.example"},
		"time-zone": {"Europe/Paris"}, "language": {"fr"}, "send-hour": {"9"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `data-field="iban"`) ||
		!regexp.MustCompile(`(?s)data-field="siret">.*?class="error"`).MatchString(body) ||
		!regexp.MustCompile(`(?s)data-field="iban">.*?class="error"`).MatchString(body) {
		t.Errorf("bad company: %d; body %.2000s", status, body)
	}
	if _, err := st.CompanySettings(ctx, "NEWCO"); err == nil {
		t.Error("the refused company was saved")
	}
	// A good one: created, granted to alice, with the default ladder.
	status, body = a.post("/admin/companies", url.Values{"code": {"NEWCO"}, "legal-name": {"Nouvelle Société SAS"},
		"sender-email": {"relances@newco.example"}, "time-zone": {"Europe/Paris"}, "language": {"fr"}, "send-hour": {"9"},
		"holidays": {"FR-AM"}, "signatory-name": {"Claire Martin"}, "signatory-title": {"Responsable recouvrement"},
		"legal-form": {"SAS au capital de 10 000 €"}, "letter-header": {"Service clients"}, "letter-footer": {"Chèques acceptés"}})
	if status != http.StatusOK || !strings.Contains(body, "NEWCO") {
		t.Errorf("create company: %d %.500s", status, body)
	}
	if nc, err := st.CompanySettings(ctx, "NEWCO"); err != nil || nc.Holidays != "FR-AM" || nc.SignatoryName != "Claire Martin" || nc.SignatoryTitle != "Responsable recouvrement" ||
		nc.LegalForm != "SAS au capital de 10 000 €" || nc.LetterHeader != "Service clients" || nc.LetterFooter != "Chèques acceptés" {
		t.Errorf("calendar and signatory from the form: %q %q %q (%v)", nc.Holidays, nc.SignatoryName, nc.SignatoryTitle, err)
	}
	if _, body = a.get("/admin/companies/NEWCO"); !strings.Contains(body, `<option value="FR-AM" selected>`) || !strings.Contains(body, `value="Claire Martin"`) {
		t.Errorf("edit form lacks the calendar or the signatory: %.3000s", body)
	}
	// The logo: uploaded with the form, refused when it is not an image.
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 100, 40))); err != nil {
		t.Fatal(err)
	}
	postLogo := func(logo []byte) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range map[string]string{"csrf": a.csrf, "legal-name": "Nouvelle Société SAS", "sender-email": "relances@newco.example",
			"time-zone": "Europe/Paris", "language": "fr", "send-hour": "9", "holidays": "FR-AM"} {
			_ = mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("logo", "logo.png")
		_, _ = fw.Write(logo)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, a.base+"/admin/companies/NEWCO", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := a.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if m := adminCSRF.FindSubmatch(b); m != nil {
			a.csrf = string(m[1])
		}
		return resp.StatusCode, string(b)
	}
	if status, body := postLogo(img.Bytes()); status != http.StatusOK {
		t.Errorf("upload logo: %d %.500s", status, body)
	}
	if nc, err := st.CompanySettings(ctx, "NEWCO"); err != nil || nc.LogoBytes != img.Len() {
		t.Errorf("logo saved: %d bytes (%v)", nc.LogoBytes, err)
	}
	a.get("/admin/companies/NEWCO")
	if status, body := postLogo([]byte("not an image")); status != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`(?s)data-field="logo">.*?class="error"`).MatchString(body) {
		t.Errorf("a text file as logo: %d %.3000s", status, body)
	}
	u, err := st.UserByName(ctx, "alice")
	if err != nil || strings.Join(u.Companies, ",") != "ADM,NEWCO" {
		t.Errorf("alice's companies = %v %v", u.Companies, err)
	}

	// A ladder whose last level is not a formal notice is refused with the
	// store's reason.
	a.get("/c/ADM/admin/ladder")
	status, body = a.post("/c/ADM/admin/ladder", url.Values{"code": {"R1", "R2"}, "label": {"Relance 1", "Relance 2"},
		"delay": {"5", "10"}, "channel": {"email", "email"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "MED") {
		t.Errorf("ladder without MED: %d %.3000s", status, body)
	}
	status, body = a.post("/c/ADM/admin/ladder", url.Values{"code": {"R1", "R2"}, "label": {"Relance 1", "Relance 2"},
		"delay": {"5", "abc"}, "channel": {"email", "email"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "abc") {
		t.Errorf("ladder with a bad delay: %d", status)
	}

	// A template with an unknown field: refused with its line and field.
	a.get("/c/ADM/admin/templates/edit?level=R1&lang=fr")
	bad := `{{define "subject"}}Relance {{.Customer.Nmae}}{{end}}{{define "text"}}x{{end}}{{define "html"}}x{{end}}{{define "letter"}}x{{end}}{{define "closing"}}x{{end}}`
	status, body = a.post("/c/ADM/admin/templates/edit", url.Values{"level": {"R1"}, "lang": {"fr"}, "source": {bad}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Nmae") || !strings.Contains(body, "ligne") {
		t.Errorf("bad template: %d %.300s", status, body)
	}
	status, body = a.post("/c/ADM/admin/templates/preview", url.Values{"level": {"R1"}, "lang": {"fr"}, "source": {bad}, "invoice": {"FA0168"}})
	if status != http.StatusOK || !strings.Contains(body, "Nmae") {
		t.Errorf("bad template preview: %d %s", status, body)
	}
	good, _, err := letter.DefaultSource("fr", "R1")
	if err != nil {
		t.Fatal(err)
	}
	status, body = a.post("/c/ADM/admin/templates/preview", url.Values{"level": {"R1"}, "lang": {"fr"}, "source": {good}, "invoice": {"FA0168"}})
	m := regexp.MustCompile(`src="([^"]+)"`).FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("preview: %d %s", status, body)
	}
	resp, err := a.c.Get(a.base + m[1])
	if err != nil || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("preview PDF: %v", err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if dir := os.Getenv("RELANCE_SCREENSHOTS"); dir != "" {
		// To look at: pdftoppm -png -r 60 admin-preview.pdf admin-preview
		_ = os.WriteFile(filepath.Join(dir, "admin-preview.pdf"), pdf, 0o644)
	}

	// Statuses: add one, refuse a self-escalation.
	a.get("/c/ADM/admin/statuses")
	status, body = a.post("/c/ADM/admin/statuses", url.Values{"code": {"LIT"}, "label": {"Litige"}, "escalation": {"LIT"}, "propagation": {"inherited"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "lui-même") {
		t.Errorf("self-escalating status: %d", status)
	}
	status, _ = a.post("/c/ADM/admin/statuses", url.Values{"code": {"LIT"}, "label": {"Litige"}, "escalation": {"CTX"}, "propagation": {"inherited"}, "blocks": {"1"}})
	sts, _ := st.Statuses(ctx, mustCompanyID(t, st, "ADM"))
	var found bool
	for _, s := range sts {
		found = found || (s.Code == "LIT" && s.Inherited && s.Blocks && s.EscalationCode == "CTX")
	}
	if status != http.StatusOK || !found {
		t.Errorf("status LIT not saved: %d %+v", status, sts)
	}

	// Import preview: a bad date is reported with its line, nothing saved.
	a.get("/c/NEWCO/admin/import")
	status, body = a.upload("/c/NEWCO/admin/import", map[string]string{
		"customers": "code;name;emails\nC1;Client Un;un@example.com\n",
		"invoices":  "number;customer;issue_date;due_date;amount\nF1;C1;01/09/2026;01/10/2026;100,00\nF2;C1;01/09/26;01/10/2026;50,00\n",
	})
	if status != http.StatusOK || !strings.Contains(body, `data-line="3"`) {
		t.Errorf("import preview: %d %.2000s", status, body)
	}
	ids := regexp.MustCompile(`name="(customers|invoices)" value="([0-9a-f]+)"`).FindAllStringSubmatch(body, -1)
	form := url.Values{}
	for _, id := range ids {
		form.Set(id[1], id[2])
	}
	if rows, _ := st.ListInvoices(ctx, store.InvoiceFilter{Company: "NEWCO"}); len(rows) != 0 {
		t.Errorf("the preview imported %d invoices", len(rows))
	}
	status, body = a.post("/c/NEWCO/admin/import/commit", form)
	if status != http.StatusOK || !strings.Contains(body, "rapport d&#39;import") {
		t.Errorf("import: %d %.1000s", status, body)
	}
	if rows, _ := st.ListInvoices(ctx, store.InvoiceFilter{Company: "NEWCO", Now: time.Now()}); len(rows) != 1 {
		t.Errorf("imported %d invoices, want 1", len(rows))
	}

	// ECB rates: a day that is not 1 January or 1 July is refused; a good
	// one is saved and shown the French way.
	a.get("/admin/rates")
	if status, body := a.post("/admin/rates", url.Values{"from": {"2026-07-02"}, "rate": {"2,15"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "1er janvier ou au 1er juillet") {
		t.Errorf("rate on 2 July: %d", status)
	}
	if status, body := a.post("/admin/rates", url.Values{"from": {"01/07/2026"}, "rate": {"2,15"}}); status != http.StatusOK || !strings.Contains(body, "2,15") {
		t.Errorf("rate: %d", status)
	}

	// A file over the limit is refused before it is read, with a clear message.
	status, body = a.upload("/c/NEWCO/admin/import", map[string]string{"invoices": strings.Repeat("x", web.MaxImportBytes+100<<10)})
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "trop gros") {
		t.Errorf("file too large: %d %s", status, body[strings.Index(body, "<main>"):])
	}

	// Dashboard CSV: each chart's table carries store.CompanyDashboard's
	// figures (themselves checked against hand-written SQL in store).
	d, err := st.CompanyDashboard(ctx, "ADM", calendar.Of(time.Now().In(adminParis)))
	if err != nil {
		t.Fatal(err)
	}
	frAmount := func(v decimal.Decimal) string { return strings.Replace(v.StringFixed(2), ".", ",", 1) }
	status, body = a.get("/c/ADM/dashboard/aging.csv")
	if status != http.StatusOK || !strings.Contains(body, "Non échu") {
		t.Errorf("aging CSV: %d %q", status, body)
	}
	for _, b := range d.Aging {
		if line := fmt.Sprintf(";%d;%s", b.Count, frAmount(b.Amount)); !strings.Contains(body, line) {
			t.Errorf("aging CSV lacks %s %q:\n%s", b.Label, line, body)
		}
	}
	_, body = a.get("/c/ADM/dashboard/levels.csv")
	for _, l := range d.Levels {
		if line := fmt.Sprintf(";%d;%s", l.Count, frAmount(l.Amount)); !strings.Contains(body, line) {
			t.Errorf("levels CSV lacks %s %q:\n%s", l.Level, line, body)
		}
	}
	_, body = a.get("/c/ADM/dashboard/dso.csv")
	for _, m := range d.DSO {
		if line := fmt.Sprintf("%02d/%d;%s;%s", int(m.Month.Month), m.Month.Year, frAmount(m.Receivables), strings.Replace(m.Days.StringFixed(1), ".", ",", 1)); !strings.Contains(body, line) {
			t.Errorf("DSO CSV lacks %q:\n%s", line, body)
		}
	}

	// A viewer sees the dashboard but no settings page.
	v := newAdminClient(t, st, "victor", "mot-de-passe-solide")
	if status, _ := v.get("/c/ADM/dashboard"); status != http.StatusOK {
		t.Errorf("viewer's dashboard: %d", status)
	}
	for _, path := range []string{"/c/ADM/admin/ladder", "/admin/companies", "/admin/users"} {
		if status, _ := v.get(path); status != http.StatusForbidden {
			t.Errorf("viewer GET %s: %d, want 403", path, status)
		}
	}
}

func mustCompanyID(t *testing.T, st *store.Store, code string) int64 {
	t.Helper()
	co, err := st.CompanyByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return co.ID
}
