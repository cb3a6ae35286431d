package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/letterbatch"
)

// uploads is what the admin pages keep in memory between two requests:
// uploaded files waiting to be imported and letter previews, each for an
// hour, each for one user and company. (One server process: behind a load
// balancer, keep the imports page on one instance.)
type uploads struct {
	mu sync.Mutex
	m  map[string]*upload
}

type upload struct {
	User, Company, Kind, Name string
	Data                      []byte
	At                        time.Time
}

func (u *uploads) put(x *upload) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	for id, old := range u.m {
		if time.Since(old.At) > time.Hour {
			delete(u.m, id)
		}
	}
	// At most 50 of a kind kept: previews are refreshed as people type,
	// and never push out a file waiting to be imported.
	n, oldest := 0, ""
	for id, old := range u.m {
		if old.Kind != x.Kind {
			continue
		}
		n++
		if oldest == "" || old.At.Before(u.m[oldest].At) {
			oldest = id
		}
	}
	if n >= 50 {
		delete(u.m, oldest)
	}
	x.At = time.Now()
	id := newRef() + newRef()
	u.m[id] = x
	return id
}

func (u *uploads) get(id, user, company, kind string) (*upload, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	x, ok := u.m[id]
	if !ok || x.User != user || x.Company != company || x.Kind != kind || time.Since(x.At) > time.Hour {
		return nil, false
	}
	return x, true
}

// templateRow is one template of the list: a level in a language for a
// kind of customer, the company's own or the embedded default.
type templateRow struct {
	letter.Template
	Label   string
	Custom  bool
	Subject string
}

func (s *Server) templatesPage(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "templates")
	if !ok {
		return
	}
	l, err := s.o.Store.Ladder(r.Context(), co.ID)
	if err != nil {
		s.fault(w, r, "load ladder", err)
		return
	}
	custom, err := s.o.Store.Templates(r.Context(), co.ID)
	if err != nil {
		s.fault(w, r, "load templates", err)
		return
	}
	var rows []templateRow
	for _, lv := range l {
		for _, lang := range []string{"fr", "en"} {
			row := templateRow{Template: letter.Template{Level: lv.Code, Language: lang}, Label: lv.Label}
			for _, t := range custom {
				t = t.Normalized()
				if t.Level == lv.Code && t.Language == lang && t.CustomerKind == "" && t.MinDaysOverdue == 0 {
					row.Template, row.Custom = t, true
				}
			}
			rows = append(rows, row)
		}
	}
	// The company's other templates: per customer kind, per days overdue.
	for _, t := range custom {
		t = t.Normalized()
		if t.CustomerKind != "" || t.MinDaysOverdue > 0 {
			rows = append(rows, templateRow{Template: t, Custom: true})
		}
	}
	for i := range rows {
		src := rows[i].Source
		if !rows[i].Custom {
			src, _, _ = letter.DefaultSource(rows[i].Language, rows[i].Level)
		}
		rows[i].Subject = blockOf(src, "subject")
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.templates"), map[string]any{"Rows": rows})
	s.render(w, r, http.StatusOK, "admin_templates", p)
}

// blockOf returns the source of block name of a template, on one line.
func blockOf(source, name string) string {
	open := `{{define "` + name + `"}}`
	i := strings.Index(source, open)
	if i < 0 {
		return ""
	}
	b := source[i+len(open):]
	if j := strings.Index(b, "{{end}}"); j >= 0 {
		b = b[:j]
	}
	b = strings.Join(strings.Fields(b), " ")
	if r := []rune(b); len(r) > 90 {
		b = string(r[:89]) + "…"
	}
	return b
}

// templateData is the template editor's data.
type templateData struct {
	Template letter.Template
	Custom   bool
	Levels   ladder.Ladder
	Fields   []letter.MergeField
	Funcs    []letter.MergeField
	Invoices []store.InvoiceRow
	Invoice  string
	Error    string
}

// templateFromRequest reads which template a request is about (query or
// form): level, lang, kind, min days.
func templateFromRequest(r *http.Request) letter.Template {
	v := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	t := letter.Template{Level: v("level"), Language: v("lang"), CustomerKind: v("kind")}
	if t.Language == "" {
		t.Language = letter.DefaultLanguage
	}
	t.MinDaysOverdue, _ = strconv.Atoi(v("min"))
	return t.Normalized()
}

func (s *Server) templateEdit(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "template")
	if !ok {
		return
	}
	t := templateFromRequest(r)
	custom, err := s.o.Store.Templates(r.Context(), co.ID)
	if err != nil {
		s.fault(w, r, "load templates", err)
		return
	}
	d := templateData{Template: t}
	for _, c := range custom {
		c = c.Normalized()
		if c.Level == t.Level && c.Language == t.Language && c.CustomerKind == t.CustomerKind && c.MinDaysOverdue == t.MinDaysOverdue {
			d.Template, d.Custom = c, true
		}
	}
	if !d.Custom {
		src, _, err := letter.DefaultSource(t.Language, t.Level)
		if err != nil {
			src, _, _ = letter.DefaultSource(t.Language, "R1")
		}
		d.Template.Source = src
	}
	s.renderTemplate(w, r, ses, co, d, http.StatusOK)
}

func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, ses *session, co store.Company, d templateData, status int) {
	var err error
	if d.Levels, err = s.o.Store.Ladder(r.Context(), co.ID); err != nil {
		s.fault(w, r, "load ladder", err)
		return
	}
	d.Fields, d.Funcs = letter.MergeFields(), letter.TemplateFuncs()
	d.Invoices, err = s.previewInvoices(r, co)
	if err != nil {
		s.fault(w, r, "preview invoices", err)
		return
	}
	if d.Invoice == "" && len(d.Invoices) > 0 {
		d.Invoice = d.Invoices[0].Number
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.template.title", d.Template.Name()), d)
	s.render(w, r, status, "admin_template", p)
}

// previewInvoices are open invoices of the company a preview may be drawn
// on (the most overdue first).
func (s *Server) previewInvoices(r *http.Request, co store.Company) ([]store.InvoiceRow, error) {
	rows, err := s.o.Store.ListInvoices(r.Context(), store.InvoiceFilter{Company: co.Code, Now: s.o.Now(), Limit: 40})
	if err != nil {
		return nil, err
	}
	var out []store.InvoiceRow
	for _, row := range rows {
		if row.Kind != "credit_note" && row.Balance.IsPositive() {
			out = append(out, row)
		}
	}
	return out, nil
}

// templateSave checks the template (letter.ValidateTemplate, through
// store.SaveTemplate) and saves it; a refusal names the block, the line
// and the field, and the text typed stays in the editor.
func (s *Server) templateSave(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "template-set")
	if !ok {
		return
	}
	lang := ses.lang()
	t := templateFromRequest(r)
	t.Source = strings.ReplaceAll(r.PostFormValue("source"), "\r\n", "\n")
	err := s.o.Store.SaveTemplate(r.Context(), co.Code, t)
	switch {
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, "template-set", co.Code+"/"+t.Name(), store.AuditRefused, refusalText(err))
		s.renderTemplate(w, r, ses, co, templateData{Template: t, Error: tr(lang, "adm.template.refused", refusalIn(lang, err)), Invoice: r.PostFormValue("invoice")}, http.StatusUnprocessableEntity)
	case err != nil:
		s.fault(w, r, "save template", err)
	default:
		s.audit(r, ses.User, "template-set", co.Code+"/"+t.Name(), store.AuditOK, "")
		to := adminURL(co.Code, "/templates/edit") + query("level", t.Level, "lang", t.Language, "kind", t.CustomerKind, "min", nonZero(t.MinDaysOverdue))
		s.done(w, r, ses, to, flash{Text: tr(lang, "adm.template.saved", t.Name())})
	}
}

func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func (s *Server) templateDelete(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "template-delete")
	if !ok {
		return
	}
	t := templateFromRequest(r)
	err := s.o.Store.DeleteTemplate(r.Context(), co.Code, t)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrInvalid):
		s.done(w, r, ses, adminURL(co.Code, "/templates"), flash{Error: true, Text: refusalIn(ses.lang(), err)})
	case err != nil:
		s.fault(w, r, "delete template", err)
	default:
		s.audit(r, ses.User, "template-delete", co.Code+"/"+t.Name(), store.AuditOK, "")
		s.done(w, r, ses, adminURL(co.Code, "/templates"), flash{Text: tr(ses.lang(), "adm.template.deleted", t.Name())})
	}
}

// templatePreview checks the template being edited and draws the letter it
// would give on a real invoice of the company (the letter the invoice's
// next send would build, as `starter preview` does, with this text): an
// htmx fragment with the PDF in a frame, or the refusal with its line and
// field. Nothing is saved or sent.
func (s *Server) templatePreview(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "template-preview")
	if !ok {
		return
	}
	lang := ses.lang()
	t := templateFromRequest(r)
	t.Source = strings.ReplaceAll(r.PostFormValue("source"), "\r\n", "\n")
	fragment := func(status int, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
	if err := letter.ValidateTemplate(t); err != nil {
		fragment(http.StatusOK, `<div class="flash error" role="alert" id="preview-error">`+htmlEscape(tr(lang, "adm.template.refused", refusalIn(lang, err)))+`</div>`)
		return
	}
	number := r.PostFormValue("invoice")
	if number == "" {
		fragment(http.StatusOK, `<p class="muted">`+htmlEscape(tr(lang, "adm.template.noinvoice"))+`</p>`)
		return
	}
	inv, err := s.o.Store.LoadInvoice(r.Context(), co.Code, number)
	if errors.Is(err, store.ErrNotFound) {
		fragment(http.StatusOK, `<div class="flash error" role="alert">`+htmlEscape(tr(lang, "err.invoice", number, co.Code))+`</div>`)
		return
	}
	if err != nil {
		s.o.Log.Error("web: template preview", "err", err)
		fragment(http.StatusOK, `<div class="flash error" role="alert">`+htmlEscape(tr(lang, "err.internal", newRef()))+`</div>`)
		return
	}
	lv := ladder.Level{Code: t.Level, Label: t.Level}
	for _, l := range inv.Ladder {
		if l.Code == t.Level {
			lv = l
		}
	}
	d, _, err := activities.BuildLetter(r.Context(), s.o.Store, inv.ID, lv, s.today(co), 1)
	var pdf []byte
	var c letter.Content
	if err == nil {
		// The letter in the template's language and for its kind of
		// customer, whatever the invoice's customer is.
		d.Language = t.Language
		switch t.CustomerKind {
		case letter.KindBusiness:
			d.Recipient.Business = true
		case letter.KindIndividual:
			d.Recipient.Business = false
		}
		draft := t
		draft.CustomerKind, draft.MinDaysOverdue = letter.KindAny, 0
		if c, err = letter.ComposeWith(d, []letter.Template{draft}); err == nil {
			pdf, err = letter.Render(d, c)
		}
	}
	if err != nil {
		fragment(http.StatusOK, `<div class="flash error" role="alert" id="preview-error">`+htmlEscape(tr(lang, "adm.template.refused", refusalIn(lang, err)))+`</div>`)
		return
	}
	id := s.uploads.put(&upload{User: ses.User.Name, Company: co.Code, Kind: "preview", Name: "apercu-" + letterbatch.FileSafe(number) + "-" + letterbatch.FileSafe(t.Level) + ".pdf", Data: pdf})
	src := adminURL(co.Code, "/templates/preview/"+id)
	fragment(http.StatusOK, `<p class="subject" id="preview-subject"><b>`+htmlEscape(tr(lang, "col.subject"))+` :</b> `+htmlEscape(c.Subject)+`</p>`+
		`<p class="muted small" id="preview-ok">`+htmlEscape(tr(lang, "adm.template.previewOf", number, t.Name()))+
		` <a href="`+src+`" target="_blank" class="underline">PDF</a></p><iframe class="preview" id="preview-pdf" title="`+htmlEscape(tr(lang, "tpl.previewTitle"))+`" src="`+src+`"></iframe>`)
}

func (s *Server) templatePreviewPDF(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "template-preview")
	if !ok {
		return
	}
	x, ok := s.uploads.get(r.PathValue("id"), ses.User.Name, co.Code, "preview")
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "adm.template.previewGone"))
		return
	}
	writePDF(w, x.Name, x.Data, true)
}
