package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/filtercases"
	"github.com/xuri/excelize/v2"
)

// listWorld is the demo company with a few invoices along the ladder.
func listWorld(t *testing.T) *store.Store {
	t.Helper()
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.Of(time.Now())}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // none of these commands needs Temporal
	for invoice, snap := range map[string]dunning.Snapshot{
		"FA0167": {Status: dunning.StatusActive, Level: "R2", NextLevel: "R3"},
		"FA0175": {Status: dunning.StatusActive, Level: "R2", NextLevel: "R3"},
		"FA0168": {Status: dunning.StatusPaused, Level: "R1", NextLevel: "R2"},
		"FA0174": {Status: dunning.StatusUnresolved, Level: "MED", NextLevel: "UNRESOLVED"},
	} {
		id, err := st.InvoiceID(ctx, demo.Company, invoice)
		if err != nil {
			t.Fatal(err)
		}
		events := []dunning.Event{{Seq: 1, At: time.Now().Add(-time.Hour), Kind: dunning.EventLetterSent, Level: snap.Level, Detail: "test"}}
		if err := st.RecordEvents(ctx, id, dunning.WorkflowID(demo.Company, invoice), events, snap); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func listRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := dispatch(context.Background(), args, &out)
	return out.String(), err
}

func TestListLikeTheRemindersScreen(t *testing.T) {
	listWorld(t)
	out, err := listRun(t, "list", "--company", "DEMO")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out)
	lines := strings.Split(out, "\n")
	// The tabs of the Relances screen (store.CountTabs): per next letter.
	if lines[0] != "Tous 21 | R1 0 | R2 0 | R3 2 | MED 0 | Non soldé 1 | En pause 1 | Contentieux 0" {
		t.Errorf("tabs = %q", lines[0])
	}
	if !strings.Contains(out, "R2      FA0167       CLI0001  Dévelogiciel SARL") ||
		!strings.Contains(out, "6\u202f364,80\u202f€") || !strings.Contains(out, "En pause") ||
		!strings.Contains(out, "\n21 factures, solde dû ") {
		t.Errorf("table:\n%s", out)
	}

	// The tab counts stay; the rows follow the filter.
	out, err = listRun(t, "list", "--company", "DEMO", "--level", "r2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Tous 21 | R1 0 | R2 0 | R3 2 |") || !strings.Contains(out, "FA0175") || strings.Contains(out, "FA0168") ||
		!strings.Contains(out, "\n2 factures, solde dû 12\u202f708,38\u202f€\n") {
		t.Errorf("--level R2:\n%s", out)
	}
	out, _ = listRun(t, "list", "--company", "DEMO", "--status", "paused")
	if !strings.Contains(out, "FA0168") || !strings.Contains(out, "\n1 facture, ") {
		t.Errorf("--status paused:\n%s", out)
	}
	out, _ = listRun(t, "list", "--company", "DEMO", "--customer", "CLI0009", "--overdue-days", "40")
	if !strings.HasPrefix(out, "Tous 2 |") || !strings.Contains(out, "FA0168") || !strings.Contains(out, "FA0176") || strings.Contains(out, "FA0184") {
		t.Errorf("--customer --overdue-days:\n%s", out)
	}
	out, _ = listRun(t, "list", "--company", "DEMO", "--tab", "R3")
	if !strings.Contains(out, "FA0167") || !strings.Contains(out, "FA0175") || !strings.Contains(out, "\n2 factures, ") {
		t.Errorf("--tab R3:\n%s", out)
	}
	// The filter's bounds and choices, in its words.
	for flag, want := range map[string]string{
		"--overdue-days=-1": "list: --overdue-days: -1 is not a whole number from 0 to 36500",
		"--limit=10001":     "list: --limit: 10001 is not a whole number from 1 to 10000",
		"--tab=ZZ":          "list: --tab: ZZ is not one of R1, R2, R3, MED, unresolved, paused, held",
		"--status=asleep":   "list: --status: asleep is not one of active, paused, held, unresolved, paid, closed",
	} {
		if _, err := listRun(t, "list", "--company", "DEMO", flag); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", flag, err, want)
		}
	}
	if _, err := listRun(t, "list"); err == nil || !strings.Contains(err.Error(), "--company is required") {
		t.Errorf("no company: %v", err)
	}
	if _, err := listRun(t, "list", "--company", "NOPE"); err == nil || !strings.Contains(err.Error(), "NOPE") {
		t.Errorf("unknown company: %v", err)
	}
}

func TestExportCommand(t *testing.T) {
	listWorld(t)
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "relances.xlsx")
	out, err := listRun(t, "export", "--company", "DEMO", "--what", "invoices", "--level", "R2", "--out", xlsx)
	if err != nil {
		t.Fatal(err)
	}
	// Output is a buffer, not a terminal: plain progress lines, then the report.
	if !strings.Contains(out, "fetch invoices DEMO: 2 done in") || !strings.Contains(out, "write invoices DEMO: 2/2 done in") ||
		!strings.Contains(out, "2 invoices of DEMO written to "+xlsx) || strings.Contains(out, "\r") {
		t.Errorf("output:\n%s", out)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(export.InvoicesSheet)
	f.Close()
	if len(rows) != 3 || rows[1][1] != "FA0167" || rows[2][1] != "FA0175" {
		t.Errorf("xlsx rows = %q", rows)
	}

	csvPath := filepath.Join(dir, "historique.csv")
	if _, err := listRun(t, "export", "--company", "DEMO", "--what", "history", "--from", calendar.Of(time.Now()).AddDays(-1).String(), "--out", csvPath); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.HasPrefix(s, "\ufeffDate;N° de pièce;") || strings.Count(s, "\r\n") != 5 || !strings.Contains(s, ";Lettre envoyée;MED;test;") {
		t.Errorf("history csv:\n%s", s)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--company", "DEMO"}, "missing flags: --out"},
		{[]string{"export", "--company", "DEMO", "--out", "x.ods"}, `--format must be csv or xlsx, not "ods"`},
		{[]string{"export", "--company", "DEMO", "--what", "letters", "--out", "x.csv"}, "--what must be invoices or history"},
		{[]string{"export", "--company", "DEMO", "--from", "2026-01-01", "--out", "x.csv"}, "apply to --what history"},
		{[]string{"export", "--company", "DEMO", "--what", "history", "--from", "01/01/2026", "--out", "x.csv"}, "is not YYYY-MM-DD"},
		{[]string{"export", "--company", "DEMO", "--what", "history", "--from", "2026-02-01", "--to", "2026-01-01", "--out", filepath.Join(dir, "x.csv")}, "ends (2026-01-01) before it starts"},
	} {
		if _, err := listRun(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestCallsCommand(t *testing.T) {
	listWorld(t)
	out, err := listRun(t, "calls", "add", "--company", "DEMO", "--customer", "CLI0009", "--contact", "M. Durand",
		"--outcome", "promesse", "--note", "paiera en deux fois", "--promised-on", "2026-12-01", "--promised-amount", "500", "--author", "marie")
	if err != nil {
		t.Fatal(err)
	}
	var id string
	if _, err := fmt.Sscanf(out, "call %s logged", &id); err != nil || !strings.Contains(out, "logged with CLI0009 of DEMO") {
		t.Fatalf("add: %q", out)
	}
	out, err = listRun(t, "calls", "list", "--company", "DEMO", "--customer", "CLI0009")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "marie") || !strings.Contains(out, "M. Durand") || !strings.Contains(out, "500,00 le 01/12/2026") {
		t.Errorf("list:\n%s", out)
	}
	if _, err := listRun(t, "calls", "add", "--company", "DEMO", "--customer", "CLI0009", "--note", "x", "--promised-amount", "-5"); err == nil ||
		!strings.Contains(err.Error(), "greater than zero") {
		t.Errorf("negative promise: %v", err)
	}
	if _, err := listRun(t, "calls", "add", "--company", "DEMO", "--customer", "CLI9999", "--note", "x"); err == nil ||
		!strings.Contains(err.Error(), "customer CLI9999 of company DEMO: not found") {
		t.Errorf("unknown customer: %v", err)
	}
	if out, err := listRun(t, "calls", "delete", "--company", "DEMO", "--id", id); err != nil || out != "call "+id+" deleted\n" {
		t.Errorf("delete: %q %v", out, err)
	}
	if _, err := listRun(t, "calls", "delete", "--company", "DEMO", "--id", id); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("second delete: %v", err)
	}
	if out, _ := listRun(t, "calls", "list", "--company", "DEMO", "--customer", "CLI0009"); out != "no call logged with CLI0009 of DEMO\n" {
		t.Errorf("list after delete: %q", out)
	}
	if _, err := listRun(t, "calls", "ring"); err == nil || !strings.Contains(err.Error(), "unexpected argument ring") {
		t.Errorf("unknown action: %v", err)
	}
}

// TestSameFilterAsTheOtherDoors reads the filters of filtercases as flags:
// the command line selects what the API and the web app select.
func TestSameFilterAsTheOtherDoors(t *testing.T) {
	st := listWorld(t)
	e := &env{st: st}
	read := func(params [][2]string) (store.InvoiceFilter, error) {
		var c cli
		if _, err := parseArgs(&c, append([]string{"list", "--company", filtercases.Company}, filtercases.Args(params)...), &bytes.Buffer{}); err != nil {
			return store.InvoiceFilter{}, err
		}
		_, _, f, err := listFilter(context.Background(), e, "list", &c.List.FilterFlags, actions.ListRows)
		return f, err
	}
	for _, c := range filtercases.Cases {
		if f, err := read(c.Params); err != nil || !filtercases.Same(f, c.Want) {
			t.Errorf("%s (%q): %v %+v, want %+v", c.Name, filtercases.Args(c.Params), err, filtercases.Selection(f), c.Want)
		}
	}
	for _, p := range filtercases.Refused {
		if p[0] == actions.ParamOverCreditLimit {
			continue // a yes-or-no flag: kong reads its value
		}
		var u usageError
		if _, err := read([][2]string{p}); !errors.As(err, &u) || !strings.Contains(err.Error(), "--"+p[0]+": ") {
			t.Errorf("--%s %s: %v, want a usage error naming the flag", p[0], p[1], err)
		}
	}
}
