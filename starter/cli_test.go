package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows/wire"
)

// TestScanWithoutCompanyScansEveryCompany runs a plain `starter scan`: it
// scans every company, the demo company included, and reports its
// progress in plain lines (no carriage return) when standard error is not
// a terminal. Before it, `starter status` of an invoice without a workflow
// prints its history in the company's time zone, and says which.
func TestScanWithoutCompanyScansEveryCompany(t *testing.T) {
	st, url := dbtest.New(t)
	ctx := context.Background()
	for _, code := range []string{demo.Company, "ACME"} {
		if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23), Code: code}); err != nil {
			t.Fatal(err)
		}
	}
	srv := temporaltest.Shared(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", srv.Address)
	t.Setenv("TEMPORAL_NAMESPACE", srv.Namespace(t))
	var progressLines bytes.Buffer
	saved := progressOutput
	progressOutput = &progressLines
	t.Cleanup(func() { progressOutput = saved })

	var out bytes.Buffer
	if err := dispatch(ctx, []string{"status", "--company", "DEMO", "--invoice", "FA0168"}, &out); err != nil {
		t.Fatalf("status: %v", err)
	}
	if !strings.Contains(out.String(), "no dunning workflow for FA0168") || !strings.Contains(out.String(), "times Europe/Paris") {
		t.Errorf("status:\n%s", out.String())
	}

	out.Reset()
	if err := dispatch(ctx, []string{"scan", "--date", "2026-11-23", "--json"}, &out); err != nil {
		t.Fatalf("scan: %v", err)
	}
	var reports []wire.ScanReport
	if err := json.Unmarshal(out.Bytes(), &reports); err != nil {
		t.Fatalf("scan --json: %v\n%s", err, out.String())
	}
	started := map[string]int{}
	for _, r := range reports {
		started[r.Company] = r.StartedCount
	}
	if started["DEMO"] == 0 || started["ACME"] == 0 {
		t.Errorf("scan without --company started %v, want workflows of DEMO and of ACME", started)
	}
	p := progressLines.String()
	if !regexp.MustCompile(`(?m)^\d+(/\d+)? scan DEMO$`).MatchString(p) || !strings.Contains(p, "scan DEMO: ") ||
		!strings.Contains(p, "scan ACME: ") || strings.Contains(p, "\r") {
		t.Errorf("progress on a non-terminal:\n%q", p)
	}
}

// TestStatusInTheCompanysTimeZone prints a state whose times are UTC
// instants for a Paris company: they show in Paris time, zone named.
func TestStatusInTheCompanysTimeZone(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC)
	s := dunning.State{Invoice: "FA0168", Company: "DEMO", Status: "active", Level: "R1", NextLevel: "R2", NextActionAt: at,
		History: []dunning.Event{{At: at, Kind: dunning.EventLetterSent, Level: "R1"}}}
	var out bytes.Buffer
	printState(&env{out: &out}, s, paris)
	for _, want := range []string{"on 2026-12-08 09:00 CET", "history (times Europe/Paris):", "  2026-12-08 09:00  "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("state lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCompanyDemoDayFromTheCommandLine sets a company's short ladder day
// with `starter company set --day-seconds` (as the web app's company page
// does), shows it, audits it, and sets it back to real days.
func TestCompanyDemoDayFromTheCommandLine(t *testing.T) {
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // company commands need no Temporal
	daySeconds := func() int {
		co, err := st.CompanyByCode(ctx, "DEMO")
		if err != nil {
			t.Fatal(err)
		}
		return co.DemoDaySeconds
	}
	var out bytes.Buffer
	if err := dispatch(ctx, []string{"company", "set", "--code", "DEMO", "--day-seconds", "30"}, &out); err != nil {
		t.Fatal(err)
	}
	if got := daySeconds(); got != 30 {
		t.Errorf("demo day = %d s, want 30", got)
	}
	out.Reset()
	if err := dispatch(ctx, []string{"company", "show", "--code", "DEMO"}, &out); err != nil || !strings.Contains(out.String(), "day-seconds") {
		t.Errorf("company show: %v\n%s", err, out.String())
	}
	es, err := st.AuditEntries(ctx, store.AuditFilter{Actor: "cli:" + osUser(), Limit: 1})
	if err != nil || len(es) != 1 || es[0].Action != "cli:company set" || es[0].Target != "DEMO" || !strings.Contains(es[0].Detail, "--day-seconds 30") {
		t.Errorf("audit: %+v %v", es, err)
	}
	if err := dispatch(ctx, []string{"company", "set", "--code", "DEMO", "--day-seconds", "-1"}, &out); err == nil || !strings.Contains(err.Error(), "--day-seconds") {
		t.Errorf("negative demo day: %v", err)
	}
	if err := dispatch(ctx, []string{"company", "set", "--code", "DEMO", "--day-seconds", "0"}, &out); err != nil {
		t.Fatal(err)
	}
	if got := daySeconds(); got != 0 {
		t.Errorf("demo day = %d s after --day-seconds 0, want 0 (real days)", got)
	}
}
