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
	"github.com/relance/relance/workflows/wire"
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
// wire.LetterNothingOwed. It is sent exactly once, keyed by req.Key
// (deliver, on a customer letter); an invoice
// letter an earlier statement already covered is reported with that
// letter's status, not sent again.
func (a *Activities) SendStatement(ctx context.Context, req wire.CustomerLetterRequest) ([]wire.ItemResult, error) {
	if len(req.Items) == 0 {
		return nil, nil
	}
	// The round's letter may have gone out already (a workflow task run
	// again after more letters were handed in): it is answered from the
	// ledger, whatever the ledger says now about the balance.
	if left, ok, err := a.Store.RoundLetterLeft(ctx, req.Key, itemKeys(req.Items)); err != nil {
		return nil, err
	} else if ok {
		return a.answerRound(ctx, req, left)
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
			results = append(results, wire.ItemResult{Item: it, Status: wire.LetterNothingOwed, Detail: strings.TrimPrefix(err.Error(), errNothingOwed.Error()+": ")})
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
	saved, err := a.Store.SaveCustomerLetter(ctx, store.NewCustomerLetter{
		Key: req.Key, CustomerID: cust.ID, Channel: channel, Recipients: cust.Emails, Subject: content.Subject, PDF: pdf, Items: itemKeys(items),
		Warnings: rendered, Reference: data.Reference,
	})
	if err != nil {
		return nil, err
	}
	note := fmt.Sprintf(" (statement of %s: %d row(s), %s owed)", req.Customer, len(data.Lines), money.Format(data.Total(), data.Currency))
	if warning != "" {
		note += "; " + warning
	}
	note = withRenderWarnings(note, rendered)
	if saved.Key != req.Key {
		// The round's letter went out with other items meanwhile: nothing
		// is sent, the items are answered from it.
		more, err := a.answerRound(ctx, req, saved)
		return append(results, more...), err
	}
	msg := mail.Message{
		From: subj.Company.SenderEmail, To: cust.Emails, Subject: content.Subject, Text: content.Text, HTML: content.HTML,
		Attachments: []mail.Attachment{{
			Filename: fmt.Sprintf("%s-%s-%s.pdf", top.Code, req.Customer, req.Date), ContentType: "application/pdf", Data: pdf,
		}},
		Headers: map[string]string{"X-Relance-Letter": data.Reference},
		Tags:    map[string]string{mail.TagLetter: data.Reference},
	}
	if err := a.asCompany(ctx, &msg, subj.Company, cust.ID, saved.ID, true, data); err != nil {
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
	final, err := a.deliver(ctx, "statement "+req.Key, saved.Status, channel, msg, a.customerLetterProtocol(saved.ID))
	if err != nil {
		return nil, err
	}
	saved.Status = final
	more, err := a.answerFromLedger(ctx, req, saved, note)
	return append(results, more...), err
}

// answerRound answers req's items from the letter of their round that
// left before this send: a letter left "sending" by an attempt that never
// finished is called uncertain first, as deliver does.
func (a *Activities) answerRound(ctx context.Context, req wire.CustomerLetterRequest, left store.CustomerLetterSaved) ([]wire.ItemResult, error) {
	if left.Status == store.LetterSending {
		st, err := a.deliver(ctx, "statement "+left.Key, left.Status, "", mail.Message{}, a.customerLetterProtocol(left.ID))
		if err != nil {
			return nil, err
		}
		left.Status = st
	}
	return a.answerFromLedger(ctx, req, left, "")
}

// answerFromLedger says what became of each of req's items given the
// customer letter saved of their round, with the times the ledger
// recorded: an item the letter lists has its status (final for the
// letter's own, sent at the letter's recorded sent_at), one another letter
// covered has that one's, and one the letter does not list (handed in
// while it was on its way) is deferred to the customer's next letter.
// note is added to the detail of the letter's own items.
func (a *Activities) answerFromLedger(ctx context.Context, req wire.CustomerLetterRequest, saved store.CustomerLetterSaved, note string) ([]wire.ItemResult, error) {
	byKey := map[store.LetterKey]store.ItemStatus{}
	for _, s := range saved.Items {
		byKey[s.Key] = s
	}
	var subj store.LetterSubject
	var letterSentAt time.Time
	var out []wire.ItemResult
	for _, it := range req.Items {
		s, ok := byKey[itemKey(it)]
		if !ok {
			continue // answered before (withdrawn, covered by another round)
		}
		if s.Left {
			r := wire.Deferred(it, req.Date, req.Customer)
			r.Detail = fmt.Sprintf("%s letter not sent: handed in while the statement of %s was on its way; it joins the next one", it.Level.Code, req.Customer)
			out = append(out, r)
			continue
		}
		if subj.Customer.ID == 0 {
			var err error
			if subj, err = a.Store.LetterSubjectOf(ctx, it.InvoiceID); err != nil {
				return nil, nonRetryableIfNotFound(err)
			}
		}
		st, at := saved.Status, s.SentAt
		if s.Elsewhere {
			st = s.Status
		} else if (st == wire.LetterSent || st == wire.LetterPrint) && letterSentAt.IsZero() {
			var err error
			if letterSentAt, err = a.Store.CustomerLetterSentAt(ctx, saved.ID); err != nil {
				return nil, err
			}
		}
		if !s.Elsewhere {
			at = letterSentAt
		}
		r := resultOf(st, wire.LetterRequest{Level: it.Level, Sequence: it.Sequence}, subj)
		detail := r.Detail
		if s.Elsewhere {
			detail = fmt.Sprintf("%s letter already covered by an earlier letter (%s)", it.Level.Code, st)
		} else {
			detail += note
		}
		out = append(out, wire.ItemResult{Item: it, Status: st, Detail: detail, SentAt: at})
	}
	return out, nil
}

// itemKeys returns the letter keys of items.
func itemKeys(items []wire.LetterItem) []store.LetterKey {
	keys := make([]store.LetterKey, len(items))
	for i, it := range items {
		keys[i] = itemKey(it)
	}
	return keys
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
func buildStatement(ctx context.Context, st *store.Store, key string, date calendar.Date, items []wire.LetterItem) (builtStatement, error) {
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
	if data.BrokenPromise, err = brokenPromise(ctx, st, subj.Customer.ID, date); err != nil {
		return builtStatement{}, err
	}
	data.Reference = letterReference(subj.Customer.Code, date, top.Code, key)
	if owed := data.Total(); !owed.IsPositive() {
		return builtStatement{subj: subj, data: data, top: top}, fmt.Errorf("%w: no letter: %s owes nothing once credit notes and unapplied payments are counted (balance %s)",
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
// of that level) went out in it, with the letters the customer's other
// invoice workflows hand in that day at the level each will then have
// (DueItems): every open item of the customer read from the ledger, as
// SendStatement builds it, neither sent nor recorded (`starter preview`,
// the proposal's preview). It returns an error when the customer owes
// nothing once credit notes and unapplied payments are counted (no letter
// would go out).
func BuildStatement(ctx context.Context, st *store.Store, invoiceID int64, lv ladder.Level, date calendar.Date, seq int) (letter.Data, letter.Content, error) {
	subj, err := st.LetterSubjectOf(ctx, invoiceID)
	if err != nil {
		return letter.Data{}, letter.Content{}, err
	}
	due, err := DueItems(ctx, st, subj.Company.Code, date)
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
	var items []wire.LetterItem
	found := false
	for _, it := range due[subj.Customer.Code] {
		if it.InvoiceID == invoiceID {
			it.Level, it.Position, it.Sequence, found = lv, position, seq, true
		}
		items = append(items, it)
	}
	if !found {
		items = append(items, wire.LetterItem{InvoiceID: invoiceID, Invoice: subj.Invoice.Number, Level: lv, Position: position, Sequence: seq})
	}
	p, err := PreviewStatement(ctx, st, date, items)
	if err != nil {
		return letter.Data{}, letter.Content{}, err
	}
	if p.NothingOwed {
		return letter.Data{}, letter.Content{}, p.Err
	}
	return p.Data, p.Content, nil
}

// StatementPreview is the statement a customer would receive on a day,
// built by the function that builds the letter SendStatement sends.
type StatementPreview struct {
	Data    letter.Data
	Content letter.Content
	Level   ladder.Level // the letter's level: the highest among its rows
	Channel string       // email, print or both, as SendStatement sends it
	Warning string       // penalties left out (a missing ECB rate)
	// NothingOwed is true when no letter would go out (credit notes and
	// unapplied payments cover the balances): Data holds the rows, Err
	// says why.
	NothingOwed bool
	Err         error
}

// DueItems returns, per customer code, the letters the invoice workflows
// of company hand in on day (store.ProposalLines: those whose next
// letter falls due by then), each at the level it will have: the items of
// the statements of that day.
func DueItems(ctx context.Context, st *store.Store, company string, day calendar.Date) (map[string][]wire.LetterItem, error) {
	lines, err := st.ProposalLines(ctx, company, day)
	if err != nil || len(lines) == 0 {
		return nil, err
	}
	co, err := st.CompanyByCode(ctx, company)
	if err != nil {
		return nil, err
	}
	lad, err := st.Ladder(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	out := map[string][]wire.LetterItem{}
	for _, l := range lines {
		for i, lv := range lad {
			if lv.Code == l.NextLevel {
				out[l.Customer] = append(out[l.Customer], wire.LetterItem{
					InvoiceID: l.InvoiceID, Invoice: l.Number, Level: lv, Position: i, Sequence: 1,
					Instalment: l.Instalment,
				})
			}
		}
	}
	return out, nil
}

// PreviewStatement builds the statement of items' customer on date, as
// SendStatement would send it with these items, reading the database and
// writing nothing: the proposal's amounts and fees and its PDF preview are
// this letter.
func PreviewStatement(ctx context.Context, st *store.Store, date calendar.Date, items []wire.LetterItem) (StatementPreview, error) {
	if len(items) == 0 {
		return StatementPreview{}, fmt.Errorf("preview of a statement without items")
	}
	key := fmt.Sprintf("preview/%d/%s", items[0].InvoiceID, date)
	b, err := buildStatement(ctx, st, key, date, items)
	p := StatementPreview{Data: b.data, Content: b.content, Level: b.top, Warning: b.warning,
		Channel: channelFor(b.top.Channel, b.subj.Customer)}
	if errors.Is(err, errNothingOwed) {
		p.NothingOwed, p.Err = true, err
		return p, nil
	}
	return p, err
}

func itemKey(it wire.LetterItem) store.LetterKey {
	return store.LetterKey{InvoiceID: it.InvoiceID, Level: it.Level.Code, Sequence: it.Sequence, Instalment: it.Instalment}
}

// statementData builds the statement's rows from the ledger (see
// SendStatement) and returns it with the letter's level: the highest among
// its rows.
func statementData(subj store.LetterSubject, stmt store.Statement, items []wire.LetterItem, lad ladder.Ladder, date calendar.Date) (letter.Data, ladder.Level) {
	position := func(code string) int {
		for i, lv := range lad {
			if lv.Code == code {
				return i
			}
		}
		return -1
	}
	handed := map[[2]int64]wire.LetterItem{}
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
	data := letterData(subj, wire.LetterRequest{Level: top, Date: date})
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
