package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// LetterSubject is everything a letter about one invoice is made of: the
// company, the customer and the invoice.
type LetterSubject struct {
	Company  Company
	Customer Customer
	Invoice  InvoiceLine
}

// InvoiceLine is an invoice as a letter lists it.
type InvoiceLine struct {
	ID        int64
	Number    string
	IssueDate calendar.Date
	DueDate   calendar.Date
	Amount    decimal.Decimal
	Balance   decimal.Decimal
	Currency  string
	PDF       []byte // the invoice's own PDF, when stored
	PDFPath   string
}

// LetterSubjectOf loads what a letter about invoice id needs.
func (s *Store) LetterSubjectOf(ctx context.Context, invoiceID int64) (LetterSubject, error) {
	var ls LetterSubject
	var code string
	var pdfPath *string
	err := s.Pool.QueryRow(ctx, `
		SELECT c.code, cu.id, cu.code, cu.name, cu.contact, `+deliverableEmails+`, cu.address_lines, cu.language, cu.kind, cu.channel,
		       i.id, i.number, i.issue_date, i.due_date, i.amount, i.balance_due, i.currency, i.pdf, i.pdf_path
		FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		WHERE i.id = $1`, invoiceID).Scan(&code,
		&ls.Customer.ID, &ls.Customer.Code, &ls.Customer.Name, &ls.Customer.Contact, &ls.Customer.Emails,
		&ls.Customer.AddressLines, &ls.Customer.Language, &ls.Customer.Kind, &ls.Customer.Channel,
		&ls.Invoice.ID, &ls.Invoice.Number, &ls.Invoice.IssueDate, &ls.Invoice.DueDate, &ls.Invoice.Amount,
		&ls.Invoice.Balance, &ls.Invoice.Currency, &ls.Invoice.PDF, &pdfPath)
	if errors.Is(err, pgx.ErrNoRows) {
		return ls, fmt.Errorf("invoice id %d: %w", invoiceID, ErrNotFound)
	}
	if err != nil {
		return ls, fmt.Errorf("load letter subject of invoice id %d: %w", invoiceID, err)
	}
	if pdfPath != nil {
		ls.Invoice.PDFPath = *pdfPath
	}
	if ls.Company, err = s.CompanyByCode(ctx, code); err != nil {
		return ls, err
	}
	return ls, nil
}

// LetterKey identifies one letter: the Sequence-th sending of a level for
// an invoice.
type LetterKey struct {
	InvoiceID int64
	Level     string
	Sequence  int
	// Instalment is the instalment's sequence number, 0 for the invoice.
	Instalment int
}

func (k LetterKey) String() string {
	if k.Instalment > 0 {
		return fmt.Sprintf("invoice %d instalment %d %s #%d", k.InvoiceID, k.Instalment, k.Level, k.Sequence)
	}
	return fmt.Sprintf("invoice %d %s #%d", k.InvoiceID, k.Level, k.Sequence)
}

// Letter statuses. A letter is written pending, claimed as sending just
// before the e-mail goes out, then marked sent; failed means SES answered
// no (safe to try again); uncertain means a crash or a lost answer left it
// unknown whether SES sent it, and it is never sent again.
const (
	LetterPending   = "pending"
	LetterSending   = "sending"
	LetterSent      = "sent"
	LetterFailed    = "failed"
	LetterUncertain = "uncertain"
	LetterPrint     = "queued_print"
)

// NewLetter is a letter about to be sent.
type NewLetter struct {
	Key        LetterKey
	Channel    string // email, print or both
	Recipients []string
	Subject    string
	PDF        []byte
	// Warnings is what the renderer changed so the letter prints (field
	// and problem, no customer data), "; "-separated.
	Warnings string
}

// SaveLetter records l as pending unless it exists, and returns the
// letter's current status: a letter recorded earlier keeps its status.
func (s *Store) SaveLetter(ctx context.Context, l NewLetter) (id int64, status string, err error) {
	err = s.Pool.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO letters (invoice_id, instalment, level_code, sequence, channel, status, recipients, subject, pdf, render_warnings)
			VALUES ($1,$8,$2,$3,$4,'pending',$5,$6,$7,$9)
			ON CONFLICT (invoice_id, instalment, level_code, sequence) DO NOTHING
			RETURNING id, status)
		SELECT id, status FROM ins
		UNION ALL
		SELECT id, status FROM letters WHERE invoice_id = $1 AND instalment = $8 AND level_code = $2 AND sequence = $3
		LIMIT 1`,
		l.Key.InvoiceID, l.Key.Level, l.Key.Sequence, l.Channel, nonNil(l.Recipients), l.Subject, l.PDF, l.Key.Instalment, l.Warnings).Scan(&id, &status)
	if err != nil {
		return 0, "", fmt.Errorf("save letter %s: %w", l.Key, err)
	}
	return id, status, nil
}

// ClaimLetter moves a pending or failed letter to sending and reports
// whether it did: only the caller that claimed it may send it.
func (s *Store) ClaimLetter(ctx context.Context, id int64) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE letters SET status = 'sending', attempts = attempts + 1
		WHERE id = $1 AND status IN ('pending', 'failed')`, id)
	if err != nil {
		return false, fmt.Errorf("claim letter %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// MarkLetter sets a letter's final status, with the SES message ID or the
// error text.
func (s *Store) MarkLetter(ctx context.Context, id int64, status, messageID, errText string) error {
	_, err := s.Pool.Exec(ctx, `
		UPDATE letters SET status = $2, ses_message_id = NULLIF($3,''), error = NULLIF($4,''),
		       sent_at = CASE WHEN $2 IN ('sent', 'queued_print') THEN COALESCE(sent_at, now()) ELSE sent_at END
		WHERE id = $1`, id, status, messageID, errText)
	if err != nil {
		return fmt.Errorf("mark letter %d %s: %w", id, status, err)
	}
	return nil
}

// LetterRow is a recorded letter.
type LetterRow struct {
	ID           int64
	InvoiceID    int64
	Level        string
	Sequence     int
	Channel      string
	Status       string
	Recipients   []string
	Subject      string
	SESMessageID string
	Attempts     int
}

// Letters lists the letters recorded for an invoice, oldest first.
func (s *Store) Letters(ctx context.Context, invoiceID int64) ([]LetterRow, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT id, invoice_id, level_code, sequence, channel, status, recipients, subject,
		       COALESCE(ses_message_id, ''), attempts
		FROM letters WHERE invoice_id = $1 ORDER BY id`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("list letters of invoice id %d: %w", invoiceID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LetterRow, error) {
		var l LetterRow
		err := r.Scan(&l.ID, &l.InvoiceID, &l.Level, &l.Sequence, &l.Channel, &l.Status, &l.Recipients,
			&l.Subject, &l.SESMessageID, &l.Attempts)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("list letters of invoice id %d: %w", invoiceID, err)
	}
	return out, nil
}
