package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// listFilter reads the filter of cmd's flags (rows bounds --limit) for
// the company of --company, whose ladder bounds --tab and the levels, as
// the API and the web app read theirs (actions.ReadFilter). A refused flag
// is a usage error in the filter's words.
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

// listCmd is `starter list`: the invoices as the Relances screen lists
// them, with its tabs' counts.
type listCmd struct {
	actions.FilterFlags
}

// Run prints the tabs and the rows.
func (c *listCmd) Run(ctx context.Context, e *env) error {
	st, co, f, err := listFilter(ctx, e, "list", &c.FilterFlags, actions.ListRows)
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

// exportCmd is `starter export`.
type exportCmd struct {
	actions.FilterFlags
	What   string `default:"invoices" help:"invoices (the reminders list) or history (the reminder history)"`
	From   string `placeholder:"YYYY-MM-DD" help:"history: first day"`
	To     string `placeholder:"YYYY-MM-DD" help:"history: last day, included"`
	Format string `help:"csv or xlsx (default: from the --out extension)"`
	Out    string `required:"" placeholder:"FILE" help:"file to write (- for standard output)"`
}

// Run writes the spreadsheet.
func (c *exportCmd) Run(ctx context.Context, e *env) error {
	format := c.Format
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(c.Out)), ".")
	}
	if format != "csv" && format != "xlsx" {
		return usageError{fmt.Sprintf("export: --format must be csv or xlsx, not %q", format)}
	}
	if c.What != "invoices" && c.What != "history" {
		return usageError{fmt.Sprintf("export: --what must be invoices or history, not %q", c.What)}
	}
	var fromDate, toDate calendar.Date
	for _, d := range []struct {
		s   string
		dst *calendar.Date
	}{{c.From, &fromDate}, {c.To, &toDate}} {
		if d.s == "" {
			continue
		}
		if c.What != "history" {
			return usageError{"export: --from and --to apply to --what history"}
		}
		v, err := calendar.Parse(d.s)
		if err != nil {
			return usageError{"export: " + err.Error()}
		}
		*d.dst = v
	}
	st, co, f, err := listFilter(ctx, e, "export", &c.FilterFlags, actions.ExportRows)
	if err != nil {
		return err
	}
	// The bar goes where the report goes, unless the file itself does.
	barOut := e.out
	if c.Out == "-" {
		barOut = e.progress
	}
	label := c.What + " " + f.Company
	bar := progress.New(barOut, 0, "fetch "+label)
	x := actions.Export{File: actions.ExportFile{What: c.What, Format: format}}
	if c.What == actions.ExportInvoices {
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
	if c.Out == "-" {
		err = write(e.out)
	} else {
		err = exportToFile(c.Out, write)
	}
	if err != nil {
		return fmt.Errorf("export to %s: %w", c.Out, err)
	}
	bar.Done()
	if c.Out != "-" {
		noun := "invoices"
		if c.What == "history" {
			noun = "history lines"
		}
		e.printf("%d %s of %s written to %s\n", n, noun, f.Company, c.Out)
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

// callsCmd is `starter calls`: the calls logged with a customer.
type callsCmd struct {
	Add    callsAddCmd    `cmd:"" help:"log a call (and a promise to pay)" audit:""`
	List   callsListCmd   `cmd:"" help:"list a customer's calls"`
	Delete callsDeleteCmd `cmd:"" help:"delete a call" audit:""`
}

// callsAddCmd is `starter calls add`.
type callsAddCmd struct {
	companyFlag
	Customer       string `required:"" placeholder:"CODE" help:"customer code"`
	Contact        string `help:"who was reached, e.g. \"M. Durand\""`
	Outcome        string `help:"what came of it, e.g. promesse, injoignable, litige"`
	Note           string `help:"free text"`
	Author         string `default:"${user}" help:"who made the call"`
	PromisedOn     string `name:"promised-on" placeholder:"YYYY-MM-DD" help:"date the customer promised to pay"`
	PromisedAmount string `name:"promised-amount" placeholder:"AMOUNT" help:"amount the customer promised to pay"`
}

// Run logs the call.
func (f *callsAddCmd) Run(ctx context.Context, e *env) error {
	c := store.NewCall{Author: f.Author, Contact: f.Contact, Outcome: f.Outcome, Note: f.Note}
	if f.PromisedOn != "" {
		d, err := calendar.Parse(f.PromisedOn)
		if err != nil {
			return usageError{"calls add: --promised-on: " + err.Error()}
		}
		c.PromisedOn = d
	}
	if f.PromisedAmount != "" {
		a, err := money.ParsePositive(f.PromisedAmount)
		if err != nil {
			return usageError{"calls add: --promised-amount: " + err.Error()}
		}
		c.PromisedAmount = &a
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	call, err := st.AddCall(ctx, f.Company, f.Customer, c)
	if err != nil {
		return err
	}
	e.printf("call %d logged with %s of %s\n", call.ID, call.Customer, call.Company)
	return nil
}

// callsListCmd is `starter calls list`.
type callsListCmd struct {
	companyFlag
	Customer string `required:"" placeholder:"CODE" help:"customer code"`
}

// Run lists the calls, times in the company's time zone.
func (f *callsListCmd) Run(ctx context.Context, e *env) error {
	st, co, err := e.company(ctx, f.Company)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil {
		loc = time.Local
	}
	calls, err := st.Calls(ctx, f.Company, f.Customer)
	if err != nil {
		return err
	}
	if len(calls) == 0 {
		e.printf("no call logged with %s of %s\n", f.Customer, f.Company)
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

// callsDeleteCmd is `starter calls delete`.
type callsDeleteCmd struct {
	companyFlag
	Customer string `placeholder:"CODE" help:"customer code (optional: checked when given)"`
	ID       int64  `name:"id" required:"" help:"call number, as calls list shows it"`
}

// Run deletes the call.
func (f *callsDeleteCmd) Run(ctx context.Context, e *env) error {
	if f.ID < 1 {
		return usageError{fmt.Sprintf("calls delete: --id %d is not a call number", f.ID)}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.DeleteCall(ctx, f.Company, f.Customer, f.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w (already deleted, or another company's)", err)
		}
		return err
	}
	e.printf("call %d deleted\n", f.ID)
	return nil
}
