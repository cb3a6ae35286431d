package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/csvimport"
)

// importCmd is `starter import`: it loads the customers and invoices an accounting system exported
// as CSV. Bad rows are listed with their line and problem; the others are
// imported; running it again updates the same records, and only the
// columns the file carries. --check reads and reports without saving.
type importCmd struct {
	Company           string `required:"" placeholder:"CODE" help:"company code (create it first with starter company add)"`
	Customers         string `placeholder:"FILE" help:"customers CSV: ${customerColumns}"`
	Invoices          string `placeholder:"FILE" help:"invoices CSV: ${invoiceColumns}. ${instalmentHelp}"`
	PaymentsOnAccount string `name:"payments-on-account" placeholder:"FILE" help:"payments on account CSV (unapplied payments, deducted from letters): ${onAccountColumns}"`
	Check             bool   `help:"read the files and report what would be refused, without saving anything"`
}

// importVars are the CSV columns the help of import lists.
func importVars() map[string]string {
	return map[string]string{
		"customerColumns":  strings.Join(csvimport.CustomerColumns, ";"),
		"invoiceColumns":   strings.Join(csvimport.InvoiceColumns, ";"),
		"onAccountColumns": strings.Join(csvimport.OnAccountColumns, ";"),
		"instalmentHelp":   csvimport.InstalmentHelp,
	}
}

// Run imports the files.
func (c *importCmd) Run(ctx context.Context, e *env) error {
	if c.Customers == "" && c.Invoices == "" && c.PaymentsOnAccount == "" {
		return usageError{"import: --customers, --invoices and/or --payments-on-account are required"}
	}
	st, co, err := e.company(ctx, c.Company)
	if err != nil {
		return err
	}
	var reports []csvimport.Report
	if c.Customers != "" {
		f, err := readFile(c.Customers, csvimport.ReadCustomers)
		if err != nil {
			return err
		}
		if c.Check {
			reports = append(reports, f.Preview())
		} else {
			reports = append(reports, f.Import(ctx, st, co.ID))
		}
	}
	if c.Invoices != "" {
		f, err := readFile(c.Invoices, csvimport.ReadInvoices)
		if err != nil {
			return err
		}
		if c.Check {
			reports = append(reports, f.Preview())
		} else {
			reports = append(reports, f.Import(ctx, st, co.ID))
		}
	}
	if c.PaymentsOnAccount != "" {
		f, err := readFile(c.PaymentsOnAccount, csvimport.ReadPaymentsOnAccount)
		if err != nil {
			return err
		}
		if c.Check {
			reports = append(reports, f.Preview())
		} else {
			reports = append(reports, f.Import(ctx, st, co.ID))
		}
	}
	failed := 0
	for _, rep := range reports {
		for _, p := range rep.Problems {
			e.printf("  %s %s\n", rep.File, p.Error())
		}
		for _, n := range rep.Notes {
			e.printf("  %s %s (accepted)\n", rep.File, n.Error())
		}
		if c.Check {
			e.printf("%s: %d rows read: %d would be imported, %d refused (nothing saved)\n", rep.File, rep.Rows, rep.Imported, rep.Refused)
		} else {
			e.printf("%s\n", rep)
		}
		failed += rep.Refused + rep.Failed
	}
	if failed > 0 && !c.Check {
		return fmt.Errorf("%d row(s) not imported: fix them and run the import again (imported rows are updated, not duplicated)", failed)
	}
	return nil
}

// readFile opens path and reads it with read.
func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// ladderCmd is `starter ladder`: it shows or replaces a company's ladder, as a ";"-separated file
// (code;label;delay_days;channel;claim_fees) so `show > f`, edit, `set --file f`
// works. Running dunnings keep the ladder they started with.
type ladderCmd struct {
	Show ladderShowCmd `cmd:"" help:"print the company's ladder as code;label;delay_days;channel;claim_fees"`
	Set  ladderSetCmd  `cmd:"" help:"replace the company's ladder from such a file (running dunnings keep theirs)" audit:""`
}

// ladderShowCmd is `starter ladder show`.
type ladderShowCmd struct {
	companyFlag
}

// Run prints the ladder.
func (c *ladderShowCmd) Run(ctx context.Context, e *env) error {
	st, co, err := e.company(ctx, c.Company)
	if err != nil {
		return err
	}
	l, err := st.Ladder(ctx, co.ID)
	if err != nil {
		return err
	}
	w := csv.NewWriter(e.out)
	w.Comma = ';'
	_ = w.Write([]string{"code", "label", "delay_days", "channel", "claim_fees"})
	for _, lv := range l {
		_ = w.Write([]string{lv.Code, lv.Label, strconv.Itoa(lv.DelayDays), string(lv.Channel), strconv.FormatBool(lv.ClaimFees)})
	}
	w.Flush()
	return w.Error()
}

// ladderSetCmd is `starter ladder set`.
type ladderSetCmd struct {
	companyFlag
	File string `required:"" placeholder:"FILE" help:"the ladder file (as ladder show prints it)"`
}

// Run replaces the ladder.
func (c *ladderSetCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	f, err := os.Open(c.File)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	var l ladder.Ladder
	for i, row := range rows {
		if i == 0 && row[0] == "code" {
			continue
		}
		if len(row) != 5 {
			return fmt.Errorf("%s line %d: want 5 fields code;label;delay_days;channel;claim_fees", c.File, i+1)
		}
		days, err := strconv.Atoi(row[2])
		if err != nil {
			return fmt.Errorf("%s line %d: delay_days %q is not a number", c.File, i+1, row[2])
		}
		fees, err := strconv.ParseBool(row[4])
		if err != nil {
			return fmt.Errorf("%s line %d: claim_fees %q: want true or false", c.File, i+1, row[4])
		}
		l = append(l, ladder.Level{Code: row[0], Label: row[1], DelayDays: days, Channel: ladder.Channel(row[3]), ClaimFees: fees})
	}
	if err := st.SetLadder(ctx, c.Company, l); err != nil {
		return err
	}
	running, err := st.RunningDunnings(ctx, c.Company)
	if err != nil {
		return err
	}
	e.printf("ladder of %s: %d levels saved; new dunnings use it, the %d running dunning(s) keep the ladder they started with\n", c.Company, len(l), running)
	return nil
}
