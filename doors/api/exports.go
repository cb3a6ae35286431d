package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
)

// Spreadsheet exports (seed 003: invoices and reminder history "sous
// Excel") and the call log per customer.
//
//	GET    /v1/exports/invoices.xlsx|invoices.csv?company=C[&filter]         viewer
//	GET    /v1/exports/history.xlsx|history.csv?company=C[&from=&to=]        viewer
//	GET    /v1/customers/{company}/{code}/calls                              viewer
//	POST   /v1/customers/{company}/{code}/calls                              operator, audited
//	DELETE /v1/customers/{company}/{code}/calls/{id}                         operator, audited
//
// The invoices' filter is the lists' (actions.ParseFilter), every row by
// default (up to actions.MaxExportRows). Exports are audited too (action "export"): they take customer data out
// of relance in bulk.

// exportFile serves GET /v1/exports/{file}.
func (s *server) exportFile(w http.ResponseWriter, r *http.Request, c caller) {
	if !s.allow(w, r, c, store.RoleViewer, "", "") {
		return
	}
	file := r.PathValue("file")
	ef, ok := actions.ParseExportFile(file)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no export %q: invoices.xlsx, invoices.csv, history.xlsx or history.csv", file))
		return
	}
	q := r.URL.Query()
	company := q.Get("company")
	if company == "" {
		writeError(w, http.StatusBadRequest, "the company parameter is required: /v1/exports/"+file+"?company=CODE")
		return
	}
	co, err := s.st.CompanyByCode(r.Context(), company)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown company %s", company))
		return
	}
	if err != nil {
		s.fault(w, r, "export", err)
		return
	}
	loc, err := actions.CompanyLocation(co)
	if err != nil {
		s.fault(w, r, "export", err)
		return
	}

	x := actions.Export{File: ef}
	if ef.What == actions.ExportInvoices {
		f, ok := s.readFilter(w, r, q, actions.ExportRows)
		if !ok {
			return
		}
		x.Invoices, err = actions.InvoicesExport(r.Context(), s.st, co, f)
	} else {
		var from, to calendar.Date
		for k := range q {
			if k != "company" && k != "from" && k != "to" {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown parameter %q: company, from, to", k))
				return
			}
		}
		for _, p := range []struct {
			name string
			dst  *calendar.Date
		}{{"from", &from}, {"to", &to}} {
			if v := q.Get(p.name); v != "" {
				d, err := calendar.Parse(v)
				if err != nil {
					writeError(w, http.StatusBadRequest, p.name+": "+err.Error())
					return
				}
				*p.dst = d
			}
		}
		x.History, err = s.st.HistoryExport(r.Context(), company, from, to)
	}
	if errors.Is(err, store.ErrInvalid) {
		writeInvalid(w, http.StatusBadRequest, err)
		return
	}
	var buf bytes.Buffer
	if err == nil {
		err = x.Write(&buf, export.Options{})
	}
	if err != nil {
		s.fault(w, r, "export", err)
		return
	}
	n := x.Rows()
	s.audit(r, c, "export", company+"/exports/"+file, store.AuditOK, fmt.Sprintf("%d rows; %s", n, r.URL.RawQuery))

	name := ef.Name(company, calendar.Of(s.now().In(loc)))
	w.Header().Set("Content-Type", ef.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`,
		strings.Map(asciiFileRune, name), url.PathEscape(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Relance-Rows", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, &buf)
}

// asciiFileRune keeps a file name safe inside a quoted header value.
func asciiFileRune(r rune) rune {
	if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
		return '_'
	}
	return r
}

// callRequest is the body of POST .../calls. The author is the token's
// name: an "author" field is refused like any unknown field.
type callRequest struct {
	At             *time.Time      `json:"at"`
	Contact        string          `json:"contact"`
	Outcome        string          `json:"outcome"`
	Note           string          `json:"note"`
	PromisedOn     calendar.Date   `json:"promisedOn"`
	PromisedAmount json.RawMessage `json:"promisedAmount"` // "500.00" or 500
}

func (req callRequest) call(author string) (store.NewCall, error) {
	c := store.NewCall{Author: author, Contact: req.Contact, Outcome: req.Outcome, Note: req.Note, PromisedOn: req.PromisedOn}
	if req.At != nil {
		c.At = *req.At
	}
	if raw := strings.TrimSpace(string(req.PromisedAmount)); raw != "" && raw != "null" {
		var s string
		if strings.HasPrefix(raw, `"`) {
			if err := json.Unmarshal([]byte(raw), &s); err != nil {
				return c, fmt.Errorf("promisedAmount: %v", err)
			}
		} else {
			s = raw
		}
		a, err := money.ParsePositive(s)
		if err != nil {
			return c, fmt.Errorf("promisedAmount: %v", err)
		}
		c.PromisedAmount = &a
	}
	return c, nil
}

func (s *server) listCalls(w http.ResponseWriter, r *http.Request, c caller) {
	if !s.allow(w, r, c, store.RoleViewer, "", "") {
		return
	}
	company, code := r.PathValue("company"), r.PathValue("code")
	calls, err := s.st.Calls(r.Context(), company, code)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown customer %s of company %s", code, company))
		return
	}
	if err != nil {
		s.fault(w, r, "call list", err)
		return
	}
	if calls == nil {
		calls = []store.Call{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"company": company, "customer": code, "count": len(calls), "calls": calls})
}

func (s *server) addCall(w http.ResponseWriter, r *http.Request, c caller) {
	company, code := r.PathValue("company"), r.PathValue("code")
	target := company + "/customer/" + code
	const action = "call-add"
	if !s.allow(w, r, c, store.RoleOperator, action, target) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		s.audit(r, c, action, target, store.AuditRefused, "request body too large")
		return
	}
	var req callRequest
	err := decodeStrict(body, &req)
	var nc store.NewCall
	if err == nil {
		nc, err = req.call(c.name)
	}
	if err != nil {
		s.audit(r, c, action, target, store.AuditRefused, err.Error())
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	call, err := s.st.AddCall(context.WithoutCancel(r.Context()), company, code, nc)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, c, action, target, store.AuditRefused, "unknown customer")
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown customer %s of company %s", code, company))
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, c, action, target, store.AuditRefused, unwrapInvalid(err))
		writeInvalid(w, http.StatusBadRequest, err)
	case err != nil:
		s.audit(r, c, action, target, store.AuditError, "internal error (request "+info(r.Context()).id+")")
		s.fault(w, r, action, err)
	default:
		s.audit(r, c, action, target, store.AuditOK, fmt.Sprintf("call %d", call.ID))
		writeJSON(w, http.StatusCreated, call)
	}
}

func (s *server) deleteCall(w http.ResponseWriter, r *http.Request, c caller) {
	company, code := r.PathValue("company"), r.PathValue("code")
	target := company + "/customer/" + code
	const action = "call-delete"
	if !s.allow(w, r, c, store.RoleOperator, action, target) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		msg := fmt.Sprintf("%q is not a call number", r.PathValue("id"))
		s.audit(r, c, action, target, store.AuditRefused, msg)
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	detail := fmt.Sprintf("call %d", id)
	err = s.st.DeleteCall(context.WithoutCancel(r.Context()), company, code, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, c, action, target, store.AuditRefused, detail+": not found")
		writeError(w, http.StatusNotFound, fmt.Sprintf("no call %d with customer %s of company %s (or already deleted)", id, code, company))
	case err != nil:
		s.audit(r, c, action, target, store.AuditError, detail)
		s.fault(w, r, action, err)
	default:
		s.audit(r, c, action, target, store.AuditOK, detail)
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "company": company, "customer": code, "deleted": true})
	}
}
