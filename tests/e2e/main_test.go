// Package e2e holds the integration tests that run through the real pieces:
// a Temporal dev server, PostgreSQL, the SES emulator, the worker's
// registrations, the temporal CLI. Each test uses its own company code, so
// workflow IDs never collide on the shared server, and reads at the shared
// SES emulator only the e-mails to its company's domain: the tests run in
// parallel, two at a time (they mostly wait on demo days; more at once
// overload the one dev server, a single history shard, on a loaded machine),
// but for the heaviest (61 workflows handing in to one statement round),
// which runs alone first.
package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/parallel"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// The pieces every test of the package shares.
var (
	st       *store.Store
	temporal *temporaltest.Server
	tc       client.Client
	emu      *sesemu.Emulator
)

func TestMain(m *testing.M) {
	parallel.Default(2)
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e setup:", err)
		code = 1
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	ctx := context.Background()
	var cleanup func()
	var err error
	st, _, cleanup, err = dbtest.Open(ctx)
	if err != nil {
		return 1, err
	}
	defer cleanup()
	if temporal, err = temporaltest.Start(); err != nil {
		return 1, err
	}
	defer temporal.Stop()
	if tc, err = client.Dial(client.Options{HostPort: temporal.Address, Logger: quietLogger()}); err != nil {
		return 1, err
	}
	defer tc.Close()
	if emu, err = sesemu.Start(ctx); err != nil {
		return 1, err
	}
	defer emu.Stop()
	sender, err := mail.NewSES(ctx, "eu-west-3", emu.URL)
	if err != nil {
		return 1, err
	}
	w := worker.New(tc, dunning.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: st, Mailer: sender, Temporal: tc, Log: slog.Default()})
	if err := w.Start(); err != nil {
		return 1, err
	}
	defer w.Stop()
	// Customer letters run on their own task queue, as in the worker.
	lw := worker.New(tc, dunning.LetterTaskQueue, worker.Options{})
	workflows.Register(lw)
	lw.RegisterActivity(&activities.Activities{Store: st, Mailer: sender, Temporal: tc, Log: slog.Default()})
	if err := lw.Start(); err != nil {
		return 1, err
	}
	defer lw.Stop()
	return m.Run(), nil
}

// mailsOf returns the e-mails the SES emulator holds for the company's
// domain (domainOf): the other tests' e-mails, sent meanwhile, are left out.
func mailsOf(t *testing.T, company string) []sesemu.StoredMessage {
	t.Helper()
	msgs, err := emu.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []sesemu.StoredMessage
	for _, m := range msgs {
		for _, to := range m.To {
			if d := domainOf(company); strings.HasSuffix(to, "@"+d) || strings.HasSuffix(to, "."+d) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

func quietLogger() *slogAdapter {
	return &slogAdapter{slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
}

// slogAdapter is the Temporal client logger on slog, warnings and up.
type slogAdapter struct{ l *slog.Logger }

func (a *slogAdapter) Debug(msg string, kv ...any) {}
func (a *slogAdapter) Info(msg string, kv ...any)  {}
func (a *slogAdapter) Warn(msg string, kv ...any)  { a.l.Warn(msg, kv...) }
func (a *slogAdapter) Error(msg string, kv ...any) { a.l.Error(msg, kv...) }

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	// Waiting longer costs nothing when cond holds. On a busy CI machine a
	// short activity that fails transiently is retried after 1, 2, 4, 8...
	// seconds: a letter expected within seconds can take a minute.
	timeout *= 3
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
