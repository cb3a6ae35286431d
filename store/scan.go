package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/calendar"
	"github.com/relance/relance/money"
	"github.com/shopspring/decimal"
)

// Candidate is an invoice the scan looked at: either to be dunned (Problem
// empty) or set aside, with Problem saying why in words an accountant
// understands.
type Candidate struct {
	Company  string
	Number   string
	Customer string
	Balance  decimal.Decimal
	Currency string
	DueDate  calendar.Date
	Problem  string
	// Note is information that does not stop dunning, such as a customer
	// without e-mail address whose letters go to print.
	Note string
}

// DueInvoices returns the open invoices of company that the scan must
// consider on working date on: balance due different from zero and due date
// on or before on, or no due date at all (reported). Excluded ones carry a
// Problem.
func (s *Store) DueInvoices(ctx context.Context, company string, on calendar.Date) ([]Candidate, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT c.code, i.number, cu.code, i.kind, i.amount, i.balance_due, i.currency, i.due_date,
		       cu.do_not_remind, i.do_not_remind, cu.emails, cu.channel,
		       EXISTS (SELECT 1 FROM reminder_statuses rs WHERE rs.company_id = c.id AND rs.blocks_reminders
		               AND ((rs.code = cu.reminder_status AND rs.propagation = 'inherited') OR rs.code = i.reminder_status))
		FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		WHERE c.code = $1 AND NOT i.closed AND i.balance_due <> 0 AND (i.due_date IS NULL OR i.due_date <= $2)
		ORDER BY i.due_date NULLS FIRST, i.number`, company, on)
	if err != nil {
		return nil, fmt.Errorf("select due invoices of %s: %w", company, err)
	}
	cands, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) {
		var c Candidate
		var kind, channel string
		var amount decimal.Decimal
		var custDNR, invDNR, blocked bool
		var emails []string
		err := r.Scan(&c.Company, &c.Number, &c.Customer, &kind, &amount, &c.Balance, &c.Currency, &c.DueDate,
			&custDNR, &invDNR, &emails, &channel, &blocked)
		if err != nil {
			return c, err
		}
		c.Problem = problem(kind, amount, c.Balance, c.Currency, c.DueDate, custDNR, invDNR, blocked)
		if c.Problem == "" && (channel == "print" || len(emails) == 0) {
			c.Note = "customer has no e-mail address: letters go to the print queue"
		}
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("select due invoices of %s: %w", company, err)
	}
	return cands, nil
}

func problem(kind string, amount, balance decimal.Decimal, currency string, due calendar.Date, custDNR, invDNR, blocked bool) string {
	switch {
	case due.IsZero():
		return "no due date: set one in the accounting system"
	case kind == "credit_note" || balance.IsNegative():
		return fmt.Sprintf("credit note or negative balance (%s): nothing to claim", balance)
	case amount.IsNegative():
		return fmt.Sprintf("negative amount %s on an invoice", amount)
	case !money.KnownCurrency(currency):
		return fmt.Sprintf("unknown currency %q", currency)
	case custDNR:
		return "customer is marked do-not-remind"
	case invDNR:
		return "invoice is marked do-not-remind"
	case blocked:
		return "a reminder status (litigation, do-not-remind) forbids letters"
	}
	return ""
}
