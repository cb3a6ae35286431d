// Package schema owns the PostgreSQL schema: SQL migrations embedded in the
// binaries and applied with goose when a program starts.
package schema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies every migration not yet applied. It is safe to call from
// several processes at once: goose takes a PostgreSQL advisory lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return migrate(ctx, db)
}

// MigrateUnshared is Migrate for a schema that no other process uses yet
// (a test's fresh schema, named in the pool's search_path): it takes no
// advisory lock. That lock is one for the whole database and, when taken,
// is asked for again only every 5 s, so parallel tests migrating their own
// schemas would wait on each other for nothing.
func MigrateUnshared(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return up(ctx, db)
}

func migrate(ctx context.Context, db *sql.DB) error {
	locker, err := lockerFor()
	if err != nil {
		return err
	}
	return up(ctx, db, goose.WithSessionLocker(locker))
}

// up applies the migrations not yet applied.
func up(ctx context.Context, db *sql.DB, opts ...goose.ProviderOption) error {
	p, err := goose.NewProvider(goose.DialectPostgres, db, mustSub(), opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

func lockerFor() (lock.SessionLocker, error) {
	l, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return l, nil
}

func mustSub() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	return sub
}
