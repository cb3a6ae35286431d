package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// LiveScan is the daily scan over a ledger where most open invoices are
// already dunned: Open overdue invoices, of which Due are newly due (no
// dunning yet) and the rest have a live dunning in the ledger.
type LiveScan struct {
	Open, Due int
	Machine   string
	// Generate is the time taken to write the ledger.
	Generate time.Duration
	// First is the scan as it runs every morning: only the newly due are
	// read and started. Second is the next morning over the same ledger.
	// Before is the scan as it was (every open invoice read and started,
	// the running ones answered "already started").
	First, Second, Before LiveScanRun
}

// LiveScanRun is one scan: its wall time, its start calls, and the Go heap
// it used (peak in use, and allocated in total).
type LiveScanRun struct {
	Time           time.Duration
	StartCalls     int64
	PeakHeapMiB    float64
	AllocatedMiB   float64
	Considered     int
	Live           int
	CallsPerSecond float64 // start calls answered per second by the counting starter
}

// countingStarter answers every start at once: success, or "already
// started" for the invoices the ledger has as running. It measures the
// scan's own cost, without a Temporal server.
type countingStarter struct {
	calls   atomic.Int64
	already func(number string) bool
}

func (c *countingStarter) ExecuteWorkflow(_ context.Context, _ client.StartWorkflowOptions, _ any, args ...any) (client.WorkflowRun, error) {
	c.calls.Add(1)
	if in, ok := args[0].(wire.Input); ok && c.already != nil && c.already(in.Invoice) {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "", "")
	}
	return nil, nil
}

// RunLiveScan writes the ledger into st (company LIVESCAN) and measures
// the three scans.
func RunLiveScan(ctx context.Context, st *store.Store, open, due int, progress io.Writer) (LiveScan, error) {
	ls := LiveScan{Open: open, Due: min(due, open), Machine: machine()}
	on := calendar.Of(time.Now())
	l := Ledger{Company: "LIVESCAN", Due: open, Today: on}
	fmt.Fprintf(progress, "live scan: writing %d open overdue invoices\n", open)
	t0 := time.Now()
	if err := Generate(ctx, st, l); err != nil {
		return ls, err
	}
	// The running ones: every open invoice but the last Due.
	running := DueNumber(open - ls.Due)
	if _, err := st.Pool.Exec(ctx, `
		INSERT INTO dunnings (invoice_id, instalment, started_at)
		SELECT i.id, 0, now() - interval '1 day' FROM invoices i JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.number < $2`, l.Company, running); err != nil {
		return ls, fmt.Errorf("live scan: record running dunnings: %w", err)
	}
	if _, err := st.Pool.Exec(ctx, `ANALYZE dunnings`); err != nil {
		return ls, err
	}
	ls.Generate = time.Since(t0)
	log := slog.New(slog.DiscardHandler)
	measure := func(name string, opts scan.Options, s *countingStarter) (LiveScanRun, error) {
		fmt.Fprintf(progress, "live scan: %s\n", name)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peak atomic.Uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // samples the heap in use while the scan runs
			defer wg.Done()
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()
		t := time.Now()
		rep, err := scan.RunWith(ctx, st, s, l.Company, on, log, opts)
		r := LiveScanRun{Time: time.Since(t), StartCalls: s.calls.Load(), Considered: rep.Considered, Live: rep.LiveCount}
		close(stop)
		wg.Wait()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		r.PeakHeapMiB = float64(peak.Load()) / (1 << 20)
		r.AllocatedMiB = float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
		if r.Time > 0 {
			r.CallsPerSecond = float64(r.StartCalls) / r.Time.Seconds()
		}
		return r, err
	}
	var err error
	// Before first: it records nothing new (the newly due are started and
	// then recorded, so it runs on a copy of the state: its starts of the
	// newly due are forgotten afterwards).
	if ls.Before, err = measure("as before (every open invoice, running ones answered already started)",
		scan.Options{IncludeLive: true}, &countingStarter{already: func(n string) bool { return n < running }}); err != nil {
		return ls, err
	}
	if _, err := st.Pool.Exec(ctx, `DELETE FROM dunnings d USING invoices i, companies c
		WHERE i.id = d.invoice_id AND c.id = i.company_id AND c.code = $1 AND i.number >= $2`, l.Company, running); err != nil {
		return ls, err
	}
	if ls.First, err = measure("daily scan (newly due only)", scan.Options{}, &countingStarter{}); err != nil {
		return ls, err
	}
	if ls.Second, err = measure("next day's scan over the same ledger", scan.Options{}, &countingStarter{}); err != nil {
		return ls, err
	}
	return ls, nil
}

// PrintLiveScan writes the figures as a table.
func PrintLiveScan(w io.Writer, ls LiveScan) {
	fmt.Fprintf(w, "Daily scan over %d open overdue invoices, %d newly due, %d with a running dunning\n", ls.Open, ls.Due, ls.Open-ls.Due)
	fmt.Fprintf(w, "machine: %s; ledger written in %s\n\n", ls.Machine, ls.Generate.Round(time.Second))
	fmt.Fprintf(w, "| scan | considered | start calls | wall time | peak Go heap | allocated |\n|---|---:|---:|---:|---:|---:|\n")
	for _, r := range []struct {
		name string
		run  LiveScanRun
	}{{"before: every open invoice", ls.Before}, {"daily: without a live dunning", ls.First}, {"next day, same ledger", ls.Second}} {
		fmt.Fprintf(w, "| %s | %d | %d | %s | %.0f MiB | %.0f MiB |\n", r.name, r.run.Considered, r.run.StartCalls,
			r.run.Time.Round(10*time.Millisecond), r.run.PeakHeapMiB, r.run.AllocatedMiB)
	}
	fmt.Fprintf(w, "\nstart calls are answered at once here (no Temporal server): the times are the scan's own cost.\n")
}
