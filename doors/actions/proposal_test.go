package actions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

// TestProposalMissingRateKeepsTheIndemnity: formal notices of the second
// half of 2026 with no ECB rate row still claim 40 € per invoice, and the
// proposal shows the missing rate as a blocking warning before sending.
func TestProposalMissingRateKeepsTheIndemnity(t *testing.T) {
	st, _ := dbtest.New(t)
	ctx := context.Background()
	today := calendar.New(2026, 11, 23)
	if _, err := demo.Load(ctx, st, demo.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"FA0168", "FA0184"} {
		id, err := st.InvoiceID(ctx, demo.Company, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RecordEvents(ctx, id, "dunning/"+demo.Company+"/"+n, nil, dunning.Snapshot{
			Status: dunning.StatusActive, Level: "R3", NextLevel: "MED", NextActionAt: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC),
		}); err != nil {
			t.Fatal(err)
		}
	}
	o := &actions.Ops{Store: st}
	props, err := o.Proposal(ctx, demo.Company, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 1 || props[0].Customer != "CLI0009" {
		t.Fatalf("proposal %+v, want CLI0009", props)
	}
	p := props[0]
	// The amount reminded is the statement's: every overdue item of
	// CLI0009 (FA0176 is not in the proposal but is overdue), the credit
	// note AV0021 (−283,20) deducted.
	var listed, owed decimal.Decimal
	for _, l := range p.Invoices {
		listed = listed.Add(l.Balance)
	}
	if err := st.Pool.QueryRow(ctx, `SELECT sum(i.balance_due) FROM invoices i JOIN customers cu ON cu.id = i.customer_id
		WHERE cu.code = 'CLI0009' AND NOT i.closed AND (i.kind = 'credit_note' OR i.due_date < $1)`, today).Scan(&owed); err != nil {
		t.Fatal(err)
	}
	if !p.Reminded.Equal(owed) || p.Reminded.Equal(listed) {
		t.Errorf("reminded %s, want the statement's %s (credit note deducted), not the listed invoices' %s", p.Reminded, owed, listed)
	}
	if !p.Fees.Equal(decimal.NewFromInt(80)) {
		t.Errorf("fees %s, want 80 (40 € indemnity × 2 invoices, no penalties)", p.Fees)
	}
	if !p.Blocking || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "second half of 2026") ||
		!strings.Contains(p.Warnings[0], "starter rates set --from 2026-07-01") {
		t.Errorf("blocking %v, warnings %q: want the missing rate of the second half of 2026", p.Blocking, p.Warnings)
	}
	if err := st.SetECBRate(ctx, calendar.New(2026, 7, 1), decimal.RequireFromString("2.15")); err != nil {
		t.Fatal(err)
	}
	if props, err = o.Proposal(ctx, demo.Company, today); err != nil || props[0].Blocking || !props[0].Fees.GreaterThan(decimal.NewFromInt(80)) {
		t.Errorf("with the rate: %+v %v, want penalties and no warning", props[0], err)
	}
}

// TestProposalListsInstalments: an instalment dunned on its own appears in
// the proposal as FA0168#1 with its own balance and next level.
func TestProposalListsInstalments(t *testing.T) {
	st, _ := dbtest.New(t)
	ctx := context.Background()
	today := calendar.New(2026, 11, 23)
	if _, err := demo.Load(ctx, st, demo.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
	id, err := st.InvoiceID(ctx, demo.Company, "FA0168")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetInstalments(ctx, id, []store.Instalment{
		{Seq: 1, DueDate: today.AddDays(-40), Amount: decimal.NewFromInt(3000), Balance: decimal.NewFromInt(3000)},
		{Seq: 2, DueDate: today.AddDays(20), Amount: decimal.RequireFromString("3019.20"), Balance: decimal.RequireFromString("3019.20")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordItemEvents(ctx, id, 1, "dunning/"+demo.Company+"/FA0168#1", nil, dunning.Snapshot{
		Status: dunning.StatusActive, Level: "R1", NextLevel: "R2", NextActionAt: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC),
	}); err != nil {
		t.Fatal(err)
	}
	props, err := (&actions.Ops{Store: st}).Proposal(ctx, demo.Company, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 1 || len(props[0].Invoices) != 1 || props[0].Invoices[0].Number != "FA0168#1" ||
		!props[0].Invoices[0].Balance.Equal(decimal.NewFromInt(3000)) || props[0].Level != "R2" {
		t.Errorf("proposal %+v, want FA0168#1 at R2 for 3 000 €", props)
	}
}
