package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/relance/relance/doors/portal"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/courtesy"
)

// Limits of the customer-side settings the rules page checks.
const (
	maxDisputeReasons  = 20
	maxDisputeReasonSz = 100
)

// rulesForm is the rules page's data.
type rulesForm struct {
	PaidPause, PromiseMax, CourtesyDays string
	Reasons                             string
	Thanks                              bool
	Errors                              map[string]string
	MaxPerHour, PerMinute               int
	Texts                               []courtesyText
	Open                                string // Name of the text just saved or refused
}

// courtesyText is one courtesy template as the page shows it.
type courtesyText struct {
	Kind, Lang, CustomerKind string
	Own                      bool
	Subject, Body            string
	Preview                  string
	Error                    string
}

// Name identifies the text in the page.
func (c courtesyText) Name() string { return c.Kind + "-" + c.Lang + "-" + c.CustomerKind }

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "rules")
	if !ok {
		return
	}
	rules, err := s.o.Store.PortalRules(r.Context(), co.Code)
	if err != nil {
		s.fault(w, r, "load answer rules", err)
		return
	}
	cs, err := s.o.Store.CourtesySettingsOf(r.Context(), co.Code)
	if err != nil {
		s.fault(w, r, "load courtesy settings", err)
		return
	}
	d := rulesForm{PaidPause: strconv.Itoa(rules.PaidPauseDays), PromiseMax: strconv.Itoa(rules.PromiseMaxDays),
		Reasons: strings.Join(rules.DisputeReasons, "\n"), CourtesyDays: strconv.Itoa(cs.Days), Thanks: cs.Thanks, Errors: map[string]string{}}
	s.renderRules(w, r, ses, co, d, nil, http.StatusOK)
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, ses *session, co store.Company, d rulesForm, edited *courtesyText, status int) {
	d.MaxPerHour, d.PerMinute = portal.MaxAnswersPerHour, portal.RequestsPerMinute
	own, err := s.o.Store.CourtesyTemplates(r.Context(), co.ID)
	if err != nil {
		s.fault(w, r, "load courtesy templates", err)
		return
	}
	for _, kind := range []string{courtesy.Before, courtesy.Thanks} {
		for _, lang := range []string{"fr", "en"} {
			for _, ck := range []string{courtesy.KindBusiness, courtesy.KindIndividual} {
				t := courtesy.Choose(own, kind, lang, ck)
				ct := courtesyText{Kind: kind, Lang: lang, CustomerKind: ck, Subject: t.Subject, Body: t.Body}
				for _, o := range own {
					ct.Own = ct.Own || (o.Kind == kind && o.Language == lang && (o.CustomerKind == ck || o.CustomerKind == ""))
				}
				if edited != nil && edited.Name() == ct.Name() {
					ct.Subject, ct.Body, ct.Error = edited.Subject, edited.Body, edited.Error
					d.Open = ct.Name()
				}
				if ct.Error == "" {
					sample := courtesy.Sample(kind)
					sample.Language, sample.Customer.Business = lang, ck == courtesy.KindBusiness
					if m, err := courtesy.Render(courtesy.Template{Kind: kind, Language: lang, CustomerKind: ck, Subject: ct.Subject, Body: ct.Body}, sample); err == nil {
						ct.Preview = m.Subject + "\n\n" + m.Text
					}
				}
				d.Texts = append(d.Texts, ct)
			}
		}
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.rules"), d)
	if len(d.Errors) > 0 {
		p.Flash = append(p.Flash, flash{Error: true, Text: tr(ses.lang(), "adm.refused.fields")})
	}
	s.render(w, r, status, "admin_rules", p)
}

// rulesSave checks and saves the answer rules and the courtesy settings;
// nothing is saved when a field is refused.
func (s *Server) rulesSave(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "rules-set")
	if !ok {
		return
	}
	lang := ses.lang()
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	d := rulesForm{PaidPause: f("paid-pause"), PromiseMax: f("promise-max"), CourtesyDays: f("courtesy-days"),
		Reasons: r.PostFormValue("reasons"), Thanks: r.PostFormValue("thanks") != "", Errors: map[string]string{}}
	days := func(field, v string, lo, hi int) int {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			d.Errors[field] = tr(lang, "rules.err.days", v, lo, hi)
		}
		return n
	}
	paid := days("paid-pause", d.PaidPause, 1, 90)
	promise := days("promise-max", d.PromiseMax, 1, 365)
	cdays := days("courtesy-days", d.CourtesyDays, 0, store.MaxCourtesyDays)
	reasons, problem := disputeReasons(d.Reasons, lang)
	if problem != "" {
		d.Errors["reasons"] = problem
	}
	if len(d.Errors) > 0 {
		s.audit(r, ses.User, "rules-set", co.Code, store.AuditRefused, strings.Join(keys(d.Errors), ","))
		s.renderRules(w, r, ses, co, d, nil, http.StatusUnprocessableEntity)
		return
	}
	if err := s.o.Store.SetAnswerRules(r.Context(), co.Code, paid, promise, reasons); err != nil {
		s.fault(w, r, "save answer rules", err)
		return
	}
	if err := s.o.Store.SetCourtesy(r.Context(), co.Code, store.CourtesySettings{Days: cdays, Thanks: d.Thanks}); err != nil {
		s.fault(w, r, "save courtesy settings", err)
		return
	}
	s.audit(r, ses.User, "rules-set", co.Code, store.AuditOK, "")
	s.done(w, r, ses, "/c/"+urlPathEscape(co.Code)+"/admin/rules", flash{Text: tr(lang, "rules.saved")})
}

// disputeReasons reads the reasons, one a line, blank lines dropped: at
// least one, at most maxDisputeReasons, each at most maxDisputeReasonSz
// characters of printable text, no duplicates.
func disputeReasons(text, lang string) ([]string, string) {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if utf8.RuneCountInString(l) > maxDisputeReasonSz || !printable(l) {
			return nil, tr(lang, "rules.err.reason", truncateRunes(l, 40), maxDisputeReasonSz)
		}
		if seen[strings.ToLower(l)] {
			return nil, tr(lang, "rules.err.dup", l)
		}
		seen[strings.ToLower(l)] = true
		out = append(out, l)
	}
	switch {
	case len(out) == 0:
		return nil, tr(lang, "rules.err.noreason")
	case len(out) > maxDisputeReasons:
		return nil, tr(lang, "rules.err.reasons", maxDisputeReasons)
	}
	return out, ""
}

// printable says whether s is valid UTF-8 without control characters nor
// bidirectional overrides.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return false
		}
	}
	return true
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// rulesTemplate saves (or resets, with "reset") one courtesy text; a text
// that would fail is refused with the reason, the typed text kept.
func (s *Server) rulesTemplate(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "courtesy-template")
	if !ok {
		return
	}
	lang := ses.lang()
	t := courtesy.Template{Kind: r.PostFormValue("kind"), Language: r.PostFormValue("lang"), CustomerKind: r.PostFormValue("ck"),
		Subject: r.PostFormValue("subject"), Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")}
	if (t.Kind != courtesy.Before && t.Kind != courtesy.Thanks) || (t.Language != "fr" && t.Language != "en") ||
		(t.CustomerKind != courtesy.KindBusiness && t.CustomerKind != courtesy.KindIndividual) {
		s.errorPage(w, r, http.StatusBadRequest, tr(lang, "err.form"))
		return
	}
	back := "/c/" + urlPathEscape(co.Code) + "/admin/rules#t-" + t.Kind + "-" + t.Language + "-" + t.CustomerKind
	if r.PostFormValue("reset") != "" {
		if err := s.o.Store.DeleteCourtesyTemplate(r.Context(), co.Code, t); err != nil {
			s.fault(w, r, "reset courtesy template", err)
			return
		}
		s.audit(r, ses.User, "courtesy-template-reset", co.Code+" "+t.Name(), store.AuditOK, "")
		s.done(w, r, ses, back, flash{Text: tr(lang, "rules.tpl.reset", t.Name())})
		return
	}
	err := s.o.Store.SaveCourtesyTemplate(r.Context(), co.Code, t)
	if err != nil && !errors.Is(err, store.ErrInvalid) {
		s.fault(w, r, "save courtesy template", err)
		return
	}
	if err != nil {
		s.audit(r, ses.User, "courtesy-template", co.Code+" "+t.Name(), store.AuditRefused, "")
		msg := courtesyProblem(lang, err)
		edited := &courtesyText{Kind: t.Kind, Lang: t.Language, CustomerKind: t.CustomerKind, Subject: t.Subject, Body: t.Body,
			Error: tr(lang, "rules.tpl.refused", msg)}
		rules, _ := s.o.Store.PortalRules(r.Context(), co.Code)
		cs, _ := s.o.Store.CourtesySettingsOf(r.Context(), co.Code)
		d := rulesForm{PaidPause: strconv.Itoa(rules.PaidPauseDays), PromiseMax: strconv.Itoa(rules.PromiseMaxDays),
			Reasons: strings.Join(rules.DisputeReasons, "\n"), CourtesyDays: strconv.Itoa(cs.Days), Thanks: cs.Thanks, Errors: map[string]string{}}
		s.renderRules(w, r, ses, co, d, edited, http.StatusUnprocessableEntity)
		return
	}
	s.audit(r, ses.User, "courtesy-template", co.Code+" "+t.Name(), store.AuditOK, "")
	s.done(w, r, ses, back, flash{Text: tr(lang, "rules.tpl.saved", t.Name())})
}

// courtesyProblem says in lang why a courtesy text was refused: from the
// catalogs when the courtesy package gave its code, else the refusal's
// own words.
func courtesyProblem(lang string, err error) string {
	return refusalIn(lang, err)
}
