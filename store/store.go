// Package store is relance's access to PostgreSQL: companies, customers,
// invoices, payments, ladders, letters and the history mirror. Every query
// lives here; callers get plain Go values.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/relance/relance/schema"
)

// ErrNotFound is returned (wrapped) when a named record does not exist.
var ErrNotFound = errors.New("not found")

// ErrInvalid is returned (wrapped) when input breaks a rule: retrying the
// same input will not help.
var ErrInvalid = errors.New("invalid")

// Store reads and writes relance's tables.
type Store struct {
	Pool *pgxpool.Pool
}

// Open connects to url, applies pending migrations and returns the store.
func Open(ctx context.Context, url string) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := schema.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{Pool: pool}, nil
}

// Close releases the connections.
func (s *Store) Close() { s.Pool.Close() }
