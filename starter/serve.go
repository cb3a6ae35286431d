package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/store"
)

// serveCmd is `starter serve`: it serves the web app, the operator HTTP API and the payment
// webhook until ctx ends (SIGINT, SIGTERM), then lets requests in flight
// finish. It runs what the server command runs (web.Run).
type serveCmd struct {
	Addr            string `default:"127.0.0.1:8080" placeholder:"HOST:PORT" help:"address to listen on"`
	TemporalUI      string `name:"temporal-ui" env:"TEMPORAL_UI_URL" default:"http://localhost:8233" placeholder:"URL" help:"Temporal UI address, for the invoice page's link to its workflow (empty: no link)"`
	InsecureCookies bool   `name:"insecure-cookies" help:"send the session cookie over plain HTTP on an address other than localhost (never in production)"`
}

// Run serves until ctx ends.
func (c *serveCmd) Run(ctx context.Context, e *env) error {
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	// A server logs its requests: info level unless LOG_LEVEL says
	// otherwise (the one-shot commands keep quiet by default).
	log := e.log
	if os.Getenv("LOG_LEVEL") == "" {
		cfg := e.cfg
		cfg.LogLevel = slog.LevelInfo
		log = cfg.Logger()
	}
	adminFactor, err := web.ParseAdminSecondFactor(os.Getenv(web.AdminSecondFactorEnv))
	if err != nil {
		return err
	}
	return web.Run(ctx, web.RunOptions{
		Addr: c.Addr, Ops: o, Log: log, TemporalUI: c.TemporalUI, Namespace: e.cfg.TemporalNamespace, InsecureCookies: c.InsecureCookies,
		RequireAdminSecondFactor: adminFactor,
		Ready: func(a string) {
			e.printf("relance web app on http://%s/ (operator API /v1/..., payment webhook POST /v1/payments)\n", a)
		},
	})
}

// tokensCmd is `starter tokens`: the operator API's bearer tokens.
type tokensCmd struct {
	Create tokensCreateCmd `cmd:"" help:"create a token (printed once)" audit:""`
	List   tokensListCmd   `cmd:"" help:"list the tokens"`
	Revoke tokensRevokeCmd `cmd:"" help:"revoke a token" audit:""`
}

// tokensCreateCmd is `starter tokens create`.
type tokensCreateCmd struct {
	Name  string `required:"" help:"who holds the token, recorded as the actor of their actions"`
	Role  string `required:"" enum:"viewer,operator,admin" help:"viewer (read), operator (+ skip, revert, pause, resume, comment) or admin (+ tokens, do-not-remind)"`
	Areas string `help:"the API areas the token may call, comma-separated: dunning (the operator API, the default), feed (the accounting feed)"`
	scopeFlags
}

// Run creates the token and prints it.
func (c *tokensCreateCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	r, err := store.ParseRole(c.Role)
	if err != nil {
		return usageError{"tokens create: --role must be viewer, operator or admin"}
	}
	scope, err := c.scope("tokens create")
	if err != nil {
		return err
	}
	if err := st.CheckScope(ctx, scope); err != nil {
		return err
	}
	ar, err := store.ParseAreas(c.Areas)
	if err != nil {
		return usageError{"tokens create: --areas: " + store.ReasonText(err)}
	}
	plain, t, err := st.CreateToken(ctx, c.Name, r)
	if err != nil {
		return err
	}
	if err := st.SetTokenAreas(ctx, t.Name, ar); err != nil {
		_ = st.RevokeToken(ctx, t.Name)
		return err
	}
	t.Areas = ar
	if err := st.SetTokenScope(ctx, t.Name, scope); err != nil {
		_ = st.RevokeToken(ctx, t.Name)
		return err
	}
	e.printf("token for %s (%s, %s, API %s), shown once, keep it now:\n%s\n", t.Name, t.Role, scope, t.AreasString(), plain)
	return nil
}

// tokensListCmd is `starter tokens list`.
type tokensListCmd struct{}

// Run lists the tokens.
func (tokensListCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	ts, err := st.Tokens(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCOMPANIES\tAPI\tCREATED\tREVOKED")
	for _, t := range ts {
		revoked := "-"
		if t.RevokedAt != nil {
			revoked = t.RevokedAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.Companies, t.AreasString(), t.CreatedAt.Local().Format("2006-01-02 15:04"), revoked)
	}
	return tw.Flush()
}

// tokensRevokeCmd is `starter tokens revoke`.
type tokensRevokeCmd struct {
	Name string `required:"" help:"whose token to revoke"`
}

// Run revokes the token.
func (c *tokensRevokeCmd) Run(ctx context.Context, e *env) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.RevokeToken(ctx, c.Name); err != nil {
		return err
	}
	e.printf("token of %s revoked\n", c.Name)
	return nil
}

// sourcesCmd is `starter sources`.
type sourcesCmd struct {
	Set sourcesSetCmd `cmd:"" help:"set the HMAC secret of a payment source and the companies it may pay" audit:""`
}

// sourcesSetCmd is `starter sources set`: it sets the HMAC secret a payment source signs its webhook
// requests with. The secret is read from an environment variable, never
// from the command line (which other users and shell histories see).
type sourcesSetCmd struct {
	Name      string `required:"" help:"payment source name, sent as the X-Relance-Source header"`
	SecretEnv string `name:"secret-env" required:"" placeholder:"VARIABLE" help:"name of the environment variable holding the shared secret"`
	scopeFlags
}

// Run sets the secret and the scope.
func (c *sourcesSetCmd) Run(ctx context.Context, e *env) error {
	sc := c.scopeFlags
	secret, ok := os.LookupEnv(c.SecretEnv)
	if !ok || strings.TrimSpace(secret) == "" {
		return usageError{fmt.Sprintf("sources set: environment variable %s is not set", c.SecretEnv)}
	}
	if len(secret) < store.MinSecretLength {
		return usageError{fmt.Sprintf("sources set: the secret in %s must have at least %d characters (e.g. openssl rand -hex 32)", c.SecretEnv, store.MinSecretLength)}
	}
	scope, err := sc.scope("sources set")
	if err != nil {
		return err
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.CheckScope(ctx, scope); err != nil {
		return err
	}
	if err := st.SetWebhookSource(ctx, c.Name, secret); err != nil {
		return err
	}
	if err := st.SetSourceScope(ctx, c.Name, scope); err != nil {
		return err
	}
	e.printf("payment source %s (%s): secret set from $%s\n", c.Name, scope, c.SecretEnv)
	return nil
}

// scopeFlags are --company and --all-companies: which companies a token or
// a payment source may act on. One of the two is required, so that a
// credential reaching every company is a choice, not an accident.
type scopeFlags struct {
	Company      string `placeholder:"CODE[,CODE]" help:"comma-separated company codes it may act on (this or --all-companies is required)"`
	AllCompanies bool   `name:"all-companies" help:"every company of the installation, present and future"`
}

func (f scopeFlags) scope(cmd string) (store.Scope, error) {
	switch {
	case f.AllCompanies && f.Company != "":
		return nil, usageError{cmd + ": --company and --all-companies exclude each other"}
	case f.AllCompanies:
		return nil, nil
	case strings.TrimSpace(f.Company) == "":
		return nil, usageError{cmd + ": say which companies with --company C[,D] (or --all-companies)"}
	}
	var sc store.Scope
	for _, c := range strings.Split(f.Company, ",") {
		if c = strings.TrimSpace(c); c != "" {
			sc = append(sc, c)
		}
	}
	return sc, nil
}
