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

// InvalidError is a refusal of input: Reason is the rule's own words (a
// messages.Problem when the rule has a code), without the context of the
// call that met it. It matches ErrInvalid and, through Reason, the
// Problem, so that a door says the reason with errors.As rather than by
// cutting the error's text.
type InvalidError struct {
	Reason error
}

// Error returns "invalid: " and the reason.
func (e *InvalidError) Error() string { return ErrInvalid.Error() + ": " + e.Reason.Error() }

// Unwrap makes an InvalidError match ErrInvalid and its reason.
func (e *InvalidError) Unwrap() []error { return []error{ErrInvalid, e.Reason} }

// Invalid returns reason as a refusal of input.
func Invalid(reason error) error { return &InvalidError{Reason: reason} }

// Invalidf returns a refusal of input whose reason is formatted as by
// fmt.Errorf.
func Invalidf(format string, args ...any) error { return Invalid(fmt.Errorf(format, args...)) }

// ReasonOf returns the rule's own words of a refusal of input (the
// InvalidError in err's chain), and false when err holds none.
func ReasonOf(err error) (error, bool) {
	var ie *InvalidError
	if errors.As(err, &ie) && ie.Reason != nil {
		return ie.Reason, true
	}
	return nil, false
}

// ReasonText returns the reason of a refusal of input (ReasonOf, or the
// rule a PasswordError names) in English, or err's text when it holds
// neither.
func ReasonText(err error) string {
	if reason, ok := ReasonOf(err); ok {
		return reason.Error()
	}
	var pe *PasswordError
	if errors.As(err, &pe) {
		return pe.Rule()
	}
	return err.Error()
}
