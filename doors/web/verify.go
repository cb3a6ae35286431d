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

// verifyMessages are the texts of the decision on an uncertain letter
// (« à vérifier »), added to messages at start-up: key -> {French, English}.
var verifyMessages = map[string][2]string{
	"vrf.ask":            {"SES n'a pas confirmé cette lettre : est-elle partie ?", "SES has not confirmed this letter: did it go out?"},
	"vrf.sent":           {"Marquer envoyée", "Mark as sent"},
	"vrf.sent.confirm":   {"La lettre %s est bien partie (le client l'a reçue, ou le journal SES la montre) : elle est enregistrée envoyée et ses factures passent au niveau suivant.", "Letter %s did go out (the customer received it, or the SES log shows it): it is recorded sent and its invoices move to their next level."},
	"vrf.sent.ok":        {"Confirmer : envoyée", "Confirm: sent"},
	"vrf.resend":         {"Renvoyer", "Send again"},
	"vrf.resend.confirm": {"La lettre %s n'est jamais partie : ses factures repartent, au même niveau, avec le prochain relevé du client.", "Letter %s never went out: its invoices go again, at the same level, with the customer's next statement."},
	"vrf.resend.ok":      {"Confirmer : renvoyer", "Confirm: send again"},
	"vrf.done.sent":      {"Lettre %s enregistrée envoyée : ses factures passent au niveau suivant à leur prochaine vérification.", "Letter %s recorded sent: its invoices move up at their next look."},
	"vrf.done.resend":    {"Lettre %s enregistrée non partie : elle repart avec le prochain relevé du client.", "Letter %s recorded as not sent: it goes with the customer's next statement."},
	"vrf.gone":           {"La lettre %s n'est plus à vérifier (déjà décidée, ou confirmée par SES).", "Letter %s is no longer to verify (already decided, or confirmed by SES)."},
	"vrf.bad":            {"Décision inconnue : %s", "Unknown decision: %s"},
}

func init() {
	for k, v := range verifyMessages {
		if _, dup := messages[k]; !dup {
			messages[k] = v
		}
	}
}

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
