package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/relance/relance/letters/letter"
)

// cli is the command line: every command and subcommand with its help and
// its flags, declared once. The help (`starter help`, `starter COMMAND
// -h`) and the audit log's action names are read from it (kong's model of
// this struct).
//
// A command whose field carries the tag audit:"" changes something: each
// run writes one audit row (see audit.go); audit:"FLAG" audits it only when
// --FLAG is given.
type cli struct {
	Migrate          migrateCmd          `cmd:"" group:"setup" help:"apply the database schema" audit:""`
	Demo             demoCmd             `cmd:"" group:"setup" help:"load the demo company and its invoices" audit:""`
	Setup            setupCmd            `cmd:"" group:"setup" help:"register the search attributes on a Temporal cluster" audit:""`
	SearchAttributes searchAttributesCmd `cmd:"" group:"setup" name:"search-attributes" help:"list the custom search attributes (--flags: as dev-server flags)"`
	Serve            serveCmd            `cmd:"" group:"setup" help:"serve the web app, the operator HTTP API and the payment webhook"`
	Probe            probeCmd            `cmd:"" group:"setup" help:"GET a URL and succeed on HTTP 200 (container health checks)"`
	Company          companyCmd          `cmd:"" group:"settings" help:"add, change, show, list or archive a company (legal details, sender, time zone, send hour, demo day)"`
	Statuses         statusesCmd         `cmd:"" group:"settings" help:"list, set or delete the reminder statuses of a company (seed 004)"`
	Ladder           ladderCmd           `cmd:"" group:"settings" help:"show or set a company's ladder (levels, delays, channels, fees)"`
	Templates        templatesCmd        `cmd:"" group:"settings" help:"list, show, set or delete a company's letter templates"`
	Rates            ratesCmd            `cmd:"" group:"settings" help:"list or set the ECB refinancing rates used for late-payment interest"`
	Tokens           tokensCmd           `cmd:"" group:"settings" help:"create, list or revoke operator API tokens"`
	Users            usersCmd            `cmd:"" group:"settings" help:"add, list or disable the web app's users (sign-in, role, companies), set a password"`
	Sources          sourcesCmd          `cmd:"" group:"settings" help:"set the HMAC secret of a payment source (webhook)"`
	Import           importCmd           `cmd:"" group:"in" help:"import customers, invoices and payments on account from CSV files (bad rows listed, the rest kept)" audit:""`
	Facturx          facturXCmd          `cmd:"" group:"in" name:"facturx" help:"import Factur-X invoice PDFs (the XML read, the PDF kept for the letters; a file twice changes nothing)" audit:""`
	Pay              payCmd              `cmd:"" group:"in" help:"record a payment and signal the invoice's workflow" audit:""`
	Bank             bankCmd             `cmd:"" group:"in" help:"import bank statements (CAMT.053, CFONB 120) and match them; list them; simulate a month"`
	Scan             scanCmd             `cmd:"" group:"dunning" help:"start one dunning workflow per overdue invoice (every company unless --company)" audit:""`
	Schedule         scheduleCmd         `cmd:"" group:"dunning" help:"create or update the daily scan Schedule of a company" audit:""`
	Skip             skipCmd             `cmd:"" group:"dunning" help:"move an invoice to the next level without a letter" audit:""`
	Revert           revertCmd           `cmd:"" group:"dunning" help:"move an invoice back to the previous level" audit:""`
	Pause            pauseCmd            `cmd:"" group:"dunning" help:"stop letters for an invoice (optionally until a date)" audit:""`
	Resume           resumeCmd           `cmd:"" group:"dunning" help:"end a pause" audit:""`
	Comment          commentCmd          `cmd:"" group:"dunning" help:"add a comment to an invoice's history" audit:""`
	Status           statusCmd           `cmd:"" group:"dunning" help:"show an invoice's dunning state and history (times in the company's time zone)"`
	Calls            callsCmd            `cmd:"" group:"dunning" help:"add, list or delete calls logged with a customer"`
	Bulk             bulkCmd             `cmd:"" group:"dunning" help:"skip (or revert, resume, comment) a selection of invoices at once" audit:""`
	Proposal         proposalCmd         `cmd:"" group:"dunning" help:"what the run of a date would send, per customer; untick customers before it runs" audit:"untick"`
	Customer         customerCmd         `cmd:"" group:"dunning" help:"set a customer's do-not-remind flag or reminder status (reaches its running dunnings)" audit:""`
	List             listCmd             `cmd:"" group:"read" help:"list invoices with the Relances screen's filter and tab counts"`
	Dashboard        dashboardCmd        `cmd:"" group:"read" help:"what is owed by age and level, letters by outcome, payments after each level, promises, DSO"`
	Export           exportCmd           `cmd:"" group:"read" help:"export invoices to remind or the reminder history as CSV or XLSX"`
	Preview          previewCmd          `cmd:"" group:"letters" help:"render an invoice's letter without sending or recording it"`
	Letters          lettersCmd          `cmd:"" group:"letters" help:"the day's letters as a zip and a merged PDF to print; a customer's letters"`
	Verify           verifyCmd           `cmd:"" group:"letters" help:"list the letters to verify (sent without SES's answer) and record whether they went out"`
	Versions         versionsCmd         `cmd:"" group:"setup" help:"count the open workflows per version marker, before retiring a version (docs/versioning.md)"`
}

// runner is a command (a leaf of cli): Run does its work.
type runner interface {
	Run(ctx context.Context, e *env) error
}

const cliDescription = "The dunning pipeline's command line. Configuration comes from the environment: " +
	"TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DATABASE_URL (see docs/operations.md)."

// newParser builds the kong parser of c, printing help to out. Help ends
// parsing by panicking with helpShown (kong would otherwise exit).
func newParser(c *cli, out io.Writer) (*kong.Kong, error) {
	return kong.New(c,
		kong.Name("starter"),
		kong.ExplicitGroups([]kong.Group{
			{Key: "setup", Title: "Install and run:"},
			{Key: "settings", Title: "Companies, settings and access:"},
			{Key: "in", Title: "Invoices and payments in:"},
			{Key: "dunning", Title: "Dunning:"},
			{Key: "read", Title: "Lists and figures:"},
			{Key: "letters", Title: "Letters:"},
		}),
		kong.Description(cliDescription),
		kong.Writers(out, os.Stderr),
		kong.Exit(func(int) { panic(helpShown{}) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoExpandSubcommands: true}),
		kong.WithHyphenPrefixedParameters(true), // --amount -10 is refused by the command, not misread
		kong.Vars{"user": osUser(), "actorHelp": actorHelp, "defaultLanguage": letter.DefaultLanguage}.CloneWith(importVars()),
	)
}

// helpShown is the panic value that stops parsing once help is printed.
type helpShown struct{}

// parseArgs parses args against c. It returns a nil context and no error
// when help was asked for and printed.
func parseArgs(c *cli, args []string, out io.Writer) (kctx *kong.Context, err error) {
	p, err := newParser(c, out)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(helpShown); !ok {
				panic(r)
			}
			kctx, err = nil, nil
		}
	}()
	kctx, err = p.Parse(args)
	if err != nil {
		return nil, usageError{parseProblem(err)}
	}
	return kctx, nil
}

// parseProblem says what is wrong with a command line and where to read
// the command's flags.
func parseProblem(err error) string {
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil {
		if path := commandPath(pe.Context); path != "" {
			return fmt.Sprintf("%s: %v (starter %s --help lists its flags)", path, err, path)
		}
	}
	return fmt.Sprintf("%v (starter help lists the commands)", err)
}

// dispatch runs the command line args (without the program name), writing
// its report to out. No arguments, `help`, -h or --help print the help and
// succeed; `help COMMAND...` is COMMAND... --help.
func dispatch(ctx context.Context, args []string, out io.Writer) error {
	var c cli
	kctx, err := parseArgs(&c, helpArgs(args), out)
	if err != nil || kctx == nil {
		return err
	}
	e := newEnv(out)
	defer e.close()
	r, ok := kctx.Selected().Target.Addr().Interface().(runner)
	if !ok {
		return fmt.Errorf("command %q has nothing to run", commandPath(kctx))
	}
	err = r.Run(ctx, e)
	var u usageError
	if errors.As(err, &u) && e.st == nil {
		return err // refused before anything was opened: nothing to audit
	}
	if aerr := e.audit(ctx, readCommandLine(kctx), err); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// helpArgs turns the ways of asking for help kong does not know into
// --help: no arguments, and `help [COMMAND...]`.
func helpArgs(args []string) []string {
	switch {
	case len(args) == 0:
		return []string{"--help"}
	case args[0] == "help":
		return append(append([]string{}, args[1:]...), "--help")
	}
	return args
}

// commandPath is the selected command and subcommands, e.g. "tokens create".
func commandPath(kctx *kong.Context) string {
	var names []string
	for _, p := range kctx.Path {
		if p.Command != nil {
			names = append(names, p.Command.Name)
		}
	}
	return strings.Join(names, " ")
}

// commandLine is what a parsed command line says, read from kong's model:
// the command path, whether it changes something (its audit tag), and the
// flags and arguments given, with their values.
type commandLine struct {
	Path    string
	Changes bool
	// Given are the flags given ("--name value") and then the positional
	// arguments, in the order of the command line; secrets are masked.
	Given []string
	flags map[string]string
}

// Flag returns the value given to --name, or "".
func (l commandLine) Flag(name string) string { return l.flags[name] }

// readCommandLine reads the selected command of kctx.
func readCommandLine(kctx *kong.Context) commandLine {
	l := commandLine{Path: commandPath(kctx), flags: map[string]string{}}
	var auditTag *string
	for _, p := range kctx.Path {
		if p.Command != nil {
			if v, ok := p.Command.Tag.Get("audit"), p.Command.Tag.Has("audit"); ok {
				auditTag = &v
			} else {
				auditTag = nil
			}
		}
	}
	for _, p := range kctx.Path {
		switch {
		case p.Flag != nil && !p.Resolved:
			v := valueString(kctx.FlagValue(p.Flag))
			l.flags[p.Flag.Name] = v
			if secretFlag(p.Flag.Name) {
				v = "(secret)"
			}
			l.Given = append(l.Given, "--"+p.Flag.Name+" "+v)
		case p.Positional != nil:
			l.Given = append(l.Given, valueString(kctx.Value(p).Interface()))
		}
	}
	if auditTag != nil {
		l.Changes = *auditTag == "" || l.flags[*auditTag] != ""
	}
	return l
}

// secretFlag reports whether a flag's value is a secret the audit log must
// not keep. Secrets are read from the environment, never from flags (the
// *-env flags name the variable); this is the guard if one ever is.
func secretFlag(name string) bool {
	if strings.HasSuffix(name, "-env") {
		return false
	}
	for _, s := range []string{"password", "secret", "token"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// valueString prints a flag's or an argument's value (pointers followed,
// lists joined).
func valueString(v any) string {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return ""
	}
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8 {
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = valueString(rv.Index(i).Interface())
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprint(rv.Interface())
}
