package main

import (
	"context"
	"fmt"
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
//
// The password is read from the environment variable named by
// --password-env (RELANCE_PASSWORD by default), never from the command
// line, which other users and shell histories see.
func runUsers(ctx context.Context, e *env, args []string) error {
	const use = "users: usage: users add --name NAME --role viewer|operator|admin --company CODE[,CODE] [--password-env VAR] | users list | users disable --name NAME"
	if len(args) == 0 {
		return usageError{use}
	}
	sub, args := args[0], args[1:]
	fs := flags("users " + sub)
	var name, role, companies, passwordEnv *string
	switch sub {
	case "add":
		name = fs.String("name", "", "sign-in name, recorded as the actor of the user's actions (required)")
		role = fs.String("role", "", "viewer (read), operator (+ execute, skip, revert, pause, resume, comment, untick) or admin (+ do-not-remind, statuses) (required)")
		companies = fs.String("company", "", "codes of the companies the user may see, comma-separated (required, except for an admin: the first admin creates the first company in the web app)")
		passwordEnv = fs.String("password-env", "RELANCE_PASSWORD", "environment variable holding the password")
	case "disable":
		name = fs.String("name", "", "whose access to end (required)")
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
		password, ok := os.LookupEnv(*passwordEnv)
		if !ok || password == "" {
			return usageError{fmt.Sprintf("users add: environment variable %s holds no password", *passwordEnv)}
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
	}
	return nil
}
