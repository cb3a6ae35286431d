package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/testkit/temporaltest"
)

// Servers the bench runs on (Config.Server).
const (
	ServerDev      = "dev"      // the Temporal CLI's dev server (SQLite in memory)
	ServerPostgres = "postgres" // go.temporal.io/server on PostgreSQL, as `make cluster` runs it
)

// engine is the Temporal server of a bench run.
type engine struct {
	kind    string
	address string
	pid     int      // the server process, for its CPU and memory
	dbs     []string // its PostgreSQL databases (postgres): their backends' CPU is the server's too
	admin   string   // PostgreSQL URL to read pg_stat_activity and drop the databases
	stop    func()
}

// startEngine starts the server kind asks for.
func startEngine(ctx context.Context, kind, admin string, progress io.Writer) (*engine, error) {
	switch kind {
	case "", ServerDev:
		srv, err := temporaltest.Start()
		if err != nil {
			return nil, err
		}
		return &engine{kind: ServerDev, address: srv.Address, pid: srv.Pid(), stop: srv.Stop}, nil
	case ServerPostgres:
		return startCluster(ctx, admin, progress)
	}
	return nil, fmt.Errorf("bench: unknown server %q (dev or postgres)", kind)
}

// startCluster runs scripts/cluster.sh on free ports with databases of its
// own, dropped at the end.
func startCluster(ctx context.Context, admin string, progress io.Writer) (*engine, error) {
	root, err := sesemu.RepoRoot()
	if err != nil {
		return nil, err
	}
	port, err := freeClusterPort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "relance-bench-cluster-")
	if err != nil {
		return nil, err
	}
	db := fmt.Sprintf("temporal_bench_%d", os.Getpid())
	env := append(os.Environ(), "TEMPORAL_PORT="+strconv.Itoa(port), "TEMPORAL_DB="+db, "CLUSTER_DIR="+dir)
	run := func(verb string) error {
		cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "cluster.sh"), verb)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = root, env, progress, progress
		return cmd.Run()
	}
	e := &engine{kind: ServerPostgres, address: fmt.Sprintf("127.0.0.1:%d", port), dbs: []string{db, db + "_visibility"}, admin: admin}
	e.stop = func() {
		_ = run("stop")
		if c, err := pgx.Connect(context.Background(), admin); err == nil {
			for _, d := range e.dbs {
				_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+d+" WITH (FORCE)")
			}
			c.Close(context.Background())
		}
		os.RemoveAll(dir)
	}
	if err := run("start"); err != nil {
		e.stop()
		return nil, fmt.Errorf("bench: scripts/cluster.sh: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "temporal.pid"))
	if err == nil {
		e.pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if err != nil {
		e.stop()
		return nil, fmt.Errorf("bench: the cluster's pid: %w", err)
	}
	return e, nil
}

// freeClusterPort is a frontend port whose derived ports (the layout of
// deploy/temporal/config/relance.yaml) are free; membership ports are
// stored as smallint, so it stays below 32 000.
func freeClusterPort() (int, error) {
	for range 200 {
		n, _ := rand.Int(rand.Reader, big.NewInt(11000))
		p := 21000 + int(n.Int64())
		free := true
		for _, q := range []int{p, p + 1, p + 2, p + 6, p + 10, p - 300, p - 299, p - 298, p - 294, p + 767} {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", q))
			if err != nil {
				free = false
				break
			}
			l.Close()
		}
		if free {
			return p, nil
		}
	}
	return 0, fmt.Errorf("bench: no free port range for the cluster")
}

// pgCPU is the CPU used so far by the PostgreSQL backends serving dbs
// (the server's pool keeps its connections, so the same backends are read
// at both ends of a phase), by backend pid.
func pgCPU(ctx context.Context, admin string, dbs []string) (map[int]time.Duration, error) {
	out := map[int]time.Duration{}
	if len(dbs) == 0 {
		return out, nil
	}
	c, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)`, dbs)
	if err != nil {
		return nil, err
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	for _, pid := range pids {
		if u, err := readUsage(int(pid)); err == nil {
			out[int(pid)] = u.cpu
		}
	}
	return out, nil
}

// pgSize is the size on disk of dbs (pg_database_size): 0 without
// databases (the dev server).
func pgSize(ctx context.Context, admin string, dbs []string) (int64, error) {
	if len(dbs) == 0 {
		return 0, nil
	}
	c, err := pgx.Connect(ctx, admin)
	if err != nil {
		return 0, fmt.Errorf("bench: database size: %w", err)
	}
	defer c.Close(ctx)
	var n int64
	if err := c.QueryRow(ctx, `SELECT coalesce(sum(pg_database_size(d)), 0)::bigint FROM unnest($1::text[]) d`, dbs).Scan(&n); err != nil {
		return 0, fmt.Errorf("bench: database size: %w", err)
	}
	return n, nil
}

// pgCPUSince is the CPU the backends used since before.
func pgCPUSince(ctx context.Context, admin string, dbs []string, before map[int]time.Duration) time.Duration {
	now, err := pgCPU(ctx, admin, dbs)
	if err != nil {
		return 0
	}
	var d time.Duration
	for pid, cpu := range now {
		d += cpu - before[pid]
	}
	return d
}

// pingCounter counts the floor activities that ran (distinct workflow
// IDs posted to it).
type pingCounter struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen map[string]bool
}

func newPingCounter() *pingCounter {
	p := &pingCounter{seen: map[string]bool{}}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.seen[string(b)] = true
		p.mu.Unlock()
	}))
	return p
}

func (p *pingCounter) url() string { return p.srv.URL }

func (p *pingCounter) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen)
}

func (p *pingCounter) close() { p.srv.Close() }
