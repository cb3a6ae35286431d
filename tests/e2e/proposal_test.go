package e2e

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/scan"
)

// TestProposalAndUntick builds the proposal of the day (seed 001) from the
// running dunnings and unticks a customer: its invoices pause until the
// next day and leave the proposal.
func TestProposalAndUntick(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company = "PROP2"
	loadCompany(t, company, 600) // R1 due ten minutes after the start: today
	if _, err := scan.Run(ctx, st, tc, company, today, slog.Default()); err != nil {
		t.Fatal(err)
	}
	o := &actions.Ops{Store: st, Temporal: tc}
	var props []actions.CustomerProposal
	eventually(t, 20*time.Second, "a proposal covering every started invoice", func() bool {
		var err error
		props, err = o.Proposal(ctx, company, today.AddDays(1))
		n := 0
		for _, p := range props {
			n += len(p.Invoices)
		}
		return err == nil && n == 18
	})
	var info *actions.CustomerProposal
	for i := range props {
		if props[i].Customer == "CLI0009" {
			info = &props[i]
		}
	}
	if info == nil || len(info.Invoices) != 3 || info.Reminded.String() != "17179.14" || info.Level != "R1" {
		t.Fatalf("CLI0009 proposal = %+v", info)
	}
	paused, err := o.Untick(ctx, company, "CLI0009", today.AddDays(1), "marie")
	if err != nil || len(paused) != 3 {
		t.Fatalf("untick: %v %v", paused, err)
	}
	s, err := o.State(ctx, company, "FA0168")
	if err != nil || s.Status != dunning.StatusPaused {
		t.Errorf("FA0168 after untick: %s %v", s.Status, err)
	}
	terminateCompany(t, company)
}
