package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// paymentMethods are the methods the form offers (stored in French, as
// the accounting exports write them).
var paymentMethods = []struct{ Value, Key string }{
	{"virement", "pay.m.transfer"}, {"chèque", "pay.m.cheque"}, {"carte", "pay.m.card"},
	{"prélèvement", "pay.m.debit"}, {"espèces", "pay.m.cash"},
}

// PaymentMethods lists the methods of the payment form, for templates.
func (p *page) PaymentMethods() []struct{ Value, Key string } { return paymentMethods }

// Today is the page's date (YYYY-MM-DD), the payment form's default.
func (p *page) Today() string { return calendar.Of(time.Now()).String() }

// paymentRefusal says a payment refusal in lang: its code from the message
// catalogs (dunning.PaymentError.Problem).
func paymentRefusal(lang string, err error) string {
	var pe *dunning.PaymentError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	return pe.Problem().In(lang)
}

// formAmount reads the form's amount with the check of every payment
// entry (dunning.ParseAmount); a decimal comma is taken for a point, so
// "1250,50" is 1250.50 while "1,250" stays refused (three decimals).
func formAmount(v string) (string, error) {
	given := strings.TrimSpace(v)
	v = given
	if strings.Count(v, ",") == 1 && !strings.Contains(v, ".") {
		v = strings.Replace(v, ",", ".", 1)
	}
	d, err := dunning.ParseAmount(v)
	var pe *dunning.PaymentError
	if errors.As(err, &pe) && len(pe.Params) > 0 {
		pe.Params[0] = given // the refusal names what the user typed
	}
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// recordPayment is "Enregistrer un règlement" on the invoice page (the
// invoice in the path) and on the customer record (the invoice chosen in
// the form, or the customer's account): the payment goes through the one
// payment path (actions.Ops.Pay: ledger, then every workflow it reached),
// with the same checks as the webhook and the CLI. The form's key makes a
// second submit of the same form count once.
func (s *Server) recordPayment(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	lang := ses.lang()
	number, code := r.PathValue("number"), r.PathValue("code")
	to := back(r, "/c/"+co.Code+"/relances")
	if number == "" {
		number = r.PostFormValue("invoice")
		to = back(r, s.customerRecordURL(co.Code, code))
	}
	target := co.Code + "/" + number
	if number == "" {
		target = co.Code + "/customer/" + code
	}
	if !s.allow(w, r, ses, store.RoleOperator, "pay", target) {
		return
	}
	refuse := func(text string) {
		s.audit(r, ses.User, "pay", target, store.AuditRefused, text)
		s.done(w, r, ses, to, flash{Error: true, Text: text})
	}
	text, err := formAmount(r.PostFormValue("amount"))
	if err != nil {
		refuse(tr(lang, "pay.refused", paymentRefusal(lang, err)))
		return
	}
	today := calendar.Of(s.o.Now())
	paid := today
	if v := strings.TrimSpace(r.PostFormValue("paidOn")); v != "" {
		if paid, err = parseDay(v); err != nil || paid.After(today.AddDays(1)) || paid.Year < 1900 {
			refuse(tr(lang, "pay.date", v))
			return
		}
	}
	ref := strings.TrimSpace(r.PostFormValue("reference"))
	method := strings.TrimSpace(r.PostFormValue("method"))
	for _, f := range []struct{ name, v string }{{"reference", ref}, {"method", method}} {
		if err := dunning.CheckText(f.name, f.v, dunning.MaxFieldLength); err != nil {
			refuse(tr(lang, "pay.refused", paymentRefusal(lang, err)))
			return
		}
	}
	if ref == "" {
		ref = "web-" + r.PostFormValue("key") // one form, one payment
	}
	amount, _ := money.Parse(text) // already checked
	if number == "" {
		if r.PostFormValue("invoice") != "" || r.PostFormValue("onAccount") == "" {
			refuse(tr(lang, "pay.noInvoice"))
			return
		}
		s.recordOnAccount(w, r, ses, co, code, store.OnAccount{Reference: ref, Customer: code, Amount: amount, Currency: "EUR",
			PaidOn: paid, Method: method, Source: store.UnappliedWeb}, to, target)
		return
	}
	p := dunning.Payment{ExternalID: ref, Amount: amount, PaidOn: paid, Method: method, Source: "web"}
	out, err := s.o.Ops.Pay(r.Context(), co.Code, number, p)
	var conflict *store.PaymentConflict
	var pe *dunning.PaymentError
	switch {
	case errors.Is(err, store.ErrNotFound):
		refuse(tr(lang, "err.invoice", number, co.Code))
		return
	case errors.As(err, &conflict):
		refuse(tr(lang, "pay.conflict", ref))
		return
	case errors.As(err, &pe):
		refuse(tr(lang, "pay.refused", paymentRefusal(lang, err)))
		return
	case err != nil && store.Permanent(err):
		refuse(tr(lang, "pay.ledger"))
		return
	case errors.Is(err, actions.ErrNotTold):
		s.audit(r, ses.User, "pay", target, store.AuditOK, fmt.Sprintf("%s %s, workflows not all told", ref, text))
		s.done(w, r, ses, to, flash{Text: tr(lang, "pay.notTold")})
		return
	case err != nil:
		s.fault(w, r, "record payment", err)
		return
	}
	s.audit(r, ses.User, "pay", target, store.AuditOK, fmt.Sprintf("%s %s", ref, text))
	cur := "EUR"
	msg := tr(lang, "pay.done", formatMoney(lang, amount, cur), number, formatMoney(lang, out.Result.Balance, cur))
	switch {
	case out.Result.Duplicate:
		msg = tr(lang, "pay.duplicate", ref)
	case out.Result.Overpaid.IsPositive():
		msg = tr(lang, "pay.done.over", formatMoney(lang, amount, cur), number, formatMoney(lang, out.Result.Balance, cur), formatMoney(lang, out.Result.Overpaid, cur))
	}
	s.done(w, r, ses, to, flash{Text: msg})
}

// recordOnAccount records a payment on the customer's account (not
// applied to an invoice): the letters deduct it.
func (s *Server) recordOnAccount(w http.ResponseWriter, r *http.Request, ses *session, co store.Company, code string, p store.OnAccount, to, target string) {
	lang := ses.lang()
	if err := dunning.CheckAmount(p.Amount); err != nil {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "pay.refused", paymentRefusal(lang, err))})
		return
	}
	_, err := s.o.Store.UpsertOnAccount(r.Context(), co.ID, p)
	switch {
	case errors.Is(err, store.ErrInvalid):
		s.audit(r, ses.User, "pay", target, store.AuditRefused, err.Error())
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.customer", code, co.Code)})
	case err != nil:
		s.fault(w, r, "record payment on account", err)
	default:
		s.audit(r, ses.User, "pay", target, store.AuditOK, "on account "+p.Reference+" "+p.Amount.StringFixed(2))
		s.done(w, r, ses, to, flash{Text: tr(lang, "pay.onAccountOK", formatMoney(lang, p.Amount, p.Currency), code)})
	}
}
