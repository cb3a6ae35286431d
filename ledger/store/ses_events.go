package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/letters/confirm"
)

// RecordSESEvent keeps an SES event received through SNS, once per
// message and event type (SNS may deliver it again).
func (s *Store) RecordSESEvent(ctx context.Context, e confirm.Event) error {
	var at *time.Time
	if !e.At.IsZero() {
		at = &e.At
	}
	_, err := s.Pool.Exec(ctx, `
		INSERT INTO ses_events (message_id, event_type, reference, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (message_id, event_type) DO NOTHING`, e.MessageID, e.Type, e.Reference, at)
	if err != nil {
		return fmt.Errorf("record SES %s event of %s: %w", e.Type, e.MessageID, err)
	}
	return nil
}

// SESEventsOf returns the SES events recorded for a letter reference,
// oldest first.
func (s *Store) SESEventsOf(ctx context.Context, reference string) ([]confirm.Event, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT message_id, event_type, reference, COALESCE(at, received_at) FROM ses_events
		WHERE reference = $1 ORDER BY id`, reference)
	if err != nil {
		return nil, fmt.Errorf("SES events of %s: %w", reference, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (confirm.Event, error) {
		var e confirm.Event
		return e, r.Scan(&e.MessageID, &e.Type, &e.Reference, &e.At)
	})
	if err != nil {
		return nil, fmt.Errorf("SES events of %s: %w", reference, err)
	}
	return out, nil
}
