// Package dbtest gives each test its own PostgreSQL schema, migrated, in
// the test run's database, and drops it when the test ends.
//
// The database comes from RELANCE_TEST_DATABASE_URL (the test command gives
// each run its own), by default postgres://localhost:5432/relance_test,
// created when missing.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/schema"
)

// URL returns the test database's URL.
func URL() string {
	if u := os.Getenv("RELANCE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://localhost:5432/relance_test?sslmode=disable"
}

// New returns a store whose connections use a fresh, migrated schema that
// is dropped when the test ends, and the URL of that schema (its
// search_path set) for programs the test starts.
func New(t testing.TB) (*store.Store, string) {
	t.Helper()
	st, url, cleanup, err := Open(context.Background())
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(cleanup)
	return st, url
}

// Open is New for TestMain, where there is no testing.TB: call cleanup
// when done.
func Open(ctx context.Context) (st *store.Store, schemaURL string, cleanup func(), err error) {
	base := URL()
	if err := ensureDatabase(ctx, base); err != nil {
		return nil, "", nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "t_" + hex.EncodeToString(b)

	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return nil, "", nil, fmt.Errorf("connect to %s: %w", base, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		return nil, "", nil, fmt.Errorf("create schema: %w", err)
	}
	schemaURL = withSearchPath(base, name)
	pool, err := pgxpool.New(ctx, schemaURL)
	if err == nil {
		err = schema.MigrateUnshared(ctx, pool) // the schema is the test's alone: no database-wide lock
	}
	cleanup = func() {
		if pool != nil {
			pool.Close()
		}
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE")
	}
	if err != nil {
		cleanup()
		return nil, "", nil, fmt.Errorf("schema %s: %w", name, err)
	}
	return &store.Store{Pool: pool}, schemaURL, cleanup, nil
}

func withSearchPath(raw, schemaName string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("search_path", schemaName)
	u.RawQuery = q.Encode()
	return u.String()
}

// ensureDatabase creates the database of rawURL if it does not exist.
func ensureDatabase(ctx context.Context, rawURL string) error {
	c, err := pgx.Connect(ctx, rawURL)
	if err == nil {
		return c.Close(ctx)
	}
	if !strings.Contains(err.Error(), "does not exist") {
		return err
	}
	u, perr := url.Parse(rawURL)
	if perr != nil {
		return err
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin, aerr := pgx.Connect(ctx, u.String())
	if aerr != nil {
		return fmt.Errorf("%w (and cannot reach the postgres database: %v)", err, aerr)
	}
	defer admin.Close(ctx)
	_, cerr := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbName}.Sanitize())
	if cerr != nil && !strings.Contains(cerr.Error(), "already exists") {
		return fmt.Errorf("create database %s: %w", dbName, cerr)
	}
	return nil
}
