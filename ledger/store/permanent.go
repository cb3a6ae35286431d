package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Permanent reports whether err can never succeed on a retry: input that
// breaks a rule (ErrInvalid), unknown rows (ErrNotFound), a reused
// idempotency key (ErrConflict), or PostgreSQL refusing the data itself
// (SQLSTATE class 22, data exception: numeric overflow, a NUL in text;
// class 23, integrity constraint). Faults of the moment (the database
// unreachable, a serialization failure) are not permanent.
func Permanent(err error) bool {
	if errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return true
	}
	return RefusedByDatabase(err)
}

// RefusedByDatabase reports whether err is PostgreSQL refusing the data
// itself (SQLSTATE classes 22 and 23).
func RefusedByDatabase(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23"))
}

// notNull reports whether err is a NOT NULL violation of column (a
// reference looked up by code that found nothing).
func notNull(err error, column string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23502" && pe.ColumnName == column
}
