package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// StatementItem is one open item of a customer as the ledger holds it when
// the customer's letter is built: an invoice, one instalment of an invoice
// paid in several parts, or a credit note (negative balance).
type StatementItem struct {
	InvoiceID  int64
	Number     string
	Kind       string // invoice or credit_note
	Instalment int    // instalment sequence, 0 for the whole invoice
	IssueDate  calendar.Date
	DueDate    calendar.Date // may be zero
	Amount     decimal.Decimal
	Balance    decimal.Decimal
	Currency   string
	// Level is the item's current dunning level (its last letter), "" or
	// NONE before the first.
	Level string
	// Held is non-empty when the item must not be claimed: do-not-remind,
	// blocking status (litigation) on the invoice.
	Held string
}

// Statement is every open item of one customer, read from the ledger.
type Statement struct {
	Items []StatementItem
	// Unapplied is the part of the customer's payments that went beyond
	// the invoices they paid (payments.overpaid), the bank credits put on
	// its account, and the open payments on account (payments_on_account):
	// money the customer has already given,
	// deducted from what the letter claims. It is the total of
	// UnappliedPayments.
	Unapplied decimal.Decimal
	// UnappliedPayments are those payments one by one, with where each
	// came from (overpayment, bank, feed, CSV, by hand).
	UnappliedPayments []UnappliedPayment
}

// Owed is what a statement built on day claims (before fees): the
// balances of the items overdue on day and of the credit notes, less the
// unapplied payments; held items (do-not-remind, litigation) and items
// not yet due are not counted. It is the total of the letter
// SendStatement builds (activities.statementData, letter.Data.Total).
func (st Statement) Owed(day calendar.Date) decimal.Decimal {
	total := decimal.Zero
	for _, r := range st.Items {
		switch {
		case r.Held != "":
		case r.Kind == "credit_note" || r.Balance.IsNegative():
			total = total.Add(r.Balance)
		case r.DueDate.IsZero() || !day.After(r.DueDate):
		default:
			total = total.Add(r.Balance)
		}
	}
	return total.Sub(st.Unapplied)
}

// Position is what a customer's open items come to on a day, by the one
// definition of "owed" shared by the letters, the customer record, the
// dashboard and the exports: credit notes and unapplied payments (payments
// on account) are each counted once, against the balance.
type Position struct {
	// Open is the customer's balance: every open item (overdue, not yet
	// due, held), less credit notes and unapplied payments.
	Open decimal.Decimal
	// Owed is what a letter of that day claims (Statement.Owed): overdue
	// items not held, less credit notes and unapplied payments.
	Owed decimal.Decimal
	// NotDue is the items not yet due ("à échoir"), never in Owed.
	NotDue decimal.Decimal
	// Held is the overdue items held (litigation, do-not-remind), in Open
	// but not in Owed.
	Held decimal.Decimal
	// Credits is the credit notes (negative) and Unapplied the payments on
	// account (positive, deducted).
	Credits, Unapplied decimal.Decimal
}

// Position returns the statement's figures on day (see Position).
func (st Statement) Position(day calendar.Date) Position {
	p := Position{Open: decimal.Zero, NotDue: decimal.Zero, Held: decimal.Zero, Credits: decimal.Zero, Unapplied: st.Unapplied}
	for _, r := range st.Items {
		p.Open = p.Open.Add(r.Balance)
		switch {
		case r.Kind == "credit_note" || r.Balance.IsNegative():
			p.Credits = p.Credits.Add(r.Balance)
		case r.DueDate.IsZero() || !day.After(r.DueDate):
			p.NotDue = p.NotDue.Add(r.Balance)
		case r.Held != "":
			p.Held = p.Held.Add(r.Balance)
		}
	}
	p.Open = p.Open.Sub(st.Unapplied)
	p.Owed = st.Owed(day)
	return p
}

// StatementOf returns the open items of customer customerID in currency:
// invoices (or their instalments) and credit notes with a balance other
// than zero, not closed, by due date. Items without a due date are listed
// too (the caller decides).
func (s *Store) StatementOf(ctx context.Context, customerID int64, currency string) (Statement, error) {
	st := Statement{Unapplied: decimal.Zero}
	rows, err := s.Pool.Query(ctx, `
		SELECT i.id, i.number, i.kind, COALESCE(n.seq, 0), i.issue_date, COALESCE(n.due_date, i.due_date),
		       COALESCE(n.amount, i.amount), COALESCE(n.balance_due, i.balance_due), i.currency,
		       COALESCE(CASE WHEN n.seq IS NULL THEN i.dunning_level ELSE n.dunning_level END, ''),
		       CASE WHEN i.do_not_remind THEN 'invoice is marked do-not-remind'
		            WHEN EXISTS (SELECT 1 FROM reminder_statuses rs WHERE rs.company_id = i.company_id
		                         AND rs.code = i.reminder_status AND rs.blocks_reminders) THEN 'invoice status ' || i.reminder_status
		            ELSE '' END
		FROM invoices i LEFT JOIN instalments n ON n.invoice_id = i.id
		WHERE i.customer_id = $1 AND i.currency = $2 AND NOT i.closed
		  AND COALESCE(n.balance_due, i.balance_due) <> 0
		  AND (n.seq IS NOT NULL OR NOT EXISTS (SELECT 1 FROM instalments x WHERE x.invoice_id = i.id))
		ORDER BY COALESCE(n.due_date, i.due_date) NULLS LAST, i.number, n.seq`, customerID, currency)
	if err != nil {
		return st, fmt.Errorf("statement of customer id %d: %w", customerID, err)
	}
	st.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatementItem, error) {
		var it StatementItem
		err := r.Scan(&it.InvoiceID, &it.Number, &it.Kind, &it.Instalment, &it.IssueDate, &it.DueDate,
			&it.Amount, &it.Balance, &it.Currency, &it.Level, &it.Held)
		return it, err
	})
	if err != nil {
		return st, fmt.Errorf("statement of customer id %d: %w", customerID, err)
	}
	// Overpayments, bank credits on account, payments on account (feed,
	// CSV, by hand): one list, whose total the letters deduct.
	if st.UnappliedPayments, err = s.UnappliedOf(ctx, customerID, currency); err != nil {
		return st, err
	}
	st.Unapplied = unappliedTotal(st.UnappliedPayments)
	return st, nil
}
