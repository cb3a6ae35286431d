package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/letterbatch"
)

// dayParam reads the page's day (?date=), today by default. A bad value
// answers 400 with the message (never another day's page or file): ok is
// false and the answer is written.
func (s *Server) dayParam(w http.ResponseWriter, r *http.Request, ses *session, co store.Company) (day calendar.Date, ok bool) {
	v := strings.TrimSpace(r.URL.Query().Get("date"))
	if v == "" {
		return s.today(co), true
	}
	d, err := parseDay(v)
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, tr(ses.lang(), "err.date", v))
		return d, false
	}
	return d, true
}

type proposalData struct {
	Day       calendar.Date
	Customers []actions.CustomerProposal
	Back      string
	// Missing says, in the reader's language, which ECB rates are missing
	// and whose letters claim no penalties because of it.
	Missing []string
	// Unticked are the customers left out of that day's run: shown
	// unticked, they can be ticked again.
	Unticked []actions.CustomerProposal
	// Waiting are the customers whose letter waits for their cadence: no
	// letter that day, shown with the day of their next one.
	Waiting []actions.CustomerProposal
}

// missingRates tells, one line per missing ECB rate, whose letters claim
// no penalties because of it.
func missingRates(lang string, props []actions.CustomerProposal) []string {
	var halves []string
	who := map[string][]string{}
	for _, p := range props {
		for i, m := range p.MissingRates {
			h := m
			if i < len(p.MissingFrom) {
				h = formatDate(lang, p.MissingFrom[i])
			}
			if _, ok := who[h]; !ok {
				halves = append(halves, h)
			}
			if list := who[h]; len(list) == 0 || list[len(list)-1] != p.Customer {
				who[h] = append(who[h], p.Customer)
			}
		}
	}
	out := make([]string, len(halves))
	for i, h := range halves {
		out[i] = tr(lang, "prop.missingRate", h, strings.Join(who[h], ", "))
	}
	return out
}

// proposal is seed 001's proposal: per customer, the letter the run of the
// day will send, with untick and a PDF preview.
func (s *Server) proposal(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	day, ok := s.dayParam(w, r, ses, co)
	if !ok {
		return
	}
	props, err := s.o.Ops.Proposal(r.Context(), co.Code, day)
	if err != nil {
		s.fault(w, r, "proposal", err)
		return
	}
	unticked, err := s.o.Ops.Unticked(r.Context(), co.Code, day)
	if err != nil {
		s.fault(w, r, "proposal", err)
		return
	}
	waiting, err := s.o.Ops.Waiting(r.Context(), co.Code, day)
	if err != nil {
		s.fault(w, r, "proposal", err)
		return
	}
	lang := ses.lang()
	p := s.newPage(r, ses, co, "proposal", tr(lang, "prop.title", formatDate(lang, day)),
		proposalData{Day: day, Customers: props, Back: r.URL.RequestURI(), Missing: missingRates(lang, props), Unticked: unticked, Waiting: waiting})
	s.render(w, r, http.StatusOK, "proposal", p)
}

// untick leaves a customer out of the run of a day (seed 001).
func (s *Server) untick(w http.ResponseWriter, r *http.Request, ses *session) {
	s.tick(w, r, ses, tickAction{name: "untick", done: "paused", status: "paused", flash: "prop.unticked", act: s.o.Ops.Untick})
}

// retick puts a customer left out of the run of a day back into it: the
// invoices the untick paused are resumed.
func (s *Server) retick(w http.ResponseWriter, r *http.Request, ses *session) {
	s.tick(w, r, ses, tickAction{name: "retick", done: "resumed", status: "active", flash: "prop.reticked", act: s.o.Ops.Retick})
}

// tickAction is untick or retick: its audited name, the word for the
// invoices it changed, the invoice status it waits for, its message key
// and the action.
type tickAction struct {
	name, done, status, flash string
	act                       func(ctx context.Context, company, customer string, day calendar.Date, actor string) ([]string, error)
}

// tick runs a on the customer and day of the form (operator role),
// audited, and waits for the invoices it changed to show their status.
func (s *Server) tick(w http.ResponseWriter, r *http.Request, ses *session, a tickAction) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	customer := strings.TrimSpace(r.PostFormValue("customer"))
	target := co.Code + "/customer/" + customer
	if !s.allow(w, r, ses, store.RoleOperator, a.name, target) {
		return
	}
	lang := ses.lang()
	to := back(r, "/c/"+url.PathEscape(co.Code)+"/proposal")
	day, err := parseDay(r.PostFormValue("date"))
	if err != nil {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.date", r.PostFormValue("date"))})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	changed, err := a.act(ctx, co.Code, customer, day, ses.User.Name)
	switch {
	case errors.Is(err, actions.ErrRefused):
		s.audit(r, ses.User, a.name, target, store.AuditRefused, refusalReason(err))
		p := s.labelPage(r.Context(), lang, co)
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "refused", customer, refusalShown(p, err))})
	case err != nil:
		s.audit(r, ses.User, a.name, target, store.AuditError, fmt.Sprintf("%d %s before the error", len(changed), a.done))
		s.fault(w, r, a.name, err)
	default:
		s.audit(r, ses.User, a.name, target, store.AuditOK, fmt.Sprintf("%s: %d invoice(s) %s", day, len(changed), a.done))
		for _, n := range changed {
			s.settle(ctx, co.Code, n, func(row store.InvoiceRow) bool { return row.Status == a.status })
		}
		s.done(w, r, ses, to, flash{Text: tr(lang, a.flash, customer, len(changed))})
	}
}

// preview renders the statement the invoice's customer would receive with
// the invoice's letter at a level, as the worker builds it, neither sent
// nor recorded (starter preview).
func (s *Server) preview(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	number := r.PathValue("number")
	lang := ses.lang()
	inv, err := s.o.Store.LoadInvoice(r.Context(), co.Code, number)
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.invoice", number, co.Code))
		return
	}
	if err != nil {
		s.fault(w, r, "preview", err)
		return
	}
	code := r.URL.Query().Get("level")
	lv := inv.Ladder[0]
	for _, l := range inv.Ladder {
		if l.Code == code {
			lv = l
		}
	}
	day, ok := s.dayParam(w, r, ses, co)
	if !ok {
		return
	}
	// What the customer receives: its statement of that day.
	d, c, err := activities.BuildStatement(r.Context(), s.o.Store, inv.ID, lv, day, 1)
	if err != nil {
		s.fault(w, r, "preview", err)
		return
	}
	pdf, err := letter.Render(d, c)
	if err != nil {
		s.fault(w, r, "preview", err)
		return
	}
	writePDF(w, "apercu-"+letterbatch.FileSafe(number)+"-"+letterbatch.FileSafe(lv.Code)+".pdf", pdf, true)
}

type lettersData struct {
	Day       calendar.Date
	Letters   []store.BatchLetter
	PDF       string // the letters to print, merged
	Zip       string
	PrintOnly bool   // "courrier seulement": only the letters that go by post
	Toggle    string // the page with PrintOnly switched
	Prints    int    // letters that go by post
	// Bounced are the addresses SES reported of the letters' customers
	// (customer code → addresses): shown on their letters.
	Bounced map[string][]string
	// Decide is the reference of each uncertain customer letter (by its
	// id) an operator may decide on; Back is this page, to return to.
	Decide map[int64]string
	Back   string
}

// lettersChannel is the day's letters a page or file shows: those that go
// by post with ?channel=print, else all.
func lettersChannel(r *http.Request) string {
	if r.URL.Query().Get("channel") == store.BatchPrint {
		return store.BatchPrint
	}
	return store.BatchAll
}

// letters lists the letters of a day (seed 003's "letters of the day"),
// with the merged PDF to print and the zip.
func (s *Server) letters(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	day, ok := s.dayParam(w, r, ses, co)
	if !ok {
		return
	}
	channel := lettersChannel(r)
	ls, err := s.o.Store.LettersOn(r.Context(), co.Code, day, channel)
	if err != nil {
		s.fault(w, r, "letters of the day", err)
		return
	}
	prints, err := s.o.Store.LettersOn(r.Context(), co.Code, day, store.BatchPrint)
	if err != nil {
		s.fault(w, r, "letters of the day", err)
		return
	}
	// In the order they went out.
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].CreatedAt.Before(ls[j].CreatedAt) })
	lang := ses.lang()
	base := "/c/" + url.PathEscape(co.Code) + "/letters"
	q := "?date=" + day.String()
	d := lettersData{Day: day, Letters: ls, PDF: base + "/lettres.pdf" + q, Zip: base + "/lettres.zip" + q,
		PrintOnly: channel == store.BatchPrint, Toggle: base + q + "&channel=" + store.BatchPrint, Prints: countWithPDF(prints)}
	if d.PrintOnly {
		d.Toggle, d.Zip = base+q, d.Zip+"&channel="+store.BatchPrint
	}
	if d.Bounced, err = s.bouncedOf(r.Context(), co.Code, ls); err != nil {
		s.fault(w, r, "undeliverable addresses", err)
		return
	}
	if d.Decide, err = s.o.Store.UncertainReferences(r.Context(), co.ID); err != nil {
		s.fault(w, r, "letters to verify", err)
		return
	}
	d.Back = r.URL.RequestURI()
	p := s.newPage(r, ses, co, "letters", tr(lang, "let.title", formatDate(lang, day)), d)
	s.render(w, r, http.StatusOK, "letters", p)
}

// lettersFile serves the day's letters as one merged PDF or as a zip
// (package letterbatch, as `starter letters`).
func (s *Server) lettersFile(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	file := r.PathValue("file")
	if file != "lettres.pdf" && file != "lettres.zip" {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.notfound"))
		return
	}
	day, ok := s.dayParam(w, r, ses, co)
	if !ok {
		return
	}
	// The merged PDF is for the printer: only the letters that go by
	// post. The zip keeps the page's choice.
	channel := lettersChannel(r)
	if file == "lettres.pdf" {
		channel = store.BatchPrint
	}
	ls, err := s.o.Store.LettersOn(r.Context(), co.Code, day, channel)
	if err != nil {
		s.fault(w, r, "letters of the day", err)
		return
	}
	var with []store.BatchLetter
	for _, l := range ls {
		if len(l.PDF) > 0 {
			with = append(with, l)
		}
	}
	if len(with) == 0 {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.noletters", formatDate(ses.lang(), day)))
		return
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("lettres-%s-%s", co.Code, day)
	if file == "lettres.zip" {
		err = letterbatch.Zip(&buf, with)
	} else {
		_, err = letterbatch.Merge(&buf, with, false)
	}
	if err != nil {
		s.fault(w, r, "letters file", err)
		return
	}
	s.audit(r, ses.User, "letters-"+file[len("lettres."):], co.Code+"/"+day.String(), store.AuditOK, fmt.Sprintf("%d letters", len(with)))
	if file == "lettres.zip" {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.zip"`)
		_, _ = w.Write(buf.Bytes())
		return
	}
	writePDF(w, name+".pdf", buf.Bytes(), true)
}

// countWithPDF counts the letters that have a PDF.
func countWithPDF(ls []store.BatchLetter) int {
	n := 0
	for _, l := range ls {
		if len(l.PDF) > 0 {
			n++
		}
	}
	return n
}
