// Command starter starts dunning workflows (now, or daily on a Temporal
// Schedule) and is the operator's command line: pay, skip, revert, pause,
// resume, comment, status. Run `starter help` for the list; the commands
// and their flags are declared once, in cli.go.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // company time zones resolve the same on every machine
)

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

// usageError is a command line the commands refuse before doing anything:
// the program exits with status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }
