package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewCustomerLetter is one e-mail covering several invoices of a customer.
type NewCustomerLetter struct {
	// Key identifies the letter: the collecting workflow's run and round
	// (its Round), then, from statements of version "frozen-items" on,
	// '#' and a digest of the items it lists.
	Key        string
	CustomerID int64
	Channel    string // email, print or both
	Recipients []string
	Subject    string
	PDF        []byte
	Items      []LetterKey
	// Reference is printed on the letter and tagged on its e-mail.
	Reference string
	// Warnings is what the renderer changed so the letter prints (field
	// and problem, no customer data), "; "-separated.
	Warnings string
}

// Round is the statement round a customer letter key belongs to: the key
// up to '#'. A round sends at most one letter.
func Round(key string) string {
	if i := strings.IndexByte(key, '#'); i >= 0 {
		return key[:i]
	}
	return key
}

// ItemStatus is what became of one invoice's letter.
type ItemStatus struct {
	Key    LetterKey
	Status string
	// Elsewhere is true when an earlier letter already covered this
	// invoice level and sequence: it is not in this letter.
	Elsewhere bool
	// Left is true when the round's letter went out (or may have)
	// without this item: it was handed in too late for it and joins the
	// customer's next letter. Never recorded under a letter it was not in.
	Left bool
	// SentAt is when the letter that carried it went out, as recorded.
	SentAt time.Time
}

// CustomerLetterSaved is the customer letter a send works on.
type CustomerLetterSaved struct {
	ID     int64
	Key    string // the letter's own key: another than asked when the round's letter went out with other items
	Status string
	Items  []ItemStatus
}

// letterLeft reports whether a letter in status may have reached its
// customer (or the print batch): its content is fixed for good.
func letterLeft(status string) bool {
	switch status {
	case LetterSending, LetterSent, LetterUncertain, LetterPrint:
		return true
	}
	return false
}

// SaveCustomerLetter records l and its invoices' letter rows before the
// letter is claimed and sent, and returns the customer letter the send
// works on. The record is the content sent, by construction:
//
//   - a letter that may have left (sending, sent, uncertain, print) is
//     never changed: an item handed to a send of its round that it does
//     not list is reported Left (it joins the next letter), never added;
//   - one round (Round of the key) sends one letter: a send of the same
//     round with other items (a workflow task run again after more
//     letters arrived) finds the letter that left and sends nothing; a
//     letter of the round that never left (pending, failed) is superseded
//     by it;
//   - a letter that never left is brought up to date (PDF, subject,
//     items) by the attempt that is about to send it.
//
// An invoice letter already covered by another customer letter keeps that
// one and is reported Elsewhere.
func (s *Store) SaveCustomerLetter(ctx context.Context, l NewCustomerLetter) (CustomerLetterSaved, error) {
	var out CustomerLetterSaved
	round := Round(l.Key)
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		out = CustomerLetterSaved{}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('customer_letter_round:' || $1, 0))`, round); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT id, key, status FROM customer_letters
			WHERE round = $1 ORDER BY id`, round)
		if err != nil {
			return err
		}
		type existing struct {
			id          int64
			key, status string
		}
		found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (existing, error) {
			var e existing
			return e, r.Scan(&e.id, &e.key, &e.status)
		})
		if err != nil {
			return err
		}
		for _, e := range found {
			if letterLeft(e.status) {
				// The round's letter may have reached the customer: it
				// stays as it is; this send sends nothing.
				out.ID, out.Key, out.Status = e.id, e.key, e.status
				out.Items, err = itemsOfLetter(ctx, tx, e.id, l.Items)
				return err
			}
		}
		for _, e := range found {
			if e.key == l.Key {
				out.ID, out.Key, out.Status = e.id, e.key, e.status
				if e.status == "superseded" {
					// Superseded by a send that never left either: this
					// attempt is the one about to send.
					if _, err := tx.Exec(ctx, `UPDATE customer_letters SET status = 'pending' WHERE id = $1`, e.id); err != nil {
						return err
					}
					out.Status = LetterPending
				}
				continue
			}
			if e.status == "superseded" {
				continue
			}
			// Never left, and another content is about to go in its
			// place: superseded; its rows not taken over never left either.
			if _, err := tx.Exec(ctx, `UPDATE customer_letters SET status = 'superseded' WHERE id = $1`, e.id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `
				UPDATE letters SET status = 'failed', error = 'superseded by another letter of the same round'
				WHERE customer_letter_id = $1 AND status IN ('pending', 'failed')`, e.id); err != nil {
				return err
			}
		}
		if out.ID == 0 {
			err = tx.QueryRow(ctx, `
				INSERT INTO customer_letters (key, customer_id, channel, status, recipients, subject, pdf, render_warnings, reference)
				VALUES ($1,$2,$3,'pending',$4,$5,$6,$7,$8)
				RETURNING id, key, status`,
				l.Key, l.CustomerID, l.Channel, nonNil(l.Recipients), l.Subject, l.PDF, l.Warnings, l.Reference).Scan(&out.ID, &out.Key, &out.Status)
		} else {
			// Never left: this attempt's content is the one about to go.
			_, err = tx.Exec(ctx, `
				UPDATE customer_letters SET channel = $2, recipients = $3, subject = $4, pdf = $5, render_warnings = $6, reference = $7
				WHERE id = $1`, out.ID, l.Channel, nonNil(l.Recipients), l.Subject, l.PDF, l.Warnings, l.Reference)
		}
		if err != nil {
			return err
		}
		for _, k := range l.Items {
			var owner *int64
			var st string
			var sentAt *time.Time
			err := tx.QueryRow(ctx, `
				INSERT INTO letters (invoice_id, level_code, sequence, channel, status, recipients, subject, customer_letter_id, instalment, render_warnings, reference)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
				ON CONFLICT (invoice_id, instalment, level_code, sequence) DO UPDATE SET
				    -- a letter that failed (or never left) is taken over by this one
				    customer_letter_id = CASE WHEN letters.status IN ('failed', 'pending')
				        THEN EXCLUDED.customer_letter_id ELSE letters.customer_letter_id END,
				    status = CASE WHEN letters.status IN ('failed', 'pending') THEN EXCLUDED.status ELSE letters.status END,
				    error = CASE WHEN letters.status IN ('failed', 'pending') THEN NULL ELSE letters.error END,
				    reference = CASE WHEN letters.status IN ('failed', 'pending') THEN EXCLUDED.reference ELSE letters.reference END
				RETURNING customer_letter_id, status, sent_at`,
				k.InvoiceID, k.Level, k.Sequence, l.Channel, out.Status, nonNil(l.Recipients), l.Subject, out.ID, k.Instalment, l.Warnings,
				l.Reference).Scan(&owner, &st, &sentAt)
			if err != nil {
				return fmt.Errorf("letter %s: %w", k, err)
			}
			it := ItemStatus{Key: k, Status: st, Elsewhere: owner == nil || *owner != out.ID}
			if it.Elsewhere {
				it.Status = elsewhereStatus(st)
			}
			if sentAt != nil {
				it.SentAt = *sentAt
			}
			out.Items = append(out.Items, it)
		}
		return nil
	})
	if err != nil {
		return CustomerLetterSaved{}, fmt.Errorf("save customer letter %s: %w", l.Key, err)
	}
	return out, nil
}

// itemsOfLetter reports each of keys against the customer letter id that
// left: recorded under it (its status and sent time), covered by another
// letter (Elsewhere), or not in it (Left).
func itemsOfLetter(ctx context.Context, tx pgx.Tx, id int64, keys []LetterKey) ([]ItemStatus, error) {
	out := make([]ItemStatus, 0, len(keys))
	for _, k := range keys {
		var owner *int64
		var st string
		var sentAt *time.Time
		err := tx.QueryRow(ctx, `
			SELECT customer_letter_id, status, sent_at FROM letters
			WHERE invoice_id = $1 AND instalment = $2 AND level_code = $3 AND sequence = $4`,
			k.InvoiceID, k.Instalment, k.Level, k.Sequence).Scan(&owner, &st, &sentAt)
		it := ItemStatus{Key: k}
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			it.Left = true
		case err != nil:
			return nil, fmt.Errorf("letter %s: %w", k, err)
		case owner != nil && *owner == id:
			it.Status = st
		case letterLeft(st):
			it.Status, it.Elsewhere = elsewhereStatus(st), true
		default:
			it.Left = true
		}
		if sentAt != nil && !it.Left {
			it.SentAt = *sentAt
		}
		out = append(out, it)
	}
	return out, nil
}

// ClaimCustomerLetter moves a pending or failed customer letter, and the
// invoice letters it covers, to sending and reports whether it did: only
// the caller that claimed it may send it. While it is sending no other
// letter takes its invoice letters over (SaveCustomerLetter takes over only
// rows that never left), so the rows a mailed statement shows stay under
// it; the outcome (MarkCustomerLetter) moves them all to their final state.
func (s *Store) ClaimCustomerLetter(ctx context.Context, id int64) (bool, error) {
	// One statement, one round trip: atomic without an explicit
	// transaction, so a connection cut mid-claim leaves it either done or
	// not, as the single UPDATE it replaces.
	var claimed int
	err := s.Pool.QueryRow(ctx, `
		WITH claimed AS (
			UPDATE customer_letters SET status = 'sending', attempts = attempts + 1, claimed_at = now()
			WHERE id = $1 AND status IN ('pending', 'failed')
			RETURNING id
		), rows AS (
			UPDATE letters SET status = 'sending'
			WHERE customer_letter_id IN (SELECT id FROM claimed) AND status IN ('pending', 'failed')
		)
		SELECT count(*) FROM claimed`, id).Scan(&claimed)
	if err != nil {
		return false, fmt.Errorf("claim customer letter %d: %w", id, err)
	}
	return claimed == 1, nil
}

// elsewhereStatus is what an invoice is told of its letter when another
// customer letter carries it: that letter's status, except while it is on
// its way (sending), whose outcome nobody knows yet: uncertain, so that the
// invoice is held on it and asks the ledger again (LetterStateOf) until it
// settles, neither sent twice nor counted sent before it is.
func elsewhereStatus(status string) string {
	if status == LetterSending {
		return LetterUncertain
	}
	return status
}

// MarkCustomerLetter sets the status of a customer letter and of every
// invoice letter it covers. at is when SES answered (or the letter was
// queued for print): a sent letter's sent_at, kept if one was recorded
// before, so that a mark written again after an outage does not move it.
func (s *Store) MarkCustomerLetter(ctx context.Context, id int64, status, messageID, errText string, at time.Time) error {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			UPDATE customer_letters SET status = $2, ses_message_id = COALESCE(NULLIF($3,''), ses_message_id), error = NULLIF($4,''),
			       sent_at = CASE WHEN $2 IN ('sent', 'queued_print') THEN COALESCE(sent_at, $5) ELSE sent_at END
			WHERE id = $1`, id, status, messageID, errText, at); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			UPDATE letters SET status = $2, ses_message_id = COALESCE(NULLIF($3,''), ses_message_id), error = NULLIF($4,''),
			       attempts = (SELECT attempts FROM customer_letters WHERE id = $1),
			       sent_at = CASE WHEN $2 IN ('sent', 'queued_print') THEN COALESCE(sent_at, $5) ELSE sent_at END
			WHERE customer_letter_id = $1`, id, status, messageID, errText, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark customer letter %d %s: %w", id, status, err)
	}
	return nil
}

// CustomerLetterSentAt returns when customer letter id went out (or was
// queued for print) as the ledger recorded it; zero when it has not.
func (s *Store) CustomerLetterSentAt(ctx context.Context, id int64) (time.Time, error) {
	var at *time.Time
	if err := s.Pool.QueryRow(ctx, `SELECT sent_at FROM customer_letters WHERE id = $1`, id).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("sent time of customer letter %d: %w", id, err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return *at, nil
}

// RoundLetterLeft returns the letter of key's round that may have reached
// the customer (sending, sent, uncertain, print), with keys reported
// against it as SaveCustomerLetter does; ok is false when none did.
func (s *Store) RoundLetterLeft(ctx context.Context, key string, keys []LetterKey) (saved CustomerLetterSaved, ok bool, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			SELECT id, key, status FROM customer_letters
			WHERE round = $1 AND status IN ('sending', 'sent', 'uncertain', 'queued_print') ORDER BY id LIMIT 1`,
			Round(key)).Scan(&saved.ID, &saved.Key, &saved.Status)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		saved.Items, err = itemsOfLetter(ctx, tx, saved.ID, keys)
		return err
	})
	if err != nil {
		return CustomerLetterSaved{}, false, fmt.Errorf("look up the letter of round %s: %w", Round(key), err)
	}
	return saved, ok, nil
}

// CoveredElsewhere returns, for the keys whose letter went out (or may
// have) under another round than key's, that row's status (uncertain while
// it is on its way: elsewhereStatus): those invoices are not to be put in
// this letter again. A letter that failed or never
// left is not covered: the new letter takes it over.
func (s *Store) CoveredElsewhere(ctx context.Context, key string, keys []LetterKey) (map[LetterKey]string, error) {
	out := map[LetterKey]string{}
	for _, k := range keys {
		var status string
		err := s.Pool.QueryRow(ctx, `
			SELECT l.status FROM letters l LEFT JOIN customer_letters c ON c.id = l.customer_letter_id
			WHERE l.invoice_id = $1 AND l.level_code = $2 AND l.sequence = $3 AND c.round IS DISTINCT FROM $4
			  AND l.instalment = $5 AND l.status IN ('sent', 'queued_print', 'uncertain', 'sending')`,
			k.InvoiceID, k.Level, k.Sequence, Round(key), k.Instalment).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up letter %s: %w", k, err)
		}
		out[k] = elsewhereStatus(status)
	}
	return out, nil
}

// CustomerLetterExists reports whether a letter of key's round was
// recorded (by an earlier attempt of the same send, or a workflow task
// run again) and not superseded.
func (s *Store) CustomerLetterExists(ctx context.Context, key string) (bool, error) {
	var ok bool
	if err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customer_letters WHERE round = $1 AND status <> 'superseded')`,
		Round(key)).Scan(&ok); err != nil {
		return false, fmt.Errorf("look up customer letter %s: %w", key, err)
	}
	return ok, nil
}

// LetterState is what the ledger says about one invoice letter, with the
// customer letter that carried it.
type LetterState struct {
	CustomerLetterID int64 // 0 for a letter sent alone
	Status           string
	Reference        string
	// Since is when its send was claimed (when it was recorded, if
	// unknown): SES is asked about it from then on.
	Since      time.Time
	SentAt     time.Time // zero unless sent or queued for print
	Resolution string    // how an uncertain letter was settled, "" otherwise
}

// LetterStateOf returns the state of the letter k.
func (s *Store) LetterStateOf(ctx context.Context, k LetterKey) (LetterState, error) {
	var st LetterState
	var clID *int64
	var sentAt *time.Time
	err := s.Pool.QueryRow(ctx, `
		SELECT l.customer_letter_id, l.status, COALESCE(NULLIF(c.reference, ''), l.reference),
		       COALESCE(c.claimed_at, c.created_at, l.created_at), l.sent_at, COALESCE(NULLIF(c.resolution, ''), l.resolution)
		FROM letters l LEFT JOIN customer_letters c ON c.id = l.customer_letter_id
		WHERE l.invoice_id = $1 AND l.instalment = $2 AND l.level_code = $3 AND l.sequence = $4`,
		k.InvoiceID, k.Instalment, k.Level, k.Sequence).Scan(&clID, &st.Status, &st.Reference, &st.Since, &sentAt, &st.Resolution)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, fmt.Errorf("letter %s: %w", k, ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("look up letter %s: %w", k, err)
	}
	if clID != nil {
		st.CustomerLetterID = *clID
	}
	if sentAt != nil {
		st.SentAt = *sentAt
	}
	return st, nil
}

// Resolutions of an uncertain letter (customer_letters.resolution).
const (
	ResolvedBySES    = "ses"    // SES confirmed it: sent
	ResolvedResend   = "resend" // SES never accepted it: sent again
	ResolvedOperator = "operator:"
)

// ResolveUncertain settles the uncertain customer letter id and the
// invoice letters it covers: status LetterSent (SES accepted it, at at)
// or LetterFailed (SES never accepted it: its invoices' letters go again
// with the next statement), with how (resolution) and what was found
// (detail). Only an uncertain letter changes; it reports whether it did.
func (s *Store) ResolveUncertain(ctx context.Context, id int64, status, resolution, messageID, detail string, at time.Time) (bool, error) {
	if status != LetterSent && status != LetterFailed {
		return false, fmt.Errorf("resolve customer letter %d: %w", id, Invalid(LetterStatus.With(strconv.Quote(status))))
	}
	var atp *time.Time
	if !at.IsZero() {
		atp = &at
	}
	changed := false
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE customer_letters SET status = $2, resolution = $3, ses_message_id = COALESCE(NULLIF($4, ''), ses_message_id),
			       error = CASE WHEN $2 = 'failed' THEN $5 ELSE error END,
			       sent_at = CASE WHEN $2 = 'sent' THEN COALESCE(sent_at, $6, now()) ELSE sent_at END, checked_at = now()
			WHERE id = $1 AND status = 'uncertain'`, id, status, resolution, messageID, detail, atp)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		changed = true
		_, err = tx.Exec(ctx, `
			UPDATE letters SET status = $2, resolution = $3, ses_message_id = COALESCE(NULLIF($4, ''), ses_message_id),
			       error = CASE WHEN $2 = 'failed' THEN $5 ELSE error END,
			       sent_at = CASE WHEN $2 = 'sent' THEN COALESCE(sent_at, $6, now()) ELSE sent_at END
			WHERE customer_letter_id = $1 AND status = 'uncertain'`, id, status, resolution, messageID, detail, atp)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("resolve customer letter %d as %s: %w", id, status, err)
	}
	return changed, nil
}

// NoteChecked records that SES was asked about customer letter id.
func (s *Store) NoteChecked(ctx context.Context, id int64) error {
	if _, err := s.Pool.Exec(ctx, `UPDATE customer_letters SET checked_at = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("note the check of customer letter %d: %w", id, err)
	}
	return nil
}

// UncertainLetter is a customer letter to verify: its send ended without
// SES's answer and SES has not told yet.
type UncertainLetter struct {
	ID        int64
	Reference string
	Customer  string // customer code
	Invoices  string // "FA0175 R1, FA0167 R1"
	ClaimedAt time.Time
	CheckedAt time.Time // last time SES was asked, zero if never
}

// UncertainLetters lists the letters to verify of company companyID,
// oldest first.
func (s *Store) UncertainLetters(ctx context.Context, companyID int64) ([]UncertainLetter, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT c.id, c.reference, cu.code,
		       COALESCE((SELECT string_agg(i.number || ' ' || l.level_code, ', ' ORDER BY i.number)
		                 FROM letters l JOIN invoices i ON i.id = l.invoice_id WHERE l.customer_letter_id = c.id), ''),
		       COALESCE(c.claimed_at, c.created_at), COALESCE(c.checked_at, 'epoch'::timestamptz)
		FROM customer_letters c JOIN customers cu ON cu.id = c.customer_id
		WHERE c.status = 'uncertain' AND cu.company_id = $1 ORDER BY c.id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("letters to verify: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UncertainLetter, error) {
		var u UncertainLetter
		err := r.Scan(&u.ID, &u.Reference, &u.Customer, &u.Invoices, &u.ClaimedAt, &u.CheckedAt)
		if u.CheckedAt.Unix() == 0 {
			u.CheckedAt = time.Time{}
		}
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("letters to verify: %w", err)
	}
	return out, nil
}

// DecideUncertain records an operator's decision on the uncertain letter
// with reference of company companyID: sent (it reached the customer) or
// not (it goes again with the next statement). The invoices held on it
// see the decision when they next ask (hourly).
func (s *Store) DecideUncertain(ctx context.Context, companyID int64, reference string, sent bool, actor string) error {
	var id int64
	err := s.Pool.QueryRow(ctx, `
		SELECT c.id FROM customer_letters c JOIN customers cu ON cu.id = c.customer_id
		WHERE c.reference = $1 AND cu.company_id = $2 AND c.status = 'uncertain'`, reference, companyID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("no letter to verify with reference %s: %w", reference, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("letter to verify %s: %w", reference, err)
	}
	status, detail := LetterSent, ""
	if !sent {
		status, detail = LetterFailed, "not received, by "+actor+"'s decision: it goes again with the next statement"
	}
	_, err = s.ResolveUncertain(ctx, id, status, ResolvedOperator+actor, "", detail, time.Time{})
	return err
}

// UncertainReferences returns the references of the uncertain customer
// letters of company companyID by customer letter id: the letters an
// operator may decide on (the letters of the day).
func (s *Store) UncertainReferences(ctx context.Context, companyID int64) (map[int64]string, error) {
	letters, err := s.UncertainLetters(ctx, companyID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(letters))
	for _, l := range letters {
		out[l.ID] = l.Reference
	}
	return out, nil
}

// UncertainOfInvoice returns, for the letters of invoice invoiceID that
// are uncertain within a customer letter, that letter's reference by
// invoice letter id (the invoice page's decisions).
func (s *Store) UncertainOfInvoice(ctx context.Context, invoiceID int64) (map[int64]string, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT l.id, c.reference FROM letters l JOIN customer_letters c ON c.id = l.customer_letter_id
		WHERE l.invoice_id = $1 AND c.status = 'uncertain' AND c.reference <> ''`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("uncertain letters of invoice id %d: %w", invoiceID, err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, fmt.Errorf("uncertain letters of invoice id %d: %w", invoiceID, err)
		}
		out[id] = ref
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("uncertain letters of invoice id %d: %w", invoiceID, err)
	}
	return out, nil
}
