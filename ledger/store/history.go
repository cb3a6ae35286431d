package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/dunning"
)

// RecordEvents mirrors workflow events into the history table and the
// workflow's position into the invoice row. Events are keyed by (workflow
// ID, sequence), so writing the same events again (an activity retry, a
// replay) changes nothing.
func (s *Store) RecordEvents(ctx context.Context, invoiceID int64, workflowID string, events []dunning.Event, at dunning.Snapshot) error {
	return s.RecordItemEvents(ctx, invoiceID, 0, workflowID, events, at)
}

// RecordItemEvents is RecordEvents for instalment seq of the invoice (the
// invoice itself when seq is 0): the position goes to the instalment's row.
func (s *Store) RecordItemEvents(ctx context.Context, invoiceID int64, seq int, workflowID string, events []dunning.Event, at dunning.Snapshot) error {
	batch := &pgx.Batch{}
	var next *time.Time
	if !at.NextActionAt.IsZero() {
		next = &at.NextActionAt
	}
	if seq == 0 {
		batch.Queue(`UPDATE invoices SET dunning_status = $2, dunning_level = $3, dunning_next_level = $4, next_action_at = $5
			WHERE id = $1`, invoiceID, string(at.Status), at.Level, at.NextLevel, next)
	} else {
		batch.Queue(`UPDATE instalments SET dunning_status = $3, dunning_level = $4, dunning_next_level = $5, next_action_at = $6
			WHERE invoice_id = $1 AND seq = $2`, invoiceID, seq, string(at.Status), at.Level, at.NextLevel, next)
	}
	for _, e := range events {
		batch.Queue(`
			INSERT INTO history (invoice_id, instalment, workflow_id, seq, at, kind, level_code, detail, actor)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (workflow_id, seq) DO NOTHING`,
			invoiceID, seq, workflowID, e.Seq, e.At, string(e.Kind), e.Level, e.Detail, e.Actor)
	}
	queueDunningEvents(batch, invoiceID, seq, events)
	if err := s.Pool.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("record %d history events of %s: %w", len(events), workflowID, err)
	}
	return nil
}

// HistoryRow is one line of an invoice's history.
type HistoryRow struct {
	Seq    int
	At     time.Time
	Kind   string
	Level  string
	Detail string
	Actor  string
}

// History returns an invoice's history, oldest first.
func (s *Store) History(ctx context.Context, invoiceID int64) ([]HistoryRow, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT seq, at, kind, level_code, detail, actor FROM history
		WHERE invoice_id = $1 ORDER BY at, workflow_id, seq`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("load history of invoice id %d: %w", invoiceID, err)
	}
	h, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HistoryRow, error) {
		var h HistoryRow
		err := r.Scan(&h.Seq, &h.At, &h.Kind, &h.Level, &h.Detail, &h.Actor)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("load history of invoice id %d: %w", invoiceID, err)
	}
	return h, nil
}
