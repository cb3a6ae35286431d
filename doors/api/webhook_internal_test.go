package api

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestPermanentErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "22003"}, true},  // numeric value out of range
		{&pgconn.PgError{Code: "22021"}, true},  // invalid byte sequence (NUL)
		{&pgconn.PgError{Code: "23514"}, true},  // check constraint
		{&pgconn.PgError{Code: "08006"}, false}, // connection failure
		{&pgconn.PgError{Code: "40001"}, false}, // serialization failure
		{&pgconn.PgError{Code: "57P01"}, false}, // admin shutdown
		{errors.New("dial tcp: connection refused"), false},
		{fmt.Errorf("record payment: %w", &pgconn.PgError{Code: "22P05"}), true},
	}
	for _, tt := range tests {
		if got := permanent(tt.err); got != tt.want {
			t.Errorf("permanent(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
