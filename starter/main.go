// Command starter starts dunning workflows (now, or daily on a Temporal
// Schedule) and is the operator's command line: pay, skip, revert, pause,
// resume, comment, status. Run `starter help` for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // company time zones resolve the same on every machine
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = []command{
	{"migrate", "apply the database schema", runMigrate},
	{"demo", "load the demo company and its invoices", runDemo},
	{"setup", "register the search attributes on a Temporal cluster", runSetup},
	{"import", "import customers, invoices and payments on account from CSV files (bad rows listed, the rest kept)", runImport},
	{"facturx", "import Factur-X invoice PDFs (the XML read, the PDF kept for the letters; a file twice changes nothing)", runFacturX},
	{"company", "add, change, show, list or archive a company (legal details, sender, time zone, send hour)", runCompany},
	{"statuses", "list, set or delete the reminder statuses of a company (seed 004)", runStatuses},
	{"ladder", "show or set a company's ladder (levels, delays, channels, fees)", runLadder},
	{"scan", "start one dunning workflow per overdue invoice", runScan},
	{"schedule", "create or update the daily scan Schedule of a company", runSchedule},
	{"pay", "record a payment and signal the invoice's workflow", runPay},
	{"bank", "import bank statements (CAMT.053, CFONB 120) and match them; list them; simulate a month", runBank},
	{"skip", "move an invoice to the next level without a letter", runSkip},
	{"revert", "move an invoice back to the previous level", runRevert},
	{"pause", "stop letters for an invoice (optionally until a date)", runPause},
	{"resume", "end a pause", runResume},
	{"comment", "add a comment to an invoice's history", runComment},
	{"status", "show an invoice's dunning state and history", runStatus},
	{"list", "list invoices by level with filters, like the reminders screen", runList},
	{"dashboard", "what is owed by age and level, letters by outcome, payments after each level, promises, DSO", runDashboard},
	{"export", "export invoices to remind or the reminder history as CSV or XLSX", runExport},
	{"calls", "add, list or delete calls logged with a customer", runCalls},
	{"bulk", "skip (or revert, resume, comment) a selection of invoices at once", runBulk},
	{"proposal", "what the run of a date would send, per customer; untick customers before it runs", runProposal},
	{"customer", "set a customer's do-not-remind flag or reminder status (reaches its running dunnings)", runCustomer},
	{"search-attributes", "list the custom search attributes (--flags: as dev-server flags)", runSearchAttributes},
	{"templates", "list, show, set or delete a company's letter templates", runTemplates},
	{"rates", "list or set the ECB refinancing rates used for late-payment interest", runRates},
	{"serve", "serve the web app, the operator HTTP API and the payment webhook", runServe},
	{"tokens", "create, list or revoke operator API tokens", runTokens},
	{"users", "add, list or disable the web app's users (sign-in, role, companies), set a password", runUsers},
	{"sources", "set the HMAC secret of a payment source (webhook)", runSources},
	{"preview", "render an invoice's letter without sending or recording it", runPreview},
	{"letters", "the day's letters as a zip and a merged PDF to print; a customer's letters", runLetters},
	{"verify", "list the letters to verify (sent without SES's answer) and record whether they went out", runVerify},
	{"probe", "GET a URL and succeed on HTTP 200 (container health checks)", runProbe},
	{"versions", "count the open workflows per version marker, before retiring a version (docs/versioning.md)", runVersions},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func dispatch(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			e := newEnv(out)
			defer e.close()
			err := c.run(ctx, e, args[1:])
			if errors.Is(err, errHelp) {
				return nil // the flag package printed the flags
			}
			var u usageError
			if errors.As(err, &u) && (len(args) == 1 || isHelp(args[1])) {
				if len(args) > 1 {
					fmt.Fprintln(out, u.msg) // COMMAND -h for a command with subcommands
					return nil
				}
				return err
			}
			if errors.As(err, &u) && e.st == nil {
				return err // refused before anything was opened: nothing to audit
			}
			if aerr := e.audit(ctx, args, err); aerr != nil {
				return errors.Join(err, aerr)
			}
			return err
		}
	}
	usage(os.Stderr)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: starter COMMAND [flags]   (starter COMMAND -h for its flags)")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from the environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DATABASE_URL (see README).")
}

// flags returns a flag set that reports errors instead of exiting.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return fs
}

// errHelp is returned by parse when the flags asked for help: the command
// stops there and dispatch answers success.
var errHelp = errors.New("help requested")

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// parse parses a command's flags. On -h it returns errHelp (after the flag
// package printed the flags), so the command runs nothing.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}
