// Package portal serves the customer's statement page: the page a
// letter's private link opens (letters/portallink), without an account.
// It shows the customer's open items with their level and days late, the
// credit notes and unapplied payments deducted, the letters sent (PDF),
// the invoice PDFs the company has, the EPC QR code to pay, and takes four
// answers: already paid, dispute, promise to pay, message to the
// controller (actions.Answer). It shows nothing of any other customer:
// every item, letter and PDF is read under the customer of the link.
package portal

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/epc"
	"github.com/relance/relance/letters/portallink"
	"github.com/shopspring/decimal"
)

//go:embed templates/*.html
var templateFS embed.FS

// Limits on answers.
const (
	MaxAnswersPerHour = 10   // per customer
	RequestsPerMinute = 60   // per client address
	maxMessage        = 2000 // characters
	maxReference      = 140
	maxForm           = 32 << 10
)

// Server serves the customer's pages under portallink.Path.
type Server struct {
	Ops   *actions.Ops
	Links *portallink.Links
	Log   *slog.Logger
	Now   func() time.Time

	page    *template.Template
	limiter *limiter
}

// New returns the portal's handler.
func New(ops *actions.Ops, links *portallink.Links, log *slog.Logger, now func() time.Time) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	t, err := template.New("page.html").Funcs(template.FuncMap{
		"money": func(d decimal.Decimal) string { return money.Format(d, "EUR") },
		"date":  func(d calendar.Date) string { return d.French() },
		"t":     func(lang, key string, args ...any) string { return tr(lang, key, args...) },
		"iso":   func(d calendar.Date) string { return d.String() },
	}).ParseFS(templateFS, "templates/page.html")
	if err != nil {
		return nil, fmt.Errorf("portal templates: %w", err)
	}
	return &Server{Ops: ops, Links: links, Log: log, Now: now, page: t, limiter: &limiter{hits: map[string][]time.Time{}}}, nil
}

// FromEnv returns the portal configured by RELANCE_PORTAL_SECRET and
// friends (portallink.FromEnv), nil when no secret is set.
func FromEnv(ops *actions.Ops, log *slog.Logger) (*Server, error) {
	links, err := portallink.FromEnv()
	if err != nil || links == nil {
		return nil, err
	}
	if os.Getenv("RELANCE_PUBLIC_URL") == "" && log != nil {
		log.Warn("RELANCE_PUBLIC_URL is not set: letters link to " + links.BaseURL)
	}
	return New(ops, links, log, time.Now)
}

// Handler returns the routes under portallink.Path, with the headers that
// keep the token out of referrers, frames and caches, and answers only
// from the page itself.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /p/{token}", s.show)
	mux.HandleFunc("POST /p/{token}/answer", s.answer)
	mux.HandleFunc("GET /p/{token}/letters/{id}", s.letterPDF)
	mux.HandleFunc("GET /p/{token}/invoices/{id}", s.invoicePDF)
	mux.HandleFunc("GET /p/{token}/qr.png", s.qr)
	cop := http.NewCrossOriginProtection()
	h := cop.Handler(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Cache-Control", "no-store")
		hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		if !s.limiter.allow(clientAddr(r), s.Now()) {
			s.refuse(w, r, http.StatusTooManyRequests, "fr", "err.rate")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// customerOf checks the link's token and returns its customer. A bad
// token is 404, an expired or revoked one 410; both are logged without
// the token.
func (s *Server) customerOf(w http.ResponseWriter, r *http.Request) (store.PortalCustomer, bool) {
	claims, err := s.Links.Verify(r.PathValue("token"), s.Now())
	if errors.Is(err, portallink.ErrExpired) {
		s.Log.Info("customer page: expired link", "customer_id", claims.CustomerID)
		s.refuse(w, r, http.StatusGone, "fr", "err.expired")
		return store.PortalCustomer{}, false
	}
	if err != nil {
		s.Log.Warn("customer page: invalid link", "remote", clientAddr(r))
		s.refuse(w, r, http.StatusNotFound, "fr", "err.invalid")
		return store.PortalCustomer{}, false
	}
	cu, err := s.Ops.Store.PortalCustomerByID(r.Context(), claims.CustomerID)
	if err != nil {
		s.Log.Warn("customer page: unknown customer", "customer_id", claims.CustomerID)
		s.refuse(w, r, http.StatusNotFound, "fr", "err.invalid")
		return store.PortalCustomer{}, false
	}
	if cu.Version != claims.Version {
		s.Log.Info("customer page: revoked link", "customer_id", claims.CustomerID)
		s.refuse(w, r, http.StatusGone, lang(cu.Language), "err.expired")
		return store.PortalCustomer{}, false
	}
	return cu, true
}

// pageData is what the page shows.
type pageData struct {
	Lang      string
	Token     string
	Company   store.Company
	Customer  store.PortalCustomer
	Items     []item
	Deducted  []item
	Owed      decimal.Decimal
	Letters   []store.PortalLetter
	Pay       *payment
	Today     calendar.Date
	MaxDate   calendar.Date
	Done      string // kind of the answer just taken
	Error     string // message key of a refused answer
	Answers   []store.Answer
	Reasons   []string
	PaidPause int
}

// item is one row of the statement.
type item struct {
	ID         int64
	Number     string
	IssueDate  calendar.Date
	DueDate    calendar.Date
	Amount     decimal.Decimal
	Balance    decimal.Decimal
	Level      string
	DaysLate   int
	NotDue     bool
	Held       string
	HasPDF     bool
	Instalment int
}

// payment is the transfer the page's QR code carries.
type payment struct {
	IBAN, BIC, Name, Reference string
	Amount                     decimal.Decimal
}

// GroupedIBAN is the IBAN in groups of four, as people read it.
func (p payment) GroupedIBAN() string { return epc.Grouped(p.IBAN) }

func (s *Server) load(ctx context.Context, cu store.PortalCustomer, today calendar.Date) (pageData, error) {
	d := pageData{Lang: lang(cu.Language), Customer: cu, Today: today, MaxDate: today.AddDays(cu.PromiseMaxDays),
		Reasons: cu.DisputeReasons, PaidPause: cu.PaidPauseDays}
	co, err := s.Ops.Store.CompanyByCode(ctx, cu.CompanyCode)
	if err != nil {
		return d, err
	}
	co.Logo = nil
	d.Company = co
	stmt, err := s.Ops.Store.StatementOf(ctx, cu.ID, "EUR")
	if err != nil {
		return d, err
	}
	for _, r := range stmt.Items {
		it := item{ID: r.InvoiceID, Number: r.Number, IssueDate: r.IssueDate, DueDate: r.DueDate, Amount: r.Amount,
			Balance: r.Balance, Level: r.Level, Held: r.Held, Instalment: r.Instalment}
		if it.Level == "NONE" || it.Level == "UNRESOLVED" {
			it.Level = ""
		}
		if inv, err := s.Ops.Store.PortalInvoiceOf(ctx, cu.ID, r.InvoiceID); err == nil {
			it.HasPDF = len(inv.PDF) > 0 || inv.PDFPath != ""
		}
		switch {
		case r.Kind == "credit_note" || r.Balance.IsNegative():
			d.Deducted = append(d.Deducted, it)
		default:
			it.NotDue = r.DueDate.IsZero() || !today.After(r.DueDate)
			if !it.NotDue {
				it.DaysLate = today.DaysSince(r.DueDate)
			}
			d.Items = append(d.Items, it)
		}
	}
	if stmt.Unapplied.IsPositive() {
		d.Deducted = append(d.Deducted, item{Number: tr(d.Lang, "overpayment"), Balance: stmt.Unapplied.Neg()})
	}
	d.Owed = stmt.Owed(today)
	if d.Letters, err = s.Ops.Store.PortalLetters(ctx, cu.ID); err != nil {
		return d, err
	}
	if co.IBAN != "" && d.Owed.IsPositive() {
		p := &payment{IBAN: strings.ReplaceAll(co.IBAN, " ", ""), BIC: co.BIC, Name: co.LegalName, Amount: d.Owed}
		p.Reference, _ = s.Ops.Store.LatestPaymentRef(ctx, cu.ID)
		d.Pay = p
	}
	if d.Answers, err = s.Ops.Store.Answers(ctx, store.AnswerFilter{Company: cu.CompanyCode, Customer: cu.Code, Limit: 20}); err != nil {
		return d, err
	}
	return d, nil
}

// today is the day it is in the company's time zone.
func (s *Server) today(cu store.PortalCustomer) calendar.Date {
	return calendar.Of(s.Now().In(location(cu.TimeZone)))
}

// location is the time zone named tz; a name that does not load (checked
// when the company is saved, so never in practice) is UTC.
func location(tz string) *time.Location {
	l, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	return l
}

// When writes t in the company's time zone with layout: the page's dates
// and times are the company's, whatever the server's zone.
func (d pageData) When(t time.Time, layout string) string {
	return t.In(location(d.Customer.TimeZone)).Format(layout)
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	cu, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	d, err := s.load(r.Context(), cu, s.today(cu))
	if err != nil {
		s.fault(w, r, "load customer page", err)
		return
	}
	d.Token = r.PathValue("token")
	if k := r.URL.Query().Get("done"); k != "" && validKind(k) {
		d.Done = k
	}
	if k := r.URL.Query().Get("error"); strings.HasPrefix(k, "err.") && messages[k] != [2]string{} {
		d.Error = k
	}
	s.render(w, http.StatusOK, d)
}

func validKind(k string) bool {
	switch k {
	case store.AnswerPaid, store.AnswerDispute, store.AnswerPromise, store.AnswerMessage:
		return true
	}
	return false
}

// answer takes one of the four answers and comes back to the page.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	cu, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	back := func(q string) {
		http.Redirect(w, r, portallink.Path+url.PathEscape(r.PathValue("token"))+"?"+q, http.StatusSeeOther)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		back("error=err.form")
		return
	}
	today := s.today(cu)
	n, err := s.Ops.Store.RecentAnswers(r.Context(), cu.ID, s.Now().Add(-time.Hour))
	if err != nil {
		s.fault(w, r, "count answers", err)
		return
	}
	if n >= MaxAnswersPerHour {
		s.Log.Warn("customer page: answers rate-limited", "customer_id", cu.ID)
		back("error=err.toomany")
		return
	}
	req, problem := s.parseAnswer(r, cu, today)
	if problem != "" {
		s.Log.Info("customer page: answer refused", "customer_id", cu.ID, "problem", problem)
		back("error=" + problem)
		return
	}
	a, err := s.Ops.Answer(r.Context(), req)
	if errors.Is(err, actions.ErrNotYours) {
		s.Log.Warn("customer page: answer names another invoice", "customer_id", cu.ID)
		back("error=err.items")
		return
	}
	if err != nil {
		s.fault(w, r, "answer", err)
		return
	}
	s.Log.Info("customer answer", "answer", a.ID, "kind", a.Kind, "customer_id", cu.ID, "outcome", a.Outcome)
	back("done=" + req.Kind)
}

// parseAnswer reads and checks an answer's form; problem is the message
// key of what is wrong.
func (s *Server) parseAnswer(r *http.Request, cu store.PortalCustomer, today calendar.Date) (actions.AnswerRequest, string) {
	req := actions.AnswerRequest{Customer: cu, Kind: r.PostFormValue("kind"), Today: today}
	if !validKind(req.Kind) {
		return req, "err.form"
	}
	msg, ok := cleanText(r.PostFormValue("message"), maxMessage, true)
	if !ok {
		return req, "err.text"
	}
	req.Message = msg
	open := map[int64]bool{}
	stmt, err := s.Ops.Store.StatementOf(r.Context(), cu.ID, "EUR")
	if err != nil {
		return req, "err.form"
	}
	var all []int64
	for _, it := range stmt.Items {
		if it.Kind != "credit_note" && it.Balance.IsPositive() && !open[it.InvoiceID] {
			open[it.InvoiceID] = true
			all = append(all, it.InvoiceID)
		}
	}
	for _, v := range r.PostForm["invoice"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !open[id] {
			return req, "err.items"
		}
		if !contains(req.Invoices, id) {
			req.Invoices = append(req.Invoices, id)
		}
	}
	switch req.Kind {
	case store.AnswerPaid:
		d, err := calendar.Parse(r.PostFormValue("paid_on"))
		if err != nil || d.After(today) || d.Before(today.AddDays(-366)) {
			return req, "err.paiddate"
		}
		req.PaidOn = d
		amount, err := decimal.NewFromString(strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(r.PostFormValue("amount")), " ", ""), ",", "."))
		if err != nil || !amount.IsPositive() || amount.GreaterThan(decimal.NewFromInt(1_000_000_000)) || amount.Exponent() < -2 {
			return req, "err.amount"
		}
		req.Amount = &amount
		ref, ok := cleanText(r.PostFormValue("reference"), maxReference, false)
		if !ok {
			return req, "err.text"
		}
		req.Reference = ref
		if len(req.Invoices) == 0 {
			return req, "err.noitems"
		}
	case store.AnswerDispute:
		reason := r.PostFormValue("reason")
		if !containsString(cu.DisputeReasons, reason) {
			return req, "err.reason"
		}
		req.Reason = reason
		if len(req.Invoices) != 1 {
			return req, "err.oneitem"
		}
	case store.AnswerPromise:
		d, err := calendar.Parse(r.PostFormValue("until"))
		if err != nil || !d.After(today) || d.After(today.AddDays(cu.PromiseMaxDays)) {
			return req, "err.promise"
		}
		req.Until = d
		if len(req.Invoices) == 0 {
			req.Invoices = all
		}
	case store.AnswerMessage:
		if req.Message == "" {
			return req, "err.empty"
		}
		if len(req.Invoices) == 0 {
			req.Invoices = all
		}
	}
	return req, ""
}

// cleanText trims s and refuses it when it is not UTF-8, too long, or
// holds control characters (line breaks allowed when multiline).
func cleanText(s string, max int, multiline bool) (string, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return "", false
		}
		if r == '\u202e' || r == '\u202d' || r == '\u2066' || r == '\u2067' || r == '\u2068' {
			return "", false // bidi overrides
		}
	}
	return s, true
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s && s != "" {
			return true
		}
	}
	return false
}

// customerPDF reads the customer of the link and the id of the PDF asked
// ("<id>.pdf"); an id that is not a number is not found.
func (s *Server) customerPDF(w http.ResponseWriter, r *http.Request) (store.PortalCustomer, int64, bool) {
	cu, ok := s.customerOf(w, r)
	if !ok {
		return cu, 0, false
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("id"), ".pdf"), 10, 64)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, lang(cu.Language), "err.notfound")
		return cu, 0, false
	}
	return cu, id, true
}

func (s *Server) letterPDF(w http.ResponseWriter, r *http.Request) {
	cu, id, ok := s.customerPDF(w, r)
	if !ok {
		return
	}
	pdf, err := s.Ops.Store.PortalLetterPDF(r.Context(), cu.ID, id)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, lang(cu.Language), "err.notfound")
		return
	}
	servePDF(w, fmt.Sprintf("lettre-%d.pdf", id), pdf)
}

func (s *Server) invoicePDF(w http.ResponseWriter, r *http.Request) {
	cu, id, ok := s.customerPDF(w, r)
	if !ok {
		return
	}
	inv, err := s.Ops.Store.PortalInvoiceOf(r.Context(), cu.ID, id)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, lang(cu.Language), "err.notfound")
		return
	}
	data := inv.PDF
	if len(data) == 0 && inv.PDFPath != "" {
		data, err = os.ReadFile(inv.PDFPath)
		if err != nil {
			s.Log.Warn("customer page: invoice PDF unreadable", "invoice_id", id, "err", err)
		}
	}
	if len(data) == 0 {
		s.refuse(w, r, http.StatusNotFound, lang(cu.Language), "err.notfound")
		return
	}
	servePDF(w, "facture-"+safeName(inv.Number)+".pdf", data)
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') {
			return r
		}
		return '_'
	}, s)
}

func servePDF(w http.ResponseWriter, name string, pdf []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	_, _ = w.Write(pdf)
}

// qr is the EPC QR code of what the customer owes today.
func (s *Server) qr(w http.ResponseWriter, r *http.Request) {
	cu, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	d, err := s.load(r.Context(), cu, s.today(cu))
	if err != nil {
		s.fault(w, r, "load customer page", err)
		return
	}
	if d.Pay == nil {
		s.refuse(w, r, http.StatusNotFound, d.Lang, "err.notfound")
		return
	}
	payload, err := epc.Payload(epc.Transfer{BIC: d.Pay.BIC, Name: d.Pay.Name, IBAN: d.Pay.IBAN, Amount: d.Pay.Amount, Reference: d.Pay.Reference})
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, d.Lang, "err.notfound")
		return
	}
	png, err := epc.PNG(payload, 300)
	if err != nil {
		s.fault(w, r, "QR code", err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(png)
}

func (s *Server) render(w http.ResponseWriter, status int, d pageData) {
	var b strings.Builder
	if err := s.page.Execute(&b, d); err != nil {
		s.Log.Error("customer page: render", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// refuse answers status with a short page saying why, in lang.
func (s *Server) refuse(w http.ResponseWriter, _ *http.Request, status int, lang, key string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title></head>`+
		`<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>%s</h1><p>%s</p></body></html>`,
		lang, template.HTMLEscapeString(tr(lang, "title")), template.HTMLEscapeString(tr(lang, "title")), template.HTMLEscapeString(tr(lang, key)))
}

func (s *Server) fault(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.Log.Error("customer page: "+what, "err", err)
	s.refuse(w, r, http.StatusInternalServerError, "fr", "err.fault")
}

// lang is fr or en.
func lang(l string) string {
	if strings.HasPrefix(strings.ToLower(l), "en") {
		return "en"
	}
	return "fr"
}

// clientAddr is the request's client address (the proxy's first
// X-Forwarded-For hop is not trusted: the connection's address is used).
func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

// limiter counts requests per client address over a minute.
type limiter struct {
	mu   sync.Mutex
	hits map[string][]time.Time
}

func (l *limiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hits) > 10000 {
		l.hits = map[string][]time.Time{}
	}
	cut := now.Add(-time.Minute)
	h := l.hits[addr]
	i := 0
	for i < len(h) && h[i].Before(cut) {
		i++
	}
	h = h[i:]
	if len(h) >= RequestsPerMinute {
		l.hits[addr] = h
		return false
	}
	l.hits[addr] = append(h, now)
	return true
}
