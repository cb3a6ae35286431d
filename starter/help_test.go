package main

import (
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"
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

	cases := [][]string{{"serve", "--addr", serveAddr, "-h"}}
	for _, c := range commands {
		cases = append(cases, []string{c.name, "-h"}, []string{c.name, "--help"})
	}
	for _, sub := range [][]string{
		{"ladder", "show"}, {"ladder", "set"}, {"calls", "add"}, {"calls", "list"}, {"calls", "delete"},
		{"templates", "list"}, {"templates", "show"}, {"templates", "set"}, {"templates", "delete"},
		{"rates", "list"}, {"rates", "set"}, {"tokens", "create"}, {"tokens", "list"}, {"tokens", "revoke"},
		{"sources", "set"},
	} {
		cases = append(cases, append(sub, "-h"))
	}
	for _, args := range cases {
		t.Run(args[0]+" "+args[len(args)-1], func(t *testing.T) {
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
