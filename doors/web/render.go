package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// page is what every template gets: the session's user and language, the
// company, the messages to show, and the page's own Data.
type page struct {
	Lang  string
	Title string
	User  store.User
	CSRF  string
	// Key is random for each page shown: its action forms send it, and an
	// action sent twice from one page (a double click, a resent form) is
	// applied once (formKey).
	Key       string
	Company   string
	Companies []string
	Nav       string
	Flash     []flash
	Path      string // the request's path and query, for forms that come back
	Data      any
	levels    map[string]string
	loc       *time.Location
}

// T returns a text in the page's language.
func (p *page) T(key string, args ...any) string { return tr(p.Lang, key, args...) }

// Money shows an amount.
func (p *page) Money(d decimal.Decimal, currency string) string {
	return formatMoney(p.Lang, d, currency)
}

// Date shows a day.
func (p *page) Date(d calendar.Date) string { return formatDate(p.Lang, d) }

// Time shows an instant in the company's time zone.
func (p *page) Time(t *time.Time) string {
	if t == nil {
		return "–"
	}
	loc := p.loc
	if loc == nil {
		loc = time.Local
	}
	return formatTime(p.Lang, *t, loc)
}

// ISO is a day as a date input wants it.
func (p *page) ISO(d calendar.Date) string { return d.String() }

// Level names a level code: the ladder's label in French ("Relance 2"),
// the English name in English; NONE is blank.
func (p *page) Level(code string) string {
	switch code {
	case "", ladder.None:
		return ""
	case ladder.Unresolved:
		return p.T("tab.unresolved")
	}
	if l := p.known("level."+code, ""); l != "" {
		return l // a level of the default ladder (seed 000)
	}
	if l, ok := p.levels[code]; ok {
		return l
	}
	return code
}

// Status names a dunning status.
func (p *page) Status(s string) string { return p.T("status." + s) }

// LetterStatus names a letter's status (store.LetterSent...); an unknown
// one shows as stored.
func (p *page) LetterStatus(s string) string { return p.known("letter."+s, s) }

// Channel names a letter's channel (email, print, both); an unknown one
// shows as stored.
func (p *page) Channel(c string) string { return p.known("chan."+c, c) }

// known translates key, or returns raw when there is no such message.
func (p *page) known(key, raw string) string {
	if _, ok := messages[key]; !ok {
		return raw
	}
	return p.T(key)
}

// Can reports whether the user's role allows what needs role.
func (p *page) Can(role string) bool { return p.User.Role.Allows(store.Role(role)) }

// Esc escapes a path segment.
func (p *page) Esc(s string) string { return url.PathEscape(s) }

func urlPathEscape(s string) string  { return url.PathEscape(s) }
func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// pageNames are the templates, each rendered inside layout.html.
var pageNames = []string{"login", "error", "relances", "customer", "invoice", "proposal", "letters", "job", "replies"}

func (s *Server) parseTemplates() error {
	s.pages = map[string]*template.Template{}
	funcs := template.FuncMap{
		"add":  func(a, b int) int { return a + b },
		"ptr":  func(t time.Time) *time.Time { return &t },
		"join": strings.Join,
		"neg":  func(n int) int { return -n },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"list": func(s ...string) []string { return s },
	}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/actions.html", "templates/customer_side.html", "templates/verify.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

// newPage fills the common part of a page for a signed-in user.
func (s *Server) newPage(r *http.Request, ses *session, co store.Company, nav, title string, data any) *page {
	p := &page{Lang: ses.lang(), Title: title, User: ses.User, CSRF: ses.CSRF, Key: newRef(), Company: co.Code,
		Companies: ses.User.Companies, Nav: nav, Flash: ses.flash, Path: r.URL.RequestURI(), Data: data}
	if co.TimeZone != "" {
		if loc, err := time.LoadLocation(co.TimeZone); err == nil {
			p.loc = loc
		}
	}
	if co.ID != 0 {
		p.levels = s.levelLabels(r.Context(), co)
	}
	return p
}

// render writes a page; a template error becomes an error page with a
// reference (the half-written page is never sent).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	var buf bytes.Buffer
	t := s.pages[name]
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		ref := newRef()
		s.o.Log.Error("web: render", "ref", ref, "page", name, "err", err)
		if name != "error" {
			s.errorPage(w, r, http.StatusInternalServerError, tr(p.Lang, "err.internal", ref))
		} else {
			http.Error(w, "internal error "+ref, http.StatusInternalServerError)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage shows a clear message in the layout (signed in or not).
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := &page{Lang: langOf(r), Title: msg, Path: r.URL.RequestURI()}
	if ses := sessionOf(r); ses != nil {
		p.User, p.CSRF, p.Companies = ses.User, ses.CSRF, ses.User.Companies
		if code := r.PathValue("company"); code != "" {
			for _, c := range ses.User.Companies {
				if c == code {
					p.Company = code
				}
			}
		}
		if p.Company == "" && len(ses.User.Companies) > 0 {
			p.Company = ses.User.Companies[0]
		}
	}
	p.Data = map[string]any{"Status": status, "Message": msg}
	s.render(w, r, status, "error", p)
}
