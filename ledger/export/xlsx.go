package export

import (
	"fmt"
	"io"
	"time"

	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// cellKind says how a column's cells are written and formatted.
type cellKind int

const (
	textCell     cellKind = iota
	dateCell              // calendar.Date → Excel date, dd/mm/yyyy
	dateTimeCell          // time.Time → Excel date and time, dd/mm/yyyy hh:mm
	intCell               // whole number
	amountCell            // decimal.Decimal → number, #,##0.00 "€" (per row currency)
)

type column struct {
	header string
	width  float64
	kind   cellKind
}

var invoiceColumns = []column{
	{"Niveau", 9, textCell},
	{"N° de pièce", 13, textCell},
	{"Type", 9, textCell},
	{"Client", 11, textCell},
	{"Nom client", 30, textCell},
	{"Date pièce", 12, dateCell},
	{"Date d'échéance", 15, dateCell},
	{"Jours de retard", 9, intCell},
	{"Montant TTC", 15, amountCell},
	{"Solde dû", 15, amountCell},
	{"Devise", 8, textCell},
	{"Prochain niveau", 14, textCell},
	{"Statut", 13, textCell},
	{"Prochaine action", 17, dateTimeCell},
	{"Commentaire", 40, textCell},
	{"Solde comptable", 15, amountCell},
	{"Exigible client", 15, amountCell},
	{"Éditée", 8, textCell},
	{"Statut facture", 10, textCell},
	{"Statut client", 10, textCell},
	{"Statut précédent", 10, textCell},
}

var historyColumns = []column{
	{"Date", 17, dateTimeCell},
	{"N° de pièce", 13, textCell},
	{"Client", 11, textCell},
	{"Nom client", 30, textCell},
	{"Événement", 24, textCell},
	{"Niveau", 9, textCell},
	{"Détail", 60, textCell},
	{"Acteur", 14, textCell},
}

// book builds one sheet: header, typed cells, styles, widths, frozen
// header and autofilter.
type book struct {
	f      *excelize.File
	sheet  string
	cols   []column
	row    int // last row written
	styles map[string]int
}

func newBook(sheet string, cols []column, title string) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f, sheet: sheet, cols: cols, row: 1, styles: map[string]int{}}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "relance", Language: "fr-FR"})
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, name+"1", c.header); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(sheet, name, name, c.width); err != nil {
			return nil, err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(sheet, "A1", last+"1", header); err != nil {
		return nil, err
	}
	if err := f.SetRowHeight(sheet, 1, 30); err != nil {
		return nil, err
	}
	return b, nil
}

// style returns the ID of a style with custom number format numFmt.
func (b *book) style(numFmt string) (int, error) {
	if id, ok := b.styles[numFmt]; ok {
		return id, nil
	}
	var st excelize.Style
	if numFmt == "0" {
		st.NumFmt = 1 // built-in "0"
	} else {
		st.CustomNumFmt = &numFmt
	}
	id, err := b.f.NewStyle(&st)
	if err != nil {
		return 0, err
	}
	b.styles[numFmt] = id
	return id, nil
}

// add writes one row. values holds, per column: string, calendar.Date
// (through dateValue: time.Time or nil), *time.Time, int, or
// decimal.Decimal; currency picks the amount format.
func (b *book) add(values []any, currency string) error {
	b.row++
	for i, v := range values {
		cell, _ := excelize.CoordinatesToCellName(i+1, b.row)
		var numFmt string
		switch x := v.(type) {
		case nil:
			continue
		case string:
			if x == "" {
				continue
			}
			if err := b.f.SetCellStr(b.sheet, cell, x); err != nil {
				return err
			}
			continue
		case *time.Time:
			if x == nil || x.IsZero() {
				continue
			}
			if err := b.f.SetCellValue(b.sheet, cell, *x); err != nil {
				return err
			}
			numFmt = DateTimeFormat
		case time.Time:
			if err := b.f.SetCellValue(b.sheet, cell, x); err != nil {
				return err
			}
			numFmt = DateFormat
			if b.cols[i].kind == dateTimeCell {
				numFmt = DateTimeFormat
			}
		case int:
			if err := b.f.SetCellInt(b.sheet, cell, int64(x)); err != nil {
				return err
			}
			numFmt = "0"
		case decimal.Decimal:
			// The shortest float64 that reads back as the cent-rounded
			// decimal: 6019.2 is stored as "6019.2", exactly.
			if err := b.f.SetCellFloat(b.sheet, cell, x.Round(2).InexactFloat64(), -1, 64); err != nil {
				return err
			}
			numFmt = AmountFormat(currency)
		default:
			return fmt.Errorf("export: unexpected cell value %T", v)
		}
		id, err := b.style(numFmt)
		if err != nil {
			return err
		}
		if err := b.f.SetCellStyle(b.sheet, cell, cell, id); err != nil {
			return err
		}
	}
	return nil
}

// finish freezes the header, puts the autofilter on the table and writes
// the file to w.
func (b *book) finish(w io.Writer) error {
	defer b.f.Close()
	if err := b.f.SetPanes(b.sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(b.cols), b.row)
	if err := b.f.AutoFilter(b.sheet, "A1:"+last, nil); err != nil {
		return err
	}
	return b.f.Write(w)
}

// InvoicesXLSX writes rows as an XLSX workbook with one sheet, "Relances".
func (o Options) InvoicesXLSX(w io.Writer, rows []store.InvoiceRow) error {
	b, err := newBook(InvoicesSheet, invoiceColumns, "Factures à relancer")
	if err != nil {
		return fmt.Errorf("xlsx export: %w", err)
	}
	for _, x := range rows {
		var days any
		if !x.DueDate.IsZero() {
			days = x.DaysOverdue
		}
		vals := []any{o.level(x.Level), x.Number, kindOfInvoice(x.Kind), x.Customer, x.CustomerName,
			dateValue(x.IssueDate), dateValue(x.DueDate), days, x.Amount, x.Balance, x.Currency,
			o.level(x.NextLevel), StatusLabel(x.Status), x.NextActionAt, x.Comment,
			amountOrNil(x.CustomerBalance), amountOrNil(x.CustomerOwed), issued(x), x.InvoiceStatus, x.CustomerStatus, x.CustomerPrevious}
		if err := b.add(vals, x.Currency); err != nil {
			return fmt.Errorf("xlsx export: invoice %s: %w", x.Number, err)
		}
		o.tick()
	}
	if err := b.finish(w); err != nil {
		return fmt.Errorf("xlsx export: %w", err)
	}
	return nil
}

// HistoryXLSX writes the history rows as an XLSX workbook with one sheet,
// "Historique". Times are shown as the rows' own clock reads them (the
// store gives them in the company's time zone).
func (o Options) HistoryXLSX(w io.Writer, rows []store.HistoryExportRow) error {
	b, err := newBook(HistorySheet, historyColumns, "Historique des relances")
	if err != nil {
		return fmt.Errorf("xlsx export: %w", err)
	}
	for _, x := range rows {
		at := x.At
		vals := []any{&at, x.Invoice, x.Customer, x.CustomerName, KindLabel(x.Kind), o.level(x.Level), o.detail(x.Kind, x.Level, x.Detail), x.Actor}
		if err := b.add(vals, ""); err != nil {
			return fmt.Errorf("xlsx export: history of %s: %w", x.Invoice, err)
		}
		o.tick()
	}
	if err := b.finish(w); err != nil {
		return fmt.Errorf("xlsx export: %w", err)
	}
	return nil
}
