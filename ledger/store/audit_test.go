package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

func TestAuditLog(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	entries := []store.AuditEntry{
		{At: at, Actor: "marie", Role: "operator", Action: "skip", Target: "DEMO/FA0168", Outcome: store.AuditOK},
		{At: at.Add(time.Minute), Actor: "paul", Role: "viewer", Action: "skip", Target: "DEMO/FA0168",
			Detail: "role viewer may not skip", Outcome: store.AuditRefused},
		{Actor: "marie", Role: "operator", Action: "comment", Target: "DEMO/FA0171", Outcome: store.AuditOK},
	}
	for _, e := range entries {
		if err := st.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.AuditEntries(ctx, store.AuditFilter{Target: "DEMO/FA0168"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Actor != "paul" || got[0].Outcome != "refused" || !got[1].At.Equal(at) {
		t.Errorf("entries of FA0168 = %+v", got)
	}
	mine, _ := st.AuditEntries(ctx, store.AuditFilter{Actor: "marie"})
	if len(mine) != 2 || mine[0].Action != "comment" || mine[0].At.IsZero() {
		t.Errorf("marie's entries = %+v", mine)
	}
	if err := st.RecordAudit(ctx, store.AuditEntry{Actor: "x", Action: "skip", Outcome: "maybe"}); err == nil {
		t.Error("an unknown outcome must be refused")
	}
}
