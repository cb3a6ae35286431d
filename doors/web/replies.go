package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// repliesData is the "Réponses clients" inbox.
type repliesData struct {
	Day      calendar.Date
	All      bool // every day, not only Day
	Kind     string
	Customer string
	Open     bool
	Answers  []store.Answer
	Back     string
}

// replies lists the customers' answers from their page: those of the day
// by default, filtered by kind, customer and open ones only; each with
// one-click follow-ups (resume, extend, open the dispute, seen).
func (s *Server) replies(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	q := r.URL.Query()
	day, ok := s.dayParam(w, r, ses, co)
	if !ok {
		return
	}
	d := repliesData{Day: day, All: q.Get("all") != "", Kind: q.Get("kind"), Open: q.Get("open") != "",
		Customer: strings.TrimSpace(q.Get("customer")), Back: r.URL.RequestURI()}
	switch d.Kind {
	case "", store.AnswerPaid, store.AnswerDispute, store.AnswerPromise, store.AnswerMessage:
	default:
		d.Kind = ""
	}
	f := store.AnswerFilter{Company: co.Code, Customer: d.Customer, Kind: d.Kind, Open: d.Open}
	if !d.All {
		loc := s.location(co)
		f.Since = d.Day.At(0, loc)
	}
	answers, err := s.o.Store.Answers(r.Context(), f)
	if err != nil {
		s.fault(w, r, "customer answers", err)
		return
	}
	lang := ses.lang()
	for _, a := range answers {
		if d.All || calendar.Of(a.At.In(s.location(co))) == d.Day {
			if lang != langEN {
				a.Outcome = outcomeFR.Replace(a.Outcome)
			}
			d.Answers = append(d.Answers, a)
		}
	}
	p := s.newPage(r, ses, co, "replies", tr(lang, "rep.title"), d)
	s.render(w, r, http.StatusOK, "replies", p)
}

func (s *Server) location(co store.Company) *time.Location {
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil || co.TimeZone == "" {
		return time.UTC
	}
	return loc
}

// followUp applies a controller's one-click follow-up to an answer
// (actions.FollowUp) and comes back to the inbox.
func (s *Server) followUp(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	action := r.PathValue("action")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	target := fmt.Sprintf("%s/answer/%s", co.Code, r.PathValue("id"))
	lang := ses.lang()
	switch action {
	case actions.FollowResume, actions.FollowExtend, actions.FollowDispute, actions.FollowSeen:
	default:
		err = errors.New("unknown follow-up")
	}
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.notfound"))
		return
	}
	if !s.allow(w, r, ses, store.RoleOperator, "answer-"+action, target) {
		return
	}
	to := back(r, "/c/"+url.PathEscape(co.Code)+"/replies")
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 60*time.Second)
	defer cancel()
	outcome, err := s.o.Ops.FollowUp(ctx, co.Code, id, action, ses.User.Name, s.today(co))
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "answer-"+action, target, store.AuditRefused, "unknown answer")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.notfound")})
	case err != nil:
		s.audit(r, ses.User, "answer-"+action, target, store.AuditError, "")
		s.fault(w, r, "follow-up", err)
	default:
		s.audit(r, ses.User, "answer-"+action, target, store.AuditOK, outcome)
		s.done(w, r, ses, to, flash{Text: tr(lang, "rep.done."+action, id), Lines: strings.Split(outcome, "; ")})
	}
}

// outcomeFR reads an answer's outcome (actions.Answer, in English) in
// French.
var outcomeFR = strings.NewReplacer(
	"paused until ", "en pause jusqu'au ",
	"already paused", "déjà en pause",
	"paused", "mise en pause",
	"commented", "commentaire ajouté",
	"no dunning running", "pas de relance en cours",
	"dunning ended", "relance terminée",
	"not paused", "pas mise en pause",
	"no comment", "pas de commentaire",
)
