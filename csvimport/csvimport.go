// Package csvimport reads the customers and invoices an accounting system
// exports as CSV (French Excel style: ";" separator, decimal comma, dates
// DD/MM/YYYY or YYYY-MM-DD, header row). A bad row is reported with its
// line and the problem, and the other rows are kept.
package csvimport

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/relance/relance/calendar"
	"github.com/relance/relance/money"
	"github.com/relance/relance/store"
)

// RowError says what is wrong with one line of a file.
type RowError struct {
	Line   int
	Record string // the customer code or invoice number, when known
	Err    error
}

func (e RowError) Error() string {
	if e.Record != "" {
		return fmt.Sprintf("line %d (%s): %v", e.Line, e.Record, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

// CustomerColumns and InvoiceColumns are the headers the files must have
// (in any order; other columns are ignored; only the first two of each
// are required).
var (
	CustomerColumns = []string{"code", "name", "contact", "emails", "address", "language", "kind", "channel",
		"family", "sales_rep", "payment_method", "credit_limit"}
	InvoiceColumns = []string{"number", "customer", "kind", "issue_date", "due_date", "amount", "currency", "balance_due"}
)

// Customers reads a customers file. emails are separated by ",", address
// lines by "|".
func Customers(r io.Reader) ([]store.Customer, []RowError, error) {
	var out []store.Customer
	bad, err := each(r, CustomerColumns[:2], func(line int, get func(string) string) *RowError {
		c := store.Customer{
			Code: get("code"), Name: get("name"), Contact: get("contact"), Language: get("language"),
			Kind: get("kind"), Channel: get("channel"), Family: get("family"), SalesRep: get("sales_rep"),
			PaymentMethod: get("payment_method"),
		}
		fail := func(format string, a ...any) *RowError {
			return &RowError{Line: line, Record: c.Code, Err: fmt.Errorf(format, a...)}
		}
		if c.Code == "" || c.Name == "" {
			return fail("code and name are required")
		}
		for _, e := range split(get("emails"), ",") {
			if !strings.Contains(e, "@") {
				return fail("e-mail address %q is not valid", e)
			}
			c.Emails = append(c.Emails, e)
		}
		c.AddressLines = split(get("address"), "|")
		switch c.Kind {
		case "", "business", "individual":
		default:
			return fail("kind %q: want business or individual", c.Kind)
		}
		switch c.Channel {
		case "", "email", "print":
		default:
			return fail("channel %q: want email or print", c.Channel)
		}
		if v := get("credit_limit"); v != "" {
			d, err := money.Parse(v)
			if err != nil {
				return fail("credit limit: %v", err)
			}
			c.CreditLimit = &d
		}
		out = append(out, c)
		return nil
	})
	return out, bad, err
}

// Invoices reads an invoices file. A missing due date is accepted (the
// scan reports it); a non-numeric amount, an unreadable date or a balance
// of the wrong sign are not.
func Invoices(r io.Reader) ([]store.NewInvoice, []RowError, error) {
	var out []store.NewInvoice
	bad, err := each(r, InvoiceColumns[:2], func(line int, get func(string) string) *RowError {
		in := store.NewInvoice{Number: get("number"), Customer: get("customer"), Kind: get("kind"), Currency: strings.ToUpper(get("currency"))}
		fail := func(format string, a ...any) *RowError {
			return &RowError{Line: line, Record: in.Number, Err: fmt.Errorf(format, a...)}
		}
		if in.Number == "" || in.Customer == "" {
			return fail("number and customer are required")
		}
		switch in.Kind {
		case "", "invoice", "credit_note":
		default:
			return fail("kind %q: want invoice or credit_note", in.Kind)
		}
		var err error
		if in.IssueDate, err = parseDate(get("issue_date")); err != nil || in.IssueDate.IsZero() {
			return fail("issue date %q: want DD/MM/YYYY or YYYY-MM-DD", get("issue_date"))
		}
		if in.DueDate, err = parseDate(get("due_date")); err != nil {
			return fail("due date %q: want DD/MM/YYYY or YYYY-MM-DD", get("due_date"))
		}
		if in.Amount, err = money.Parse(get("amount")); err != nil {
			return fail("amount: %v", err)
		}
		in.Balance = in.Amount
		if v := get("balance_due"); v != "" {
			if in.Balance, err = money.Parse(v); err != nil {
				return fail("balance due: %v", err)
			}
		}
		if in.Kind != "credit_note" && in.Amount.IsNegative() {
			return fail("negative amount %s on an invoice (import it as a credit_note)", in.Amount)
		}
		if in.Amount.Sign() != 0 && in.Balance.Sign() != 0 && in.Balance.Sign() != in.Amount.Sign() {
			return fail("balance due %s and amount %s have opposite signs", in.Balance, in.Amount)
		}
		if in.Balance.Abs().GreaterThan(in.Amount.Abs()) {
			return fail("balance due %s is larger than the amount %s", in.Balance, in.Amount)
		}
		if in.Currency == "" {
			in.Currency = "EUR"
		}
		if !money.KnownCurrency(in.Currency) {
			return fail("unknown currency %q", in.Currency)
		}
		out = append(out, in)
		return nil
	})
	return out, bad, err
}

// each calls row for every record of a ";"-separated file with a header.
func each(r io.Reader, required []string, row func(line int, get func(string) string) *RowError) ([]RowError, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the file is empty: it needs a header row (%s)", strings.Join(required, ";"))
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, req := range required {
		if _, ok := col[req]; !ok {
			return nil, fmt.Errorf("header: column %q is missing (have %s)", req, strings.Join(header, ";"))
		}
	}
	var bad []RowError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return bad, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			bad = append(bad, RowError{Line: line, Err: err})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if e := row(line, get); e != nil {
			bad = append(bad, *e)
		}
	}
}

func parseDate(s string) (calendar.Date, error) {
	if s == "" {
		return calendar.Date{}, nil
	}
	if d, err := calendar.Parse(s); err == nil {
		return d, nil
	}
	var day, month, year int
	if _, err := fmt.Sscanf(s, "%d/%d/%d", &day, &month, &year); err != nil || month < 1 || month > 12 || day < 1 || day > 31 {
		return calendar.Date{}, fmt.Errorf("date %q", s)
	}
	d := calendar.New(year, time.Month(month), day)
	if d.Day != day {
		return calendar.Date{}, fmt.Errorf("date %q does not exist", s)
	}
	return d, nil
}

func split(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
