package workflows

import (
	"context"
	"encoding/json"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"testing"
)

// The scan's start input carries the invoice: the workflow's first task
// reads nothing from the database, and the dunning goes on as usual.
func TestStartWithLoadedInvoiceSkipsLoad(t *testing.T) {
	tests := []struct {
		name      string
		loaded    bool
		wantLoads int
	}{
		{"scan input with the invoice", true, 0},
		{"names only (older starters)", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			in := wire.Input{Company: "ACME", Invoice: "FA0171"}
			if tt.loaded {
				inv, _ := h.ledger.LoadInvoice(context.Background(), wire.InvoiceRef{Company: "ACME", Invoice: "FA0171"})
				h.ledger.loads = 0
				in.Loaded = &inv
			}
			// The scan's input reaches the workflow as JSON.
			raw, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			var wfIn wire.Input
			if err := json.Unmarshal(raw, &wfIn); err != nil {
				t.Fatal(err)
			}
			h.later(at(11, 10, 0), func() { h.pay("BANK-1", "1200") })
			h.env.ExecuteWorkflow(InvoiceDunning, wfIn)
			r := h.result()
			if h.ledger.loads != tt.wantLoads {
				t.Errorf("LoadInvoice ran %d times, want %d", h.ledger.loads, tt.wantLoads)
			}
			if r.Outcome != "paid" || r.Letters != 1 || !decimal.Zero.Equal(decimal.RequireFromString(r.Balance)) {
				t.Errorf("result = %s, %d letters, balance %s; want paid after R1 with balance 0", r.Outcome, r.Letters, r.Balance)
			}
		})
	}
}
