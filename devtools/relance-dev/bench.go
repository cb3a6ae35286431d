package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/relance/relance/devtools/bench"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/sesemu"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
)

// runBench runs the bench (README "Bench"): a throw-away database, a dev
// server, the SES emulator, the floor and relance side by side.
func runBench(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "floor-worker" {
		return runFloorWorker(ctx, e, args[1:])
	}
	fs := flags("bench")
	n := fs.Int("n", 10000, "number of invoices (one letter each)")
	day := fs.Int("day", 0, "seconds in a ladder day (default: long enough that no R2 falls due during the run)")
	parallel := fs.Int("parallel", 0, "starts in flight at once (default: the scan's)")
	scanRows := fs.Int("scan-rows", 1000000, "invoices in the scan benchmark's ledger (0: no scan benchmark)")
	scanDue := fs.Int("scan-due", 50000, "due invoices among them")
	letters := fs.Bool("letter-bench", true, "run the letter rendering benchmarks (go test -bench ./letter)")
	workerBin := fs.String("worker", "", "relance worker binary (default: built from ./worker)")
	keep := fs.Bool("keep", false, "keep the throw-away database")
	floor := fs.Bool("floor", true, "run the floor first (-floor=false: relance alone, no ratios, for 100 000 invoices)")
	server := fs.String("server", bench.ServerDev, "Temporal server: dev (the CLI's dev server) or postgres (make cluster's, on its own databases)")
	timeout := fs.Duration("timeout", 0, "stop waiting for each side after this long and report it as it stands (default: wait)")
	if err := parse(fs, args); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if *workerBin == "" {
		root, err := sesemu.RepoRoot()
		if err != nil {
			return fmt.Errorf("bench: build the worker: %w (or pass -worker)", err)
		}
		dir, err := os.MkdirTemp("", "relance-bench-")
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(dir)
		*workerBin = filepath.Join(dir, "worker")
		build := exec.CommandContext(ctx, "go", "build", "-o", *workerBin, "./worker")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("bench: build the worker: %v\n%s", err, out)
		}
	}
	rep, err := bench.Run(ctx, bench.Config{
		N: *n, DaySeconds: *day, Parallel: *parallel, AdminDatabaseURL: e.cfg.DatabaseURL,
		WorkerCommand: []string{*workerBin}, FloorCommand: []string{self, "bench", "floor-worker"},
		ScanRows: *scanRows, ScanDue: *scanDue, LetterBench: *letters, Keep: *keep, Timeout: *timeout, NoFloor: !*floor,
		Server: *server, Progress: os.Stderr, Log: e.log,
	})
	if err != nil {
		return err
	}
	bench.Print(e.out, rep)
	if rep.Letters.Duplicates > 0 || rep.Letters.Unexpected > 0 || (*timeout == 0 && !rep.Letters.ExactlyOnce()) {
		return fmt.Errorf("bench: letters not sent exactly once (%+v)", rep.Letters)
	}
	return nil
}

// runFloorWorker is the floor's worker process, started by the bench
// with TEMPORAL_ADDRESS set.
func runFloorWorker(ctx context.Context, e *env, args []string) error {
	if err := parse(flags("bench floor-worker"), args); err != nil {
		return err
	}
	c, err := client.Dial(client.Options{HostPort: e.cfg.TemporalAddress, Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return fmt.Errorf("floor worker: connect to Temporal at %s: %w", e.cfg.TemporalAddress, err)
	}
	defer c.Close()
	return bench.RunFloorWorker(ctx, c)
}

// runLiveScan measures the daily scan over a large ledger whose open
// invoices are mostly dunned already (docs/production-engine.md).
func runLiveScan(ctx context.Context, e *env, args []string) error {
	fs := flags("livescan")
	open := fs.Int("open", 1000000, "open overdue invoices")
	due := fs.Int("due", 50000, "newly due among them (no dunning yet)")
	keep := fs.Bool("keep", false, "keep the throw-away database")
	if err := parse(fs, args); err != nil {
		return err
	}
	url, drop, err := bench.ThrowAwayDatabase(ctx, e.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if !*keep {
		defer drop()
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	ls, err := bench.RunLiveScan(ctx, st, *open, *due, os.Stderr)
	if err != nil {
		return err
	}
	bench.PrintLiveScan(e.out, ls)
	return nil
}
