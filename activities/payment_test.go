package activities_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/temporal"
)

// TestRecordPaymentRefusalsAreNotRetried: what the ledger can never
// record (a rule broken, a key reused with other content) comes back from
// the RecordPayment activity as a non-retryable PaymentRefused error, so
// the workflow records payment_rejected instead of retrying for ever; a
// good payment is recorded.
func TestRecordPaymentRefusalsAreNotRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23), Code: "RPAY"}); err != nil {
		t.Fatal(err)
	}
	id, err := st.InvoiceID(ctx, "RPAY", "FA0168")
	if err != nil {
		t.Fatal(err)
	}
	a := &activities.Activities{Store: st, Log: slog.New(slog.DiscardHandler)}
	day := calendar.New(2026, 11, 20)
	pay := func(ext, amount string) error {
		_, err := a.RecordPayment(ctx, wire.PaymentRequest{InvoiceID: id, Payment: dunning.Payment{
			ExternalID: ext, Amount: decimal.RequireFromString(amount), PaidOn: day, Source: "test"}})
		return err
	}
	if err := pay("GOOD-1", "100"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ ext, amount, says string }{
		{"X3", "1e309", "too large"},
		{"NUL\x00", "50", "control characters"},
		{"GOOD-1", "99", "already recorded with amount 100.00"}, // same key, other content
	} {
		err := pay(tt.ext, tt.amount)
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || !ae.NonRetryable() || ae.Type() != wire.ErrTypePaymentRefused || !strings.Contains(ae.Message(), tt.says) {
			t.Errorf("payment %q of %s: %v, want a non-retryable %s saying %q", tt.ext, tt.amount, err, wire.ErrTypePaymentRefused, tt.says)
		}
	}
	chk, err := st.CheckInvoice(ctx, id)
	if err != nil || chk.Balance.StringFixed(2) != "5919.20" {
		t.Errorf("balance %s %v, want 5919.20 (only GOOD-1)", chk.Balance, err)
	}
}
