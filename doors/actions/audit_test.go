package actions_test

import (
	"context"
	"strings"
	"testing"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestOneAuditWriter checks the one writer of every door: the door before
// the action's name, the detail bounded and valid UTF-8, the row written
// even when the request is gone.
func TestOneAuditWriter(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client went away: the row is written all the same
	for _, a := range []actions.Audit{
		{Door: actions.DoorAPI, Actor: "victor", Role: "operator", Action: "skip", Target: "DEMO/FA0168", Outcome: store.AuditOK},
		{Door: actions.DoorWeb, Actor: "marie", Role: "operator", Action: "skip", Target: "DEMO/FA0168", Outcome: store.AuditRefused, Detail: "paused"},
		{Door: actions.DoorCLI, Actor: "cli:root", Role: actions.RoleCLI, Action: "ladder set", Target: "DEMO", Outcome: store.AuditOK,
			Detail: strings.Repeat("é", actions.MaxAuditDetail)},
	} {
		if err := actions.RecordAudit(ctx, st, a); err != nil {
			t.Fatal(err)
		}
	}
	es, err := st.AuditEntries(context.Background(), store.AuditFilter{})
	if err != nil || len(es) != 3 {
		t.Fatalf("%d entries, %v", len(es), err)
	}
	var got []string
	for i := len(es) - 1; i >= 0; i-- {
		got = append(got, es[i].Actor+" "+es[i].Role+" "+es[i].Action+" "+es[i].Target+" "+es[i].Outcome)
	}
	want := "victor operator api:skip DEMO/FA0168 ok, marie operator web:skip DEMO/FA0168 refused, cli:root cli cli:ladder set DEMO ok"
	if strings.Join(got, ", ") != want {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, ", "), want)
	}
	if d := es[0].Detail; len(d) > actions.MaxAuditDetail || len(d) < actions.MaxAuditDetail-1 || !strings.HasPrefix(d, "éé") || strings.ContainsRune(d, '\uFFFD') {
		t.Errorf("detail of %d bytes: %q...", len(d), d[:10])
	}
}
