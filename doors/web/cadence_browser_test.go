package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
)

// TestBrowserCadence: an admin sets the company's cadence on its settings
// page and a customer's own on its record, as a controller would.
func TestBrowserCadence(t *testing.T) {
	t.Parallel()
	wd := newAdminWorld(t)
	ctx := context.Background()
	today := calendar.Of(time.Now().In(adminParis))
	if _, err := demo.Load(ctx, wd.st, demo.Options{Today: today, Code: "CDB", EmailDomain: "cdb.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := wd.st.CreateUser(ctx, "anne", adminPassword, store.RoleAdmin, []string{"CDB"}); err != nil {
		t.Fatal(err)
	}
	b := wd.browser(t)
	b.signIn("anne", adminPassword, "main")
	b.open("/admin/companies/CDB", "#f-cadence")
	b.step("cadence of 14 days", ".flash", fill("#f-cadence", "14"), chromedp.Click(chromedp.CSS("#savecompany")))
	if n, err := wd.st.CompanyCadence(ctx, "CDB"); err != nil || n == nil || *n != 14 {
		t.Errorf("company cadence %v (%v), want 14", n, err)
	}
	b.open("/admin/companies/CDB", "#f-cadence")
	b.screenshot("cadence-company")
	b.open("/c/CDB/customers/CLI0001", "#cadence")
	b.step("customer's own cadence", ".flash", fill(`#cadence input[name="cadence"]`, "30"), chromedp.Click(chromedp.CSS("#cadence button")))
	if !strings.Contains(b.text(".flash"), "30 jours") {
		t.Errorf("flash after saving the customer's cadence: %q", b.text(".flash"))
	}
	b.screenshot("cadence-customer")
	if c, err := wd.st.CustomerCadence(ctx, "CDB", "CLI0001"); err != nil || c.Days != 30 || !c.Override {
		t.Errorf("customer cadence %+v (%v)", c, err)
	}
}
