package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/sesemu"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
)

// Company is the bench company's code.
const Company = "BENCH"

// sampled is how many workflows of each kind have their history counted.
const sampled = 20

// Config says what to run.
type Config struct {
	// N is the number of invoices (and letters).
	N int
	// DaySeconds is the length of a ladder day; 0 picks one long enough
	// that no R2 falls due before every R1 is out.
	DaySeconds int
	// Parallel bounds the starts in flight, for the floor and the scan.
	Parallel int
	// AdminDatabaseURL is a PostgreSQL URL whose server gets the
	// throw-away database.
	AdminDatabaseURL string
	// WorkerCommand runs relance's worker (configured by environment).
	WorkerCommand []string
	// FloorCommand runs the floor's worker (RunFloorWorker), which
	// finds the server in $TEMPORAL_ADDRESS.
	FloorCommand []string
	// ScanRows and ScanDue size the scan benchmark's ledger (no scan
	// benchmark when ScanRows is 0).
	ScanRows, ScanDue int
	// LetterBench runs the letter package's Go benchmarks (needs the Go
	// toolchain and the sources).
	LetterBench bool
	// Keep leaves the database in place.
	Keep bool
	// NoFloor skips the floor: relance alone, for runs too long to do
	// twice (100 000 invoices); the ratios are then not printed.
	NoFloor bool
	// Timeout, when not zero, bounds each side's wait for its invoices
	// after the starts: a side still running then is reported as it
	// stands (Side.Done below N).
	Timeout time.Duration
	// Server is the Temporal server: ServerDev (default) or
	// ServerPostgres (`make cluster`'s, on free ports and databases of its
	// own).
	Server string
	// Progress receives a line now and then.
	Progress io.Writer
	Log      *slog.Logger
}

// Side is what one side of the comparison measured.
type Side struct {
	// Started is the number of workflows started, in StartTime.
	Started   int
	StartTime time.Duration
	// Done is the number of invoices done (R1 letter received, or floor
	// workflow completed): N unless the side ran out of time.
	Done int
	// DoneTime is from the first start to the last invoice done (its R1
	// letter received, or the floor workflow completed), or to the
	// timeout.
	DoneTime time.Duration
	// Events is the average history length of an invoice at R1 (for
	// relance: its workflow and its customer letter's).
	Events float64
	// EventKinds is Events per event type; for relance, LetterKinds is
	// the customer letter's share of it (the rest is the invoice
	// workflow's). A workflow task timeout is counted with its kind
	// (WorkflowTaskTimedOut/ScheduleToStart: a sticky task not picked up).
	EventKinds, LetterKinds map[string]float64
	// ServerCPU and WorkerCPU are CPU time used over DoneTime.
	ServerCPU, WorkerCPU time.Duration
	// WorkerPeakRSS is the worker's peak resident memory; WorkerEndRSS
	// its resident memory once every invoice is done (relance: the
	// workflows parked until R2).
	WorkerPeakRSS, WorkerEndRSS int64
	// ServerEndRSS is the Temporal server's resident memory at the end.
	ServerEndRSS int64
	// ServerDBCPU is the CPU of the PostgreSQL backends serving the
	// Temporal server (postgres server only).
	ServerDBCPU time.Duration
	// ServerDBBytes is how much the Temporal server's PostgreSQL databases
	// grew over the phase (postgres server only): with the workflows
	// parked at the end, their storage.
	ServerDBBytes int64
	// FirstDone and LastDone are when the first and the last invoice was
	// seen done, from the first start (polled every half second): the send
	// moment and the end of its drain.
	FirstDone, LastDone time.Duration
}

// DrainPerSecond is the headline: invoices done per second from the send
// moment (the first one done) to the last one.
func (s Side) DrainPerSecond() float64 {
	if s.Done < 2 {
		return 0
	}
	return rate(s.Done, max(s.LastDone-s.FirstDone, pollEvery)) // a drain within one poll took up to one poll
}

// pollEvery is how often both sides are polled for what is done.
const pollEvery = 500 * time.Millisecond

// StartsPerSecond is the start rate.
func (s Side) StartsPerSecond() float64 { return rate(s.Started, s.StartTime) }

// DonePerSecond is the rate of invoices done.
func (s Side) DonePerSecond() float64 { return rate(s.Done, s.DoneTime) }

// Letters counts what the SES emulator received.
type Letters struct {
	Received   int // messages
	Recipients int // distinct expected recipients reached
	Duplicates int // the same letter (recipient and subject) more than once
	Later      int // further letters to a recipient with another subject (a later level fell due)
	Missing    int // expected recipients without a message
	Unexpected int // messages to other addresses
	// Uncertain counts the letters the ledger marks uncertain (SES gave no
	// answer: relance never resends them, README "Exactly once");
	// UncertainMissing those of them the emulator did not receive.
	Uncertain, UncertainMissing int
}

// ExactlyOnce says whether every invoice's letter arrived once, but for
// letters the ledger marks uncertain, which were not resent.
func (l Letters) ExactlyOnce() bool {
	return l.Duplicates == 0 && l.Missing == l.UncertainMissing && l.Unexpected == 0
}

// ScanBench is the scan selection over a large ledger.
type ScanBench struct {
	Rows, Due int
	// Walk is the time to read every due invoice in batches.
	Walk time.Duration
	// Plan is the plan of one batch; FullPlan of the selection in one
	// query.
	Plan, FullPlan string
}

// Report is a bench run's outcome.
type Report struct {
	N          int
	DaySeconds int
	Machine    string
	LoadBefore string
	LoadAfter  string
	Server     string
	Floor      Side
	Relance    Side
	Letters    Letters
	Scan       *ScanBench
	// LetterBench holds the benchmark lines of `go test -bench ./letter`.
	LetterBench []string
}

// Run runs the bench.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.N < 0 {
		return Report{}, fmt.Errorf("bench: N must not be negative, got %d", cfg.N)
	}
	if cfg.DaySeconds <= 0 {
		// At 3 letters/s (2 shared cores), R2 (15 days after R1) must
		// not fall due before the last R1: 10 000 invoices took 19 min
		// and a 33 s day let R2 letters in.
		cfg.DaySeconds = max(30, cfg.N/30)
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = scan.DefaultParallel
	}
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	rep := Report{N: cfg.N, DaySeconds: cfg.DaySeconds, Machine: machine(), LoadBefore: loadavg(), Server: cfg.Server}
	if rep.Server == "" {
		rep.Server = ServerDev
	}

	dbURL, drop, err := throwAwayDatabase(ctx, cfg.AdminDatabaseURL)
	if err != nil {
		return rep, err
	}
	if !cfg.Keep {
		defer drop()
	} else {
		fmt.Fprintf(cfg.Progress, "bench: database kept: %s\n", dbURL)
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return rep, err
	}
	defer st.Close()
	srv, err := startEngine(ctx, cfg.Server, cfg.AdminDatabaseURL, cfg.Progress)
	if err != nil {
		return rep, err
	}
	defer srv.stop()
	emu, err := sesemu.StartDraining(ctx)
	if err != nil {
		return rep, err
	}
	defer emu.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.address, Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return rep, fmt.Errorf("bench: dial Temporal: %w", err)
	}
	defer c.Close()

	wait := time.Duration(cfg.DaySeconds) * time.Second * 3 / 2 // R1 after one day, then half a day of collection
	if cfg.N > 0 {
		if !cfg.NoFloor {
			if rep.Floor, err = runFloor(ctx, cfg, c, srv, wait); err != nil {
				return rep, err
			}
		}
		if rep.Relance, rep.Letters, err = runRelance(ctx, cfg, c, srv, st, emu, dbURL); err != nil {
			return rep, err
		}
	}
	rep.LoadAfter = loadavg()
	if cfg.ScanRows > 0 {
		sb, err := runScanBench(ctx, cfg, st)
		if err != nil {
			return rep, err
		}
		rep.Scan = &sb
	}
	if cfg.LetterBench {
		lines, err := letterBench(ctx, cfg)
		if err != nil {
			return rep, err
		}
		rep.LetterBench = lines
	}
	return rep, nil
}

// process is a worker process the bench started.
type process struct {
	cmd *exec.Cmd
}

func startProcess(argv []string, env []string, log io.Writer) (*process, error) {
	if len(argv) == 0 {
		return nil, errors.New("bench: no worker command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start %s: %w", argv[0], err)
	}
	return &process{cmd: cmd}, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// stop asks the process to end (SIGTERM) and waits up to a minute.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// meter reads a phase's CPU and memory of the server and a worker.
type meter struct {
	server, worker int
	s0, w0         usage
	t0             time.Time
	srv            *engine
	pg0            map[int]time.Duration
	size0          int64
}

func startMeter(srv *engine, worker int) (*meter, error) {
	m := &meter{server: srv.pid, worker: worker, t0: time.Now(), srv: srv}
	var err error
	if m.pg0, err = pgCPU(context.Background(), srv.admin, srv.dbs); err != nil {
		return nil, err
	}
	if m.size0, err = pgSize(context.Background(), srv.admin, srv.dbs); err != nil {
		return nil, err
	}
	if m.s0, err = readUsage(srv.pid); err != nil {
		return nil, err
	}
	if m.w0, err = readUsage(worker); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *meter) read(side *Side) error {
	s1, err := readUsage(m.server)
	if err != nil {
		return err
	}
	w1, err := readUsage(m.worker)
	if err != nil {
		return err
	}
	side.ServerCPU, side.WorkerCPU = s1.cpu-m.s0.cpu, w1.cpu-m.w0.cpu
	side.ServerDBCPU = pgCPUSince(context.Background(), m.srv.admin, m.srv.dbs, m.pg0)
	if size, err := pgSize(context.Background(), m.srv.admin, m.srv.dbs); err == nil {
		side.ServerDBBytes = size - m.size0
	}
	side.WorkerPeakRSS, side.WorkerEndRSS, side.ServerEndRSS = w1.hwm, w1.rss, s1.rss
	return nil
}

func runFloor(ctx context.Context, cfg Config, c client.Client, srv *engine, wait time.Duration) (Side, error) {
	var side Side
	pings := newPingCounter()
	defer pings.close()
	w, err := startProcess(cfg.FloorCommand, []string{"TEMPORAL_ADDRESS=" + srv.address, FloorPingEnv + "=" + pings.url()}, cfg.Progress)
	if err != nil {
		return side, err
	}
	defer w.stop()
	m, err := startMeter(srv, w.pid())
	if err != nil {
		return side, err
	}
	wakeAt := m.t0.Add(wait) // every floor workflow wakes at this one instant
	ids := make(chan string)
	var failed error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range cfg.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				var err error
				for attempt := range 5 { // a loaded server may let a start time out: try again (same ID, at most once started)
					if attempt > 0 {
						time.Sleep(time.Duration(attempt) * time.Second)
					}
					_, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: FloorTaskQueue,
						WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}, FloorWorkflowType, wakeAt)
					if err == nil {
						break
					}
				}
				mu.Lock()
				if err != nil && failed == nil {
					failed = err
				}
				side.Started++
				mu.Unlock()
			}
		}()
	}
	for i := range cfg.N {
		ids <- floorID(i)
	}
	close(ids)
	wg.Wait()
	side.StartTime = time.Since(m.t0)
	if failed != nil {
		return side, fmt.Errorf("bench: start floor workflows: %w", failed)
	}
	fmt.Fprintf(cfg.Progress, "floor: %d started in %s (%.1f/s)\n", side.Started, side.StartTime.Round(time.Millisecond), side.StartsPerSecond())
	deadline := time.Now().Add(wait + time.Duration(cfg.N)*100*time.Millisecond + 5*time.Minute)
	if cfg.Timeout > 0 {
		deadline = time.Now().Add(cfg.Timeout)
	}
	for last := time.Now(); ; time.Sleep(pollEvery) {
		if ctx.Err() != nil {
			return side, ctx.Err()
		}
		done := pings.count()
		side.Done = done
		if done > 0 && side.FirstDone == 0 {
			side.FirstDone = time.Since(m.t0)
		}
		side.LastDone = time.Since(m.t0)
		if done >= cfg.N {
			break
		}
		if time.Since(last) > 5*time.Second {
			fmt.Fprintf(cfg.Progress, "floor: %d/%d done after %s\n", done, cfg.N, time.Since(m.t0).Round(time.Second))
			last = time.Now()
		}
		if time.Now().After(deadline) {
			if cfg.Timeout == 0 {
				return side, fmt.Errorf("bench: only %d of %d floor workflows done by the deadline", done, cfg.N)
			}
			fmt.Fprintf(cfg.Progress, "floor: out of time with %d of %d done\n", done, cfg.N)
			break
		}
	}
	side.DoneTime = time.Since(m.t0)
	if err := m.read(&side); err != nil {
		return side, err
	}
	var ids2 []string
	for i := range min(sampled, cfg.N) {
		ids2 = append(ids2, floorID(i))
	}
	side.EventKinds = map[string]float64{}
	if side.Events, err = averageEvents(ctx, c, ids2, side.EventKinds); err != nil {
		return side, err
	}
	fmt.Fprintf(cfg.Progress, "floor: %d done in %s\n", side.Done, side.DoneTime.Round(time.Millisecond))
	return side, nil
}

func floorID(i int) string { return fmt.Sprintf("floor-%08d", i) }

func runRelance(ctx context.Context, cfg Config, c client.Client, srv *engine, st *store.Store,
	emu *sesemu.Emulator, dbURL string) (Side, Letters, error) {
	var side Side
	var letters Letters
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return side, letters, err
	}
	today := ladder.Clock{Location: paris}.Today(time.Now())
	l := Ledger{Company: Company, Due: cfg.N, DaySeconds: cfg.DaySeconds, EmailDomain: "bench.example.com", Today: today}
	if err := Generate(ctx, st, l); err != nil {
		return side, letters, err
	}
	w, err := startProcess(cfg.WorkerCommand, []string{
		"DATABASE_URL=" + dbURL, "TEMPORAL_ADDRESS=" + srv.address, "SES_ENDPOINT=" + emu.URL, "LOG_LEVEL=warn",
	}, cfg.Progress)
	if err != nil {
		return side, letters, err
	}
	defer w.stop()
	m, err := startMeter(srv, w.pid())
	if err != nil {
		return side, letters, err
	}
	rep, err := scan.RunWith(ctx, st, c, Company, today, cfg.Log, scan.Options{Parallel: cfg.Parallel})
	if err != nil {
		return side, letters, err
	}
	started := rep.StartedCount
	for attempt := 0; rep.FailedCount > 0 && attempt < 4; attempt++ {
		// A loaded server may let a start time out: the next scan starts
		// what the ledger does not have as started yet.
		fmt.Fprintf(cfg.Progress, "relance: %d starts failed (%s), scanning again\n", rep.FailedCount, rep.Failed[0].Reason)
		if rep, err = scan.RunWith(ctx, st, c, Company, today, cfg.Log, scan.Options{Parallel: cfg.Parallel}); err != nil {
			return side, letters, err
		}
		started += rep.StartedCount + rep.AlreadyRunningCount
	}
	rep.StartedCount = started
	side.Started, side.StartTime = rep.StartedCount, time.Since(m.t0)
	if rep.StartedCount != cfg.N {
		return side, letters, fmt.Errorf("bench: the scan started %d of %d workflows (%d failed, %d skipped)",
			rep.StartedCount, cfg.N, rep.FailedCount, rep.SkippedCount)
	}
	fmt.Fprintf(cfg.Progress, "relance: scan started %d in %s (%.1f/s)\n", side.Started, side.StartTime.Round(time.Millisecond), side.StartsPerSecond())

	counter := newLetterCounter(l)
	deadline := time.Now().Add(time.Duration(cfg.DaySeconds)*time.Second*3/2 + time.Duration(cfg.N)*200*time.Millisecond + 5*time.Minute)
	if cfg.Timeout > 0 {
		deadline = time.Now().Add(cfg.Timeout)
	}
	var uncertain map[string]bool
	for last, ledger := time.Now(), (time.Time{}); ; time.Sleep(pollEvery) {
		if ctx.Err() != nil {
			return side, letters, ctx.Err()
		}
		if err := counter.poll(ctx, emu); err != nil {
			return side, letters, err
		}
		side.Done = counter.reached()
		if side.Done > 0 && side.FirstDone == 0 {
			side.FirstDone = time.Since(m.t0)
		}
		side.LastDone = time.Since(m.t0)
		if side.Done == cfg.N {
			break
		}
		if time.Since(ledger) > 5*time.Second {
			// A letter the ledger marks uncertain never comes: stop
			// waiting once every other one has.
			if uncertain, err = uncertainRecipients(ctx, st); err != nil {
				return side, letters, err
			}
			ledger = time.Now()
			if len(uncertain) > 0 && side.Done+counter.missingOf(uncertain) >= cfg.N {
				break
			}
		}
		if time.Since(last) > 5*time.Second {
			fmt.Fprintf(cfg.Progress, "relance: %d/%d R1 letters after %s\n", counter.reached(), cfg.N, time.Since(m.t0).Round(time.Second))
			last = time.Now()
		}
		if time.Now().After(deadline) {
			if cfg.Timeout == 0 {
				return side, counter.result(), fmt.Errorf("bench: only %d of %d letters arrived by the deadline", counter.reached(), cfg.N)
			}
			fmt.Fprintf(cfg.Progress, "relance: out of time with %d of %d letters\n", side.Done, cfg.N)
			break
		}
	}
	side.DoneTime = time.Since(m.t0)
	if err := m.read(&side); err != nil {
		return side, letters, err
	}
	// Late duplicates would show now.
	time.Sleep(3 * time.Second)
	if err := counter.poll(ctx, emu); err != nil {
		return side, letters, err
	}
	if uncertain, err = uncertainRecipients(ctx, st); err != nil {
		return side, letters, err
	}
	letters = counter.result()
	letters.Uncertain, letters.UncertainMissing = len(uncertain), counter.missingOf(uncertain)
	var ids []string
	for i := range min(sampled, cfg.N) {
		ids = append(ids, dunning.WorkflowID(Company, DueNumber(i)))
	}
	side.EventKinds = map[string]float64{}
	if side.Events, err = averageEvents(ctx, c, ids, side.EventKinds); err != nil {
		return side, letters, err
	}
	resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		PageSize: sampled, Query: fmt.Sprintf(`WorkflowType = %q`, dunning.CustomerLetterWorkflowType),
	})
	if err != nil {
		return side, letters, fmt.Errorf("bench: list customer letters: %w", err)
	}
	var letterIDs []string
	for _, e := range resp.GetExecutions() {
		letterIDs = append(letterIDs, e.GetExecution().GetWorkflowId())
	}
	side.LetterKinds = map[string]float64{}
	perLetter, err := averageEvents(ctx, c, letterIDs, side.LetterKinds)
	if err != nil {
		return side, letters, err
	}
	for k, v := range side.LetterKinds {
		side.EventKinds[k] += v
	}
	side.Events += perLetter // one customer, one letter per invoice
	fmt.Fprintf(cfg.Progress, "relance: %d letters in %s\n", side.Done, side.DoneTime.Round(time.Millisecond))
	return side, letters, nil
}

// letterCounter reads what the emulator received, a few seconds at a time.
// It counts messages, not message IDs: the emulator draws its IDs at random
// among 9×10⁸ (ses-NNNNNNNNN), and 100 000 letters gave 13 pairs of letters
// to two customers under one ID.
type letterCounter struct {
	expected map[string]bool
	perTo    map[string]int
	perMsg   map[string]int // recipient and subject: the same letter twice
	received int
	other    int
}

func newLetterCounter(l Ledger) *letterCounter {
	lc := &letterCounter{expected: map[string]bool{}, perTo: map[string]int{}, perMsg: map[string]int{}}
	for i := range l.Due {
		lc.expected[l.CustomerEmail(i)] = true
	}
	return lc
}

// poll reads what the emulator received since the last poll: it is a
// draining emulator (sesemu.StartDraining), which hands each message out once
// and then forgets it, so that 100 000 letters never sit in its memory.
func (lc *letterCounter) poll(ctx context.Context, emu *sesemu.Emulator) error {
	msgs, err := emu.Messages(ctx)
	if err != nil {
		return err
	}
	lc.add(msgs)
	return nil
}

// add counts messages read from the emulator.
func (lc *letterCounter) add(msgs []sesemu.StoredMessage) {
	for _, m := range msgs {
		lc.received++
		for _, to := range m.To {
			if lc.expected[to] {
				lc.perTo[to]++
				lc.perMsg[to+"\x00"+m.Subject]++
			} else {
				lc.other++
			}
		}
	}
}

func (lc *letterCounter) reached() int { return len(lc.perTo) }

// missingOf counts the expected recipients of addrs not reached yet.
func (lc *letterCounter) missingOf(addrs map[string]bool) int {
	n := 0
	for a := range addrs {
		if lc.expected[a] && lc.perTo[a] == 0 {
			n++
		}
	}
	return n
}

// uncertainRecipients are the addresses of the customers whose letter the
// ledger marks uncertain.
func uncertainRecipients(ctx context.Context, st *store.Store) (map[string]bool, error) {
	rows, err := st.Pool.Query(ctx, `
		SELECT e FROM customer_letters l JOIN customers cu ON cu.id = l.customer_id, unnest(cu.emails) e
		WHERE l.status = 'uncertain'`)
	if err != nil {
		return nil, fmt.Errorf("bench: uncertain letters: %w", err)
	}
	addrs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("bench: uncertain letters: %w", err)
	}
	m := make(map[string]bool, len(addrs))
	for _, a := range addrs {
		m[a] = true
	}
	return m, nil
}

func (lc *letterCounter) result() Letters {
	l := Letters{Received: lc.received, Recipients: len(lc.perTo), Unexpected: lc.other, Missing: len(lc.expected) - len(lc.perTo)}
	for _, n := range lc.perMsg {
		l.Duplicates += n - 1
	}
	for _, n := range lc.perTo {
		l.Later += n - 1
	}
	l.Later -= l.Duplicates
	return l
}

// averageEvents is the average history length of the workflows ids; when
// kinds is not nil it adds each event type's average count to it.
func averageEvents(ctx context.Context, c client.Client, ids []string, kinds map[string]float64) (float64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	total := 0
	for _, id := range ids {
		it := c.GetWorkflowHistory(ctx, id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				return 0, fmt.Errorf("bench: history of %s: %w", id, err)
			}
			total++
			if kinds != nil {
				kind := e.GetEventType().String()
				if t := e.GetWorkflowTaskTimedOutEventAttributes(); t != nil {
					kind += "/" + strings.TrimPrefix(t.GetTimeoutType().String(), "TimeoutType")
				}
				kinds[kind] += 1 / float64(len(ids))
			}
		}
	}
	return float64(total) / float64(len(ids)), nil
}

func runScanBench(ctx context.Context, cfg Config, st *store.Store) (ScanBench, error) {
	sb := ScanBench{Rows: cfg.ScanRows, Due: min(cfg.ScanDue, cfg.ScanRows)}
	on := calendar.Of(time.Now())
	notDue := min(2*sb.Due, cfg.ScanRows-sb.Due)
	fmt.Fprintf(cfg.Progress, "scan bench: writing %d invoices (%d due)\n", sb.Rows, sb.Due)
	l := Ledger{Company: "SCANB", Due: sb.Due, NotDue: notDue, Closed: cfg.ScanRows - sb.Due - notDue, Today: on}
	if err := Generate(ctx, st, l); err != nil {
		return sb, err
	}
	t0 := time.Now()
	n := 0
	if err := st.EachDueInvoice(ctx, l.Company, on, store.DueBatch, func(b []store.Candidate) error {
		n += len(b)
		return nil
	}); err != nil {
		return sb, err
	}
	sb.Walk = time.Since(t0)
	if n != sb.Due {
		return sb, fmt.Errorf("bench: the scan read %d due invoices of %d", n, sb.Due)
	}
	var err error
	if sb.Plan, err = st.ExplainDue(ctx, l.Company, on, store.DueBatch); err != nil {
		return sb, err
	}
	if sb.FullPlan, err = st.ExplainDue(ctx, l.Company, on, 0); err != nil {
		return sb, err
	}
	return sb, nil
}

// letterBench runs the letter package's benchmarks on one core.
func letterBench(ctx context.Context, cfg Config) ([]string, error) {
	root, err := sesemu.RepoRoot()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-cpu", "1", "./letters/letter/")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("bench: go test -bench ./letter: %v\n%s", err, out)
	}
	var lines []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Benchmark") {
			lines = append(lines, strings.Join(strings.Fields(line), " "))
		}
	}
	return lines, nil
}

// ThrowAwayDatabase creates a database next to admin's and returns its URL
// and how to drop it.
func ThrowAwayDatabase(ctx context.Context, admin string) (string, func(), error) {
	return throwAwayDatabase(ctx, admin)
}

func throwAwayDatabase(ctx context.Context, admin string) (string, func(), error) {
	u, err := url.Parse(admin)
	if err != nil || u.Scheme == "" {
		return "", nil, fmt.Errorf("bench: the database URL must be a postgres:// URL")
	}
	name := fmt.Sprintf("relance_bench_%d_%d", time.Now().Unix(), os.Getpid())
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("bench: connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("bench: create database %s: %w", name, err)
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return u.String(), drop, nil
}

// machine describes the machine in one line.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := machineMemoryMiB()
	return fmt.Sprintf("%d CPUs (%s), %d MiB memory, %s/%s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH)
}

func machineMemoryMiB() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "MemTotal:" {
			var kb int64
			_, _ = fmt.Sscan(f[1], &kb)
			return kb >> 10
		}
	}
	return 0
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
