package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/calendar"
	"github.com/shopspring/decimal"
)

// ProposalLine is an invoice whose next letter falls due by the proposal's
// date (seed 001: "proposition de relance").
type ProposalLine struct {
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
	rows, err := s.Pool.Query(ctx, `
		SELECT cu.code, cu.name, cu.kind = 'business', cu.emails, cu.address_lines, i.number, i.due_date, i.balance_due,
		       i.currency, i.dunning_next_level, COALESCE(l.position, 0), COALESCE(l.claim_fees, false)
		FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id
		LEFT JOIN ladder_levels l ON l.company_id = c.id AND l.code = i.dunning_next_level
		WHERE c.code = $1 AND i.dunning_status = 'active' AND i.balance_due > 0 AND NOT i.closed
		  AND (i.next_action_at AT TIME ZONE c.time_zone)::date <= $2
		ORDER BY cu.code, i.due_date, i.number`, company, day)
	if err != nil {
		return nil, fmt.Errorf("proposal of %s for %s: %w", company, day, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProposalLine, error) {
		var p ProposalLine
		err := r.Scan(&p.Customer, &p.CustomerName, &p.Business, &p.Emails, &p.Address, &p.Number, &p.DueDate,
			&p.Balance, &p.Currency, &p.NextLevel, &p.Position, &p.ClaimFees)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("proposal of %s for %s: %w", company, day, err)
	}
	return out, nil
}
