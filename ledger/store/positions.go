package store

import (
	"context"
	"fmt"

	"github.com/relance/relance/domain/calendar"
)

// AttachPositions sets CustomerBalance and CustomerOwed on each row: its
// customer's Position on day in the row's currency, by the one definition
// of "owed" the letters and the customer record use (StatementOf, then
// Statement.Position). Every customer and currency is read once, so the
// Relances list, its export and the customer record show the same
// figures.
func (s *Store) AttachPositions(ctx context.Context, company string, rows []InvoiceRow, day calendar.Date) error {
	type key struct{ customer, currency string }
	positions := map[key]Position{}
	ids := map[string]int64{}
	for i := range rows {
		k := key{rows[i].Customer, rows[i].Currency}
		p, ok := positions[k]
		if !ok {
			id, found := ids[k.customer]
			if !found {
				err := s.Pool.QueryRow(ctx, `SELECT cu.id FROM customers cu JOIN companies c ON c.id = cu.company_id
					WHERE c.code = $1 AND cu.code = $2`, company, k.customer).Scan(&id)
				if err != nil {
					return fmt.Errorf("position of customer %s of %s: %w", k.customer, company, err)
				}
				ids[k.customer] = id
			}
			st, err := s.StatementOf(ctx, id, k.currency)
			if err != nil {
				return fmt.Errorf("position of customer %s of %s: %w", k.customer, company, err)
			}
			p = st.Position(day)
			positions[k] = p
		}
		open, owed := p.Open, p.Owed
		rows[i].CustomerBalance, rows[i].CustomerOwed = &open, &owed
	}
	return nil
}
