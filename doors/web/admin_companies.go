package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/store"
)

// companyForm is the company page's data: the settings as typed, and the
// refusal of each field.
type companyForm struct {
	New     bool
	Company store.CompanyInfo
	Errors  map[string]string
	Running int
	DemoDay string // seconds a ladder day lasts in a demonstration ("" or 0: real days)
	// Cadence is the company's cadence as typed: at most one letter per
	// customer every that many days (docs/customer-side.md "Cadence");
	// empty: the default (settings.DefaultCadence).
	Cadence string
}

// fieldRow is one field of the company form.
type fieldRow struct{ Name, Kind, Value, Error string }

// Rows are the form's fields with their values and refusals.
func (f companyForm) Rows() []fieldRow {
	out := make([]fieldRow, 0, len(companyFields))
	for _, cf := range companyFields {
		out = append(out, fieldRow{Name: cf.Name, Kind: cf.Kind, Value: fieldValue(f.Company.Company, cf.Name), Error: f.Errors[cf.Name]})
	}
	return out
}

// DefaultCadence is the cadence of a company that sets none, shown in the
// empty field.
func (f companyForm) DefaultCadence() int { return settings.DefaultCadenceDays }

// companyFields are the fields of the form, in order, with their input
// kind; the names are those of settings.FieldError.Field.
var companyFields = []struct{ Name, Kind string }{
	{"code", "text"}, {"legal-name", "text"}, {"address", "lines"}, {"city", "text"},
	{"siret", "text"}, {"vat", "text"}, {"rcs", "text"}, {"iban", "text"}, {"bic", "text"},
	{"sender-email", "email"}, {"sender-name", "text"}, {"reply-to", "email"},
	{"time-zone", "text"}, {"holidays", "holidays"}, {"language", "lang"}, {"send-hour", "number"},
	{"signatory-name", "text"}, {"signatory-title", "text"},
	{"legal-form", "text"}, {"letter-header", "text"}, {"letter-footer", "text"},
}

// fieldValue is the value of a settings field as the form shows it.
func fieldValue(c settings.Company, name string) string {
	switch name {
	case "code":
		return c.Code
	case "legal-name":
		return c.LegalName
	case "address":
		return strings.Join(c.AddressLines, "\n")
	case "city":
		return c.City
	case "siret":
		return c.SIRET
	case "vat":
		return c.VATNumber
	case "rcs":
		return c.RCS
	case "iban":
		return c.IBAN
	case "bic":
		return c.BIC
	case "sender-email":
		return c.SenderEmail
	case "sender-name":
		return c.SenderName
	case "reply-to":
		return c.ReplyTo
	case "time-zone":
		return c.TimeZone
	case "language":
		return c.Language
	case "send-hour":
		return strconv.Itoa(c.SendHour)
	case "holidays":
		return c.Holidays
	case "signatory-name":
		return c.SignatoryName
	case "signatory-title":
		return c.SignatoryTitle
	case "legal-form":
		return c.LegalForm
	case "letter-header":
		return c.LetterHeader
	case "letter-footer":
		return c.LetterFooter
	}
	return ""
}

// companyFromForm reads the form; a send hour that is not a number is a
// refusal of its own.
func companyFromForm(r *http.Request) (settings.Company, map[string]string) {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	c := settings.Company{
		Code: strings.ToUpper(f("code")), LegalName: f("legal-name"), AddressLines: formLines(r.PostFormValue("address")),
		City: f("city"), SIRET: f("siret"), VATNumber: f("vat"), RCS: f("rcs"), IBAN: f("iban"), BIC: f("bic"),
		SenderEmail: f("sender-email"), SenderName: f("sender-name"), ReplyTo: f("reply-to"),
		TimeZone: f("time-zone"), Language: f("language"), Holidays: f("holidays"),
		SignatoryName: f("signatory-name"), SignatoryTitle: f("signatory-title"),
		LegalForm: f("legal-form"), LetterHeader: f("letter-header"), LetterFooter: f("letter-footer"),
	}
	errs := map[string]string{}
	if h := f("send-hour"); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil {
			errs["send-hour"] = problemIn(langOf(r), settings.NotHour.With(strconv.Quote(h)))
		}
		c.SendHour = n
	}
	return c, errs
}

// demoDayFromForm reads the demonstration day length (empty: real days).
// logoFromForm reads the logo uploaded with the form (field "logo") or its
// removal (checkbox "logo-remove"): set says whether to change it. A file
// that is not a PNG or JPEG of at most 200 KB is a refusal of "logo".
func logoFromForm(r *http.Request, errs map[string]string) (logo []byte, set bool) {
	if r.PostFormValue("logo-remove") != "" {
		return nil, true
	}
	f, _, err := r.FormFile("logo")
	if err != nil { // no file chosen, or not a multipart form
		return nil, false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, settings.MaxLogoBytes+1))
	if err == nil && len(b) == 0 {
		return nil, false
	}
	if err == nil {
		_, err = settings.Logo(b)
	}
	if err != nil {
		errs["logo"] = problemIn(langOf(r), settings.FieldProblem("logo", err).Problem)
		return nil, false
	}
	return b, true
}

// cadenceFromForm reads the company's cadence (field "cadence"): nil
// when empty (the default, settings.DefaultCadence).
func cadenceFromForm(r *http.Request, errs map[string]string) *int {
	v := strings.TrimSpace(r.PostFormValue("cadence"))
	if v == "" {
		return nil
	}
	n, err := settings.CadenceDays(v)
	if err != nil {
		errs["cadence"] = refusalIn(langOf(r), err)
	}
	return &n
}

func demoDayFromForm(r *http.Request, errs map[string]string) int {
	v := strings.TrimSpace(r.PostFormValue("demo-day"))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 86400 {
		errs["demo-day"] = problemIn(langOf(r), settings.NotDemoDay.With(strconv.Quote(v)))
	}
	return n
}

func (s *Server) companiesPage(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "companies", "") {
		return
	}
	list, err := s.o.Store.CompanyList(r.Context())
	if err != nil {
		s.fault(w, r, "list companies", err)
		return
	}
	p := s.newPage(r, ses, s.navCompany(r, ses), "admin", tr(ses.lang(), "adm.companies"), map[string]any{"Companies": list})
	s.render(w, r, http.StatusOK, "admin_companies", p)
}

func (s *Server) companyNew(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "company-add", "") {
		return
	}
	d := companyForm{New: true, Errors: map[string]string{}}
	d.Company.TimeZone, d.Company.Language, d.Company.SendHour, d.Company.Holidays = "Europe/Paris", "fr", 9, "FR"
	p := s.newPage(r, ses, s.navCompany(r, ses), "admin", tr(ses.lang(), "adm.company.new"), d)
	s.render(w, r, http.StatusOK, "admin_company", p)
}

// companyCreate adds a company (with the default ladder, statuses and
// templates: store.AddCompany) and grants it to the admin who created it.
func (s *Server) companyCreate(w http.ResponseWriter, r *http.Request, ses *session) {
	if !s.allow(w, r, ses, store.RoleAdmin, "company-add", "") {
		return
	}
	lang := ses.lang()
	c, errs := companyFromForm(r)
	demoDay := demoDayFromForm(r, errs)
	cadence := cadenceFromForm(r, errs)
	var err error
	if len(errs) == 0 {
		_, err = s.o.Store.AddCompany(r.Context(), c)
	}
	if err == nil && len(errs) == 0 {
		if err := s.o.Store.GrantCompany(r.Context(), ses.User.Name, c.Code); err != nil {
			s.fault(w, r, "grant company", err)
			return
		}
		if err := s.o.Store.SetDemoDaySeconds(r.Context(), c.Code, demoDay); err != nil {
			s.fault(w, r, "set demo day", err)
			return
		}
		if err := s.o.Store.SetCompanyCadence(r.Context(), c.Code, cadence); err != nil {
			s.fault(w, r, "set cadence", err)
			return
		}
		s.audit(r, ses.User, "company-add", c.Code, store.AuditOK, "")
		s.done(w, r, ses, "/admin/companies/"+urlPathEscape(c.Code)+"?c="+urlQueryEscape(c.Code),
			append([]flash{{Text: tr(lang, "adm.company.created", c.Code)}}, settingsWarnings(c, lang)...)...)
		return
	}
	switch {
	case len(errs) > 0:
	case errors.Is(err, store.ErrExists):
		errs["code"] = tr(lang, "adm.company.exists", c.Code)
	case errors.Is(err, store.ErrInvalid):
		errs = fieldErrors(err, lang)
	default:
		s.fault(w, r, "add company", err)
		return
	}
	s.audit(r, ses.User, "company-add", c.Code, store.AuditRefused, strings.Join(keys(errs), ","))
	d := companyForm{New: true, Company: store.CompanyInfo{Company: c}, Errors: errs, DemoDay: r.PostFormValue("demo-day"), Cadence: r.PostFormValue("cadence")}
	p := s.newPage(r, ses, s.navCompany(r, ses), "admin", tr(lang, "adm.company.new"), d)
	p.Flash = append(p.Flash, flash{Error: true, Text: tr(lang, "adm.refused.fields")})
	s.render(w, r, http.StatusUnprocessableEntity, "admin_company", p)
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// grantedCompany checks that an admin may change company code: it must be
// granted to them.
func (s *Server) grantedCompany(w http.ResponseWriter, r *http.Request, ses *session, action string) (string, bool) {
	code := r.PathValue("code")
	if !s.allow(w, r, ses, store.RoleAdmin, action, code) {
		return "", false
	}
	for _, c := range ses.User.Companies {
		if c == code {
			return code, true
		}
	}
	s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.company", code))
	return "", false
}

func (s *Server) companyEdit(w http.ResponseWriter, r *http.Request, ses *session) {
	code, ok := s.grantedCompany(w, r, ses, "company")
	if !ok {
		return
	}
	c, err := s.o.Store.CompanySettings(r.Context(), code)
	if err != nil {
		s.fault(w, r, "load company", err)
		return
	}
	running, err := s.o.Store.RunningDunnings(r.Context(), code)
	if err != nil {
		s.fault(w, r, "running dunnings", err)
		return
	}
	co, _ := s.o.Store.CompanyByCode(r.Context(), code)
	d := companyForm{Company: c, Errors: map[string]string{}, Running: running}
	if co.DemoDaySeconds > 0 {
		d.DemoDay = strconv.Itoa(co.DemoDaySeconds)
	}
	days, err := s.o.Store.CompanyCadence(r.Context(), code)
	if err != nil {
		s.fault(w, r, "load cadence", err)
		return
	}
	if days != nil {
		d.Cadence = strconv.Itoa(*days)
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.company")+" "+code, d)
	s.render(w, r, http.StatusOK, "admin_company", p)
}

func (s *Server) companySave(w http.ResponseWriter, r *http.Request, ses *session) {
	code, ok := s.grantedCompany(w, r, ses, "company-set")
	if !ok {
		return
	}
	lang := ses.lang()
	c, errs := companyFromForm(r)
	c.Code = code
	demoDay := demoDayFromForm(r, errs)
	cadence := cadenceFromForm(r, errs)
	logo, setLogo := logoFromForm(r, errs)
	var err error
	if len(errs) == 0 {
		err = s.o.Store.UpdateCompany(r.Context(), c)
	}
	if err == nil && len(errs) == 0 && setLogo {
		err = s.o.Store.SetCompanyLogo(r.Context(), code, logo)
	}
	if err == nil && len(errs) == 0 {
		err = s.o.Store.SetDemoDaySeconds(r.Context(), code, demoDay)
	}
	if err == nil && len(errs) == 0 {
		err = s.o.Store.SetCompanyCadence(r.Context(), code, cadence)
	}
	if err == nil && len(errs) == 0 {
		s.audit(r, ses.User, "company-set", code, store.AuditOK, "")
		s.done(w, r, ses, "/admin/companies/"+urlPathEscape(code)+"?c="+urlQueryEscape(code), append([]flash{{Text: tr(lang, "adm.company.saved", code)}}, settingsWarnings(c, lang)...)...)
		return
	}
	if err != nil {
		if !errors.Is(err, store.ErrInvalid) {
			s.fault(w, r, "update company", err)
			return
		}
		errs = fieldErrors(err, lang)
	}
	s.audit(r, ses.User, "company-set", code, store.AuditRefused, strings.Join(keys(errs), ","))
	info, _ := s.o.Store.CompanySettings(r.Context(), code)
	info.Company = c
	co, _ := s.o.Store.CompanyByCode(r.Context(), code)
	p := s.newPage(r, ses, co, "admin", tr(lang, "adm.company")+" "+code, companyForm{Company: info, Errors: errs, DemoDay: r.PostFormValue("demo-day"), Cadence: r.PostFormValue("cadence")})
	p.Flash = append(p.Flash, flash{Error: true, Text: tr(lang, "adm.refused.fields")})
	s.render(w, r, http.StatusUnprocessableEntity, "admin_company", p)
}

func (s *Server) companyArchive(w http.ResponseWriter, r *http.Request, ses *session) {
	code, ok := s.grantedCompany(w, r, ses, "company-archive")
	if !ok {
		return
	}
	on := r.PostFormValue("on") != ""
	if err := s.o.Store.ArchiveCompany(r.Context(), code, on); err != nil {
		s.fault(w, r, "archive company", err)
		return
	}
	s.audit(r, ses.User, "company-archive", code, store.AuditOK, "on="+strconv.FormatBool(on))
	key := "adm.company.restored"
	if on {
		key = "adm.company.archived"
	}
	s.done(w, r, ses, "/admin/companies", flash{Text: tr(ses.lang(), key, code)})
}
