package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// Where a customer's unapplied money comes from (UnappliedPayment.Source).
const (
	// UnappliedOverpaid is the part of a payment beyond the invoice it
	// paid (payments.overpaid).
	UnappliedOverpaid = "overpaid"
	// UnappliedBank is a bank credit, or the excess of one, put on the
	// customer's account (ledger/bank).
	UnappliedBank = "bank"
	// UnappliedFeed is a payment on account from the accounting feed API.
	UnappliedFeed = "feed"
	// UnappliedCSV is a payment on account from the CSV import.
	UnappliedCSV = "csv"
	// UnappliedWeb is a payment on account recorded by hand on the
	// customer record.
	UnappliedWeb = "web"
	// UnappliedAccounting is a payment on account recorded before its
	// source was kept (the feed or the CSV import).
	UnappliedAccounting = "accounting"
)

// UnappliedPayment is one sum a customer paid that no invoice took: it is
// deducted from what the letters claim. The customer record lists them;
// Statement.Unapplied is their total.
type UnappliedPayment struct {
	Source    string // one of the Unapplied* constants
	Reference string // the payment's external id, the bank reference, or the accounting reference
	Invoice   string // UnappliedOverpaid: the invoice the payment was for
	PaidOn    calendar.Date
	Amount    decimal.Decimal // what is still deducted
	Currency  string
	Method    string // transfer, cheque...; for bank credits the payer's name
}

// UnappliedOf returns the unapplied payments of customer customerID in
// currency, oldest first: overpayments, bank credits on account, and the
// open payments on account (feed, CSV, by hand). Their total is
// Statement.Unapplied.
func (s *Store) UnappliedOf(ctx context.Context, customerID int64, currency string) ([]UnappliedPayment, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT 'overpaid', p.external_id, i.number, p.paid_on, p.overpaid, p.currency, p.method
		FROM payments p JOIN invoices i ON i.id = p.invoice_id
		WHERE i.customer_id = $1 AND p.currency = $2 AND p.overpaid > 0 AND p.reversed_at IS NULL
		UNION ALL
		SELECT 'bank', t.bank_ref, '', t.booking_date, a.amount, a.currency, t.payer_name
		FROM bank_allocations a JOIN bank_transactions t ON t.id = a.transaction_id
		WHERE a.customer_id = $1 AND a.invoice_id IS NULL AND a.reversed_at IS NULL AND a.currency = $2
		UNION ALL
		SELECT CASE WHEN o.source = '' THEN 'accounting' ELSE o.source END, o.reference, '', o.paid_on, o.amount, o.currency, o.method
		FROM payments_on_account o
		WHERE o.customer_id = $1 AND o.currency = $2 AND NOT o.closed AND o.amount > 0
		ORDER BY 4, 2`, customerID, currency)
	if err != nil {
		return nil, fmt.Errorf("unapplied payments of customer id %d: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UnappliedPayment, error) {
		var u UnappliedPayment
		err := r.Scan(&u.Source, &u.Reference, &u.Invoice, &u.PaidOn, &u.Amount, &u.Currency, &u.Method)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("unapplied payments of customer id %d: %w", customerID, err)
	}
	return out, nil
}

// unappliedTotal adds up ps.
func unappliedTotal(ps []UnappliedPayment) decimal.Decimal {
	total := decimal.Zero
	for _, p := range ps {
		total = total.Add(p.Amount)
	}
	return total
}
