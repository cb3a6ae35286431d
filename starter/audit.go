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

// auditTarget names what the command acts on, like the HTTP API's targets:
// COMPANY/INVOICE, COMPANY/customer/CODE, token/NAME, source/NAME, or the
// company.
func auditTarget(l commandLine) string {
	company, invoice, customer := l.Flag("company"), l.Flag("invoice"), l.Flag("customer")
	top, _, _ := strings.Cut(l.Path, " ")
	switch {
	case top == "tokens" || top == "sources":
		return strings.TrimSuffix(top, "s") + "/" + l.Flag("name")
	case top == "company":
		return l.Flag("code")
	case top == "statuses":
		return company + "/status/" + l.Flag("code")
	case top == "verify":
		return company + "/letter/" + l.Flag("reference")
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

// audit writes the audit row of a command that changes something (its
// audit tag in cli): the command path as the action, the flags given as
// the detail (secrets masked, see readCommandLine). Its
// own failure is an error of the command: an action nobody can trace is
// reported, not hidden.
func (e *env) audit(ctx context.Context, l commandLine, runErr error) error {
	if !l.Changes {
		return nil
	}
	st, err := e.store(ctx)
	if err != nil {
		if runErr != nil {
			return nil // nothing could be done either: the command's own error says why
		}
		return fmt.Errorf("done, but the audit log could not be written: %w", err)
	}
	detail := strings.Join(l.Given, " ")
	if label := l.Flag("actor"); label != "" {
		detail = fmt.Sprintf("label %q; %s", label, detail)
	}
	if runErr != nil {
		detail += "; " + runErr.Error()
	}
	if err := actions.RecordAudit(ctx, st, actions.Audit{
		Door: actions.DoorCLI, Actor: "cli:" + osUser(), Role: actions.RoleCLI, Action: l.Path, Target: auditTarget(l),
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
