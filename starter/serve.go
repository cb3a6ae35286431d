package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relance/relance/api"
	"github.com/relance/relance/store"
)

// runServe serves the payment webhook and the operator HTTP API until ctx
// ends (SIGINT, SIGTERM), then lets requests in flight finish.
func runServe(ctx context.Context, e *env, args []string) error {
	fs := flags("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port)")
	if err := parse(fs, args); err != nil {
		return err
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	st, err := e.store(ctx)
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
	srv := &http.Server{
		Handler:           api.New(o, st, log, time.Now),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", *addr, err)
	}
	log.Info("relance API listening", "addr", ln.Addr().String())
	e.printf("relance API on http://%s (payment webhook POST /v1/payments, operator API /v1/...)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("relance API shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// runTokens manages the operator API's bearer tokens:
//
//	tokens create --name marie --role operator   (prints the token once)
//	tokens list
//	tokens revoke --name marie
func runTokens(ctx context.Context, e *env, args []string) error {
	const use = "tokens: usage: tokens create --name NAME --role viewer|operator|admin | tokens list | tokens revoke --name NAME"
	if len(args) == 0 {
		return usageError{use}
	}
	sub, args := args[0], args[1:]
	fs := flags("tokens " + sub)
	var name, role *string
	switch sub {
	case "create":
		name = fs.String("name", "", "who holds the token, recorded as the actor of their actions (required)")
		role = fs.String("role", "", "viewer (read), operator (+ skip, revert, pause, resume, comment) or admin (+ tokens, do-not-remind) (required)")
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
		plain, t, err := st.CreateToken(ctx, *name, r)
		if err != nil {
			return err
		}
		e.printf("token for %s (%s), shown once, keep it now:\n%s\n", t.Name, t.Role, plain)
	case "list":
		ts, err := st.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tREVOKED")
		for _, t := range ts {
			revoked := "-"
			if t.RevokedAt != nil {
				revoked = t.RevokedAt.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Name, t.Role, t.CreatedAt.Local().Format("2006-01-02 15:04"), revoked)
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
	const use = "sources: usage: sources set --name NAME --secret-env VARIABLE"
	if len(args) == 0 || args[0] != "set" {
		return usageError{use}
	}
	fs := flags("sources set")
	name := fs.String("name", "", "payment source name, sent as the X-Relance-Source header (required)")
	secretEnv := fs.String("secret-env", "", "name of the environment variable holding the shared secret (required)")
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
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	if err := st.SetWebhookSource(ctx, *name, secret); err != nil {
		return err
	}
	e.printf("payment source %s: secret set from $%s\n", *name, *secretEnv)
	return nil
}
