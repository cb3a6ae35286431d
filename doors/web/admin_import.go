package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/ledger/csvimport"
	"github.com/relance/relance/ledger/facturx"
	"github.com/relance/relance/ledger/feed"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
)

// importKinds are the CSV files of the imports page, in the order they are
// imported: customers first, so that invoices and payments on account find
// them.
var importKinds = []string{"customers", "invoices", "onaccount"}

// kindFacturX is the Factur-X invoices of the imports page (PDFs).
const kindFacturX = "facturx"

// MaxImportBytes is the largest CSV file the imports page accepts (both
// files together): 20 MB holds about 100 000 invoice rows.
const MaxImportBytes = 20 << 20

// importFile is one uploaded file and its report (for Factur-X, every PDF
// uploaded, one line each in PDFs).
type importFile struct {
	Kind   string // "customers", "invoices", "onaccount" or "facturx"
	Name   string
	ID     string // the upload, kept until imported
	Error  string // the file could not be read at all (header, encoding)
	Report csvimport.Report
	PDFs   []pdfLine
}

// pdfLine is one Factur-X PDF of the imports page: what its XML says, or
// why it cannot be imported.
type pdfLine struct {
	Name        string // file name
	ID          string // the upload, kept until imported
	Number      string
	CreditNote  bool
	Customer    string // the buyer's identifier: the customer code
	NewCustomer bool   // unknown: created from the buyer's name and address
	Issued, Due calendar.Date
	Amount      decimal.Decimal
	Currency    string
	Status      string // after the import: created or updated
	Error       string
}

// importData is the imports page's data.
type importData struct {
	Files []importFile
	Done  bool // the report after the import, not before
	Scan  *wire.ScanReport
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
	for _, kind := range importKinds {
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
			x.Error = refusalIn(lang, err)
		} else {
			x.ID = s.uploads.put(&upload{User: ses.User.Name, Company: co.Code, Kind: kind, Name: hdr.Filename, Data: data})
		}
		x.inLanguage(lang)
		d.Files = append(d.Files, x)
	}
	if x, ok := s.previewFacturX(r, ses, co); ok {
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
			f.Report.Problems[i].Err = errors.New(refusalIn(lang, p.Err))
		}
	}
}

func previewImport(kind string, data []byte) (csvimport.Report, error) {
	switch kind {
	case "customers":
		f, err := csvimport.ReadCustomers(bytes.NewReader(data))
		if err != nil {
			return csvimport.Report{}, err
		}
		return f.Preview(), nil
	case "onaccount":
		f, err := csvimport.ReadPaymentsOnAccount(bytes.NewReader(data))
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

// runImport imports a CSV file of kind into company companyID.
func runImport(ctx context.Context, st *store.Store, companyID int64, kind string, data []byte) (csvimport.Report, error) {
	switch kind {
	case "customers":
		f, err := csvimport.ReadCustomers(bytes.NewReader(data))
		if err != nil {
			return csvimport.Report{}, err
		}
		return f.Import(ctx, st, companyID), nil
	case "onaccount":
		f, err := csvimport.ReadPaymentsOnAccount(bytes.NewReader(data))
		if err != nil {
			return csvimport.Report{}, err
		}
		return f.Import(ctx, st, companyID), nil
	}
	f, err := csvimport.ReadInvoices(bytes.NewReader(data))
	if err != nil {
		return csvimport.Report{}, err
	}
	return f.Import(ctx, st, companyID), nil
}

// previewFacturX reads the Factur-X PDFs uploaded (none: ok is false) and
// keeps the readable ones for the import.
func (s *Server) previewFacturX(r *http.Request, ses *session, co store.Company) (importFile, bool) {
	lang := ses.lang()
	x := importFile{Kind: kindFacturX}
	if r.MultipartForm == nil {
		return x, false
	}
	for _, hdr := range r.MultipartForm.File[kindFacturX] {
		l := pdfLine{Name: hdr.Filename}
		data, err := readPart(hdr)
		if err == nil && len(data) > feed.MaxPDF {
			err = facturx.PDFTooLarge.With(feed.MaxPDF)
		}
		var inv facturx.Invoice
		if err == nil {
			inv, _, err = facturx.Read(data)
		}
		if err == nil && inv.Buyer.ID == "" {
			err = facturx.NoBuyer.With(inv.Number)
		}
		if err != nil {
			l.Error = refusalIn(lang, err)
			x.PDFs = append(x.PDFs, l)
			continue
		}
		l.Number, l.CreditNote, l.Customer, l.Issued, l.Due = inv.Number, inv.CreditNote, inv.Buyer.ID, inv.IssueDate, inv.DueDate
		l.Amount, l.Currency = inv.GrandTotal, inv.Currency
		known, err := s.o.Store.CustomerExists(r.Context(), co.ID, l.Customer)
		if err != nil {
			l.Error = tr(lang, "imp.bad", err.Error())
			x.PDFs = append(x.PDFs, l)
			continue
		}
		l.NewCustomer = !known
		l.ID = s.uploads.put(&upload{User: ses.User.Name, Company: co.Code, Kind: kindFacturX, Name: hdr.Filename, Data: data})
		x.PDFs = append(x.PDFs, l)
	}
	x.countPDFs()
	return x, len(x.PDFs) > 0
}

// countPDFs sets the report's figures from the PDF lines.
func (f *importFile) countPDFs() {
	f.Report = csvimport.Report{Rows: len(f.PDFs)}
	for _, l := range f.PDFs {
		if l.Error == "" {
			f.Report.Imported++
		} else {
			f.Report.Refused++
		}
	}
}

// readPart reads an uploaded file.
func readPart(hdr *multipart.FileHeader) ([]byte, error) {
	f, err := hdr.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// importFacturX imports the Factur-X PDFs previewed (upload ids), through
// the feed's path: the invoice and its customer upserted, the PDF kept for
// the letters, the running workflows told when a balance changed.
func (s *Server) importFacturX(ctx context.Context, ses *session, co store.Company, ids []string) importFile {
	lang := ses.lang()
	x := importFile{Kind: kindFacturX}
	for _, id := range ids {
		u, ok := s.uploads.get(id, ses.User.Name, co.Code, kindFacturX)
		if !ok {
			x.PDFs = append(x.PDFs, pdfLine{Error: tr(lang, "imp.gone")})
			continue
		}
		l := pdfLine{Name: u.Name}
		var res feed.FacturXResult
		var err error
		if s.o.Ops != nil && s.o.Ops.Temporal != nil {
			res, err = s.o.Ops.FacturX(ctx, co.Code, u.Data, "")
		} else {
			res, err = feed.FacturX(ctx, s.o.Store, co.ID, u.Data, "")
		}
		if err != nil && res.Number == "" {
			l.Error = refusalIn(lang, err)
			x.PDFs = append(x.PDFs, l)
			continue
		}
		// A workflow not told (err with a result) sees the change at its
		// next check: the import itself is done.
		l.Number, l.CreditNote, l.Customer, l.NewCustomer = res.Number, res.Kind == "credit_note", res.Customer, res.CustomerCreated
		l.Issued, _ = calendar.Parse(res.IssueDate)
		l.Due, _ = calendar.Parse(res.DueDate)
		l.Amount, _ = decimal.NewFromString(res.Amount)
		l.Currency, l.Status = res.Currency, res.Status
		x.PDFs = append(x.PDFs, l)
	}
	x.countPDFs()
	return x
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
	for _, kind := range importKinds {
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
		if f.Report, err = runImport(ctx, s.o.Store, co.ID, kind, x.Data); err != nil {
			f.Error = refusalIn(lang, err)
		}
		s.audit(r, ses.User, "import-"+kind, co.Code, store.AuditOK, f.Report.String())
		f.inLanguage(lang)
		d.Files = append(d.Files, f)
	}
	if ids := r.PostForm[kindFacturX]; len(ids) > 0 {
		f := s.importFacturX(ctx, ses, co, ids)
		s.audit(r, ses.User, "import-facturx", co.Code, store.AuditOK,
			fmt.Sprintf("%d PDFs: %d imported, %d refused", f.Report.Rows, f.Report.Imported, f.Report.Refused))
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
