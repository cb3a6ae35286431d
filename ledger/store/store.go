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
	return OpenPool(ctx, url, 0)
}

// OpenPool is Open with a pool of at most maxConns connections (0: pgx's
// default, the larger of 4 and the number of CPUs). A worker matches it to
// its activity slots.
func OpenPool(ctx context.Context, url string, maxConns int) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = int32(maxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
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
