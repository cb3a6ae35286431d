package csvimport

import (
	"context"
	"fmt"
	"sort"

	"github.com/relance/relance/ledger/store"
)

// Report says what an import did with one file. Its figures add up:
// Rows = Imported + Refused + Failed.
type Report struct {
	File     string // "customers" or "invoices"
	Rows     int    // records in the file, header excluded
	Imported int
	Refused  int        // rows the file got wrong
	Failed   int        // rows the database refused (an unknown customer, say)
	Problems []RowError // one per refused or failed row, by line
	Notes    []RowError // what was accepted but worth saying (a balance above the amount, instalments)
}

func (r Report) String() string {
	return fmt.Sprintf("%s: %d rows read: %d imported, %d refused, %d failed", r.File, r.Rows, r.Imported, r.Refused, r.Failed)
}

// Preview is the report of an import that has not run: what would be
// refused (Failed stays zero: the database is not asked).
func (f CustomerFile) Preview() Report {
	return Report{File: "customers", Rows: f.Rows, Imported: len(f.Customers), Refused: len(f.Bad), Problems: f.Bad}
}

// Preview is the report of an import that has not run.
func (f InvoiceFile) Preview() Report {
	rep := Report{File: "invoices", Rows: f.Rows, Refused: len(f.Bad), Problems: f.Bad}
	for i, in := range f.Invoices {
		rep.Imported += f.RowsOf[i]
		rep.Notes = append(rep.Notes, f.notes(i, in)...)
	}
	return rep
}

// notes says what the import accepted about invoice i that is worth
// saying.
func (f InvoiceFile) notes(i int, in store.NewInvoice) []RowError {
	var out []RowError
	if in.Balance.Abs().GreaterThan(in.Amount.Abs()) {
		out = append(out, RowError{Line: f.Lines[i], Record: in.Number, Err: NoteBalance.With(in.Balance, in.Amount)})
	}
	if n := len(in.Instalments); n > 0 {
		out = append(out, RowError{Line: f.Lines[i], Record: in.Number, Err: NoteInstalments.With(n)})
	}
	return out
}

// Import saves the customers of f in company companyID: new ones are
// inserted, known ones get the columns the file carries (and only those).
func (f CustomerFile) Import(ctx context.Context, st *store.Store, companyID int64) Report {
	rep := Report{File: "customers", Rows: f.Rows, Refused: len(f.Bad), Problems: append([]RowError(nil), f.Bad...)}
	for i, c := range f.Customers {
		if _, err := st.ImportCustomer(ctx, companyID, c, f.Columns); err != nil {
			rep.Failed++
			rep.Problems = append(rep.Problems, RowError{Line: f.Lines[i], Record: c.Code, Err: err})
			continue
		}
		rep.Imported++
	}
	sortProblems(rep.Problems)
	return rep
}

// Import saves the invoices of f in company companyID: new ones are
// inserted, known ones get the columns the file carries (and only those:
// a file without balance_due never resets a balance).
func (f InvoiceFile) Import(ctx context.Context, st *store.Store, companyID int64) Report {
	rep := Report{File: "invoices", Rows: f.Rows, Refused: len(f.Bad), Problems: append([]RowError(nil), f.Bad...)}
	for i, in := range f.Invoices {
		id, err := st.ImportInvoice(ctx, companyID, in, f.Columns)
		if err == nil && len(in.Instalments) > 0 {
			err = st.SetInstalments(ctx, id, in.Instalments)
		}
		if err != nil {
			rep.Failed += f.RowsOf[i]
			rep.Problems = append(rep.Problems, RowError{Line: f.Lines[i], Record: in.Number, Err: err})
			continue
		}
		rep.Imported += f.RowsOf[i]
		rep.Notes = append(rep.Notes, f.notes(i, in)...)
	}
	sortProblems(rep.Problems)
	return rep
}

func sortProblems(p []RowError) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Line < p[j].Line })
}
