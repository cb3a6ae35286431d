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

// usersCmd is `starter users`: the web app's users. A password is read
// from the environment variable named by --password-env (RELANCE_PASSWORD
// by default), else from the first line of standard input, never from the
// command line, which other users and shell histories see.
type usersCmd struct {
	Add      usersAddCmd      `cmd:"" help:"add a user" audit:""`
	List     usersListCmd     `cmd:"" help:"list the users"`
	Disable  usersDisableCmd  `cmd:"" help:"end a user's access and sessions" audit:""`
	Password usersPasswordCmd `cmd:"" help:"set a user's password (the first admin's, or one who lost theirs) and end their sessions" audit:""`
}

// usersAddCmd is `starter users add`.
type usersAddCmd struct {
	Name        string `required:"" help:"sign-in name, recorded as the actor of the user's actions"`
	Role        string `required:"" enum:"viewer,operator,admin" help:"viewer (read), operator (+ execute, skip, revert, pause, resume, comment, untick) or admin (+ do-not-remind, statuses)"`
	Company     string `placeholder:"CODE[,CODE]" help:"codes of the companies the user may see, comma-separated (required, except for an admin: the first admin creates the first company in the web app)"`
	PasswordEnv string `name:"password-env" default:"RELANCE_PASSWORD" placeholder:"VARIABLE" help:"environment variable holding the password (else the first line of standard input)"`
}

// Run adds the user.
func (c *usersAddCmd) Run(ctx context.Context, e *env) error {
	r, err := store.ParseRole(c.Role)
	if err != nil {
		return usageError{"users add: --role must be viewer, operator or admin"}
	}
	var codes []string
	for _, code := range strings.Split(c.Company, ",") {
		if code = strings.TrimSpace(code); code != "" {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 && r != store.RoleAdmin {
		// An admin without a company creates the first one in the web app.
		return usageError{"users add: --company is required (the user sees only these companies)"}
	}
	password, err := readPassword(c.PasswordEnv)
	if err != nil {
		return usageError{"users add: " + err.Error()}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	u, err := st.CreateUser(ctx, c.Name, password, r, codes)
	if err != nil {
		return err
	}
	e.printf("user %s (%s) added, companies %s\n", u.Name, u.Role, strings.Join(u.Companies, ", "))
	return nil
}

// usersListCmd is `starter users list`.
type usersListCmd struct{}

// Run lists the users.
func (usersListCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
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
}

// usersDisableCmd is `starter users disable`.
type usersDisableCmd struct {
	Name string `required:"" help:"whose access to end"`
}

// Run disables the user.
func (c *usersDisableCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.DisableUser(ctx, c.Name); err != nil {
		return err
	}
	e.printf("user %s disabled: sessions ended\n", c.Name)
	return nil
}

// usersPasswordCmd is `starter users password`.
type usersPasswordCmd struct {
	Name        string `required:"" help:"whose password to set"`
	PasswordEnv string `name:"password-env" default:"RELANCE_PASSWORD" placeholder:"VARIABLE" help:"environment variable holding the password (else the first line of standard input)"`
	MustChange  bool   `name:"must-change" help:"make the user choose another password at the next sign-in"`
}

// Run sets the password.
func (c *usersPasswordCmd) Run(ctx context.Context, e *env) error {
	password, err := readPassword(c.PasswordEnv)
	if err != nil {
		return usageError{"users password: " + err.Error()}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.SetPassword(ctx, c.Name, password, c.MustChange); err != nil {
		return fmt.Errorf("users password: %w", err)
	}
	msg := "user %s: password set, sessions ended\n"
	if c.MustChange {
		msg = "user %s: password set, to be changed at the next sign-in; sessions ended\n"
	}
	e.printf(msg, c.Name)
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
