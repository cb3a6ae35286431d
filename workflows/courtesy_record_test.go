package workflows_test

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// TestDailyScanSendsTheCourtesyMails: the daily scan, on a real Temporal
// server and database, starts the company's dunnings and then runs its
// courtesy mails as a child workflow: the courtesy reminder and the
// thank-you go out once. With RELANCE_RECORD_HISTORY_COURTESY=<dir> the two
// histories are written there (scan_courtesy.json, courtesy_day.json) for
// the replay test.
func TestDailyScanSendsTheCourtesyMails(t *testing.T) {
	t.Parallel()
	f := newCourtesyFixture(t)
	ctx := context.Background()
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
	f.acts.Temporal, f.acts.Log = tc, quiet
	for _, queue := range []string{dunning.TaskQueue, dunning.LetterTaskQueue} {
		w := worker.New(tc, queue, worker.Options{})
		workflows.Register(w)
		w.RegisterActivity(f.acts)
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
	}
	id := "scan/ACME-2026-12-08T07:00:00Z"
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: dunning.TaskQueue},
		workflows.DailyScanWorkflowType, wire.ScanInput{Company: "ACME"})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var rep wire.ScanReport
	if err := run.Get(wctx, &rep); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, n := range rep.Started {
			_ = tc.TerminateWorkflow(context.Background(), dunning.WorkflowID("ACME", n), "", "test over")
		}
	})
	desc, err := tc.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	child := workflows.CourtesyWorkflowID("ACME", desc.WorkflowExecutionInfo.StartTime.AsTime())
	var crep wire.CourtesyReport
	if err := tc.GetWorkflow(wctx, child, "").Get(wctx, &crep); err != nil {
		t.Fatalf("courtesy child %s: %v", child, err)
	}
	if crep != (wire.CourtesyReport{Sent: 2, Skipped: 1}) {
		t.Errorf("courtesy report %+v, want 2 sent and 1 skipped", crep)
	}
	var subjects []string
	for _, m := range f.box.sent {
		subjects = append(subjects, m.Subject)
	}
	if len(subjects) != 2 || !strings.HasPrefix(subjects[0], "Rappel : facture FA001") || !strings.HasPrefix(subjects[1], "Merci pour votre règlement") {
		t.Errorf("mails %q", subjects)
	}
	if dir := os.Getenv("RELANCE_RECORD_HISTORY_COURTESY"); dir != "" {
		bin, err := temporaltest.Binary()
		if err != nil {
			t.Fatal(err)
		}
		for wid, name := range map[string]string{id: "scan_courtesy.json", child: "courtesy_day.json"} {
			js, err := exec.Command(bin, "workflow", "show", "--workflow-id", wid, "--address", srv.Address, "--output", "json").Output()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir+"/"+name, js, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
