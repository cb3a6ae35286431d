package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/shopspring/decimal"
)

// templatesCmd is `starter templates`: a company's own letter templates,
// edited without recompiling.
type templatesCmd struct {
	List   templatesListCmd   `cmd:"" help:"list a company's own templates"`
	Show   templatesShowCmd   `cmd:"" help:"print the template a letter would use (the company's, else the default)"`
	Set    templatesSetCmd    `cmd:"" help:"save a template from a file (checked when saved)" audit:""`
	Delete templatesDeleteCmd `cmd:"" help:"delete a company's template (the default applies again)" audit:""`
	Fields templatesFieldsCmd `cmd:"" help:"list the merge fields and functions a template may use"`
}

// templatesFieldsCmd is `starter templates fields`.
type templatesFieldsCmd struct{}

// Run prints the fields.
func (templatesFieldsCmd) Run(_ context.Context, e *env) error {
	templatesFields(e)
	return nil
}

// templatesFields prints the merge fields and functions a template may
// use, with their meaning and their value in the sample letter.
func templatesFields(e *env) {
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tMEANING\tEXAMPLE")
	for _, f := range letter.MergeFields() {
		fmt.Fprintf(tw, "{{%s}}\t%s\t%s\n", f.Name, f.Meaning, f.Example)
	}
	fmt.Fprintln(tw, "\nFUNCTION\tMEANING\tEXAMPLE")
	for _, f := range letter.TemplateFuncs() {
		fmt.Fprintf(tw, "{{%s}}\t%s\t%s\n", f.Name, f.Meaning, f.Example)
	}
	_ = tw.Flush()
}

// templateFlags are the flags naming one template.
type templateFlags struct {
	companyFlag
	Level string `required:"" help:"level code: R1, R2, R3, MED..."`
	Lang  string `default:"${defaultLanguage}" help:"language of the letter"`
	Kind  string `help:"customer kind: \"business\", \"individual\", or empty for every customer"`
}

func (f templateFlags) template(minDays int) letter.Template {
	return letter.Template{Level: f.Level, Language: f.Lang, CustomerKind: f.Kind, MinDaysOverdue: minDays}.Normalized()
}

// templatesListCmd is `starter templates list`.
type templatesListCmd struct {
	companyFlag
}

// Run lists the templates.
func (c *templatesListCmd) Run(ctx context.Context, e *env) error {
	st, co, err := e.company(ctx, c.Company)
	if err != nil {
		return err
	}
	ts, err := st.Templates(ctx, co.ID)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		e.printf("company %s uses the default templates for every level (starter templates show prints one)\n", co.Code)
		return nil
	}
	e.printf("%-6s %-5s %-11s %8s  %s\n", "LEVEL", "LANG", "KIND", "MIN DAYS", "SUBJECT")
	for _, t := range ts {
		kind := t.CustomerKind
		if kind == "" {
			kind = "every"
		}
		e.printf("%-6s %-5s %-11s %8d  %s\n", t.Level, t.Language, kind, t.MinDaysOverdue, subjectOf(t.Source))
	}
	return nil
}

// subjectOf returns the source of t's subject block, on one line, for
// listings.
func subjectOf(source string) string {
	const open = `{{define "subject"}}`
	i := strings.Index(source, open)
	if i < 0 {
		return ""
	}
	s := source[i+len(open):]
	if j := strings.Index(s, "{{end}}"); j >= 0 {
		s = s[:j]
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 70 {
		s = string(r[:69]) + "…"
	}
	return s
}

// templatesShowCmd is `starter templates show`.
type templatesShowCmd struct {
	Company string `placeholder:"CODE" help:"company code (required unless --shared)"`
	Level   string `help:"level code: R1, R2, R3, MED... (required unless --shared)"`
	Lang    string `default:"${defaultLanguage}" help:"language of the letter"`
	Kind    string `help:"customer kind: \"business\", \"individual\", or empty for every customer"`
	Days    int    `help:"days overdue of the letter's most overdue invoice (templates with --min-days above it are not used)"`
	Shared  bool   `help:"print the shared blocks of the language (salutation, deadline, bank, fees...) instead"`
}

// Run prints the template.
func (c *templatesShowCmd) Run(ctx context.Context, e *env) error {
	if c.Shared {
		src, err := letter.SharedSource(c.Lang)
		if err != nil {
			return err
		}
		e.printf("%s", src)
		return nil
	}
	if c.Company == "" || c.Level == "" {
		return usageError{"templates show: --company and --level are required"}
	}
	f := templateFlags{companyFlag: companyFlag{c.Company}, Level: c.Level, Lang: c.Lang, Kind: c.Kind}
	st, co, err := e.company(ctx, f.Company)
	if err != nil {
		return err
	}
	ts, err := st.Templates(ctx, co.ID)
	if err != nil {
		return err
	}
	want := f.template(0)
	if t, ok := letter.SelectTemplate(ts, want.Level, want.Language, want.CustomerKind, c.Days); ok {
		fmt.Fprintf(os.Stderr, "# custom template %s of company %s\n", t.Name(), co.Code)
		e.printf("%s", withNewline(t.Source))
		return nil
	}
	src, lang, err := letter.DefaultSource(want.Language, want.Level)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "# default template %s/%s (no custom template of company %s matches)\n", want.Level, lang, co.Code)
	e.printf("%s", withNewline(src))
	return nil
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// templatesSetCmd is `starter templates set`.
type templatesSetCmd struct {
	templateFlags
	MinDays int    `name:"min-days" help:"use this template only when the most overdue invoice is at least this many days late"`
	File    string `required:"" placeholder:"FILE" help:"template file (the blocks subject, text, html, letter, closing; start from templates show)"`
}

// Run saves the template.
func (c *templatesSetCmd) Run(ctx context.Context, e *env) error {
	f := c.templateFlags
	src, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	t := f.template(c.MinDays)
	t.Source = string(src)
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.SaveTemplate(ctx, f.Company, t); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			return fmt.Errorf("%s: %s (nothing saved)", c.File, store.ReasonText(err))
		}
		return err
	}
	e.printf("template %s of company %s saved: letters composed from now on use it\n", t.Name(), f.Company)
	return nil
}

// templatesDeleteCmd is `starter templates delete`.
type templatesDeleteCmd struct {
	templateFlags
	MinDays int `name:"min-days" help:"minimum days overdue of the template to delete"`
}

// Run deletes the template.
func (c *templatesDeleteCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	t := c.template(c.MinDays)
	if err := st.DeleteTemplate(ctx, c.Company, t); err != nil {
		return err
	}
	e.printf("template %s of company %s deleted\n", t.Name(), c.Company)
	return nil
}

// ratesCmd is `starter rates`: the ECB main refinancing rates late-payment
// interest is computed from.
type ratesCmd struct {
	List ratesListCmd `cmd:"" help:"list the rates and the penalty rates they give"`
	Set  ratesSetCmd  `cmd:"" help:"record the rate of a half-year" audit:""`
}

// ratesListCmd is `starter rates list`.
type ratesListCmd struct{}

// Run lists the rates.
func (ratesListCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	rates, err := st.ECBRates(ctx)
	if err != nil {
		return err
	}
	e.printf("%-10s  %8s  %s\n", "FROM", "ECB %", "PENALTY % (ECB + 10)")
	for _, r := range rates {
		e.printf("%-10s  %8s  %s\n", r.From, r.ECB.StringFixed(2), r.ECB.Add(decimal.NewFromInt(10)).StringFixed(2))
	}
	return nil
}

// ratesSetCmd is `starter rates set`.
type ratesSetCmd struct {
	From string `required:"" placeholder:"YYYY-MM-DD" help:"first day of the half-year: YYYY-01-01 or YYYY-07-01"`
	Rate string `required:"" help:"ECB main refinancing rate in force that day, in percent, e.g. 2.15"`
}

// Run records the rate.
func (c *ratesSetCmd) Run(ctx context.Context, e *env) error {
	d, err := calendar.Parse(c.From)
	if err != nil {
		return usageError{err.Error()}
	}
	r, err := decimal.NewFromString(strings.Replace(strings.TrimSuffix(strings.TrimSpace(c.Rate), "%"), ",", ".", 1))
	if err != nil {
		return usageError{fmt.Sprintf("rate %q is not a number", c.Rate)}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.SetECBRate(ctx, d, r); err != nil {
		return err
	}
	e.printf("ECB rate from %s: %s %% (late-payment penalties %s %%)\n", d, r.StringFixed(2), r.Add(decimal.NewFromInt(10)).StringFixed(2))
	return nil
}
