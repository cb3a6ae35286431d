package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// deliverableEmails is the SQL expression of a customer's (cu) addresses
// that SES has not reported as bouncing or complaining: letters go to
// these only, and to print when none is left.
const deliverableEmails = `ARRAY(SELECT e FROM unnest(cu.emails) e
		WHERE lower(trim(e)) NOT IN (SELECT email FROM undeliverable_addresses))`

// PaymentRef is the RF creditor reference a letter carries.
type PaymentRef struct {
	Reference       string // "RF..." without spaces
	CompanyID       int64
	CustomerID      int64
	CustomerLetter  int64 // customer_letters.id, or 0
	Letter          int64 // letters.id, or 0
	LetterReference string
	Amount          decimal.Decimal
}

// RecordPaymentRef keeps the RF reference of a letter so that a payment
// quoting it comes back to the letter's items. The reference is drawn
// from the reference printed on the letter: a letter that takes over the
// items of one that failed prints the same one, and the reference then
// names the later letter. A reference of another customer is an error
// wrapping ErrExists.
func (s *Store) RecordPaymentRef(ctx context.Context, r PaymentRef) error {
	var cl, l *int64
	if r.CustomerLetter != 0 {
		cl = &r.CustomerLetter
	}
	if r.Letter != 0 {
		l = &r.Letter
	}
	tag, err := s.Pool.Exec(ctx, `
		INSERT INTO letter_payment_refs (reference, company_id, customer_id, customer_letter_id, letter_id, letter_reference, amount)
		VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (reference) DO UPDATE SET customer_letter_id = EXCLUDED.customer_letter_id,
		    letter_id = EXCLUDED.letter_id, amount = EXCLUDED.amount, created_at = now()
		WHERE letter_payment_refs.company_id = EXCLUDED.company_id AND letter_payment_refs.customer_id = EXCLUDED.customer_id`,
		r.Reference, r.CompanyID, r.CustomerID, cl, l, r.LetterReference, r.Amount)
	if err != nil {
		return fmt.Errorf("record payment reference %s: %w", r.Reference, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("payment reference %s is another letter's: %w", r.Reference, ErrExists)
	}
	return nil
}

// PaymentRefItems returns the invoices (ids) of the letter whose RF
// reference is ref (spaces and case ignored), with the reference's row;
// ErrNotFound when no letter carries it. The bank statement's matching
// reads it.
func (s *Store) PaymentRefItems(ctx context.Context, ref string) (PaymentRef, []int64, error) {
	ref = strings.ToUpper(strings.ReplaceAll(ref, " ", ""))
	var r PaymentRef
	var cl, l *int64
	err := s.Pool.QueryRow(ctx, `
		SELECT reference, company_id, customer_id, customer_letter_id, letter_id, letter_reference, amount
		FROM letter_payment_refs WHERE reference = $1`, ref).
		Scan(&r.Reference, &r.CompanyID, &r.CustomerID, &cl, &l, &r.LetterReference, &r.Amount)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, nil, fmt.Errorf("payment reference %s: %w", ref, ErrNotFound)
	}
	if err != nil {
		return r, nil, fmt.Errorf("load payment reference %s: %w", ref, err)
	}
	if cl != nil {
		r.CustomerLetter = *cl
	}
	if l != nil {
		r.Letter = *l
	}
	rows, err := s.Pool.Query(ctx, `
		SELECT DISTINCT invoice_id FROM letters
		WHERE ($1::bigint IS NOT NULL AND customer_letter_id = $1) OR ($2::bigint IS NOT NULL AND id = $2)
		ORDER BY invoice_id`, cl, l)
	if err != nil {
		return r, nil, fmt.Errorf("items of payment reference %s: %w", ref, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return r, nil, fmt.Errorf("items of payment reference %s: %w", ref, err)
	}
	return r, ids, nil
}

// Undeliverable kinds: what SES reported about an address.
const (
	UndeliverableBounce    = "bounce"
	UndeliverableComplaint = "complaint"
)

// MarkUndeliverable records that SES reported email as bouncing
// (permanently) or complaining: letters to it go to print from now on.
// The first report is kept.
func (s *Store) MarkUndeliverable(ctx context.Context, email, kind, detail, messageID string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || (kind != UndeliverableBounce && kind != UndeliverableComplaint) {
		return fmt.Errorf("mark undeliverable: %w", Invalid(UndeliverableKind.With(strconv.Quote(kind))))
	}
	if len(detail) > 500 {
		detail = detail[:500]
	}
	_, err := s.Pool.Exec(ctx, `
		INSERT INTO undeliverable_addresses (email, kind, detail, ses_message_id) VALUES ($1,$2,$3,$4)
		ON CONFLICT (email) DO NOTHING`, email, kind, detail, messageID)
	if err != nil {
		return fmt.Errorf("mark an address undeliverable: %w", err)
	}
	return nil
}

// UndeliverableAddress is an address SES reported.
type UndeliverableAddress struct {
	Email  string
	Kind   string
	Detail string
	At     time.Time
}

// UndeliverableOf returns the addresses of customer customerID that SES
// reported, for the customer record.
func (s *Store) UndeliverableOf(ctx context.Context, customerID int64) ([]UndeliverableAddress, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT u.email, u.kind, u.detail, u.created_at FROM undeliverable_addresses u
		JOIN customers cu ON lower(trim(u.email)) IN (SELECT lower(trim(e)) FROM unnest(cu.emails) e)
		WHERE cu.id = $1 ORDER BY u.created_at`, customerID)
	if err != nil {
		return nil, fmt.Errorf("undeliverable addresses of customer %d: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UndeliverableAddress, error) {
		var u UndeliverableAddress
		return u, r.Scan(&u.Email, &u.Kind, &u.Detail, &u.At)
	})
	if err != nil {
		return nil, fmt.Errorf("undeliverable addresses of customer %d: %w", customerID, err)
	}
	return out, nil
}

// ClearUndeliverable forgets what SES reported about email (the customer
// fixed its mailbox): letters go by e-mail again.
func (s *Store) ClearUndeliverable(ctx context.Context, email string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM undeliverable_addresses WHERE email = lower(trim($1))`, email)
	if err != nil {
		return fmt.Errorf("clear an undeliverable address: %w", err)
	}
	return nil
}

// PortalCustomer is who a link to the customer's page names, with what
// the page needs of its company.
type PortalCustomer struct {
	Customer
	CompanyID   int64
	CompanyCode string
	Version     int    // portal_version: a link of another version is revoked
	TimeZone    string // the company's: the page's dates and "today"
	// The company's rules for answers.
	PaidPauseDays  int
	PromiseMaxDays int
	DisputeReasons []string
}

// PortalCustomerByID returns customer id as the customer's page shows it.
func (s *Store) PortalCustomerByID(ctx context.Context, id int64) (PortalCustomer, error) {
	var c PortalCustomer
	err := s.Pool.QueryRow(ctx, `
		SELECT cu.id, cu.code, cu.name, cu.contact, cu.emails, cu.language, cu.kind, cu.do_not_remind,
		       co.id, co.code, cu.portal_version, co.paid_pause_days, co.promise_max_days, co.dispute_reasons,
		       co.time_zone
		FROM customers cu JOIN companies co ON co.id = cu.company_id WHERE cu.id = $1`, id).
		Scan(&c.ID, &c.Code, &c.Name, &c.Contact, &c.Emails, &c.Language, &c.Kind, &c.DoNotRemind,
			&c.CompanyID, &c.CompanyCode, &c.Version, &c.PaidPauseDays, &c.PromiseMaxDays, &c.DisputeReasons,
			&c.TimeZone)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("customer id %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load customer id %d: %w", id, err)
	}
	return c, nil
}

// PortalVersion returns the version of customer id's links.
func (s *Store) PortalVersion(ctx context.Context, id int64) (int, error) {
	var v int
	err := s.Pool.QueryRow(ctx, `SELECT portal_version FROM customers WHERE id = $1`, id).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("customer id %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("portal version of customer id %d: %w", id, err)
	}
	return v, nil
}

// RevokePortalLinks makes every link sent so far to customer code of
// company invalid; the next letter carries a new one.
func (s *Store) RevokePortalLinks(ctx context.Context, company, code string) error {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE customers cu SET portal_version = portal_version + 1
		FROM companies co WHERE co.id = cu.company_id AND co.code = $1 AND cu.code = $2`, company, code)
	if err != nil {
		return fmt.Errorf("revoke the links of customer %s: %w", code, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("customer %s of %s: %w", code, company, ErrNotFound)
	}
	return nil
}

// SetAnswerRules sets company's rules for its customers' answers (days
// an "already paid" pauses, furthest promise, dispute reasons).
func (s *Store) SetAnswerRules(ctx context.Context, company string, paidPauseDays, promiseMaxDays int, reasons []string) error {
	if paidPauseDays < 1 || paidPauseDays > 90 || promiseMaxDays < 1 || promiseMaxDays > 365 || len(reasons) == 0 {
		return fmt.Errorf("answer rules of %s: %w", company, Invalid(AnswerRulesBounds.With()))
	}
	tag, err := s.Pool.Exec(ctx, `
		UPDATE companies SET paid_pause_days = $2, promise_max_days = $3, dispute_reasons = $4 WHERE code = $1`,
		company, paidPauseDays, promiseMaxDays, reasons)
	if err != nil {
		return fmt.Errorf("answer rules of %s: %w", company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	return nil
}

// Kinds of customer answers.
const (
	AnswerPaid    = "paid"
	AnswerDispute = "dispute"
	AnswerPromise = "promise"
	AnswerMessage = "message"
)

// Answer is one answer of a customer from its page.
type Answer struct {
	ID           int64
	CompanyID    int64
	CustomerID   int64
	CustomerCode string
	CustomerName string
	Kind         string
	InvoiceIDs   []int64
	Invoices     []string // numbers of InvoiceIDs, when read back
	PaidOn       calendar.Date
	Amount       *decimal.Decimal
	Reference    string
	Reason       string
	Message      string
	Until        calendar.Date
	Outcome      string
	At           time.Time
	HandledAt    *time.Time
	HandledBy    string
	Handling     string
}

// AddAnswer records a customer's answer and returns its id.
func (s *Store) AddAnswer(ctx context.Context, a Answer) (int64, error) {
	var paid, until *time.Time
	if !a.PaidOn.IsZero() {
		t := a.PaidOn.UTC()
		paid = &t
	}
	if !a.Until.IsZero() {
		t := a.Until.UTC()
		until = &t
	}
	var id int64
	err := s.Pool.QueryRow(ctx, `
		INSERT INTO customer_answers (company_id, customer_id, kind, invoice_ids, paid_on, amount, reference, reason, message, until, outcome)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
		a.CompanyID, a.CustomerID, a.Kind, nonNilIDs(a.InvoiceIDs), paid, a.Amount, a.Reference, a.Reason, a.Message, until, a.Outcome).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record a customer answer: %w", err)
	}
	return id, nil
}

// SetAnswerOutcome records what an answer did to the items.
func (s *Store) SetAnswerOutcome(ctx context.Context, id int64, outcome string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE customer_answers SET outcome = $2 WHERE id = $1`, id, outcome)
	if err != nil {
		return fmt.Errorf("answer %d outcome: %w", id, err)
	}
	return nil
}

// HandleAnswer records the controller's follow-up of answer id of company.
func (s *Store) HandleAnswer(ctx context.Context, company string, id int64, by, handling string) error {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE customer_answers a SET handled_at = now(), handled_by = $3, handling = $4
		FROM companies co WHERE co.id = a.company_id AND co.code = $1 AND a.id = $2`, company, id, by, handling)
	if err != nil {
		return fmt.Errorf("handle answer %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("answer %d of %s: %w", id, company, ErrNotFound)
	}
	return nil
}

// AnswerFilter selects answers of a company; empty fields match all.
type AnswerFilter struct {
	Company  string
	Customer string // customer code
	Kind     string
	Since    time.Time // zero: any time
	Open     bool      // only those not handled yet
	ID       int64     // one answer only (0: any)
	Limit    int       // 0: 200
}

// Answers returns the matching answers, most recent first.
func (s *Store) Answers(ctx context.Context, f AnswerFilter) ([]Answer, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	var since *time.Time
	if !f.Since.IsZero() {
		since = &f.Since
	}
	rows, err := s.Pool.Query(ctx, `
		SELECT a.id, a.company_id, a.customer_id, cu.code, cu.name, a.kind, a.invoice_ids,
		       ARRAY(SELECT i.number FROM invoices i WHERE i.id = ANY(a.invoice_ids) ORDER BY i.number),
		       a.paid_on, a.amount, a.reference, a.reason, a.message, a.until, a.outcome, a.created_at,
		       a.handled_at, a.handled_by, a.handling
		FROM customer_answers a JOIN customers cu ON cu.id = a.customer_id JOIN companies co ON co.id = a.company_id
		WHERE co.code = $1 AND ($2 = '' OR cu.code = $2) AND ($3 = '' OR a.kind = $3)
		  AND ($4::timestamptz IS NULL OR a.created_at >= $4) AND (NOT $5 OR a.handled_at IS NULL)
		  AND ($7::bigint = 0 OR a.id = $7)
		ORDER BY a.created_at DESC, a.id DESC LIMIT $6`,
		f.Company, f.Customer, f.Kind, since, f.Open, f.Limit, f.ID)
	if err != nil {
		return nil, fmt.Errorf("answers of %s: %w", f.Company, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Answer, error) {
		var a Answer
		var paid, until *time.Time
		err := r.Scan(&a.ID, &a.CompanyID, &a.CustomerID, &a.CustomerCode, &a.CustomerName, &a.Kind, &a.InvoiceIDs, &a.Invoices,
			&paid, &a.Amount, &a.Reference, &a.Reason, &a.Message, &until, &a.Outcome, &a.At,
			&a.HandledAt, &a.HandledBy, &a.Handling)
		if paid != nil {
			a.PaidOn = calendar.Of(paid.UTC())
		}
		if until != nil {
			a.Until = calendar.Of(until.UTC())
		}
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("answers of %s: %w", f.Company, err)
	}
	return out, nil
}

// AnswerByID returns answer id of company.
func (s *Store) AnswerByID(ctx context.Context, company string, id int64) (Answer, error) {
	found, err := s.Answers(ctx, AnswerFilter{Company: company, ID: id, Limit: 1})
	if err != nil {
		return Answer{}, err
	}
	if len(found) == 1 && id != 0 {
		return found[0], nil
	}
	return Answer{}, fmt.Errorf("answer %d of %s: %w", id, company, ErrNotFound)
}

// RecentAnswers counts the answers of customer customerID since t: the
// customer's page limits how many it takes.
func (s *Store) RecentAnswers(ctx context.Context, customerID int64, t time.Time) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM customer_answers WHERE customer_id = $1 AND created_at >= $2`, customerID, t).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count answers of customer %d: %w", customerID, err)
	}
	return n, nil
}

// PortalLetter is a letter sent to a customer, as its page lists it.
type PortalLetter struct {
	ID      int64
	Subject string
	Channel string
	SentAt  time.Time
}

// PortalLetters returns the letters sent to customer customerID that
// have a PDF, most recent first.
func (s *Store) PortalLetters(ctx context.Context, customerID int64) ([]PortalLetter, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT id, subject, channel, sent_at FROM customer_letters
		WHERE customer_id = $1 AND sent_at IS NOT NULL AND pdf IS NOT NULL AND status IN ('sent', 'queued_print')
		ORDER BY sent_at DESC, id DESC LIMIT 50`, customerID)
	if err != nil {
		return nil, fmt.Errorf("letters of customer %d: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PortalLetter, error) {
		var l PortalLetter
		return l, r.Scan(&l.ID, &l.Subject, &l.Channel, &l.SentAt)
	})
	if err != nil {
		return nil, fmt.Errorf("letters of customer %d: %w", customerID, err)
	}
	return out, nil
}

// PortalLetterPDF returns the PDF of letter id when it was sent to
// customer customerID; ErrNotFound otherwise (another customer's letter
// included).
func (s *Store) PortalLetterPDF(ctx context.Context, customerID, id int64) ([]byte, error) {
	var pdf []byte
	err := s.Pool.QueryRow(ctx, `SELECT pdf FROM customer_letters WHERE id = $1 AND customer_id = $2 AND sent_at IS NOT NULL`,
		id, customerID).Scan(&pdf)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && len(pdf) == 0) {
		return nil, fmt.Errorf("letter %d of customer %d: %w", id, customerID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("letter %d of customer %d: %w", id, customerID, err)
	}
	return pdf, nil
}

// PortalInvoice is what the customer's page needs of one of its invoices.
type PortalInvoice struct {
	ID      int64
	Number  string
	PDF     []byte
	PDFPath string
	Paused  string // hold reason, "" when none
}

// PortalInvoiceOf returns invoice id when it is customer customerID's;
// ErrNotFound otherwise (another customer's invoice included).
func (s *Store) PortalInvoiceOf(ctx context.Context, customerID, id int64) (PortalInvoice, error) {
	var p PortalInvoice
	var path *string
	err := s.Pool.QueryRow(ctx, `SELECT id, number, pdf, pdf_path FROM invoices WHERE id = $1 AND customer_id = $2`,
		id, customerID).Scan(&p.ID, &p.Number, &p.PDF, &path)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("invoice %d of customer %d: %w", id, customerID, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("invoice %d of customer %d: %w", id, customerID, err)
	}
	if path != nil {
		p.PDFPath = *path
	}
	return p, nil
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// LatestPaymentRef returns the RF reference of the last letter sent to
// customer customerID ("" when none): the customer's page pays with it.
func (s *Store) LatestPaymentRef(ctx context.Context, customerID int64) (string, error) {
	var ref string
	err := s.Pool.QueryRow(ctx, `SELECT reference FROM letter_payment_refs WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 1`,
		customerID).Scan(&ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("payment reference of customer %d: %w", customerID, err)
	}
	return ref, nil
}

// AnswerRules are a company's rules for its customers' answers.
type AnswerRules struct {
	PaidPauseDays  int
	PromiseMaxDays int
	DisputeReasons []string
}

// PortalRules returns company's rules for its customers' answers.
func (s *Store) PortalRules(ctx context.Context, company string) (AnswerRules, error) {
	var r AnswerRules
	err := s.Pool.QueryRow(ctx, `SELECT paid_pause_days, promise_max_days, dispute_reasons FROM companies WHERE code = $1`, company).
		Scan(&r.PaidPauseDays, &r.PromiseMaxDays, &r.DisputeReasons)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("answer rules of %s: %w", company, err)
	}
	return r, nil
}
