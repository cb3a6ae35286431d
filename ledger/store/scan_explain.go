package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/relance/relance/domain/calendar"
)

// ExplainDue runs EXPLAIN (ANALYZE, BUFFERS) on the scan's selection of
// company on working date on: the first batch of limit dated invoices, as
// EachDueInvoice reads it, or the whole selection in one query when limit
// is 0. It returns the plan's text, for the bench and for operators
// checking that the index is used.
func (s *Store) ExplainDue(ctx context.Context, company string, on calendar.Date, limit int) (string, error) {
	co, err := s.scanCompany(ctx, company)
	if err != nil {
		return "", err
	}
	q := dueSelect + ` AND i.due_date <= $2 AND (i.due_date, i.number) > ($3, $4) ORDER BY i.due_date, i.number`
	args := []any{co.id, on, calendar.New(1, 1, 1), ""}
	if limit > 0 {
		q += ` LIMIT $5`
		args = append(args, limit)
	}
	rows, err := s.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q, args...)
	if err != nil {
		return "", fmt.Errorf("explain the scan of %s: %w", company, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", fmt.Errorf("explain the scan of %s: %w", company, err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("explain the scan of %s: %w", company, err)
	}
	return strings.Join(lines, "\n"), nil
}
