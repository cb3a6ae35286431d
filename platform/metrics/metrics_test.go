package metrics

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestTemporalAdapter emits SDK-style metrics with differing tag sets and
// checks the scrape is valid and carries them.
func TestTemporalAdapter(t *testing.T) {
	h := Temporal().WithTags(map[string]string{"namespace": "default"})
	h.Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "PollWorkflowTaskQueue"}).Counter("temporal_request").Inc(1)
	h.WithTags(map[string]string{"task_queue": "relance"}).Gauge("temporal_worker_task_slots_available").Update(7)
	h.WithTags(map[string]string{"activity_type": "SendLetter"}).Timer("temporal_activity_execution_latency").Record(1500 * time.Millisecond)
	Letter(LetterUncertain)
	WebhookAnswer(409)
	RenderTime(20 * time.Millisecond)
	Scanned("started", 3)

	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, body)
	}
	for _, want := range []string{
		`temporal_request{namespace="default",operation=""} 2`,
		`temporal_request{namespace="default",operation="PollWorkflowTaskQueue"} 1`,
		`temporal_worker_task_slots_available{namespace="default",task_queue="relance"} 7`,
		`temporal_activity_execution_latency_seconds_sum{activity_type="SendLetter",namespace="default"} 1.5`,
		`relance_letters_total{outcome="uncertain"} 1`,
		`relance_letters_total{outcome="sent"} 0`,
		`relance_webhook_answers_total{status="409"} 1`,
		`relance_scan_invoices_total{result="started"} 3`,
		`relance_letter_render_seconds_count 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

func TestReadyNamesWhatIsDown(t *testing.T) {
	checks := Checks{
		"postgres": func(context.Context) error { return nil },
		"temporal": func(context.Context) error { return errors.New("dial tcp 10.0.0.1:7233: refused") },
	}
	rec := httptest.NewRecorder()
	Ready(checks, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 503 || rec.Body.String() != "temporal: unavailable\n" {
		t.Errorf("/readyz = %d %q", rec.Code, rec.Body.String())
	}
	// The same handler logs the end of the outage.
	var logs bytes.Buffer
	h := Ready(checks, slog.New(slog.NewTextHandler(&logs, nil)))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/readyz", nil))
	checks["temporal"] = func(context.Context) error { return nil }
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 200 || !strings.Contains(logs.String(), "dependency unavailable") ||
		!strings.Contains(logs.String(), "available again") || !strings.Contains(logs.String(), "unavailable_for=") {
		t.Errorf("/readyz = %d %q; log:\n%s", rec.Code, rec.Body.String(), logs.String())
	}
}

// TestServeAnswersProbesAndScrapes: the worker's address (METRICS_ADDR)
// answers /readyz, /healthz and /metrics.
func TestServeAnswersProbesAndScrapes(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop, err := Serve(context.Background(), addr, Checks{"postgres": func(context.Context) error { return nil }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, probe := range []struct{ path, want string }{{"/readyz", "ok"}, {"/healthz", "ok"}, {"/metrics", "go_goroutines"}} {
		resp, err := http.Get("http://" + addr + probe.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), probe.want) {
			t.Errorf("GET %s = %d %.100q, want 200 with %q", probe.path, resp.StatusCode, b, probe.want)
		}
	}
}
