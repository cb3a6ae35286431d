package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
)

// TestContinueAsNewCarriesTheState lets the server suggest continue-as-new
// after R2 and a partial payment: the run hands over its state, and a run
// started from that state goes on at R3 with the payment already counted.
func TestContinueAsNewCarriesTheState(t *testing.T) {
	h := newHarness(t)
	h.later(at(11, 19, 0), func() {
		h.env.SetContinueAsNewSuggested(true) // seen when the payment wakes the workflow
		h.pay("BANK-1", "200")
	})
	h.env.ExecuteWorkflow(InvoiceDunning, wire.Input{Company: "ACME", Invoice: "FA0171"})
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow ended with %v, want continue-as-new", err)
	}
	var in wire.Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
		t.Fatal(err)
	}
	c := in.Carry
	if c == nil || c.Stage != 2 || len(c.Payments) != 1 || c.Invoice.Balance.String() != "1000" || len(c.History) == 0 {
		t.Fatalf("carried state = %+v", c)
	}
	equal(t, "letters before the hand-over", h.ledger.letters, []string{"R1#1", "R2#1"})

	// The next run starts from the carried state.
	next := newHarness(t)
	next.env.SetStartTime(time.Date(2026, 11, 19, 2, 0, 0, 0, paris))
	next.ledger.balance = c.Invoice.Balance
	next.ledger.payments["BANK-1"] = true
	next.later(time.Date(2026, 12, 4, 0, 0, 0, 0, paris).Sub(time.Date(2026, 11, 19, 2, 0, 0, 0, paris)), func() {
		next.pay("BANK-1", "200") // the same payment again: counted once
		next.pay("BANK-2", "1000")
	})
	next.env.ExecuteWorkflow(InvoiceDunning, in)
	r := next.result()
	equal(t, "letters after the hand-over", next.ledger.letters, []string{"R3#1"})
	if r.Outcome != dunning.StatusPaid {
		t.Errorf("outcome = %s", r.Outcome)
	}
}
