package actions

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/export"
	"github.com/relance/relance/ledger/store"
)

// Spreadsheet exports (seed 003), the same files from every door: the
// command line's starter export, the API's /v1/exports/{file} and the
// Relances screen's buttons.

// The exports' contents and formats.
const (
	ExportInvoices = "invoices" // the Relances list under a filter
	ExportHistory  = "history"  // the reminder history of a period
	FormatCSV      = "csv"
	FormatXLSX     = "xlsx"
)

// ExportFile is an export's content and format, as in its file name
// (invoices.xlsx, history.csv).
type ExportFile struct {
	What, Format string
}

// ParseExportFile reads an export's file name; ok is false for any
// other name.
func ParseExportFile(name string) (f ExportFile, ok bool) {
	f.What, f.Format, _ = strings.Cut(name, ".")
	return f, f.Valid()
}

// Valid reports whether f is an export relance makes.
func (f ExportFile) Valid() bool {
	return (f.What == ExportInvoices || f.What == ExportHistory) && (f.Format == FormatCSV || f.Format == FormatXLSX)
}

// String returns the file name: invoices.xlsx.
func (f ExportFile) String() string { return f.What + "." + f.Format }

// ContentType is the file's media type.
func (f ExportFile) ContentType() string {
	if f.Format == FormatCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Export is an export's rows: the invoices' or the history's.
type Export struct {
	File     ExportFile
	Invoices []store.InvoiceRow
	History  []store.HistoryExportRow
}

// Rows is how many rows the export holds.
func (x Export) Rows() int { return len(x.Invoices) + len(x.History) }

// Write writes the file with opts (labels, progress).
func (x Export) Write(w io.Writer, opts export.Options) error {
	switch {
	case x.File.What == ExportInvoices && x.File.Format == FormatCSV:
		return opts.InvoicesCSV(w, x.Invoices)
	case x.File.What == ExportInvoices:
		return opts.InvoicesXLSX(w, x.Invoices)
	case x.File.Format == FormatCSV:
		return opts.HistoryCSV(w, x.History)
	default:
		return opts.HistoryXLSX(w, x.History)
	}
}

// CompanyLocation is the company's time zone; an unknown zone is an
// error that names it.
func CompanyLocation(co store.Company) (*time.Location, error) {
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q of %s: %w", co.TimeZone, co.Code, err)
	}
	return loc, nil
}

// InvoicesExport returns the rows of co's invoices under f as every door
// exports them: times in the company's zone, and the customers' figures
// by the one definition of owed (store.AttachPositions, on the day of
// f.Now in the company's zone).
func InvoicesExport(ctx context.Context, st *store.Store, co store.Company, f store.InvoiceFilter) ([]store.InvoiceRow, error) {
	loc, err := CompanyLocation(co)
	if err != nil {
		return nil, err
	}
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	rows, err := st.ListInvoices(ctx, f)
	if err != nil {
		return nil, err
	}
	export.InLocation(rows, loc)
	if err := st.AttachPositions(ctx, co.Code, rows, calendar.Of(f.Now.In(loc))); err != nil {
		return nil, err
	}
	return rows, nil
}

// Name is the file's name for the company on day: relances-ACME-2026-12-08.xlsx,
// historique-ACME-2026-12-08.csv.
func (f ExportFile) Name(company string, day calendar.Date) string {
	base := "relances"
	if f.What == ExportHistory {
		base = "historique"
	}
	return fmt.Sprintf("%s-%s-%s.%s", base, company, day, f.Format)
}
