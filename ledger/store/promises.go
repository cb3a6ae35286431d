package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
)

// BrokenPromise is a promise to pay a customer made on its page that
// passed without the payment.
type BrokenPromise struct {
	AnswerID int64
	Until    calendar.Date // the date promised
	Invoices []string      // numbers of the promised invoices still owed
}

// BrokenPromiseOf returns the latest promise of customer customerID whose
// date is before day, with at least one of its invoices (all the
// customer's, when it named none) still owed, and no letter to the
// customer sent or queued for print after that date (the next letter
// names it, the ones after do not); ok is false when there is none.
func (s *Store) BrokenPromiseOf(ctx context.Context, customerID int64, day calendar.Date) (BrokenPromise, bool, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT a.id, a.until,
		       ARRAY(SELECT i.number FROM invoices i
		             WHERE i.customer_id = a.customer_id AND i.kind = 'invoice' AND NOT i.closed AND i.balance_due > 0
		               AND (cardinality(a.invoice_ids) = 0 OR i.id = ANY(a.invoice_ids))
		             ORDER BY i.number)
		FROM customer_answers a JOIN companies co ON co.id = a.company_id
		WHERE a.customer_id = $1 AND a.kind = 'promise' AND a.until IS NOT NULL AND a.until < $2::date
		  AND NOT EXISTS (SELECT 1 FROM customer_letters cl WHERE cl.customer_id = a.customer_id
		                  AND cl.status IN ('sent', 'queued_print')
		                  AND cl.sent_at >= (a.until + 1)::timestamp AT TIME ZONE co.time_zone)
		ORDER BY a.until DESC, a.id DESC
		LIMIT 5`, customerID, day)
	if err != nil {
		return BrokenPromise{}, false, fmt.Errorf("broken promises of customer %d: %w", customerID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BrokenPromise, error) {
		var p BrokenPromise
		err := r.Scan(&p.AnswerID, &p.Until, &p.Invoices)
		return p, err
	})
	if err != nil {
		return BrokenPromise{}, false, fmt.Errorf("broken promises of customer %d: %w", customerID, err)
	}
	for _, p := range list {
		if len(p.Invoices) > 0 {
			return p, true, nil
		}
	}
	return BrokenPromise{}, false, nil
}
