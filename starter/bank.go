package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/bank/banksim"
	"github.com/relance/relance/ledger/store"
)

func runBank(ctx context.Context, e *env, args []string) error {
	const use = "bank: usage: bank import FILE... [--company CODE] | bank list --company CODE [--status exception] | " +
		"bank simulate [--company SIMU] [--customers 300] [--seed 16] [--month 2026-11]"
	if len(args) == 0 {
		return usageError{use}
	}
	sub, args := args[0], args[1:]
	fs := flags("bank " + sub)
	company := fs.String("company", "", "company code")
	var status, month *string
	var customers *int
	var seed *uint64
	switch sub {
	case "import":
	case "list":
		status = fs.String("status", "", "only this status: new, matched, exception, ignored, debit, reversal, reversed")
	case "simulate":
		customers = fs.Int("customers", 300, "number of customers")
		seed = fs.Uint64("seed", 16, "random seed (the same seed makes the same month)")
		month = fs.String("month", "2026-11", "month of the statements (YYYY-MM)")
	default:
		return usageError{use}
	}
	var files []string
	if sub == "import" {
		files, args = positional(args)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	switch sub {
	case "import":
		if len(files) == 0 {
			return usageError{"bank import: name at least one statement file (CAMT.053 or CFONB 120)"}
		}
		return bankImport(ctx, e, files, *company)
	case "list":
		if *company == "" {
			return usageError{"bank list: --company is required"}
		}
		return bankList(ctx, e, *company, *status)
	}
	if *company == "" {
		*company = "SIMU"
	}
	first, err := calendar.Parse(*month + "-01")
	if err != nil {
		return usageError{"bank simulate: --month must be YYYY-MM"}
	}
	return bankSimulate(ctx, e, banksim.Options{Seed: *seed, Company: *company, Customers: *customers, Month: first})
}

func bankImport(ctx context.Context, e *env, files []string, company string) error {
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	var failed []string
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			failed = append(failed, err.Error())
			continue
		}
		rep, err := o.ImportStatement(ctx, data, bank.ImportOptions{Company: company, FileName: filepath.Base(name), Channel: "cli", Actor: cliActor("")})
		printImport(e, filepath.Base(name), rep)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}

func printImport(e *env, name string, rep bank.ImportReport) {
	what := rep.Format
	if rep.Version != "" {
		what = rep.Version
	}
	e.printf("%s (%s): %d statements, %d new entries, %d already known, %d rejected\n", name, what, rep.Statements, rep.New, rep.Known, rep.Rejected)
	for _, p := range rep.Problems {
		e.printf("  rejected: %s\n", p)
	}
	if rep.New > 0 || rep.Matched+rep.Exceptions+rep.Reversals+rep.Debits > 0 {
		e.printf("matched automatically: %d, to match on the Rapprochement screen: %d, returns applied: %d, money out: %d\n",
			rep.Matched, rep.Exceptions, rep.Reversals, rep.Debits)
	}
	for _, f := range rep.Failed {
		e.printf("  not done (retried at the next import): %s\n", f)
	}
}

func bankList(ctx context.Context, e *env, company, status string) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	txs, err := bank.NewLedger(st).List(ctx, company, status, 500)
	if err != nil {
		return err
	}
	for _, t := range txs {
		e.printf("%6d %s %12s %-9s %-10s %-24s %s | %s\n", t.ID, t.BookingDate, t.Amount.StringFixed(2), t.Status, t.CustomerCode,
			t.Reason, t.PayerName, t.Remittance)
	}
	return nil
}

func bankSimulate(ctx context.Context, e *env, opts banksim.Options) error {
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	if _, err := o.Store.CompanyByCode(ctx, opts.Company); err == nil {
		return usageError{fmt.Sprintf("bank simulate: company %s exists already; name a new one with --company", opts.Company)}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	m := banksim.Generate(opts)
	if err := banksim.Load(ctx, o.Store, m); err != nil {
		return err
	}
	e.printf("company %s: %d customers, %d invoices and credit notes, %d statement files\n", opts.Company, len(m.Customers), len(m.Invoices), len(m.Days))
	rep, err := banksim.Run(ctx, o.Store, m, func(ctx context.Context, data []byte, name string) (bank.ImportReport, error) {
		return o.ImportStatement(ctx, data, bank.ImportOptions{Company: opts.Company, FileName: name, Channel: "simulation", Actor: "simulation"})
	})
	if err != nil {
		return err
	}
	e.printf("%s", rep)
	return nil
}

// positional separates file names from flags (a flag without "=" takes
// the next argument as its value).
func positional(args []string) (files, flagArgs []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && !isHelp(a) && i+1 < len(args):
			flagArgs = append(flagArgs, a, args[i+1])
			i++
		case strings.HasPrefix(a, "-"):
			flagArgs = append(flagArgs, a)
		default:
			files = append(files, a)
		}
	}
	return files, flagArgs
}
