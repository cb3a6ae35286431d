// Command worker runs relance's workflows and activities. Configuration
// comes from the environment (README, "Configuration").
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "time/tzdata" // company time zones resolve the same on every machine

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/confirm"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/letters/portallink"
	"github.com/relance/relance/platform/config"
	"github.com/relance/relance/platform/metrics"
	"github.com/relance/relance/platform/redact"
	"github.com/relance/relance/platform/temporalclient"
	"github.com/relance/relance/platform/workers"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
)

func main() {
	cfg := config.FromEnv()
	log := slog.New(redact.NewHandler(cfg.Logger().Handler())) // no e-mail address reaches the log
	if err := run(cfg, log); err != nil {
		log.Error("worker stopped", "err", err)
		os.Exit(1)
	}
}

func run(cfg config.Config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	size := workers.FromMachine()
	st, err := store.OpenPool(ctx, cfg.DatabaseURL, size.DBConns)
	if err != nil {
		return err
	}
	defer st.Close()
	sender, err := mail.NewSES(ctx, cfg.SESRegion, cfg.SESEndpoint)
	if err != nil {
		return fmt.Errorf("SES: %w", err)
	}
	opts, err := temporalclient.Options(log) // address, namespace, TLS, API key, payload encryption
	if err != nil {
		return err
	}
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s: %w", opts.HostPort, err)
	}
	defer c.Close()

	links, err := portallink.FromEnv() // RELANCE_PORTAL_SECRET: letters carry a link to the customer's page
	if err != nil {
		return err
	}
	sender.ConfigurationSet = os.Getenv("SES_CONFIGURATION_SET") // SES events (Send, Reject, Bounce, Complaint) to SNS: docs/exactly-once.md, docs/customer-side.md
	set := workers.New(c, &activities.Activities{Store: st, Mailer: sender, Temporal: c, Log: log, Portal: links,
		Confirm: checkerFor(cfg.SESEndpoint, sender.ConfigurationSet, st, log)}, size,
		func(o *worker.Options) {
			o.WorkerStopTimeout = activities.WorkerStopTimeout // a deploy lets letters in flight finish
			o.Interceptors = append(o.Interceptors, interceptor.WorkerInterceptor(activities.Heartbeats()))
		})
	if addr := os.Getenv("METRICS_ADDR"); addr != "" {
		stopMetrics, err := metrics.Serve(ctx, addr, metrics.Checks{"postgres": st.Pool.Ping, "temporal": metrics.TemporalCheck(c)}, log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	log.Info("worker started", "temporal", opts.HostPort, "namespace", opts.Namespace, "payloads_encrypted", temporalclient.Encrypted(),
		"task_queue", dunning.TaskQueue, "letter_task_queue", dunning.LetterTaskQueue, "sizing", size.String(),
		"database", config.Redacted(cfg.DatabaseURL), "ses_endpoint", cfg.SESEndpoint)
	return set.Run(interruptOn(ctx))
}

// checkerFor is how uncertain letters are looked for at SES: in the
// emulator's store when SES_ENDPOINT names one, in the SES events received
// through SNS when a configuration set publishes them, nowhere otherwise
// (an operator decides). LETTER_RESEND_AFTER is how long after its claim a
// letter SES shows no trace of is sent again (2m with the emulator, 1h
// with SES events, by default).
func checkerFor(endpoint, configurationSet string, st *store.Store, log *slog.Logger) confirm.Checker {
	settle := func(def time.Duration) time.Duration {
		if d, err := time.ParseDuration(os.Getenv("LETTER_RESEND_AFTER")); err == nil && d > 0 {
			return d
		}
		return def
	}
	switch {
	case endpoint != "":
		return confirm.EmulatorStore{URL: endpoint, Settle: settle(2 * time.Minute)}
	case configurationSet != "":
		return confirm.Events{Log: st, Settle: settle(time.Hour)}
	}
	log.Warn("no SES configuration set: uncertain letters wait for an operator (SES_CONFIGURATION_SET)")
	return nil
}

func interruptOn(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch
}
