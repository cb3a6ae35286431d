package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// UndeliverableByCustomer returns, for the customers codes of company,
// the addresses of each that SES reported as bouncing or complaining
// (customer code → addresses, in the order of the customer's list);
// customers without any are left out.
func (s *Store) UndeliverableByCustomer(ctx context.Context, company string, codes []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(codes) == 0 {
		return out, nil
	}
	rows, err := s.Pool.Query(ctx, `
		SELECT cu.code, e FROM customers cu JOIN companies c ON c.id = cu.company_id,
		       unnest(cu.emails) WITH ORDINALITY AS x(e, n)
		WHERE c.code = $1 AND cu.code = ANY($2)
		  AND lower(trim(e)) IN (SELECT email FROM undeliverable_addresses)
		ORDER BY cu.code, n`, company, codes)
	if err != nil {
		return nil, fmt.Errorf("undeliverable addresses of %s: %w", company, err)
	}
	var code, email string
	if _, err := pgx.ForEachRow(rows, []any{&code, &email}, func() error {
		out[code] = append(out[code], email)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("undeliverable addresses of %s: %w", company, err)
	}
	return out, nil
}
