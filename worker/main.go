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

	"github.com/relance/relance/activities"
	"github.com/relance/relance/config"
	"github.com/relance/relance/dunning"
	"github.com/relance/relance/mail"
	"github.com/relance/relance/store"
	"github.com/relance/relance/workflows"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	_ "time/tzdata" // company time zones resolve the same on every machine
)

func main() {
	cfg := config.FromEnv()
	log := cfg.Logger()
	if err := run(cfg, log); err != nil {
		log.Error("worker stopped", "err", err)
		os.Exit(1)
	}
}

func run(cfg config.Config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	sender, err := mail.NewSES(ctx, cfg.SESRegion, cfg.SESEndpoint)
	if err != nil {
		return fmt.Errorf("SES: %w", err)
	}
	c, err := client.Dial(client.Options{
		HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		Logger: tlog.NewStructuredLogger(log),
	})
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	defer c.Close()

	w := worker.New(c, dunning.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: st, Mailer: sender, Temporal: c, Log: log})
	log.Info("worker started", "temporal", cfg.TemporalAddress, "namespace", cfg.TemporalNamespace,
		"task_queue", dunning.TaskQueue, "database", config.Redacted(cfg.DatabaseURL), "ses_endpoint", cfg.SESEndpoint)
	return w.Run(interruptOn(ctx))
}

func interruptOn(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch
}
