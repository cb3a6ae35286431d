package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
)

// TestCommandLineIsAudited runs commands that change something and checks
// each wrote one audit row with the operating-system user as the actor,
// --actor kept as a label in the detail, and the right outcome; read-only
// commands write none.
func TestCommandLineIsAudited(t *testing.T) {
	st, url := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", temporaltest.Shared(t).Address)
	t.Setenv("BANK_SECRET", "bank-shared-secret-0123456789")
	me := "cli:" + osUser()

	tests := []struct {
		args    []string
		action  string
		target  string
		outcome string
		detail  string
	}{
		{[]string{"customer", "--company", "DEMO", "--customer", "CLI0005", "--status", "CTX", "--actor", "nobody"},
			"customer", "DEMO/customer/CLI0005", store.AuditOK, `label "nobody"`},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA9999", "--amount", "10", "--id", "A1"},
			"pay", "DEMO/FA9999", store.AuditRefused, "unknown invoice FA9999"},
		{[]string{"tokens", "create", "--name", "marie", "--role", "viewer", "--company", "DEMO"},
			"tokens create", "token/marie", store.AuditOK, "--role viewer"},
		{[]string{"sources", "set", "--name", "bank", "--secret-env", "BANK_SECRET", "--all-companies"},
			"sources set", "source/bank", store.AuditOK, "--secret-env BANK_SECRET"},
		{[]string{"rates", "set", "--from", "2026-07-01", "--rate", "2.15"},
			"rates set", "", store.AuditOK, "--rate 2.15"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		_ = dispatch(ctx, tt.args, &out)
		es, err := st.AuditEntries(ctx, store.AuditFilter{Actor: me, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 {
			t.Fatalf("%v: no audit row", tt.args)
		}
		e := es[0]
		if e.Action != "cli:"+tt.action || e.Target != tt.target || e.Outcome != tt.outcome || e.Role != "cli" || !strings.Contains(e.Detail, tt.detail) {
			t.Errorf("%v: audit row %+v, want action %q target %q outcome %q detail with %q", tt.args, e, tt.action, tt.target, tt.outcome, tt.detail)
		}
	}
	var before int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"tokens", "list"}, {"rates", "list"}, {"ladder", "show", "--company", "DEMO"}, {"search-attributes"},
		{"list", "--company", "DEMO"}, {"customer", "--company", "DEMO"}, // usage error: refused before anything
	} {
		_ = dispatch(ctx, args, &bytes.Buffer{})
	}
	var after int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("read-only commands wrote %d audit rows", after-before)
	}
	if got, want := cliActor("nobody"), "nobody ("+me+")"; got != want {
		t.Errorf("history actor = %q, want %q", got, want)
	}
}

// TestAuditNamesComeFromTheCommandLine reads parsed command lines: the
// action is the command path of cli, a command changes something as its
// audit tag says, and the detail lists the flags given, secrets masked.
func TestAuditNamesComeFromTheCommandLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args    []string
		path    string
		changes bool
		detail  string
	}{
		{[]string{"users", "add", "--name", "marie", "--role", "viewer", "--company", "DEMO", "--password-env", "PW"}, "users add", true, "--name marie --role viewer --company DEMO --password-env PW"},
		{[]string{"tokens", "list"}, "tokens list", false, ""},
		{[]string{"proposal", "--company", "DEMO"}, "proposal", false, "--company DEMO"},
		{[]string{"proposal", "--company", "DEMO", "--untick", "CLI0001"}, "proposal", true, "--company DEMO --untick CLI0001"},
		{[]string{"bank", "import", "a.xml", "b.xml", "--company", "DEMO"}, "bank import", true, "a.xml b.xml --company DEMO"},
		{[]string{"sources", "set", "--name", "bank", "--secret-env", "S", "--all-companies"}, "sources set", true, "--name bank --secret-env S --all-companies true"},
	} {
		var c cli
		kctx, err := parseArgs(&c, tt.args, &bytes.Buffer{})
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		l := readCommandLine(kctx)
		if l.Path != tt.path || l.Changes != tt.changes || strings.Join(l.Given, " ") != tt.detail {
			t.Errorf("%v: path %q changes %v detail %q, want %q %v %q", tt.args, l.Path, l.Changes, strings.Join(l.Given, " "), tt.path, tt.changes, tt.detail)
		}
	}
	if !secretFlag("password") || !secretFlag("api-token") || secretFlag("password-env") || secretFlag("company") {
		t.Error("secretFlag: wrong flags masked")
	}
}
