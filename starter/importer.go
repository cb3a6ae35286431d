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

// runImport loads the customers and invoices an accounting system exported
// as CSV. Bad rows are listed with their line and problem; the others are
// imported; running it again updates the same records, and only the
// columns the file carries. --check reads and reports without saving.
func runImport(ctx context.Context, e *env, args []string) error {
	fs := flags("import")
	company := fs.String("company", "", "company code (required; create it first with `starter company add`)")
	customers := fs.String("customers", "", "customers CSV: "+strings.Join(csvimport.CustomerColumns, ";"))
	invoices := fs.String("invoices", "", "invoices CSV: "+strings.Join(csvimport.InvoiceColumns, ";")+"\n"+csvimport.InstalmentHelp)
	onAccount := fs.String("payments-on-account", "", "payments on account CSV (unapplied payments, deducted from letters): "+strings.Join(csvimport.OnAccountColumns, ";"))
	check := fs.Bool("check", false, "read the files and report what would be refused, without saving anything")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" || (*customers == "" && *invoices == "" && *onAccount == "") {
		return usageError{"import: --company and --customers, --invoices and/or --payments-on-account are required"}
	}
	st, co, err := e.company(ctx, *company)
	if err != nil {
		return err
	}
	var reports []csvimport.Report
	if *customers != "" {
		f, err := readFile(*customers, csvimport.ReadCustomers)
		if err != nil {
			return err
		}
		if *check {
			reports = append(reports, f.Preview())
		} else {
			reports = append(reports, f.Import(ctx, st, co.ID))
		}
	}
	if *invoices != "" {
		f, err := readFile(*invoices, csvimport.ReadInvoices)
		if err != nil {
			return err
		}
		if *check {
			reports = append(reports, f.Preview())
		} else {
			reports = append(reports, f.Import(ctx, st, co.ID))
		}
	}
	if *onAccount != "" {
		f, err := readFile(*onAccount, csvimport.ReadPaymentsOnAccount)
		if err != nil {
			return err
		}
		if *check {
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
		if *check {
			e.printf("%s: %d rows read: %d would be imported, %d refused (nothing saved)\n", rep.File, rep.Rows, rep.Imported, rep.Refused)
		} else {
			e.printf("%s\n", rep)
		}
		failed += rep.Refused + rep.Failed
	}
	if failed > 0 && !*check {
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

// runLadder shows or replaces a company's ladder, as a ";"-separated file
// (code;label;delay_days;channel;claim_fees) so `show > f`, edit, `set --file f`
// works. Running dunnings keep the ladder they started with.
func runLadder(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usageError{"ladder: show --company C | set --company C --file ladder.csv"}
	}
	fs := flags("ladder " + args[0])
	company := fs.String("company", "", "company code (required)")
	file := fs.String("file", "", "with set: the ladder file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *company == "" {
		return usageError{"ladder: --company is required"}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if args[0] == "show" {
		co, err := st.CompanyByCode(ctx, *company)
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
	if *file == "" {
		return usageError{"ladder set: --file is required"}
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	var l ladder.Ladder
	for i, row := range rows {
		if i == 0 && row[0] == "code" {
			continue
		}
		if len(row) != 5 {
			return fmt.Errorf("%s line %d: want 5 fields code;label;delay_days;channel;claim_fees", *file, i+1)
		}
		days, err := strconv.Atoi(row[2])
		if err != nil {
			return fmt.Errorf("%s line %d: delay_days %q is not a number", *file, i+1, row[2])
		}
		fees, err := strconv.ParseBool(row[4])
		if err != nil {
			return fmt.Errorf("%s line %d: claim_fees %q: want true or false", *file, i+1, row[4])
		}
		l = append(l, ladder.Level{Code: row[0], Label: row[1], DelayDays: days, Channel: ladder.Channel(row[3]), ClaimFees: fees})
	}
	if err := st.SetLadder(ctx, *company, l); err != nil {
		return err
	}
	running, err := st.RunningDunnings(ctx, *company)
	if err != nil {
		return err
	}
	e.printf("ladder of %s: %d levels saved; new dunnings use it, the %d running dunning(s) keep the ladder they started with\n", *company, len(l), running)
	return nil
}
