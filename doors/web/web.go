// Package web is the credit controllers' web app: sign-in with roles and
// per-company grants, the Relances screen (seed 000) with its tabs, filters
// and actions, the customer record, the invoice page, the proposal of the
// day (seed 001) and the letters of the day (seeds 002, 003). Pages are
// server-rendered Go templates with a little htmx; templates and static
// files are embedded here, beside the handlers that use them.
//
// The actions go through package actions, like the starter's command line
// and the JSON API (package api, mounted by New under /v1/).
package web

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/api"
	"github.com/relance/relance/doors/portal"
	"github.com/relance/relance/doors/sesnotify"
	"github.com/relance/relance/doors/throttle"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/portallink"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the web app.
type Options struct {
	Ops   *actions.Ops
	Store *store.Store
	// API is the JSON API and payment webhook, served under /v1/ and
	// /healthz beside the pages (nil: pages only).
	API http.Handler
	Log *slog.Logger
	// Now is the clock (time.Now in production).
	Now func() time.Time
	// TemporalUI is the Temporal UI's address, for the invoice page's
	// link to its workflow (e.g. http://localhost:8233); empty hides it.
	TemporalUI string
	// Namespace is the Temporal namespace of the workflows.
	Namespace string
	// SessionTTL is how long a session lasts after sign-in (default 10 h:
	// a working day).
	SessionTTL time.Duration
	// InsecureCookies drops the Secure flag of the session cookie, for a
	// plain-HTTP address other than localhost. Never in production.
	InsecureCookies bool
	// Guard slows down and refuses repeated failures at the sign-in form
	// (nil: package throttle's DefaultPolicy on the database).
	Guard throttle.Guard
	// RequireAdminSecondFactor makes admins enrol a second factor before
	// any other page (RELANCE_ADMIN_SECOND_FACTOR=required).
	RequireAdminSecondFactor bool
	// Portal serves the customers' statement pages under /p/ (nil: none);
	// SESNotifications takes SES bounces and complaints from SNS (nil:
	// none). See package portal and package sesnotify.
	Portal           http.Handler
	SESNotifications http.Handler
}

// Server holds the web app's handlers.
type Server struct {
	o     Options
	pages map[string]*template.Template
	jobs  *jobs
	// uploads keeps the admin pages' files between two requests.
	uploads *uploads
}

const sessionCookie = "relance_session"

// New returns the handler of the web app (and of the API when o.API is
// set): pages under /, static files under /static/.
func New(o Options) (http.Handler, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 10 * time.Hour
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Guard == nil {
		g, err := throttle.New(o.Store.ThrottleState(nil), throttle.DefaultPolicy, nil)
		if err != nil {
			return nil, err
		}
		o.Guard = g
	}
	s := &Server{o: o, jobs: &jobs{m: map[string]*job{}}}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	pages := http.NewServeMux()
	pages.HandleFunc("GET /login", s.loginPage)
	pages.HandleFunc("POST /login", s.login)
	pages.Handle("POST /logout", s.authed(s.logout))
	pages.Handle("POST /lang", s.authed(s.setLang))
	pages.Handle("GET /{$}", s.authed(s.home))
	pages.Handle("GET /c/{company}/relances", s.authed(s.relances))
	pages.Handle("POST /c/{company}/act/{action}", s.authed(s.act))
	pages.Handle("POST /c/{company}/bulk/{action}", s.authed(s.bulk))
	pages.Handle("GET /c/{company}/jobs/{id}", s.authed(s.jobStatus))
	pages.Handle("GET /c/{company}/export/{file}", s.authed(s.export))
	pages.Handle("GET /c/{company}/customers/{code}", s.authed(s.customer))
	pages.Handle("POST /c/{company}/customers/{code}/do-not-remind", s.authed(s.doNotRemind))
	pages.Handle("POST /c/{company}/customers/{code}/status", s.authed(s.customerStatus))
	pages.Handle("POST /c/{company}/customers/{code}/cadence", s.authed(s.customerCadence))
	pages.Handle("POST /c/{company}/customers/{code}/calls", s.authed(s.addCall))
	pages.Handle("POST /c/{company}/customers/{code}/calls/{id}", s.authed(s.editCall))
	pages.Handle("POST /c/{company}/customers/{code}/calls/{id}/delete", s.authed(s.deleteCall))
	pages.Handle("GET /c/{company}/invoices/{number}", s.authed(s.invoice))
	pages.Handle("POST /c/{company}/invoices/{number}/payments", s.authed(s.recordPayment))
	pages.Handle("POST /c/{company}/customers/{code}/payments", s.authed(s.recordPayment))
	pages.Handle("GET /c/{company}/letter/{kind}/{id}", s.authed(s.letterPDF))
	pages.Handle("GET /c/{company}/proposal", s.authed(s.proposal))
	pages.Handle("POST /c/{company}/proposal/untick", s.authed(s.untick))
	pages.Handle("POST /c/{company}/proposal/retick", s.authed(s.retick))
	pages.Handle("GET /c/{company}/proposal/preview/{number}", s.authed(s.preview))
	pages.Handle("GET /c/{company}/letters", s.authed(s.letters))
	pages.Handle("GET /c/{company}/letters/{file}", s.authed(s.lettersFile))
	pages.Handle("POST /c/{company}/verify/{decision}", s.authed(s.decideLetter))
	s.bankRoutes(pages)
	pages.Handle("GET /c/{company}/replies", s.authed(s.replies))
	pages.Handle("POST /c/{company}/replies/{id}/{action}", s.authed(s.followUp))
	if err := s.adminRoutes(pages); err != nil {
		return nil, err
	}
	if err := s.accountRoutes(pages); err != nil {
		return nil, err
	}
	pages.Handle("GET /static/", http.StripPrefix("/static/", staticFiles(http.FileServerFS(static))))
	pages.HandleFunc("GET /favicon.ico", favicon)
	pages.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		r = s.withSession(r) // a signed-in user keeps the signed-in header
		s.errorPage(w, r, http.StatusNotFound, tr(langOf(r), "err.notfound"))
	})

	// Forms are refused when the browser says they come from another site
	// (Sec-Fetch-Site, Origin); each session's token is checked on top.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.audit(r, store.User{Name: "(unknown)"}, "cross-origin", r.URL.Path, store.AuditRefused, "cross-origin request refused")
		s.errorPage(w, r, http.StatusForbidden, tr(langOf(r), "err.csrf"))
	}))
	root := http.NewServeMux()
	root.Handle("/", cop.Handler(pages))
	if o.API != nil {
		root.Handle("/v1/", o.API)
		root.Handle("/healthz", o.API)
		root.Handle("/readyz", o.API)
		root.Handle("/metrics", o.API)
	}
	if o.Portal != nil {
		root.Handle(portallink.Path, o.Portal)
	}
	if o.SESNotifications != nil {
		root.Handle(sesnotify.Path, o.SESNotifications)
	}
	return s.recovered(securityHeaders(root)), nil
}

func staticFiles(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// securityHeaders keeps pages out of frames and limits what they load.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if !strings.HasPrefix(r.URL.Path, "/v1/") {
			h.Set("X-Frame-Options", "SAMEORIGIN")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; object-src 'self'; frame-ancestors 'self'")
		}
		next.ServeHTTP(w, r)
	})
}

// recovered turns a panic into an error page with a reference, logged
// with its stack; the page never shows the stack.
func (s *Server) recovered(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				ref := newRef()
				s.o.Log.Error("web: panic", "ref", ref, "route", r.Pattern, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.errorPage(w, r, http.StatusInternalServerError, tr(langOf(r), "err.internal", ref))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func newRef() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fault logs a real fault with a reference and shows the reference, never
// the error (it may hold SQL or customer data).
func (s *Server) fault(w http.ResponseWriter, r *http.Request, what string, err error) {
	ref := newRef()
	s.o.Log.Error("web: "+what, "ref", ref, "route", r.Pattern, "err", err)
	s.errorPage(w, r, http.StatusInternalServerError, tr(langOf(r), "err.internal", ref))
}

// langOf is the language of a request: the session's, else the one chosen
// last on this browser (cookie), else French.
func langOf(r *http.Request) string {
	if ses, ok := r.Context().Value(sessionKey{}).(*session); ok {
		return ses.lang()
	}
	if c, err := r.Cookie("relance_lang"); err == nil && c.Value == langEN {
		return langEN
	}
	return langFR
}

// jobs are the selections being worked on (bulk actions), shown with their
// progress; they live in memory for an hour.
type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

type job struct {
	ID      string
	Company string
	User    string
	Action  string
	Label   string
	Total   int
	Done    int
	OK      int
	Refused []refusal
	// Changed says, per invoice, what a status change did (seed 004).
	Changed []refusal
	Failed  string
	Ended   bool
	Started time.Time
}

type refusal struct{ Invoice, Reason string }

func (j *jobs) add(x *job) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for id, old := range j.m {
		if time.Since(old.Started) > time.Hour {
			delete(j.m, id)
		}
	}
	j.m[x.ID] = x
}

func (j *jobs) get(id string) (job, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	x, ok := j.m[id]
	if !ok {
		return job{}, false
	}
	c := *x
	c.Refused = append([]refusal(nil), x.Refused...)
	c.Changed = append([]refusal(nil), x.Changed...)
	return c, true
}

func (j *jobs) update(id string, fn func(*job)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if x, ok := j.m[id]; ok {
		fn(x)
	}
}

// Serve listens on addr and serves h until ctx ends (SIGINT, SIGTERM), then
// lets requests in flight finish. ready, when not nil, is told the address
// listened on (":0" picks a free port).
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // merged PDFs of a busy day
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", addr, err)
	}
	if log != nil {
		log.Info("relance web app and API listening", "addr", ln.Addr().String())
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
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

// query rebuilds a query string from pairs, leaving out empty values.
func query(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// RunOptions are what Run needs: the address, the store, the Temporal
// client, and where to say the server is up.
type RunOptions struct {
	Addr       string
	Ops        *actions.Ops
	Log        *slog.Logger
	TemporalUI string
	Namespace  string
	// InsecureCookies: see Options.
	InsecureCookies bool
	// RequireAdminSecondFactor: see Options.
	RequireAdminSecondFactor bool
	// Ready is told the address listened on (":0" picks a free port).
	Ready func(addr string)
}

// Run serves the web app, the JSON API and the payment webhook on one
// address until ctx ends. Both `server` and `starter serve` call it.
func Run(ctx context.Context, ro RunOptions) error {
	guard, err := throttle.New(ro.Ops.Store.ThrottleState(nil), throttle.DefaultPolicy, nil)
	if err != nil {
		return err
	}
	customerPages, err := portal.FromEnv(ro.Ops, ro.Log) // RELANCE_PORTAL_SECRET
	if err != nil {
		return err
	}
	var pages http.Handler
	if customerPages != nil {
		pages = customerPages.Handler()
	}
	h, err := New(Options{
		Ops: ro.Ops, Store: ro.Ops.Store, Log: ro.Log, TemporalUI: ro.TemporalUI, Namespace: ro.Namespace,
		InsecureCookies: ro.InsecureCookies, Guard: guard, RequireAdminSecondFactor: ro.RequireAdminSecondFactor,
		API:    api.New(ro.Ops, ro.Ops.Store, ro.Log, time.Now, api.WithGuard(guard)),
		Portal: pages, SESNotifications: &sesnotify.Handler{Store: ro.Ops.Store, Log: ro.Log},
	})
	if err != nil {
		return err
	}
	if h, err = withCodec(h, ro.Ops.Store); err != nil {
		return err
	}
	return Serve(ctx, ro.Addr, h, ro.Log, ro.Ready)
}
