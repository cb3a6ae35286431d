package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/mail"
)

// SendStatement sends the customer's statement of the day: one letter
// (one e-mail, one PDF) listing every open item of the customer as the
// ledger holds it now: overdue invoices and instalments with their level
// and days late, items not yet due for information, credit notes and
// unapplied payments deducted, the balance really owed, and fees only on
// the rows whose level claims them. req.Items are the letters the invoice
// workflows decided on: they give those rows their new level, and the
// letter's level (subject, model) is the highest among the rows.
//
// When nothing is owed once credit notes and unapplied payments are
// counted, no letter goes out and every item is answered
// LetterNothingOwed. The sending protocol is SendCustomerLetter's
// (exactly once, keyed by req.Key).
func (a *Activities) SendStatement(ctx context.Context, req CustomerLetterRequest) ([]ItemResult, error) {
	if len(req.Items) == 0 {
		return nil, nil
	}
	items, results, err := a.itemsToSend(ctx, req.Key, req.Items)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return results, nil
	}
	b, err := buildStatement(ctx, a.Store, req.Key, req.Date, items)
	if errors.Is(err, errNothingOwed) {
		for _, it := range items {
			results = append(results, ItemResult{Item: it, Status: LetterNothingOwed, Detail: strings.TrimPrefix(err.Error(), errNothingOwed.Error()+": ")})
		}
		return results, nil
	}
	if err != nil {
		return nil, err
	}
	subj, data, content, top, warning := b.subj, b.data, b.content, b.top, b.warning
	if data, content, err = a.withPortalLink(ctx, subj.Company.ID, subj.Customer.ID, data, content); err != nil {
		return nil, err
	}
	if warning != "" {
		a.Log.Warn("statement without penalties", "letter", req.Key, "reason", warning)
	}
	pdf, rendered, err := renderSafely(data, content)
	if err != nil {
		return nil, err
	}
	if rendered != "" {
		a.Log.Warn("statement printed with changes", "letter", req.Key, "changes", rendered)
	}
	cust := subj.Customer
	channel := channelFor(top.Channel, cust)
	keys := make([]store.LetterKey, len(items))
	for i, it := range items {
		keys[i] = itemKey(it)
	}
	id, status, saved, err := a.Store.SaveCustomerLetter(ctx, store.NewCustomerLetter{
		Key: req.Key, CustomerID: cust.ID, Channel: channel, Recipients: cust.Emails, Subject: content.Subject, PDF: pdf, Items: keys,
		Warnings: rendered,
	})
	if err != nil {
		return nil, err
	}
	msg := mail.Message{
		From: subj.Company.SenderEmail, To: cust.Emails, Subject: content.Subject, Text: content.Text, HTML: content.HTML,
		Attachments: []mail.Attachment{{
			Filename: fmt.Sprintf("%s-%s-%s.pdf", top.Code, req.Customer, req.Date), ContentType: "application/pdf", Data: pdf,
		}},
		Headers: map[string]string{"X-Relance-Letter": data.Reference},
	}
	if err := a.asCompany(ctx, &msg, subj.Company, cust.ID, id, true, data); err != nil {
		return nil, err
	}
	attached := map[int64]bool{}
	for _, it := range items {
		if attached[it.InvoiceID] {
			continue
		}
		attached[it.InvoiceID] = true
		if s, err := a.Store.LetterSubjectOf(ctx, it.InvoiceID); err == nil {
			msg.Attachments = append(msg.Attachments, a.invoiceAttachment(s.Invoice)...)
		}
	}
	final, err := a.deliver(ctx, "statement "+req.Key, status, channel, msg, a.customerLetterProtocol(id))
	if err != nil {
		return nil, err
	}
	sentAt := time.Now()
	note := fmt.Sprintf(" (statement of %s: %d row(s), %s owed)", req.Customer, len(data.Lines), money.Format(data.Total(), data.Currency))
	if warning != "" {
		note += "; " + warning
	}
	note = withRenderWarnings(note, rendered)
	for i, it := range items {
		st := final
		if saved[i].Elsewhere {
			st = saved[i].Status
		}
		r := resultOf(st, LetterRequest{Level: it.Level, Sequence: it.Sequence}, subj)
		results = append(results, ItemResult{Item: it, Status: st, Detail: r.Detail + note, SentAt: sentAt})
	}
	return results, nil
}

// errNothingOwed: once credit notes and unapplied payments are counted
// the customer owes nothing, so no statement goes out.
var errNothingOwed = errors.New("nothing owed")

// builtStatement is a statement ready to render.
type builtStatement struct {
	subj    store.LetterSubject
	data    letter.Data
	content letter.Content
	top     ladder.Level // the letter's level: the highest among its rows
	warning string       // penalties left out (a missing ECB rate)
}

// buildStatement builds the statement of items' customer on date from the
// ledger (rows, fees, text), as SendStatement sends it and the previews
// show it, reading the database and writing nothing. key is the letter's
// key (its reference is drawn from it). An error wrapping errNothingOwed
// says why no letter would go out.
func buildStatement(ctx context.Context, st *store.Store, key string, date calendar.Date, items []LetterItem) (builtStatement, error) {
	subj, err := st.LetterSubjectOf(ctx, items[0].InvoiceID)
	if err != nil {
		return builtStatement{}, nonRetryableIfNotFound(err)
	}
	lad, err := st.Ladder(ctx, subj.Company.ID)
	if err != nil {
		return builtStatement{}, err
	}
	stmt, err := st.StatementOf(ctx, subj.Customer.ID, subj.Invoice.Currency)
	if err != nil {
		return builtStatement{}, err
	}
	data, top := statementData(subj, stmt, items, lad, date)
	data.Reference = letterReference(subj.Customer.Code, date, top.Code, key)
	if owed := data.Total(); !owed.IsPositive() {
		return builtStatement{}, fmt.Errorf("%w: no letter: %s owes nothing once credit notes and unapplied payments are counted (balance %s)",
			errNothingOwed, subj.Customer.Code, money.Format(owed, data.Currency))
	}
	data, warning, err := addFees(ctx, st, data)
	if err != nil {
		return builtStatement{}, err
	}
	content, err := composeText(ctx, st, subj.Company.ID, data)
	if err != nil {
		return builtStatement{}, classify(fmt.Errorf("compose statement %s: %w", key, err))
	}
	return builtStatement{subj: subj, data: data, content: content, top: top, warning: warning}, nil
}

// BuildStatement makes the statement the customer of invoice invoiceID
// would receive on date if that invoice's letter of level lv (the seq-th
// of that level) went out in it: every open item of the customer read from
// the ledger, as SendStatement builds it, neither sent nor recorded
// (`starter preview`, the proposal's preview). It returns an error when
// the customer owes nothing once credit notes and unapplied payments are
// counted (no letter would go out).
func BuildStatement(ctx context.Context, st *store.Store, invoiceID int64, lv ladder.Level, date calendar.Date, seq int) (letter.Data, letter.Content, error) {
	subj, err := st.LetterSubjectOf(ctx, invoiceID)
	if err != nil {
		return letter.Data{}, letter.Content{}, err
	}
	lad, err := st.Ladder(ctx, subj.Company.ID)
	if err != nil {
		return letter.Data{}, letter.Content{}, err
	}
	position := 0
	for i, l := range lad {
		if l.Code == lv.Code {
			position = i
		}
	}
	item := LetterItem{InvoiceID: invoiceID, Invoice: subj.Invoice.Number, Level: lv, Position: position, Sequence: seq}
	key := fmt.Sprintf("preview/%s/%s/%s", subj.Company.Code, subj.Customer.Code, date)
	b, err := buildStatement(ctx, st, key, date, []LetterItem{item})
	if err != nil {
		return letter.Data{}, letter.Content{}, err
	}
	return b.data, b.content, nil
}

func itemKey(it LetterItem) store.LetterKey {
	return store.LetterKey{InvoiceID: it.InvoiceID, Level: it.Level.Code, Sequence: it.Sequence, Instalment: it.Instalment}
}

// statementData builds the statement's rows from the ledger (see
// SendStatement) and returns it with the letter's level: the highest among
// its rows.
func statementData(subj store.LetterSubject, stmt store.Statement, items []LetterItem, lad ladder.Ladder, date calendar.Date) (letter.Data, ladder.Level) {
	position := func(code string) int {
		for i, lv := range lad {
			if lv.Code == code {
				return i
			}
		}
		return -1
	}
	handed := map[[2]int64]LetterItem{}
	topPos := -1
	for _, it := range items {
		handed[[2]int64{it.InvoiceID, int64(it.Instalment)}] = it
		topPos = max(topPos, position(it.Level.Code))
	}
	english := strings.HasPrefix(subj.Customer.Language, "en")
	var lines []letter.Line
	for _, r := range stmt.Items {
		if r.Held != "" {
			continue // disputed or not to be reminded: not claimed
		}
		l := letter.Line{
			Number: r.Number, IssueDate: r.IssueDate, DueDate: r.DueDate, Amount: r.Amount, Balance: r.Balance,
			Instalment: r.Instalment,
		}
		if r.Instalment > 0 {
			if english {
				l.Number = fmt.Sprintf("%s (inst. %d)", r.Number, r.Instalment)
			} else {
				l.Number = fmt.Sprintf("%s (éch. %d)", r.Number, r.Instalment)
			}
		}
		switch {
		case r.Kind == "credit_note" || r.Balance.IsNegative():
			l.Kind = letter.LineCreditNote
		case r.DueDate.IsZero() || !date.After(r.DueDate):
			l.NotDue = true
			l.Level = "à échoir"
			if english {
				l.Level = "not due"
			}
		default:
			l.DaysOverdue = date.DaysSince(r.DueDate)
			l.Level = r.Level
			if it, ok := handed[[2]int64{r.InvoiceID, int64(r.Instalment)}]; ok {
				l.Level = it.Level.Code
			}
			if l.Level == ladder.None || l.Level == ladder.Unresolved {
				l.Level = ""
			}
			if p := position(l.Level); p >= 0 {
				topPos = max(topPos, p)
				l.ClaimsFees = levelClaimsFees(lad[p])
			}
		}
		lines = append(lines, l)
	}
	if stmt.Unapplied.IsPositive() {
		label := "Trop-perçu" // paid beyond the invoices: unapplied
		if english {
			label = "Overpayment"
		}
		neg := stmt.Unapplied.Neg()
		lines = append(lines, letter.Line{Number: label, Kind: letter.LinePayment, Amount: neg, Balance: neg})
	}
	top := items[0].Level
	if topPos >= 0 && topPos < len(lad) {
		top = lad[topPos]
	}
	data := letterData(subj, LetterRequest{Level: top, Date: date})
	data.Lines = lines
	if data.Currency == "" {
		data.Currency = "EUR"
	}
	return data, top
}

// letterReference is the reference printed on a customer letter, sent as
// its X-Relance-Letter header and asked for with the payment: customer,
// date and level, then six characters drawn from the letter's key, so two
// letters never share one and a retry of the same letter keeps it.
func letterReference(customer string, date calendar.Date, level, key string) string {
	sum := sha256.Sum256([]byte(key))
	return fmt.Sprintf("%s-%s-%s-%s", customer, strings.ReplaceAll(date.String(), "-", ""), level, strings.ToUpper(hex.EncodeToString(sum[:3])))
}
