package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/relance/relance/domain/fees"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
)

// The installation's pages: ECB rates, users, API tokens and payment
// sources (admin role; the same store functions as `starter rates|users|
// tokens|sources`).

func (s *Server) ratesPage(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "rates", "") {
		return
	}
	s.renderRates(w, r, ses, "", "", "", http.StatusOK)
}

func (s *Server) renderRates(w http.ResponseWriter, r *http.Request, ses *session, from, rate, refusal string, status int) {
	rates, err := s.o.Store.ECBRates(r.Context())
	if err != nil {
		s.fault(w, r, "ECB rates", err)
		return
	}
	slices.Reverse(rates)
	if from == "" {
		from = fees.HalfYearStart(s.today(store.Company{TimeZone: "Europe/Paris"})).String()
	}
	p := s.newPage(r, ses, s.navCompany(r, ses), "admin", tr(ses.lang(), "adm.rates"),
		map[string]any{"Rates": rates, "From": from, "Rate": rate, "Error": refusal})
	s.render(w, r, status, "admin_rates", p)
}

func (s *Server) rateSave(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "rates-set", "") {
		return
	}
	lang := ses.lang()
	fromS, rateS := strings.TrimSpace(r.PostFormValue("from")), strings.TrimSpace(r.PostFormValue("rate"))
	from, err := parseDay(fromS)
	if err != nil {
		s.renderRates(w, r, ses, fromS, rateS, tr(lang, "err.date", fromS), http.StatusUnprocessableEntity)
		return
	}
	rate, err := money.Parse(strings.TrimSuffix(strings.TrimSpace(rateS), "%"))
	if err != nil {
		s.renderRates(w, r, ses, fromS, rateS, tr(lang, "rate.bad", rateS), http.StatusUnprocessableEntity)
		return
	}
	if err := s.o.Store.SetECBRate(r.Context(), from, rate); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			s.renderRates(w, r, ses, fromS, rateS, refusalIn(lang, err), http.StatusUnprocessableEntity)
			return
		}
		s.fault(w, r, "set ECB rate", err)
		return
	}
	s.audit(r, ses.User, "rates-set", from.String(), store.AuditOK, rate.String())
	s.done(w, r, ses, "/admin/rates", flash{Text: tr(lang, "rate.saved", formatDate(lang, from), percentIn(lang, rate))})
}

// usersData is the users page's data.
type usersData struct {
	Users     []store.User
	Companies []store.CompanyInfo
	Error     string
	Name      string
	Role      string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "users", "") {
		return
	}
	s.renderUsers(w, r, ses, usersData{Role: string(store.RoleOperator)}, http.StatusOK)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, ses *session, d usersData, status int) {
	var err error
	if d.Users, err = s.o.Store.Users(r.Context()); err != nil {
		s.fault(w, r, "list users", err)
		return
	}
	if d.Companies, err = s.o.Store.CompanyList(r.Context()); err != nil {
		s.fault(w, r, "list companies", err)
		return
	}
	p := s.newPage(r, ses, s.navCompany(r, ses), "admin", tr(ses.lang(), "adm.users"), d)
	s.render(w, r, status, "admin_users", p)
}

func (s *Server) userAdd(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "user-add", "") {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, tr(ses.lang(), "err.form"))
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	role := store.Role(r.PostFormValue("role"))
	_, err := s.o.Store.CreateUser(r.Context(), name, r.PostFormValue("password"), role, r.PostForm["company"])
	switch {
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, "user-add", name, store.AuditRefused, refusalText(err))
		s.renderUsers(w, r, ses, usersData{Error: refusalIn(ses.lang(), err), Name: name, Role: string(role)}, http.StatusUnprocessableEntity)
	case err != nil:
		s.fault(w, r, "add user", err)
	default:
		s.audit(r, ses.User, "user-add", name, store.AuditOK, string(role))
		s.done(w, r, ses, "/admin/users", flash{Text: tr(ses.lang(), "user.added", name)})
	}
}

// userSave changes a user's role and companies, or disables / enables
// them (op=disable, op=enable).
func (s *Server) userSave(w http.ResponseWriter, r *http.Request, ses *session) {
	name := r.PathValue("name")
	if !s.allow(w, r, ses, store.RoleAdmin, "user-set", name) {
		return
	}
	lang := ses.lang()
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, tr(lang, "err.form"))
		return
	}
	var err error
	op := r.PostFormValue("op")
	switch op {
	case "disable":
		if name == ses.User.Name {
			s.done(w, r, ses, "/admin/users", flash{Error: true, Text: tr(lang, "user.self")})
			return
		}
		err = s.o.Store.DisableUser(r.Context(), name)
	case "enable":
		err = s.o.Store.EnableUser(r.Context(), name)
	case "password":
		// A reset: the user chooses a new password at the next sign-in;
		// their sessions end now.
		err = s.o.Store.SetPassword(r.Context(), name, r.PostFormValue("password"), true)
		if reason, ok := store.IsPasswordError(err); ok {
			s.audit(r, ses.User, "user-password", name, store.AuditRefused, "password refused: "+reason)
			s.done(w, r, ses, "/admin/users", flash{Error: true, Text: passwordRefusal(lang, reason)})
			return
		}
	case "second-factor-off":
		// For a user who lost their device and their recovery codes.
		err = s.o.Store.DisableSecondFactor(r.Context(), name)
	default:
		role := store.Role(r.PostFormValue("role"))
		if name == ses.User.Name && role != store.RoleAdmin {
			s.done(w, r, ses, "/admin/users", flash{Error: true, Text: tr(lang, "user.self")})
			return
		}
		if err = s.o.Store.SetUserRole(r.Context(), name, role); err == nil {
			err = s.o.Store.SetUserCompanies(r.Context(), name, r.PostForm["company"])
		}
		op = "set"
	}
	switch {
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "user-"+op, name, store.AuditRefused, refusalText(err))
		s.done(w, r, ses, "/admin/users", flash{Error: true, Text: refusalIn(ses.lang(), err)})
	case err != nil:
		s.fault(w, r, "change user", err)
	default:
		detail := r.PostFormValue("role")
		if op == "password" {
			detail = "must change it at the next sign-in; sessions ended" // never the password
		}
		s.audit(r, ses.User, "user-"+op, name, store.AuditOK, detail)
		s.done(w, r, ses, "/admin/users", flash{Text: tr(lang, userDone[op], name)})
	}
}

// userDone is the message of each change of userSave.
var userDone = map[string]string{"set": "user.set", "disable": "user.disable.ok", "enable": "user.enable.ok",
	"password": "user.password.ok", "second-factor-off": "user.factor.offok"}

// tokensData is the API tokens and payment sources page's data.
type tokensData struct {
	Tokens   []store.Token
	Sources  []store.WebhookSource
	NewToken string // shown once, just after it was made
	NewName  string
	Error    string
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "tokens", "") {
		return
	}
	s.renderTokens(w, r, ses, tokensData{}, http.StatusOK)
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, ses *session, d tokensData, status int) {
	var err error
	if d.Tokens, err = s.o.Store.Tokens(r.Context()); err != nil {
		s.fault(w, r, "list tokens", err)
		return
	}
	if d.Sources, err = s.o.Store.WebhookSources(r.Context()); err != nil {
		s.fault(w, r, "list payment sources", err)
		return
	}
	p := s.newPage(r, ses, s.navCompany(r, ses), "admin", tr(ses.lang(), "adm.tokens"), d)
	s.render(w, r, status, "admin_tokens", p)
}

// tokenAdd makes a token and shows it once (the page is not cached).
func (s *Server) tokenAdd(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "token-add", "") {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	scope := store.ParseScope(r.PostFormValue("companies"))
	err := s.o.Store.CheckScope(r.Context(), scope)
	var token string
	if err == nil {
		token, _, err = s.o.Store.CreateToken(r.Context(), name, store.Role(r.PostFormValue("role")))
	}
	if err == nil && scope != nil {
		err = s.o.Store.SetTokenScope(r.Context(), name, scope)
	}
	switch {
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "token-add", name, store.AuditRefused, refusalText(err))
		s.renderTokens(w, r, ses, tokensData{Error: refusalIn(ses.lang(), err)}, http.StatusUnprocessableEntity)
	case err != nil:
		s.fault(w, r, "add token", err)
	default:
		s.audit(r, ses.User, "token-add", name, store.AuditOK, scope.String())
		s.renderTokens(w, r, ses, tokensData{NewToken: token, NewName: name}, http.StatusOK)
	}
}

// tokenSave revokes a token (op=revoke) or changes its companies.
func (s *Server) tokenSave(w http.ResponseWriter, r *http.Request, ses *session) {
	name := r.PathValue("name")
	if !s.allow(w, r, ses, store.RoleAdmin, "token-set", name) {
		return
	}
	var err error
	op := r.PostFormValue("op")
	if op == "revoke" {
		err = s.o.Store.RevokeToken(r.Context(), name)
	} else {
		op = "scope"
		err = s.o.Store.SetTokenScope(r.Context(), name, store.ParseScope(r.PostFormValue("companies")))
	}
	s.adminResult(w, r, ses, "token-"+op, name, err, "/admin/tokens", tr(ses.lang(), "token.done."+op, name))
}

// sourceSave creates a payment source or replaces its secret, and sets the
// companies it may pay invoices of.
func (s *Server) sourceSave(w http.ResponseWriter, r *http.Request, ses *session) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if !s.allow(w, r, ses, store.RoleAdmin, "source-set", name) {
		return
	}
	scope := store.ParseScope(r.PostFormValue("companies"))
	err := s.o.Store.CheckScope(r.Context(), scope)
	if err == nil {
		if secret := r.PostFormValue("secret"); secret != "" {
			err = s.o.Store.SetWebhookSource(r.Context(), name, secret)
		}
	}
	if err == nil {
		err = s.o.Store.SetSourceScope(r.Context(), name, scope)
	}
	s.adminResult(w, r, ses, "source-set", name, err, "/admin/tokens", tr(ses.lang(), "source.saved", name))
}

// adminResult audits a change and goes back to the page with its message.
func (s *Server) adminResult(w http.ResponseWriter, r *http.Request, ses *session, action, target string, err error, to, ok string) {
	switch {
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, action, target, store.AuditRefused, refusalText(err))
		s.done(w, r, ses, to, flash{Error: true, Text: refusalIn(ses.lang(), err)})
	case err != nil:
		s.fault(w, r, action, err)
	default:
		s.audit(r, ses.User, action, target, store.AuditOK, "")
		s.done(w, r, ses, to, flash{Text: ok})
	}
}
