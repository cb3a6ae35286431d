// Package feed is the accounting feed: what an accounting system pushes
// to relance as it issues documents (customers, invoices, credit notes,
// instalments, payments on account, invoice PDFs, Factur-X invoices) in
// batches, upserted by number so that sending a batch twice changes
// nothing, each item checked on its own (a bad item is reported, the rest
// goes on), and the full snapshot that closes what a complete export no
// longer lists. It writes the ledger only: package actions tells the
// running workflows (doors/actions/feed.go). See docs/invoices-in.md.
package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// Limits of a batch.
const (
	// MaxItems is the most items (of every kind) one batch may carry.
	MaxItems = 2000
	// MaxPDF is the largest invoice PDF accepted, in bytes.
	MaxPDF = 10 << 20
	// maxText bounds a text field; maxName a name or an address line.
	maxText = dunning.MaxFieldLength
)

// Batch is the body of POST /v1/feed/{company}: items of each kind, each
// a JSON object (Customer, Invoice, OnAccount). Customers are applied
// first, then invoices, then payments on account, so that a batch may
// bring a customer and its invoices together.
type Batch struct {
	Customers         []json.RawMessage `json:"customers,omitempty"`
	Invoices          []json.RawMessage `json:"invoices,omitempty"`
	PaymentsOnAccount []json.RawMessage `json:"paymentsOnAccount,omitempty"`
}

// Customer is a customer item. Only the fields present change a known
// customer; code and name are required.
type Customer struct {
	Code          string   `json:"code"`
	Name          string   `json:"name"`
	Contact       string   `json:"contact,omitempty"`
	Emails        []string `json:"emails,omitempty"`
	Address       []string `json:"address,omitempty"` // postal address lines
	Language      string   `json:"language,omitempty"`
	Kind          string   `json:"kind,omitempty"`    // business (default) or individual
	Channel       string   `json:"channel,omitempty"` // email (default) or print
	Family        string   `json:"family,omitempty"`
	SalesRep      string   `json:"salesRep,omitempty"`
	PaymentMethod string   `json:"paymentMethod,omitempty"`
	CreditLimit   string   `json:"creditLimit,omitempty"` // decimal string
}

// Invoice is an invoice or credit note item. number, customer, issueDate
// and amount are required; balanceDue defaults to the amount for a new
// invoice and is left as it is on a known one when absent.
type Invoice struct {
	Number      string       `json:"number"`
	Customer    string       `json:"customer"`
	Kind        string       `json:"kind,omitempty"` // invoice (default) or credit_note
	IssueDate   string       `json:"issueDate"`
	DueDate     string       `json:"dueDate,omitempty"`
	Amount      string       `json:"amount"` // decimal string; a credit note's may carry a minus sign
	Currency    string       `json:"currency,omitempty"`
	BalanceDue  string       `json:"balanceDue,omitempty"`
	Closed      bool         `json:"closed,omitempty"` // settled or cancelled in the accounting system
	Instalments []Instalment `json:"instalments,omitempty"`
	// PDF is the invoice's own PDF, base64 (standard encoding), attached
	// to its letters.
	PDF []byte `json:"pdf,omitempty"`
}

// Instalment is one due date of an invoice paid in several parts.
type Instalment struct {
	Seq        int    `json:"seq"`
	DueDate    string `json:"dueDate"`
	Amount     string `json:"amount"`
	BalanceDue string `json:"balanceDue,omitempty"` // defaults to the amount
}

// OnAccount is a payment on account item: money a customer paid that is
// not applied to an invoice yet, deducted from the letters while open.
type OnAccount struct {
	Reference string `json:"reference"`
	Customer  string `json:"customer"`
	Amount    string `json:"amount"` // what is still unapplied; "0" when used up
	Currency  string `json:"currency,omitempty"`
	PaidOn    string `json:"paidOn"`
	Method    string `json:"method,omitempty"`
	Closed    bool   `json:"closed,omitempty"`
}

// Item statuses.
const (
	StatusCreated = "created"
	StatusUpdated = "updated"
	StatusRefused = "refused" // the item breaks a rule: fix it and send it again
	StatusFailed  = "failed"  // the ledger failed for the moment: send it again
)

// ItemResult says what became of one item of a batch.
type ItemResult struct {
	Kind   string `json:"kind"`  // customer, invoice, payment_on_account
	Index  int    `json:"index"` // position in its list, from 0
	Key    string `json:"key"`   // code, number or reference, when read
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// Report is what a batch did: one result per item, in the batch's order
// (customers, invoices, payments on account), and the counts.
type Report struct {
	Items   []ItemResult `json:"items"`
	Created int          `json:"created"`
	Updated int          `json:"updated"`
	Refused int          `json:"refused"`
	Failed  int          `json:"failed"`
	// Touched are the known invoices whose balance or closed flag changed:
	// their running workflows are to look again (package actions).
	Touched []store.OpenItem `json:"-"`
}

func (r *Report) add(res ItemResult) {
	switch res.Status {
	case StatusCreated:
		r.Created++
	case StatusUpdated:
		r.Updated++
	case StatusRefused:
		r.Refused++
	case StatusFailed:
		r.Failed++
	}
	r.Items = append(r.Items, res)
}

// Size is the number of items of the batch.
func (b Batch) Size() int { return len(b.Customers) + len(b.Invoices) + len(b.PaymentsOnAccount) }

// Apply saves the items of b in company companyID. Every item is checked
// and saved on its own: a refused one does not stop the others.
func Apply(ctx context.Context, st *store.Store, companyID int64, b Batch) Report {
	var rep Report
	for i, raw := range b.Customers {
		res := ItemResult{Kind: "customer", Index: i}
		c, cols, err := readCustomer(raw)
		res.Key = c.Code
		if err == nil {
			var created bool
			created, err = upsertCustomer(ctx, st, companyID, c, cols)
			res.Status = pick(created, StatusCreated, StatusUpdated)
		}
		rep.add(outcome(res, err))
	}
	for i, raw := range b.Invoices {
		res := ItemResult{Kind: "invoice", Index: i}
		in, cols, closed, pdf, err := readInvoice(raw)
		res.Key = in.Number
		if err == nil {
			var fr store.FeedResult
			fr, err = st.FeedInvoice(ctx, companyID, in, cols, closed)
			if err == nil && len(pdf) > 0 {
				err = st.SetInvoicePDF(ctx, companyID, in.Number, pdf)
			}
			res.Status = pick(fr.Created, StatusCreated, StatusUpdated)
			if err == nil && fr.Tell {
				rep.Touched = append(rep.Touched, store.OpenItem{Kind: in.Kind, Number: in.Number, Customer: in.Customer, Instalments: fr.Instalments})
			}
		}
		rep.add(outcome(res, err))
	}
	for i, raw := range b.PaymentsOnAccount {
		res := ItemResult{Kind: "payment_on_account", Index: i}
		p, err := readOnAccount(raw)
		res.Key = p.Reference
		if err == nil {
			var created bool
			p.Source = store.UnappliedFeed
			created, err = st.UpsertOnAccount(ctx, companyID, p)
			res.Status = pick(created, StatusCreated, StatusUpdated)
		}
		rep.add(outcome(res, err))
	}
	return rep
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// outcome sets the status of an item that failed: refused when it breaks
// a rule or the database refuses its data, failed when the ledger failed
// for the moment.
func outcome(res ItemResult, err error) ItemResult {
	switch {
	case err == nil:
		return res
	case store.Permanent(err):
		res.Status, res.Error = StatusRefused, problem(err)
	default:
		res.Status, res.Error = StatusFailed, "the ledger could not save it for the moment: send it again"
	}
	return res
}

// problem is the rule's own words of a refusal.
func problem(err error) string {
	if reason, ok := store.ReasonOf(err); ok {
		return reason.Error()
	}
	msg := err.Error()
	if store.RefusedByDatabase(err) {
		return "the ledger cannot store this item's data (a value out of range or an invalid character): " + msg
	}
	return msg
}

// invalid makes a refusal of the item (store.ErrInvalid).
func invalid(format string, a ...any) error {
	return store.Invalidf(format, a...)
}

// fields decodes raw into v, refusing unknown fields, and returns the
// names of the fields present.
func fields(raw json.RawMessage, v any) (map[string]bool, error) {
	var present map[string]json.RawMessage
	if err := json.Unmarshal(raw, &present); err != nil {
		return nil, invalid("not a JSON object: %v", err)
	}
	_ = json.Unmarshal(raw, v) // what can be read, for the item's key in the report
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, invalid("%v", strings.TrimPrefix(err.Error(), "json: "))
	}
	out := map[string]bool{}
	for k, val := range present {
		out[k] = string(val) != "null"
	}
	return out, nil
}

// text checks text fields: no control character, at most max bytes.
func text(max int, named ...string) error {
	for i := 0; i+1 < len(named); i += 2 {
		if err := dunning.CheckText(named[i], named[i+1], max); err != nil {
			return invalid("%v", err)
		}
	}
	return nil
}

// amount reads a decimal string of the feed: canonical (dunning.ParseAmount),
// "0" when zero is allowed, a leading minus when negative is allowed.
func amount(field, s string, zero, negative bool) (decimal.Decimal, error) {
	neg := negative && strings.HasPrefix(s, "-")
	t := strings.TrimPrefix(s, "-")
	if neg && t == s {
		neg = false
	}
	if zero && (t == "0" || t == "0.0" || t == "0.00") {
		return decimal.Zero, nil
	}
	if strings.HasPrefix(s, "-") && !negative {
		return decimal.Zero, invalid("%s %q must not be negative", field, s)
	}
	d, err := dunning.ParseAmount(t)
	if err != nil {
		return d, invalid("%s: %v", field, err)
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}

func date(field, s string, required bool) (calendar.Date, error) {
	if s == "" {
		if required {
			return calendar.Date{}, invalid("%s is required (YYYY-MM-DD)", field)
		}
		return calendar.Date{}, nil
	}
	d, err := calendar.Parse(s)
	if err != nil || d.Year < 1900 || d.Year > 9999 {
		return calendar.Date{}, invalid("%s %q: want YYYY-MM-DD", field, s)
	}
	return d, nil
}

func currency(s string) (string, error) {
	if s == "" {
		return "EUR", nil
	}
	c := strings.ToUpper(s)
	if !money.KnownCurrency(c) {
		return "", invalid("unknown currency %q", s)
	}
	return c, nil
}

// customerColumns maps a customer item's fields to the import columns
// (store.ImportCustomer updates only those).
var customerColumns = map[string]string{
	"name": "name", "contact": "contact", "emails": "emails", "address": "address", "language": "language",
	"kind": "kind", "channel": "channel", "family": "family", "salesRep": "sales_rep",
	"paymentMethod": "payment_method", "creditLimit": "credit_limit",
}

func readCustomer(raw json.RawMessage) (store.Customer, []string, error) {
	var c Customer
	present, err := fields(raw, &c)
	if err != nil {
		return store.Customer{Code: c.Code}, nil, err
	}
	out := store.Customer{Code: c.Code, Name: c.Name, Contact: c.Contact, Emails: c.Emails, AddressLines: c.Address,
		Language: c.Language, Kind: c.Kind, Channel: c.Channel, Family: c.Family, SalesRep: c.SalesRep, PaymentMethod: c.PaymentMethod}
	if c.Code == "" || c.Name == "" {
		return out, nil, invalid("code and name are required")
	}
	if err := text(maxText, "code", c.Code, "name", c.Name, "contact", c.Contact, "language", c.Language, "family", c.Family,
		"salesRep", c.SalesRep, "paymentMethod", c.PaymentMethod); err != nil {
		return out, nil, err
	}
	for _, e := range c.Emails {
		if err := text(maxText, "emails", e); err != nil {
			return out, nil, err
		}
		if !strings.Contains(e, "@") || strings.ContainsAny(e, " ,;") {
			return out, nil, invalid("e-mail address %q is not valid", e)
		}
	}
	for _, l := range c.Address {
		if err := text(maxText, "address", l); err != nil {
			return out, nil, err
		}
	}
	if c.Language != "" && !slices.Contains([]string{"fr", "en"}, c.Language) {
		return out, nil, invalid("language %q: want fr or en", c.Language)
	}
	if c.Kind != "" && c.Kind != "business" && c.Kind != "individual" {
		return out, nil, invalid("kind %q: want business or individual", c.Kind)
	}
	if c.Channel != "" && c.Channel != "email" && c.Channel != "print" {
		return out, nil, invalid("channel %q: want email or print", c.Channel)
	}
	if c.CreditLimit != "" {
		d, err := amount("creditLimit", c.CreditLimit, true, false)
		if err != nil {
			return out, nil, err
		}
		out.CreditLimit = &d
	}
	var cols []string
	for _, f := range sortedKeys(present) {
		if col, ok := customerColumns[f]; ok {
			cols = append(cols, col)
		}
	}
	return out, cols, nil
}

// upsertCustomer saves c, updating only the columns the item carries, and
// says whether it is new.
func upsertCustomer(ctx context.Context, st *store.Store, companyID int64, c store.Customer, cols []string) (bool, error) {
	known, err := st.CustomerExists(ctx, companyID, c.Code)
	if err != nil {
		return false, err
	}
	_, err = st.ImportCustomer(ctx, companyID, c, cols)
	return !known, err
}

// invoiceColumns maps an invoice item's fields to the import columns.
var invoiceColumns = map[string]string{
	"kind": "kind", "issueDate": "issue_date", "dueDate": "due_date", "amount": "amount",
	"currency": "currency", "balanceDue": "balance_due",
}

func readInvoice(raw json.RawMessage) (store.NewInvoice, []string, bool, []byte, error) {
	var in Invoice
	present, err := fields(raw, &in)
	if err != nil {
		return store.NewInvoice{Number: in.Number}, nil, false, nil, err
	}
	out, err := in.toStore()
	if err != nil {
		return out, nil, false, nil, err
	}
	if len(in.PDF) > MaxPDF {
		return out, nil, false, nil, invalid("pdf: larger than %d bytes", MaxPDF)
	}
	if len(in.PDF) > 0 && !bytes.HasPrefix(in.PDF, []byte("%PDF-")) {
		return out, nil, false, nil, invalid("pdf: not a PDF file (it must start with %%PDF-)")
	}
	var cols []string
	for _, f := range sortedKeys(present) {
		if col, ok := invoiceColumns[f]; ok {
			cols = append(cols, col)
		}
	}
	return out, cols, in.Closed, in.PDF, nil
}

// toStore checks the item and makes the ledger's invoice of it.
func (in Invoice) toStore() (store.NewInvoice, error) {
	out := store.NewInvoice{Number: in.Number, Customer: in.Customer, Kind: in.Kind}
	if in.Number == "" || in.Customer == "" {
		return out, invalid("number and customer are required")
	}
	if err := text(maxText, "number", in.Number, "customer", in.Customer); err != nil {
		return out, err
	}
	switch in.Kind {
	case "":
		out.Kind = "invoice"
	case "invoice", "credit_note":
	default:
		return out, invalid("kind %q: want invoice or credit_note", in.Kind)
	}
	credit := out.Kind == "credit_note"
	var err error
	if out.IssueDate, err = date("issueDate", in.IssueDate, true); err != nil {
		return out, err
	}
	if out.DueDate, err = date("dueDate", in.DueDate, false); err != nil {
		return out, err
	}
	if in.Amount == "" {
		return out, invalid("amount is required")
	}
	if out.Amount, err = amount("amount", in.Amount, true, credit); err != nil {
		return out, err
	}
	out.Balance = out.Amount
	if in.BalanceDue != "" {
		if out.Balance, err = amount("balanceDue", in.BalanceDue, true, credit); err != nil {
			return out, err
		}
	}
	if credit {
		out.Amount, out.Balance = out.Amount.Abs().Neg(), out.Balance.Abs().Neg()
	}
	if out.Balance.Abs().GreaterThan(out.Amount.Abs()) {
		out.ImportNote = fmt.Sprintf("balance due %s is larger than the amount %s: the balance is taken as the truth", out.Balance, out.Amount)
	}
	if out.Currency, err = currency(in.Currency); err != nil {
		return out, err
	}
	if credit && len(in.Instalments) > 0 {
		return out, invalid("a credit note has no instalments")
	}
	seen := map[int]bool{}
	for _, n := range in.Instalments {
		if n.Seq < 1 || n.Seq > 999 || seen[n.Seq] {
			return out, invalid("instalment seq %d: want 1, 2... each once", n.Seq)
		}
		seen[n.Seq] = true
		m := store.Instalment{Seq: n.Seq}
		if m.DueDate, err = date(fmt.Sprintf("instalment %d dueDate", n.Seq), n.DueDate, true); err != nil {
			return out, err
		}
		if m.Amount, err = amount(fmt.Sprintf("instalment %d amount", n.Seq), n.Amount, false, false); err != nil {
			return out, err
		}
		m.Balance = m.Amount
		if n.BalanceDue != "" {
			if m.Balance, err = amount(fmt.Sprintf("instalment %d balanceDue", n.Seq), n.BalanceDue, true, false); err != nil {
				return out, err
			}
		}
		out.Instalments = append(out.Instalments, m)
	}
	return out, nil
}

func readOnAccount(raw json.RawMessage) (store.OnAccount, error) {
	var p OnAccount
	if _, err := fields(raw, &p); err != nil {
		return store.OnAccount{Reference: p.Reference}, err
	}
	out := store.OnAccount{Reference: p.Reference, Customer: p.Customer, Method: p.Method, Closed: p.Closed}
	if p.Reference == "" || p.Customer == "" {
		return out, invalid("reference and customer are required")
	}
	if err := text(maxText, "reference", p.Reference, "customer", p.Customer, "method", p.Method); err != nil {
		return out, err
	}
	if p.Amount == "" {
		return out, invalid("amount is required")
	}
	var err error
	if out.Amount, err = amount("amount", p.Amount, true, false); err != nil {
		return out, err
	}
	if out.PaidOn, err = date("paidOn", p.PaidOn, true); err != nil {
		return out, err
	}
	if out.Currency, err = currency(p.Currency); err != nil {
		return out, err
	}
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
