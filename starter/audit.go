package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// The command line's audit: every command that changes something writes
// one audit_log row, whatever its outcome, with the operating-system user
// who ran it as the actor (role "cli"). --actor is only a label: it is
// kept in the row's detail and shown next to the login name in workflow
// histories ("marie (cli:root)"); it can neither hide who acted nor skip
// the audit.

// osUser is the login name of whoever runs the command, from the
// operating system (not from a flag or an environment variable the
// caller chooses).
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return fmt.Sprintf("uid:%d", os.Getuid())
}

// cliActor is the actor recorded in histories for a command run by the
// OS user with the optional --actor label.
func cliActor(label string) string {
	who := "cli:" + osUser()
	label = strings.TrimSpace(label)
	if label == "" || label == osUser() {
		return who
	}
	return label + " (" + who + ")"
}

// changes reports whether the command line args (command first) may change
// something, and the audited action name.
func changes(args []string) (string, bool) {
	sub := ""
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		sub = args[1]
	}
	switch args[0] {
	case "migrate", "demo", "setup", "import", "scan", "schedule", "pay", "skip", "revert", "pause",
		"resume", "comment", "bulk", "customer":
		return args[0], true
	case "ladder", "rates", "statuses":
		return args[0] + " " + sub, sub == "set" || sub == "delete"
	case "company":
		return "company " + sub, sub == "add" || sub == "set" || sub == "archive" || sub == "restore"
	case "calls":
		return "calls " + sub, sub == "add" || sub == "delete"
	case "templates":
		return "templates " + sub, sub == "set" || sub == "delete"
	case "tokens":
		return "tokens " + sub, sub == "create" || sub == "revoke"
	case "sources":
		return "sources " + sub, sub == "set"
	case "users":
		return "users " + sub, sub == "add" || sub == "disable" || sub == "password"
	case "proposal":
		return "proposal untick", flagValue(args[1:], "untick") != ""
	case "verify":
		return "verify " + sub, sub == "sent" || sub == "resend"
	}
	return "", false
}

// flagValue returns the value of --name (or -name, --name=v) in args.
func flagValue(args []string, name string) string {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
		if a == name && i+1 < len(args) && strings.HasPrefix(args[i], "-") {
			return args[i+1]
		}
	}
	return ""
}

// auditTarget names what the command acts on, like the HTTP API's targets:
// COMPANY/INVOICE, COMPANY/customer/CODE, token/NAME, source/NAME, or the
// company.
func auditTarget(args []string) string {
	company, invoice, customer := flagValue(args, "company"), flagValue(args, "invoice"), flagValue(args, "customer")
	switch {
	case args[0] == "tokens" || args[0] == "sources":
		return strings.TrimSuffix(args[0], "s") + "/" + flagValue(args, "name")
	case args[0] == "company":
		return flagValue(args, "code")
	case args[0] == "statuses":
		return company + "/status/" + flagValue(args, "code")
	case args[0] == "verify":
		return company + "/letter/" + flagValue(args, "reference")
	case invoice != "":
		return company + "/" + invoice
	case customer != "":
		return company + "/customer/" + customer
	}
	return company
}

// outcome classifies a command's error for the audit log.
func outcome(err error) string {
	var u usageError
	switch {
	case err == nil:
		return store.AuditOK
	case errors.As(err, &u), errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound),
		errors.Is(err, store.ErrConflict), errors.Is(err, actions.ErrRefused), errors.Is(err, actions.ErrNoWorkflow):
		return store.AuditRefused
	}
	return store.AuditError
}

// audit writes the audit row of a command that changes something. Its
// own failure is an error of the command: an action nobody can trace is
// reported, not hidden.
func (e *env) audit(ctx context.Context, args []string, runErr error) error {
	action, ok := changes(args)
	if !ok {
		return nil
	}
	st, err := e.store(ctx)
	if err != nil {
		if runErr != nil {
			return nil // nothing could be done either: the command's own error says why
		}
		return fmt.Errorf("done, but the audit log could not be written: %w", err)
	}
	detail := strings.Join(args[1:], " ")
	if label := flagValue(args[1:], "actor"); label != "" {
		detail = fmt.Sprintf("label %q; %s", label, detail)
	}
	if runErr != nil {
		detail += "; " + runErr.Error()
	}
	if err := actions.RecordAudit(ctx, st, actions.Audit{
		Door: actions.DoorCLI, Actor: "cli:" + osUser(), Role: actions.RoleCLI, Action: action, Target: auditTarget(args),
		Outcome: outcome(runErr), Detail: detail,
	}); err != nil {
		return fmt.Errorf("the audit log could not be written (the command's outcome: %v): %w", outcome(runErr), err)
	}
	return nil
}

// explained is an error shown with its own words that still matches its
// cause (errors.Is), so the audit classifies it.
type explained struct {
	msg   string
	cause error
}

func (e explained) Error() string { return e.msg }
func (e explained) Unwrap() error { return e.cause }
