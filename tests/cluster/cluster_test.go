// Package cluster runs the demo company's ladder through the real Temporal
// server of `make cluster` (go.temporal.io/server on PostgreSQL, started by
// scripts/cluster.sh on free ports and databases of its own), with the
// worker's registrations, the SES emulator and a fresh relance schema.
//
// It takes a minute or two and builds the server once (.run/bin), so it
// runs only when RELANCE_CLUSTER=1 (`make test-cluster`, which CI runs).
package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/platform/workers"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/client"
)

// Cluster is a Temporal server started by scripts/cluster.sh.
type Cluster struct {
	Address string
	env     []string
	root    string
	dbs     []string
}

// startCluster sets up and starts a cluster on free ports with databases
// of its own, stopped and dropped when the test ends.
func startCluster(t *testing.T) *Cluster {
	t.Helper()
	root, err := sesemu.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	db := "temporal_t" + hex.EncodeToString(b)
	port := freeBase(t)
	c := &Cluster{
		Address: fmt.Sprintf("127.0.0.1:%d", port),
		root:    root,
		dbs:     []string{db, db + "_visibility"},
		env: append(os.Environ(),
			fmt.Sprint("TEMPORAL_PORT=", port),
			"TEMPORAL_DB="+db,
			"CLUSTER_DIR="+t.TempDir(),
			"TEMPORAL_HISTORY_SHARDS=4", // a test's cluster: few shards start faster
		),
	}
	t.Cleanup(func() {
		c.run(t, "stop")
		c.dropDatabases(t)
	})
	c.run(t, "start")
	return c
}

// Restart stops the server process (SIGTERM) and starts it again on the
// same ports and databases.
func (c *Cluster) Restart(t *testing.T) {
	t.Helper()
	c.run(t, "stop")
	c.run(t, "start")
}

func (c *Cluster) run(t *testing.T, verb string) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(c.root, "scripts", "cluster.sh"), verb)
	cmd.Dir, cmd.Env = c.root, c.env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/cluster.sh %s: %v\n%s", verb, err, out)
	}
	t.Logf("scripts/cluster.sh %s: %s", verb, time.Since(start).Round(100*time.Millisecond))
}

func (c *Cluster) dropDatabases(t *testing.T) {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, adminURL())
	if err != nil {
		t.Logf("drop %v: %v", c.dbs, err)
		return
	}
	defer admin.Close(ctx)
	for _, db := range c.dbs {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", db, err)
		}
	}
}

// adminURL is the test database's server, on its postgres database.
func adminURL() string {
	u := dbtest.URL()
	if i := strings.LastIndex(u, "/"); i > 0 {
		rest := ""
		if j := strings.Index(u[i:], "?"); j >= 0 {
			rest = u[i+j:]
		}
		return u[:i] + "/postgres" + rest
	}
	return u
}

// freeBase returns a frontend port P whose derived ports (the layout of
// deploy/temporal/config/relance.yaml) are all free now.
func freeBase(t *testing.T) int {
	t.Helper()
	for range 200 {
		// Membership ports (P-300...) are kept in a smallint column: below 32768.
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
			return p
		}
	}
	t.Fatal("no free port range for the cluster")
	return 0
}

// TestDemoLadderOnTheCluster: the demo company's invoices are scanned and
// dunned on the PostgreSQL-backed server; the server process restarts
// while letters are going out; after it, an operator skip and a payment
// signal act, the ladder goes on to the formal notice, no letter goes out
// twice, and a second scan starts nothing.
func TestDemoLadderOnTheCluster(t *testing.T) {
	if os.Getenv("RELANCE_CLUSTER") != "1" {
		t.Skip("RELANCE_CLUSTER=1 (make test-cluster) runs the test through a real Temporal server")
	}
	ctx := context.Background()
	cl := startCluster(t)
	st, schemaURL := dbtest.New(t)
	emu := sesemu.StartT(t)
	tc, err := client.Dial(client.Options{HostPort: cl.Address, Logger: quiet{}})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	sender, err := mail.NewSES(ctx, "eu-west-3", emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	acts := &activities.Activities{Store: st, Mailer: sender, Temporal: tc, Log: log}
	// The worker process's own sizing (pollers, slots, sticky cache and
	// sticky timeout), as cmd worker runs it.
	set := workers.New(tc, acts, workers.Plan(runtime.GOMAXPROCS(0), workers.DefaultMaxMemory))
	if err := set.Start(); err != nil {
		t.Fatal(err)
	}
	defer set.Stop()

	const company = "CLU1"
	paris, _ := time.LoadLocation("Europe/Paris")
	today := calendar.Of(time.Now().In(paris))
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, DaySeconds: 6, Code: company, EmailDomain: "clu1.example.com"}); err != nil {
		t.Fatal(err)
	}
	short := ladder.Default()
	for i := range short {
		short[i].DelayDays = min(short[i].DelayDays, 1)
	}
	if err := st.SetLadder(ctx, company, short); err != nil {
		t.Fatal(err)
	}

	rep, err := scan.Run(ctx, st, tc, company, today, log)
	if err != nil || rep.StartedCount < 15 || rep.FailedCount > 0 {
		t.Fatalf("scan: %+v %v", rep, err)
	}
	const paul = "paul@infodebutant.clu1.example.com" // INFO DEBUTANT: FA0168, FA0176, FA0184
	toPaul := func() []string {
		msgs, err := emu.Messages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for _, m := range msgs {
			if len(m.To) == 1 && m.To[0] == paul {
				subjects = append(subjects, m.Subject)
			}
		}
		return subjects
	}
	eventually(t, 120*time.Second, "INFO DEBUTANT's first letter", func() bool { return len(toPaul()) >= 1 })

	cl.Restart(t)
	before := len(toPaul())

	o := &actions.Ops{Store: st, Temporal: tc}
	// Skip one invoice of another customer; pay FA0168 in full.
	var skipped string
	for _, n := range rep.Started {
		if !strings.HasPrefix(n, "FA0168") && !strings.HasPrefix(n, "FA0176") && !strings.HasPrefix(n, "FA0184") && !strings.Contains(n, "#") {
			skipped = n
			break
		}
	}
	var s dunning.State
	eventually(t, 60*time.Second, "the skip of "+skipped, func() bool {
		s, err = o.Act(ctx, company, skipped, dunning.UpdateSkip, dunning.SkipRequest{Actor: "cluster-test", Reason: "test"})
		return err == nil
	})
	t.Logf("%s after skip: %s, level %s, next %s", skipped, s.Status, s.Level, s.NextLevel)
	pay := dunning.Payment{ExternalID: "CLU-BANK-1", Amount: decimal.RequireFromString("6019.20"), PaidOn: today, Method: "transfer"}
	if _, err := o.Pay(ctx, company, "FA0168", pay); err != nil {
		t.Fatal(err)
	}
	var res wire.Result
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := tc.GetWorkflow(wctx, dunning.WorkflowID(company, "FA0168"), "").Get(wctx, &res); err != nil {
		t.Fatalf("FA0168: %v", err)
	}
	if res.Outcome != dunning.StatusPaid {
		t.Errorf("FA0168 ended %+v, want paid", res)
	}

	eventually(t, 180*time.Second, "FA0176 and FA0184 unresolved after the formal notice", func() bool {
		for _, n := range []string{"FA0176", "FA0184"} {
			if s, err := o.State(ctx, company, n); err != nil || s.Status != dunning.StatusUnresolved {
				return false
			}
		}
		return true
	})
	subjects := toPaul()
	t.Logf("INFO DEBUTANT received %d e-mails (%d before the restart): %q", len(subjects), before, subjects)
	if len(subjects) <= before {
		t.Errorf("no letter after the server restart")
	}
	// Every e-mail against the ledger, once no letter is on its way (the
	// ledger reads the same before and after the emulator's store).
	var (
		msgs []sesemu.StoredMessage
		cls  []sentLetter
		ils  []invoiceLetter
	)
	eventually(t, 60*time.Second, "the letters to settle", func() bool {
		before, _, err := ledgerLetters(ctx, schemaURL, company)
		if err != nil {
			t.Fatal(err)
		}
		if msgs, err = emu.Messages(ctx); err != nil {
			t.Fatal(err)
		}
		if cls, ils, err = ledgerLetters(ctx, schemaURL, company); err != nil {
			t.Fatal(err)
		}
		if len(before) != len(cls) {
			return false
		}
		for i := range cls {
			if cls[i].status != before[i].status || cls[i].status == "sending" || cls[i].status == "pending" {
				return false
			}
		}
		return true
	})
	audit := auditLetters(t, msgs, cls, ils, 6*time.Second)
	if dir := os.Getenv("RELANCE_CLUSTER_KEEP"); dir != "" {
		keepMails(t, dir, msgs, audit)
	}
	if t.Failed() {
		t.Logf("the ledger's letters and the e-mails:\n%s", audit)
	}
	// Every letter went out: e-mailed, or queued for the post for a
	// customer who gets letters on paper (the skipped invoice may be one).
	for _, l := range ils {
		if l.status != "sent" && l.status != "queued_print" {
			t.Errorf("%s %s #%d: status %s", l.invoice, l.level, l.sequence, l.status)
		}
	}

	// The ledger knows the running dunnings: a second scan starts none.
	again, err := scan.Run(ctx, st, tc, company, today, log)
	if err != nil || again.StartedCount != 0 {
		t.Errorf("second scan: %d started (%v), want 0", again.StartedCount, err)
	}
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// quiet is the Temporal client's logger: warnings and errors only.
type quiet struct{}

func (quiet) Debug(string, ...any)      {}
func (quiet) Info(string, ...any)       {}
func (quiet) Warn(m string, kv ...any)  { slog.Warn(m, kv...) }
func (quiet) Error(m string, kv ...any) { slog.Error(m, kv...) }
