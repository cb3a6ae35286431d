// Package api is relance's HTTP interface: the payment webhook that payment
// systems call (HMAC-signed), and the operator endpoints (bearer tokens
// with roles viewer, operator, admin) to read an invoice's dunning, list
// invoices, skip, revert, pause, resume, comment, and put a customer on
// do-not-remind. Every operator action is written to the audit log with
// who asked for it. The actions themselves go through package actions, like
// the starter's command line.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	catalog "github.com/relance/relance/domain/messages"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/throttle"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/confirm"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/platform/metrics"
)

// Limits of the API.
const (
	// MaxBody is the largest request body accepted (413 beyond).
	MaxBody = 64 << 10
	// SignatureTolerance is how far a webhook's timestamp may be from now.
	SignatureTolerance = 5 * time.Minute
	// temporalTimeout bounds a call to a workflow (an update waits for a
	// worker to run it).
	temporalTimeout = 30 * time.Second
)

// Headers of the payment webhook.
const (
	HeaderSource    = "X-Relance-Source"
	HeaderTimestamp = "X-Relance-Timestamp"
	HeaderSignature = "X-Relance-Signature"
	headerRequestID = "X-Request-Id"
)

type server struct {
	ops   *actions.Ops
	st    *store.Store
	log   *slog.Logger
	now   func() time.Time
	guard throttle.Guard
}

// Option changes how New builds the API.
type Option func(*server)

// WithGuard counts wrong bearer tokens with g (by default, package
// throttle's DefaultPolicy on the database).
func WithGuard(g throttle.Guard) Option { return func(s *server) { s.guard = g } }

// New returns the API's handler. now is the clock (time.Now in
// production): webhook timestamps and overdue ages are counted from it.
func New(o *actions.Ops, st *store.Store, log *slog.Logger, now func() time.Time, opts ...Option) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	s := &server{ops: o, st: st, log: log, now: now}
	for _, opt := range opts {
		opt(s)
	}
	if s.guard == nil {
		g, err := throttle.New(st.ThrottleState(nil), throttle.DefaultPolicy, nil)
		if err != nil {
			panic(err) // DefaultPolicy is valid
		}
		s.guard = g
	}
	mux := http.NewServeMux()
	mux.Handle("POST /v1/payments", countAnswers(s.payment))
	if arns := os.Getenv("SES_EVENTS_TOPIC_ARNS"); arns != "" { // SES events through SNS (docs/exactly-once.md)
		mux.Handle("POST /v1/ses/events", &confirm.SNSHandler{Recorder: st, Log: log, TagName: mail.TagLetter, TopicARNs: strings.Split(arns, ",")})
	}
	mux.Handle("GET /v1/invoices", s.authed(s.listInvoices))
	mux.Handle("GET /v1/invoices/{company}/{number}", s.authed(s.getInvoice))
	mux.Handle("POST /v1/invoices/{company}/{number}/{action}", s.authed(s.act))
	mux.Handle("POST /v1/customers/{company}/{code}/do-not-remind", s.authed(s.doNotRemind))
	mux.Handle("GET /v1/customers/{company}/{code}/calls", s.authed(s.listCalls))
	mux.Handle("POST /v1/customers/{company}/{code}/calls", s.authed(s.addCall))
	mux.Handle("DELETE /v1/customers/{company}/{code}/calls/{id}", s.authed(s.deleteCall))
	mux.Handle("GET /v1/exports/{file}", s.authed(s.exportFile))
	mux.Handle("POST /v1/customers/{company}/{code}/status", s.authed(s.customerStatus))
	mux.Handle("POST /v1/bulk/{action}", s.authed(s.bulk))
	mux.Handle("GET /v1/proposal", s.authed(s.proposal))
	mux.Handle("POST /v1/proposal/untick", s.authed(s.untick))
	mux.Handle("GET /v1/tokens", s.authed(s.listTokens))
	mux.Handle("POST /v1/tokens", s.authed(s.createToken))
	mux.Handle("DELETE /v1/tokens/{name}", s.authed(s.revokeToken))
	mux.Handle("GET /v1/audit", s.authed(s.auditLog))
	s.feedRoutes(mux)
	mux.Handle("POST /v1/bank/statements", s.authed(s.bankStatement))
	mux.Handle("GET /v1/bank/transactions", s.authed(s.bankTransactions))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /metrics", metrics.Handler())
	mux.Handle("GET /readyz", metrics.Ready(metrics.Checks{
		"postgres": st.Pool.Ping, "temporal": metrics.TemporalCheck(o.Temporal),
	}, log))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: see the README (HTTP API)")
	})
	return s.logged(mux)
}

// reqInfo is what the middleware learns about a request, for its log line.
type reqInfo struct {
	id    string
	actor string // token name or payment source
}

type ctxKey struct{}

func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// statusWriter remembers the status code for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logged gives each request an ID (the caller's X-Request-Id when sane),
// recovers panics as 500s and logs one line per request. It logs the route
// pattern, never the path or the body: those carry customer data.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: requestID(r.Header.Get(headerRequestID))}
		w.Header().Set(headerRequestID, ri.id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("api: panic", "request_id", ri.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeError(sw, http.StatusInternalServerError, "internal error (request "+ri.id+")")
				}
			}
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(r.Context(), level, "api request", "request_id", ri.id, "method", r.Method,
				"route", r.Pattern, "status", sw.status, "actor", ri.actor, "duration", time.Since(start).Round(time.Millisecond))
		}()
		next.ServeHTTP(sw, r)
	})
}

func requestID(given string) string {
	if n := len(given); n > 0 && n <= 64 && strings.IndexFunc(given, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}) < 0 {
		return given
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fault answers 500 for a real fault and logs it with the request ID. The
// error is logged, not shown: it may name customers or SQL.
func (s *server) fault(w http.ResponseWriter, r *http.Request, what string, err error) {
	id := info(r.Context()).id
	s.log.Error("api: "+what, "request_id", id, "route", r.Pattern, "err", err)
	writeError(w, http.StatusInternalServerError, fmt.Sprintf("%s failed: internal error (request %s)", what, id))
}

type errorBody struct {
	Error string `json:"error"`
}

// invalidBody answers input that breaks a rule: the rule's own words in
// English and, when the rule has a code (package messages), the code and
// its parameters by name, for a client that says it in its own words.
type invalidBody struct {
	Error  string            `json:"error"`
	Code   string            `json:"code,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// writeInvalid answers a refusal of input (store.ErrInvalid) with its
// reason (unwrapInvalid) and, when the reason has one, its code.
func writeInvalid(w http.ResponseWriter, status int, err error) {
	body := invalidBody{Error: unwrapInvalid(err)}
	if p, ok := catalog.Of(err); ok {
		body.Code, body.Params = string(p.Code), p.Named()
	}
	writeJSON(w, status, body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// readBody reads at most MaxBody bytes; it answers 413 (and returns false)
// beyond.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.ContentLength > MaxBody {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body of %d bytes is larger than the %d bytes accepted", r.ContentLength, MaxBody))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is larger than the %d bytes accepted", MaxBody))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
		return nil, false
	}
	return body, true
}

// decodeStrict reads a JSON object into v, refusing unknown fields (a typo
// in a field name would otherwise be silently ignored) and trailing data.
// An empty body is an empty object.
func decodeStrict(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return errors.New("malformed JSON: data after the object")
	}
	return nil
}

// jsonProblem rewrites encoding/json's errors for people.
func jsonProblem(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Errorf("field %q must be a %s, not a JSON %s", typ.Field, typ.Type, typ.Value)
		}
		return fmt.Errorf("the body must be a JSON object, not a JSON %s", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("malformed JSON: the body ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fmt.Errorf("malformed JSON: %v", err)
}
