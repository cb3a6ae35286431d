package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
)

// BatchLetter is a recorded letter with what an operator needs to file,
// print or send it again: its invoice, customer and PDF.
type BatchLetter struct {
	ID           int64
	InvoiceID    int64
	Invoice      string // invoice number
	CustomerCode string
	CustomerName string
	Level        string
	Sequence     int
	Status       string // LetterSent, LetterPrint...
	Channel      string // email, print or both
	Subject      string
	CreatedAt    time.Time
	SentAt       time.Time // zero until sent or queued for print
	PDF          []byte    // nil when the letter was recorded without one
	// CustomerLetterID is the customer letter that covered the invoice (0
	// for a letter about one invoice). Rows of one customer letter are
	// returned once, Invoice listing every invoice it covers.
	CustomerLetterID int64
}

// mergeCustomerLetters keeps one row per customer letter, its Invoice
// listing the invoices covered, so a grouped letter is printed once.
func mergeCustomerLetters(in []BatchLetter) []BatchLetter {
	out := in[:0]
	at := map[int64]int{}
	for _, b := range in {
		if b.CustomerLetterID == 0 {
			out = append(out, b)
			continue
		}
		if i, ok := at[b.CustomerLetterID]; ok {
			out[i].Invoice += "+" + b.Invoice
			continue
		}
		at[b.CustomerLetterID] = len(out)
		out = append(out, b)
	}
	return out
}

// Channel filters of LettersOn.
const (
	BatchAll   = ""      // every letter
	BatchPrint = "print" // the letters to print: channel print or both, or queued for print
	BatchEmail = "email" // the letters e-mailed: channel email or both
)

const batchColumns = `
	SELECT l.id, l.invoice_id, i.number, cu.code, cu.name, l.level_code, l.sequence, l.status, l.channel,
	       l.subject, l.created_at, l.sent_at, COALESCE(l.pdf, cl.pdf), COALESCE(cl.id, 0)
	FROM letters l
	LEFT JOIN customer_letters cl ON cl.id = l.customer_letter_id
	JOIN invoices i ON i.id = l.invoice_id
	JOIN customers cu ON cu.id = i.customer_id
	JOIN companies c ON c.id = i.company_id`

func scanBatchLetter(r pgx.CollectableRow) (BatchLetter, error) {
	var b BatchLetter
	var sent *time.Time
	err := r.Scan(&b.ID, &b.InvoiceID, &b.Invoice, &b.CustomerCode, &b.CustomerName, &b.Level, &b.Sequence,
		&b.Status, &b.Channel, &b.Subject, &b.CreatedAt, &sent, &b.PDF, &b.CustomerLetterID)
	if sent != nil {
		b.SentAt = *sent
	}
	return b, err
}

// LettersOn returns the letters of company (its code) created on day in
// the company's time zone, in the order to print and file them: by
// customer code, invoice number, level and sequence. channel filters them:
// BatchAll, BatchPrint (letters to post: channel print or both, or queued
// for print) or BatchEmail. An unknown company wraps ErrNotFound, an
// unknown channel ErrInvalid.
func (s *Store) LettersOn(ctx context.Context, company string, day calendar.Date, channel string) ([]BatchLetter, error) {
	var filter string
	switch channel {
	case BatchAll:
		filter = "true"
	case BatchPrint:
		filter = "(l.channel IN ('print', 'both') OR l.status = 'queued_print')"
	case BatchEmail:
		filter = "l.channel IN ('email', 'both')"
	default:
		return nil, fmt.Errorf("letters of %s on %s: %w", company, day, Invalid(BatchChannel.With(strconv.Quote(channel))))
	}
	if day.IsZero() {
		return nil, fmt.Errorf("letters of %s: %w", company, Invalid(BatchDay.With()))
	}
	if err := s.checkCompanyCode(ctx, company); err != nil {
		return nil, err
	}
	// The day's bounds in the company's time zone, so that the index on
	// created_at (if any) can be used and a letter at 00:30 Paris time
	// counts for its own day.
	rows, err := s.Pool.Query(ctx, batchColumns+`
		WHERE c.code = $1
		  AND l.created_at >= ($2::date)::timestamp AT TIME ZONE c.time_zone
		  AND l.created_at < ($2::date + 1)::timestamp AT TIME ZONE c.time_zone
		  AND `+filter+`
		ORDER BY cu.code, i.number, l.level_code, l.sequence, l.id`, company, day)
	if err != nil {
		return nil, fmt.Errorf("letters of %s on %s: %w", company, day, err)
	}
	out, err := pgx.CollectRows(rows, scanBatchLetter)
	if err != nil {
		return nil, fmt.Errorf("letters of %s on %s: %w", company, day, err)
	}
	return mergeCustomerLetters(out), nil
}

// CustomerLetters returns every letter sent to customer (its code) of
// company, oldest first. An unknown company or customer wraps ErrNotFound.
func (s *Store) CustomerLetters(ctx context.Context, company, customer string) ([]BatchLetter, error) {
	var id int64
	err := s.Pool.QueryRow(ctx, `
		SELECT cu.id FROM customers cu JOIN companies c ON c.id = cu.company_id
		WHERE c.code = $1 AND cu.code = $2`, company, customer).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		if err := s.checkCompanyCode(ctx, company); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("customer %s of %s: %w", customer, company, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("letters of customer %s of %s: %w", customer, company, err)
	}
	rows, err := s.Pool.Query(ctx, batchColumns+`
		WHERE cu.id = $1
		ORDER BY l.created_at, l.id`, id)
	if err != nil {
		return nil, fmt.Errorf("letters of customer %s of %s: %w", customer, company, err)
	}
	out, err := pgx.CollectRows(rows, scanBatchLetter)
	if err != nil {
		return nil, fmt.Errorf("letters of customer %s of %s: %w", customer, company, err)
	}
	return mergeCustomerLetters(out), nil
}

// checkCompanyCode returns an error wrapping ErrNotFound when there is no
// company with code.
func (s *Store) checkCompanyCode(ctx context.Context, code string) error {
	var ok bool
	if err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM companies WHERE code = $1)`, code).Scan(&ok); err != nil {
		return fmt.Errorf("company %s: %w", code, err)
	}
	if !ok {
		return fmt.Errorf("company %s: %w", code, ErrNotFound)
	}
	return nil
}
