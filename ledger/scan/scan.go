// Package scan selects the overdue invoices of a company and starts one
// dunning workflow per invoice. It is idempotent: an invoice whose workflow
// already runs is counted, not started again.
//
// The ledger records each dunning's start and end (store.RecordDunningStart,
// and the workflow's own first and final events): the scan reads only the
// invoices without a live dunning, so running dunnings cost an index probe,
// not a call to Temporal. Reconcile compares that record with Temporal's
// visibility and corrects it (weekly, or `starter scan --reconcile`).
//
// The invoices are read in batches (store.EachDueInvoice) and started by a
// bounded number of concurrent starters, so a scan of 100 000 invoices
// holds one batch in memory and keeps the Temporal server busy without
// flooding it. The report counts everything and lists only the first few of
// each kind.
package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// Sample is how many invoice numbers the report lists of the started and
// already running ones; ListedProblems bounds the skipped, noted and failed
// invoices listed (they are what someone must fix, so more are kept).
const (
	Sample         = 20
	ListedProblems = 1000
)

// Starter starts workflows (a Temporal client).
type Starter interface {
	ExecuteWorkflow(ctx context.Context, options client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error)
}

// DefaultParallel is how many starts are in flight at once: enough to hide
// the round trip to the server, few enough not to queue behind its own
// rate limit (a dev server takes about 70 starts/s whatever the number of
// starters).
const DefaultParallel = 16

// Options tune a scan; the zero value is the default.
type Options struct {
	// Parallel bounds the starts in flight (DefaultParallel when 0).
	Parallel int
	// Batch is how many invoices are read at a time (store.DueBatch
	// when 0).
	Batch int
	// Progress, when not nil, is called with the invoices considered so
	// far and the total, from one goroutine at a time.
	Progress func(done, total int)
	// IncludeLive considers the invoices whose dunning the ledger records
	// as live too (a start call each, answered "already started") and
	// records nothing: the scan as it was before the ledger recorded
	// dunnings, for the bench.
	IncludeLive bool
}

// Run scans company on working date on and starts the workflows. Problems
// with one invoice are reported and the scan goes on with the others; an
// error is returned only when the scan itself cannot run.
func Run(ctx context.Context, st *store.Store, c Starter, company string, on calendar.Date, log *slog.Logger) (wire.ScanReport, error) {
	return RunWith(ctx, st, c, company, on, log, Options{})
}

// RunWithProgress is Run calling progress, when not nil, after each
// invoice considered.
func RunWithProgress(ctx context.Context, st *store.Store, c Starter, company string, on calendar.Date, log *slog.Logger,
	progress func(done, total int)) (wire.ScanReport, error) {
	return RunWith(ctx, st, c, company, on, log, Options{Progress: progress})
}

// RunWith is Run with options.
func RunWith(ctx context.Context, st *store.Store, c Starter, company string, on calendar.Date, log *slog.Logger,
	opts Options) (wire.ScanReport, error) {
	rep := wire.ScanReport{Company: company, Date: on.String()}
	total := 0
	each, count := st.EachUndunnedInvoice, st.CountUndunnedInvoices
	if opts.IncludeLive {
		each, count = st.EachDueInvoice, st.CountDueInvoices
	}
	if opts.Progress != nil {
		n, err := count(ctx, company, on)
		if err != nil {
			return rep, err
		}
		total = n
		opts.Progress(0, total)
	}
	if !opts.IncludeLive {
		n, err := st.CountLiveDunnings(ctx, company)
		if err != nil {
			return rep, err
		}
		rep.LiveCount = n
	}
	parallel := opts.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}

	var mu sync.Mutex // guards rep
	done := func(record func()) {
		mu.Lock()
		defer mu.Unlock()
		record()
		rep.Considered++
		if opts.Progress != nil {
			opts.Progress(rep.Considered, max(total, rep.Considered))
		}
	}
	rec := &recorder{ctx: ctx, st: st, log: log}
	defer rec.flush()
	todo := make(chan store.Candidate)
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cand := range todo {
				err := start(ctx, c, cand)
				if !opts.IncludeLive {
					rec.add(cand, err)
				}
				done(func() { recordStart(&rep, cand, err, log) })
			}
		}()
	}
	err := each(ctx, company, on, opts.Batch, func(batch []store.Candidate) error {
		for _, cand := range batch {
			if cand.Problem != "" {
				log.Warn("invoice not dunned", "company", company, "invoice", cand.Name(), "reason", cand.Problem)
				done(func() {
					rep.SkippedCount++
					rep.Skipped = listed(rep.Skipped, wire.Skipped{Invoice: cand.Name(), Reason: cand.Problem}, ListedProblems)
				})
				continue
			}
			if cand.Note != "" {
				mu.Lock()
				rep.NotesCount++
				rep.Notes = listed(rep.Notes, wire.Skipped{Invoice: cand.Name(), Reason: cand.Note}, ListedProblems)
				mu.Unlock()
			}
			select {
			case todo <- cand:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	close(todo)
	wg.Wait()
	if err != nil {
		return rep, fmt.Errorf("scan %s: %w", company, err)
	}
	log.Info("scan done", "company", company, "date", on.String(), "live", rep.LiveCount, "considered", rep.Considered,
		"started", rep.StartedCount, "already_running", rep.AlreadyRunningCount, "skipped", rep.SkippedCount,
		"failed", rep.FailedCount)
	return rep, nil
}

// started records the outcome of one start.
func recordStart(rep *wire.ScanReport, cand store.Candidate, err error, log *slog.Logger) {
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case err == nil:
		rep.StartedCount++
		rep.Started = listed(rep.Started, cand.Name(), Sample)
	case errors.As(err, &already):
		rep.AlreadyRunningCount++
		rep.AlreadyRunning = listed(rep.AlreadyRunning, cand.Name(), Sample)
	default:
		rep.FailedCount++
		rep.Failed = listed(rep.Failed, wire.Skipped{Invoice: cand.Name(), Reason: err.Error()}, ListedProblems)
		log.Error("start dunning failed", "company", cand.Company, "invoice", cand.Name(), "err", err)
	}
}

// recorder keeps the scan's starts in the ledger, so the next scan does
// not call Temporal for these invoices again, a batch at a time. A
// workflow found already started is recorded only if the ledger has no row
// for it (a dunning from before the ledger kept them). A failure to record
// costs one more start call the next day ("already started"), nothing
// else: it is logged.
type recorder struct {
	ctx            context.Context
	st             *store.Store
	log            *slog.Logger
	mu             sync.Mutex
	started, found []store.DunningKey
}

// recordBatch is how many starts are recorded in one statement.
const recordBatch = 500

func (r *recorder) add(cand store.Candidate, startErr error) {
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	key := store.DunningKey{InvoiceID: cand.InvoiceID, Instalment: cand.Instalment}
	r.mu.Lock()
	switch {
	case startErr == nil:
		r.started = append(r.started, key)
	case errors.As(startErr, &already):
		r.found = append(r.found, key)
	}
	full := len(r.started)+len(r.found) >= recordBatch
	r.mu.Unlock()
	if full {
		r.flush()
	}
}

func (r *recorder) flush() {
	r.mu.Lock()
	started, found := r.started, r.found
	r.started, r.found = nil, nil
	r.mu.Unlock()
	now := time.Now()
	for _, b := range []struct {
		keys          []store.DunningKey
		onlyIfMissing bool
	}{{started, false}, {found, true}} {
		if err := r.st.RecordDunningStarts(r.ctx, b.keys, now, b.onlyIfMissing); err != nil {
			r.log.Warn("dunning starts not recorded: the next scan asks Temporal about them again", "count", len(b.keys), "err", err)
		}
	}
}

// listed appends v to list unless it already holds limit values.
func listed[T any](list []T, v T, limit int) []T {
	if len(list) >= limit {
		return list
	}
	return append(list, v)
}

func start(ctx context.Context, c Starter, cand store.Candidate) error {
	opts, in := startOptions(cand)
	_, err := c.ExecuteWorkflow(ctx, opts, dunning.InvoiceWorkflowType, in)
	if err != nil {
		return fmt.Errorf("start workflow for invoice %s: %w", cand.Number, err)
	}
	return nil
}

// startOptions are the options and input the scan starts cand's workflow
// with.
func startOptions(cand store.Candidate) (client.StartWorkflowOptions, wire.Input) {
	amount, _ := cand.Balance.Float64()
	id := dunning.WorkflowID(cand.Company, cand.Number)
	if cand.Instalment > 0 {
		id = dunning.InstalmentWorkflowID(cand.Company, cand.Number, cand.Instalment)
	}
	opts := client.StartWorkflowOptions{
		ID:        id,
		TaskQueue: dunning.TaskQueue,
		// A running or finished workflow for the invoice is never started
		// again; one that failed may be.
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		StaticSummary: fmt.Sprintf("Invoice %s — customer %s — %s due since %s", cand.Number, cand.Customer,
			money.Format(cand.Balance, cand.Currency), cand.DueDate.French()),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			dunning.AttrCompany.ValueSet(cand.Company),
			dunning.AttrCustomer.ValueSet(cand.Customer),
			dunning.AttrInvoice.ValueSet(cand.Number),
			dunning.AttrStatus.ValueSet("active"),
			dunning.AttrAmountDue.ValueSet(amount),
			dunning.AttrDueDate.ValueSet(cand.DueDate.UTC()),
		),
	}
	// The invoice as read, so the workflow's first task needs no
	// database read.
	in := wire.Input{Company: cand.Company, Invoice: cand.Number, Instalment: cand.Instalment}
	if cand.Invoice.ID != 0 {
		inv := Snapshot(cand.Invoice)
		in.Loaded = &inv
	}
	return opts, in
}
