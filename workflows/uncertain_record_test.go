package workflows_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/letters/confirm"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// lostFirstAnswer loses SES's answer to the first letter (it is accepted
// but the sender never learns it) and accepts the others.
type lostFirstAnswer struct{ n atomic.Int32 }

func (m *lostFirstAnswer) Send(context.Context, mail.Message) (string, error) {
	if m.n.Add(1) == 1 {
		return "", fmt.Errorf("connection reset after the request left: %w", mail.ErrUncertain)
	}
	return "ses-ok", nil
}

// sesSaysAccepted is SES confirming every letter asked about.
type sesSaysAccepted struct{}

func (sesSaysAccepted) Check(context.Context, string, time.Time) (confirm.Finding, error) {
	return confirm.Finding{Verdict: confirm.Accepted, At: time.Now().Add(-time.Second), MessageID: "ses-late", Detail: "SES published a Send event"}, nil
}

// TestUncertainLetterConfirmedThroughRealPieces: on a real Temporal server
// and database, with demo days of 2 s, FA0174's R1 statement ends
// uncertain; the invoice is held "letter to verify" (not at R1), asks
// again a demo day later, SES confirms the letter, and the invoice stands
// at R1 until it is paid.
func TestUncertainLetterConfirmedThroughRealPieces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	today := calendar.Of(time.Now())
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, DaySeconds: 2}); err != nil {
		t.Fatal(err)
	}
	srv, err := temporaltest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	quiet := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tc, err := client.Dial(client.Options{HostPort: srv.Address, Logger: tlog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	acts := &activities.Activities{Store: st, Mailer: &lostFirstAnswer{}, Temporal: tc, Log: quiet, Confirm: sesSaysAccepted{}}
	for _, queue := range []string{dunning.TaskQueue, dunning.LetterTaskQueue} {
		w := worker.New(tc, queue, worker.Options{})
		workflows.Register(w)
		w.RegisterActivity(acts)
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
	}
	id := dunning.WorkflowID(demo.Company, "FA0174")
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: dunning.TaskQueue}, dunning.InvoiceWorkflowType,
		wire.Input{Company: demo.Company, Invoice: "FA0174"})
	if err != nil {
		t.Fatal(err)
	}
	query := func() (dunning.State, error) {
		var s dunning.State
		v, err := tc.QueryWorkflow(ctx, id, "", dunning.QueryState)
		if err == nil {
			err = v.Get(&s)
		}
		return s, err
	}
	state := func() dunning.State {
		s, err := query()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	sawHeld := false
	deadline := time.Now().Add(90 * time.Second)
	for {
		s, err := query()
		if err != nil {
			// A query that times out on a loaded machine is asked again.
			if time.Now().After(deadline) {
				t.Fatalf("FA0174's state: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if s.Status == dunning.StatusHeld && s.HoldReason == dunning.HoldLetterUnsure && s.Level == "NONE" {
			sawHeld = true
		}
		if s.Level == "R1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("FA0174 never reached R1: %s at %s (%s)", s.Status, s.Level, s.HoldReason)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !sawHeld {
		t.Error("the invoice was never seen held on its uncertain letter")
	}
	if err := tc.SignalWorkflow(ctx, id, "", dunning.SignalPayment, dunning.Payment{
		ExternalID: "BANK-FA0174", Amount: state().Balance, PaidOn: today, Source: "test",
	}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var res wire.Result
	if err := run.Get(wctx, &res); err != nil {
		t.Fatal(err)
	}
	var got []dunning.EventKind
	for _, e := range res.History {
		if e.Kind == dunning.EventLetterUnsure || e.Kind == dunning.EventLetterSent {
			got = append(got, e.Kind)
		}
	}
	if res.Outcome != dunning.StatusPaid || res.Letters != 1 || fmt.Sprint(got) != fmt.Sprint([]dunning.EventKind{dunning.EventLetterUnsure, dunning.EventLetterSent}) {
		t.Errorf("outcome %s, %d letter(s), letter events %v: want paid, 1, uncertain then sent", res.Outcome, res.Letters, got)
	}
	if out := os.Getenv("RELANCE_RECORD_HISTORY_UNSURE"); out != "" {
		bin, err := temporaltest.Binary()
		if err != nil {
			t.Fatal(err)
		}
		js, err := exec.Command(bin, "workflow", "show", "--workflow-id", id, "--address", srv.Address, "--output", "json").Output()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, js, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
