package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/relance/relance/ledger/store"
)

// The user's own page (/account): change one's password, enrol or remove
// the second factor (TOTP, RFC 6238, with github.com/pquerna/otp), and
// the sign-in step that asks for its code (/login/code).

const (
	// pendingCookie holds the half session between a right password and
	// the second factor's code.
	pendingCookie = "relance_pending"
	// secondFactorTTL is how long the code may be typed after the
	// password.
	secondFactorTTL = 5 * time.Minute
	// recoveryCodes is how many recovery codes an enrolment gives.
	recoveryCodes = 10
	// totpIssuer names the installation in the authenticator app.
	totpIssuer = "relance"
)

// totpOpts are the code's parameters: 6 digits every 30 s (SHA-1), what
// every authenticator app reads; a code of the step before or after is
// accepted for clocks a little off.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// accountPages are the templates of this file.
var accountPages = []string{"account", "login_code"}

// accountRoutes parses the templates of the user's page and registers it.
func (s *Server) accountRoutes(pages *http.ServeMux) error {
	for _, name := range accountPages {
		t, err := template.New(name).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	pages.HandleFunc("GET /login/code", s.codePage)
	pages.HandleFunc("POST /login/code", s.code)
	pages.Handle("GET /account", s.authed(s.accountPage))
	pages.Handle("POST /account/password", s.authed(s.passwordChange))
	pages.Handle("POST /account/second-factor/start", s.authed(s.secondFactorStart))
	pages.Handle("POST /account/second-factor/confirm", s.authed(s.secondFactorConfirm))
	pages.Handle("POST /account/second-factor/remove", s.authed(s.secondFactorRemove))
	return nil
}

// mustVisitAccount: the user must change their password, or enrol the
// second factor the installation requires of admins, before any other
// page.
func (s *Server) mustVisitAccount(u store.User) bool {
	return u.MustChangePassword || s.secondFactorMissing(u)
}

func (s *Server) secondFactorMissing(u store.User) bool {
	return s.o.RequireAdminSecondFactor && u.Role == store.RoleAdmin && !u.SecondFactor
}

func (s *Server) setPendingCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: pendingCookie, Value: value, Path: "/login/code", MaxAge: maxAge,
		HttpOnly: true, Secure: !s.o.InsecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

// pending is the half session of the request, or false after sending the
// browser back to the sign-in form.
func (s *Server) pending(w http.ResponseWriter, r *http.Request) (store.User, string, bool) {
	c, err := r.Cookie(pendingCookie)
	if err == nil && c.Value != "" {
		u, _, err := s.o.Store.PendingSession(r.Context(), c.Value)
		if err == nil {
			return u, c.Value, true
		}
		if !errors.Is(err, store.ErrNotFound) {
			s.fault(w, r, "second factor", err)
			return u, "", false
		}
	}
	s.setPendingCookie(w, "", -1)
	http.Redirect(w, r, "/login?expired=1", http.StatusSeeOther)
	return store.User{}, "", false
}

func (s *Server) codePage(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.pending(w, r); !ok {
		return
	}
	s.renderCode(w, r, http.StatusOK, r.URL.Query().Get("next"), nil)
}

func (s *Server) renderCode(w http.ResponseWriter, r *http.Request, status int, next string, msgs []flash) {
	lang := langOf(r)
	s.render(w, r, status, "login_code", &page{Lang: lang, Title: tr(lang, "code.title"), Flash: msgs,
		Data: map[string]string{"Next": next}})
}

// code checks the second factor after the password: a TOTP code (good
// once) or a recovery code (spent). Failures count at the sign-in door.
func (s *Server) code(w http.ResponseWriter, r *http.Request) {
	u, token, ok := s.pending(w, r)
	if !ok {
		return
	}
	lang, next := langOf(r), r.PostFormValue("next")
	again := func(status int, msg string) {
		s.renderCode(w, r, status, next, []flash{{Error: true, Text: msg}})
	}
	att := s.attempt(r, u.Name)
	if !s.admit(w, r, att, "sign-in", again) {
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	how, err := s.checkSecondFactor(r, u, code)
	if err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	if how == "" {
		if s.failed(w, r, att, "sign-in", "wrong second-factor code") {
			again(http.StatusUnauthorized, tr(lang, "code.bad"))
		}
		return
	}
	if err := s.o.Store.DeleteSession(r.Context(), token); err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	_ = s.o.Guard.Succeeded(r.Context(), att)
	s.setPendingCookie(w, "", -1)
	s.signedIn(w, r, u, lang, next, "second factor: "+how)
}

// checkSecondFactor returns how code was accepted ("totp", "recovery
// code") or "" when it was not.
func (s *Server) checkSecondFactor(r *http.Request, u store.User, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	if isDigits(code) && len(code) == 6 {
		secret, err := s.o.Store.SecondFactorSecret(r.Context(), u.ID)
		if err != nil {
			return "", err
		}
		step, ok := matchStep(secret, code, s.o.Now())
		if !ok {
			return "", nil
		}
		fresh, err := s.o.Store.UseSecondFactorStep(r.Context(), u.ID, step)
		if err != nil || !fresh {
			return "", err
		}
		return "totp", nil
	}
	spent, err := s.o.Store.UseRecoveryCode(r.Context(), u.ID, code)
	if err != nil || !spent {
		return "", err
	}
	left, err := s.o.Store.RecoveryCodesLeft(r.Context(), u.ID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("recovery code (%d left)", left), nil
}

// matchStep finds the time step (of the one before now, now, or the one
// after) whose code is code.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	period := int64(totpOpts.Period)
	for _, d := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(d*period) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err == nil && want == code {
			return at.Unix() / period, true
		}
	}
	return 0, false
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// accountData is the user's page's data.
type accountData struct {
	Error         string
	Must          bool         // a password must be changed first
	NeedFactor    bool         // the installation requires a second factor of this admin
	Enrolling     bool         // a secret waits for its first code
	QR            template.URL // the enrolment's QR code, a data: URL
	Secret        string       // the same, to type by hand
	RecoveryCodes []string     // shown once, just after the enrolment
	CodesLeft     int
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, ses *session) {
	s.renderAccount(w, r, ses, accountData{}, http.StatusOK)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, ses *session, d accountData, status int) {
	d.Must, d.NeedFactor = ses.User.MustChangePassword, s.secondFactorMissing(ses.User)
	if ses.User.SecondFactor {
		n, err := s.o.Store.RecoveryCodesLeft(r.Context(), ses.User.ID)
		if err != nil {
			s.fault(w, r, "account", err)
			return
		}
		d.CodesLeft = n
	}
	var co store.Company
	if !s.mustVisitAccount(ses.User) && len(ses.User.Companies) > 0 {
		co = s.navCompany(r, ses)
	}
	s.render(w, r, status, "account", s.newPage(r, ses, co, "account", tr(ses.lang(), "account.title"), d))
}

// passwordChange is a user changing their own password: the current one
// is required (failures count at the sign-in door), the user's other
// sessions end.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request, ses *session) {
	lang := ses.lang()
	current, pw, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("again")
	refuse := func(status int, msg string) {
		s.renderAccount(w, r, ses, accountData{Error: msg}, status)
	}
	att := s.attempt(r, ses.User.Name)
	if !s.admit(w, r, att, "password-change", refuse) {
		return
	}
	if pw != again {
		refuse(http.StatusUnprocessableEntity, tr(lang, "pw.again"))
		return
	}
	err := s.o.Store.ChangePassword(r.Context(), ses.User.ID, current, pw, ses.token)
	if errors.Is(err, store.ErrBadCredentials) {
		if s.failed(w, r, att, "password-change", "wrong current password") {
			refuse(http.StatusUnauthorized, tr(lang, "pw.current"))
		}
		return
	}
	if reason, ok := store.IsPasswordError(err); ok {
		s.audit(r, ses.User, "password-change", ses.User.Name, store.AuditRefused, "new password refused: "+reason)
		refuse(http.StatusUnprocessableEntity, passwordRefusal(lang, reason))
		return
	}
	if err != nil {
		s.fault(w, r, "change password", err)
		return
	}
	s.audit(r, ses.User, "password-change", ses.User.Name, store.AuditOK, "other sessions ended")
	to := "/account"
	if ses.User.MustChangePassword && !s.secondFactorMissing(ses.User) {
		to = "/"
	}
	s.done(w, r, ses, to, flash{Text: tr(lang, "pw.changed")})
}

// passwordRefusal says why a password is refused, in lang.
func passwordRefusal(lang, reason string) string {
	if reason == store.PasswordShort {
		return tr(lang, "pw.short", store.MinPasswordLength)
	}
	return tr(lang, "pw."+reason)
}

// secondFactorStart makes a new secret and shows its QR code; the second
// factor is on once a code from it is confirmed.
func (s *Server) secondFactorStart(w http.ResponseWriter, r *http.Request, ses *session) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: ses.User.Name,
		Period: uint(totpOpts.Period), Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	if err := s.o.Store.StartSecondFactor(r.Context(), ses.User.ID, key.Secret()); err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	s.renderEnrolment(w, r, ses, key, "", http.StatusOK)
}

func (s *Server) renderEnrolment(w http.ResponseWriter, r *http.Request, ses *session, key *otp.Key, refusal string, status int) {
	img, err := key.Image(240, 240)
	if err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	s.renderAccount(w, r, ses, accountData{Enrolling: true, Error: refusal, Secret: key.Secret(),
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))}, status)
}

// secondFactorConfirm turns the second factor on when the code typed is
// right, and shows the recovery codes once.
func (s *Server) secondFactorConfirm(w http.ResponseWriter, r *http.Request, ses *session) {
	secret, err := s.o.Store.PendingSecondFactor(r.Context(), ses.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		s.done(w, r, ses, "/account", flash{Error: true, Text: tr(ses.lang(), "tf.none")})
		return
	}
	if err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	step, ok := matchStep(secret, strings.TrimSpace(r.PostFormValue("code")), s.o.Now())
	if !ok {
		s.audit(r, ses.User, "second-factor-on", ses.User.Name, store.AuditRefused, "wrong code")
		key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s", totpIssuer, ses.User.Name, secret, totpIssuer))
		if err != nil {
			s.fault(w, r, "second factor", err)
			return
		}
		s.renderEnrolment(w, r, ses, key, tr(ses.lang(), "tf.bad"), http.StatusUnprocessableEntity)
		return
	}
	codes := make([]string, recoveryCodes)
	for i := range codes {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:10]
		codes[i] = c[:5] + "-" + c[5:]
	}
	if err := s.o.Store.EnableSecondFactor(r.Context(), ses.User.ID, step, codes, ses.token); err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	s.audit(r, ses.User, "second-factor-on", ses.User.Name, store.AuditOK, "other sessions ended")
	ses.User.SecondFactor = true
	s.renderAccount(w, r, ses, accountData{RecoveryCodes: codes}, http.StatusOK)
}

// secondFactorRemove turns the user's second factor off (current password
// required); an admin the installation requires it of cannot.
func (s *Server) secondFactorRemove(w http.ResponseWriter, r *http.Request, ses *session) {
	lang := ses.lang()
	refuse := func(status int, msg string) {
		s.renderAccount(w, r, ses, accountData{Error: msg}, status)
	}
	if s.o.RequireAdminSecondFactor && ses.User.Role == store.RoleAdmin {
		refuse(http.StatusForbidden, tr(lang, "tf.required"))
		return
	}
	att := s.attempt(r, ses.User.Name)
	if !s.admit(w, r, att, "second-factor-off", refuse) {
		return
	}
	if _, err := s.o.Store.Authenticate(r.Context(), ses.User.Name, r.PostFormValue("current")); err != nil {
		if errors.Is(err, store.ErrBadCredentials) {
			if s.failed(w, r, att, "second-factor-off", "wrong current password") {
				refuse(http.StatusUnauthorized, tr(lang, "pw.current"))
			}
			return
		}
		s.fault(w, r, "second factor", err)
		return
	}
	if err := s.o.Store.DisableSecondFactor(r.Context(), ses.User.Name); err != nil {
		s.fault(w, r, "second factor", err)
		return
	}
	s.audit(r, ses.User, "second-factor-off", ses.User.Name, store.AuditOK, "")
	s.done(w, r, ses, "/account", flash{Text: tr(lang, "tf.off")})
}

// AdminSecondFactorEnv is the environment variable by which an
// installation requires a second factor of its admins ("required"; empty
// or "optional": each user chooses).
const AdminSecondFactorEnv = "RELANCE_ADMIN_SECOND_FACTOR"

// ParseAdminSecondFactor reads the value of AdminSecondFactorEnv.
func ParseAdminSecondFactor(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "optional":
		return false, nil
	case "required":
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: want required or optional", AdminSecondFactorEnv, v)
}
