package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/domain/settings"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

type customerData struct {
	Customer       store.Customer
	Items          []store.InvoiceRow
	IncludeSettled bool
	Open           decimal.Decimal // the customer's balance (store.Position.Open)
	Owed           decimal.Decimal // what a letter of the day claims (store.Position.Owed)
	Unapplied      decimal.Decimal // payments on account deducted
	Currency       string
	Steps          []step
	Calls          []store.Call
	Promises       []store.Call
	Letters        []store.BatchLetter
	Statuses       []store.ReminderStatus
	Side           customerSide  // answers from the customer's page, undeliverable addresses
	Cadence        store.Cadence // at most one letter every Cadence.Days days
	Back           string
	SettledURL     string
	// OnAccount are the customer's payments on account one by one, from
	// every source (store.UnappliedOf): the very list whose total
	// (Unapplied) the letters deduct.
	OnAccount []store.UnappliedPayment
	// Bank are the bank transactions matched to the customer.
	Bank []bankLine
}

// bankLine is a bank transaction matched to the customer, with how it was
// matched.
type bankLine struct {
	bank.Transaction
	ByHand bool // an operator matched it on the Rapprochement screen
}

// customer is the customer record: statement, history of steps with
// editable comments, do-not-remind and status, calls, letters, promises.
func (s *Server) customer(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	code := r.PathValue("code")
	lang := ses.lang()
	c, err := s.o.Store.CustomerByCode(r.Context(), co.Code, code)
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.customer", code, co.Code))
		return
	}
	if err != nil {
		s.fault(w, r, "load customer", err)
		return
	}
	d := customerData{Customer: c, IncludeSettled: r.URL.Query().Get("settled") != "", Back: r.URL.RequestURI(), Currency: "EUR"}
	d.SettledURL = "/c/" + url.PathEscape(co.Code) + "/customers/" + url.PathEscape(code)
	if !d.IncludeSettled {
		d.SettledURL += "?settled=1"
	}
	d.Items, err = s.o.Store.ListInvoices(r.Context(), store.InvoiceFilter{Company: co.Code, Customer: code, Now: s.o.Now(),
		IncludeSettled: d.IncludeSettled, WithCredits: true, Limit: 1000})
	if err != nil {
		s.fault(w, r, "customer items", err)
		return
	}
	for _, it := range d.Items {
		d.Currency = it.Currency
	}
	// The balance and what is owed: the letters' own definition.
	stmt, err := s.o.Store.StatementOf(r.Context(), c.ID, d.Currency)
	if err != nil {
		s.fault(w, r, "customer statement", err)
		return
	}
	pos := stmt.Position(s.today(co))
	d.Open, d.Owed, d.Unapplied = pos.Open, pos.Owed, pos.Unapplied
	d.OnAccount = stmt.UnappliedPayments
	steps, err := s.o.Store.CustomerSteps(r.Context(), co.Code, code, 300)
	if err != nil {
		s.fault(w, r, "customer history", err)
		return
	}
	d.Steps = sentences(s.labelPage(r.Context(), lang, co), steps)
	if d.Calls, err = s.o.Store.Calls(r.Context(), co.Code, code); err != nil {
		s.fault(w, r, "customer calls", err)
		return
	}
	for _, k := range d.Calls {
		if k.PromisedOn != nil || k.PromisedAmount != nil {
			d.Promises = append(d.Promises, k)
		}
	}
	if d.Letters, err = s.o.Store.CustomerLetters(r.Context(), co.Code, code); err != nil {
		s.fault(w, r, "customer letters", err)
		return
	}
	txs, err := bank.NewLedger(s.o.Store).ForCustomer(r.Context(), c.ID, 50)
	if err != nil {
		s.fault(w, r, "customer bank transactions", err)
		return
	}
	for _, t := range txs {
		d.Bank = append(d.Bank, bankLine{Transaction: t, ByHand: byHand(t.Reason)})
	}
	if d.Statuses, err = s.o.Store.Statuses(r.Context(), co.ID); err != nil {
		s.fault(w, r, "status table", err)
		return
	}
	if d.Cadence, err = s.o.Store.CustomerCadence(r.Context(), co.Code, code); err != nil {
		s.fault(w, r, "customer cadence", err)
		return
	}
	if d.Side, err = s.customerSideOf(r.Context(), co.Code, c, lang); err != nil {
		s.fault(w, r, "customer answers", err)
		return
	}
	p := s.newPage(r, ses, co, "relances", tr(lang, "cust.title")+" "+c.Code+" – "+c.Name, d)
	s.render(w, r, http.StatusOK, "customer", p)
}

// byHand reports whether matching reasons say an operator decided.
func byHand(reasons string) bool {
	for _, r := range strings.Split(reasons, ",") {
		switch r {
		case bank.ReasonManual, bank.ReasonOnAccount, bank.ReasonNotCustomer:
			return true
		}
	}
	return false
}

func (s *Server) customerRecordURL(co, code string) string {
	return "/c/" + url.PathEscape(co) + "/customers/" + url.PathEscape(code)
}

// customerPost is a form posted on a customer's record: its company, the
// customer's code, the audit target and the page to go back to.
type customerPost struct {
	co                 store.Company
	code, target, back string
}

// customerForm reads the company and customer of a form posted on a
// customer's record and checks that the user's role allows action on it;
// false when the answer has been written.
func (s *Server) customerForm(w http.ResponseWriter, r *http.Request, ses *session, need store.Role, action string) (customerPost, bool) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return customerPost{}, false
	}
	code := r.PathValue("code")
	f := customerPost{co: co, code: code, target: co.Code + "/customer/" + code, back: back(r, s.customerRecordURL(co.Code, code))}
	return f, s.allow(w, r, ses, need, action, f.target)
}

// doNotRemind sets or clears the customer's "Ne pas relancer" box; it
// reaches every running dunning of the customer at once. Admin only, as in
// the API (seed 004: only authorised users change statuses).
func (s *Server) doNotRemind(w http.ResponseWriter, r *http.Request, ses *session) {
	f, ok := s.customerForm(w, r, ses, store.RoleAdmin, "do-not-remind")
	if !ok {
		return
	}
	co, code, target, to := f.co, f.code, f.target, f.back
	on := r.PostFormValue("on") != ""
	lang := ses.lang()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	told, err := s.o.Ops.SetDoNotRemind(ctx, co.Code, code, on, ses.User.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "do-not-remind", target, store.AuditRefused, "unknown customer")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.customer", code, co.Code)})
	case err != nil:
		s.audit(r, ses.User, "do-not-remind", target, store.AuditError, fmt.Sprintf("on=%t", on))
		s.fault(w, r, "do-not-remind", err)
	default:
		s.audit(r, ses.User, "do-not-remind", target, store.AuditOK, fmt.Sprintf("on=%t, %d told", on, told))
		key := "cust.dnr.off"
		if on {
			key = "cust.dnr.on"
		}
		s.done(w, r, ses, to, flash{Text: tr(lang, key, code, told)})
	}
}

// customerCadence sets the customer's own cadence (field "cadence", days)
// or, empty, gives it back its company's (docs/customer-side.md
// "Cadence"). Admin only, as the company's setting. It applies to the
// letters handed over from then on.
func (s *Server) customerCadence(w http.ResponseWriter, r *http.Request, ses *session) {
	f, ok := s.customerForm(w, r, ses, store.RoleAdmin, "customer-cadence")
	if !ok {
		return
	}
	co, code, target, to := f.co, f.code, f.target, f.back
	lang := ses.lang()
	var days *int
	if v := strings.TrimSpace(r.PostFormValue("cadence")); v != "" {
		n, err := settings.CadenceDays(v)
		if err != nil {
			s.audit(r, ses.User, "customer-cadence", target, store.AuditRefused, "bad cadence")
			s.done(w, r, ses, to, flash{Error: true, Text: refusalIn(lang, err)})
			return
		}
		days = &n
	}
	err := s.o.Store.SetCustomerCadence(r.Context(), co.Code, code, days)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "customer-cadence", target, store.AuditRefused, "unknown customer")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.customer", code, co.Code)})
	case err != nil:
		s.audit(r, ses.User, "customer-cadence", target, store.AuditError, "")
		s.fault(w, r, "customer cadence", err)
	case days == nil:
		s.audit(r, ses.User, "customer-cadence", target, store.AuditOK, "company's")
		s.done(w, r, ses, to, flash{Text: tr(lang, "cust.cadence.cleared", code)})
	default:
		s.audit(r, ses.User, "customer-cadence", target, store.AuditOK, fmt.Sprintf("days=%d", *days))
		s.done(w, r, ses, to, flash{Text: tr(lang, "cust.cadence.saved", code, *days)})
	}
}

// customerStatus changes the customer's reminder status (seed 004);
// inherited statuses reach its running dunnings. Admin only.
func (s *Server) customerStatus(w http.ResponseWriter, r *http.Request, ses *session) {
	f, ok := s.customerForm(w, r, ses, store.RoleAdmin, "customer-status")
	if !ok {
		return
	}
	co, code, target, to := f.co, f.code, f.target, f.back
	status := strings.TrimSpace(r.PostFormValue("status"))
	lang := ses.lang()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	told, err := s.o.Ops.SetCustomerStatus(ctx, co.Code, code, status, ses.User.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "customer-status", target, store.AuditRefused, "unknown customer")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.customer", code, co.Code)})
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, "customer-status", target, store.AuditRefused, refusalText(err))
		s.done(w, r, ses, to, flash{Error: true, Text: refusalIn(lang, err)})
	case err != nil:
		s.audit(r, ses.User, "customer-status", target, store.AuditError, status)
		s.fault(w, r, "customer status", err)
	default:
		s.audit(r, ses.User, "customer-status", target, store.AuditOK, fmt.Sprintf("status=%q, %d told", status, told))
		shown := status
		if shown == "" {
			shown = tr(lang, "cust.none")
		}
		s.done(w, r, ses, to, flash{Text: tr(lang, "cust.status.set", code, shown, told)})
	}
}

// addCall logs a call with the customer (seed 003), with a promise to pay
// when one was made.
func (s *Server) addCall(w http.ResponseWriter, r *http.Request, ses *session) {
	f, ok := s.customerForm(w, r, ses, store.RoleOperator, "call")
	if !ok {
		return
	}
	co, code, target, to := f.co, f.code, f.target, f.back
	lang := ses.lang()
	c, msg := callForm(lang, r, ses.User.Name)
	if msg != "" {
		s.done(w, r, ses, to, flash{Error: true, Text: msg})
		return
	}
	_, err := s.o.Store.AddCall(r.Context(), co.Code, code, c)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.customer", code, co.Code)})
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, "call", target, store.AuditRefused, refusalText(err))
		s.done(w, r, ses, to, flash{Error: true, Text: refusalIn(lang, err)})
	case err != nil:
		s.fault(w, r, "log call", err)
	default:
		s.audit(r, ses.User, "call", target, store.AuditOK, "")
		s.done(w, r, ses, to, flash{Text: tr(lang, "cust.call.saved")})
	}
}

// step is a history event told as a sentence.
type step struct {
	At       time.Time
	Sentence string
	Detail   string
	Actor    string
	Level    string
	Invoice  string
	DueDate  calendar.Date
	Balance  decimal.Decimal
	Settled  bool
	Kind     string
}

// sentences tells history events in the reader's language.
func sentences(p *page, in []store.CustomerStep) []step {
	lang := p.Lang
	out := make([]step, len(in))
	for i, h := range in {
		level := p.Level(h.Level) // the ladder's label, as the screens name levels
		if level == "" {
			level = h.Level
		}
		sentence, detail := sentence(lang, h.Kind, level, h.Detail)
		out[i] = step{At: h.At, Sentence: sentence, Detail: detail, Actor: h.Actor, Level: h.Level, Invoice: h.Invoice,
			DueDate: h.DueDate, Balance: h.Balance, Settled: h.Settled, Kind: h.Kind}
	}
	return out
}

// sentence tells a history kind in lang from the catalogs' "event.<kind>"
// texts (%s is the level); the workflow's own detail is kept beside when it
// adds something (a reason, a comment, an amount).
func sentence(lang, kind, level, detail string) (string, string) {
	m, ok := messages["event."+kind]
	if !ok {
		return kind, detail
	}
	s := m[0]
	if lang == langEN {
		s = m[1]
	}
	if strings.Contains(s, "%s") {
		s = fmt.Sprintf(s, level)
	}
	switch kind {
	case "started", "unresolved", "paid", "letter_asked", "letter_sent", "letter_queued_print", "resumed":
		// The sentence says it all.
		detail = ""
	case "skipped", "reverted":
		// Keep only the operator's reason, "(...)" at the end.
		if i := strings.LastIndex(detail, " ("); i >= 0 && strings.HasSuffix(detail, ")") {
			detail = detail[i+2 : len(detail)-1]
		} else {
			detail = ""
		}
	case "paused":
		detail = strings.TrimPrefix(detail, "paused: ")
		if lang != langEN {
			detail = strings.Replace(detail, ", until ", ", jusqu'au ", 1)
		}
	}
	if lang != langEN {
		detail = isoDate.ReplaceAllString(detail, "$3/$2/$1") // French dates
	}
	return s, detail
}

// callForm reads a call from its form; msg says what is wrong.
func callForm(lang string, r *http.Request, author string) (store.NewCall, string) {
	c := store.NewCall{Author: author}
	for _, f := range []struct {
		name string
		into *string
	}{{"contact", &c.Contact}, {"outcome", &c.Outcome}, {"note", &c.Note}} {
		text, msg := formText(lang, r, f.name)
		if msg != "" {
			return c, msg
		}
		*f.into = text
	}
	if v := strings.TrimSpace(r.PostFormValue("promisedOn")); v != "" {
		d, err := parseDay(v)
		if err != nil {
			return c, tr(lang, "err.date", v)
		}
		c.PromisedOn = d
	}
	if v := strings.TrimSpace(r.PostFormValue("promisedAmount")); v != "" {
		a, err := money.ParsePositive(v)
		if err != nil {
			return c, refusalIn(lang, err)
		}
		c.PromisedAmount = &a
	}
	return c, ""
}

// editCall rewrites a call of the customer's log; deleteCall removes one
// (kept for the audit trail). Operators and up.
func (s *Server) editCall(w http.ResponseWriter, r *http.Request, ses *session) {
	s.changeCall(w, r, ses, false)
}

func (s *Server) deleteCall(w http.ResponseWriter, r *http.Request, ses *session) {
	s.changeCall(w, r, ses, true)
}

func (s *Server) changeCall(w http.ResponseWriter, r *http.Request, ses *session, remove bool) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	code := r.PathValue("code")
	action := "call-edit"
	if remove {
		action = "call-delete"
	}
	target := co.Code + "/customer/" + code + "/call/" + r.PathValue("id")
	if !s.allow(w, r, ses, store.RoleOperator, action, target) {
		return
	}
	lang := ses.lang()
	to := back(r, s.customerRecordURL(co.Code, code))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.notfound"))
		return
	}
	if remove {
		err = s.o.Store.DeleteCall(r.Context(), co.Code, code, id)
	} else {
		c, msg := callForm(lang, r, ses.User.Name)
		if msg != "" {
			s.done(w, r, ses, to, flash{Error: true, Text: msg})
			return
		}
		err = s.o.Store.UpdateCall(r.Context(), co.Code, code, id, c)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.notfound")})
	case errors.Is(err, store.ErrInvalid):
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "cust.call.invalid")})
	case err != nil:
		s.fault(w, r, action, err)
	default:
		s.audit(r, ses.User, action, target, store.AuditOK, "")
		msg := "cust.call.edited"
		if remove {
			msg = "cust.call.deleted"
		}
		s.done(w, r, ses, to, flash{Text: tr(lang, msg)})
	}
}
