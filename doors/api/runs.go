package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// customerStatus sets a customer's reminder status (seed 004); inherited
// statuses reach its running dunnings at once. Admin only: seed 004
// reserves status changes to authorised users.
func (s *server) customerStatus(w http.ResponseWriter, r *http.Request, c caller) {
	company, code := r.PathValue("company"), r.PathValue("code")
	target := company + "/customer/" + code
	const action = "customer-status"
	if !s.allow(w, r, c, store.RoleAdmin, action, target) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var req struct {
		Status *string `json:"status"`
	}
	if err := decodeStrict(body, &req); err != nil || req.Status == nil {
		msg := `the body must be {"status": "CTX"} ("" clears it)`
		s.audit(r, c, action, target, store.AuditRefused, msg)
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	told, err := s.ops.SetCustomerStatus(context.WithoutCancel(r.Context()), company, code, *req.Status, c.name)
	detail := fmt.Sprintf("status=%q", *req.Status)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, c, action, target, store.AuditRefused, detail+": unknown customer")
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown customer %s of company %s", code, company))
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, c, action, target, store.AuditRefused, detail)
		writeError(w, http.StatusUnprocessableEntity, err.Error())
	case err != nil:
		s.audit(r, c, action, target, store.AuditError, detail)
		s.fault(w, r, action, err)
	default:
		s.audit(r, c, action, target, store.AuditOK, fmt.Sprintf("%s, %d running dunning(s) told", detail, told))
		writeJSON(w, http.StatusOK, map[string]any{"company": company, "customer": code, "status": *req.Status, "told": told})
	}
}

// bulk applies one operator action to a selection of invoices (seed 004:
// move every selected invoice to the next level).
func (s *server) bulk(w http.ResponseWriter, r *http.Request, c caller) {
	action := r.PathValue("action")
	var req struct {
		Company  string   `json:"company"`
		Invoices []string `json:"invoices"`
		Reason   string   `json:"reason"`
	}
	target := "bulk"
	if !s.allow(w, r, c, store.RoleOperator, "bulk-"+action, target) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if err := decodeStrict(body, &req); err != nil || req.Company == "" || len(req.Invoices) == 0 {
		writeError(w, http.StatusBadRequest, `the body must be {"company": "C", "invoices": ["FA1", ...], "reason": "..."}`)
		return
	}
	if !s.inScope(w, r, c, req.Company) {
		return
	}
	if action != "skip" && action != "revert" && action != "resume" {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown bulk action %q: skip, revert or resume", action))
		return
	}
	update := actions.OperatorUpdates[action]
	arg, _ := actions.OperatorRequest(action, c.name, actions.OperatorInput{Reason: req.Reason})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Minute)
	defer cancel()
	results, err := s.ops.Bulk(ctx, req.Company, req.Invoices, update, arg, nil)
	done := 0
	for _, res := range results {
		outcome := store.AuditOK
		if !res.OK {
			outcome = store.AuditRefused
		} else {
			done++
		}
		detail := actions.ActionDetail(arg)
		if res.Error != "" {
			detail += "; " + res.Error
		}
		s.audit(r, c, "bulk-"+action, req.Company+"/"+res.Invoice, outcome, detail)
	}
	if err != nil {
		s.fault(w, r, "bulk "+action, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"action": action, "done": done, "selected": len(req.Invoices), "results": results})
}

// proposal shows what the run of a date would send per customer (seed 001).
func (s *server) proposal(w http.ResponseWriter, r *http.Request, c caller) {
	company := r.URL.Query().Get("company")
	day, err := calendar.Parse(r.URL.Query().Get("date"))
	if company == "" || err != nil {
		writeError(w, http.StatusBadRequest, "company and date (YYYY-MM-DD) are required")
		return
	}
	props, err := s.ops.Proposal(r.Context(), company, day)
	if err != nil {
		s.fault(w, r, "proposal", err)
		return
	}
	// waiting: the customers whose letter waits for their cadence (none
	// goes that day; nextLetter is when the next may).
	waiting, err := s.ops.Waiting(r.Context(), company, day)
	if err != nil {
		s.fault(w, r, "proposal", err)
		return
	}
	// blocking: a customer's warnings (a missing ECB rate) must be read
	// before the run; they are in each customer's "warnings".
	blocking := false
	for _, p := range props {
		blocking = blocking || p.Blocking
	}
	writeJSON(w, http.StatusOK, map[string]any{"company": company, "date": day, "customers": props, "waiting": waiting, "blocking": blocking})
}

// untick leaves a customer out of the run of a date (seed 001).
func (s *server) untick(w http.ResponseWriter, r *http.Request, c caller) {
	var req struct {
		Company  string        `json:"company"`
		Customer string        `json:"customer"`
		Date     calendar.Date `json:"date"`
	}
	target := "proposal"
	if !s.allow(w, r, c, store.RoleOperator, "untick", target) {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if err := decodeStrict(body, &req); err != nil || req.Company == "" || req.Customer == "" || req.Date.IsZero() {
		writeError(w, http.StatusBadRequest, `the body must be {"company": "C", "customer": "X", "date": "YYYY-MM-DD"}`)
		return
	}
	if !s.inScope(w, r, c, req.Company) {
		return
	}
	paused, err := s.ops.Untick(context.WithoutCancel(r.Context()), req.Company, req.Customer, req.Date, c.name)
	if err != nil {
		s.audit(r, c, "untick", req.Company+"/customer/"+req.Customer, store.AuditError, err.Error())
		s.fault(w, r, "untick", err)
		return
	}
	s.audit(r, c, "untick", req.Company+"/customer/"+req.Customer, store.AuditOK, fmt.Sprintf("%d invoice(s) paused", len(paused)))
	writeJSON(w, http.StatusOK, map[string]any{"paused": paused})
}
