package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/shopspring/decimal"
)

// runTemplates is `starter templates list|show|set|delete`: a company's
// own letter templates, edited without recompiling.
func runTemplates(ctx context.Context, e *env, args []string) error {
	const usage = "templates: want list, show, set, delete or fields (starter templates SUBCOMMAND -h for its flags)"
	if len(args) == 0 {
		return usageError{usage}
	}
	switch args[0] {
	case "list":
		return templatesList(ctx, e, args[1:])
	case "show":
		return templatesShow(ctx, e, args[1:])
	case "set":
		return templatesSet(ctx, e, args[1:])
	case "delete":
		return templatesDelete(ctx, e, args[1:])
	case "fields":
		if err := parse(flags("templates fields"), args[1:]); err != nil {
			return err
		}
		templatesFields(e)
		return nil
	}
	return usageError{fmt.Sprintf("%s; got %q", usage, args[0])}
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
	company, level, lang, kind *string
	minDays                    *int
}

func newTemplateFlags(fs *flag.FlagSet, minDaysUsage string) templateFlags {
	f := templateFlags{
		company: fs.String("company", "", "company code (required)"),
		level:   fs.String("level", "", "level code: R1, R2, R3, MED... (required)"),
		lang:    fs.String("lang", letter.DefaultLanguage, "language of the letter"),
		kind:    fs.String("kind", "", `customer kind: "business", "individual", or empty for every customer`),
		minDays: new(int),
	}
	if minDaysUsage != "" {
		f.minDays = fs.Int("min-days", 0, minDaysUsage)
	}
	return f
}

func (f templateFlags) check(name string) error {
	if *f.company == "" || *f.level == "" {
		return usageError{name + ": --company and --level are required"}
	}
	return nil
}

func (f templateFlags) template() letter.Template {
	return letter.Template{Level: *f.level, Language: *f.lang, CustomerKind: *f.kind, MinDaysOverdue: *f.minDays}.Normalized()
}

func templatesList(ctx context.Context, e *env, args []string) error {
	fs := flags("templates list")
	company := fs.String("company", "", "company code (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *company == "" {
		return usageError{"templates list: --company is required"}
	}
	st, co, err := e.company(ctx, *company)
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

func templatesShow(ctx context.Context, e *env, args []string) error {
	fs := flags("templates show")
	f := newTemplateFlags(fs, "")
	days := fs.Int("days", 0, "days overdue of the letter's most overdue invoice (templates with --min-days above it are not used)")
	shared := fs.Bool("shared", false, "print the shared blocks of the language (salutation, deadline, bank, fees...) instead")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *shared {
		src, err := letter.SharedSource(*f.lang)
		if err != nil {
			return err
		}
		e.printf("%s", src)
		return nil
	}
	if err := f.check("templates show"); err != nil {
		return err
	}
	st, co, err := e.company(ctx, *f.company)
	if err != nil {
		return err
	}
	ts, err := st.Templates(ctx, co.ID)
	if err != nil {
		return err
	}
	want := f.template()
	if t, ok := letter.SelectTemplate(ts, want.Level, want.Language, want.CustomerKind, *days); ok {
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

func templatesSet(ctx context.Context, e *env, args []string) error {
	fs := flags("templates set")
	f := newTemplateFlags(fs, "use this template only when the most overdue invoice is at least this many days late")
	file := fs.String("file", "", "template file (the blocks subject, text, html, letter, closing; required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := f.check("templates set"); err != nil {
		return err
	}
	if *file == "" {
		return usageError{"templates set: --file is required (start from `starter templates show`)"}
	}
	src, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	t := f.template()
	t.Source = string(src)
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.SaveTemplate(ctx, *f.company, t); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			return fmt.Errorf("%s: %s (nothing saved)", *file, store.ReasonText(err))
		}
		return err
	}
	e.printf("template %s of company %s saved: letters composed from now on use it\n", t.Name(), *f.company)
	return nil
}

func templatesDelete(ctx context.Context, e *env, args []string) error {
	fs := flags("templates delete")
	f := newTemplateFlags(fs, "minimum days overdue of the template to delete")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := f.check("templates delete"); err != nil {
		return err
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	t := f.template()
	if err := st.DeleteTemplate(ctx, *f.company, t); err != nil {
		return err
	}
	e.printf("template %s of company %s deleted\n", t.Name(), *f.company)
	return nil
}

// runRates is `starter rates list|set`: the ECB main refinancing rates
// late-payment interest is computed from.
func runRates(ctx context.Context, e *env, args []string) error {
	const usage = "rates: want list or set"
	if len(args) == 0 {
		return usageError{usage}
	}
	switch args[0] {
	case "list":
		if err := parse(flags("rates list"), args[1:]); err != nil {
			return err
		}
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
	case "set":
		fs := flags("rates set")
		from := fs.String("from", "", "first day of the half-year: YYYY-01-01 or YYYY-07-01 (required)")
		rate := fs.String("rate", "", "ECB main refinancing rate in force that day, in percent, e.g. 2.15 (required)")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *from == "" || *rate == "" {
			return usageError{"rates set: --from and --rate are required"}
		}
		d, err := calendar.Parse(*from)
		if err != nil {
			return usageError{err.Error()}
		}
		r, err := decimal.NewFromString(strings.Replace(strings.TrimSuffix(strings.TrimSpace(*rate), "%"), ",", ".", 1))
		if err != nil {
			return usageError{fmt.Sprintf("rate %q is not a number", *rate)}
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
	return usageError{fmt.Sprintf("%s; got %q", usage, args[0])}
}
