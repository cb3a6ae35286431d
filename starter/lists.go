package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/platform/progress"
	"github.com/shopspring/decimal"
)

// addListFilterFlags declares the invoice filter's flags (the reminders
// screen's filters, seeds 000 and 001), shared by list and export and
// named as the API's query and the web form (actions.FilterParams).
func addListFilterFlags(fs *flag.FlagSet) *actions.FilterFlags {
	var ff actions.FilterFlags
	ff.Bind(fs)
	return &ff
}

// listFilter reads the filter of cmd's flags (rows bounds --limit) for the
// company of --company, whose ladder bounds --tab and the levels. A
// refused flag is a usage error in the filter's words.
func listFilter(ctx context.Context, e *env, cmd string, ff *actions.FilterFlags, rows actions.Rows) (*store.Store, store.Company, store.InvoiceFilter, error) {
	q := ff.Values()
	o := actions.FilterOptions{Now: time.Now(), Rows: rows}
	refused := func(p messages.Problem) error {
		if name, ok := p.Named()["name"]; ok {
			p = actions.Renamed(p, "--"+name)
		}
		return usageError{cmd + ": " + p.In(messages.English)}
	}
	if ff.Company == "" {
		return nil, store.Company{}, store.InvoiceFilter{}, refused(actions.ParseFilter(q, o).Problems[0])
	}
	st, co, err := e.company(ctx, ff.Company)
	if err != nil {
		return nil, co, store.InvoiceFilter{}, err
	}
	_, lf, err := actions.ReadFilter(ctx, st, q, o)
	if err != nil {
		return nil, co, store.InvoiceFilter{}, err
	}
	if len(lf.Problems) > 0 {
		return nil, co, store.InvoiceFilter{}, refused(lf.Problems[0])
	}
	return st, co, lf.InvoiceFilter, nil
}

// listTabs counts the open invoices per tab of the reminders screen (seed
// 000) as the web app does (actions.Tabs): all, per next letter, then
// unresolved ("Non soldé"), paused, held ("Contentieux"). The other
// filters apply; tab, level, next level and status do not (the rows
// follow them, the counts stay).
func listTabs(ctx context.Context, st *store.Store, f store.InvoiceFilter, companyID int64) (string, error) {
	lad, err := st.Ladder(ctx, companyID)
	if err != nil {
		return "", err
	}
	levels := make([]string, len(lad))
	for i, l := range lad {
		levels[i] = l.Code
	}
	tabs, err := actions.Tabs(ctx, st, f, levels)
	if err != nil {
		return "", err
	}
	label := map[string]string{"": "Tous", store.TabUnresolved: "Non soldé", store.TabPaused: "En pause", store.TabHeld: "Contentieux"}
	out := make([]string, len(tabs))
	for i, t := range tabs {
		name, ok := label[t.Key]
		if !ok {
			name = t.Key
		}
		out[i] = fmt.Sprintf("%s %d", name, t.Count)
	}
	return strings.Join(out, " | "), nil
}

func runList(ctx context.Context, e *env, args []string) error {
	fs := flags("list")
	lf := addListFilterFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, co, f, err := listFilter(ctx, e, "list", lf, actions.ListRows)
	if err != nil {
		return err
	}
	rows, err := st.ListInvoices(ctx, f)
	if err != nil {
		return err
	}
	tabs, err := listTabs(ctx, st, f, co.ID)
	if err != nil {
		return err
	}
	e.printf("%s\n\n", tabs)
	printInvoiceTable(e.out, rows)
	return nil
}

// printInvoiceTable prints rows like the reminders screen (seed 000), then
// the count and the balance per currency.
func printInvoiceTable(out io.Writer, rows []store.InvoiceRow) {
	if len(rows) == 0 {
		fmt.Fprintln(out, "no invoice matches")
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Niveau\tN° de pièce\tClient\tNom client\tÉchéance\t       Solde dû\tProchain niveau\tStatut")
	totals := map[string]decimal.Decimal{}
	var currencies []string
	for _, x := range rows {
		if _, ok := totals[x.Currency]; !ok {
			currencies = append(currencies, x.Currency)
		}
		totals[x.Currency] = totals[x.Currency].Add(x.Balance)
		level := export.LevelLabel(x.Level)
		if level == "" {
			level = "-"
		}
		due := x.DueDate.French()
		if due == "" {
			due = "(aucune)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%15s\t%s\t%s\n", level, x.Number, x.Customer, listClip(x.CustomerName, 30), due,
			money.Format(x.Balance, x.Currency), export.LevelLabel(x.NextLevel), export.StatusLabel(x.Status))
	}
	_ = tw.Flush()
	var sums []string
	for _, c := range currencies {
		sums = append(sums, money.Format(totals[c], c))
	}
	noun := "factures"
	if len(rows) == 1 {
		noun = "facture"
	}
	fmt.Fprintf(out, "\n%d %s, solde dû %s\n", len(rows), noun, strings.Join(sums, " + "))
}

func listClip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func runExport(ctx context.Context, e *env, args []string) error {
	fs := flags("export")
	lf := addListFilterFlags(fs)
	what := fs.String("what", "invoices", "invoices (the reminders list) or history (the reminder history)")
	from := fs.String("from", "", "history: first day (YYYY-MM-DD)")
	to := fs.String("to", "", "history: last day, included (YYYY-MM-DD)")
	format := fs.String("format", "", "csv or xlsx (default: from the --out extension)")
	outPath := fs.String("out", "", "file to write (required; - for standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *outPath == "" {
		return usageError{"export: --out is required (a file name, or - for standard output)"}
	}
	if *format == "" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*outPath)), ".")
	}
	if *format != "csv" && *format != "xlsx" {
		return usageError{fmt.Sprintf("export: --format must be csv or xlsx, not %q", *format)}
	}
	if *what != "invoices" && *what != "history" {
		return usageError{fmt.Sprintf("export: --what must be invoices or history, not %q", *what)}
	}
	var fromDate, toDate calendar.Date
	for _, d := range []struct {
		s   string
		dst *calendar.Date
	}{{*from, &fromDate}, {*to, &toDate}} {
		if d.s == "" {
			continue
		}
		if *what != "history" {
			return usageError{"export: --from and --to apply to --what history"}
		}
		v, err := calendar.Parse(d.s)
		if err != nil {
			return usageError{"export: " + err.Error()}
		}
		*d.dst = v
	}

	st, co, f, err := listFilter(ctx, e, "export", lf, actions.ExportRows)
	if err != nil {
		return err
	}
	// The bar goes where the report goes, unless the file itself does.
	var barOut io.Writer = e.out
	if *outPath == "-" {
		barOut = os.Stderr
	}
	label := *what + " " + f.Company
	bar := progress.New(barOut, 0, "fetch "+label)
	x := actions.Export{File: actions.ExportFile{What: *what, Format: *format}}
	if *what == actions.ExportInvoices {
		x.Invoices, err = actions.InvoicesExport(ctx, st, co, f)
	} else {
		x.History, err = st.HistoryExport(ctx, f.Company, fromDate, toDate)
	}
	if err != nil {
		return err
	}
	n := x.Rows()
	bar.Set(n)
	bar.Done()
	bar = progress.New(barOut, n, "write "+label)
	write := func(w io.Writer) error { return x.Write(w, export.Options{Progress: bar}) }
	if *outPath == "-" {
		err = write(e.out)
	} else {
		err = exportToFile(*outPath, write)
	}
	if err != nil {
		return fmt.Errorf("export to %s: %w", *outPath, err)
	}
	bar.Done()
	if *outPath != "-" {
		noun := "invoices"
		if *what == "history" {
			noun = "history lines"
		}
		e.printf("%d %s of %s written to %s\n", n, noun, f.Company, *outPath)
	}
	return nil
}

// exportToFile writes through a temporary file renamed at the end, so a
// failed export never leaves half a spreadsheet under the final name.
func exportToFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func runCalls(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError{"calls: add, list or delete (starter calls add -h)"}
	}
	switch args[0] {
	case "add":
		return callsAdd(ctx, e, args[1:])
	case "list":
		return callsList(ctx, e, args[1:])
	case "delete":
		return callsDelete(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("calls: unknown action %q: add, list or delete", args[0])}
}

func callsAdd(ctx context.Context, e *env, args []string) error {
	fs := flags("calls add")
	company := fs.String("company", "", "company code (required)")
	customer := fs.String("customer", "", "customer code (required)")
	contact := fs.String("contact", "", "who was reached, e.g. \"M. Durand\"")
	outcome := fs.String("outcome", "", "what came of it, e.g. promesse, injoignable, litige")
	note := fs.String("note", "", "free text")
	author := fs.String("author", osUser(), "who made the call")
	promisedOn := fs.String("promised-on", "", "date the customer promised to pay (YYYY-MM-DD)")
	promisedAmount := fs.String("promised-amount", "", "amount the customer promised to pay")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" || *customer == "" {
		return usageError{"calls add: --company and --customer are required"}
	}
	c := store.NewCall{Author: *author, Contact: *contact, Outcome: *outcome, Note: *note}
	if *promisedOn != "" {
		d, err := calendar.Parse(*promisedOn)
		if err != nil {
			return usageError{"calls add: --promised-on: " + err.Error()}
		}
		c.PromisedOn = d
	}
	if *promisedAmount != "" {
		a, err := money.ParsePositive(*promisedAmount)
		if err != nil {
			return usageError{"calls add: --promised-amount: " + err.Error()}
		}
		c.PromisedAmount = &a
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	call, err := st.AddCall(ctx, *company, *customer, c)
	if err != nil {
		return err
	}
	e.printf("call %d logged with %s of %s\n", call.ID, call.Customer, call.Company)
	return nil
}

func callsList(ctx context.Context, e *env, args []string) error {
	fs := flags("calls list")
	company := fs.String("company", "", "company code (required)")
	customer := fs.String("customer", "", "customer code (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" || *customer == "" {
		return usageError{"calls list: --company and --customer are required"}
	}
	st, co, err := e.company(ctx, *company)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil {
		loc = time.Local
	}
	calls, err := st.Calls(ctx, *company, *customer)
	if err != nil {
		return err
	}
	if len(calls) == 0 {
		e.printf("no call logged with %s of %s\n", *customer, *company)
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "N°\tDate\tAuteur\tContact\tRésultat\tPromesse\tNote")
	for _, c := range calls {
		promise := ""
		if c.PromisedAmount != nil {
			promise = money.FormatNumber(*c.PromisedAmount)
		}
		if c.PromisedOn != nil {
			promise = strings.TrimSpace(promise + " le " + c.PromisedOn.French())
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.At.In(loc).Format("02/01/2006 15:04"), c.Author,
			c.Contact, c.Outcome, promise, strings.ReplaceAll(c.Note, "\n", " "))
	}
	return tw.Flush()
}

func callsDelete(ctx context.Context, e *env, args []string) error {
	fs := flags("calls delete")
	company := fs.String("company", "", "company code (required)")
	customer := fs.String("customer", "", "customer code (optional: checked when given)")
	id := fs.String("id", "", "call number, as calls list shows it (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" || *id == "" {
		return usageError{"calls delete: --company and --id are required"}
	}
	n, err := strconv.ParseInt(*id, 10, 64)
	if err != nil || n < 1 {
		return usageError{fmt.Sprintf("calls delete: --id %q is not a call number", *id)}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.DeleteCall(ctx, *company, *customer, n); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w (already deleted, or another company's)", err)
		}
		return err
	}
	e.printf("call %d deleted\n", n)
	return nil
}
