package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/shopspring/decimal"
)

// Invoice is what an invoice's workflow needs to know when it starts:
// identity, money, due date, and its company's ladder and clock.
type Invoice struct {
	ID         int64           `json:"id"`
	Company    string          `json:"company"`
	Number     string          `json:"number"`
	Customer   string          `json:"customer"`
	Currency   string          `json:"currency"`
	Amount     decimal.Decimal `json:"amount"`
	Balance    decimal.Decimal `json:"balance"`
	DueDate    calendar.Date   `json:"dueDate"`
	Ladder     ladder.Ladder   `json:"ladder"`
	TimeZone   string          `json:"timeZone"`
	SendHour   int             `json:"sendHour"`
	DaySeconds int             `json:"daySeconds,omitempty"`
	// Holidays is the company's working-day calendar (calendar.Holidays);
	// empty in workflows started before it existed.
	Holidays string `json:"holidays,omitempty"`
	// Instalment is the instalment's sequence number when this workflow
	// duns one instalment of the invoice (Balance and DueDate are then the
	// instalment's), 0 for the whole invoice.
	Instalment int `json:"instalment,omitempty"`
}

// LoadInvoice returns invoice number of company with its company's ladder.
func (s *Store) LoadInvoice(ctx context.Context, company, number string) (Invoice, error) {
	return s.LoadItem(ctx, company, number, 0)
}

// LoadItem returns invoice number of company, or its instalment seq when
// seq > 0 (balance, amount and due date are then the instalment's), with
// its company's ladder and clock.
func (s *Store) LoadItem(ctx context.Context, company, number string, seq int) (Invoice, error) {
	var inv Invoice
	var companyID int64
	var demo *int
	err := s.Pool.QueryRow(ctx, `
		SELECT i.id, c.id, c.code, i.number, cu.code, i.currency, COALESCE(n.amount, i.amount),
		       COALESCE(n.balance_due, i.balance_due), COALESCE(n.due_date, i.due_date),
		       c.time_zone, c.send_hour, c.demo_day_seconds, c.holidays
		FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		LEFT JOIN instalments n ON n.invoice_id = i.id AND n.seq = $3
		WHERE c.code = $1 AND i.number = $2 AND ($3 = 0 OR n.seq IS NOT NULL)`, company, number, seq).Scan(
		&inv.ID, &companyID, &inv.Company, &inv.Number, &inv.Customer, &inv.Currency, &inv.Amount, &inv.Balance,
		&inv.DueDate, &inv.TimeZone, &inv.SendHour, &demo, &inv.Holidays)
	inv.Instalment = seq
	if errors.Is(err, pgx.ErrNoRows) {
		if seq > 0 {
			return inv, fmt.Errorf("instalment %d of invoice %s of %s: %w", seq, number, company, ErrNotFound)
		}
		return inv, fmt.Errorf("invoice %s of %s: %w", number, company, ErrNotFound)
	}
	if err != nil {
		return inv, fmt.Errorf("load invoice %s of %s: %w", number, company, err)
	}
	if demo != nil {
		inv.DaySeconds = *demo
	}
	if inv.Ladder, err = s.Ladder(ctx, companyID); err != nil {
		return inv, err
	}
	return inv, nil
}

// Check is the invoice as the ledger sees it just before a letter.
type Check struct {
	Balance decimal.Decimal `json:"balance"`
	Closed  bool            `json:"closed"`
	// HoldReason is non-empty when something forbids letters: the
	// customer's or the invoice's do-not-remind flag, or a blocking
	// status (litigation...) on either.
	HoldReason string `json:"holdReason,omitempty"`
}

// CheckItem re-reads the balance of instalment seq of invoice id (the
// invoice itself when seq is 0) and what may forbid letters.
func (s *Store) CheckItem(ctx context.Context, id int64, seq int) (Check, error) {
	c, err := s.CheckInvoice(ctx, id)
	if err != nil || seq == 0 {
		return c, err
	}
	err = s.Pool.QueryRow(ctx, `SELECT balance_due FROM instalments WHERE invoice_id = $1 AND seq = $2`, id, seq).Scan(&c.Balance)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("instalment %d of invoice id %d: %w", seq, id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("check instalment %d of invoice id %d: %w", seq, id, err)
	}
	return c, nil
}

// Reasons CheckInvoice gives for holding letters (joined by
// dunning.HoldSeparator in Check.HoldReason); a status's label follows the
// two status ones. They are dunning's hold texts, which dunning.Holds reads
// back into messages for the screens.
const (
	HoldCustomerDNR    = dunning.HoldCustomerDNR
	HoldInvoiceDNR     = dunning.HoldInvoiceDNR
	HoldCustomerStatus = dunning.HoldCustomerStatus
	HoldInvoiceStatus  = dunning.HoldInvoiceStatus
)

// CheckInvoice re-reads an invoice's balance and what may forbid letters.
func (s *Store) CheckInvoice(ctx context.Context, id int64) (Check, error) {
	var c Check
	var custDNR, invDNR bool
	var custStatus, invStatus *string
	err := s.Pool.QueryRow(ctx, `
		SELECT i.balance_due, i.closed, cu.do_not_remind, i.do_not_remind,
		       (SELECT rs.label FROM reminder_statuses rs WHERE rs.company_id = i.company_id
		          AND rs.code = cu.reminder_status AND rs.blocks_reminders AND rs.propagation = 'inherited'),
		       (SELECT rs.label FROM reminder_statuses rs WHERE rs.company_id = i.company_id
		          AND rs.code = i.reminder_status AND rs.blocks_reminders)
		FROM invoices i JOIN customers cu ON cu.id = i.customer_id WHERE i.id = $1`, id).Scan(
		&c.Balance, &c.Closed, &custDNR, &invDNR, &custStatus, &invStatus)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("invoice id %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("check invoice id %d: %w", id, err)
	}
	var reasons []string
	if custDNR {
		reasons = append(reasons, HoldCustomerDNR)
	}
	if invDNR {
		reasons = append(reasons, HoldInvoiceDNR)
	}
	if custStatus != nil {
		reasons = append(reasons, HoldCustomerStatus+*custStatus)
	}
	if invStatus != nil {
		reasons = append(reasons, HoldInvoiceStatus+*invStatus)
	}
	c.HoldReason = dunning.HoldReason(reasons...)
	return c, nil
}

// PaymentResult is the ledger's answer to a payment.
type PaymentResult struct {
	Balance   decimal.Decimal `json:"balance"`
	Duplicate bool            `json:"duplicate"` // this external ID was already recorded
	Overpaid  decimal.Decimal `json:"overpaid"`  // part of the payment above the balance due
	// Instalments are the instalments of the invoice the payment went to
	// (earliest first; for a duplicate, those it may have gone to): their
	// workflows are to be told.
	Instalments []int `json:"instalments,omitempty"`
}

// ErrConflict is returned (wrapped) when a request reuses an idempotency
// key with different content.
var ErrConflict = errors.New("conflict")

// PaymentConflict is the error of a payment whose (source, external ID) is
// already recorded with a different invoice, amount, currency or date: one
// of the two is wrong, and neither is silently dropped.
type PaymentConflict struct {
	Source, ExternalID string
	Amount             decimal.Decimal // what this request says
	Currency           string
	PaidOn             calendar.Date
	RecordedInvoice    string // what was recorded first
	RecordedAmount     decimal.Decimal
	RecordedCurrency   string
	RecordedPaidOn     calendar.Date
}

func (c *PaymentConflict) Error() string {
	return fmt.Sprintf("payment %s from %q is already recorded with amount %s %s paid on %s on invoice %s; this request says %s %s paid on %s",
		c.ExternalID, c.Source, c.RecordedAmount.StringFixed(2), c.RecordedCurrency, c.RecordedPaidOn, c.RecordedInvoice,
		c.Amount.StringFixed(2), c.Currency, c.PaidOn)
}

// Unwrap makes a PaymentConflict match ErrConflict.
func (c *PaymentConflict) Unwrap() error { return ErrConflict }

// RecordPayment stores p against invoice id once per (source, external
// ID): a second call with the same key and the same content changes nothing
// and reports Duplicate; with other content it fails with a
// *PaymentConflict. The balance due
// goes down by the amount, never below zero; any excess is kept as the
// payment's overpaid amount.
func (s *Store) RecordPayment(ctx context.Context, invoiceID int64, p dunning.Payment) (PaymentResult, error) {
	var res PaymentResult
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var balance decimal.Decimal
		var currency string
		err := tx.QueryRow(ctx, `SELECT balance_due, currency FROM invoices WHERE id = $1 FOR UPDATE`, invoiceID).
			Scan(&balance, &currency)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("invoice id %d: %w", invoiceID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := p.Validate(currency); err != nil {
			return Invalid(err)
		}
		if p.Currency == "" {
			p.Currency = currency
		}
		applied := decimal.Min(p.Amount, decimal.Max(balance, decimal.Zero))
		overpaid := p.Amount.Sub(applied)
		tag, err := tx.Exec(ctx, `
			INSERT INTO payments (external_id, invoice_id, amount, currency, paid_on, method, source, overpaid)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (source, external_id) DO NOTHING`,
			p.ExternalID, invoiceID, p.Amount, p.Currency, p.PaidOn, p.Method, p.Source, overpaid)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var rec PaymentConflict
			var other int64
			if err := tx.QueryRow(ctx, `
				SELECT p.invoice_id, i.number, p.amount, p.currency, p.paid_on, p.overpaid
				FROM payments p JOIN invoices i ON i.id = p.invoice_id
				WHERE p.source = $1 AND p.external_id = $2`, p.Source, p.ExternalID).
				Scan(&other, &rec.RecordedInvoice, &rec.RecordedAmount, &rec.RecordedCurrency, &rec.RecordedPaidOn, &overpaid); err != nil {
				return err
			}
			if other != invoiceID || !rec.RecordedAmount.Equal(p.Amount) || rec.RecordedCurrency != p.Currency || rec.RecordedPaidOn != p.PaidOn {
				rec.Source, rec.ExternalID, rec.Amount, rec.Currency, rec.PaidOn = p.Source, p.ExternalID, p.Amount, p.Currency, p.PaidOn
				return &rec
			}
			res = PaymentResult{Balance: balance, Duplicate: true, Overpaid: overpaid}
			res.Instalments, err = paidInstalments(ctx, tx, invoiceID)
			return err
		}
		res = PaymentResult{Balance: balance.Sub(applied), Overpaid: overpaid}
		if _, err = tx.Exec(ctx, `UPDATE invoices SET balance_due = $2 WHERE id = $1`, invoiceID, res.Balance); err != nil {
			return err
		}
		res.Instalments, err = allocateToInstalments(ctx, tx, invoiceID, applied)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("record payment %s on invoice id %d: %w", p.ExternalID, invoiceID, err)
	}
	return res, nil
}

// InvoiceID returns the ID of invoice number of company.
func (s *Store) InvoiceID(ctx context.Context, company, number string) (int64, error) {
	var id int64
	err := s.Pool.QueryRow(ctx, `
		SELECT i.id FROM invoices i JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.number = $2`, company, number).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("invoice %s of company %s: %w", number, company, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find invoice %s of %s: %w", number, company, err)
	}
	return id, nil
}

// NewInvoice is an invoice as the accounting system hands it over.
type NewInvoice struct {
	Number    string
	Customer  string // customer code
	Kind      string // invoice or credit_note
	IssueDate calendar.Date
	DueDate   calendar.Date // may be zero: the scan reports it
	Amount    decimal.Decimal
	Currency  string
	Balance   decimal.Decimal
	PDFPath   string
	// Instalments, when the invoice is paid in several parts: each is
	// dunned on its own (saved with SetInstalments).
	Instalments []Instalment
	// ImportNote is what the import noticed and accepted (a balance
	// larger than the amount), for its report.
	ImportNote string
}

// UpsertInvoice inserts or updates an invoice of company.
func (s *Store) UpsertInvoice(ctx context.Context, companyID int64, in NewInvoice) (int64, error) {
	if in.Kind == "" {
		in.Kind = "invoice"
	}
	if in.Currency == "" {
		in.Currency = "EUR"
	}
	var id int64
	err := s.Pool.QueryRow(ctx, `
		INSERT INTO invoices (company_id, customer_id, number, kind, issue_date, due_date, amount, currency, balance_due, pdf_path)
		VALUES ($1, (SELECT id FROM customers WHERE company_id = $1 AND code = $2), $3, $4, $5, $6, $7, $8, $9, NULLIF($10,''))
		ON CONFLICT (company_id, number) DO UPDATE SET kind = EXCLUDED.kind, issue_date = EXCLUDED.issue_date,
		    due_date = EXCLUDED.due_date, amount = EXCLUDED.amount, currency = EXCLUDED.currency,
		    balance_due = EXCLUDED.balance_due, pdf_path = EXCLUDED.pdf_path
		RETURNING id`,
		companyID, in.Customer, in.Number, in.Kind, in.IssueDate, in.DueDate, in.Amount, in.Currency, in.Balance, in.PDFPath).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save invoice %s: %w", in.Number, err)
	}
	return id, nil
}
