package activities

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/courtesy"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
)

// DefaultCourtesyCadenceDays is the cadence a courtesy reminder respects
// while the company has no cadence setting of its own: no courtesy
// reminder to a customer who got a letter in the last 7 days.
const DefaultCourtesyCadenceDays = 7

// ThanksWindow is how long after the payment that settled it an invoice
// may still be thanked for (the thank-you waits for the end of the
// cadence period after the customer's last letter).
const ThanksWindow = 14 * 24 * time.Hour

// courtesyCadenceDays is the cadence of company's courtesy mails: days,
// when given, else the company's cadence setting (docs/customer-side.md
// "Cadence"), else DefaultCourtesyCadenceDays. Courtesy mails keep real
// days even for a demonstration company.
func (a *Activities) courtesyCadenceDays(ctx context.Context, company string, days int) (int, error) {
	if days > 0 {
		return days, nil
	}
	set, err := a.Store.CompanyCadence(ctx, company)
	if err != nil {
		return 0, nonRetryableIfNotFound(err)
	}
	if set != nil {
		return max(*set, 1), nil
	}
	return DefaultCourtesyCadenceDays, nil
}

// customerCourtesyCadence is the cadence a courtesy reminder to customer
// respects: days, when given, else the customer's own period (its
// override, else its company's), at least one day.
func (a *Activities) customerCourtesyCadence(ctx context.Context, company, customer string, days int) (int, error) {
	if days > 0 {
		return days, nil
	}
	cad, err := a.Store.CustomerCadence(ctx, company, customer)
	if err != nil {
		return 0, nonRetryableIfNotFound(err)
	}
	if !cad.Override && !cad.CompanySet {
		return DefaultCourtesyCadenceDays, nil
	}
	return max(cad.Days, 1), nil
}

// PlanCourtesy lists the courtesy mails of a company's day: one courtesy
// reminder per customer naming its invoices falling due within the
// company's courtesy days (not yet named by one), and one thank-you per
// customer naming its reminded invoices paid since ThanksWindow. Nothing
// when the company turned them off.
func (a *Activities) PlanCourtesy(ctx context.Context, req wire.CourtesyPlanRequest) (wire.CourtesyPlan, error) {
	c, err := a.Store.CompanyByCode(ctx, req.Company)
	if err != nil {
		return wire.CourtesyPlan{}, nonRetryableIfNotFound(err)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return wire.CourtesyPlan{}, badLetter(fmt.Errorf("company %s time zone %q: %w", c.Code, c.TimeZone, err))
	}
	cadence, err := a.courtesyCadenceDays(ctx, c.Code, req.CadenceDays)
	if err != nil {
		return wire.CourtesyPlan{}, err
	}
	plan := wire.CourtesyPlan{Day: ladder.Clock{Location: loc}.Today(req.At), CadenceDays: cadence}
	set, err := a.Store.CourtesySettingsOf(ctx, c.Code)
	if err != nil {
		return plan, nonRetryableIfNotFound(err)
	}
	before, err := a.Store.CourtesyBeforeDue(ctx, c.Code, plan.Day, set.Days)
	if err != nil {
		return plan, err
	}
	for _, g := range before {
		plan.Mails = append(plan.Mails, wire.CourtesyMailPlan{Kind: courtesy.Before, CustomerID: g.CustomerID, InvoiceIDs: g.InvoiceIDs})
	}
	if set.Thanks {
		cadenceStart := req.At.Add(-time.Duration(plan.CadenceDays) * 24 * time.Hour)
		paid, err := a.Store.CourtesyPaid(ctx, c.Code, req.At.Add(-ThanksWindow), cadenceStart)
		if err != nil {
			return plan, err
		}
		for _, g := range paid {
			plan.Mails = append(plan.Mails, wire.CourtesyMailPlan{Kind: courtesy.Thanks, CustomerID: g.CustomerID, InvoiceIDs: g.InvoiceIDs})
		}
	}
	return plan, nil
}

// courtesyKey is the ledger key of a courtesy mail.
func courtesyKey(company string, m wire.CourtesyMailPlan, day calendar.Date) string {
	return fmt.Sprintf("%s/%s/%d/%s", m.Kind, company, m.CustomerID, day)
}

// SendCourtesy sends one courtesy mail exactly once: it is recorded with
// its key and invoices first (an invoice is in at most one mail of each
// kind), its invoices are read again (still owed and not held for a
// reminder, paid for a thank-you), and a courtesy reminder to a customer
// who got a letter within the cadence period is skipped, the reason
// recorded. Then it is claimed and sent as letters are (deliver): a retry
// after it was claimed never sends it again.
func (a *Activities) SendCourtesy(ctx context.Context, req wire.CourtesyRequest) (wire.CourtesyResult, error) {
	m := req.Mail
	if m.Kind != courtesy.Before && m.Kind != courtesy.Thanks {
		return wire.CourtesyResult{}, badLetter(fmt.Errorf("courtesy mail kind %q", m.Kind))
	}
	co, err := a.Store.CompanyByCode(ctx, req.Company)
	if err != nil {
		return wire.CourtesyResult{}, nonRetryableIfNotFound(err)
	}
	key := courtesyKey(co.Code, m, req.Day)
	saved, err := a.Store.SaveCourtesyMail(ctx, key, co.ID, m.CustomerID, m.Kind, m.InvoiceIDs)
	if err != nil {
		return wire.CourtesyResult{}, nonRetryableIfNotFound(err)
	}
	res := wire.CourtesyResult{Invoices: len(saved.InvoiceIDs)}
	switch saved.Status {
	case store.LetterSent:
		res.Status = wire.CourtesySent
		return res, nil
	case store.CourtesySkipped:
		res.Status, res.Reason = wire.CourtesySkipped, saved.Reason
		return res, nil
	case store.LetterUncertain:
		res.Status = wire.CourtesyUncertain
		return res, nil
	}
	skip := func(why messages.Problem) (wire.CourtesyResult, error) {
		reason := why.Error()
		if saved.Status == store.LetterSending {
			// claimed by an attempt that never finished: deliver calls it uncertain
			return a.sendCourtesy(ctx, key, saved, mail.Message{}, res)
		}
		if err := a.Store.SkipCourtesyMail(ctx, saved.ID, why); err != nil {
			return res, err
		}
		res.Status, res.Reason = wire.CourtesySkipped, reason
		a.logFor(ctx).Info("courtesy mail skipped", "mail", key, "reason", reason)
		return res, nil
	}
	if len(saved.InvoiceIDs) == 0 {
		return skip(store.CourtesyNamed.With())
	}
	invs, err := a.Store.CourtesyInvoices(ctx, m.CustomerID, saved.InvoiceIDs, req.Day)
	if err != nil {
		return res, err
	}
	var keep []store.CourtesyInvoice
	for _, inv := range invs {
		switch {
		case m.Kind == courtesy.Before && (inv.Held || inv.Closed || !inv.Balance.IsPositive() || !inv.DueDate.After(req.Day)):
		case m.Kind == courtesy.Thanks && inv.Balance.IsPositive():
		default:
			keep = append(keep, inv)
		}
	}
	if len(keep) == 0 {
		return skip(store.CourtesyGone.With())
	}
	subj, err := a.Store.LetterSubjectOf(ctx, keep[0].ID)
	if err != nil {
		return res, nonRetryableIfNotFound(err)
	}
	cust := subj.Customer
	if m.Kind == courtesy.Before {
		cadence, err := a.customerCourtesyCadence(ctx, co.Code, cust.Code, req.CadenceDays)
		if err != nil {
			return res, err
		}
		if last, ok, err := a.Store.LastLetterSentAt(ctx, cust.ID); err != nil {
			return res, err
		} else if ok && req.Day.UTC().Sub(calendar.Of(last).UTC()) < time.Duration(cadence)*24*time.Hour {
			return skip(store.CourtesyCadence.With(calendar.Of(last), cadence))
		}
	}
	if len(cust.Emails) == 0 || cust.Channel == "print" {
		return skip(store.CourtesyNoEmail.With())
	}
	own, err := a.Store.CourtesyTemplates(ctx, co.ID)
	if err != nil {
		return res, err
	}
	data := a.courtesyData(ctx, co, cust, m.Kind, keep, req.Day)
	tpl := courtesy.Choose(own, m.Kind, cust.Language, cust.Kind)
	out, err := courtesy.Render(tpl, data)
	if err != nil {
		return res, badLetter(fmt.Errorf("courtesy mail %s (template %s): %w", key, tpl.Name(), err))
	}
	msg := mail.Message{
		From: co.SenderEmail, To: cust.Emails, Subject: out.Subject, Text: out.Text, HTML: out.HTML,
		Headers: map[string]string{"X-Relance-Courtesy": key},
	}
	if co.SenderName != "" {
		msg.From = (&netmail.Address{Name: co.SenderName, Address: co.SenderEmail}).String()
	}
	msg.ReplyTo = co.ReplyTo
	res.Invoices = len(keep)
	return a.sendCourtesy(ctx, key, saved, msg, res)
}

// sendCourtesy claims and sends msg through deliver (exactly once).
func (a *Activities) sendCourtesy(ctx context.Context, key string, saved store.CourtesyMail, msg mail.Message, res wire.CourtesyResult) (wire.CourtesyResult, error) {
	status, err := a.deliver(ctx, "courtesy "+key, saved.Status, "email", msg, sendProtocol{
		claim: func(ctx context.Context) (bool, error) {
			return a.Store.ClaimCourtesyMail(ctx, saved.ID, msg.To, msg.Subject)
		},
		mark: func(ctx context.Context, status, messageID, errText string, at time.Time) error {
			return a.Store.MarkCourtesyMail(ctx, saved.ID, status, messageID, errText, at)
		},
	})
	if err != nil {
		return res, err
	}
	switch status {
	case store.LetterSent:
		res.Status = wire.CourtesySent
	case store.LetterUncertain:
		res.Status = wire.CourtesyUncertain
	default:
		return res, errors.New("courtesy mail " + key + " ended " + status)
	}
	return res, nil
}

// courtesyData is what the courtesy template of kind reads.
func (a *Activities) courtesyData(ctx context.Context, co store.Company, cust store.Customer, kind string, invs []store.CourtesyInvoice, day calendar.Date) courtesy.Data {
	english := strings.HasPrefix(strings.ToLower(cust.Language), "en")
	date := func(d calendar.Date) string {
		if english {
			return d.UTC().Format("2 January 2006")
		}
		return d.French()
	}
	sign := co.SignatoryName
	if sign != "" && co.SignatoryTitle != "" {
		sign += ", " + co.SignatoryTitle
	}
	d := courtesy.Data{
		Kind: kind, Language: cust.Language,
		Company:  courtesy.Company{Name: co.LegalName, Email: replyAddress(co), Phone: co.Phone, IBAN: groupIBAN(co.IBAN), BIC: co.BIC, Signatory: sign},
		Customer: courtesy.Customer{Name: cust.Name, Contact: cust.Contact, Business: cust.Kind != "individual"},
	}
	total := decimal.Zero
	currency := ""
	for i, inv := range invs {
		d.Invoices = append(d.Invoices, courtesy.Invoice{Number: inv.Number, IssueDate: date(inv.IssueDate), DueDate: date(inv.DueDate),
			Amount: money.Format(inv.Amount, inv.Currency), Balance: money.Format(inv.Balance, inv.Currency)})
		if kind == courtesy.Thanks {
			total = total.Add(inv.Amount)
		} else {
			total = total.Add(inv.Balance)
		}
		if i == 0 {
			d.DueDate, d.Days, currency = date(inv.DueDate), inv.DueDate.DaysSince(day), inv.Currency
		}
	}
	d.Total = money.Format(total, currency)
	if kind == courtesy.Before && a.Portal != nil {
		if v, err := a.Store.PortalVersion(ctx, cust.ID); err == nil {
			d.PortalURL = a.Portal.URL(cust.ID, v, day.UTC())
		}
	}
	return d
}

// groupIBAN writes an IBAN in groups of four characters.
func groupIBAN(iban string) string {
	s := strings.ReplaceAll(iban, " ", "")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
