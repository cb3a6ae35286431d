// Package export writes the operators' lists as spreadsheets for French
// finance teams (seed 003: "Exporter la liste des factures sous Excel",
// "Exporter l'historique des relances sous Excel"): the invoices to remind
// and the reminder history, as XLSX or as CSV.
//
// XLSX files hold real values: dates are Excel dates shown "dd/mm/yyyy",
// amounts are numbers (exact to the cent) shown with the custom format
// `#,##0.00\ "€"`. In a number format "," and "." are placeholders for the
// thousands and decimal separators of the reader's locale, so French Excel
// or LibreOffice shows 1 234,56 € and an English one 1,234.56 €, while the
// cell keeps 1234.56 for sums and pivot tables. The header row is bold,
// frozen and carries an autofilter.
//
// CSV files are written the way French Excel opens them with a double
// click: UTF-8 with a byte order mark, ";" between fields, a decimal comma
// without thousands separator (so cells are read as numbers), dates
// dd/mm/yyyy, CRLF line ends.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// Number formats of the XLSX cells.
const (
	DateFormat     = "dd/mm/yyyy"
	DateTimeFormat = "dd/mm/yyyy hh:mm"
)

// AmountFormat returns the custom number format of amounts in currency:
// `#,##0.00\ "€"` for euros (1 234,56 € in a French Excel).
func AmountFormat(currency string) string {
	sym := money.Symbol(currency)
	if sym == "" {
		sym = "€"
	}
	return `#,##0.00\ "` + strings.ReplaceAll(sym, `"`, "") + `"`
}

// Sheet names.
const (
	InvoicesSheet = "Relances"
	HistorySheet  = "Historique"
)

// InvoiceHeader is the header row of the invoices export, in column order.
var InvoiceHeader = headers(invoiceColumns)

// HistoryHeader is the header row of the history export.
var HistoryHeader = headers(historyColumns)

func headers(cols []column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.header
	}
	return h
}

// Progress is told how many rows were written (a *progress.Bar is one).
type Progress interface{ Add(n int) }

// Options tune an export; the zero value is the default.
type Options struct {
	// Progress, when set, is told of each row written.
	Progress Progress
	// Level, when set, names a level code as the screens do (the ladder's
	// labels); LevelLabel otherwise.
	Level func(code string) string
	// Detail, when set, rewrites a history detail for the reader (the
	// screens' French sentences and dates); kept as recorded otherwise.
	Detail func(kind, level, detail string) string
}

func (o Options) level(code string) string {
	if o.Level != nil && code != "NONE" && code != "" {
		return o.Level(code)
	}
	return LevelLabel(code)
}

func (o Options) detail(kind, level, detail string) string {
	if o.Detail != nil {
		return o.Detail(kind, level, detail)
	}
	return detail
}

func (o Options) tick() {
	if o.Progress != nil {
		o.Progress.Add(1)
	}
}

// InvoicesCSV writes rows as a CSV file for French Excel.
func InvoicesCSV(w io.Writer, rows []store.InvoiceRow) error { return Options{}.InvoicesCSV(w, rows) }

// HistoryCSV writes the history rows as a CSV file for French Excel.
func HistoryCSV(w io.Writer, rows []store.HistoryExportRow) error {
	return Options{}.HistoryCSV(w, rows)
}

// InvoicesXLSX writes rows as an XLSX workbook with one sheet, "Relances".
func InvoicesXLSX(w io.Writer, rows []store.InvoiceRow) error { return Options{}.InvoicesXLSX(w, rows) }

// HistoryXLSX writes the history rows as an XLSX workbook with one sheet,
// "Historique".
func HistoryXLSX(w io.Writer, rows []store.HistoryExportRow) error {
	return Options{}.HistoryXLSX(w, rows)
}

var statusLabels = map[string]string{
	string(dunning.StatusActive):     "En cours",
	string(dunning.StatusPaused):     "En pause",
	string(dunning.StatusHeld):       "Bloquée",
	string(dunning.StatusUnresolved): "Non soldé",
	string(dunning.StatusPaid):       "Soldée",
	string(dunning.StatusClosed):     "Close",
	"":                               "Non démarrée",
}

// StatusLabel returns the French label of a dunning status ("En pause");
// an empty status (no workflow ran yet) is "Non démarrée".
func StatusLabel(status string) string {
	if l, ok := statusLabels[status]; ok {
		return l
	}
	return status
}

// LevelLabel returns a level code as lists show it: NONE (no letter yet)
// is empty, UNRESOLVED is "Non soldé".
func LevelLabel(code string) string {
	switch code {
	case "NONE":
		return ""
	case "UNRESOLVED":
		return "Non soldé"
	}
	return code
}

var kindLabels = map[string]string{
	string(dunning.EventStarted):      "Relance démarrée",
	string(dunning.EventLetterSent):   "Lettre envoyée",
	string(dunning.EventLetterPrint):  "Lettre à imprimer",
	string(dunning.EventLetterUnsure): "Envoi incertain",
	string(dunning.EventLetterFailed): "Échec de l'envoi",
	string(dunning.EventSkipped):      "Niveau ignoré",
	string(dunning.EventReverted):     "Retour au niveau précédent",
	string(dunning.EventPaused):       "Mise en pause",
	string(dunning.EventResumed):      "Reprise",
	string(dunning.EventHeld):         "Relance bloquée",
	string(dunning.EventCommented):    "Commentaire",
	string(dunning.EventPayment):      "Règlement",
	string(dunning.EventPaymentBad):   "Règlement refusé",
	string(dunning.EventUnresolved):   "Non soldé",
	string(dunning.EventPaid):         "Soldée",
	string(dunning.EventClosed):       "Close",
	string(dunning.EventNoLetter):     "Pas de lettre",
	string(dunning.EventAsked):        "Lettre demandée (Exécuter)",
}

// KindLabel returns the French label of a history event kind.
func KindLabel(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

func kindOfInvoice(kind string) string {
	if kind == "credit_note" {
		return "Avoir"
	}
	return "Facture"
}

// InLocation moves the next action instants of rows to loc (the company's
// time zone) so that exports show them as the company's clock reads them.
func InLocation(rows []store.InvoiceRow, loc *time.Location) {
	for i := range rows {
		if t := rows[i].NextActionAt; t != nil {
			v := t.In(loc)
			rows[i].NextActionAt = &v
		}
	}
}

// text neutralises a CSV field a spreadsheet would take for a formula
// (=, +, -, @, tab, CR at the start): it is prefixed with ' as seed 003's
// export does, so Excel shows it as text.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvAmount writes d with two decimals and a decimal comma, no grouping:
// French Excel reads "6019,20" as the number 6019.2.
func csvAmount(d decimal.Decimal) string {
	return strings.Replace(d.StringFixed(2), ".", ",", 1)
}

func csvDateTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006 15:04")
}

// writeCSV writes a CSV file for French Excel (BOM, ";", CRLF): the
// header, then record(i) for each of n rows, ticking the progress.
func (o Options) writeCSV(w io.Writer, header []string, n int, record func(i int) []string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("csv export: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("csv export: %w", err)
	}
	for i := range n {
		if err := cw.Write(record(i)); err != nil {
			return fmt.Errorf("csv export: %w", err)
		}
		o.tick()
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv export: %w", err)
	}
	return nil
}

// InvoicesCSV writes rows as a CSV file for French Excel.
func (o Options) InvoicesCSV(w io.Writer, rows []store.InvoiceRow) error {
	return o.writeCSV(w, InvoiceHeader, len(rows), func(i int) []string {
		x := rows[i]
		return []string{
			o.level(x.Level), text(x.Number), kindOfInvoice(x.Kind), text(x.Customer), text(x.CustomerName),
			x.IssueDate.French(), x.DueDate.French(), overdue(x), csvAmount(x.Amount), csvAmount(x.Balance),
			x.Currency, o.level(x.NextLevel), StatusLabel(x.Status), csvDateTime(x.NextActionAt), text(x.Comment),
			csvAmountOf(x.CustomerBalance), csvAmountOf(x.CustomerOwed), issued(x), text(x.InvoiceStatus),
			text(x.CustomerStatus), text(x.CustomerPrevious),
		}
	})
}

// issued is seed 001's "Éditée" tick: "oui" when the letter of the
// invoice's current level went out.
func issued(x store.InvoiceRow) string {
	if x.Issued {
		return "oui"
	}
	return ""
}

// csvAmountOf is csvAmount of a figure that may be missing (empty).
func csvAmountOf(d *decimal.Decimal) string {
	if d == nil {
		return ""
	}
	return csvAmount(*d)
}

// amountOrNil is an XLSX cell's value for a figure that may be missing.
func amountOrNil(d *decimal.Decimal) any {
	if d == nil {
		return nil
	}
	return *d
}

// overdue is the days overdue, empty without a due date.
func overdue(x store.InvoiceRow) string {
	if x.DueDate.IsZero() {
		return ""
	}
	return strconv.Itoa(x.DaysOverdue)
}

// HistoryCSV writes the history rows as a CSV file for French Excel.
func (o Options) HistoryCSV(w io.Writer, rows []store.HistoryExportRow) error {
	return o.writeCSV(w, HistoryHeader, len(rows), func(i int) []string {
		x := rows[i]
		return []string{csvDateTime(&x.At), text(x.Invoice), text(x.Customer), text(x.CustomerName), KindLabel(x.Kind),
			o.level(x.Level), text(o.detail(x.Kind, x.Level, x.Detail)), text(x.Actor)}
	})
}

// dateValue is the Excel value of a date, nil (an empty cell) for none.
func dateValue(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.UTC()
}
