package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

func init() {
	pageNames = append(pageNames, "bank")
}

// bankRoutes adds the Rapprochement screen: the day's statement upload,
// the bank transactions waiting for a person, and the decisions on them.
func (s *Server) bankRoutes(pages *http.ServeMux) {
	pages.Handle("GET /c/{company}/bank", s.authed(s.bankPage))
	pages.Handle("POST /c/{company}/bank/upload", s.authed(s.bankUpload))
	pages.Handle("POST /c/{company}/bank/{id}/{decision}", s.authed(s.bankDecide))
}

// bankAlloc is one line of a suggestion: an invoice and its part, or the
// customer's account.
type bankAlloc struct {
	Number    string
	Amount    decimal.Decimal
	OnAccount bool
}

// bankSuggestion is a ranked suggestion as the screen shows it.
type bankSuggestion struct {
	Index        int
	CustomerCode string
	CustomerName string
	Score        int
	Why          []string
	Allocs       []bankAlloc
}

// splitLine is one open invoice of the split form.
type splitLine struct {
	Number  string
	Due     string
	Balance decimal.Decimal
	Amount  string
}

// bankRow is one transaction on the screen.
type bankRow struct {
	T           bank.Transaction
	Reasons     []string
	Suggestions []bankSuggestion
	Allocations []bank.AllocationRow
	// SplitCode is the customer of the split form (the best suggestion's,
	// or the one asked for); SplitLines its open invoices.
	SplitCode  string
	SplitName  string
	SplitLines []splitLine
	// Credits are the credits a return may take back (same amount).
	Credits []bank.Transaction
}

type bankData struct {
	Tab    string
	Counts map[string]int
	Rows   []bankRow
	Tabs   []string
	Open   int64 // the transaction whose split form is open
}

var bankTabs = []string{bank.StatusException, bank.StatusMatched, bank.StatusReversal, bank.StatusIgnored, bank.StatusDebit, ""}

func (s *Server) bankURL(company string) string {
	return "/c/" + url.PathEscape(company) + "/bank"
}

// bankPage is the Rapprochement screen.
func (s *Server) bankPage(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	ctx := r.Context()
	l := bank.NewLedger(s.o.Store)
	d := bankData{Tab: r.URL.Query().Get("tab"), Tabs: bankTabs}
	if r.URL.Query().Get("tab") == "" && r.URL.Query().Get("all") == "" {
		d.Tab = bank.StatusException
	}
	d.Open, _ = strconv.ParseInt(r.URL.Query().Get("split"), 10, 64)
	var err error
	if d.Counts, err = l.Counts(ctx, co.Code); err != nil {
		s.fault(w, r, "bank counts", err)
		return
	}
	txs, err := l.List(ctx, co.Code, d.Tab, 300)
	if err != nil {
		s.fault(w, r, "bank transactions", err)
		return
	}
	names := map[int64][2]string{}
	customerName := func(id int64) [2]string {
		if n, ok := names[id]; ok {
			return n
		}
		var n [2]string
		_ = s.o.Store.Pool.QueryRow(ctx, `SELECT code, name FROM customers WHERE id = $1`, id).Scan(&n[0], &n[1])
		names[id] = n
		return n
	}
	for _, t := range txs {
		row := bankRow{T: t, Reasons: strings.Split(t.Reason, ",")}
		for i, sg := range t.Suggestions {
			n := customerName(sg.CustomerID)
			bs := bankSuggestion{Index: i, CustomerCode: n[0], CustomerName: n[1], Score: sg.Score, Why: sg.Why}
			for _, a := range sg.Allocations {
				bs.Allocs = append(bs.Allocs, bankAlloc{Number: a.Number, Amount: a.Amount, OnAccount: a.InvoiceID == 0})
			}
			row.Suggestions = append(row.Suggestions, bs)
		}
		if t.Status != bank.StatusException {
			if row.Allocations, err = l.Allocations(ctx, t.ID); err != nil {
				s.fault(w, r, "bank allocations", err)
				return
			}
		} else if t.Amount.IsNegative() {
			if row.Credits, err = s.returnable(ctx, l, co.Code, t); err != nil {
				s.fault(w, r, "bank credits", err)
				return
			}
		} else {
			code := ""
			if d.Open == t.ID {
				code = strings.TrimSpace(r.URL.Query().Get("customer"))
			}
			if code == "" && len(row.Suggestions) > 0 {
				code = row.Suggestions[0].CustomerCode
			}
			if code != "" {
				if err := s.splitForm(ctx, co.Code, code, &row); err != nil {
					s.fault(w, r, "bank split", err)
					return
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, ses, co, "bank", tr(ses.lang(), "bank.title"), d)
	s.render(w, r, http.StatusOK, "bank", p)
}

// splitForm fills row's split form with customer code's open invoices,
// each prefilled with the best suggestion's part.
func (s *Server) splitForm(ctx context.Context, company, code string, row *bankRow) error {
	c, err := s.o.Store.CustomerByCode(ctx, company, code)
	if errors.Is(err, store.ErrNotFound) {
		row.SplitCode = code
		return nil
	}
	if err != nil {
		return err
	}
	row.SplitCode, row.SplitName = c.Code, c.Name
	items, err := s.o.Store.ListInvoices(ctx, store.InvoiceFilter{Company: company, Customer: code, Now: s.o.Now(), Limit: 200})
	if err != nil {
		return err
	}
	given := map[string]decimal.Decimal{}
	for _, sg := range row.Suggestions {
		if sg.CustomerCode == code {
			for _, a := range sg.Allocs {
				given[a.Number] = a.Amount
			}
			break
		}
	}
	for _, it := range items {
		if it.Kind == "credit_note" || it.Closed || !it.Balance.IsPositive() {
			continue
		}
		line := splitLine{Number: it.Number, Due: formatDate(langFR, it.DueDate), Balance: it.Balance}
		if v, ok := given[it.Number]; ok {
			line.Amount = v.StringFixed(2)
		}
		row.SplitLines = append(row.SplitLines, line)
	}
	return nil
}

// returnable lists the credits a return of t's amount may take back.
func (s *Server) returnable(ctx context.Context, l *bank.Ledger, company string, t bank.Transaction) ([]bank.Transaction, error) {
	all, err := l.List(ctx, company, "", 1000)
	if err != nil {
		return nil, err
	}
	var out []bank.Transaction
	for _, c := range all {
		if c.Amount.Equal(t.Amount.Neg()) && c.Status != bank.StatusReversed && !c.BookingDate.After(t.BookingDate) {
			out = append(out, c)
		}
	}
	return out, nil
}

// bankUpload imports the day's statement file sent from the screen.
func (s *Server) bankUpload(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	if !s.allow(w, r, ses, store.RoleOperator, "bank-upload", co.Code+"/bank") {
		return
	}
	lang := ses.lang()
	to := s.bankURL(co.Code)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "bank.upload.none")})
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, bank.MaxFileSize+1))
	f.Close()
	if err != nil || len(data) > bank.MaxFileSize {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "bank.upload.bad", "too large or unreadable")})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
	defer cancel()
	rep, err := s.o.Ops.ImportStatement(ctx, data, bank.ImportOptions{Company: co.Code, FileName: hdr.Filename, Channel: "web", Actor: ses.User.Name})
	detail := fmt.Sprintf("%s %s: %d new, %d known, %d rejected, %d matched, %d exceptions", hdr.Filename, rep.Format, rep.New, rep.Known, rep.Rejected, rep.Matched, rep.Exceptions)
	switch {
	case errors.Is(err, bank.ErrFormat) || errors.Is(err, bank.ErrNothing):
		s.audit(r, ses.User, "bank-upload", co.Code+"/bank", store.AuditRefused, detail)
		msg := flash{Error: true, Text: tr(lang, "bank.upload.bad", err.Error())}
		for _, p := range rep.Problems {
			msg.Lines = append(msg.Lines, p.String())
		}
		s.done(w, r, ses, to, msg)
		return
	case err != nil:
		s.audit(r, ses.User, "bank-upload", co.Code+"/bank", store.AuditError, detail)
		s.fault(w, r, "bank import", err)
		return
	}
	s.audit(r, ses.User, "bank-upload", co.Code+"/bank", store.AuditOK, detail)
	msg := flash{Text: tr(lang, "bank.upload.done", hdr.Filename, rep.New, rep.Known, rep.Rejected, rep.Matched, rep.Exceptions, rep.Reversals)}
	for _, p := range rep.Problems {
		msg.Lines = append(msg.Lines, tr(lang, "bank.upload.rejected", p.String()))
	}
	for _, f := range rep.Failed {
		msg.Lines = append(msg.Lines, f)
	}
	s.done(w, r, ses, to, msg)
}

// bankDecide applies a decision by hand on a transaction waiting on the
// screen: accept a suggestion, split across invoices, put on a customer's
// account, not a customer payment, or the credit a return takes back.
func (s *Server) bankDecide(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	decision := r.PathValue("decision")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	target := fmt.Sprintf("%s/bank/%s", co.Code, r.PathValue("id"))
	if !s.allow(w, r, ses, store.RoleOperator, "bank-"+decision, target) {
		return
	}
	lang := ses.lang()
	to := back(r, s.bankURL(co.Code))
	if err != nil {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.form")})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Minute)
	defer cancel()
	l := bank.NewLedger(s.o.Store)
	t, err := l.Transaction(ctx, co.Code, id)
	if errors.Is(err, store.ErrNotFound) {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "bank.unknown", id)})
		return
	}
	if err != nil {
		s.fault(w, r, "bank transaction", err)
		return
	}
	customer := strings.TrimSpace(r.PostFormValue("customer"))
	var ok2 string
	switch decision {
	case "accept":
		i, _ := strconv.Atoi(r.PostFormValue("suggestion"))
		if i < 0 || i >= len(t.Suggestions) {
			err = fmt.Errorf("%w: no suggestion %d", actions.ErrBankDecision, i)
			break
		}
		sg := t.Suggestions[i]
		var code string
		_ = s.o.Store.Pool.QueryRow(ctx, `SELECT code FROM customers WHERE id = $1`, sg.CustomerID).Scan(&code)
		parts := map[string]decimal.Decimal{}
		for _, a := range sg.Allocations {
			if a.InvoiceID != 0 {
				parts[a.Number] = a.Amount
			}
		}
		customer = code
		err = s.o.Ops.BankAllocate(ctx, co.Code, id, code, parts, ses.User.Name)
		ok2 = "bank.done.accept"
	case "split":
		parts := map[string]decimal.Decimal{}
		for _, n := range r.PostForm["number"] {
			v := strings.TrimSpace(r.PostFormValue("amount_" + n))
			if v == "" {
				continue
			}
			amt, perr := money.ParsePositive(strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), money.NarrowNBSP, ""))
			if perr != nil {
				err = fmt.Errorf("%w: %s: %v", actions.ErrBankDecision, n, perr)
				break
			}
			parts[n] = amt
		}
		if err == nil {
			err = s.o.Ops.BankAllocate(ctx, co.Code, id, customer, parts, ses.User.Name)
		}
		ok2 = "bank.done.split"
	case "on-account":
		err = s.o.Ops.BankOnAccount(ctx, co.Code, id, customer, ses.User.Name)
		ok2 = "bank.done.account"
	case "ignore":
		err = s.o.Ops.BankIgnore(ctx, co.Code, id, ses.User.Name)
		ok2 = "bank.done.ignore"
	case "reverse":
		orig, _ := strconv.ParseInt(r.PostFormValue("credit"), 10, 64)
		err = s.o.Ops.BankReverse(ctx, co.Code, id, orig, ses.User.Name)
		ok2 = "bank.done.reverse"
	default:
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.notfound"))
		return
	}
	detail := fmt.Sprintf("%s %s customer %s", decision, t.Amount.StringFixed(2), customer)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, "bank-"+decision, target, store.AuditRefused, detail+": unknown customer")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "bank.refused", tr(lang, "bank.nocustomer", customer))})
	case errors.Is(err, actions.ErrBankDecision) || errors.Is(err, bank.ErrDecided) || errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, "bank-"+decision, target, store.AuditRefused, detail+": "+err.Error())
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "bank.refused", err.Error())})
	case err != nil:
		s.audit(r, ses.User, "bank-"+decision, target, store.AuditError, detail)
		s.fault(w, r, "bank decision", err)
	default:
		s.audit(r, ses.User, "bank-"+decision, target, store.AuditOK, detail)
		s.done(w, r, ses, to, flash{Text: tr(lang, ok2, formatMoney(lang, t.Amount, t.Currency), customer)})
	}
}
