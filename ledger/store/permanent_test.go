package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestPermanent(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("record: %w", &pgconn.PgError{Code: "22003"}), true}, // numeric field overflow
		{&pgconn.PgError{Code: "22021"}, true},                           // invalid byte sequence (NUL)
		{&pgconn.PgError{Code: "23505"}, true},                           // unique violation
		{&pgconn.PgError{Code: "40001"}, false},                          // serialization failure: retry
		{&pgconn.PgError{Code: "57P01"}, false},                          // admin shutdown
		{fmt.Errorf("x: %w", ErrInvalid), true},
		{fmt.Errorf("x: %w", ErrNotFound), true},
		{&PaymentConflict{}, true},
		{context.DeadlineExceeded, false},
		{errors.New("connection refused"), false},
	}
	for _, tt := range tests {
		if got := Permanent(tt.err); got != tt.want {
			t.Errorf("Permanent(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
