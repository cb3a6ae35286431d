// Package workers sizes and builds the Temporal workers of a relance
// process: one on the invoice task queue (invoice workflows, the daily scan
// and their activities) and one on the letter task queue (customer letter
// workflows and their sending). README "Scale" says why each number
// is what it is.
package workers

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/workflows"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// Sizes of one cached workflow and of the process's memory budget.
const (
	// CachedWorkflowBytes is what one workflow kept in the sticky cache
	// costs (its goroutines, state and history cursor): about 140 KB
	// measured with 1 000 parked invoice workflows.
	CachedWorkflowBytes = 150 << 10
	// DefaultMaxMemory caps the memory limit chosen when GOMEMLIMIT is not
	// set: a worker shares its machine with PostgreSQL and Temporal.
	DefaultMaxMemory = 320 << 20
	// minStickyCache and maxStickyCache bound the sticky cache. Above the
	// maximum nothing is gained: a workflow parked for days until its next
	// level is cheaper to replay once than to keep in memory.
	minStickyCache = 100
	maxStickyCache = 4000
	// maxInvoiceActivities and maxLetterActivities cap the activity slots,
	// and with them the PostgreSQL pool (MaxDBConns at most), whatever the
	// number of cores: PostgreSQL's default max_connections is 100 and the
	// pool is shared with the API server and other workers, so a 16-core
	// machine must not ask for 196 connections.
	maxInvoiceActivities = 32
	maxLetterActivities  = 12
	// MaxDBConns is the largest pool a worker opens.
	MaxDBConns = maxInvoiceActivities + maxLetterActivities + 4
)

// StickyScheduleToStart is how long a workflow task waits on the worker's
// sticky queue (the worker that has the workflow in its cache) before the
// server moves it to the shared queue, where any worker takes it after
// replaying the whole history. The SDK's default, 5 s, is shorter than a
// send round: when the statements of a round wake at once, the tasks of
// the cached workflows queue behind the workflow task slots. In the
// bench's round of 200 invoices on two loaded cores every invoice had one
// task wait more than 5 s and time out: two more history events
// (WorkflowTaskTimedOut, a new WorkflowTaskScheduled) and a replay each;
// with a minute, none did. What it costs: a worker that dies without
// stopping leaves its cached workflows' next tasks waiting up to a minute
// before another worker takes them; a worker that stops (a deploy,
// SIGTERM) tells the server (the SDK's ShutdownWorker call), which moves
// them at once.
const StickyScheduleToStart = time.Minute

// Queue is how one worker polls and runs its task queue.
type Queue struct {
	Name string
	// WorkflowPollers and ActivityPollers are the long polls kept open.
	WorkflowPollers, ActivityPollers int
	// WorkflowSlots and ActivitySlots bound the tasks run at once.
	WorkflowSlots, ActivitySlots int
}

// Sizing is the whole process's plan.
type Sizing struct {
	CPUs int
	// MemoryLimit is the Go soft memory limit in bytes (GOMEMLIMIT).
	MemoryLimit int64
	// StickyCache is how many workflows stay in memory between tasks
	// (shared by both workers).
	StickyCache int
	Invoices    Queue
	Letters     Queue
	// DBConns is the PostgreSQL pool size: one connection per activity
	// slot, plus a few for the scan and the operator's reads.
	DBConns int
}

// Plan sizes a worker process for cpus cores and a memory limit in bytes.
//
// Workflow tasks are short and CPU-bound: a few slots per core keep the
// cores busy while the previous completions travel to the server. Activities
// wait on PostgreSQL, SES and Temporal, so they get more slots, and exactly
// as many database connections (no activity waits for a connection, and
// PostgreSQL is not asked for more than can run), at most MaxDBConns. A third of the memory
// limit goes to the sticky cache.
func Plan(cpus int, memoryLimit int64) Sizing {
	if cpus < 1 {
		cpus = 1
	}
	cache := int(memoryLimit / 3 / CachedWorkflowBytes)
	cache = max(minStickyCache, min(maxStickyCache, cache))
	inv := Queue{Name: dunning.TaskQueue,
		WorkflowPollers: 2 + 2*cpus, ActivityPollers: 2 + cpus,
		WorkflowSlots: 8 * cpus, ActivitySlots: min(8*cpus, maxInvoiceActivities)}
	let := Queue{Name: dunning.LetterTaskQueue,
		WorkflowPollers: 2 + cpus, ActivityPollers: 2,
		ActivitySlots: min(4*cpus, maxLetterActivities)}
	// A statement sends in a local activity, which holds its workflow
	// task slot while it runs: one slot per send on top of the CPU's.
	let.WorkflowSlots = 2*cpus + let.ActivitySlots
	return Sizing{
		CPUs: cpus, MemoryLimit: memoryLimit, StickyCache: cache,
		Invoices: inv, Letters: let,
		DBConns: inv.ActivitySlots + let.ActivitySlots + 4,
	}
}

// Options returns the worker options of q.
func (q Queue) Options() worker.Options {
	return worker.Options{
		MaxConcurrentWorkflowTaskPollers:       q.WorkflowPollers,
		MaxConcurrentActivityTaskPollers:       q.ActivityPollers,
		MaxConcurrentWorkflowTaskExecutionSize: q.WorkflowSlots,
		MaxConcurrentActivityExecutionSize:     q.ActivitySlots,
		// Local activities run inside workflow tasks' time; keep them to
		// the activity budget.
		MaxConcurrentLocalActivityExecutionSize: q.ActivitySlots,
		StickyScheduleToStartTimeout:            StickyScheduleToStart,
	}
}

// String is the sizing in one line, for the start-up log.
func (s Sizing) String() string {
	return fmt.Sprintf("cpus=%d memory_limit=%dMiB sticky_cache=%d db_conns=%d %s %s",
		s.CPUs, s.MemoryLimit>>20, s.StickyCache, s.DBConns, s.Invoices, s.Letters)
}

// String is the queue's sizing in one word.
func (q Queue) String() string {
	return fmt.Sprintf("%s(wf_pollers=%d act_pollers=%d wf_slots=%d act_slots=%d)",
		q.Name, q.WorkflowPollers, q.ActivityPollers, q.WorkflowSlots, q.ActivitySlots)
}

// DefaultGCPercent is the collector's target (GOGC) when GOGC is not set.
const DefaultGCPercent = 200

// FromMachine plans for this process: GOMAXPROCS cores, and GOMEMLIMIT when
// set, otherwise a quarter of the machine's (or the container's) memory,
// at most DefaultMaxMemory. It applies the memory limit to the Go runtime,
// and GOGC=DefaultGCPercent unless GOGC is set.
func FromMachine() Sizing {
	limit := debug.SetMemoryLimit(-1)
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = DefaultMaxMemory
		if m := machineMemory(); m > 0 {
			limit = min(limit, m/4)
		}
		debug.SetMemoryLimit(limit)
	}
	if os.Getenv("GOGC") == "" {
		// The live heap is small next to the memory limit: collect at
		// three times it rather than twice (the limit still bounds it).
		// With the default, the worker spent 14% of its CPU in the
		// collector during a bench.
		debug.SetGCPercent(DefaultGCPercent)
	}
	return Plan(runtime.GOMAXPROCS(0), limit)
}

// machineMemory is the cgroup memory limit, or the machine's total memory,
// or 0 when neither can be read.
func machineMemory() int64 {
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// Set is the process's workers, one per task queue.
type Set struct {
	list []worker.Worker
}

// New sets the sticky cache size (process-wide: call it before any other
// worker of the process exists) and builds the invoice and letter workers,
// each with every workflow and the activities registered (a workflow
// started on the other queue by older code still finds its code). Each
// tune function adjusts both workers' options (a stop timeout, metrics...).
func New(c client.Client, acts *activities.Activities, s Sizing, tune ...func(*worker.Options)) *Set {
	worker.SetStickyWorkflowCacheSize(s.StickyCache)
	set := &Set{}
	for _, q := range []Queue{s.Invoices, s.Letters} {
		opts := q.Options()
		for _, f := range tune {
			f(&opts)
		}
		w := worker.New(c, q.Name, opts)
		workflows.Register(w)
		w.RegisterActivity(acts)
		set.list = append(set.list, w)
	}
	return set
}

// Start starts every worker; on error the ones started are stopped.
func (s *Set) Start() error {
	for i, w := range s.list {
		if err := w.Start(); err != nil {
			for _, started := range s.list[:i] {
				started.Stop()
			}
			return fmt.Errorf("start worker: %w", err)
		}
	}
	return nil
}

// Stop stops every worker, letting running activities finish.
func (s *Set) Stop() {
	for _, w := range s.list {
		w.Stop()
	}
}

// Run starts the workers and stops them when interrupt closes.
func (s *Set) Run(interrupt <-chan any) error {
	if err := s.Start(); err != nil {
		return err
	}
	<-interrupt
	s.Stop()
	return nil
}
