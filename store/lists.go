package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/calendar"
	"github.com/shopspring/decimal"
)

// InvoiceFilter selects invoices of one company for the operators' lists
// (seed 000: by level, overdue by X days, credit limit exceeded; seed 001:
// by customer, family, sales rep, payment method). Empty fields match
// everything.
type InvoiceFilter struct {
	Company       string // required
	Level         string // last step taken: NONE, R1, R2...
	NextLevel     string // next letter, or UNRESOLVED
	Status        string // active, paused, held, unresolved, paid, closed; set, it also lists settled invoices
	Customer      string // customer code
	Family        string
	SalesRep      string
	PaymentMethod string
	// OverCreditLimit keeps customers whose open balance exceeds their
	// credit limit.
	OverCreditLimit bool
	// OverdueDays keeps invoices due at least this many days ago.
	OverdueDays int
	// Now is the instant "overdue" is counted from, in the company's time
	// zone.
	Now time.Time
	// Limit caps the rows; 0 means 1000.
	Limit int
}

// InvoiceRow is a line of an invoices list: the invoice, its customer and
// where its dunning stands (the workflow's projection).
type InvoiceRow struct {
	Company       string          `json:"company"`
	Number        string          `json:"invoice"`
	Kind          string          `json:"kind"`
	Customer      string          `json:"customer"`
	CustomerName  string          `json:"customerName"`
	Family        string          `json:"family,omitempty"`
	SalesRep      string          `json:"salesRep,omitempty"`
	PaymentMethod string          `json:"paymentMethod,omitempty"`
	IssueDate     calendar.Date   `json:"issueDate"`
	DueDate       calendar.Date   `json:"dueDate,omitempty"`
	DaysOverdue   int             `json:"daysOverdue"`
	Amount        decimal.Decimal `json:"amount"`
	Currency      string          `json:"currency"`
	Balance       decimal.Decimal `json:"balance"`
	Closed        bool            `json:"closed"`
	DoNotRemind   bool            `json:"doNotRemind"` // on the invoice or its customer
	Level         string          `json:"level"`
	NextLevel     string          `json:"nextLevel"`
	Status        string          `json:"status"` // empty when no workflow ever ran
	NextActionAt  *time.Time      `json:"nextActionAt,omitempty"`
}

const invoiceRowSelect = `
	SELECT c.code, i.number, i.kind, cu.code, cu.name, cu.family, cu.sales_rep, cu.payment_method,
	       i.issue_date, i.due_date,
	       COALESCE((($1::timestamptz AT TIME ZONE c.time_zone)::date - i.due_date), 0),
	       i.amount, i.currency, i.balance_due, i.closed, (i.do_not_remind OR cu.do_not_remind),
	       COALESCE(i.dunning_level, ''), COALESCE(i.dunning_next_level, ''), COALESCE(i.dunning_status, ''),
	       i.next_action_at
	FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id`

func scanInvoiceRow(r pgx.CollectableRow) (InvoiceRow, error) {
	var x InvoiceRow
	var due *calendar.Date
	err := r.Scan(&x.Company, &x.Number, &x.Kind, &x.Customer, &x.CustomerName, &x.Family, &x.SalesRep, &x.PaymentMethod,
		&x.IssueDate, &due, &x.DaysOverdue, &x.Amount, &x.Currency, &x.Balance, &x.Closed, &x.DoNotRemind,
		&x.Level, &x.NextLevel, &x.Status, &x.NextActionAt)
	if due != nil {
		x.DueDate = *due
	}
	return x, err
}

// ListInvoices returns the invoices of f.Company that match f, oldest due
// date first. Without a status filter only open invoices are listed
// (balance due > 0, not closed).
func (s *Store) ListInvoices(ctx context.Context, f InvoiceFilter) ([]InvoiceRow, error) {
	if f.Company == "" {
		return nil, fmt.Errorf("%w: list invoices: the company is required", ErrInvalid)
	}
	if f.OverdueDays < 0 {
		return nil, fmt.Errorf("%w: list invoices: overdue days must not be negative", ErrInvalid)
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	args := []any{f.Now, f.Company}
	where := []string{"c.code = $2"}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Status == "" {
		where = append(where, "i.balance_due > 0 AND NOT i.closed")
	} else {
		add("i.dunning_status = ?", f.Status)
	}
	if f.Level != "" {
		add("i.dunning_level = ?", f.Level)
	}
	if f.NextLevel != "" {
		add("i.dunning_next_level = ?", f.NextLevel)
	}
	if f.Customer != "" {
		add("cu.code = ?", f.Customer)
	}
	if f.Family != "" {
		add("cu.family = ?", f.Family)
	}
	if f.SalesRep != "" {
		add("cu.sales_rep = ?", f.SalesRep)
	}
	if f.PaymentMethod != "" {
		add("cu.payment_method = ?", f.PaymentMethod)
	}
	if f.OverdueDays > 0 {
		add("i.due_date <= ($1::timestamptz AT TIME ZONE c.time_zone)::date - ?::int", f.OverdueDays)
	}
	if f.OverCreditLimit {
		where = append(where, `cu.credit_limit IS NOT NULL AND cu.credit_limit <
			(SELECT COALESCE(sum(o.balance_due), 0) FROM invoices o WHERE o.customer_id = cu.id AND NOT o.closed)`)
	}
	args = append(args, f.Limit)
	q := invoiceRowSelect + "\n\tWHERE " + strings.Join(where, " AND ") +
		fmt.Sprintf("\n\tORDER BY i.due_date NULLS LAST, i.number LIMIT $%d", len(args))
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list invoices of %s: %w", f.Company, err)
	}
	list, err := pgx.CollectRows(rows, scanInvoiceRow)
	if err != nil {
		return nil, fmt.Errorf("list invoices of %s: %w", f.Company, err)
	}
	return list, nil
}

// InvoiceSummary returns one invoice as a list line: where its dunning
// stands according to the database mirror.
func (s *Store) InvoiceSummary(ctx context.Context, company, number string, now time.Time) (InvoiceRow, error) {
	rows, err := s.Pool.Query(ctx, invoiceRowSelect+` WHERE c.code = $2 AND i.number = $3`, now, company, number)
	if err != nil {
		return InvoiceRow{}, fmt.Errorf("load invoice %s of %s: %w", number, company, err)
	}
	x, err := pgx.CollectExactlyOneRow(rows, scanInvoiceRow)
	if errors.Is(err, pgx.ErrNoRows) {
		return x, fmt.Errorf("invoice %s of %s: %w", number, company, ErrNotFound)
	}
	if err != nil {
		return x, fmt.Errorf("load invoice %s of %s: %w", number, company, err)
	}
	return x, nil
}
