package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/platform/codec"
	"github.com/relance/relance/platform/temporalclient"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// TestServerWithPayloadEncryption runs the server command's run against a
// worker that encrypts its payloads (PAYLOAD_KEYS), as in production: an
// operator's skip reaches the workflow encrypted, and the server reads the
// encrypted answer. The server once dialled Temporal without the codec and
// answered 500 to every action there.
func TestServerWithPayloadEncryption(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := temporaltest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	st, dbURL := dbtest.New(t)
	today := calendar.Of(time.Now())
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: "SRV", DaySeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PAYLOAD_KEYS", "k1="+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	t.Setenv("TEMPORAL_ADDRESS", srv.Address)
	t.Setenv("TEMPORAL_NAMESPACE", "default")
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "none.toml"))
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("LOG_LEVEL", "warn")

	// The worker, encrypting like the worker command.
	opts, err := temporalclient.Options(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	tc, err := client.Dial(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	queue := "server-test"
	w := worker.New(tc, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: st, Temporal: tc, Log: slog.New(slog.DiscardHandler)})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	id := dunning.WorkflowID("SRV", "FA0168")
	if _, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue},
		dunning.InvoiceWorkflowType, wire.Input{Company: "SRV", Invoice: "FA0168"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tc.TerminateWorkflow(context.Background(), id, "", "test over") })

	// The server command.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	done := make(chan error, 1)
	go func() { done <- run(ctx, addr, "", false) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("the server did not stop")
		}
	})
	token, _, err := st.CreateToken(ctx, "marie", store.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}

	// Skip: until the workflow has read its invoice, the skip may be
	// refused or the server not yet listening; then it must succeed.
	var status int
	var body map[string]any
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		status, body = post(t, "http://"+addr+"/v1/invoices/SRV/FA0168/skip", token, `{"reason": "test"}`)
		if status == http.StatusOK {
			break
		}
	}
	if status != http.StatusOK || body["nextLevel"] != "R2" {
		t.Fatalf("skip through the server: %d %v, want 200 and next level R2", status, body)
	}

	// Probes (docker-compose's health check) and Prometheus answer on the
	// same address as the web app.
	for _, probe := range []struct{ path, want string }{{"/readyz", "ok"}, {"/metrics", "relance_"}} {
		resp, err := http.Get("http://" + addr + probe.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), probe.want) {
			t.Errorf("GET %s: %d %.200q, want 200 with %q", probe.path, resp.StatusCode, b, probe.want)
		}
	}

	// The update went into the history encrypted.
	plain, err := client.Dial(client.Options{HostPort: srv.Address})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	found := false
	it := plain.GetWorkflowHistory(ctx, id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := e.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil {
			for _, p := range a.GetAcceptedRequest().GetInput().GetArgs().GetPayloads() {
				found = true
				if enc := string(p.GetMetadata()["encoding"]); enc != codec.Encoding {
					t.Errorf("the skip's input is stored as %q, want %q", enc, codec.Encoding)
				}
			}
		}
	}
	if !found {
		t.Error("no accepted update in the history")
	}
}

// post sends an operator API request and decodes its JSON answer.
func post(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, map[string]any{"error": fmt.Sprint(err)}
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}
