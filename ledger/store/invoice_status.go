package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/dunning"
)

// SetInvoiceStatus gives one invoice a reminder status from the company's
// table (seed 004's "Modifier le statut de relance" of an invoice), or
// clears it (code ""). It returns the status the invoice had. A blocking
// status (litigation, do-not-remind) holds the invoice's dunning once the
// workflow looks again (a recheck); the others are informational.
func (s *Store) SetInvoiceStatus(ctx context.Context, company, number, code string) (previous string, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id, companyID int64
		var current *string
		err := tx.QueryRow(ctx, `
			SELECT i.id, c.id, i.reminder_status FROM invoices i JOIN companies c ON c.id = i.company_id
			WHERE c.code = $1 AND i.number = $2 FOR UPDATE OF i`, company, number).Scan(&id, &companyID, &current)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("invoice %s of %s: %w", number, company, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if current != nil {
			previous = *current
		}
		if code != "" {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reminder_statuses WHERE company_id = $1 AND code = $2)`,
				companyID, code).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return Invalid(NoStatus.With(strconv.Quote(code), company))
			}
		}
		_, err = tx.Exec(ctx, `UPDATE invoices SET reminder_status = NULLIF($2, '') WHERE id = $1`, id, code)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("set status of invoice %s: %w", number, err)
	}
	return previous, nil
}

// OpenWorkflowsOfInvoice lists the IDs of an invoice's running dunning
// workflows: the invoice's own, or one per instalment of an invoice
// dunned by instalment.
func (s *Store) OpenWorkflowsOfInvoice(ctx context.Context, company, number string) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT 0 FROM invoices i JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.number = $2 AND i.dunning_status IN ('active', 'held', 'paused', 'unresolved')
		UNION ALL
		SELECT n.seq FROM instalments n JOIN invoices i ON i.id = n.invoice_id JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.number = $2 AND n.dunning_status IN ('active', 'held', 'paused', 'unresolved')
		ORDER BY 1`, company, number)
	if err != nil {
		return nil, fmt.Errorf("open dunnings of invoice %s: %w", number, err)
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("open dunnings of invoice %s: %w", number, err)
	}
	out := make([]string, 0, len(seqs))
	for _, seq := range seqs {
		if seq > 0 {
			out = append(out, dunning.InstalmentWorkflowID(company, number, seq))
		} else {
			out = append(out, dunning.WorkflowID(company, number))
		}
	}
	return out, nil
}
