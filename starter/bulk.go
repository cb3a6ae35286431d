package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
)

// runBulk applies skip (or revert, resume, comment) to a selection of
// invoices: by explicit numbers or by the list filters (seed 004's bulk
// escalation).
func runBulk(ctx context.Context, e *env, args []string) error {
	fs := flags("bulk")
	company := fs.String("company", "", "company code (required)")
	action := fs.String("action", "skip", "skip, revert, resume or comment")
	invoices := fs.String("invoices", "", "comma-separated invoice numbers")
	level := fs.String("level", "", "select the invoices whose last step is this level (R1...)")
	nextLevel := fs.String("next-level", "", "select the invoices whose next letter is this level")
	customer := fs.String("customer", "", "select one customer's invoices")
	reason := fs.String("reason", "", "why (kept in each history)")
	actor := fs.String("actor", "", actorHelp)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" {
		return usageError{"bulk: --company is required"}
	}
	var update string
	var arg any
	switch *action {
	case "skip":
		update, arg = dunning.UpdateSkip, dunning.SkipRequest{Actor: cliActor(*actor), Reason: *reason}
	case "revert":
		update, arg = dunning.UpdateRevert, dunning.RevertRequest{Actor: cliActor(*actor), Reason: *reason}
	case "resume":
		update, arg = dunning.UpdateResume, dunning.ResumeRequest{Actor: cliActor(*actor)}
	case "comment":
		update, arg = dunning.UpdateComment, dunning.CommentRequest{Actor: cliActor(*actor), Text: *reason}
	default:
		return usageError{fmt.Sprintf("bulk: unknown action %q (skip, revert, resume, comment)", *action)}
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	var numbers []string
	if *invoices != "" {
		for _, n := range strings.Split(*invoices, ",") {
			numbers = append(numbers, strings.TrimSpace(n))
		}
	} else {
		if *level == "" && *nextLevel == "" && *customer == "" {
			return usageError{"bulk: select with --invoices, --level, --next-level or --customer"}
		}
		rows, err := o.Store.ListInvoices(ctx, store.InvoiceFilter{Company: *company, Level: *level, NextLevel: *nextLevel, Customer: *customer})
		if err != nil {
			return err
		}
		for _, r := range rows {
			numbers = append(numbers, r.Number)
		}
	}
	results, err := o.Bulk(ctx, *company, numbers, update, arg, func(done, total int) {
		fmt.Fprintf(os.Stderr, "\r%s: %d/%d", *action, done, total)
	})
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return err
	}
	ok := 0
	for _, r := range results {
		if r.OK {
			ok++
			continue
		}
		e.printf("  %s: %s\n", r.Invoice, r.Error)
	}
	e.printf("%s: %d done, %d refused or failed, of %d selected\n", *action, ok, len(results)-ok, len(results))
	return nil
}
