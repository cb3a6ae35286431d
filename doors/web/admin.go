package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// The admin pages (issue 11): companies, ladder, templates, reminder
// statuses, imports, rates, users, API tokens and payment sources, and
// the dashboard for people. Company pages live under /c/{company}/admin/,
// the installation's under /admin/. Every change goes through the same
// store and actions functions as `starter company|ladder|templates|...`.

// adminPageNames are the admin templates, each rendered inside layout.html.
var adminPageNames = []string{"admin_home", "admin_companies", "admin_company", "admin_ladder", "admin_templates",
	"admin_template", "admin_statuses", "admin_import", "admin_rates", "admin_users", "admin_tokens", "dashboard", "admin_rules"}

// adminRoutes parses the admin templates and registers the admin pages.
func (s *Server) adminRoutes(pages *http.ServeMux) error {
	funcs := template.FuncMap{
		"add":   func(a, b int) int { return a + b },
		"ptr":   func(t time.Time) *time.Time { return &t },
		"join":  strings.Join,
		"has":   slices.Contains[[]string],
		"lines": func(l []string) string { return strings.Join(l, "\n") },
		"list":  func(s ...string) []string { return s },
		"dec":   decimal.RequireFromString,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	for _, name := range adminPageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/actions.html", "templates/admin_parts.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	s.uploads = &uploads{m: map[string]*upload{}}

	pages.Handle("GET /c/{company}/admin", s.authed(s.adminHome))
	pages.Handle("GET /c/{company}/dashboard", s.authed(s.dashboard))
	pages.Handle("GET /c/{company}/dashboard/{chart}", s.authed(s.dashboardCSV))

	pages.Handle("GET /admin/companies", s.authed(s.companiesPage))
	pages.Handle("GET /admin/companies/new", s.authed(s.companyNew))
	pages.Handle("POST /admin/companies", s.authed(s.companyCreate))
	pages.Handle("GET /admin/companies/{code}", s.authed(s.companyEdit))
	pages.Handle("POST /admin/companies/{code}", s.authed(s.companySave))
	pages.Handle("POST /admin/companies/{code}/archive", s.authed(s.companyArchive))

	pages.Handle("GET /c/{company}/admin/rules", s.authed(s.rulesPage))
	pages.Handle("POST /c/{company}/admin/rules", s.authed(s.rulesSave))
	pages.Handle("POST /c/{company}/admin/rules/template", s.authed(s.rulesTemplate))

	pages.Handle("GET /c/{company}/admin/ladder", s.authed(s.ladderPage))
	pages.Handle("POST /c/{company}/admin/ladder", s.authed(s.ladderSave))

	pages.Handle("GET /c/{company}/admin/templates", s.authed(s.templatesPage))
	pages.Handle("GET /c/{company}/admin/templates/edit", s.authed(s.templateEdit))
	pages.Handle("POST /c/{company}/admin/templates/edit", s.authed(s.templateSave))
	pages.Handle("POST /c/{company}/admin/templates/delete", s.authed(s.templateDelete))
	pages.Handle("POST /c/{company}/admin/templates/preview", s.authed(s.templatePreview))
	pages.Handle("GET /c/{company}/admin/templates/preview/{id}", s.authed(s.templatePreviewPDF))

	pages.Handle("GET /c/{company}/admin/statuses", s.authed(s.statusesPage))
	pages.Handle("POST /c/{company}/admin/statuses", s.authed(s.statusSave))
	pages.Handle("POST /c/{company}/admin/statuses/delete", s.authed(s.statusDelete))

	pages.Handle("GET /c/{company}/admin/import", s.authed(s.importPage))
	pages.Handle("POST /c/{company}/admin/import", s.limitUpload(MaxImportBytes+64<<10, s.authed(s.importUpload)))
	pages.Handle("POST /c/{company}/admin/import/commit", s.authed(s.importCommit))
	pages.Handle("POST /c/{company}/admin/scan", s.authed(s.scanNow))

	pages.Handle("GET /admin/rates", s.authed(s.ratesPage))
	pages.Handle("POST /admin/rates", s.authed(s.rateSave))
	pages.Handle("GET /admin/users", s.authed(s.usersPage))
	pages.Handle("POST /admin/users", s.authed(s.userAdd))
	pages.Handle("POST /admin/users/{name}", s.authed(s.userSave))
	pages.Handle("GET /admin/tokens", s.authed(s.tokensPage))
	pages.Handle("POST /admin/tokens", s.authed(s.tokenAdd))
	pages.Handle("POST /admin/tokens/{name}", s.authed(s.tokenSave))
	pages.Handle("POST /admin/sources", s.authed(s.sourceSave))
	return nil
}

// adminCompany is s.company for an admin page: the user must be an admin
// (refusals audited) and be granted the company of the path.
func (s *Server) adminCompany(w http.ResponseWriter, r *http.Request, ses *session, action string) (store.Company, bool) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return co, false
	}
	if !s.allow(w, r, ses, store.RoleAdmin, action, co.Code) {
		return co, false
	}
	return co, true
}

// navCompany is the company shown in the top bar of the installation's
// pages (/admin/...): ?c= when granted, else the user's first.
func (s *Server) navCompany(r *http.Request, ses *session) store.Company {
	code := r.URL.Query().Get("c")
	if !slices.Contains(ses.User.Companies, code) {
		code = ""
		if len(ses.User.Companies) > 0 {
			code = ses.User.Companies[0]
		}
	}
	if code == "" {
		return store.Company{}
	}
	co, err := s.o.Store.CompanyByCode(r.Context(), code)
	if err != nil {
		return store.Company{Code: code}
	}
	return co
}

// adminHome lists the admin pages of a company.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "admin")
	if !ok {
		return
	}
	running, err := s.o.Store.RunningDunnings(r.Context(), co.Code)
	if err != nil {
		s.fault(w, r, "running dunnings", err)
		return
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.title"), map[string]any{"Running": running, "Company": co})
	s.render(w, r, http.StatusOK, "admin_home", p)
}

// fieldErrors maps a refusal to the fields it names (settings.Errors),
// or to "" for a refusal about no field in particular.
func fieldErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	var fe settings.Errors
	if errors.As(err, &fe) {
		for _, f := range fe {
			if out[f.Field] != "" {
				out[f.Field] += "; "
			}
			out[f.Field] += problemIn(lang, f.Problem)
		}
		return out
	}
	out[""] = refusalText(err)
	return out
}

// refusalText is what a person reads of a refusal without a code: the
// rule's own words (store.ReasonText), without the context of the call.
func refusalText(err error) string {
	return store.ReasonText(err)
}

// formLines splits a textarea into its non-empty lines.
func formLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func adminURL(company, rest string) string { return "/c/" + urlPathEscape(company) + "/admin" + rest }

func htmlEscape(s string) string { return template.HTMLEscapeString(s) }

// Percent shows a rate as the page's language writes it (2,15 % / 2.15 %).
func (p *page) Percent(d decimal.Decimal) string { return percentIn(p.Lang, d) }

func percentIn(lang string, d decimal.Decimal) string {
	s := d.StringFixed(2)
	if lang == langFR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "\u00a0%"
}
