package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/letters/courtesy"
	"github.com/shopspring/decimal"
)

// CourtesySettings are a company's "before and after" mails: the courtesy
// reminder Days before the due date (0: none) and the thank-you after a
// reminded invoice is paid.
type CourtesySettings struct {
	Days   int
	Thanks bool
}

// MaxCourtesyDays is the furthest ahead of the due date a courtesy
// reminder may go.
const MaxCourtesyDays = 30

// CourtesySettingsOf returns company's courtesy settings.
func (s *Store) CourtesySettingsOf(ctx context.Context, company string) (CourtesySettings, error) {
	var c CourtesySettings
	err := s.Pool.QueryRow(ctx, `SELECT courtesy_days, thanks_enabled FROM companies WHERE code = $1`, company).Scan(&c.Days, &c.Thanks)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("courtesy settings of %s: %w", company, err)
	}
	return c, nil
}

// SetCourtesy sets company's courtesy settings; days outside 0 to
// MaxCourtesyDays is an error wrapping ErrInvalid.
func (s *Store) SetCourtesy(ctx context.Context, company string, c CourtesySettings) error {
	if c.Days < 0 || c.Days > MaxCourtesyDays {
		return fmt.Errorf("courtesy settings of %s: %w", company, Invalid(CourtesyDays.With(MaxCourtesyDays)))
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE companies SET courtesy_days = $2, thanks_enabled = $3 WHERE code = $1`, company, c.Days, c.Thanks)
	if err != nil {
		return fmt.Errorf("courtesy settings of %s: %w", company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	return nil
}

// CourtesyTemplates returns the company's own courtesy texts.
func (s *Store) CourtesyTemplates(ctx context.Context, companyID int64) ([]courtesy.Template, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT kind, language, customer_kind, subject, body FROM courtesy_templates
		WHERE company_id = $1 ORDER BY kind, language, customer_kind`, companyID)
	if err != nil {
		return nil, fmt.Errorf("courtesy templates: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (courtesy.Template, error) {
		var t courtesy.Template
		err := r.Scan(&t.Kind, &t.Language, &t.CustomerKind, &t.Subject, &t.Body)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("courtesy templates: %w", err)
	}
	return ts, nil
}

// SaveCourtesyTemplate checks t (courtesy.Validate; refused: an error
// wrapping ErrInvalid) and stores it as company's text of its kind,
// language and customer kind.
func (s *Store) SaveCourtesyTemplate(ctx context.Context, company string, t courtesy.Template) error {
	if err := courtesy.Validate(t); err != nil {
		return Invalid(err)
	}
	tag, err := s.Pool.Exec(ctx, `
		INSERT INTO courtesy_templates (company_id, kind, language, customer_kind, subject, body)
		SELECT id, $2, $3, $4, $5, $6 FROM companies WHERE code = $1
		ON CONFLICT (company_id, kind, language, customer_kind)
		DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_at = now()`,
		company, t.Kind, t.Language, t.CustomerKind, t.Subject, t.Body)
	if err != nil {
		return fmt.Errorf("save courtesy template %s of %s: %w", t.Name(), company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	return nil
}

// DeleteCourtesyTemplate removes company's own text of t's kind, language
// and customer kind: the default is used again.
func (s *Store) DeleteCourtesyTemplate(ctx context.Context, company string, t courtesy.Template) error {
	_, err := s.Pool.Exec(ctx, `
		DELETE FROM courtesy_templates ct USING companies c
		WHERE ct.company_id = c.id AND c.code = $1 AND ct.kind = $2 AND ct.language = $3 AND ct.customer_kind = $4`,
		company, t.Kind, t.Language, t.CustomerKind)
	if err != nil {
		return fmt.Errorf("delete courtesy template %s of %s: %w", t.Name(), company, err)
	}
	return nil
}

// CourtesyGroup is one customer's invoices a courtesy mail of one kind
// would name.
type CourtesyGroup struct {
	CustomerID int64   `json:"customer_id"`
	InvoiceIDs []int64 `json:"invoice_ids"`
}

// courtesyHeld is the SQL condition (invoice i, customer cu) of an invoice
// no courtesy mail names: do-not-remind, a blocking status, paused
// (dispute, promise, operator), or disputed by the customer on its page.
const courtesyHeld = `(cu.do_not_remind OR i.do_not_remind OR coalesce(i.dunning_status, '') = 'paused'
		OR EXISTS (SELECT 1 FROM reminder_statuses rs WHERE rs.company_id = i.company_id AND rs.blocks_reminders
		           AND ((rs.code = cu.reminder_status AND rs.propagation = 'inherited') OR rs.code = i.reminder_status))
		OR EXISTS (SELECT 1 FROM customer_answers a WHERE a.customer_id = cu.id AND i.id = ANY(a.invoice_ids)
		           AND (a.kind = 'dispute' OR (a.kind = 'promise' AND a.until >= $2::date)) AND a.handling <> 'resume'))`

// CourtesyBeforeDue returns, per customer, the invoices of company that
// fall due after day and at most days after it, still owed, without
// instalments, not yet named by a courtesy reminder and not held
// (courtesyHeld). days 0 returns nothing.
func (s *Store) CourtesyBeforeDue(ctx context.Context, company string, day calendar.Date, days int) ([]CourtesyGroup, error) {
	if days <= 0 {
		return nil, nil
	}
	return s.courtesyGroups(ctx, `
		SELECT i.customer_id, i.id FROM invoices i
		JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		WHERE c.code = $1 AND i.kind = 'invoice' AND NOT i.closed AND i.balance_due > 0
		  AND i.due_date > $2::date AND i.due_date <= $2::date + $3::int
		  AND NOT EXISTS (SELECT 1 FROM instalments x WHERE x.invoice_id = i.id)
		  AND NOT EXISTS (SELECT 1 FROM courtesy_items ci WHERE ci.invoice_id = i.id AND ci.kind = 'before')
		  AND NOT `+courtesyHeld+`
		ORDER BY i.customer_id, i.due_date, i.id`, company, day, days)
}

// CourtesyPaid returns, per customer, the invoices of company fully paid
// by a payment recorded since since, that had a letter (sent or queued for
// print), not yet thanked, of customers who are not do-not-remind and got
// no letter after cadenceStart (they wait for the end of the cadence
// period).
func (s *Store) CourtesyPaid(ctx context.Context, company string, since, cadenceStart time.Time) ([]CourtesyGroup, error) {
	return s.courtesyGroups(ctx, `
		SELECT i.customer_id, i.id FROM invoices i
		JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		WHERE c.code = $1 AND i.kind = 'invoice' AND i.balance_due <= 0 AND i.amount > 0 AND NOT cu.do_not_remind
		  AND EXISTS (SELECT 1 FROM letters l WHERE l.invoice_id = i.id AND l.status IN ('sent', 'queued_print'))
		  AND (SELECT max(p.recorded_at) FROM payments p WHERE p.invoice_id = i.id AND p.reversed_at IS NULL) >= $2
		  AND NOT EXISTS (SELECT 1 FROM courtesy_items ci WHERE ci.invoice_id = i.id AND ci.kind = 'thanks')
		  AND NOT EXISTS (SELECT 1 FROM customer_letters cl WHERE cl.customer_id = cu.id
		                  AND cl.status IN ('sent', 'queued_print') AND cl.sent_at > $3)
		ORDER BY i.customer_id, i.id`, company, since, cadenceStart)
}

func (s *Store) courtesyGroups(ctx context.Context, query string, args ...any) ([]CourtesyGroup, error) {
	rows, err := s.Pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("courtesy candidates: %w", err)
	}
	var out []CourtesyGroup
	var cust, inv int64
	_, err = pgx.ForEachRow(rows, []any{&cust, &inv}, func() error {
		if n := len(out); n == 0 || out[n-1].CustomerID != cust {
			out = append(out, CourtesyGroup{CustomerID: cust})
		}
		out[len(out)-1].InvoiceIDs = append(out[len(out)-1].InvoiceIDs, inv)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("courtesy candidates: %w", err)
	}
	return out, nil
}

// CourtesyMail is one courtesy mail as the ledger records it.
type CourtesyMail struct {
	ID         int64
	Key        string
	CustomerID int64
	Kind       string
	Status     string // a Letter* status, or CourtesySkipped
	Reason     string // why it was skipped, in English
	// Skip is why it was skipped as a code with parameters (zero for a
	// mail not skipped).
	Skip       messages.Problem
	InvoiceIDs []int64
	Invoices   []string // numbers of InvoiceIDs, when read back (CourtesyMailsOf)
	Recipients []string
	Subject    string
	CreatedAt  time.Time
	SentAt     *time.Time
}

// CourtesySkipped is the status of a courtesy mail that was not sent (its
// Reason says why); its invoices get no other of that kind.
const CourtesySkipped = "skipped"

// SaveCourtesyMail records the mail of key (pending) for the given
// invoices, or finds it when it exists; it attaches to it the invoices no
// other mail of its kind names. The mail returned lists the invoices it
// names: none when every one was named already.
func (s *Store) SaveCourtesyMail(ctx context.Context, key string, companyID, customerID int64, kind string, invoiceIDs []int64) (CourtesyMail, error) {
	m := CourtesyMail{Key: key, CustomerID: customerID, Kind: kind}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO courtesy_mails (key, company_id, customer_id, kind, status) VALUES ($1,$2,$3,$4,'pending')
			ON CONFLICT (key) DO NOTHING`, key, companyID, customerID, kind); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT id, status, reason, customer_id, kind FROM courtesy_mails WHERE key = $1`, key).
			Scan(&m.ID, &m.Status, &m.Reason, &m.CustomerID, &m.Kind); err != nil {
			return err
		}
		if m.CustomerID != customerID || m.Kind != kind {
			return Invalid(CourtesyKey.With(key))
		}
		if m.Status == LetterPending || m.Status == LetterFailed {
			// Only the customer's own invoices join it.
			if _, err := tx.Exec(ctx, `
				INSERT INTO courtesy_items (invoice_id, kind, mail_id)
				SELECT i.id, $2, $3 FROM invoices i WHERE i.id = ANY($1) AND i.customer_id = $4
				ON CONFLICT (invoice_id, kind) DO NOTHING`, nonNilIDs(invoiceIDs), kind, m.ID, customerID); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT invoice_id FROM courtesy_items WHERE mail_id = $1 ORDER BY invoice_id`, m.ID)
		if err != nil {
			return err
		}
		m.InvoiceIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return m, fmt.Errorf("record courtesy mail %s: %w", key, err)
	}
	return m, nil
}

// ClaimCourtesyMail marks mail id sending (one more attempt) if it is
// pending or failed, and says whether it did.
func (s *Store) ClaimCourtesyMail(ctx context.Context, id int64, recipients []string, subject string) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE courtesy_mails SET status = 'sending', attempts = attempts + 1, recipients = $2, subject = $3
		WHERE id = $1 AND status IN ('pending', 'failed')`, id, nonNil(recipients), subject)
	if err != nil {
		return false, fmt.Errorf("claim courtesy mail %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// MarkCourtesyMail records the outcome of a courtesy mail's send; a sent
// time already recorded is kept.
func (s *Store) MarkCourtesyMail(ctx context.Context, id int64, status, messageID, errText string, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `
		UPDATE courtesy_mails SET status = $2, ses_message_id = COALESCE(NULLIF($3,''), ses_message_id), error = NULLIF($4,''),
		       sent_at = CASE WHEN $2 = 'sent' THEN COALESCE(sent_at, $5) ELSE sent_at END
		WHERE id = $1`, id, status, messageID, errText, at)
	if err != nil {
		return fmt.Errorf("mark courtesy mail %d %s: %w", id, status, err)
	}
	return nil
}

// SkipCourtesyMail records that mail id is not sent, and why (a Courtesy*
// code: CourtesyNamed, CourtesyGone, CourtesyCadence, CourtesyNoEmail),
// if it has not been claimed; its invoices stay named by it (no other mail
// of its kind names them).
func (s *Store) SkipCourtesyMail(ctx context.Context, id int64, reason messages.Problem) error {
	_, err := s.Pool.Exec(ctx, `
		UPDATE courtesy_mails SET status = 'skipped', reason = $2, reason_code = $3, reason_params = $4
		WHERE id = $1 AND status IN ('pending', 'failed')`, id, reason.Error(), string(reason.Code), nonNil(reason.Args))
	if err != nil {
		return fmt.Errorf("skip courtesy mail %d: %w", id, err)
	}
	return nil
}

// CourtesyInvoice is an invoice a courtesy mail names, as it is when the
// mail is written.
type CourtesyInvoice struct {
	ID        int64
	Number    string
	IssueDate calendar.Date
	DueDate   calendar.Date
	Amount    decimal.Decimal
	Balance   decimal.Decimal
	Currency  string
	Closed    bool
	Held      bool // courtesyHeld on day
}

// CourtesyInvoices loads the invoices ids of customer customerID, by due
// date, with whether each is held on day.
func (s *Store) CourtesyInvoices(ctx context.Context, customerID int64, ids []int64, day calendar.Date) ([]CourtesyInvoice, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT i.id, i.number, i.issue_date, coalesce(i.due_date, i.issue_date), i.amount, i.balance_due, i.currency, i.closed,
		       `+courtesyHeld+`
		FROM invoices i JOIN customers cu ON cu.id = i.customer_id
		WHERE cu.id = $3 AND i.id = ANY($1)
		ORDER BY i.due_date, i.number`, nonNilIDs(ids), day, customerID)
	if err != nil {
		return nil, fmt.Errorf("courtesy invoices of customer %d: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CourtesyInvoice, error) {
		var c CourtesyInvoice
		err := r.Scan(&c.ID, &c.Number, &c.IssueDate, &c.DueDate, &c.Amount, &c.Balance, &c.Currency, &c.Closed, &c.Held)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("courtesy invoices of customer %d: %w", customerID, err)
	}
	return out, nil
}

// LastLetterSentAt returns when customer customerID last got a letter (a
// customer letter or an invoice letter, sent or queued for print), and
// false when it never did.
func (s *Store) LastLetterSentAt(ctx context.Context, customerID int64) (time.Time, bool, error) {
	var at *time.Time
	err := s.Pool.QueryRow(ctx, `
		SELECT greatest(
		  (SELECT max(sent_at) FROM customer_letters WHERE customer_id = $1 AND status IN ('sent', 'queued_print')),
		  (SELECT max(l.sent_at) FROM letters l JOIN invoices i ON i.id = l.invoice_id
		   WHERE i.customer_id = $1 AND l.status IN ('sent', 'queued_print')))`, customerID).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("last letter of customer %d: %w", customerID, err)
	}
	if at == nil {
		return time.Time{}, false, nil
	}
	return *at, true, nil
}

// CourtesyMailsOf returns the courtesy mails of customer customerID, the
// latest first.
func (s *Store) CourtesyMailsOf(ctx context.Context, customerID int64) ([]CourtesyMail, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT m.id, m.key, m.customer_id, m.kind, m.status, m.reason, m.reason_code, m.reason_params, m.recipients, m.subject, m.created_at, m.sent_at,
		       ARRAY(SELECT invoice_id FROM courtesy_items ci WHERE ci.mail_id = m.id ORDER BY invoice_id),
		       ARRAY(SELECT i.number FROM courtesy_items ci JOIN invoices i ON i.id = ci.invoice_id WHERE ci.mail_id = m.id ORDER BY i.number)
		FROM courtesy_mails m WHERE m.customer_id = $1 ORDER BY m.created_at DESC, m.id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("courtesy mails of customer %d: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CourtesyMail, error) {
		var m CourtesyMail
		var code string
		var params []string
		err := r.Scan(&m.ID, &m.Key, &m.CustomerID, &m.Kind, &m.Status, &m.Reason, &code, &params, &m.Recipients, &m.Subject, &m.CreatedAt, &m.SentAt, &m.InvoiceIDs, &m.Invoices)
		if code != "" {
			m.Skip = messages.Problem{Code: messages.Code(code), Args: params}
		}
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("courtesy mails of customer %d: %w", customerID, err)
	}
	return out, nil
}
