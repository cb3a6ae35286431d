package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/sesemu"
	"go.temporal.io/sdk/client"
)

// The admin browser tests drive Debian's chromium (RELANCE_CHROMIUM, else
// "chromium" on the PATH) against the real server, PostgreSQL, the
// Temporal dev server, workers and the SES emulator. Screenshots go to
// $RELANCE_SCREENSHOTS (default: relance-screenshots in the temporary
// directory), named admin-*.

const adminPassword = "mot-de-passe-administrateur"

// adminWorld is one server with its workers, on an empty database.
type adminWorld struct {
	st   *store.Store
	tc   client.Client
	emu  *sesemu.Emulator
	base string
	shot string
}

func adminChromium(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("RELANCE_CHROMIUM"); path != "" {
		return path
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium on the PATH (make test installs it: scripts/lib.sh ensure_chromium)")
	}
	return path
}

func newAdminWorld(t *testing.T) *adminWorld {
	t.Helper()
	adminChromium(t)
	sk := newStack(t, web.Options{})
	return &adminWorld{st: sk.st, tc: sk.tc, emu: sk.emu, base: sk.base, shot: sk.shot}
}

// terminateCompany ends the workflows of a company's invoices when the test
// ends (the Temporal server is shared by the package's tests).
func (wd *adminWorld) terminateCompany(t *testing.T, code string) {
	t.Cleanup(func() {
		rows, err := wd.st.ListInvoices(context.Background(), store.InvoiceFilter{Company: code, Now: time.Now(), IncludeSettled: true})
		if err != nil {
			return
		}
		for _, r := range rows {
			_ = wd.tc.TerminateWorkflow(context.Background(), dunning.WorkflowID(code, r.Number), "", "test over")
		}
	})
}

// adminBrowser is one headless chromium with a fresh profile.
type adminBrowser struct {
	t   *testing.T
	ctx context.Context
	wd  *adminWorld
}

func (wd *adminWorld) browser(t *testing.T) *adminBrowser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(adminChromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 800), // a laptop
		chromedp.Flag("lang", "fr-FR"),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 8*time.Minute)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	// French, whatever the machine's locale.
	french := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "fr-FR,fr;q=0.9"}})
		return err
	})
	if err := chromedp.Do(ctx, french); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &adminBrowser{t: t, ctx: ctx, wd: wd}
}

func (b *adminBrowser) run(what string, acts ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second) // two browsers may share the CPU (parallel tests)
	defer cancel()
	if err := chromedp.Do(ctx, acts...); err != nil {
		b.t.Fatalf("%s: %v (page: %.600s)", what, err, b.mainText())
	}
}

// mainText is the text of the page's main element, for failure messages.
func (b *adminBrowser) mainText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
	return s
}

func adminJS(script string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](script)(ctx, t)
		return err
	})
}

// step runs acts that load a new page (a link, a form) and waits for the
// new page's main element, then for sel on it.
func (b *adminBrowser) step(what, sel string, acts ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	all := []chromedp.Action[chromedp.Void]{adminJS(`(() => { const m = document.querySelector("main"); if (m) { m.dataset.stale = "1"; } return true; })()`)}
	all = append(all, acts...)
	all = append(all, chromedp.WaitVisible(chromedp.CSS(`main:not([data-stale])`)))
	if sel != "" {
		all = append(all, chromedp.WaitVisible(chromedp.CSS(sel)))
	}
	b.run(what, all...)
}

func (b *adminBrowser) open(path, sel string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.wd.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

func (b *adminBrowser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func (b *adminBrowser) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

func (b *adminBrowser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return loc
}

func (b *adminBrowser) screenshot(name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.wd.shot, "admin-"+name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", path)
}

// fill replaces the value of an input or textarea.
func fill(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}

func (b *adminBrowser) signIn(name, password, sel string) {
	b.t.Helper()
	b.open("/login", "#name")
	b.step("sign in as "+name, sel,
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#signin")))
}

func adminEventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// TestBrowserNewCompanyWithoutSQL is issue 11's walk: from an empty
// database, an admin (made as `starter users add` makes one) creates a
// company through the pages, uploads its CSV files, sees a bad line
// reported, fixes it, imports, edits the first letter's template with the
// preview, scans, and sees the first letters reach the SES emulator with
// the edited subject. Nothing but the pages touches the database.
func TestBrowserNewCompanyWithoutSQL(t *testing.T) {
	t.Parallel()
	wd := newAdminWorld(t)
	ctx := context.Background()
	if _, err := wd.st.CreateUser(ctx, "anne", adminPassword, store.RoleAdmin, nil); err != nil {
		t.Fatal(err)
	}
	wd.terminateCompany(t, "ACME")
	b := wd.browser(t)

	// An admin without a company lands on the companies page.
	b.signIn("anne", adminPassword, "#companies")
	b.step("new company form", "#companyform", chromedp.Click(chromedp.CSS("#newcompany")))

	// A wrong IBAN key and a SIRET failing Luhn: refused beside each field.
	b.step("create with a wrong IBAN", `.field.bad[data-field="iban"]`,
		fill("#f-code", "ACME"),
		fill("#f-legal-name", "Acme Fournitures SAS"),
		fill("#f-address", "18 rue des Entrepreneurs\nZA des Prés"),
		fill("#f-city", "44000 Nantes"),
		fill("#f-siret", "73282932000075"),
		fill("#f-iban", "FR76 3000 6000 0112 3456 7890 188"),
		fill("#f-sender-email", "relances@acme.example"),
		fill("#f-sender-name", "Acme – service recouvrement"),
		fill("#f-send-hour", "9"),
		chromedp.Click(chromedp.CSS("details.demo summary")),
		fill("#f-demo-day", "10"),
		chromedp.Click(chromedp.CSS("#savecompany")))
	if n := b.count(`.field.bad[data-field="siret"] .error`); n != 1 {
		t.Errorf("the SIRET refusal is not beside its field (%d)", n)
	}
	if msg := b.text(`.field.bad[data-field="iban"] .error`); !strings.Contains(msg, "clé incorrecte") {
		t.Errorf("IBAN refusal = %q", msg)
	}
	b.screenshot("01-company-refused")
	if _, err := wd.st.CompanySettings(ctx, "ACME"); err == nil {
		t.Fatal("the refused company was saved")
	}
	b.step("create with the right IBAN and SIRET", ".flash",
		fill("#f-siret", "73282932000074"),
		fill("#f-iban", "FR76 3000 6000 0112 3456 7890 189"),
		chromedp.Click(chromedp.CSS("#savecompany")))
	if !strings.Contains(b.text(".flash"), "ACME") || b.count(".field.bad") != 0 {
		t.Fatalf("company not created: %s", b.mainText())
	}
	b.screenshot("02-company-created")

	// The company is granted to its creator: its pages are in the top bar.
	b.step("settings of ACME", ".tiles", chromedp.Click(chromedp.CSS("#nav-admin")))
	b.screenshot("03-settings")
	b.step("imports page", "#uploadform", chromedp.Click(chromedp.CSS(`a.tile[href$="/admin/import"]`)))

	dir := t.TempDir()
	today := calendar.Of(time.Now().In(adminParis)) // the companies' day (Europe/Paris)
	customers := filepath.Join(dir, "clients.csv")
	invoices := filepath.Join(dir, "factures.csv")
	writeFile(t, customers, "code;name;contact;emails;address;language;kind\n"+
		"C001;Boulangerie Martin SARL;M. Paul Martin;compta@boulangerie-martin.example;3 rue du Four|75006 Paris;fr;business\n"+
		"C002;DUPONT Marie;;marie.dupont@example.org;12 avenue Foch|69006 Lyon;fr;individual\n"+
		"C003;Atelier Lenoir;Mme Lenoir;factures@lenoir.example;5 quai des Chartrons|33000 Bordeaux;fr;business\n")
	fr := func(d calendar.Date) string { return d.French() }
	badLine := "F2026-003;C002;invoice;" + fr(today.AddDays(-60)) + ";15/09/26;350,00;EUR;350,00\n"
	rows := "number;customer;kind;issue_date;due_date;amount;currency;balance_due\n" +
		"F2026-001;C001;invoice;" + fr(today.AddDays(-50)) + ";" + fr(today.AddDays(-20)) + ";1200,00;EUR;1200,00\n" +
		"F2026-002;C001;invoice;" + fr(today.AddDays(-40)) + ";" + fr(today.AddDays(-10)) + ";480,50;EUR;480,50\n"
	rest := "F2026-004;C003;invoice;" + fr(today.AddDays(-45)) + ";" + fr(today.AddDays(-15)) + ";2 340,00;EUR;2 340,00\n"
	writeFile(t, invoices, rows+badLine+rest)

	b.step("check the files", "#doimport",
		chromedp.SetUploadFiles(chromedp.CSS("#customers-file"), []string{customers}),
		chromedp.SetUploadFiles(chromedp.CSS("#invoices-file"), []string{invoices}),
		chromedp.Click(chromedp.CSS("#upload")))
	if got := b.text(`[data-file="invoices"] tr.problem-row[data-line="4"]`); !strings.Contains(got, "F2026-003") {
		t.Errorf("line 4 not reported: %q", got)
	}
	b.screenshot("04-import-report-before")
	if rs, _ := wd.st.ListInvoices(ctx, store.InvoiceFilter{Company: "ACME", Now: time.Now()}); len(rs) != 0 {
		t.Fatalf("the check imported %d invoices", len(rs))
	}

	// Fix the line in the file, check again: nothing refused; import.
	writeFile(t, invoices, rows+"F2026-003;C002;invoice;"+fr(today.AddDays(-60))+";"+fr(today.AddDays(-30))+";350,00;EUR;350,00\n"+rest)
	b.step("check the fixed file", "#doimport",
		chromedp.SetUploadFiles(chromedp.CSS("#customers-file"), []string{customers}),
		chromedp.SetUploadFiles(chromedp.CSS("#invoices-file"), []string{invoices}),
		chromedp.Click(chromedp.CSS("#upload")))
	if n := b.count("tr.problem-row"); n != 0 {
		t.Errorf("%d problems after the fix: %s", n, b.mainText())
	}
	b.step("import", "#scan", chromedp.Click(chromedp.CSS("#doimport")))
	if got := b.text(`[data-file="invoices"] .totals`); !strings.Contains(got, "4") {
		t.Errorf("invoices report: %q", got)
	}
	b.screenshot("05-import-report-after")
	if rs, _ := wd.st.ListInvoices(ctx, store.InvoiceFilter{Company: "ACME", Now: time.Now()}); len(rs) != 4 {
		t.Fatalf("imported %d invoices, want 4", len(rs))
	}

	// Edit the R1 template: a new subject, previewed as PDF on a real invoice.
	b.open("/c/ACME/admin/templates", "#templates")
	b.screenshot("06-templates")
	b.step("edit R1 in French", "#source", chromedp.Click(chromedp.CSS(`tr[data-template="R1/fr"] a.button`)))
	b.run("first preview", chromedp.WaitVisible(chromedp.CSS("#preview-pdf")))
	b.run("a broken field", adminJS(`(() => { const s = document.querySelector("#source");
		s.value = s.value.replace(/\{\{define "subject"\}\}.*?\{\{end\}\}/, '{{define "subject"}}Acme : relevé {{.Customer.Nmae}}{{end}}');
		s.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`),
		chromedp.WaitVisible(chromedp.CSS("#preview-error")))
	if msg := b.text("#preview-error"); !strings.Contains(msg, "Nmae") || !strings.Contains(msg, "ligne") {
		t.Errorf("preview refusal = %q, want the line and the field", msg)
	}
	b.screenshot("07-template-refused")
	b.run("the fixed subject", adminJS(`(() => { const s = document.querySelector("#source");
		s.value = s.value.replace(/\{\{define "subject"\}\}.*?\{\{end\}\}/, '{{define "subject"}}Acme Fournitures : relevé de vos factures au {{date .Date}}{{end}}');
		s.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`),
		chromedp.WaitVisible(chromedp.CSS("#preview-ok")))
	if subj := b.text("#preview-subject"); !strings.Contains(subj, "Acme Fournitures : relevé de vos factures au") {
		t.Errorf("preview subject = %q", subj)
	}
	src := b.text("#preview-ok")
	if !strings.Contains(src, "F2026") {
		t.Errorf("preview not drawn on a real invoice: %q", src)
	}
	ctype, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch(document.querySelector("#preview-pdf").src).then(r => r.headers.get("content-type"))`, chromedp.EvalAwaitPromise))
	if err != nil || ctype != "application/pdf" {
		t.Errorf("preview content type %q %v", ctype, err)
	}
	b.screenshot("08-template-preview")
	b.step("save the template", ".flash", chromedp.Click(chromedp.CSS("#savetemplate")))
	if !strings.Contains(b.text(".flash"), "R1/fr") {
		t.Errorf("save message = %q", b.text(".flash"))
	}

	// Scan: the dunnings start, and one ladder day lasting 10 s, the first
	// letters leave within a minute.
	b.open("/c/ACME/admin", "#scan")
	b.step("scan", ".flash", chromedp.Click(chromedp.CSS("#scan")))
	if msg := b.text(".flash"); !strings.Contains(msg, "4 relance(s) démarrée(s)") {
		t.Errorf("scan message = %q", msg)
	}
	want := map[string]bool{"compta@boulangerie-martin.example": false, "marie.dupont@example.org": false, "factures@lenoir.example": false}
	adminEventually(t, 150*time.Second, "the first letters of ACME in the SES emulator", func() bool {
		msgs, err := wd.emu.Messages(ctx)
		if err != nil {
			return false
		}
		for _, m := range msgs {
			for _, to := range m.To {
				if _, ok := want[to]; ok && strings.HasPrefix(m.Subject, "Acme Fournitures : relevé de vos factures au") && len(m.Attachments) > 0 {
					want[to] = true
				}
			}
		}
		for _, got := range want {
			if !got {
				return false
			}
		}
		return true
	})
	b.open("/c/ACME/relances", "#relances")
	b.screenshot("09-relances-after-scan")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserAdminScreenshots takes a screenshot of every admin page and of
// the dashboard on the demo data, in French and one in English.
func TestBrowserAdminScreenshots(t *testing.T) {
	t.Parallel()
	wd := newAdminWorld(t)
	ctx := context.Background()
	today := calendar.Of(time.Now().In(adminParis)) // the companies' day (Europe/Paris)
	if _, err := demo.Load(ctx, wd.st, demo.Options{Today: today, DaySeconds: 4, Code: "DEMO", EmailDomain: "demo.example.com"}); err != nil {
		t.Fatal(err)
	}
	wd.terminateCompany(t, "DEMO")
	if _, err := scan.Run(ctx, wd.st, wd.tc, "DEMO", today, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	// Some letters out, so that the letters chart has bars.
	adminEventually(t, 90*time.Second, "letters of DEMO", func() bool {
		d, err := wd.st.CompanyDashboard(ctx, "DEMO", today)
		if err != nil {
			return false
		}
		n := 0
		for _, l := range d.Letters {
			n += l.Sent + l.Print
		}
		return n >= 3
	})
	if _, err := wd.st.CreateUser(ctx, "anne", adminPassword, store.RoleAdmin, []string{"DEMO"}); err != nil {
		t.Fatal(err)
	}
	if _, err := wd.st.CreateUser(ctx, "vera", adminPassword, store.RoleViewer, []string{"DEMO"}); err != nil {
		t.Fatal(err)
	}
	b := wd.browser(t)
	b.signIn("anne", adminPassword, "#relances")
	for _, p := range []struct{ path, sel, name string }{
		{"/c/DEMO/dashboard", "#chart-dso", "20-dashboard"},
		{"/c/DEMO/admin", ".tiles", "21-settings"},
		{"/admin/companies", "#companies", "22-companies"},
		{"/admin/companies/DEMO", "#companyform", "23-company"},
		{"/c/DEMO/admin/ladder", "#ladder", "24-ladder"},
		{"/c/DEMO/admin/templates", "#templates", "25-templates"},
		{"/c/DEMO/admin/templates/edit?level=MED&lang=fr", "#preview-pdf", "26-template-med"},
		{"/c/DEMO/admin/statuses", "#statuses", "27-statuses"},
		{"/c/DEMO/admin/import", "#uploadform", "28-import"},
		{"/admin/rates", "#rates", "29-rates"},
		{"/admin/users", "#users", "30-users"},
		{"/admin/tokens", "#tokens", "31-tokens"},
	} {
		b.open(p.path, p.sel)
		b.screenshot(p.name)
	}
	// The ladder refuses a last level that is not a formal notice, and says so.
	b.open("/c/DEMO/admin/ladder", "#ladder")
	b.step("drop the formal notice", ".field-error", adminJS(`(() => { const r = document.querySelector("#ladder tbody tr:nth-child(4)");
		r.querySelector('input[name="code"]').value = ""; r.querySelector('input[name="label"]').value = ""; return true; })()`),
		chromedp.Click(chromedp.CSS("#saveladder")))
	if msg := b.text(".field-error"); !strings.Contains(msg, "MED") {
		t.Errorf("ladder refusal = %q", msg)
	}
	b.screenshot("32-ladder-refused")
	b.open("/c/DEMO/dashboard", "#chart-aging")
	// The language form is boosted by htmx: the body is swapped, the html
	// element stays.
	b.step("English", "#chart-aging", chromedp.Click(chromedp.CSS(`form[action="/lang"] button`)))
	if h := b.text("#chart-aging h2"); h != "Owed by age" {
		t.Errorf("English chart title = %q", h)
	}
	b.screenshot("33-dashboard-en")
	b.step("back to French", "#chart-aging", chromedp.Click(chromedp.CSS(`form[action="/lang"] button`)))

	// A viewer sees the dashboard, not the settings.
	b.step("sign out", "#name", chromedp.Click(chromedp.CSS("#signout")))
	b.signIn("vera", adminPassword, "#relances")
	if b.count("#nav-admin") != 0 {
		t.Error("the viewer sees the settings link")
	}
	b.step("viewer's dashboard", "#chart-aging", chromedp.Click(chromedp.CSS("#nav-dashboard")))
	b.open("/c/DEMO/admin/ladder", ".problem")
	if msg := b.text(".problem"); !strings.Contains(msg, "lecture") {
		t.Errorf("viewer on the ladder page: %q", msg)
	}
	if !strings.HasSuffix(b.location(), "/c/DEMO/admin/ladder") {
		t.Errorf("location %s", b.location())
	}
}
