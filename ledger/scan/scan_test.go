package scan_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/relance/relance/devtools/bench"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

var today = calendar.New(2026, 11, 23)

// fakeStarter records starts. The first `wait` starts block until that
// many are in flight at once (or fail the test after a minute): a scan
// that does not start in parallel never gets there. It refuses the
// invoices in already as already started.
type fakeStarter struct {
	t        *testing.T
	mu       sync.Mutex
	inFlight int
	maxSeen  int
	wait     int
	arrived  chan struct{}
	started  map[string]int
	inputs   []wire.Input
	already  map[string]bool
	calls    int // ExecuteWorkflow calls, refused ones included
}

func newFakeStarter(t *testing.T, wait int) *fakeStarter {
	return &fakeStarter{t: t, wait: wait, arrived: make(chan struct{}), started: map[string]int{}, already: map[string]bool{}}
}

func (f *fakeStarter) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, _ any, args ...any) (client.WorkflowRun, error) {
	f.mu.Lock()
	f.calls++
	f.inFlight++
	f.maxSeen = max(f.maxSeen, f.inFlight)
	gate := f.wait > 0
	if gate {
		f.wait--
		if f.wait == 0 {
			close(f.arrived)
		}
	}
	f.mu.Unlock()
	if gate {
		select {
		case <-f.arrived:
		case <-time.After(time.Minute):
			f.t.Error("starts are not issued in parallel")
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--
	in := args[0].(wire.Input)
	if f.already[in.Invoice] {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("already", "", "")
	}
	f.started[o.ID]++
	f.inputs = append(f.inputs, in)
	return nil, nil
}

func TestScanStreamsBatchesAndStartsInParallel(t *testing.T) {
	ctx := context.Background()
	st, _ := dbtest.New(t)
	l := bench.Ledger{Company: "STREAM", Due: 250, NotDue: 40, Closed: 300, Today: today}
	if err := bench.Generate(ctx, st, l); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		parallel int
		batch    int
		already  int // invoices whose workflow already runs
	}{
		{"four starters, batches of 7", 4, 7, 0},
		{"one starter, one batch", 1, 1000, 0},
		{"sixteen starters, some already running", 16, 50, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := st.Pool.Exec(ctx, `DELETE FROM dunnings`); err != nil { // each case scans anew
				t.Fatal(err)
			}
			f := newFakeStarter(t, tt.parallel)
			for i := range tt.already {
				f.already[bench.DueNumber(i)] = true
			}
			var calls, last int
			rep, err := scan.RunWith(ctx, st, f, l.Company, today, slog.New(slog.DiscardHandler), scan.Options{
				Parallel: tt.parallel, Batch: tt.batch,
				Progress: func(done, total int) {
					calls++
					if done < last || total != l.Due {
						t.Errorf("progress %d/%d after %d", done, total, last)
					}
					last = done
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if f.maxSeen > tt.parallel {
				t.Errorf("%d starts in flight at once, want at most %d", f.maxSeen, tt.parallel)
			}
			if rep.Considered != l.Due || rep.StartedCount != l.Due-tt.already || rep.AlreadyRunningCount != tt.already ||
				rep.SkippedCount != 0 || rep.FailedCount != 0 {
				t.Errorf("report counts = %+v", rep)
			}
			if len(rep.Started) != min(scan.Sample, rep.StartedCount) || len(rep.AlreadyRunning) != min(scan.Sample, tt.already) {
				t.Errorf("report lists %d started and %d already running; want samples", len(rep.Started), len(rep.AlreadyRunning))
			}
			if last != l.Due || calls < 2 {
				t.Errorf("progress ended at %d after %d calls", last, calls)
			}
			for id, n := range f.started {
				if n != 1 {
					t.Errorf("%s started %d times", id, n)
				}
			}
			if len(f.started) != l.Due-tt.already {
				t.Errorf("%d workflows started, want %d", len(f.started), l.Due-tt.already)
			}
			// Each start carries the invoice as the workflow needs it.
			for _, in := range f.inputs {
				if in.Loaded == nil || in.Loaded.ID == 0 || in.Loaded.Number != in.Invoice || len(in.Loaded.Ladder) == 0 ||
					in.Loaded.TimeZone != "Europe/Paris" || in.Loaded.Balance.Sign() <= 0 {
					b, _ := json.Marshal(in)
					t.Fatalf("start input without the loaded invoice: %s", b)
				}
			}
		})
	}
}

// The loaded invoice in the start input is what LoadInvoice returns.
func TestCandidateInvoiceMatchesLoadInvoice(t *testing.T) {
	ctx := context.Background()
	st, _ := dbtest.New(t)
	l := bench.Ledger{Company: "SAME", Due: 3, Today: today, DaySeconds: 30}
	if err := bench.Generate(ctx, st, l); err != nil {
		t.Fatal(err)
	}
	cands, err := st.DueInvoices(ctx, l.Company, today)
	if err != nil || len(cands) != 3 {
		t.Fatalf("due invoices = %d, %v", len(cands), err)
	}
	for _, c := range cands {
		want, err := st.LoadInvoice(ctx, l.Company, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(c.Invoice)
		exp, _ := json.Marshal(want)
		if string(got) != string(exp) {
			t.Errorf("candidate invoice\n%s\nLoadInvoice\n%s", got, exp)
		}
	}
}
