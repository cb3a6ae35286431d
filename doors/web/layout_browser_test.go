package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// layoutWorld is the demo company on a server without Temporal: the
// dunning columns the workflows mirror are written by hand (levels, next
// letters due today), enough for every screen to show what it shows.
func layoutWorld(t *testing.T) (*world, string) {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	today := calendar.Of(time.Now().In(paris))
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "LAY", EmailDomain: "lay.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `
		UPDATE invoices i SET dunning_status = 'active',
		       dunning_level = CASE WHEN $2::date - i.due_date > 45 THEN 'R3' WHEN $2::date - i.due_date > 20 THEN 'R1' ELSE 'NONE' END,
		       dunning_next_level = CASE WHEN $2::date - i.due_date > 45 THEN 'MED' WHEN $2::date - i.due_date > 20 THEN 'R2' ELSE 'R1' END,
		       next_action_at = now(), last_comment = 'Client rappelé, promet un virement la semaine prochaine'
		FROM companies c WHERE c.id = i.company_id AND c.code = 'LAY' AND i.kind = 'invoice' AND i.balance_due > 0
		  AND i.due_date < $2::date AND i.currency = 'EUR' AND $1::text = c.code`, "LAY", today); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "alice", password, store.RoleAdmin, []string{"LAY"}); err != nil {
		t.Fatal(err)
	}
	var customer string
	if err := st.Pool.QueryRow(ctx, `SELECT cu.code FROM customers cu JOIN invoices i ON i.customer_id = cu.id
		WHERE i.dunning_status = 'active' GROUP BY cu.code ORDER BY count(*) DESC, cu.code LIMIT 1`).Scan(&customer); err != nil {
		t.Fatal(err)
	}
	// Another customer got a letter two days ago: with the 7-day cadence,
	// the proposal shows its letter waiting for its next one.
	if _, err := st.Pool.Exec(ctx, `INSERT INTO customer_letters (key, customer_id, channel, status, created_at, sent_at)
		SELECT 'layout-cadence', cu.id, 'email', 'sent', $2::timestamptz, $2::timestamptz FROM customers cu JOIN invoices i ON i.customer_id = cu.id
		WHERE i.dunning_status = 'active' AND cu.code <> $1 GROUP BY cu.id, cu.code ORDER BY cu.code LIMIT 1`,
		customer, today.AddDays(-2).At(10, paris)); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Ops: &actions.Ops{Store: st}, Store: st, InsecureCookies: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	shot := os.Getenv("RELANCE_SCREENSHOTS")
	if shot == "" {
		shot = filepath.Join(os.TempDir(), "relance-screenshots")
	}
	if err := os.MkdirAll(shot, 0o755); err != nil {
		t.Fatal(err)
	}
	return &world{st: st, base: srv.URL, shot: shot}, customer
}

// layoutProblems lists, from the DOM's bounding boxes, what a user of
// this viewport cannot reach or read: a page wider than the viewport,
// nav links, buttons, fields and tables outside it (those inside a
// scrolling box count by their box), and such elements drawn over one
// another.
const layoutProblems = `(() => {
  const W = window.innerWidth, out = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
    (el.textContent ? " «" + el.textContent.trim().slice(0, 30) + "»" : "");
  if (W !== screen.width && W !== %d) out.push("viewport zoomed out to " + W + "px");
  if (document.documentElement.scrollWidth > W + 1) out.push("page " + document.documentElement.scrollWidth + "px wide in " + W);
  const visible = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && !el.closest("details:not([open]) > :not(summary)"); };
  const els = [...document.querySelectorAll("header a, header button, nav a, main a.button, main button, main summary, main input:not([type=hidden]), main select, main textarea, table.grid, .scroll, main h1")]
    .filter(visible).filter(el => el.matches(".scroll") || !el.closest(".scroll"));
  const boxes = els.map(el => { const r = el.getBoundingClientRect(); return {el, l: r.left, r: r.right, t: r.top + scrollY, b: r.bottom + scrollY}; });
  for (const x of boxes) {
    if (x.l < -1 || x.r > W + 1 || x.t < -1) out.push(name(x.el) + " off-screen [" + Math.round(x.l) + "," + Math.round(x.r) + "] top " + Math.round(x.t));
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
    const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
    if (w > 2 && h > 2) out.push(name(a.el) + " overlaps " + name(b.el));
  }
  const header = document.querySelector("header.top"), main = document.querySelector("main");
  if (header && main && main.getBoundingClientRect().top < header.getBoundingClientRect().bottom - 1) out.push("main starts under the header");
  return out;
})()`

var viewports = []struct {
	name   string
	w, h   int64
	mobile bool
}{{"1440x900", 1440, 900, false}, {"1280x720", 1280, 720, false}, {"390x844", 390, 844, true}}

// TestBrowserLayoutFitsEveryScreen: at 1440×900, 1280×720 and 390×844 the
// Relances list, the customer record, the proposal and the dashboard have
// no element off-screen or drawn over another; on a phone the list's
// table scrolls in its own box. Screenshots of each go to the screenshot
// folder (layout-<page>-<viewport>.png).
func TestBrowserLayoutFitsEveryScreen(t *testing.T) {
	t.Parallel()
	chromium(t)
	wd, customer := layoutWorld(t)
	b := wd.browser(t)
	b.signIn("alice")
	pages := []struct{ name, path, sel string }{
		{"relances", "/c/LAY/relances", "#relances"},
		{"customer", "/c/LAY/customers/" + customer, "#items"},
		{"proposal", "/c/LAY/proposal", "#proposal"},
		{"dashboard", "/c/LAY/dashboard", "svg.chart"},
	}
	for _, v := range viewports {
		var opts []chromedp.EmulateViewportOption
		if v.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
		}
		b.run("viewport "+v.name, chromedp.EmulateViewport(v.w, v.h, opts...))
		for _, p := range pages {
			b.open(p.path, p.sel)
			problems := evalJS[[]string](b, fmt.Sprintf(layoutProblems, v.w))
			if !v.mobile && p.name != "dashboard" {
				// On a desktop the main table shows whole: no sideways scroll.
				problems = append(problems, evalJS[[]string](b, `[...document.querySelectorAll(".scroll")].filter(s => s.querySelector("#relances, #items, #proposal"))
					.filter(s => s.scrollWidth > s.clientWidth + 1).map(s => "table " + s.scrollWidth + "px wide in a " + s.clientWidth + "px box")`)...)
			}
			for _, pr := range problems {
				t.Errorf("%s at %s: %s", p.name, v.name, pr)
			}
			b.screenshot("layout-" + p.name + "-" + v.name)
		}
		if v.mobile {
			b.open("/c/LAY/relances", "#relances")
			if !evalJS[bool](b, `(() => { const s = document.querySelector("#relances").closest(".scroll");
				return !!s && s.scrollWidth > s.clientWidth && s.getBoundingClientRect().right <= innerWidth; })()`) {
				t.Errorf("on a phone the list's table does not scroll in its own box")
			}
		}
	}
}

// axeFile is axe-core's browser build (npm axe-core, package.json):
// RELANCE_AXE, else node_modules/axe-core/axe.min.js at the repository root.
func axeFile(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("RELANCE_AXE"); p != "" {
		return p
	}
	p, _ := filepath.Abs(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if _, err := os.Stat(p); err != nil {
		t.Skip("axe-core not installed (npm ci)")
	}
	return p
}

// axeViolation is one rule axe-core finds broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// TestBrowserAccessibility runs axe-core on every page of the web app
// and fails on any violation of "serious" or "critical" impact.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	chromium(t)
	src, err := os.ReadFile(axeFile(t))
	if err != nil {
		t.Fatal(err)
	}
	wd, customer := layoutWorld(t)
	var invoice string
	if err := wd.st.Pool.QueryRow(context.Background(), `SELECT i.number FROM invoices i JOIN customers cu ON cu.id = i.customer_id
		WHERE cu.code = $1 AND i.dunning_status = 'active' ORDER BY i.number LIMIT 1`, customer).Scan(&invoice); err != nil {
		t.Fatal(err)
	}
	b := wd.browser(t)
	b.open("/login", "#name")
	check := func(name string) {
		t.Helper()
		b.run("inject axe", js(string(src)+";true"))
		raw := evalJS[string](b, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`)
		var vs []axeViolation
		if err := json.Unmarshal([]byte(raw), &vs); err != nil {
			t.Fatalf("axe on %s: %v", name, err)
		}
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				var where []string
				for _, n := range v.Nodes {
					where = append(where, fmt.Sprint(n.Target...))
				}
				t.Errorf("%s: %s (%s) %s: %s", name, v.ID, v.Impact, v.Help, strings.Join(where, " | "))
			}
		}
	}
	check("login")
	b.signIn("alice")
	for _, p := range []struct{ path, sel string }{
		{"/c/LAY/relances", "#relances"},
		{"/c/LAY/relances?tab=held", "#relances"},
		{"/c/LAY/customers/" + customer, "#items"},
		{"/c/LAY/invoices/" + invoice, "main h1"},
		{"/c/LAY/proposal", "#proposal"},
		{"/c/LAY/letters", "main h1"},
		{"/c/LAY/dashboard", "svg.chart"},
		{"/c/LAY/admin", "main"},
		{"/c/LAY/admin/ladder", "main"},
		{"/c/LAY/admin/templates", "main"},
		{"/c/LAY/admin/templates/edit?level=R2&lang=fr", "main"},
		{"/c/LAY/admin/statuses", "main"},
		{"/c/LAY/admin/import", "main"},
		{"/admin/companies", "main"},
		{"/admin/companies/LAY", "main"},
		{"/admin/companies/new", "main"},
		{"/admin/rates", "main"},
		{"/admin/users", "main"},
		{"/admin/tokens", "main"},
		{"/nope", "main"},
	} {
		b.open(p.path, p.sel)
		check(p.path)
	}
}
