package web

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"net/http"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// decideLetter records an operator's decision on an uncertain letter
// (« Marquer envoyée »: it went out; « Renvoyer »: it never did and goes
// with the customer's next statement), the action `starter verify
// sent|resend` takes (actions.DecideLetter), audited.
func (s *Server) decideLetter(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	lang := ses.lang()
	ref := strings.TrimSpace(r.PostFormValue("reference"))
	name := "verify " + r.PathValue("decision")
	target := co.Code + "/letter/" + ref
	if !s.allow(w, r, ses, store.RoleOperator, name, target) {
		return
	}
	to := back(r, "/c/"+url.PathEscape(co.Code)+"/letters")
	d, err := actions.ParseLetterDecision(r.PathValue("decision"))
	if err != nil {
		s.audit(r, ses.User, name, target, store.AuditRefused, "unknown decision")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "vrf.bad", r.PathValue("decision"))})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	err = s.o.Ops.DecideLetter(ctx, co.Code, ref, d, ses.User.Name)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, name, target, store.AuditRefused, "not a letter to verify")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "vrf.gone", ref)})
	case err != nil:
		s.audit(r, ses.User, name, target, store.AuditError, "")
		s.fault(w, r, "decide letter", err)
	default:
		s.audit(r, ses.User, name, target, store.AuditOK, string(d))
		key := "vrf.done.sent"
		if d == actions.LetterSendAgain {
			key = "vrf.done.resend"
		}
		s.done(w, r, ses, to, flash{Text: tr(lang, key, ref)})
	}
}
