package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/platform/config"
	"github.com/relance/relance/platform/temporalclient"
	"go.temporal.io/sdk/client"
)

// progressOutput is where long commands report how far they got (tests
// replace it): a bar redrawn in place on a terminal, plain lines on a file
// or a pipe (package progress).
var progressOutput io.Writer = os.Stderr

// env opens the store and the Temporal client on first use.
type env struct {
	cfg      config.Config
	log      *slog.Logger
	out      io.Writer
	progress io.Writer // where long commands report how far they got (standard error)
	st       *store.Store
	temporal client.Client
}

func newEnv(out io.Writer) *env {
	cfg := config.FromEnv()
	if os.Getenv("LOG_LEVEL") == "" {
		cfg.LogLevel = slog.LevelError // the commands print their own report
	}
	return &env{cfg: cfg, log: cfg.Logger(), out: out, progress: progressOutput}
}

func (e *env) store(ctx context.Context) (*store.Store, error) {
	if e.st == nil {
		st, err := store.Open(ctx, e.cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("database %s: %w", config.Redacted(e.cfg.DatabaseURL), err)
		}
		e.st = st
	}
	return e.st, nil
}

func (e *env) client() (client.Client, error) {
	if e.temporal == nil {
		opts, err := temporalclient.Options(slog.New(slog.DiscardHandler)) // address, TLS, API key, payload encryption
		if err != nil {
			return nil, err
		}
		c, err := client.NewLazyClient(opts)
		if err != nil {
			return nil, fmt.Errorf("connect to Temporal at %s: %w", opts.HostPort, err)
		}
		e.temporal = c
	}
	return e.temporal, nil
}

// company opens the store and loads the company with code.
func (e *env) company(ctx context.Context, code string) (*store.Store, store.Company, error) {
	st, err := e.store(ctx)
	if err != nil {
		return nil, store.Company{}, err
	}
	co, err := st.CompanyByCode(ctx, code)
	return st, co, err
}

func (e *env) ops(ctx context.Context) (*actions.Ops, error) {
	st, err := e.store(ctx)
	if err != nil {
		return nil, err
	}
	c, err := e.client()
	if err != nil {
		return nil, err
	}
	return &actions.Ops{Store: st, Temporal: c}, nil
}

func (e *env) close() {
	if e.st != nil {
		e.st.Close()
	}
	if e.temporal != nil {
		e.temporal.Close()
	}
}

func (e *env) printf(format string, args ...any) { fmt.Fprintf(e.out, format, args...) }
