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
	"github.com/relance/relance/schema"
	"github.com/relance/relance/store"
)

// URL returns the test database's URL.
func URL() string {
	if u := os.Getenv("RELANCE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://localhost:5432/relance_test?sslmode=disable"
}

// New returns a store whose connections use a fresh, migrated schema.
// The schema's name is in the returned URL's search_path too, for programs
// the test starts.
func New(t testing.TB) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	base := URL()
	if err := ensureDatabase(ctx, base); err != nil {
		t.Fatalf("test database: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "t_" + hex.EncodeToString(b)

	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to test database: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE")
	})

	schemaURL := withSearchPath(base, name)
	pool, err := pgxpool.New(ctx, schemaURL)
	if err != nil {
		t.Fatalf("connect to schema %s: %v", name, err)
	}
	t.Cleanup(pool.Close)
	if err := schema.Migrate(ctx, pool); err != nil {
		t.Fatalf("migrate schema %s: %v", name, err)
	}
	return &store.Store{Pool: pool}, schemaURL
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
