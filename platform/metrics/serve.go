package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
)

// Checks are the dependencies /readyz asks, by name.
type Checks map[string]func(context.Context) error

// TemporalCheck asks the Temporal frontend whether it serves.
func TemporalCheck(c client.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}
}

// Ready answers /readyz: 200 when every check passes within 3 seconds,
// 503 naming the ones that failed otherwise (without their errors, which
// may name hosts or users: those are logged). It logs when a dependency
// becomes unavailable and when it is back, with how long it was away, so
// the log says when an outage ended.
func Ready(checks Checks, log *slog.Logger) http.Handler {
	var mu sync.Mutex
	downSince := map[string]time.Time{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		var down []string
		for _, name := range slices.Sorted(maps.Keys(checks)) {
			err := checks[name](ctx)
			mu.Lock()
			since, wasDown := downSince[name]
			switch {
			case err != nil && !wasDown:
				downSince[name] = time.Now()
				if log != nil {
					log.Warn("readiness: dependency unavailable", "check", name, "err", err)
				}
			case err == nil && wasDown:
				delete(downSince, name)
				if log != nil {
					log.Info("readiness: dependency available again", "check", name, "unavailable_for", time.Since(since).Round(time.Second).String())
				}
			}
			mu.Unlock()
			if err != nil {
				down = append(down, name)
			}
		}
		status, body := http.StatusOK, "ok\n"
		if len(down) > 0 {
			status, body = http.StatusServiceUnavailable, ""
			for _, name := range down {
				body += name + ": unavailable\n"
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

// Serve serves /metrics, /readyz and /healthz on addr until the returned
// stop is called. The worker uses it (METRICS_ADDR).
func Serve(_ context.Context, addr string, checks Checks, log *slog.Logger) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", Handler())
	mux.Handle("GET /readyz", Ready(checks, log))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	if log != nil {
		log.Info("metrics on /metrics, readiness on /readyz", "addr", ln.Addr().String())
	}
	done := make(chan struct{})
	go func() {
		<-done // served while the worker drains (ctx ended), until it returns
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return func() { close(done) }, nil
}
