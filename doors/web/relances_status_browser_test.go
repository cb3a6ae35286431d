package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
)

// TestBrowserStatusChangeOnSelection: seed 004's "Modifier le statut de
// relance" on ticked invoices, in Chromium at 1440×900 and 390×844. A
// level brings each invoice's workflow there (levels skipped without a
// letter, or gone back), "Charger nouveaux statuts" moves each to its
// escalation code, a blocking status (CTX) holds the workflow and a level
// releases it; an invoice without a dunning is refused without stopping
// the others. Each outcome is said on the summary, in the workflows'
// state and history, and in the audit log. The pages pass the layout
// check (screenshots status-*.png).
func TestBrowserStatusChangeOnSelection(t *testing.T) {
	t.Parallel()
	wd := newWorld(t)
	ctx := context.Background()
	wd.company(t, "STA", 3600, nil) // one ladder day lasts an hour: no letter goes out by itself
	wd.user(t, "olivia", store.RoleOperator, "STA")
	b := wd.browser(t)
	b.signIn("olivia")
	if !strings.Contains(evalJS[string](b, `document.querySelector('button[data-bulk="revert"]').title`), "Supprimer les relances sélectionnées") {
		t.Errorf("the bulk revert does not say it removes the selected reminders (seed 003)")
	}

	state := func(n string) dunning.State {
		t.Helper()
		st, err := wd.ops.State(ctx, "STA", n)
		if err != nil {
			t.Fatalf("state of %s: %v", n, err)
		}
		return st
	}
	// change ticks the invoices on the list, picks a status and runs it;
	// it returns the summary's lines per invoice.
	change := func(name, status string, invoices ...string) map[string]string {
		t.Helper()
		b.open("/c/STA/relances", "#relances")
		for _, n := range invoices {
			b.run("tick "+n, chromedp.Click(css(fmt.Sprintf(`input[name="inv"][value=%q]`, n))))
		}
		b.run("choose "+status, chromedp.SetValue(css("#new-status"), status))
		b.step("status "+status, "#summary", chromedp.Click(css(`button[data-bulk="status"]`)))
		b.screenshot("status-" + name)
		out := map[string]string{}
		for _, n := range invoices {
			out[n] = evalJS[string](b, fmt.Sprintf(`(() => { const li = document.querySelector('li[data-invoice=%q]'); return li ? li.closest("ul").id + ": " + li.textContent : ""; })()`, n))
		}
		return out
	}

	// R2 on two invoices at the start of their dunning and on one without
	// any (no due date): two move up two levels without a letter, the
	// third is refused.
	got := change("r2", "R2", "FA0168", "FA0171", "FA0192")
	for _, n := range []string{"FA0168", "FA0171"} {
		if !strings.HasPrefix(got[n], "changed: ") || !strings.Contains(got[n], "→ R2 (2 niveau(x) ignoré(s), sans lettre)") {
			t.Errorf("%s: %q", n, got[n])
		}
		if s := state(n); s.Level != "R2" || s.NextLevel != "R3" {
			t.Errorf("%s's workflow at %s, next %s; want R2, next R3", n, s.Level, s.NextLevel)
		}
	}
	if !strings.HasPrefix(got["FA0192"], "refused: ") {
		t.Errorf("FA0192 (no dunning): %q", got["FA0192"])
	}
	skips := 0
	for _, e := range state("FA0168").History {
		if e.Kind == dunning.EventSkipped && e.Actor == "olivia" {
			skips++
		}
	}
	if skips != 2 {
		t.Errorf("FA0168's history has %d levels skipped by olivia, want 2", skips)
	}

	// "Charger nouveaux statuts": each to its escalation code (R2 → R3).
	got = change("escalate", "+escalate", "FA0168")
	if s := state("FA0168"); s.Level != "R3" || !strings.Contains(got["FA0168"], "R2 → R3") {
		t.Errorf("escalation: workflow at %s, summary %q", s.Level, got["FA0168"])
	}

	// A blocking status holds the workflow; a level releases it (one
	// level back: its letter will go again).
	got = change("ctx", "CTX", "FA0171")
	if !strings.Contains(got["FA0171"], "R2 → CTX") {
		t.Errorf("CTX: %q", got["FA0171"])
	}
	eventually(t, 30*time.Second, "FA0171 held by its status", func() bool {
		return strings.Contains(state("FA0171").HoldReason, "invoice status") && wd.nextLevel(t, "STA", "FA0171") == "R3/held"
	})
	b.open("/c/STA/relances?tab=held", "#relances")
	if cell := b.text(`tr[data-invoice="FA0171"] [data-invoice-status]`); cell != "CTX" {
		t.Errorf("Contentieux tab: FA0171's invoice status %q, want CTX", cell)
	}
	got = change("r1", "R1", "FA0171")
	if !strings.Contains(got["FA0171"], "CTX → R1 (retour de 1 niveau(x)") {
		t.Errorf("R1 after CTX: %q", got["FA0171"])
	}
	eventually(t, 30*time.Second, "FA0171 released at R1", func() bool {
		s := state("FA0171")
		return s.Level == "R1" && s.HoldReason == "" && wd.nextLevel(t, "STA", "FA0171") == "R2/active"
	})

	// Audited, one entry per invoice and outcome.
	es, err := wd.st.AuditEntries(ctx, store.AuditFilter{Actor: "olivia", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]int{}
	for _, e := range es {
		if e.Action == "web:bulk-status" {
			audited[e.Target+" "+e.Outcome]++
		}
	}
	if audited["STA/FA0168 "+store.AuditOK] != 2 || audited["STA/FA0171 "+store.AuditOK] != 3 || audited["STA/FA0192 "+store.AuditRefused] != 1 {
		t.Errorf("audit: %v", audited)
	}

	// The list and the summary fit a phone.
	b.run("viewport 390x844", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	change("phone", "R2", "FA0175")
	for _, pr := range evalJS[[]string](b, fmt.Sprintf(layoutProblems, 390)) {
		t.Errorf("summary at 390x844: %s", pr)
	}
	b.open("/c/STA/relances", "#relances")
	for _, pr := range evalJS[[]string](b, fmt.Sprintf(layoutProblems, 390)) {
		t.Errorf("list at 390x844: %s", pr)
	}
	b.screenshot("status-list-390x844")
	if s := state("FA0175"); s.Level != "R2" {
		t.Errorf("FA0175 at %s after R2 on a phone", s.Level)
	}
}
