package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/store"
)

// runServe serves the web app, the operator HTTP API and the payment
// webhook until ctx ends (SIGINT, SIGTERM), then lets requests in flight
// finish. It runs what the server command runs (web.Run).
func runServe(ctx context.Context, e *env, args []string) error {
	fs := flags("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port)")
	ui := fs.String("temporal-ui", envOr("TEMPORAL_UI_URL", "http://localhost:8233"), "Temporal UI address, for the invoice page's link to its workflow (empty: no link)")
	insecure := fs.Bool("insecure-cookies", false, "send the session cookie over plain HTTP on an address other than localhost (never in production)")
	if err := parse(fs, args); err != nil {
		return err
	}
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
		Addr: *addr, Ops: o, Log: log, TemporalUI: *ui, Namespace: e.cfg.TemporalNamespace, InsecureCookies: *insecure,
		RequireAdminSecondFactor: adminFactor,
		Ready: func(a string) {
			e.printf("relance web app on http://%s/ (operator API /v1/..., payment webhook POST /v1/payments)\n", a)
		},
	})
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// runTokens manages the operator API's bearer tokens:
//
//	tokens create --name marie --role operator   (prints the token once)
//	tokens list
//	tokens revoke --name marie
func runTokens(ctx context.Context, e *env, args []string) error {
	const use = "tokens: usage: tokens create --name NAME --role viewer|operator|admin [--areas dunning,feed] | tokens list | tokens revoke --name NAME"
	if len(args) == 0 {
		return usageError{use}
	}
	sub, args := args[0], args[1:]
	fs := flags("tokens " + sub)
	var name, role, areas *string
	var sc scopeFlags
	switch sub {
	case "create":
		sc = newScopeFlags(fs, "the token may act on")
		name = fs.String("name", "", "who holds the token, recorded as the actor of their actions (required)")
		role = fs.String("role", "", "viewer (read), operator (+ skip, revert, pause, resume, comment) or admin (+ tokens, do-not-remind) (required)")
		areas = fs.String("areas", "", "the API areas the token may call, comma-separated: dunning (the operator API, the default), feed (the accounting feed)")
	case "revoke":
		name = fs.String("name", "", "whose token to revoke (required)")
	case "list":
	default:
		return usageError{use}
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if name != nil && *name == "" {
		return usageError{"tokens " + sub + ": --name is required"}
	}
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		r, err := store.ParseRole(*role)
		if err != nil {
			return usageError{"tokens create: --role must be viewer, operator or admin"}
		}
		scope, err := sc.scope("tokens create")
		if err != nil {
			return err
		}
		if err := st.CheckScope(ctx, scope); err != nil {
			return err
		}
		ar, err := store.ParseAreas(*areas)
		if err != nil {
			return usageError{"tokens create: --areas: " + store.ReasonText(err)}
		}
		plain, t, err := st.CreateToken(ctx, *name, r)
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
	case "list":
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
	case "revoke":
		if err := st.RevokeToken(ctx, *name); err != nil {
			return err
		}
		e.printf("token of %s revoked\n", *name)
	}
	return nil
}

// runSources sets the HMAC secret a payment source signs its webhook
// requests with. The secret is read from an environment variable, never
// from the command line (which other users and shell histories see).
func runSources(ctx context.Context, e *env, args []string) error {
	const use = "sources: usage: sources set --name NAME --secret-env VARIABLE --company C[,D] | --all-companies"
	if len(args) == 0 || args[0] != "set" {
		return usageError{use}
	}
	fs := flags("sources set")
	name := fs.String("name", "", "payment source name, sent as the X-Relance-Source header (required)")
	secretEnv := fs.String("secret-env", "", "name of the environment variable holding the shared secret (required)")
	sc := newScopeFlags(fs, "the source may record payments of")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" || *secretEnv == "" {
		return usageError{"sources set: --name and --secret-env are required"}
	}
	secret, ok := os.LookupEnv(*secretEnv)
	if !ok || strings.TrimSpace(secret) == "" {
		return usageError{fmt.Sprintf("sources set: environment variable %s is not set", *secretEnv)}
	}
	if len(secret) < store.MinSecretLength {
		return usageError{fmt.Sprintf("sources set: the secret in %s must have at least %d characters (e.g. openssl rand -hex 32)", *secretEnv, store.MinSecretLength)}
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
	if err := st.SetWebhookSource(ctx, *name, secret); err != nil {
		return err
	}
	if err := st.SetSourceScope(ctx, *name, scope); err != nil {
		return err
	}
	e.printf("payment source %s (%s): secret set from $%s\n", *name, scope, *secretEnv)
	return nil
}

// scopeFlags are --company and --all-companies: which companies a token or
// a payment source may act on. One of the two is required, so that a
// credential reaching every company is a choice, not an accident.
type scopeFlags struct {
	companies *string
	all       *bool
}

func newScopeFlags(fs *flag.FlagSet, what string) scopeFlags {
	return scopeFlags{
		companies: fs.String("company", "", "comma-separated company codes "+what+" (this or --all-companies is required)"),
		all:       fs.Bool("all-companies", false, "every company of the installation, present and future"),
	}
}

func (f scopeFlags) scope(cmd string) (store.Scope, error) {
	switch {
	case *f.all && *f.companies != "":
		return nil, usageError{cmd + ": --company and --all-companies exclude each other"}
	case *f.all:
		return nil, nil
	case strings.TrimSpace(*f.companies) == "":
		return nil, usageError{cmd + ": say which companies with --company C[,D] (or --all-companies)"}
	}
	var sc store.Scope
	for _, c := range strings.Split(*f.companies, ",") {
		if c = strings.TrimSpace(c); c != "" {
			sc = append(sc, c)
		}
	}
	return sc, nil
}
