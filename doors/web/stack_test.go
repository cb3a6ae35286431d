package web_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// stack is the real pieces a browser test drives: a fresh schema, a client
// of the package's Temporal dev server in a namespace of the test's own (so
// tests run in parallel, each with its own workers), the SES emulator, workers on both
// task queues (as the worker process runs them) and the web app on a free
// port, plus the folder screenshots go to.
type stack struct {
	st   *store.Store
	tc   client.Client
	emu  *sesemu.Emulator
	ops  *actions.Ops
	base string // http://localhost:PORT
	shot string // screenshot folder
}

// newStack starts the pieces; opts gets the store, the actions and a
// warn-level logger before the web app is built from it.
func newStack(t *testing.T, opts web.Options) *stack {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	warn := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ts := temporaltest.Shared(t)
	tc, err := client.Dial(client.Options{HostPort: ts.Address, Namespace: ts.Namespace(t), Logger: tlog.NewStructuredLogger(warn)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	emu := sesemu.StartT(t)
	sender, err := mail.NewSES(ctx, "eu-west-3", emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{dunning.TaskQueue, dunning.LetterTaskQueue} {
		w := worker.New(tc, q, worker.Options{})
		workflows.Register(w)
		w.RegisterActivity(&activities.Activities{Store: st, Mailer: sender, Temporal: tc, Log: slog.New(slog.DiscardHandler)})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
	}
	ops := &actions.Ops{Store: st, Temporal: tc}
	opts.Ops, opts.Store, opts.Log = ops, st, warn
	h, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	shot := os.Getenv("RELANCE_SCREENSHOTS")
	if shot == "" {
		shot = filepath.Join(os.TempDir(), "relance-screenshots")
	}
	if err := os.MkdirAll(shot, 0o755); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return &stack{st: st, tc: tc, emu: emu, ops: ops, base: "http://localhost:" + port, shot: shot}
}
