package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// ProposalLine is an invoice whose next letter falls due by the proposal's
// date (seed 001: "proposition de relance").
type ProposalLine struct {
	InvoiceID    int64
	Instalment   int // the instalment's sequence, 0 for a whole invoice
	Customer     string
	CustomerName string
	Business     bool
	Emails       []string
	Address      []string
	Number       string
	DueDate      calendar.Date
	Balance      decimal.Decimal
	Currency     string
	NextLevel    string
	Position     int  // the next level's rank in the ladder
	ClaimFees    bool // the next level claims fees
}

// ProposalLines returns the active dunnings of company whose next letter is
// due on or before day (in the company's time zone), by customer.
func (s *Store) ProposalLines(ctx context.Context, company string, day calendar.Date) ([]ProposalLine, error) {
	// Instalments dunned on their own are listed as FA0042#2 (the suffix of
	// their workflow ID, so operator actions reach them by that number).
	rows, err := s.Pool.Query(ctx, `
		SELECT i.id, x.seq, cu.code, cu.name, cu.kind = 'business', cu.emails, cu.address_lines, x.number, x.due_date, x.balance,
		       i.currency, x.next_level, COALESCE(l.position, 0), COALESCE(l.claim_fees, false)
		FROM (
		    SELECT i.id, 0 AS seq, i.number, i.due_date, i.balance_due AS balance, i.dunning_next_level AS next_level,
		           i.dunning_status AS status, i.next_action_at
		    FROM invoices i
		    UNION ALL
		    SELECT n.invoice_id, n.seq, i.number || '#' || n.seq, n.due_date, n.balance_due, n.dunning_next_level,
		           n.dunning_status, n.next_action_at
		    FROM instalments n JOIN invoices i ON i.id = n.invoice_id
		) x
		JOIN invoices i ON i.id = x.id JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		LEFT JOIN ladder_levels l ON l.company_id = c.id AND l.code = x.next_level
		WHERE c.code = $1 AND x.status = 'active' AND x.balance > 0 AND NOT i.closed
		  AND (x.next_action_at AT TIME ZONE c.time_zone)::date <= $2
		ORDER BY cu.code, x.due_date, x.number`, company, day)
	if err != nil {
		return nil, fmt.Errorf("proposal of %s for %s: %w", company, day, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProposalLine, error) {
		var p ProposalLine
		err := r.Scan(&p.InvoiceID, &p.Instalment, &p.Customer, &p.CustomerName, &p.Business, &p.Emails, &p.Address, &p.Number, &p.DueDate,
			&p.Balance, &p.Currency, &p.NextLevel, &p.Position, &p.ClaimFees)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("proposal of %s for %s: %w", company, day, err)
	}
	return out, nil
}

// UntickMark is the start of the pause reason an untick in the proposal
// gives (followed by the day, dd/mm/yyyy): UntickedLines finds the
// invoices it paused by it.
const UntickMark = "décochée dans la proposition du "

// UntickedLines returns the invoices of company that an untick in the
// proposal of day paused (their latest pause says UntickMark and the day),
// by customer, so that the proposal keeps them visible and lets them be
// ticked again.
func (s *Store) UntickedLines(ctx context.Context, company string, day calendar.Date) ([]ProposalLine, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT i.id, 0, cu.code, cu.name, cu.kind = 'business', cu.emails, cu.address_lines, i.number, i.due_date, i.balance_due,
		       i.currency, coalesce(i.dunning_next_level, ''), COALESCE(l.position, 0), COALESCE(l.claim_fees, false)
		FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		LEFT JOIN ladder_levels l ON l.company_id = c.id AND l.code = i.dunning_next_level
		WHERE c.code = $1 AND i.dunning_status = 'paused' AND i.balance_due > 0 AND NOT i.closed
		  AND (SELECT h.detail FROM history h WHERE h.invoice_id = i.id AND h.kind = 'paused' ORDER BY h.at DESC, h.id DESC LIMIT 1)
		      LIKE '%' || $2 || '%'
		ORDER BY cu.code, i.due_date, i.number`, company, UntickMark+day.French())
	if err != nil {
		return nil, fmt.Errorf("unticked of %s for %s: %w", company, day, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProposalLine, error) {
		var p ProposalLine
		err := r.Scan(&p.InvoiceID, &p.Instalment, &p.Customer, &p.CustomerName, &p.Business, &p.Emails, &p.Address, &p.Number, &p.DueDate,
			&p.Balance, &p.Currency, &p.NextLevel, &p.Position, &p.ClaimFees)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("unticked of %s for %s: %w", company, day, err)
	}
	return out, nil
}
