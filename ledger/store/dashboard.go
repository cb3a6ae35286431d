package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// Dashboard is what a finance team looks at to see how much is owed, how
// old it is, and whether the ladder works, for one company on one day.
// Amounts are in the company's invoices' currency (EUR in practice; other
// currencies are left out and counted in OtherCurrencies).
type Dashboard struct {
	Company         string
	On              calendar.Date
	Aging           []AgeBucket
	Levels          []LevelTotal
	Letters         []LetterDay
	AfterLevel      []LevelEffect
	Promises        []Promise
	DSO             []MonthDSO
	OtherCurrencies int
}

// AgeBucket is the amount owed on open invoices by days past due; the
// last bucket ("credits") holds the open credit notes and the payments on
// account, negative, so that the buckets add up to the customers'
// balances (Position.Open).
type AgeBucket struct {
	Label  string // "not due", "1-30", "31-60", "61-90", "over 90", "credits"
	Count  int
	Amount decimal.Decimal
}

// LevelTotal is the count and amount of open invoices at one dunning level
// (NONE before the first letter, UNRESOLVED past the last).
type LevelTotal struct {
	Level  string
	Count  int
	Amount decimal.Decimal
}

// LetterDay is the letters of one day by outcome (a customer letter counts
// once, whatever the number of invoices it lists).
type LetterDay struct {
	Day                                   calendar.Date
	Sent, Print, Uncertain, Failed, Other int
}

// LevelEffect says, for one level, how many invoices received its letter
// and how much was paid while it was the last letter sent: does R2 work
// better than R1?
type LevelEffect struct {
	Level      string
	Reminded   int             // invoices that received this level's letter
	PaidAfter  int             // of those, invoices with a payment while it was their last letter
	AmountPaid decimal.Decimal // the payments received while it was the last letter
}

// Promise is a promise to pay noted in the call log (seed 003).
type Promise struct {
	Customer string
	Name     string
	On       calendar.Date
	Amount   decimal.Decimal
}

// MonthDSO is the days sales outstanding at a month's end by the
// countback method: the receivables are matched against the sales of that
// month, then the month before, and so on, and the days they cover are
// counted.
type MonthDSO struct {
	Month       calendar.Date // first day of the month
	Receivables decimal.Decimal
	Days        decimal.Decimal
}

// AgeLabels are the aging buckets, in order.
var AgeLabels = []string{"not due", "1-30", "31-60", "61-90", "over 90", "credits"}

// openAt is every open item of company $1 as it stood at the end of day
// $2: today's balance plus the payments dated after $2 (less what they
// overpaid), for the invoices and credit notes issued by then; the one
// reading of the ledger behind the aging, the levels and the DSO.
const openAt = `
	SELECT i.id, i.kind, i.due_date, i.dunning_level, i.dunning_status,
	       i.balance_due + coalesce((SELECT sum(p.amount - p.overpaid) FROM payments p
	                                 WHERE p.invoice_id = i.id AND p.paid_on > $2), 0) AS balance
	FROM invoices i
	WHERE i.company_id = $1 AND i.currency = 'EUR' AND NOT i.closed AND (i.issue_date IS NULL OR i.issue_date <= $2)`

// unappliedAt is the payments on account of company $1 received by day $2.
const unappliedAt = `
	SELECT count(*), coalesce(sum(p.overpaid), 0) FROM payments p JOIN invoices i ON i.id = p.invoice_id
	WHERE i.company_id = $1 AND i.currency = 'EUR' AND p.overpaid > 0 AND p.paid_on <= $2`

// CompanyDashboard computes the dashboard of company on day on (its letters
// over the 30 days up to on, promises of on's week, DSO of the 12 months
// ending with on's month).
func (s *Store) CompanyDashboard(ctx context.Context, company string, on calendar.Date) (Dashboard, error) {
	d := Dashboard{Company: company, On: on}
	var id int64
	if err := s.Pool.QueryRow(ctx, `SELECT id FROM companies WHERE code = $1`, company).Scan(&id); err != nil {
		if err == pgx.ErrNoRows {
			return d, fmt.Errorf("company %s: %w", company, ErrNotFound)
		}
		return d, fmt.Errorf("dashboard of %s: %w", company, err)
	}
	steps := []func(context.Context, int64, *Dashboard) error{
		s.dashAging, s.dashLevels, s.dashLetters, s.dashAfterLevel, s.dashPromises, s.dashDSO,
	}
	for _, step := range steps {
		if err := step(ctx, id, &d); err != nil {
			return d, fmt.Errorf("dashboard of %s: %w", company, err)
		}
	}
	return d, nil
}

func (s *Store) dashAging(ctx context.Context, id int64, d *Dashboard) error {
	d.Aging = make([]AgeBucket, len(AgeLabels))
	for i, l := range AgeLabels {
		d.Aging[i] = AgeBucket{Label: l, Amount: decimal.Zero}
	}
	rows, err := s.Pool.Query(ctx, `
		WITH items AS (`+openAt+`)
		SELECT CASE WHEN kind = 'credit_note' OR balance < 0 THEN 5
		            WHEN due_date IS NULL OR due_date >= $2 THEN 0
		            WHEN $2 - due_date <= 30 THEN 1
		            WHEN $2 - due_date <= 60 THEN 2
		            WHEN $2 - due_date <= 90 THEN 3 ELSE 4 END AS bucket,
		       count(*), sum(balance)
		FROM items WHERE balance <> 0
		GROUP BY 1`, id, on(d))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b, n int
		var amt decimal.Decimal
		if err := rows.Scan(&b, &n, &amt); err != nil {
			return err
		}
		d.Aging[b].Count, d.Aging[b].Amount = n, amt
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var n int
	var unapplied decimal.Decimal
	if err := s.Pool.QueryRow(ctx, unappliedAt, id, on(d)).Scan(&n, &unapplied); err != nil {
		return err
	}
	c := &d.Aging[len(d.Aging)-1]
	c.Count, c.Amount = c.Count+n, c.Amount.Sub(unapplied)
	return s.Pool.QueryRow(ctx, `SELECT count(*) FROM invoices
		WHERE company_id = $1 AND NOT closed AND balance_due <> 0 AND currency <> 'EUR'`, id).Scan(&d.OtherCurrencies)
}

func on(d *Dashboard) calendar.Date { return d.On }

func (s *Store) dashLevels(ctx context.Context, id int64, d *Dashboard) error {
	// An invoice that received no letter after the day is at the level the
	// workflow mirrors; one that did is at the level of the last letter it
	// had received by the end of that day.
	rows, err := s.Pool.Query(ctx, `
		WITH items AS (`+openAt+`),
		letters AS (
		    SELECT h.invoice_id, h.level_code, h.at,
		           (h.at AT TIME ZONE (SELECT time_zone FROM companies WHERE id = $1))::date AS day
		    FROM history h JOIN items ON items.id = h.invoice_id
		    WHERE h.kind IN ('letter_sent', 'letter_queued_print', 'letter_uncertain')
		)
		SELECT CASE WHEN EXISTS (SELECT 1 FROM letters l WHERE l.invoice_id = items.id AND l.day > $2) THEN
		                 coalesce((SELECT l.level_code FROM letters l WHERE l.invoice_id = items.id AND l.day <= $2
		                           ORDER BY l.at DESC LIMIT 1), 'NONE')
		            WHEN coalesce(dunning_status, '') = 'unresolved' THEN 'UNRESOLVED'
		            ELSE coalesce(nullif(dunning_level, ''), 'NONE') END AS level,
		       count(*), sum(balance)
		FROM items
		WHERE kind = 'invoice' AND balance > 0
		GROUP BY 1`, id, d.On)
	if err != nil {
		return err
	}
	totals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LevelTotal, error) {
		var t LevelTotal
		err := r.Scan(&t.Level, &t.Count, &t.Amount)
		return t, err
	})
	if err != nil {
		return err
	}
	order, err := s.levelOrder(ctx, id)
	if err != nil {
		return err
	}
	d.Levels = make([]LevelTotal, 0, len(order))
	for _, code := range order {
		t := LevelTotal{Level: code, Amount: decimal.Zero}
		for _, x := range totals {
			if x.Level == code {
				t = x
			}
		}
		d.Levels = append(d.Levels, t)
	}
	return nil
}

// levelOrder is NONE, the company's levels in ladder order, then
// UNRESOLVED.
func (s *Store) levelOrder(ctx context.Context, id int64) ([]string, error) {
	lad, err := s.Ladder(ctx, id)
	if err != nil {
		return nil, err
	}
	order := []string{"NONE"}
	for _, lv := range lad {
		order = append(order, lv.Code)
	}
	return append(order, "UNRESOLVED"), nil
}

func (s *Store) dashLetters(ctx context.Context, id int64, d *Dashboard) error {
	from := d.On.AddDays(-29)
	rows, err := s.Pool.Query(ctx, `
		WITH all_letters AS (
		    SELECT cl.created_at, cl.status FROM customer_letters cl JOIN customers cu ON cu.id = cl.customer_id
		    WHERE cu.company_id = $1
		    UNION ALL
		    SELECT l.created_at, l.status FROM letters l JOIN invoices i ON i.id = l.invoice_id
		    WHERE i.company_id = $1 AND l.customer_letter_id IS NULL
		)
		SELECT (created_at AT TIME ZONE (SELECT time_zone FROM companies WHERE id = $1))::date AS day, status, count(*)
		FROM all_letters
		WHERE created_at >= $2::date - interval '1 day' AND created_at < $3::date + interval '2 day'
		GROUP BY 1, 2 ORDER BY 1`, id, from, d.On)
	if err != nil {
		return err
	}
	defer rows.Close()
	byDay := map[calendar.Date]*LetterDay{}
	for rows.Next() {
		var dd calendar.Date
		var status string
		var n int
		if err := rows.Scan(&dd, &status, &n); err != nil {
			return err
		}
		if dd.Before(from) || d.On.Before(dd) {
			continue
		}
		ld := byDay[dd]
		if ld == nil {
			ld = &LetterDay{Day: dd}
			byDay[dd] = ld
		}
		switch status {
		case "sent":
			ld.Sent += n
		case "queued_print":
			ld.Print += n
		case "uncertain":
			ld.Uncertain += n
		case "failed":
			ld.Failed += n
		default:
			ld.Other += n
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for day := from; !d.On.Before(day); day = day.AddDays(1) {
		if ld := byDay[day]; ld != nil {
			d.Letters = append(d.Letters, *ld)
		} else {
			d.Letters = append(d.Letters, LetterDay{Day: day})
		}
	}
	return nil
}

func (s *Store) dashAfterLevel(ctx context.Context, id int64, d *Dashboard) error {
	rows, err := s.Pool.Query(ctx, `
		WITH sent AS (
		    SELECT h.invoice_id, h.level_code, h.at FROM history h JOIN invoices i ON i.id = h.invoice_id
		    WHERE i.company_id = $1 AND h.kind IN ('letter_sent', 'letter_queued_print', 'letter_uncertain')
		      AND (h.at AT TIME ZONE (SELECT time_zone FROM companies WHERE id = $1))::date <= $2
		),
		reminded AS (
		    SELECT level_code, count(DISTINCT invoice_id) AS n FROM sent GROUP BY 1
		),
		paid AS (
		    SELECT p.invoice_id, p.amount,
		           (SELECT s.level_code FROM sent s WHERE s.invoice_id = p.invoice_id AND s.at <= p.recorded_at
		            ORDER BY s.at DESC LIMIT 1) AS level_code
		    FROM payments p JOIN invoices i ON i.id = p.invoice_id
		    WHERE i.company_id = $1 AND p.paid_on <= $2
		)
		SELECT r.level_code, r.n, count(DISTINCT p.invoice_id), coalesce(sum(p.amount), 0)
		FROM reminded r LEFT JOIN paid p ON p.level_code = r.level_code
		GROUP BY r.level_code, r.n`, id, d.On)
	if err != nil {
		return err
	}
	effects, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LevelEffect, error) {
		var e LevelEffect
		err := r.Scan(&e.Level, &e.Reminded, &e.PaidAfter, &e.AmountPaid)
		return e, err
	})
	if err != nil {
		return err
	}
	order, err := s.levelOrder(ctx, id)
	if err != nil {
		return err
	}
	for _, code := range order {
		for _, e := range effects {
			if e.Level == code {
				d.AfterLevel = append(d.AfterLevel, e)
			}
		}
	}
	return nil
}

func (s *Store) dashPromises(ctx context.Context, id int64, d *Dashboard) error {
	wd := int(d.On.UTC().Weekday()+6) % 7 // days since Monday
	monday := d.On.AddDays(-wd)
	rows, err := s.Pool.Query(ctx, `
		SELECT cu.code, cu.name, c.promised_on, coalesce(c.promised_amount, 0)
		FROM customer_calls c JOIN customers cu ON cu.id = c.customer_id
		WHERE cu.company_id = $1 AND c.deleted_at IS NULL AND c.promised_on BETWEEN $2 AND $3
		ORDER BY c.promised_on, cu.code`, id, monday, monday.AddDays(6))
	if err != nil {
		return err
	}
	d.Promises, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Promise, error) {
		var p Promise
		err := r.Scan(&p.Customer, &p.Name, &p.On, &p.Amount)
		return p, err
	})
	return err
}

// dashDSO computes the countback DSO at the end of each of the 12 months
// ending with d.On's month (the current month ends on d.On). The
// receivables at a past date are today's balances of the invoices and
// credit notes issued by then plus the payments recorded in relance after
// it: payments made outside relance before today are taken as made today.
func (s *Store) dashDSO(ctx context.Context, id int64, d *Dashboard) error {
	first := calendar.New(d.On.Year, d.On.Month, 1)
	ends := make([]calendar.Date, 12)
	for i := range ends {
		m := monthsBefore(first, 11-i)
		ends[i] = monthsBefore(m, -1).AddDays(-1)
		if i == 11 {
			ends[i] = d.On
		}
	}
	salesFrom := monthsBefore(first, 23)
	rows, err := s.Pool.Query(ctx, `
		SELECT date_trunc('month', issue_date)::date, sum(amount)
		FROM invoices WHERE company_id = $1 AND kind = 'invoice' AND currency = 'EUR' AND issue_date >= $2 AND issue_date <= $3
		GROUP BY 1`, id, salesFrom, d.On)
	if err != nil {
		return err
	}
	sales := map[calendar.Date]decimal.Decimal{}
	defer rows.Close()
	for rows.Next() {
		var m calendar.Date
		var amt decimal.Decimal
		if err := rows.Scan(&m, &amt); err != nil {
			return err
		}
		sales[m] = amt
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, end := range ends {
		var recv decimal.Decimal
		err := s.Pool.QueryRow(ctx, `
			SELECT coalesce((SELECT sum(balance_due) FROM invoices
			                 WHERE company_id = $1 AND currency = 'EUR' AND NOT closed AND issue_date <= $2), 0)
			     + coalesce((SELECT sum(p.amount - p.overpaid) FROM payments p JOIN invoices i ON i.id = p.invoice_id
			                 WHERE i.company_id = $1 AND i.currency = 'EUR' AND i.issue_date <= $2 AND p.paid_on > $2), 0)
			     - coalesce((SELECT sum(p.overpaid) FROM payments p JOIN invoices i ON i.id = p.invoice_id
			                 WHERE i.company_id = $1 AND i.currency = 'EUR' AND p.overpaid > 0 AND p.paid_on <= $2), 0)`,
			id, end).Scan(&recv)
		if err != nil {
			return err
		}
		d.DSO = append(d.DSO, MonthDSO{Month: calendar.New(end.Year, end.Month, 1), Receivables: recv, Days: countback(recv, end, sales)})
	}
	return nil
}

// countback matches receivables against the sales of end's month (up to
// end), then of the months before, and returns the days covered.
func countback(recv decimal.Decimal, end calendar.Date, sales map[calendar.Date]decimal.Decimal) decimal.Decimal {
	days := decimal.Zero
	if recv.Sign() <= 0 {
		return days
	}
	m := calendar.New(end.Year, end.Month, 1)
	for i := 0; i < 12; i++ {
		length := monthsBefore(m, -1).AddDays(-1).Day
		if i == 0 {
			length = end.Day
		}
		sold := sales[m]
		if sold.Sign() > 0 && recv.LessThanOrEqual(sold) {
			return days.Add(recv.Div(sold).Mul(decimal.NewFromInt(int64(length)))).Round(1)
		}
		recv = recv.Sub(sold)
		days = days.Add(decimal.NewFromInt(int64(length)))
		m = monthsBefore(m, 1)
	}
	return days
}

// monthsBefore returns the first day of the month n months before first
// (after it when n is negative).
func monthsBefore(first calendar.Date, n int) calendar.Date {
	t := time.Date(first.Year, first.Month-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return calendar.New(t.Year(), t.Month(), 1)
}
