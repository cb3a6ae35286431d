package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

// tripwire is a TCP listener that counts the connections it accepts: a
// command that reaches the database, Temporal or SES dials it.
type tripwire struct {
	ln    net.Listener
	dials atomic.Int32
}

func newTripwire(t *testing.T) *tripwire {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tw := &tripwire{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tw.dials.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return tw
}

func (tw *tripwire) addr() string { return tw.ln.Addr().String() }

// freePort returns an address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestHelpRunsNothing asks every command (and every subcommand) for its
// help: each must answer success and touch neither the database, Temporal,
// SES nor open a listener.
func TestHelpRunsNothing(t *testing.T) {
	db, temporal, ses := newTripwire(t), newTripwire(t), newTripwire(t)
	t.Setenv("DATABASE_URL", "postgres://relance@"+db.addr()+"/relance?sslmode=disable&connect_timeout=2")
	t.Setenv("TEMPORAL_ADDRESS", temporal.addr())
	t.Setenv("SES_ENDPOINT", "http://"+ses.addr())
	serveAddr := freePort(t)

	cases := [][]string{{"serve", "--addr", serveAddr, "-h"}, {}, {"help"}, {"-h"}, {"--help"}, {"help", "company", "add"}}
	for _, path := range commandPaths(t) {
		cases = append(cases, append(path[:len(path):len(path)], "-h"), append(path[:len(path):len(path)], "--help"))
	}
	for _, sub := range [][]string{{"calls", "add"}, {"calls", "list"}, {"calls", "delete"}} {
		cases = append(cases, append(sub, "-h"))
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a regression fails, not hangs
			defer cancel()
			var out bytes.Buffer
			if err := dispatch(ctx, args, &out); err != nil {
				t.Errorf("%v: err = %v, want help and success", args, err)
			}
		})
	}
	if n := db.dials.Load() + temporal.dials.Load() + ses.dials.Load(); n != 0 {
		t.Errorf("help reached a server: database %d, Temporal %d, SES %d connections", db.dials.Load(), temporal.dials.Load(), ses.dials.Load())
	}
	ln, err := net.Listen("tcp", serveAddr)
	if err != nil {
		t.Errorf("serve -h left a listener on %s: %v", serveAddr, err)
	} else {
		ln.Close()
	}
}

// commandPaths lists every command and subcommand of the command line
// ({"company"}, {"company", "add"}, ...), read from kong's model of cli.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	var c cli
	p, err := newParser(&c, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	var walk func(n *kong.Node, path []string)
	walk = func(n *kong.Node, path []string) {
		for _, ch := range n.Children {
			p := append(path[:len(path):len(path)], ch.Name)
			out = append(out, p)
			walk(ch, p)
		}
	}
	walk(p.Model.Node, nil)
	return out
}

// TestNoArgumentsPrintsHelp runs starter with no arguments: it prints the
// commands, each with its summary, and succeeds (exit status 0).
func TestNoArgumentsPrintsHelp(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := dispatch(context.Background(), nil, &out); err != nil {
		t.Fatalf("starter with no arguments: %v", err)
	}
	for _, path := range commandPaths(t) {
		if len(path) == 1 && !strings.Contains(out.String(), "  "+path[0]+" ") {
			t.Errorf("the help lacks the command %s:\n%s", path[0], out.String())
		}
	}
	out.Reset()
	if err := dispatch(context.Background(), []string{"help", "company"}, &out); err != nil ||
		!strings.Contains(out.String(), "add") || !strings.Contains(out.String(), "archive") {
		t.Errorf("starter help company: %v\n%s", err, out.String())
	}
}

// TestExitStatus runs the program itself: no arguments and help exit 0, a
// command line that does not parse exits 2, before anything is opened.
func TestExitStatus(t *testing.T) {
	if os.Getenv("STARTER_RUN_MAIN") == "1" {
		os.Args = append([]string{"starter"}, strings.Fields(os.Getenv("STARTER_ARGS"))...)
		main()
		os.Exit(0)
	}
	t.Parallel()
	for args, want := range map[string]int{"": 0, "help": 0, "company --help": 0, "frobnicate": 2, "pay --company X": 2} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestExitStatus$")
		cmd.Env = append(os.Environ(), "STARTER_RUN_MAIN=1", "STARTER_ARGS="+args, "DATABASE_URL=postgres://127.0.0.1:1/none")
		_ = cmd.Run()
		if got := cmd.ProcessState.ExitCode(); got != want {
			t.Errorf("starter %s: exit status %d, want %d", args, got, want)
		}
	}
}
