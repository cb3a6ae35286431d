package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ThrottleState keeps the state of the doors' rate limiter (package
// throttle) in PostgreSQL, so that every server process counts the same
// failures. It implements throttled's GCRAStoreCtx: a value per key with
// a time to live, read with the store's clock and changed by
// compare-and-swap.
type ThrottleState struct {
	s   *Store
	now func() time.Time
}

// ThrottleState returns the doors' limiter state. now is the clock of the
// limiter; nil means the database's clock, which every process shares.
func (s *Store) ThrottleState(now func() time.Time) *ThrottleState {
	return &ThrottleState{s: s, now: now}
}

func (t *ThrottleState) clock(ctx context.Context) (time.Time, error) {
	if t.now != nil {
		return t.now(), nil
	}
	var now time.Time
	if err := t.s.Pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&now); err != nil {
		return now, fmt.Errorf("throttle clock: %w", err)
	}
	return now, nil
}

// GetWithTime returns the value of key (-1 when absent or expired) and the
// limiter's current time.
func (t *ThrottleState) GetWithTime(ctx context.Context, key string) (int64, time.Time, error) {
	now, err := t.clock(ctx)
	if err != nil {
		return 0, now, err
	}
	var tat int64
	err = t.s.Pool.QueryRow(ctx, `SELECT tat FROM door_throttle WHERE key = $1 AND expires_at > $2`, key, now).Scan(&tat)
	if errors.Is(err, pgx.ErrNoRows) {
		return -1, now, nil
	}
	if err != nil {
		return 0, now, fmt.Errorf("throttle state of %s: %w", key, err)
	}
	return tat, now, nil
}

// SetIfNotExistsWithTTL sets key to value unless a live value is there,
// and reports whether it did.
func (t *ThrottleState) SetIfNotExistsWithTTL(ctx context.Context, key string, value int64, ttl time.Duration) (bool, error) {
	now, err := t.clock(ctx)
	if err != nil {
		return false, err
	}
	tag, err := t.s.Pool.Exec(ctx, `
		INSERT INTO door_throttle (key, tat, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET tat = EXCLUDED.tat, expires_at = EXCLUDED.expires_at
		WHERE door_throttle.expires_at <= $4`, key, value, now.Add(keep(ttl)), now)
	if err != nil {
		return false, fmt.Errorf("set throttle state of %s: %w", key, err)
	}
	// The expired rows of other keys go now and then.
	if value%16 == 0 {
		_, _ = t.s.Pool.Exec(ctx, `DELETE FROM door_throttle WHERE expires_at < $1`, now.Add(-time.Hour))
	}
	return tag.RowsAffected() == 1, nil
}

// CompareAndSwapWithTTL sets key to value when it still holds old, and
// reports whether it did.
func (t *ThrottleState) CompareAndSwapWithTTL(ctx context.Context, key string, old, value int64, ttl time.Duration) (bool, error) {
	now, err := t.clock(ctx)
	if err != nil {
		return false, err
	}
	tag, err := t.s.Pool.Exec(ctx, `UPDATE door_throttle SET tat = $3, expires_at = $4
		WHERE key = $1 AND tat = $2 AND expires_at > $5`, key, old, value, now.Add(keep(ttl)), now)
	if err != nil {
		return false, fmt.Errorf("set throttle state of %s: %w", key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Forget drops key (a success clears the failures it counted).
func (t *ThrottleState) Forget(ctx context.Context, key string) error {
	if _, err := t.s.Pool.Exec(ctx, `DELETE FROM door_throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("forget throttle state of %s: %w", key, err)
	}
	return nil
}

// keep is how long a value lives: its TTL, at least a second so that a
// value just set is read back.
func keep(ttl time.Duration) time.Duration {
	if ttl < time.Second {
		return time.Second
	}
	return ttl
}
