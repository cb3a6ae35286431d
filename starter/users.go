package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/ledger/store"
)

// runUsers manages the web app's users:
//
//	users add --name marie --role operator --company DEMO[,ACME] [--password-env VAR]
//	users list
//	users disable --name marie
//	users password --name admin [--password-env VAR] [--must-change]
//
// The password is read from the environment variable named by
// --password-env (RELANCE_PASSWORD by default), else from the first line
// of standard input, never from the command line, which other users and
// shell histories see. `users password` sets the password of a user (the
// first admin's, or one who lost theirs) and ends their sessions.
func runUsers(ctx context.Context, e *env, args []string) error {
	const use = "users: usage: users add --name NAME --role viewer|operator|admin --company CODE[,CODE] [--password-env VAR] | users list | users disable --name NAME | users password --name NAME [--password-env VAR] [--must-change]"
	if len(args) == 0 {
		return usageError{use}
	}
	sub, args := args[0], args[1:]
	fs := flags("users " + sub)
	var name, role, companies, passwordEnv *string
	var mustChange *bool
	switch sub {
	case "add":
		name = fs.String("name", "", "sign-in name, recorded as the actor of the user's actions (required)")
		role = fs.String("role", "", "viewer (read), operator (+ execute, skip, revert, pause, resume, comment, untick) or admin (+ do-not-remind, statuses) (required)")
		companies = fs.String("company", "", "codes of the companies the user may see, comma-separated (required, except for an admin: the first admin creates the first company in the web app)")
		passwordEnv = fs.String("password-env", "RELANCE_PASSWORD", "environment variable holding the password")
	case "disable":
		name = fs.String("name", "", "whose access to end (required)")
	case "password":
		name = fs.String("name", "", "whose password to set (required)")
		passwordEnv = fs.String("password-env", "RELANCE_PASSWORD", "environment variable holding the password (else the first line of standard input)")
		mustChange = fs.Bool("must-change", false, "make the user choose another password at the next sign-in")
	case "list":
	default:
		return usageError{use}
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if name != nil && *name == "" {
		return usageError{"users " + sub + ": --name is required"}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		r, err := store.ParseRole(*role)
		if err != nil {
			return usageError{"users add: --role must be viewer, operator or admin"}
		}
		var codes []string
		for _, c := range strings.Split(*companies, ",") {
			if c = strings.TrimSpace(c); c != "" {
				codes = append(codes, c)
			}
		}
		if len(codes) == 0 && r != store.RoleAdmin {
			// An admin without a company creates the first one in the web app.
			return usageError{"users add: --company is required (the user sees only these companies)"}
		}
		password, err := readPassword(*passwordEnv)
		if err != nil {
			return usageError{"users add: " + err.Error()}
		}
		u, err := st.CreateUser(ctx, *name, password, r, codes)
		if err != nil {
			return err
		}
		e.printf("user %s (%s) added, companies %s\n", u.Name, u.Role, strings.Join(u.Companies, ", "))
	case "list":
		us, err := st.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCOMPANIES\tCREATED\tDISABLED")
		for _, u := range us {
			disabled := "-"
			if u.DisabledAt != nil {
				disabled = u.DisabledAt.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, strings.Join(u.Companies, ","), u.CreatedAt.Local().Format("2006-01-02 15:04"), disabled)
		}
		return tw.Flush()
	case "disable":
		if err := st.DisableUser(ctx, *name); err != nil {
			return err
		}
		e.printf("user %s disabled: sessions ended\n", *name)
	case "password":
		password, err := readPassword(*passwordEnv)
		if err != nil {
			return usageError{"users password: " + err.Error()}
		}
		if err := st.SetPassword(ctx, *name, password, *mustChange); err != nil {
			return fmt.Errorf("users password: %w", err)
		}
		msg := "user %s: password set, sessions ended\n"
		if *mustChange {
			msg = "user %s: password set, to be changed at the next sign-in; sessions ended\n"
		}
		e.printf(msg, *name)
	}
	return nil
}

// stdin is where a password is read when no environment variable holds
// one (tests replace it).
var stdin io.Reader = os.Stdin

// readPassword reads the password from the environment variable named
// envVar, else from the first line of standard input.
func readPassword(envVar string) (string, error) {
	if p, ok := os.LookupEnv(envVar); ok && p != "" {
		return p, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password: set %s or write it on standard input", envVar)
	}
	return line, nil
}
