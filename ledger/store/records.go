package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// CustomerByCode returns customer code of company, or an error wrapping
// ErrNotFound.
func (s *Store) CustomerByCode(ctx context.Context, company, code string) (Customer, error) {
	var c Customer
	var status *string
	err := s.Pool.QueryRow(ctx, `
		SELECT cu.id, cu.code, cu.name, cu.contact, cu.emails, cu.address_lines, cu.language, cu.kind, cu.channel,
		       cu.family, cu.sales_rep, cu.payment_method, cu.credit_limit, cu.reminder_status, cu.do_not_remind
		FROM customers cu JOIN companies co ON co.id = cu.company_id
		WHERE co.code = $1 AND cu.code = $2`, company, code).
		Scan(&c.ID, &c.Code, &c.Name, &c.Contact, &c.Emails, &c.AddressLines, &c.Language, &c.Kind, &c.Channel,
			&c.Family, &c.SalesRep, &c.PaymentMethod, &c.CreditLimit, &status, &c.DoNotRemind)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("customer %s of %s: %w", code, company, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load customer %s of %s: %w", code, company, err)
	}
	if status != nil {
		c.ReminderStatus = *status
	}
	return c, nil
}

// CustomerStep is a step of the dunning of one of a customer's invoices,
// as the customer record's "Relances" tab lists them (seed 000).
type CustomerStep struct {
	At      time.Time
	Kind    string
	Level   string
	Detail  string
	Actor   string
	Invoice string
	DueDate calendar.Date
	Balance decimal.Decimal
	Settled bool
}

// CustomerSteps returns the history of every invoice of a customer, most
// recent first (at most limit rows).
func (s *Store) CustomerSteps(ctx context.Context, company, customer string, limit int) ([]CustomerStep, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT h.at, h.kind, h.level_code, h.detail, h.actor, i.number, i.due_date, i.balance_due, (i.closed OR i.balance_due <= 0)
		FROM history h JOIN invoices i ON i.id = h.invoice_id JOIN customers cu ON cu.id = i.customer_id
		JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND cu.code = $2
		ORDER BY h.at DESC, h.id DESC LIMIT $3`, company, customer, limit)
	if err != nil {
		return nil, fmt.Errorf("history of customer %s of %s: %w", customer, company, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CustomerStep, error) {
		var x CustomerStep
		var due *calendar.Date
		err := r.Scan(&x.At, &x.Kind, &x.Level, &x.Detail, &x.Actor, &x.Invoice, &due, &x.Balance, &x.Settled)
		if due != nil {
			x.DueDate = *due
		}
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("history of customer %s of %s: %w", customer, company, err)
	}
	return out, nil
}

// PaymentRow is a payment recorded against an invoice.
type PaymentRow struct {
	ExternalID string
	Amount     decimal.Decimal
	Currency   string
	PaidOn     calendar.Date
	Method     string
	Source     string
	RecordedAt time.Time
}

// InvoicePayments lists the payments of an invoice, oldest first.
func (s *Store) InvoicePayments(ctx context.Context, invoiceID int64) ([]PaymentRow, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT external_id, amount, currency, paid_on, method, source, recorded_at FROM payments
		WHERE invoice_id = $1 ORDER BY paid_on, id`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("payments of invoice %d: %w", invoiceID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PaymentRow, error) {
		var p PaymentRow
		err := r.Scan(&p.ExternalID, &p.Amount, &p.Currency, &p.PaidOn, &p.Method, &p.Source, &p.RecordedAt)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("payments of invoice %d: %w", invoiceID, err)
	}
	return out, nil
}

// LetterPDF returns the PDF of a letter of company: an invoice letter
// (customerLetter false, letters.id) or a customer letter (customer_letters.id).
// A letter of another company, or without a PDF, wraps ErrNotFound.
func (s *Store) LetterPDF(ctx context.Context, company string, id int64, customerLetter bool) ([]byte, error) {
	q := `SELECT l.pdf FROM letters l JOIN invoices i ON i.id = l.invoice_id JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND l.id = $2`
	if customerLetter {
		q = `SELECT l.pdf FROM customer_letters l JOIN customers cu ON cu.id = l.customer_id JOIN companies c ON c.id = cu.company_id
		WHERE c.code = $1 AND l.id = $2`
	}
	var pdf []byte
	err := s.Pool.QueryRow(ctx, q, company, id).Scan(&pdf)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && len(pdf) == 0) {
		return nil, fmt.Errorf("letter %d of %s: %w", id, company, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load letter %d of %s: %w", id, company, err)
	}
	return pdf, nil
}

// Statuses returns the reminder status table of a company (seed 004).
func (s *Store) Statuses(ctx context.Context, companyID int64) ([]ReminderStatus, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT code, label, COALESCE(escalation_code, ''), propagation = 'inherited', blocks_reminders
		FROM reminder_statuses WHERE company_id = $1 ORDER BY code`, companyID)
	if err != nil {
		return nil, fmt.Errorf("status table of company %d: %w", companyID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReminderStatus, error) {
		var x ReminderStatus
		err := r.Scan(&x.Code, &x.Label, &x.EscalationCode, &x.Inherited, &x.Blocks)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("status table of company %d: %w", companyID, err)
	}
	return out, nil
}
