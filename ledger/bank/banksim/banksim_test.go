package banksim_test

import (
	"context"
	"os"
	"testing"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/bank/banksim"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	temporaltest.StopShared()
	os.Exit(code)
}

// TestMonthOnFixedSeed runs a generated month (300 customers, their
// invoices, credit notes and instalments, and a month of daily statements
// in the three formats) through the real import and matching: at least 90
// % of the credits are matched automatically, none wrongly, and every
// returned transfer reopens the credit it took back.
func TestMonthOnFixedSeed(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	m := banksim.Generate(banksim.Options{Seed: 16})
	if err := banksim.Load(ctx, st, m); err != nil {
		t.Fatal(err)
	}
	o := &actions.Ops{Store: st, Temporal: temporaltest.Shared(t).Client(t)}
	rep, err := banksim.Run(ctx, st, m, func(ctx context.Context, data []byte, name string) (bank.ImportReport, error) {
		return o.ImportStatement(ctx, data, bank.ImportOptions{FileName: name, Channel: "simulation", Actor: "simulation"})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	for _, e := range rep.ExceptionList {
		t.Log("exception", e)
	}
	if rep.Credits < 250 {
		t.Errorf("only %d credits in the month", rep.Credits)
	}
	if rep.Wrong != 0 || rep.ReturnsWrong != 0 {
		t.Errorf("%d wrong matches, %d wrong returns", rep.Wrong, rep.ReturnsWrong)
	}
	if rep.Rate() < 0.90 {
		t.Errorf("automatic rate %.1f %%, goal 90 %%", 100*rep.Rate())
	}
	if rep.ReturnsApplied != rep.Returns {
		t.Errorf("%d of %d returns applied", rep.ReturnsApplied, rep.Returns)
	}
}
