package web

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
)

// maxExportRows bounds a spreadsheet export.
const maxExportRows = 200_000

// export serves the Relances screen's list, with its tab and filters, as
// XLSX or CSV (the same files as the API's /v1/exports, package export).
func (s *Server) export(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	file := r.PathValue("file")
	if file != "invoices.xlsx" && file != "invoices.csv" {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.notfound"))
		return
	}
	lad, err := s.o.Store.Ladder(r.Context(), co.ID)
	if err != nil {
		s.fault(w, r, "load ladder", err)
		return
	}
	codes := make([]string, len(lad))
	for i, l := range lad {
		codes[i] = l.Code
	}
	lq := parseList(ses.lang(), r.URL.Query(), co, codes, s.o.Now())
	if len(lq.errors) > 0 {
		s.errorPage(w, r, http.StatusBadRequest, lq.errors[0])
		return
	}
	f := lq.filter
	f.Offset, f.Limit = 0, maxExportRows
	rows, err := s.o.Store.ListInvoices(r.Context(), f)
	if err != nil {
		s.fault(w, r, "export", err)
		return
	}
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	export.InLocation(rows, loc)
	var buf bytes.Buffer
	ctype := "text/csv; charset=utf-8"
	if file == "invoices.csv" {
		err = export.InvoicesCSV(&buf, rows)
	} else {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = export.InvoicesXLSX(&buf, rows)
	}
	if err != nil {
		s.fault(w, r, "export", err)
		return
	}
	s.audit(r, ses.User, "export", co.Code+"/"+file, store.AuditOK, fmt.Sprintf("%d rows %s", len(rows), lq.values.Encode()))
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="relances-%s-%s.%s"`, co.Code, s.today(co), file[len("invoices."):]))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
