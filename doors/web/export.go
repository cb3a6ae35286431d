package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
)

// export serves the Relances screen's list, with its tab and filters, as
// XLSX or CSV (the same files as the API's /v1/exports, package export).
func (s *Server) export(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	file := r.PathValue("file")
	lang := ses.lang()
	labels := s.labelPage(r.Context(), lang, co)
	opts := export.Options{Level: labels.Level, Detail: func(kind, level, detail string) string {
		_, d := sentence(lang, kind, labels.Level(level), detail)
		if lang != langEN {
			d = isoDate.ReplaceAllString(d, "$3/$2/$1")
		}
		return d
	}}
	if file == "history.xlsx" || file == "history.csv" {
		s.exportHistory(w, r, ses, co, file, opts)
		return
	}
	if file != "invoices.xlsx" && file != "invoices.csv" {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.notfound"))
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
	lq := parseList(lang, r.URL.Query(), co, codes, s.o.Now())
	if len(lq.errors) > 0 {
		s.errorPage(w, r, http.StatusBadRequest, lq.errors[0])
		return
	}
	f := lq.filter
	f.Offset, f.Limit = 0, actions.MaxExportRows
	ef, _ := actions.ParseExportFile(file)
	x := actions.Export{File: ef}
	if x.Invoices, err = actions.InvoicesExport(r.Context(), s.o.Store, co, f); err != nil {
		s.fault(w, r, "export", err)
		return
	}
	var buf bytes.Buffer
	if err := x.Write(&buf, opts); err != nil {
		s.fault(w, r, "export", err)
		return
	}
	s.audit(r, ses.User, "export", co.Code+"/"+file, store.AuditOK, fmt.Sprintf("%d rows %s", x.Rows(), lq.values.Encode()))
	s.sendExport(w, ef, co, buf.Bytes())
}

// sendExport answers an export's file, named for the company and today.
func (s *Server) sendExport(w http.ResponseWriter, ef actions.ExportFile, co store.Company, b []byte) {
	w.Header().Set("Content-Type", ef.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, ef.Name(co.Code, s.today(co))))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// isoDate is a date as the workflows write it in history details.
var isoDate = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)

// exportHistory serves the reminder history (seed 003: "Exporter
// l'historique des relances sous Excel") between ?from= and ?to= (both
// optional, days of the company), as XLSX or CSV with French headers,
// dates and sentences, the levels named as the screens name them.
func (s *Server) exportHistory(w http.ResponseWriter, r *http.Request, ses *session, co store.Company, file string, opts export.Options) {
	lang := ses.lang()
	var from, to calendar.Date
	for name, into := range map[string]*calendar.Date{"from": &from, "to": &to} {
		v := strings.TrimSpace(r.URL.Query().Get(name))
		if v == "" {
			continue
		}
		d, err := parseDay(v)
		if err != nil {
			s.errorPage(w, r, http.StatusBadRequest, tr(lang, "err.date", v))
			return
		}
		*into = d
	}
	rows, err := s.o.Store.HistoryExport(r.Context(), co.Code, from, to)
	if errors.Is(err, store.ErrInvalid) {
		s.errorPage(w, r, http.StatusBadRequest, tr(lang, "err.period"))
		return
	}
	if err != nil {
		s.fault(w, r, "history export", err)
		return
	}
	ef, _ := actions.ParseExportFile(file)
	x := actions.Export{File: ef, History: rows}
	var buf bytes.Buffer
	if err := x.Write(&buf, opts); err != nil {
		s.fault(w, r, "history export", err)
		return
	}
	s.audit(r, ses.User, "export", co.Code+"/"+file, store.AuditOK, fmt.Sprintf("%d rows from %s to %s", x.Rows(), from, to))
	s.sendExport(w, ef, co, buf.Bytes())
}
