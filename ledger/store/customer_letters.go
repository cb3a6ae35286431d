package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// NewCustomerLetter is one e-mail covering several invoices of a customer.
type NewCustomerLetter struct {
	Key        string // the collecting workflow's run and round
	CustomerID int64
	Channel    string // email, print or both
	Recipients []string
	Subject    string
	PDF        []byte
	Items      []LetterKey
	// Warnings is what the renderer changed so the letter prints (field
	// and problem, no customer data), "; "-separated.
	Warnings string
}

// ItemStatus is what became of one invoice's letter.
type ItemStatus struct {
	Key    LetterKey
	Status string
	// Elsewhere is true when an earlier letter already covered this
	// invoice level and sequence: it is not in this letter.
	Elsewhere bool
}

// SaveCustomerLetter records l and its invoices' letter rows, unless the
// key exists, and returns the customer letter's ID and status. An invoice
// letter already covered by another customer letter keeps that one and is
// reported Elsewhere.
func (s *Store) SaveCustomerLetter(ctx context.Context, l NewCustomerLetter) (id int64, status string, items []ItemStatus, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO customer_letters (key, customer_id, channel, status, recipients, subject, pdf, render_warnings)
			VALUES ($1,$2,$3,'pending',$4,$5,$6,$7)
			ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
			RETURNING id, status`,
			l.Key, l.CustomerID, l.Channel, nonNil(l.Recipients), l.Subject, l.PDF, l.Warnings).Scan(&id, &status)
		if err != nil {
			return err
		}
		items = items[:0]
		for _, k := range l.Items {
			var owner *int64
			var st string
			err := tx.QueryRow(ctx, `
				INSERT INTO letters (invoice_id, level_code, sequence, channel, status, recipients, subject, customer_letter_id, instalment, render_warnings)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
				ON CONFLICT (invoice_id, instalment, level_code, sequence) DO UPDATE SET
				    -- a letter that failed (or never left) is taken over by this one
				    customer_letter_id = CASE WHEN letters.status IN ('failed', 'pending')
				        THEN EXCLUDED.customer_letter_id ELSE letters.customer_letter_id END,
				    status = CASE WHEN letters.status IN ('failed', 'pending') THEN EXCLUDED.status ELSE letters.status END
				RETURNING customer_letter_id, status`,
				k.InvoiceID, k.Level, k.Sequence, l.Channel, status, nonNil(l.Recipients), l.Subject, id, k.Instalment, l.Warnings).Scan(&owner, &st)
			if err != nil {
				return fmt.Errorf("letter %s: %w", k, err)
			}
			items = append(items, ItemStatus{Key: k, Status: st, Elsewhere: owner == nil || *owner != id})
		}
		return nil
	})
	if err != nil {
		return 0, "", nil, fmt.Errorf("save customer letter %s: %w", l.Key, err)
	}
	return id, status, items, nil
}

// ClaimCustomerLetter moves a pending or failed customer letter to sending
// and reports whether it did: only the caller that claimed it may send it.
func (s *Store) ClaimCustomerLetter(ctx context.Context, id int64) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE customer_letters SET status = 'sending', attempts = attempts + 1
		WHERE id = $1 AND status IN ('pending', 'failed')`, id)
	if err != nil {
		return false, fmt.Errorf("claim customer letter %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// MarkCustomerLetter sets the status of a customer letter and of every
// invoice letter it covers.
func (s *Store) MarkCustomerLetter(ctx context.Context, id int64, status, messageID, errText string) error {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			UPDATE customer_letters SET status = $2, ses_message_id = NULLIF($3,''), error = NULLIF($4,''),
			       sent_at = CASE WHEN $2 IN ('sent', 'queued_print') THEN now() ELSE sent_at END
			WHERE id = $1`, id, status, messageID, errText); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			UPDATE letters SET status = $2, ses_message_id = NULLIF($3,''), error = NULLIF($4,''),
			       attempts = (SELECT attempts FROM customer_letters WHERE id = $1),
			       sent_at = CASE WHEN $2 IN ('sent', 'queued_print') THEN now() ELSE sent_at END
			WHERE customer_letter_id = $1`, id, status, messageID, errText)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark customer letter %d %s: %w", id, status, err)
	}
	return nil
}

// CoveredElsewhere returns, for the keys whose letter went out (or may
// have) under something else than the customer letter key, that row's
// status: those invoices are not to be put in this letter again. A letter
// that failed or never left is not covered: the new letter takes it over.
func (s *Store) CoveredElsewhere(ctx context.Context, key string, keys []LetterKey) (map[LetterKey]string, error) {
	out := map[LetterKey]string{}
	for _, k := range keys {
		var status string
		err := s.Pool.QueryRow(ctx, `
			SELECT l.status FROM letters l LEFT JOIN customer_letters c ON c.id = l.customer_letter_id
			WHERE l.invoice_id = $1 AND l.level_code = $2 AND l.sequence = $3 AND c.key IS DISTINCT FROM $4
			  AND l.instalment = $5 AND l.status IN ('sent', 'queued_print', 'uncertain', 'sending')`,
			k.InvoiceID, k.Level, k.Sequence, key, k.Instalment).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up letter %s: %w", k, err)
		}
		out[k] = status
	}
	return out, nil
}

// CustomerLetterExists reports whether a customer letter with key was
// recorded (by an earlier attempt of the same activity).
func (s *Store) CustomerLetterExists(ctx context.Context, key string) (bool, error) {
	var ok bool
	if err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customer_letters WHERE key = $1)`, key).Scan(&ok); err != nil {
		return false, fmt.Errorf("look up customer letter %s: %w", key, err)
	}
	return ok, nil
}
