// Command server serves relance's HTTP interface on one address: the
// credit controllers' web app (pages under /), the operator JSON API
// (/v1/...) and the payment webhook (POST /v1/payments). `starter serve`
// runs the same thing (web.Run).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // company time zones resolve the same on every machine

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/platform/config"
	"github.com/relance/relance/platform/temporalclient"
	"go.temporal.io/sdk/client"
)

func main() {
	addr := flag.String("addr", envOr("RELANCE_ADDR", "127.0.0.1:8080"), "address to listen on (host:port)")
	ui := flag.String("temporal-ui", envOr("TEMPORAL_UI_URL", "http://localhost:8233"), "Temporal UI address, for the invoice page's link to its workflow (empty: no link)")
	insecure := flag.Bool("insecure-cookies", false, "send the session cookie over plain HTTP on an address other than localhost (never in production)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *addr, *ui, *insecure)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, ui string, insecure bool) error {
	cfg := config.FromEnv()
	if os.Getenv("LOG_LEVEL") == "" {
		cfg.LogLevel = slog.LevelInfo
	}
	log := cfg.Logger()
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("database %s: %w", config.Redacted(cfg.DatabaseURL), err)
	}
	defer st.Close()
	// The same client as every other program (temporalclient): TLS or an
	// API key when the environment says so, and the payload encryption
	// without which the worker's encrypted results could not be read.
	opts, err := temporalclient.Options(log)
	if err != nil {
		return err
	}
	tc, err := client.NewLazyClient(opts)
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s: %w", opts.HostPort, err)
	}
	defer tc.Close()
	adminFactor, err := web.ParseAdminSecondFactor(os.Getenv(web.AdminSecondFactorEnv))
	if err != nil {
		return err
	}
	return web.Run(ctx, web.RunOptions{
		Addr: addr, Ops: &actions.Ops{Store: st, Temporal: tc}, Log: log, TemporalUI: ui,
		Namespace: opts.Namespace, InsecureCookies: insecure, RequireAdminSecondFactor: adminFactor,
		Ready: func(a string) {
			fmt.Printf("relance web app on http://%s/ (API /v1/..., payment webhook POST /v1/payments)\n", a)
		},
	})
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
