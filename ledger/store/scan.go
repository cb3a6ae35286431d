package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/money"
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
	// Instalment is the instalment's sequence number when the invoice is
	// paid in several parts: each instalment is dunned on its own.
	Instalment int
	Problem    string
	// Note is information that does not stop dunning, such as a customer
	// without e-mail address whose letters go to print.
	Note string
	// Invoice is the invoice as its workflow starts with it (what
	// LoadInvoice returns), read by the same query.
	Invoice Invoice
	// InvoiceID is the invoice's row, for instalments too.
	InvoiceID int64
}

// Name is how reports and logs call the candidate: its invoice number, or
// "FA0042#2" for the second instalment of FA0042.
func (c Candidate) Name() string {
	if c.Instalment > 0 {
		return fmt.Sprintf("%s#%d", c.Number, c.Instalment)
	}
	return c.Number
}

// DueInvoices returns the open invoices of company that the scan must
// consider on working date on: balance due different from zero and due date
// on or before on, or no due date at all (reported). Excluded ones carry a
// Problem. It holds them all in memory: the scan itself uses
// EachDueInvoice.
func (s *Store) DueInvoices(ctx context.Context, company string, on calendar.Date) ([]Candidate, error) {
	var all []Candidate
	err := s.EachDueInvoice(ctx, company, on, DueBatch, func(batch []Candidate) error {
		all = append(all, batch...)
		return nil
	})
	return all, err
}

// DueBatch is the number of invoices the scan reads at a time.
const DueBatch = 1000

// EachDueInvoice calls fn with the invoices DueInvoices selects, batch at a
// time (the invoices without due date first, then by due date and number),
// each read by a short query of its own resuming after the last row of the
// previous batch: memory stays flat and no transaction stays open while fn
// works. Each candidate carries the invoice as a workflow needs it
// (Candidate.Invoice). fn's error stops the walk and is returned.
func (s *Store) EachDueInvoice(ctx context.Context, company string, on calendar.Date, batch int,
	fn func([]Candidate) error) error {
	return s.eachDue(ctx, company, on, batch, false, fn)
}

// EachUndunnedInvoice is EachDueInvoice without the invoices (and
// instalments) whose dunning the ledger records as live or ended for good
// (table dunnings): what the daily scan must start. Running dunnings cost
// an index probe each, not a call to Temporal.
func (s *Store) EachUndunnedInvoice(ctx context.Context, company string, on calendar.Date, batch int,
	fn func([]Candidate) error) error {
	return s.eachDue(ctx, company, on, batch, true, fn)
}

func (s *Store) eachDue(ctx context.Context, company string, on calendar.Date, batch int, undunned bool,
	fn func([]Candidate) error) error {
	if batch <= 0 {
		batch = DueBatch
	}
	co, err := s.scanCompany(ctx, company)
	if err != nil {
		return err
	}
	// Invoices without a due date (reported, never dunned), then the dated
	// ones (two index ranges of invoices_scan_due, each read in order),
	// then the instalments of invoices paid in several parts, each dunned
	// on its own.
	for _, p := range []duePass{passUndated, passDated, passInstalments} {
		after := dueKey{due: calendar.New(1, 1, 1)}
		for {
			cands, err := s.dueBatch(ctx, co, on, p, after, batch, undunned)
			if err != nil {
				return err
			}
			if len(cands) == 0 {
				break
			}
			if err := fn(cands); err != nil {
				return err
			}
			last := cands[len(cands)-1]
			after = dueKey{due: last.DueDate, number: last.Number, seq: last.Instalment}
			if len(cands) < batch {
				break
			}
		}
	}
	return nil
}

// CountDueInvoices counts what EachDueInvoice walks through, for progress.
func (s *Store) CountDueInvoices(ctx context.Context, company string, on calendar.Date) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM invoices i JOIN companies c ON c.id = i.company_id
		        WHERE c.code = $1 AND NOT i.closed AND i.balance_due <> 0 AND (i.due_date IS NULL OR i.due_date <= $2)
		          AND NOT EXISTS (SELECT 1 FROM instalments x WHERE x.invoice_id = i.id))
		     + (SELECT count(*) FROM instalments n JOIN invoices i ON i.id = n.invoice_id JOIN companies c ON c.id = i.company_id
		        WHERE c.code = $1 AND NOT i.closed AND i.balance_due <> 0 AND n.balance_due <> 0 AND n.due_date <= $2)`,
		company, on).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count due invoices of %s: %w", company, err)
	}
	return n, nil
}

// CountUndunnedInvoices counts what EachUndunnedInvoice walks through.
func (s *Store) CountUndunnedInvoices(ctx context.Context, company string, on calendar.Date) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM invoices i JOIN companies c ON c.id = i.company_id
		        WHERE c.code = $1 AND NOT i.closed AND i.balance_due <> 0 AND (i.due_date IS NULL OR i.due_date <= $2)
		          AND NOT EXISTS (SELECT 1 FROM instalments x WHERE x.invoice_id = i.id)`+noLiveDunning("0")+`)
		     + (SELECT count(*) FROM instalments n JOIN invoices i ON i.id = n.invoice_id JOIN companies c ON c.id = i.company_id
		        WHERE c.code = $1 AND NOT i.closed AND i.balance_due <> 0 AND n.balance_due <> 0 AND n.due_date <= $2`+
		noLiveDunning("n.seq")+`)`,
		company, on).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count undunned invoices of %s: %w", company, err)
	}
	return n, nil
}

// dueKey is where the next batch resumes: after this due date, number
// and instalment.
type dueKey struct {
	due    calendar.Date
	number string
	seq    int
}

// duePass is one ordered walk of EachDueInvoice.
type duePass int

const (
	passUndated     duePass = iota // invoices without due date: reported
	passDated                      // invoices without instalments, by due date
	passInstalments                // instalments, by their own due date
)

// scanCompany is what every candidate of a company shares.
type scanCompany struct {
	id         int64
	code       string
	timeZone   string
	sendHour   int
	daySeconds int
	holidays   string
	ladder     ladder.Ladder
}

func (s *Store) scanCompany(ctx context.Context, company string) (scanCompany, error) {
	var co scanCompany
	var demo *int
	err := s.Pool.QueryRow(ctx, `SELECT id, code, time_zone, send_hour, demo_day_seconds, holidays FROM companies WHERE code = $1`,
		company).Scan(&co.id, &co.code, &co.timeZone, &co.sendHour, &demo, &co.holidays)
	if errors.Is(err, pgx.ErrNoRows) {
		return co, fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	if err != nil {
		return co, fmt.Errorf("load company %s: %w", company, err)
	}
	if demo != nil {
		co.daySeconds = *demo
	}
	if co.ladder, err = s.Ladder(ctx, co.id); err != nil {
		return co, err
	}
	return co, nil
}

// dueSelect is the scan's selection of invoices without instalments (the
// few invoices with instalments are left out by a hashed filter, which
// keeps the ordered walk of invoices_scan_due). The blocking reminder
// statuses (the customer's when inherited, the invoice's
// own) are joined on their primary key, once per row, rather than looked
// up by a subquery per row.
const dueSelect = `
	SELECT i.id, i.number, 0, cu.code, i.kind, i.amount, i.balance_due, i.currency, i.due_date,
	       cu.do_not_remind, i.do_not_remind, cu.emails, cu.channel,
	       rc.code IS NOT NULL OR ri.code IS NOT NULL
	FROM invoices i
	JOIN customers cu ON cu.id = i.customer_id
	LEFT JOIN reminder_statuses rc ON rc.company_id = i.company_id AND rc.code = cu.reminder_status
	     AND rc.propagation = 'inherited' AND rc.blocks_reminders
	LEFT JOIN reminder_statuses ri ON ri.company_id = i.company_id AND ri.code = i.reminder_status
	     AND ri.blocks_reminders
	WHERE i.company_id = $1 AND NOT i.closed AND i.balance_due <> 0
	  AND i.id NOT IN (SELECT invoice_id FROM instalments)`

// dueInstalments is the selection of open instalments (their own due
// date, amount and balance).
const dueInstalments = `
	SELECT i.id, i.number, n.seq, cu.code, i.kind, n.amount, n.balance_due, i.currency, n.due_date,
	       cu.do_not_remind, i.do_not_remind, cu.emails, cu.channel,
	       rc.code IS NOT NULL OR ri.code IS NOT NULL
	FROM instalments n
	JOIN invoices i ON i.id = n.invoice_id
	JOIN customers cu ON cu.id = i.customer_id
	LEFT JOIN reminder_statuses rc ON rc.company_id = i.company_id AND rc.code = cu.reminder_status
	     AND rc.propagation = 'inherited' AND rc.blocks_reminders
	LEFT JOIN reminder_statuses ri ON ri.company_id = i.company_id AND ri.code = i.reminder_status
	     AND ri.blocks_reminders
	WHERE i.company_id = $1 AND NOT i.closed AND i.balance_due <> 0 AND n.balance_due <> 0`

func (s *Store) dueBatch(ctx context.Context, co scanCompany, on calendar.Date, p duePass, after dueKey, limit int,
	undunned bool) ([]Candidate, error) {
	var rows pgx.Rows
	var err error
	invoices, instalments := dueSelect, dueInstalments
	if undunned {
		invoices, instalments = dueSelect+noLiveDunning("0"), dueInstalments+noLiveDunning("n.seq")
	}
	switch p {
	case passDated:
		rows, err = s.Pool.Query(ctx, invoices+`
			AND i.due_date <= $2 AND (i.due_date, i.number) > ($3, $4)
			ORDER BY i.due_date, i.number LIMIT $5`, co.id, on, after.due, after.number, limit)
	case passUndated:
		rows, err = s.Pool.Query(ctx, invoices+`
			AND i.due_date IS NULL AND i.number > $2
			ORDER BY i.number LIMIT $3`, co.id, after.number, limit)
	default:
		rows, err = s.Pool.Query(ctx, instalments+`
			AND n.due_date <= $2 AND (n.due_date, i.number, n.seq) > ($3, $4, $5)
			ORDER BY n.due_date, i.number, n.seq LIMIT $6`, co.id, on, after.due, after.number, after.seq, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("select due invoices of %s: %w", co.code, err)
	}
	cands, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) {
		var c Candidate
		var kind, channel string
		var custDNR, invDNR, blocked bool
		var emails []string
		inv := Invoice{Company: co.code, TimeZone: co.timeZone, SendHour: co.sendHour, DaySeconds: co.daySeconds,
			Holidays: co.holidays, Ladder: co.ladder}
		err := r.Scan(&inv.ID, &c.Number, &c.Instalment, &c.Customer, &kind, &inv.Amount, &c.Balance, &c.Currency, &c.DueDate,
			&custDNR, &invDNR, &emails, &channel, &blocked)
		if err != nil {
			return c, err
		}
		c.Company, c.InvoiceID = co.code, inv.ID
		c.Problem = problem(kind, inv.Amount, c.Balance, c.Currency, c.DueDate, custDNR, invDNR, blocked)
		if c.Problem == "" && (channel == "print" || len(emails) == 0) {
			c.Note = "customer has no e-mail address: letters go to the print queue"
		}
		if c.Instalment == 0 {
			// An instalment's workflow loads its own view of the invoice.
			inv.Number, inv.Customer, inv.Currency, inv.Balance, inv.DueDate = c.Number, c.Customer, c.Currency, c.Balance, c.DueDate
			c.Invoice = inv
		}
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("select due invoices of %s: %w", co.code, err)
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
