package bench_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/devtools/bench"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/sesemu"
	"go.temporal.io/sdk/client"
)

// floorEnv makes the test binary the floor's worker (see TestFloorWorkerProcess).
const floorEnv = "RELANCE_BENCH_FLOOR_WORKER"

// TestFloorWorkerProcess is not a test: it is the floor worker process the
// bench starts, the test binary run again with floorEnv set.
func TestFloorWorkerProcess(t *testing.T) {
	if os.Getenv(floorEnv) == "" {
		t.Skip("run by TestBenchTiny as the floor's worker")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	c, err := client.Dial(client.Options{HostPort: os.Getenv("TEMPORAL_ADDRESS")})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := bench.RunFloorWorker(ctx, c); err != nil {
		t.Fatal(err)
	}
}

// The whole bench on a tiny ledger: both sides run, every letter arrives
// once, the scan benchmark uses the index. About 30 s.
func TestBenchTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev server, the SES emulator and two workers")
	}
	root, err := sesemu.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	workerBin := filepath.Join(t.TempDir(), "worker")
	build := exec.Command("go", "build", "-o", workerBin, "./worker")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the worker: %v\n%s", err, out)
	}
	t.Setenv(floorEnv, "1")
	var progress bytes.Buffer
	rep, err := bench.Run(context.Background(), bench.Config{
		N: 6, DaySeconds: 2, Parallel: 3, AdminDatabaseURL: dbtest.URL(),
		WorkerCommand: []string{workerBin},
		FloorCommand:  []string{os.Args[0], "-test.run=^TestFloorWorkerProcess$"},
		ScanRows:      3000, ScanDue: 150,
		Progress: &progress,
	})
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, progress.String())
	}
	var out bytes.Buffer
	bench.Print(&out, rep)
	t.Log("\n" + out.String())
	if !rep.Letters.ExactlyOnce() || rep.Letters.Received != 6 {
		t.Errorf("letters = %+v, want 6 exactly once", rep.Letters)
	}
	if rep.Floor.Started != 6 || rep.Relance.Started != 6 || rep.Floor.Events == 0 || rep.Relance.Events <= rep.Floor.Events {
		t.Errorf("sides = %+v / %+v", rep.Floor, rep.Relance)
	}
	if rep.Floor.DrainPerSecond() <= 0 || rep.Relance.DrainPerSecond() <= 0 || rep.Floor.FirstDone < 2*time.Second {
		t.Errorf("drains: floor %.1f/s from %s, relance %.1f/s from %s", rep.Floor.DrainPerSecond(), rep.Floor.FirstDone,
			rep.Relance.DrainPerSecond(), rep.Relance.FirstDone)
	}
	if rep.Relance.WorkerPeakRSS == 0 || rep.Relance.ServerCPU == 0 {
		t.Errorf("no process readings: %+v", rep.Relance)
	}
	// On a 3 000-row ledger the planner may prefer another partial index
	// of open invoices; what matters at any size is that it never reads
	// the whole invoices table (the 1 M-row plan is in the README).
	if rep.Scan == nil || strings.Contains(rep.Scan.Plan, "Seq Scan on invoices") || !strings.Contains(rep.Scan.Plan, "Index Scan") {
		t.Errorf("the scan's plan reads the invoices table without an index:\n%v", rep.Scan)
	}
	for _, want := range []string{"starts/s", "drain of the send moment", "history events per invoice", "every letter exactly once: yes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q", want)
		}
	}
}
