package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	catalog "github.com/relance/relance/domain/messages"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/relance/relance/ledger/csvimport"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
)

// MaxImportBytes is the largest CSV file the imports page accepts (both
// files together): 20 MB holds about 100 000 invoice rows.
const MaxImportBytes = 20 << 20

// importFile is one uploaded file and its report.
type importFile struct {
	Kind   string // "customers" or "invoices"
	Name   string
	ID     string // the upload, kept until imported
	Error  string // the file could not be read at all (header, encoding)
	Report csvimport.Report
}

// importData is the imports page's data.
type importData struct {
	Files []importFile
	Done  bool // the report after the import, not before
	Scan  *scan.Report
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "import")
	if !ok {
		return
	}
	p := s.newPage(r, ses, co, "admin", tr(ses.lang(), "adm.import"), importData{})
	s.render(w, r, http.StatusOK, "admin_import", p)
}

// importUpload reads the uploaded files and shows what an import would do
// (csvimport's Preview: line, field, problem), keeping the files for the
// import itself. Nothing is written yet.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "import-preview")
	if !ok {
		return
	}
	lang := ses.lang()
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		p := s.newPage(r, ses, co, "admin", tr(lang, "adm.import"), importData{})
		p.Flash = append(p.Flash, flash{Error: true, Text: tr(lang, "imp.bad", err.Error())})
		s.render(w, r, http.StatusBadRequest, "admin_import", p)
		return
	}
	var d importData
	for _, kind := range []string{"customers", "invoices"} {
		f, hdr, err := r.FormFile(kind)
		if errors.Is(err, http.ErrMissingFile) {
			continue
		}
		if err != nil {
			d.Files = append(d.Files, importFile{Kind: kind, Error: tr(lang, "imp.bad", err.Error())})
			continue
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			d.Files = append(d.Files, importFile{Kind: kind, Name: hdr.Filename, Error: tr(lang, "imp.bad", err.Error())})
			continue
		}
		x := importFile{Kind: kind, Name: hdr.Filename}
		x.Report, err = previewImport(kind, data)
		if err != nil {
			x.Error = catalog.Say(lang, err)
		} else {
			x.ID = s.uploads.put(&upload{User: ses.User.Name, Company: co.Code, Kind: kind, Name: hdr.Filename, Data: data})
		}
		x.inLanguage(lang)
		d.Files = append(d.Files, x)
	}
	p := s.newPage(r, ses, co, "admin", tr(lang, "adm.import"), d)
	if len(d.Files) == 0 {
		p.Flash = append(p.Flash, flash{Error: true, Text: tr(lang, "imp.nofile")})
	}
	s.audit(r, ses.User, "import-preview", co.Code, store.AuditOK, fmt.Sprintf("%d files", len(d.Files)))
	s.render(w, r, http.StatusOK, "admin_import", p)
}

// inLanguage says the problems of f's rows in lang, from the catalogs
// when the import gave their codes (package csvimport).
func (f *importFile) inLanguage(lang string) {
	for i, p := range f.Report.Problems {
		if p.Err != nil {
			f.Report.Problems[i].Err = errors.New(catalog.Say(lang, p.Err))
		}
	}
}

func previewImport(kind string, data []byte) (csvimport.Report, error) {
	if kind == "customers" {
		f, err := csvimport.ReadCustomers(bytes.NewReader(data))
		if err != nil {
			return csvimport.Report{}, err
		}
		return f.Preview(), nil
	}
	f, err := csvimport.ReadInvoices(bytes.NewReader(data))
	if err != nil {
		return csvimport.Report{}, err
	}
	return f.Preview(), nil
}

// importCommit imports the files previewed (customers first, so that the
// invoices find them) and shows the report after the import.
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "import")
	if !ok {
		return
	}
	lang := ses.lang()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
	defer cancel()
	var d importData
	d.Done = true
	for _, kind := range []string{"customers", "invoices"} {
		id := r.PostFormValue(kind)
		if id == "" {
			continue
		}
		x, ok := s.uploads.get(id, ses.User.Name, co.Code, kind)
		if !ok {
			d.Files = append(d.Files, importFile{Kind: kind, Error: tr(lang, "imp.gone")})
			continue
		}
		f := importFile{Kind: kind, Name: x.Name}
		var err error
		if kind == "customers" {
			var cf csvimport.CustomerFile
			if cf, err = csvimport.ReadCustomers(bytes.NewReader(x.Data)); err == nil {
				f.Report = cf.Import(ctx, s.o.Store, co.ID)
			}
		} else {
			var inf csvimport.InvoiceFile
			if inf, err = csvimport.ReadInvoices(bytes.NewReader(x.Data)); err == nil {
				f.Report = inf.Import(ctx, s.o.Store, co.ID)
			}
		}
		if err != nil {
			f.Error = catalog.Say(lang, err)
		}
		s.audit(r, ses.User, "import-"+kind, co.Code, store.AuditOK, f.Report.String())
		f.inLanguage(lang)
		d.Files = append(d.Files, f)
	}
	p := s.newPage(r, ses, co, "admin", tr(lang, "adm.import"), d)
	s.render(w, r, http.StatusOK, "admin_import", p)
}

// scanNow runs the company's scan (as `starter scan`): every invoice due
// and not excluded gets its dunning started.
func (s *Server) scanNow(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.adminCompany(w, r, ses, "scan")
	if !ok {
		return
	}
	lang := ses.lang()
	if s.o.Ops == nil || s.o.Ops.Temporal == nil {
		s.done(w, r, ses, back(r, adminURL(co.Code, "")), flash{Error: true, Text: tr(lang, "adm.scan.notemporal")})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
	defer cancel()
	rep, err := scan.Run(ctx, s.o.Store, s.o.Ops.Temporal, co.Code, s.today(co), s.o.Log)
	if err != nil {
		s.audit(r, ses.User, "scan", co.Code, store.AuditError, "")
		s.fault(w, r, "scan", err)
		return
	}
	s.audit(r, ses.User, "scan", co.Code, store.AuditOK, fmt.Sprintf("%d started", rep.StartedCount))
	msg := flash{Text: tr(lang, "adm.scan.done", rep.Considered, rep.StartedCount, rep.AlreadyRunningCount, rep.SkippedCount, rep.FailedCount)}
	for _, sk := range rep.Failed {
		msg.Lines = append(msg.Lines, fmt.Sprint(sk))
	}
	if len(msg.Lines) > 10 {
		msg.Lines = append(msg.Lines[:10], "…")
	}
	s.done(w, r, ses, back(r, adminURL(co.Code, "")), msg)
}

// problemText is a row problem without its "line N (X): " prefix (the
// table has columns for them).
func problemText(e csvimport.RowError) string {
	if e.Err == nil {
		return ""
	}
	return strings.TrimSpace(e.Err.Error())
}

// limitUpload refuses a body larger than limit with a clear page before
// anything reads it (the session's form token is read from the body).
func (s *Server) limitUpload(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge, tr(langOf(r), "imp.toobig", limit>>20))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
