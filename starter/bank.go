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

// bankCmd is `starter bank`.
type bankCmd struct {
	Import   bankImportCmd   `cmd:"" help:"import statement files (CAMT.053 or CFONB 120) and match their entries" audit:""`
	List     bankListCmd     `cmd:"" help:"list a company's bank entries"`
	Simulate bankSimulateCmd `cmd:"" help:"make a new company and a month of its statements, then import them (demonstrations)" audit:""`
}

// bankImportCmd is `starter bank import`.
type bankImportCmd struct {
	Files   []string `arg:"" name:"file" help:"statement files"`
	Company string   `placeholder:"CODE" help:"company code (default: the company whose account the statement names)"`
}

// Run imports the files.
func (c *bankImportCmd) Run(ctx context.Context, e *env) error {
	return bankImport(ctx, e, c.Files, c.Company)
}

// bankListCmd is `starter bank list`.
type bankListCmd struct {
	companyFlag
	Status string `help:"only this status: new, matched, exception, ignored, debit, reversal, reversed"`
}

// Run lists the entries.
func (c *bankListCmd) Run(ctx context.Context, e *env) error {
	return bankList(ctx, e, c.Company, c.Status)
}

// bankSimulateCmd is `starter bank simulate`.
type bankSimulateCmd struct {
	Company   string `default:"SIMU" placeholder:"CODE" help:"code of the company to create"`
	Customers int    `default:"300" help:"number of customers"`
	Seed      uint64 `default:"16" help:"random seed (the same seed makes the same month)"`
	Month     string `default:"2026-11" placeholder:"YYYY-MM" help:"month of the statements"`
}

// Run simulates the month.
func (c *bankSimulateCmd) Run(ctx context.Context, e *env) error {
	first, err := calendar.Parse(c.Month + "-01")
	if err != nil {
		return usageError{"bank simulate: --month must be YYYY-MM"}
	}
	return bankSimulate(ctx, e, banksim.Options{Seed: c.Seed, Company: c.Company, Customers: c.Customers, Month: first})
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
