package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/ledger/store"
)

// statusesData is the reminder-status page's data (seed 004): the table,
// the row being edited (after a refusal) and the refusal.
type statusesData struct {
	Statuses []store.ReminderStatus
	Edit     store.ReminderStatus
	Error    string
}

func (s *Server) statusesPage(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "statuses")
	if !ok {
		return
	}
	d := statusesData{}
	if code := r.URL.Query().Get("edit"); code != "" {
		d.Edit.Code = code
	}
	s.renderStatuses(w, r, ses, co, d, http.StatusOK)
}

func (s *Server) renderStatuses(w http.ResponseWriter, r *http.Request, ses *session, co store.Company, d statusesData, status int) {
	var err error
	if d.Statuses, err = s.o.Store.Statuses(r.Context(), co.ID); err != nil {
		s.fault(w, r, "status table", err)
		return
	}
	if d.Edit.Code != "" && d.Edit.Label == "" {
		for _, st := range d.Statuses {
			if st.Code == d.Edit.Code {
				d.Edit = st
			}
		}
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.statuses"), d)
	s.render(w, r, status, "admin_statuses", p)
}

// statusSave adds or changes a status; a change that matters to the
// customers holding it reaches their running dunnings (actions.Ops).
func (s *Server) statusSave(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "status-set")
	if !ok {
		return
	}
	lang := ses.lang()
	st := store.ReminderStatus{
		Code:           strings.ToUpper(strings.TrimSpace(r.PostFormValue("code"))),
		Label:          strings.TrimSpace(r.PostFormValue("label")),
		EscalationCode: strings.ToUpper(strings.TrimSpace(r.PostFormValue("escalation"))),
		Inherited:      r.PostFormValue("propagation") == "inherited",
		Blocks:         r.PostFormValue("blocks") != "",
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	told, err := s.o.Ops.SaveStatus(ctx, co.Code, st, ses.User.Name)
	switch {
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, "status-set", co.Code+"/"+st.Code, store.AuditRefused, refusalText(err))
		s.renderStatuses(w, r, ses, co, statusesData{Edit: st, Error: refusalIn(lang, err)}, http.StatusUnprocessableEntity)
	case err != nil:
		s.audit(r, ses.User, "status-set", co.Code+"/"+st.Code, store.AuditError, "")
		s.fault(w, r, "save status", err)
	default:
		s.audit(r, ses.User, "status-set", co.Code+"/"+st.Code, store.AuditOK, strconv.Itoa(told)+" told")
		s.done(w, r, ses, adminURL(co.Code, "/statuses"), flash{Text: tr(lang, "adm.status.saved", st.Code, told)})
	}
}

func (s *Server) statusDelete(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "status-delete")
	if !ok {
		return
	}
	lang := ses.lang()
	code := r.PostFormValue("code")
	err := s.o.Store.DeleteStatus(r.Context(), co.Code, code)
	switch {
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "status-delete", co.Code+"/"+code, store.AuditRefused, refusalText(err))
		s.done(w, r, ses, adminURL(co.Code, "/statuses"), flash{Error: true, Text: tr(lang, "adm.status.notdeleted", code, refusalIn(lang, err))})
	case err != nil:
		s.fault(w, r, "delete status", err)
	default:
		s.audit(r, ses.User, "status-delete", co.Code+"/"+code, store.AuditOK, "")
		s.done(w, r, ses, adminURL(co.Code, "/statuses"), flash{Text: tr(lang, "adm.status.deleted", code)})
	}
}
