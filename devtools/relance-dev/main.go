// Command relance-dev holds the development-only commands, kept out of the
// production binaries: the bench (docs/operations.md "Bench") and the outbox
// view of the SES emulator that `make dev` prints.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/relance/relance/platform/config"
)

// env is what every development command needs: the configuration read
// once from the environment, a logger and the output.
type env struct {
	cfg config.Config
	log *slog.Logger
	out io.Writer
}

func (e *env) printf(format string, args ...any) { fmt.Fprintf(e.out, format, args...) }

type command struct {
	name, summary string
	run           func(context.Context, *env, []string) error
}

var commands = []command{
	{"bench", "measure relance against a no-op floor on a throw-away database", runBench},
	{"outbox", "print the e-mails the SES emulator received", runOutbox},
	{"livescan", "measure the daily scan over a ledger of running dunnings (throw-away database)", runLiveScan},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(out, "usage: relance-dev COMMAND [flags]")
		for _, c := range commands {
			fmt.Fprintf(out, "  %-7s %s\n", c.name, c.summary)
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			cfg := config.FromEnv()
			err := c.run(ctx, &env{cfg: cfg, log: cfg.Logger(), out: out}, args[1:])
			if errors.Is(err, errHelp) {
				return nil
			}
			return err
		}
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

var errHelp = errors.New("help requested")

func flags(name string) *flag.FlagSet { return flag.NewFlagSet(name, flag.ContinueOnError) }

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}
