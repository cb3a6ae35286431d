package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// Values of the status form's select besides the status codes.
const (
	statusEscalate = "+escalate" // each invoice's escalation code ("Charger Nouveaux Statuts")
	statusNone     = "-"         // remove the invoice's own status
)

// bulkStatus changes the reminder status of the ticked invoices (seed
// 004's "Modifier le statut de relance", actions.ChangeStatuses) in the
// background, then says what became of each: its status before and
// after, the levels skipped or gone back, or why it was refused.
func (s *Server) bulkStatus(w http.ResponseWriter, r *http.Request, ses *session, co store.Company) {
	lang := ses.lang()
	if !s.allow(w, r, ses, store.RoleOperator, "bulk-status", co.Code+"/selection") {
		return
	}
	to := back(r, "/c/"+url.PathEscape(co.Code)+"/relances")
	if err := r.ParseForm(); err != nil {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.nothing")})
		return
	}
	var invoices []string
	for _, n := range r.PostForm["inv"] {
		if n = strings.TrimSpace(n); n != "" {
			invoices = append(invoices, n)
		}
	}
	if len(invoices) == 0 {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.nothing")})
		return
	}
	ch := actions.StatusChange{Actor: ses.User.Name}
	switch v := strings.TrimSpace(r.PostFormValue("status")); v {
	case statusEscalate:
		ch.Escalate = true
	case statusNone:
	case "":
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "st.choose")})
		return
	default:
		ch.Code = v
	}
	p := s.labelPage(r.Context(), lang, co)
	label := tr(lang, "st.change")
	j := &job{ID: newRef(), Company: co.Code, User: ses.User.Name, Action: "status", Label: label,
		Total: len(invoices), Started: time.Now()}
	s.jobs.add(j)
	user := ses.User
	key := r.PostFormValue("key")
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
	if len(key) > 0 && len(key) <= 32 && strings.Trim(key, "0123456789abcdef") == "" {
		ctx = actions.WithUpdateID(ctx, "web:"+key+":status")
	}
	go func() {
		defer cancel()
		_, err := s.o.Ops.ChangeStatuses(ctx, co.Code, invoices, ch, func(res actions.StatusResult) {
			target := co.Code + "/" + res.Invoice
			detail := orDash(res.From) + " -> " + orDash(res.To)
			if len(res.Steps) > 0 {
				detail += " (" + strings.Join(res.Steps, ",") + ")"
			}
			switch reason, known := statusRefusal(p, res); {
			case res.Err == nil || errors.Is(res.Err, actions.ErrNotTold):
				s.audit(r, user, "bulk-status", target, store.AuditOK, detail)
				line := statusLine(p, res)
				if res.Err != nil {
					line += " " + reason
				}
				s.jobs.update(j.ID, func(x *job) { x.OK++; x.Changed = append(x.Changed, refusal{res.Invoice, line}) })
			case known:
				s.audit(r, user, "bulk-status", target, store.AuditRefused, detail+": "+refusalReason(res.Err))
				s.jobs.update(j.ID, func(x *job) { x.Refused = append(x.Refused, refusal{res.Invoice, reason}) })
			default:
				s.o.Log.Error("web: status change", "err", res.Err)
				s.audit(r, user, "bulk-status", target, store.AuditError, detail)
				s.jobs.update(j.ID, func(x *job) { x.Refused = append(x.Refused, refusal{res.Invoice, p.T("st.internal")}) })
			}
			s.jobs.update(j.ID, func(x *job) { x.Done++ })
		})
		if err != nil {
			s.o.Log.Error("web: status change", "err", err)
			s.jobs.update(j.ID, func(x *job) { x.Failed = tr(lang, "st.failed") })
		}
		s.jobs.update(j.ID, func(x *job) { x.Ended = true })
	}()
	http.Redirect(w, r, "/c/"+url.PathEscape(co.Code)+"/jobs/"+j.ID+"?back="+url.QueryEscape(to), http.StatusSeeOther)
}

func orDash(code string) string {
	if code == "" {
		return "-"
	}
	return code
}

// statusLine says what a status change did to one invoice, in p's
// language: "R1 → R3 (2 niveaux ignorés, sans lettre)".
func statusLine(p *page, res actions.StatusResult) string {
	name := func(code string) string {
		if code == "" {
			return p.T("st.none")
		}
		return code
	}
	if res.From == res.To {
		return p.T("st.same", name(res.To))
	}
	line := name(res.From) + " → " + name(res.To)
	var skipped, reverted int
	for _, s := range res.Steps {
		if s == dunning.UpdateSkip {
			skipped++
		} else {
			reverted++
		}
	}
	switch {
	case skipped > 0:
		line += " " + p.T("st.skipped", skipped)
	case reverted > 0:
		line += " " + p.T("st.reverted", reverted)
	case res.Told > 0:
		line += " " + p.T("st.told")
	}
	return line
}

// statusRefusal says why a status change was refused for one invoice;
// known is false for a failure that is no refusal (the database, Temporal
// unreachable).
func statusRefusal(p *page, res actions.StatusResult) (reason string, known bool) {
	switch {
	case res.Err == nil:
		return "", true
	case errors.Is(res.Err, actions.ErrNoEscalation):
		return p.T("st.noEscalation", orDash(res.From)), true
	case errors.Is(res.Err, actions.ErrNoWorkflow):
		return p.T("err.noworkflow", res.Invoice), true
	case errors.Is(res.Err, actions.ErrCreditNote):
		return p.T("st.creditNote"), true
	case errors.Is(res.Err, actions.ErrRefused):
		return refusalShown(p, res.Err), true
	case errors.Is(res.Err, actions.ErrNotTold):
		return p.T("st.notTold"), true
	case errors.Is(res.Err, store.ErrNotFound):
		return p.T("st.unknown"), true
	case errors.Is(res.Err, store.ErrInvalid):
		return p.T("st.invalid"), true
	}
	return "", false
}
