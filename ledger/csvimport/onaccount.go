package csvimport

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
)

// OnAccountColumns are the headers of a payments on account file (the
// first four are required): money a customer paid that is not applied to
// an invoice yet, deducted from the letters while open. amount is what is
// still unapplied (0 when used up); closed (yes/no) closes it.
var OnAccountColumns = []string{"reference", "customer", "amount", "paid_on", "currency", "method", "closed"}

// OnAccountFile is a payments on account file read.
type OnAccountFile struct {
	Payments []store.OnAccount
	Lines    []int
	Bad      []RowError
	Columns  []string
	Rows     int
}

// ReadPaymentsOnAccount reads a payments on account file (";"-separated,
// decimal comma or dot, dates DD/MM/YYYY or YYYY-MM-DD). A reference twice
// in one file is refused on its second line.
func ReadPaymentsOnAccount(r io.Reader) (OnAccountFile, error) {
	var f OnAccountFile
	seen := map[string]int{}
	bad, columns, rows, err := each(r, OnAccountColumns[:4], func(line int, get func(string) string) *RowError {
		p := store.OnAccount{Reference: get("reference"), Customer: get("customer"), Method: get("method"),
			Currency: strings.ToUpper(get("currency")), Source: store.UnappliedCSV}
		failWith := func(pb messages.Problem) *RowError { return &RowError{Line: line, Record: p.Reference, Err: pb} }
		if p.Reference == "" || p.Customer == "" {
			return failWith(OnAccountRequired.With())
		}
		for _, t := range []struct{ name, v string }{{"reference", p.Reference}, {"customer", p.Customer}, {"method", p.Method}} {
			if err := dunning.CheckText(t.name, t.v, dunning.MaxFieldLength); err != nil {
				return failWith(textProblem(t.name, err))
			}
		}
		if first, dup := seen[p.Reference]; dup {
			return failWith(OnAccountTwice.With(p.Reference, first))
		}
		seen[p.Reference] = line
		var err error
		if p.Amount, err = money.Parse(get("amount")); err != nil {
			return failWith(amountProblem("amount", err))
		}
		if p.Amount.IsNegative() {
			return failWith(OnAccountNegative.With(p.Amount.String()))
		}
		if p.Amount.Sign() > 0 {
			if err := dunning.CheckAmount(p.Amount); err != nil {
				return failWith(amountProblem("amount", err))
			}
		}
		if p.PaidOn, err = parseDate(get("paid_on")); err != nil || p.PaidOn.IsZero() {
			return failWith(dateProblem(PaidOn, PaidOnYear, get("paid_on"), err))
		}
		if p.Currency == "" {
			p.Currency = "EUR"
		}
		if !money.KnownCurrency(p.Currency) {
			return failWith(UnknownCurrency.With(strconv.Quote(p.Currency)))
		}
		switch strings.ToLower(get("closed")) {
		case "", "no", "non", "0", "false":
		case "yes", "oui", "1", "true":
			p.Closed = true
		default:
			return failWith(Closed.With(strconv.Quote(get("closed"))))
		}
		f.Payments, f.Lines = append(f.Payments, p), append(f.Lines, line)
		return nil
	})
	f.Bad, f.Columns, f.Rows = bad, columns, rows
	return f, err
}

// Preview is the report of an import that has not run.
func (f OnAccountFile) Preview() Report {
	return Report{File: "payments on account", Rows: f.Rows, Imported: len(f.Payments), Refused: len(f.Bad), Problems: f.Bad}
}

// Import saves the payments on account of f in company companyID, by
// reference: a file imported twice changes nothing.
func (f OnAccountFile) Import(ctx context.Context, st *store.Store, companyID int64) Report {
	rep := Report{File: "payments on account", Rows: f.Rows, Refused: len(f.Bad), Problems: append([]RowError(nil), f.Bad...)}
	for i, p := range f.Payments {
		if _, err := st.UpsertOnAccount(ctx, companyID, p); err != nil {
			rep.Failed++
			rep.Problems = append(rep.Problems, RowError{Line: f.Lines[i], Record: p.Reference, Err: err})
			continue
		}
		rep.Imported++
	}
	sortProblems(rep.Problems)
	return rep
}
