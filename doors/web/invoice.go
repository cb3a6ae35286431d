package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
)

type invoiceData struct {
	Row       store.InvoiceRow
	State     *dunning.State
	Steps     []step
	Payments  []store.PaymentRow
	Letters   []store.LetterRow
	Temporal  string
	Back      string
	PauseNote string
	Why       string // why no dunning chases it, or which status holds it
	// Decide is the reference of each uncertain letter (by letter id) an
	// operator may decide on (« Marquer envoyée » / « Renvoyer »).
	Decide map[int64]string
}

// invoice is the invoice page: where its dunning stands, its story in
// sentences, payments, letters, the actions, and the workflow's address in
// the Temporal UI for engineers.
func (s *Server) invoice(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	number := r.PathValue("number")
	lang := ses.lang()
	row, err := s.o.Store.InvoiceSummary(r.Context(), co.Code, number, s.o.Now())
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.invoice", number, co.Code))
		return
	}
	if err != nil {
		s.fault(w, r, "load invoice", err)
		return
	}
	id, err := s.o.Store.InvoiceID(r.Context(), co.Code, number)
	if err != nil {
		s.fault(w, r, "load invoice", err)
		return
	}
	d := invoiceData{Row: row, Back: r.URL.RequestURI()}
	if why, err := s.whyNotChased(r.Context(), lang, co, []store.InvoiceRow{row}); err != nil {
		s.fault(w, r, "why not chased", err)
		return
	} else {
		d.Why = why[number]
	}
	hist, err := s.o.Store.History(r.Context(), id)
	if err != nil {
		s.fault(w, r, "invoice history", err)
		return
	}
	steps := make([]store.CustomerStep, len(hist))
	for i, h := range hist {
		steps[i] = store.CustomerStep{At: h.At, Kind: h.Kind, Level: h.Level, Detail: h.Detail, Actor: h.Actor, Invoice: number}
	}
	d.Steps = sentences(s.labelPage(r.Context(), lang, co), steps)
	if d.Payments, err = s.o.Store.InvoicePayments(r.Context(), id); err != nil {
		s.fault(w, r, "invoice payments", err)
		return
	}
	if d.Letters, err = s.o.Store.Letters(r.Context(), id); err != nil {
		s.fault(w, r, "invoice letters", err)
		return
	}
	if d.Decide, err = s.o.Store.UncertainOfInvoice(r.Context(), id); err != nil {
		s.fault(w, r, "invoice letters to verify", err)
		return
	}
	if row.Status != "" && row.Status != string(dunning.StatusPaid) && row.Status != string(dunning.StatusClosed) {
		// The workflow's own state says why it is paused or held; the page
		// still shows without it (worker down).
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		if st, err := s.o.Ops.State(ctx, co.Code, number); err == nil {
			d.State = &st
			switch {
			case st.PauseReason != "" && !st.PausedUntil.IsZero():
				d.PauseNote = tr(lang, "inv.pausedUntil", formatDate(lang, st.PausedUntil), st.PauseReason)
			case st.PauseReason != "":
				d.PauseNote = tr(lang, "inv.paused", st.PauseReason)
			case st.HoldReason != "":
				d.PauseNote = tr(lang, "inv.held", holdReason(lang, st.HoldReason))
			}
		}
		cancel()
	}
	if s.o.TemporalUI != "" {
		d.Temporal = s.o.TemporalUI + "/namespaces/" + url.PathEscape(s.o.Namespace) + "/workflows/" + url.PathEscape(dunning.WorkflowID(co.Code, number))
	}
	p := s.newPage(r, ses, co, "relances", tr(lang, "inv.title")+" "+number, d)
	s.render(w, r, http.StatusOK, "invoice", p)
}

// letterPDF shows a recorded letter's PDF inline: kind "l" is an invoice
// letter, "c" a customer letter.
func (s *Server) letterPDF(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	kind := r.PathValue("kind")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || (kind != "l" && kind != "c") {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.notfound"))
		return
	}
	pdf, err := s.o.Store.LetterPDF(r.Context(), co.Code, id, kind == "c")
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.notfound"))
		return
	}
	if err != nil {
		s.fault(w, r, "letter PDF", err)
		return
	}
	writePDF(w, "lettre-"+kind+strconv.FormatInt(id, 10)+".pdf", pdf, true)
}

func writePDF(w http.ResponseWriter, name string, pdf []byte, inline bool) {
	disp := "attachment"
	if inline {
		disp = "inline"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", disp+`; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf)
}
