package api

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/throttle"
	"github.com/relance/relance/ledger/store"
	"go.temporal.io/sdk/temporal"
)

// caller is the holder of the request's bearer token.
type caller struct {
	name  string
	role  store.Role
	scope store.Scope // the companies the token may act on (nil: every one)
}

// inScope answers 403 and returns false when company is outside c's
// scope.
func (s *server) inScope(w http.ResponseWriter, r *http.Request, c caller, company string) bool {
	if c.scope.Allows(company) {
		return true
	}
	writeError(w, http.StatusForbidden, fmt.Sprintf("token %s may act on %s only, not on company %s", c.name, c.scope, company))
	return false
}

// everyCompany answers 403 and returns false unless c's token reaches
// every company (token management and the audit log span them all).
func (s *server) everyCompany(w http.ResponseWriter, r *http.Request, c caller, action, target string) bool {
	if c.scope == nil {
		return true
	}
	msg := fmt.Sprintf("token %s is limited to %s: this needs a token for every company", c.name, c.scope)
	if action != "" {
		s.audit(r, c, action, target, store.AuditRefused, msg)
	}
	writeError(w, http.StatusForbidden, msg)
	return false
}

// authed checks the bearer token (401 when missing, unknown or revoked)
// and hands the caller to h. What the caller may do is checked by h with
// s.allow, which audits refusals. The token must have the operator API
// among its areas (store.AreaDunning).
func (s *server) authed(h func(http.ResponseWriter, *http.Request, caller)) http.Handler {
	return s.authedIn(store.AreaDunning, h)
}

// authedIn is authed for the API area given (403 when the token lacks it).
func (s *server) authedIn(area string, h func(http.ResponseWriter, *http.Request, caller)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="relance"`)
			writeError(w, http.StatusUnauthorized, "missing bearer token: send Authorization: Bearer <token>")
			return
		}
		att := throttle.Attempt{Door: "api", Address: throttle.ClientAddress(r)}
		v, err := s.guard.Check(r.Context(), att)
		if err != nil {
			s.fault(w, r, "token check", err)
			return
		}
		if v.Refused() {
			s.audit(r, caller{name: "(unknown token)"}, "token-check", "", store.AuditRefused,
				fmt.Sprintf("throttled: %d wrong tokens, retry after %ds (client %s)", v.Failures, v.RetryAfterSeconds(), att.Address))
			throttle.SetRetryAfter(w, v)
			writeError(w, http.StatusTooManyRequests, fmt.Sprintf("too many wrong tokens from this address: retry after %d seconds", v.RetryAfterSeconds()))
			return
		}
		t, err := s.st.TokenByHash(r.Context(), store.HashToken(strings.TrimSpace(token)))
		if errors.Is(err, store.ErrNotFound) {
			v, err := s.guard.Failed(r.Context(), att)
			if err != nil {
				s.fault(w, r, "token check", err)
				return
			}
			s.audit(r, caller{name: "(unknown token)"}, "token-check", "", store.AuditRefused,
				fmt.Sprintf("unknown or revoked token (client %s, failure %d)", att.Address, v.Failures))
			w.Header().Set("WWW-Authenticate", `Bearer realm="relance", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unknown or revoked token")
			return
		}
		if err != nil {
			s.fault(w, r, "token check", err)
			return
		}
		info(r.Context()).actor = t.Name
		if !t.CanUse(area) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("token %s may call the %s API only, not the %s API", t.Name, t.AreasString(), area))
			return
		}
		c := caller{name: t.Name, role: t.Role, scope: t.Companies}
		company := r.PathValue("company")
		if company == "" {
			company = r.URL.Query().Get("company")
		}
		if company != "" && !s.inScope(w, r, c, company) {
			return
		}
		h(w, r, c)
	})
}

// allow answers 403 and returns false when c's role is below need. For
// actions that change something (audited), the refusal is audited.
func (s *server) allow(w http.ResponseWriter, r *http.Request, c caller, need store.Role, action, target string) bool {
	if c.role.Allows(need) {
		return true
	}
	msg := fmt.Sprintf("%s needs the %s role; token %s has role %s", action, need, c.name, c.role)
	if action != "" {
		s.audit(r, c, action, target, store.AuditRefused, msg)
	}
	writeError(w, http.StatusForbidden, msg)
	return false
}

// audit records an operator action (actions.RecordAudit, door api).
func (s *server) audit(r *http.Request, c caller, action, target, outcome, detail string) {
	err := actions.RecordAudit(r.Context(), s.st, actions.Audit{Door: actions.DoorAPI, At: s.now(), Actor: c.name, Role: string(c.role),
		Action: action, Target: target, Outcome: outcome, Detail: detail})
	if err != nil {
		s.log.Error("api: audit log write failed", "request_id", info(r.Context()).id, "action", action, "actor", c.name, "err", err)
	}
}

func (s *server) getInvoice(w http.ResponseWriter, r *http.Request, c caller) {
	if !s.allow(w, r, c, store.RoleViewer, "", "") {
		return
	}
	company, number := r.PathValue("company"), r.PathValue("number")
	view, err := s.ops.StateOrMirror(r.Context(), company, number, s.now())
	if view.Unanswered != nil {
		s.log.Warn("api: state query failed, answering from the database", "request_id", info(r.Context()).id, "err", view.Unanswered)
	}
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown invoice %s of company %s", number, company))
		return
	}
	if err != nil {
		s.fault(w, r, "invoice read", err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// endpointActions decodes the payload of each operator endpoint
// (actions.OperatorUpdates names them); the actor is always the token's
// name.
var endpointActions = map[string]func(body []byte, actor string) (any, error){
	"skip": func(b []byte, actor string) (any, error) {
		var req dunning.SkipRequest
		err := decodeStrict(b, &req)
		req.Actor = actor
		return req, err
	},
	"revert": func(b []byte, actor string) (any, error) {
		var req dunning.RevertRequest
		err := decodeStrict(b, &req)
		req.Actor = actor
		return req, err
	},
	"pause": func(b []byte, actor string) (any, error) {
		var req dunning.PauseRequest
		err := decodeStrict(b, &req)
		req.Actor = actor
		return req, err
	},
	"resume": func(b []byte, actor string) (any, error) {
		var req dunning.ResumeRequest
		err := decodeStrict(b, &req)
		req.Actor = actor
		return req, err
	},
	"execute": func(b []byte, actor string) (any, error) {
		var req dunning.ExecuteRequest
		err := decodeStrict(b, &req)
		req.Actor = actor
		return req, err
	},
	"comment": func(b []byte, actor string) (any, error) {
		var req dunning.CommentRequest
		err := decodeStrict(b, &req)
		req.Actor = actor
		return req, err
	},
}

func (s *server) act(w http.ResponseWriter, r *http.Request, c caller) {
	company, number, name := r.PathValue("company"), r.PathValue("number"), r.PathValue("action")
	target := company + "/" + number
	decode, ok := endpointActions[name]
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown action %q: skip, revert, pause, resume or comment", name))
		return
	}
	if !s.allow(w, r, c, store.RoleOperator, name, target) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		s.audit(r, c, name, target, store.AuditRefused, "request body too large")
		return
	}
	arg, err := decode(body, c.name)
	if err != nil {
		s.audit(r, c, name, target, store.AuditRefused, err.Error())
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), temporalTimeout)
	defer cancel()
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		// A client retrying after a timeout sends the same key: the
		// workflow applies the action once and answers both.
		ctx = actions.WithUpdateID(ctx, fmt.Sprintf("api:%s:%s:%s", c.name, name, key))
	}
	st, err := s.ops.Act(ctx, company, number, actions.OperatorUpdates[name], arg)
	var appErr *temporal.ApplicationError
	switch {
	case err == nil:
		s.audit(r, c, name, target, store.AuditOK, actions.ActionDetail(arg))
		writeJSON(w, http.StatusOK, actions.Workflow(st))
	case errors.Is(err, store.ErrNotFound):
		msg := fmt.Sprintf("unknown invoice %s of company %s", number, company)
		s.audit(r, c, name, target, store.AuditRefused, msg)
		writeError(w, http.StatusNotFound, msg)
	case errors.Is(err, actions.ErrNoWorkflow):
		msg := fmt.Sprintf("no dunning runs for invoice %s of %s (not overdue yet, set aside by the scan, or finished)", number, company)
		s.audit(r, c, name, target, store.AuditRefused, msg)
		writeError(w, http.StatusConflict, msg)
	case errors.Is(err, actions.ErrRefused) && errors.As(err, &appErr):
		// The workflow's validator said no, and why.
		s.audit(r, c, name, target, store.AuditRefused, appErr.Message())
		writeJSON(w, http.StatusConflict, refusalOf(appErr))
	case errors.Is(err, context.DeadlineExceeded):
		s.audit(r, c, name, target, store.AuditError, "the workflow did not answer in time")
		s.log.Error("api: operator action timed out", "request_id", info(r.Context()).id, "action", name, "err", err)
		writeError(w, http.StatusGatewayTimeout, fmt.Sprintf(
			"the workflow did not answer within %s (is a worker running?); the %s may still be applied: check the invoice before retrying", temporalTimeout, name))
	default:
		s.audit(r, c, name, target, store.AuditError, "internal error (request "+info(r.Context()).id+")")
		s.fault(w, r, name, err)
	}
}

func (s *server) listInvoices(w http.ResponseWriter, r *http.Request, c caller) {
	if !s.allow(w, r, c, store.RoleViewer, "", "") {
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		writeError(w, http.StatusBadRequest, "format must be json or csv")
		return
	}
	f, ok := s.readFilter(w, r, q, actions.ListRows, "format")
	if !ok {
		return
	}
	rows, err := s.st.ListInvoices(r.Context(), f)
	if errors.Is(err, store.ErrInvalid) {
		writeInvalid(w, http.StatusBadRequest, err)
		return
	}
	if err != nil {
		s.fault(w, r, "invoice list", err)
		return
	}
	if rows == nil {
		rows = []store.InvoiceRow{}
	}
	if format == "csv" {
		writeCSV(w, f.Company, rows)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"company": f.Company, "count": len(rows), "invoices": rows})
}

// readFilter reads the invoice filter of q (actions.ReadFilter: the
// names, aliases and bounds of every door) with the door's own parameters
// others beside it; it answers 404 for an unknown company, 400 for a
// refused parameter, and then returns false.
func (s *server) readFilter(w http.ResponseWriter, r *http.Request, q url.Values, rows actions.Rows, others ...string) (store.InvoiceFilter, bool) {
	_, lf, err := actions.ReadFilter(r.Context(), s.st, q, actions.FilterOptions{Now: s.now(), Rows: rows, Strict: true, Others: others})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown company %s", q.Get(actions.ParamCompany)))
	case err != nil:
		s.fault(w, r, "invoice filter", err)
	case lf.Err() != nil:
		writeInvalid(w, http.StatusBadRequest, lf.Err())
	default:
		return lf.InvoiceFilter, true
	}
	return store.InvoiceFilter{}, false
}

// writeCSV answers the list as a spreadsheet (semicolons and decimal
// commas, as French spreadsheets read them).
func writeCSV(w http.ResponseWriter, company string, rows []store.InvoiceRow) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="relances-%s.csv"`, url.PathEscape(company)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("\ufeff")) // BOM: spreadsheets then read UTF-8
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	comma := func(s string) string { return strings.Replace(s, ".", ",", 1) }
	_ = cw.Write([]string{"invoice", "customer", "customer name", "due date", "days overdue", "amount", "balance",
		"currency", "level", "next level", "status", "next action"})
	for _, x := range rows {
		next := ""
		if x.NextActionAt != nil {
			next = x.NextActionAt.Format(time.RFC3339)
		}
		_ = cw.Write([]string{x.Number, x.Customer, x.CustomerName, x.DueDate.String(), strconv.Itoa(x.DaysOverdue),
			comma(x.Amount.StringFixed(2)), comma(x.Balance.StringFixed(2)), x.Currency, x.Level, x.NextLevel, x.Status, next})
	}
	cw.Flush()
}

type doNotRemindRequest struct {
	On *bool `json:"on"`
}

func (s *server) doNotRemind(w http.ResponseWriter, r *http.Request, c caller) {
	company, code := r.PathValue("company"), r.PathValue("code")
	target := company + "/customer/" + code
	const action = "do-not-remind"
	if !s.allow(w, r, c, store.RoleAdmin, action, target) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var req doNotRemindRequest
	if err := decodeStrict(body, &req); err != nil || req.On == nil {
		msg := `the body must be {"on": true} or {"on": false}`
		if err != nil {
			msg = err.Error() + ": " + msg
		}
		s.audit(r, c, action, target, store.AuditRefused, msg)
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	detail := fmt.Sprintf("on=%v", *req.On)
	told, err := s.ops.SetDoNotRemind(context.WithoutCancel(r.Context()), company, code, *req.On, c.name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, c, action, target, store.AuditRefused, detail+": unknown customer")
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown customer %s of company %s", code, company))
	case err != nil:
		s.audit(r, c, action, target, store.AuditError, detail)
		s.fault(w, r, action, err)
	default:
		s.audit(r, c, action, target, store.AuditOK, detail)
		note := fmt.Sprintf("letters to this customer resume: %d running dunning(s) told", told)
		if *req.On {
			note = fmt.Sprintf("no letters to this customer: %d running dunning(s) now held", told)
		}
		writeJSON(w, http.StatusOK, map[string]any{"company": company, "customer": code, "doNotRemind": *req.On, "told": told, "note": note})
	}
}

type createTokenRequest struct {
	Name      string   `json:"name"`
	Role      string   `json:"role"`
	Companies []string `json:"companies,omitempty"` // omitted: every company
	Areas     []string `json:"areas,omitempty"`     // omitted: the operator API only ("dunning"); "feed": the accounting feed
}

func (s *server) listTokens(w http.ResponseWriter, r *http.Request, c caller) {
	if !s.allow(w, r, c, store.RoleAdmin, "", "") || !s.everyCompany(w, r, c, "", "") {
		return
	}
	ts, err := s.st.Tokens(r.Context())
	if err != nil {
		s.fault(w, r, "token list", err)
		return
	}
	if ts == nil {
		ts = []store.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

func (s *server) createToken(w http.ResponseWriter, r *http.Request, c caller) {
	const action = "token-create"
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var req createTokenRequest
	err := decodeStrict(body, &req)
	target := "token/" + req.Name
	if !s.allow(w, r, c, store.RoleAdmin, action, target) || !s.everyCompany(w, r, c, action, target) {
		return
	}
	if err != nil {
		s.audit(r, c, action, target, store.AuditRefused, err.Error())
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	role, err := store.ParseRole(req.Role)
	if err == nil {
		var plain string
		var t store.Token
		plain, t, err = s.st.CreateToken(context.WithoutCancel(r.Context()), req.Name, role)
		if err == nil && req.Areas != nil {
			var areas []string
			if areas, err = store.ParseAreas(strings.Join(req.Areas, ",")); err == nil {
				err = s.st.SetTokenAreas(context.WithoutCancel(r.Context()), t.Name, areas)
			}
			if err != nil {
				_ = s.st.RevokeToken(context.WithoutCancel(r.Context()), t.Name) // never leave a token wider than asked
			}
		}
		if err == nil && req.Companies != nil {
			if err = s.st.SetTokenScope(context.WithoutCancel(r.Context()), t.Name, req.Companies); err != nil {
				_ = s.st.RevokeToken(context.WithoutCancel(r.Context()), t.Name) // never leave a token wider than asked
				if errors.Is(err, store.ErrNotFound) {
					err = store.Invalid(err)
				}
			}
		}
		if err == nil {
			s.audit(r, c, action, target, store.AuditOK, "role "+string(role))
			writeJSON(w, http.StatusCreated, map[string]any{"name": t.Name, "role": t.Role, "createdAt": t.CreatedAt,
				"token": plain, "note": "the token is shown once: keep it now"})
			return
		}
	}
	if errors.Is(err, store.ErrInvalid) {
		s.audit(r, c, action, target, store.AuditRefused, unwrapInvalid(err))
		writeInvalid(w, http.StatusBadRequest, err)
		return
	}
	s.audit(r, c, action, target, store.AuditError, "")
	s.fault(w, r, action, err)
}

func (s *server) revokeToken(w http.ResponseWriter, r *http.Request, c caller) {
	const action = "token-revoke"
	name := r.PathValue("name")
	target := "token/" + name
	if !s.allow(w, r, c, store.RoleAdmin, action, target) || !s.everyCompany(w, r, c, action, target) {
		return
	}
	err := s.st.RevokeToken(context.WithoutCancel(r.Context()), name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, c, action, target, store.AuditRefused, "no token in force")
		writeError(w, http.StatusNotFound, fmt.Sprintf("no token in force for %q", name))
	case err != nil:
		s.audit(r, c, action, target, store.AuditError, "")
		s.fault(w, r, action, err)
	default:
		s.audit(r, c, action, target, store.AuditOK, "")
		writeJSON(w, http.StatusOK, map[string]any{"name": name, "revoked": true})
	}
}

func (s *server) auditLog(w http.ResponseWriter, r *http.Request, c caller) {
	if !s.allow(w, r, c, store.RoleAdmin, "", "") || !s.everyCompany(w, r, c, "", "") {
		return
	}
	f := store.AuditFilter{Actor: r.URL.Query().Get("actor"), Target: r.URL.Query().Get("target")}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			writeError(w, http.StatusBadRequest, "limit must be between 1 and 10000")
			return
		}
		f.Limit = n
	}
	es, err := s.st.AuditEntries(r.Context(), f)
	if err != nil {
		s.fault(w, r, "audit log read", err)
		return
	}
	if es == nil {
		es = []store.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

// refusalBody is a 409 answer to an action the workflow refused: the
// English reason, and when the workflow gave them, its refusal code
// (dunning.Refused*) and the code's parameters, for a client that says
// it in its own words.
type refusalBody struct {
	Error  string   `json:"error"`
	Code   string   `json:"code,omitempty"`
	Params []string `json:"params,omitempty"`
}

func refusalOf(e *temporal.ApplicationError) refusalBody {
	code, params, _ := dunning.RefusalOf(e)
	return refusalBody{Error: e.Message(), Code: code, Params: params}
}
