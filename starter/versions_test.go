package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/testkit/temporaltest"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// markedWorkflow stands in for InvoiceDunning: a run started "new" asks
// for the "statement" change (GetVersion records statement-2), an "old"
// one does not, as a run started before the change. Both wait for a
// signal.
func markedWorkflow(ctx workflow.Context, old bool) error {
	if !old {
		workflow.GetVersion(ctx, "statement", workflow.DefaultVersion, 2)
	}
	workflow.GetSignalChannel(ctx, "stop").Receive(ctx, nil)
	return nil
}

// TestVersionsCountsOpenRunsPerMarker runs `starter versions` against a
// dev server with one run that recorded statement-2 and one that recorded
// nothing: each is counted on its line.
func TestVersionsCountsOpenRunsPerMarker(t *testing.T) {
	srv := temporaltest.Shared(t)
	ns := srv.Namespace(t)
	c, err := client.Dial(client.Options{HostPort: srv.Address, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const queue = "versions-test"
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflowWithOptions(markedWorkflow, workflow.RegisterOptions{Name: dunning.InvoiceWorkflowType})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	for id, old := range map[string]bool{"new": false, "old": true} {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "versions/" + id, TaskQueue: queue}, dunning.InvoiceWorkflowType, old)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = c.SignalWorkflow(ctx, run.GetID(), "", "stop", nil) }()
	}
	t.Setenv("TEMPORAL_ADDRESS", srv.Address)
	t.Setenv("TEMPORAL_NAMESPACE", ns)
	want := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^InvoiceDunning\s+\(all\)\s+2\s+2 started before`),
		regexp.MustCompile(`(?m)^InvoiceDunning\s+statement\s+1\s+0\s+retired, must be 0$`),
		regexp.MustCompile(`(?m)^InvoiceDunning\s+statement\s+2\s+1\s`),
		regexp.MustCompile(`(?m)^InvoiceDunning\s+statement\s+none\s+1\s+started before the change \(DefaultVersion\): retired, must be 0$`),
		regexp.MustCompile(`(?m)^CustomerLetter\s+\(all\)\s+0\s`),
	}
	var out bytes.Buffer
	before := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	deadline := time.Now().Add(30 * time.Second)
	for {
		out.Reset()
		err := dispatch(ctx, []string{"versions", "--before", before}, &out)
		missing := 0
		for _, re := range want {
			if !re.Match(out.Bytes()) {
				missing++
			}
		}
		if err == nil && missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("starter versions: %v, %d line(s) missing in\n%s", err, missing, out.String())
		}
		time.Sleep(500 * time.Millisecond) // visibility follows shortly
	}
}
