package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/throttle"
	"github.com/relance/relance/ledger/store"
)

// session is the signed-in user of a request.
type session struct {
	store.Session
	token string
	flash []flash
}

func (s *session) lang() string {
	if s.Language == langEN {
		return langEN
	}
	return langFR
}

// flash is a message shown once at the top of the next page.
type flash struct {
	Error bool     `json:"error,omitempty"`
	Text  string   `json:"text"`
	Lines []string `json:"lines,omitempty"`
}

type sessionKey struct{}

func sessionOf(r *http.Request) *session {
	ses, _ := r.Context().Value(sessionKey{}).(*session)
	return ses
}

// authed lets signed-in users through. Without a valid session, a page
// asks to sign in (saying the session expired when a cookie was sent), and
// a form post is refused. Every POST must carry the session's form token.
func (s *Server) authed(next func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var ses *session
		if err == nil && c.Value != "" {
			st, err := s.o.Store.SessionByToken(r.Context(), c.Value)
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				s.fault(w, r, "load session", err)
				return
			default:
				ses = &session{Session: st, token: c.Value}
				if st.Flash != "" {
					_ = json.Unmarshal([]byte(st.Flash), &ses.flash)
				}
			}
		}
		if ses == nil {
			target := "/login"
			if err == nil {
				target += "?expired=1"
				s.clearCookie(w)
			}
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += sep(target) + "next=" + urlQueryEscape(r.URL.RequestURI())
			}
			if r.Header.Get("HX-Request") != "" {
				w.Header().Set("HX-Redirect", target)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if r.Method != http.MethodGet {
				s.errorPage(w, r, http.StatusUnauthorized, tr(langOf(r), "login.expired"))
				return
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, ses))
		if s.mustVisitAccount(ses.User) && !strings.HasPrefix(r.URL.Path, "/account") && r.URL.Path != "/logout" && r.URL.Path != "/lang" {
			// A password to change or a second factor to enrol comes first.
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/account", http.StatusSeeOther)
			} else {
				s.errorPage(w, r, http.StatusForbidden, tr(ses.lang(), "account.first"))
			}
			return
		}
		if r.Method == http.MethodPost {
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				token = r.PostFormValue("csrf")
			}
			if !ses.ValidCSRF(token) {
				s.audit(r, ses.User, "csrf", r.URL.Path, store.AuditRefused, "form token missing or wrong")
				s.errorPage(w, r, http.StatusForbidden, tr(ses.lang(), "err.csrf"))
				return
			}
		}
		next(w, r, ses)
	})
}

func sep(u string) string {
	if strings.Contains(u, "?") {
		return "&"
	}
	return "?"
}

func (s *Server) setCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: !s.o.InsecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter) { s.setCookie(w, "", -1) }

// company checks that the user may see the company of the path; it
// answers 404 with a clear message otherwise.
func (s *Server) company(w http.ResponseWriter, r *http.Request, ses *session) (store.Company, bool) {
	code := r.PathValue("company")
	if !slices.Contains(ses.User.Companies, code) {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.company", code))
		return store.Company{}, false
	}
	co, err := s.o.Store.CompanyByCode(r.Context(), code)
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.company", code))
		return co, false
	}
	if err != nil {
		s.fault(w, r, "load company", err)
		return co, false
	}
	return co, true
}

// allow checks the user's role for an action; a refusal is audited and
// answered 403 with the reason.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, ses *session, need store.Role, action, target string) bool {
	if ses.User.Role.Allows(need) {
		return true
	}
	s.audit(r, ses.User, action, target, store.AuditRefused, "role "+string(ses.User.Role)+" may not "+action)
	s.errorPage(w, r, http.StatusForbidden, tr(ses.lang(), "err.forbidden", tr(ses.lang(), "role."+string(ses.User.Role))))
	return false
}

// audit records an action with the user's name; a failure to record is
// logged (the action itself has happened or been refused already).
func (s *Server) audit(r *http.Request, u store.User, action, target, outcome, detail string) {
	err := actions.RecordAudit(r.Context(), s.o.Store, actions.Audit{Door: actions.DoorWeb, Actor: u.Name, Role: string(u.Role),
		Action: action, Target: target, Detail: detail, Outcome: outcome})
	if err != nil {
		s.o.Log.Error("web: audit", "action", action, "err", err)
	}
}

// done leaves messages for the next page and sends the browser there
// (POST, redirect, GET: a reload never repeats an action).
func (s *Server) done(w http.ResponseWriter, r *http.Request, ses *session, to string, msgs ...flash) {
	if len(msgs) > 0 {
		b, _ := json.Marshal(msgs)
		if err := s.o.Store.SetSessionFlash(r.Context(), ses.token, string(b)); err != nil {
			s.fault(w, r, "set messages", err)
			return
		}
	}
	if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// back is where a form asks to return to (a local path), else fallback.
func back(r *http.Request, fallback string) string {
	to := r.PostFormValue("back")
	if strings.HasPrefix(to, "/") && !strings.HasPrefix(to, "//") && !strings.Contains(to, "\\") {
		return to
	}
	return fallback
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	var msgs []flash
	switch {
	case r.URL.Query().Get("expired") != "":
		msgs = append(msgs, flash{Error: true, Text: tr(lang, "login.expired")})
	case r.URL.Query().Get("out") != "":
		msgs = append(msgs, flash{Text: tr(lang, "login.out")})
	}
	s.render(w, r, http.StatusOK, "login", &page{Lang: lang, Title: tr(lang, "login.title"), Flash: msgs,
		Data: map[string]string{"Next": r.URL.Query().Get("next"), "Name": ""}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	name, password := r.PostFormValue("name"), r.PostFormValue("password")
	next := r.PostFormValue("next")
	again := func(status int, msg string) {
		s.render(w, r, status, "login", &page{Lang: lang, Title: tr(lang, "login.title"),
			Flash: []flash{{Error: true, Text: msg}}, Data: map[string]string{"Next": next, "Name": name}})
	}
	att := s.attempt(r, name)
	if !s.admit(w, r, att, "sign-in", again) {
		return
	}
	u, err := s.o.Store.Authenticate(r.Context(), name, password)
	if errors.Is(err, store.ErrBadCredentials) {
		if s.failed(w, r, att, "sign-in", "bad credentials") {
			again(http.StatusUnauthorized, tr(lang, "login.bad"))
		}
		return
	}
	if err != nil {
		s.fault(w, r, "sign in", err)
		return
	}
	if err := s.o.Guard.Succeeded(r.Context(), att); err != nil {
		s.o.Log.Error("web: throttle", "err", err)
	}
	if u.SecondFactor {
		token, err := s.o.Store.CreatePendingSession(r.Context(), u.ID, lang, secondFactorTTL)
		if err != nil {
			s.fault(w, r, "sign in", err)
			return
		}
		s.setPendingCookie(w, token, int(secondFactorTTL.Seconds()))
		s.audit(r, u, "sign-in", "", store.AuditOK, "password right; second factor asked")
		http.Redirect(w, r, "/login/code"+query("next", next), http.StatusSeeOther)
		return
	}
	s.signedIn(w, r, u, lang, next, "")
}

// signedIn opens the session of u and sends the browser on: to next, or
// to the user's page when a password must be changed or the second factor
// enrolled first.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, u store.User, lang, next, detail string) {
	token, err := s.o.Store.CreateSession(r.Context(), u.ID, lang, s.o.SessionTTL)
	if err != nil {
		s.fault(w, r, "sign in", err)
		return
	}
	s.setCookie(w, token, int(s.o.SessionTTL.Seconds()))
	s.audit(r, u, "sign-in", "", store.AuditOK, detail)
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		next = "/"
	}
	if s.mustVisitAccount(u) {
		next = "/account"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// attempt is a try at the sign-in door by the request's client.
func (s *Server) attempt(r *http.Request, name string) throttle.Attempt {
	return throttle.Attempt{Door: "web", Account: strings.TrimSpace(name), Address: throttle.ClientAddress(r)}
}

// admit asks the guard whether att may be looked at; a refusal is
// audited and answered 429 with Retry-After through again.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, att throttle.Attempt, action string, again func(int, string)) bool {
	v, err := s.o.Guard.Check(r.Context(), att)
	if err != nil {
		s.fault(w, r, action, err)
		return false
	}
	if !v.Refused() {
		return true
	}
	s.audit(r, store.User{Name: att.Account}, action, "", store.AuditRefused,
		fmt.Sprintf("throttled: %d failures, retry after %ds (client %s)", v.Failures, v.RetryAfterSeconds(), att.Address))
	throttle.SetRetryAfter(w, v)
	again(http.StatusTooManyRequests, tr(langOf(r), "login.throttled", (v.RetryAfterSeconds()+59)/60))
	return false
}

// failed counts a failed attempt (waiting its delay) and audits it,
// without the secret tried. It returns false when it answered a fault.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, att throttle.Attempt, action, what string) bool {
	v, err := s.o.Guard.Failed(r.Context(), att)
	if err != nil {
		s.fault(w, r, action, err)
		return false
	}
	detail := fmt.Sprintf("%s (client %s, failure %d)", what, att.Address, v.Failures)
	if v.Delay > 0 {
		detail += fmt.Sprintf(", answered after %s", v.Delay)
	}
	s.audit(r, store.User{Name: att.Account}, action, "", store.AuditRefused, detail)
	return true
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, ses *session) {
	if err := s.o.Store.DeleteSession(r.Context(), ses.token); err != nil {
		s.fault(w, r, "sign out", err)
		return
	}
	s.audit(r, ses.User, "sign-out", "", store.AuditOK, "")
	s.clearCookie(w)
	http.Redirect(w, r, "/login?out=1", http.StatusSeeOther)
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request, ses *session) {
	lang := r.PostFormValue("lang")
	if lang != langEN {
		lang = langFR
	}
	if err := s.o.Store.SetSessionLanguage(r.Context(), ses.token, lang); err != nil {
		s.fault(w, r, "set language", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "relance_lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: !s.o.InsecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, back(r, "/"), http.StatusSeeOther)
}

// home opens the Relances screen of the user's first company.
func (s *Server) home(w http.ResponseWriter, r *http.Request, ses *session) {
	if len(ses.User.Companies) == 0 && ses.User.Role == store.RoleAdmin {
		http.Redirect(w, r, "/admin/companies", http.StatusSeeOther) // a new installation: create the first company
		return
	}
	if len(ses.User.Companies) == 0 {
		s.errorPage(w, r, http.StatusForbidden, tr(ses.lang(), "login.nocompany"))
		return
	}
	http.Redirect(w, r, "/c/"+urlPathEscape(ses.User.Companies[0])+"/relances", http.StatusSeeOther)
}

// withSession returns r carrying the session of its cookie when there is
// a valid one, for pages anyone may reach (the "not found" page).
func (s *Server) withSession(r *http.Request) *http.Request {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return r
	}
	st, err := s.o.Store.SessionByToken(r.Context(), c.Value)
	if err != nil {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, &session{Session: st, token: c.Value}))
}

// faviconSVG is the app's icon: an envelope on the header's blue.
const faviconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f3a5f"/><path d="M7 10h18v12H7z" fill="#fff"/><path d="M7 10l9 7 9-7" fill="none" stroke="#2563a8" stroke-width="2"/></svg>`

// favicon serves the app's icon (browsers ask for /favicon.ico on every
// page).
func favicon(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write([]byte(faviconSVG))
}
