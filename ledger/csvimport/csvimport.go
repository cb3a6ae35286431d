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
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
)

// RowError says what is wrong with one line of a file.
type RowError struct {
	Line   int
	Record string // the customer code or invoice number, when known
	Err    error
}

// Error says the row's line, record and problem in English: a refusal of
// the ledger by its rule's own words (store.ReasonText).
func (e RowError) Error() string {
	if e.Record != "" {
		return fmt.Sprintf("line %d (%s): %s", e.Line, e.Record, store.ReasonText(e.Err))
	}
	return fmt.Sprintf("line %d: %s", e.Line, store.ReasonText(e.Err))
}

// CustomerColumns and InvoiceColumns are the headers the files must have
// (in any order; other columns are ignored; only the first two of each
// are required).
var (
	CustomerColumns = []string{"code", "name", "contact", "emails", "address", "language", "kind", "channel",
		"family", "sales_rep", "payment_method", "credit_limit"}
	InvoiceColumns = []string{"number", "customer", "kind", "issue_date", "due_date", "amount", "currency", "balance_due",
		"instalment", "instalment_due_date", "instalment_amount", "instalment_balance"}
)

// CustomerFile is a customers file read: the customers to import, the
// rows refused, the columns the file carries and the rows it has.
type CustomerFile struct {
	Customers []store.Customer
	Lines     []int // the line of each customer in the file
	Bad       []RowError
	Columns   []string
	Rows      int
}

// InstalmentHelp explains the instalment columns (for `starter import -h`).
const InstalmentHelp = `Instalments ("échéances multiples"): an invoice paid in several parts has one
row per instalment, with the invoice's columns repeated and instalment (1, 2...),
instalment_due_date, instalment_amount and instalment_balance (defaults to the
amount). Each instalment is dunned on its own, with its own level; the letter
lists each one. A balance larger than the amount (deposits, "consignes") is
kept: the balance is the truth, and the report says so.`

// Customers reads a customers file. emails are separated by ",", address
// lines by "|".
func Customers(r io.Reader) ([]store.Customer, []RowError, error) {
	f, err := ReadCustomers(r)
	return f.Customers, f.Bad, err
}

// ReadCustomers reads a customers file (see Customers); a code that
// appears twice is refused on its second line.
func ReadCustomers(r io.Reader) (CustomerFile, error) {
	var out []store.Customer
	var lines []int
	seen := map[string]int{}
	bad, columns, rows, err := each(r, CustomerColumns[:2], func(line int, get func(string) string) *RowError {
		c := store.Customer{
			Code: get("code"), Name: get("name"), Contact: get("contact"), Language: get("language"),
			Kind: get("kind"), Channel: get("channel"), Family: get("family"), SalesRep: get("sales_rep"),
			PaymentMethod: get("payment_method"),
		}
		failWith := func(p messages.Problem) *RowError { return &RowError{Line: line, Record: c.Code, Err: p} }
		if c.Code == "" || c.Name == "" {
			return failWith(CustomerRequired.With())
		}
		if first, dup := seen[c.Code]; dup {
			return failWith(CustomerTwice.With(c.Code, first))
		}
		seen[c.Code] = line
		for _, e := range split(get("emails"), ",") {
			if !strings.Contains(e, "@") {
				return failWith(BadEmail.With(strconv.Quote(e)))
			}
			c.Emails = append(c.Emails, e)
		}
		c.AddressLines = split(get("address"), "|")
		switch c.Kind {
		case "", "business", "individual":
		default:
			return failWith(CustomerKind.With(strconv.Quote(c.Kind)))
		}
		switch c.Channel {
		case "", "email", "print":
		default:
			return failWith(BadChannel.With(strconv.Quote(c.Channel)))
		}
		if v := get("credit_limit"); v != "" {
			d, err := money.Parse(v)
			if err != nil {
				return failWith(amountProblem("credit_limit", err))
			}
			c.CreditLimit = &d
		}
		out, lines = append(out, c), append(lines, line)
		return nil
	})
	return CustomerFile{Customers: out, Lines: lines, Bad: bad, Columns: columns, Rows: rows}, err
}

// InvoiceFile is an invoices file read: the invoices to import, the rows
// refused, the columns the file carries and the rows it has.
type InvoiceFile struct {
	Invoices []store.NewInvoice
	Lines    []int // the (first) line of each invoice in the file
	RowsOf   []int // the rows of each invoice: one, or one per instalment
	Bad      []RowError
	Columns  []string
	Rows     int
}

// Invoices reads an invoices file. A missing due date is accepted (the
// scan reports it); a non-numeric amount, an unreadable date or a balance
// of the wrong sign are not. A balance larger than the amount (deposits
// invoiced apart, seed 004) is kept as the truth and noted in the
// invoice's ImportNote. Rows of the same number with an instalment column
// are that invoice's instalments (see InstalmentHelp).
func Invoices(r io.Reader) ([]store.NewInvoice, []RowError, error) {
	f, err := ReadInvoices(r)
	return f.Invoices, f.Bad, err
}

// ReadInvoices reads an invoices file (see Invoices); a number that
// appears twice is refused on its second line.
func ReadInvoices(r io.Reader) (InvoiceFile, error) {
	var out []store.NewInvoice
	var lines, rowsOf []int
	at := map[string]int{} // invoice number -> index in out
	bad, columns, rows, err := each(r, InvoiceColumns[:2], func(line int, get func(string) string) *RowError {
		in := store.NewInvoice{Number: get("number"), Customer: get("customer"), Kind: get("kind"), Currency: strings.ToUpper(get("currency"))}
		failWith := func(p messages.Problem) *RowError { return &RowError{Line: line, Record: in.Number, Err: p} }
		if in.Number == "" || in.Customer == "" {
			return failWith(InvoiceRequired.With())
		}
		switch in.Kind {
		case "", "invoice", "credit_note":
		default:
			return failWith(InvoiceKind.With(strconv.Quote(in.Kind)))
		}
		var err error
		if in.IssueDate, err = parseDate(get("issue_date")); err != nil || in.IssueDate.IsZero() {
			return failWith(dateProblem(IssueDate, IssueDateYear, get("issue_date"), err))
		}
		if in.DueDate, err = parseDate(get("due_date")); err != nil {
			return failWith(dateProblem(DueDate, DueDateYear, get("due_date"), err))
		}
		if in.Amount, err = money.Parse(get("amount")); err != nil {
			return failWith(amountProblem("amount", err))
		}
		in.Balance = in.Amount
		if v := get("balance_due"); v != "" {
			if in.Balance, err = money.Parse(v); err != nil {
				return failWith(amountProblem("balance_due", err))
			}
		}
		if in.Kind != "credit_note" && in.Amount.IsNegative() {
			return failWith(NegativeInvoice.With(in.Amount))
		}
		if in.Amount.Sign() != 0 && in.Balance.Sign() != 0 && in.Balance.Sign() != in.Amount.Sign() {
			return failWith(OppositeSigns.With(in.Balance, in.Amount))
		}
		if in.Currency == "" {
			in.Currency = "EUR"
		}
		if !money.KnownCurrency(in.Currency) {
			return failWith(UnknownCurrency.With(strconv.Quote(in.Currency)))
		}
		if v := get("instalment"); v != "" {
			var n store.Instalment
			if _, err := fmt.Sscanf(v, "%d", &n.Seq); err != nil || n.Seq < 1 {
				return failWith(InstalmentNumber.With(strconv.Quote(v)))
			}
			if n.DueDate, err = parseDate(get("instalment_due_date")); err != nil || n.DueDate.IsZero() {
				return failWith(InstalmentDue.With(n.Seq, strconv.Quote(get("instalment_due_date"))))
			}
			if n.Amount, err = money.Parse(get("instalment_amount")); err != nil {
				return failWith(amountProblem("instalment_amount", err))
			}
			n.Balance = n.Amount
			if v := get("instalment_balance"); v != "" {
				if n.Balance, err = money.Parse(v); err != nil {
					return failWith(amountProblem("instalment_balance", err))
				}
			}
			if n.Balance.IsNegative() || n.Amount.IsNegative() {
				return failWith(InstalmentNegative.With(n.Seq))
			}
			if i, ok := at[in.Number]; ok {
				if len(out[i].Instalments) == 0 {
					return failWith(InvoiceTwice.With(in.Number, lines[i]))
				}
				for _, m := range out[i].Instalments {
					if m.Seq == n.Seq {
						return failWith(InstalmentTwice.With(n.Seq))
					}
				}
				out[i].Instalments = append(out[i].Instalments, n)
				rowsOf[i]++
				return nil
			}
			in.Instalments = []store.Instalment{n}
		}
		if i, dup := at[in.Number]; dup {
			return failWith(InvoiceTwice.With(in.Number, lines[i]))
		}
		at[in.Number] = len(out)
		out, lines, rowsOf = append(out, in), append(lines, line), append(rowsOf, 1)
		return nil
	})
	return InvoiceFile{Invoices: out, Lines: lines, RowsOf: rowsOf, Bad: bad, Columns: columns, Rows: rows}, err
}

// each calls row for every record of a ";"-separated file with a header.
// It returns the rows refused, the header's columns (lower case) and the
// number of records read.
func each(r io.Reader, required []string, row func(line int, get func(string) string) *RowError) ([]RowError, []string, int, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, 0, EmptyFile.With(strings.Join(required, ";"))
	}
	if err != nil {
		return nil, nil, 0, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	var columns []string
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[name] = i
		columns = append(columns, name)
	}
	for _, req := range required {
		if _, ok := col[req]; !ok {
			return nil, nil, 0, MissingColumn.With(strconv.Quote(req), strings.Join(header, ";"))
		}
	}
	var bad []RowError
	read := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return bad, columns, read, nil
		}
		read++
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

// errShortYear is parseDate's answer to a year of other than four digits.
var errShortYear = errors.New("the year must have four digits")

// dateProblem says a date that could not be read: plain, or withYear when
// its year does not have four digits.
func dateProblem(plain, withYear messages.Code, value string, err error) messages.Problem {
	if errors.Is(err, errShortYear) {
		return withYear.With(strconv.Quote(value))
	}
	return plain.With(strconv.Quote(value))
}

var frenchDate = regexp.MustCompile(`^([0-9]{1,2})/([0-9]{1,2})/([0-9]+)$`)

// parseDate reads DD/MM/YYYY or YYYY-MM-DD, nothing before or after; a
// two-digit year is refused (is "01/02/26" 1926 or 2026?).
func parseDate(s string) (calendar.Date, error) {
	if s == "" {
		return calendar.Date{}, nil
	}
	if d, err := calendar.Parse(s); err == nil {
		return d, nil
	}
	m := frenchDate.FindStringSubmatch(s)
	if m == nil {
		return calendar.Date{}, fmt.Errorf("date %q", s)
	}
	if len(m[3]) != 4 {
		return calendar.Date{}, errShortYear
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	year, _ := strconv.Atoi(m[3])
	if month < 1 || month > 12 || day < 1 || day > 31 {
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
