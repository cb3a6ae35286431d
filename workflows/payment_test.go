package workflows

import (
	"context"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/temporal"
	"strings"
	"testing"
)

// TestPaymentsThatCannotBeStoredAreRejectedAndTheDunningGoesOn: an
// amount of 1e309 (numeric field overflow in PostgreSQL) and a NUL in the
// external ID (invalid byte sequence) used to pass the workflow's check
// and jam the RecordPayment activity for ever. They are now rejected,
// recorded as payment_rejected, and a good payment after them counts; the
// R1 letter still goes out on time.
func TestPaymentsThatCannotBeStoredAreRejectedAndTheDunningGoesOn(t *testing.T) {
	h := newHarness(t)
	signal := func(p map[string]any) func() {
		return func() { h.env.SignalWorkflow(dunning.SignalPayment, p) }
	}
	h.later(at(11, 2, 10), signal(map[string]any{"externalId": "X3", "amount": "1e309", "paidOn": "2026-11-02"}))
	h.later(at(11, 2, 11), signal(map[string]any{"externalId": "VIR\x00-1", "amount": "50", "paidOn": "2026-11-02"}))
	h.later(at(11, 2, 12), signal(map[string]any{"externalId": "X4", "amount": "1000000000000", "paidOn": "2026-11-02"}))
	h.later(at(11, 2, 13), signal(map[string]any{"externalId": strings.Repeat("x", 201), "amount": "50", "paidOn": "2026-11-02"}))
	h.later(at(11, 2, 14), signal(map[string]any{"externalId": "BANK-50", "amount": "50", "paidOn": "2026-11-02"}))
	var s dunning.State
	h.later(at(11, 3, 12), func() { s = h.state() })
	h.later(at(11, 10, 0), func() { h.pay("BANK-2", "1150") })
	r := h.run()

	var rejected []string
	for _, e := range r.History {
		if e.Kind == dunning.EventPaymentBad {
			rejected = append(rejected, e.Detail)
		}
	}
	if len(rejected) != 4 {
		t.Fatalf("rejected payments = %q, want 4", rejected)
	}
	for i, want := range []string{"amount 1e+309 is too large", "externalId: control characters", "too large", "externalId: longer than 200"} {
		if !strings.Contains(rejected[i], want) {
			t.Errorf("rejection %d = %q, want it to say %q", i, rejected[i], want)
		}
	}
	if len(h.ledger.payments) != 2 || !h.ledger.payments["BANK-50"] {
		t.Errorf("ledger payments = %v, want BANK-50 and BANK-2 only", h.ledger.payments)
	}
	if !s.Balance.Equal(decimal.RequireFromString("1150")) || s.Level != "R1" {
		t.Errorf("after R1: balance %s level %s, want 1150 at R1", s.Balance, s.Level)
	}
	var sentAt []string
	for _, e := range h.ledger.events {
		if e.Kind == dunning.EventLetterSent {
			sentAt = append(sentAt, e.At.In(paris).Format("01-02 15:04"))
		}
	}
	equal(t, "letter times", sentAt, []string{"11-03 09:00"})
	if r.Outcome != dunning.StatusPaid {
		t.Errorf("outcome = %s, want paid", r.Outcome)
	}
}

// refusingLedger refuses one external ID as the ledger does a payment it
// can never store (wire.ErrTypePaymentRefused).
type refusingLedger struct {
	*fakeLedger
	refuse string
}

func (f *refusingLedger) RecordPayment(ctx context.Context, req wire.PaymentRequest) (wire.PaymentResult, error) {
	if req.Payment.ExternalID == f.refuse {
		return wire.PaymentResult{}, temporal.NewNonRetryableApplicationError(
			"record payment "+f.refuse+": ERROR: numeric field overflow (SQLSTATE 22003)", wire.ErrTypePaymentRefused, nil)
	}
	return f.fakeLedger.RecordPayment(ctx, req)
}

// TestLedgerRefusalIsRejectedNotRetried: a payment the ledger refuses for
// good (a database data exception, a reused key) is recorded as
// payment_rejected with the ledger's reason, once, and the next payment
// counts.
func TestLedgerRefusalIsRejectedNotRetried(t *testing.T) {
	h := newHarness(t)
	h.env.RegisterActivity(&refusingLedger{fakeLedger: h.ledger, refuse: "DUP-1"})
	h.later(at(11, 2, 10), func() { h.pay("DUP-1", "100") })
	h.later(at(11, 2, 11), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	var rejected []dunning.Event
	for _, e := range r.History {
		if e.Kind == dunning.EventPaymentBad {
			rejected = append(rejected, e)
		}
	}
	if len(rejected) != 1 || !strings.Contains(rejected[0].Detail, "payment refused by the ledger: record payment DUP-1: ERROR: numeric field overflow") ||
		strings.Contains(rejected[0].Detail, "activity error") {
		t.Errorf("rejections = %+v", rejected)
	}
	if r.Outcome != dunning.StatusPaid || len(h.ledger.letters) != 0 {
		t.Errorf("outcome %s, letters %v: want paid before R1", r.Outcome, h.ledger.letters)
	}
}
