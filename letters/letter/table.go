package letter

import (
	"fmt"
	"strconv"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/relance/relance/domain/fees"
	"github.com/shopspring/decimal"
)

// Heights of the invoice table rows, in millimetres. The header must be the
// tallest: a line that does not fit brings the header to the next page.
const (
	tableHeaderHeight = 8.0
	tableLineHeight   = 6.0
	tableTotalHeight  = 7.0
	tableTextSize     = 8.5
	tableHeaderSize   = 8.0
	tableMinLines     = 3    // lines kept under the header at the bottom of a page
	feeRowHeight      = 10.0 // room kept for one fees row (two lines of text)
)

var (
	headerFill = props.Color{Red: 226, Green: 232, Blue: 240}
	zebraFill  = props.Color{Red: 246, Green: 248, Blue: 250}
)

// column is one column of the invoice table.
type column struct {
	width int
	label string
	align align.Type
	value func(l Line, currency string) string
}

// tableColumns returns the columns of the table; the level column only
// when the lines are at different levels.
func tableColumns(lines []Line, lab labels) []column {
	withLevel := false
	for _, l := range lines[1:] {
		if l.Level != lines[0].Level {
			withLevel = true
		}
	}
	// Widths in mm, from DejaVu Sans metrics: the header labels must hold
	// on one line, dates and amounts up to 9 999 999,99 € too.
	widths := []int{32, 24, 24, 32, 30, 28}
	if withLevel {
		widths = []int{27, 21, 21, 31, 28, 26, 16}
	}
	cols := []column{
		{widths[0], lab.columns.number, align.Left, func(l Line, _ string) string { return l.Number }},
		{widths[1], lab.columns.issued, align.Left, func(l Line, _ string) string { return l.IssueDate.French() }},
		{widths[2], lab.columns.due, align.Left, func(l Line, _ string) string { return l.DueDate.French() }},
		{widths[3], lab.columns.amount, align.Right, func(l Line, cur string) string { return formatMoney(l.Amount, cur) }},
		{widths[4], lab.columns.balance, align.Right, func(l Line, cur string) string { return formatMoney(l.Balance, cur) }},
		{widths[5], lab.columns.overdue, align.Right, func(l Line, _ string) string {
			if l.NotDue || l.Kind != LineInvoice {
				return ""
			}
			return strconv.Itoa(l.DaysOverdue)
		}},
	}
	if withLevel {
		cols = append(cols, column{widths[6], lab.columns.level, align.Center, func(l Line, _ string) string { return l.Level }})
	}
	return cols
}

// numberColumnWidth is the width of the invoice number column for lines.
func numberColumnWidth(lines []Line) int {
	return tableColumns(lines, labelsFor(DefaultLanguage))[0].width
}

// addInvoiceTable adds the table of d's lines and its total row. Before a
// line that does not fit on the page, the header is repeated: maroto then
// puts it at the top of the next page, since it is the tallest row. The
// table starts on a new page rather than with fewer than tableMinLines
// lines at the bottom of one, and the last line stays with the total.
//
// When d claims fees, their rows follow the total and stay with it and the
// last invoice.
func addInvoiceTable(m core.Maroto, d Data, lab labels) {
	cols := tableColumns(d.Lines, lab)
	keep := min(len(d.Lines), tableMinLines)
	tail := tableTotalHeight // what goes with the last line
	if d.Fees != nil {
		tail += 2*feeRowHeight + tableTotalHeight + 2
	}
	if !m.FitlnCurrentPage(tableHeaderHeight + float64(keep)*tableLineHeight + tail) {
		m.AddPages(page.New()) // start the table on a fresh page
	}
	m.AddRows(tableHeader(cols))
	counted, upcoming := d.Counted(), d.Upcoming()
	last := len(counted) - 1
	for i, l := range counted {
		switch {
		case i == last && i > 0 && !m.FitlnCurrentPage(tableLineHeight+tail):
			// The total row never stands alone: the last invoice goes with it.
			m.AddPages(page.New())
			m.AddRows(tableHeader(cols))
		case !m.FitlnCurrentPage(tableLineHeight):
			m.AddRows(tableHeader(cols))
		}
		m.AddRows(tableLine(cols, l, d.Currency, i%2 == 1))
	}
	m.AddRows(tableTotal(cols, d, lab))
	if d.Fees != nil {
		m.AddRows(feeRows(cols, d, lab)...)
	}
	if len(upcoming) == 0 {
		return
	}
	// Items not yet due: listed for information after the total, under
	// their own heading, so the balance column above adds up to it.
	if !m.FitlnCurrentPage(tableTotalHeight + tableLineHeight) {
		m.AddPages(page.New())
	}
	width := 0
	for _, c := range cols {
		width += c.width
	}
	m.AddRows(spacerRow(2), row.New(tableTotalHeight).Add(
		text.NewCol(width, lab.typeset(lab.notDue), cellText(align.Left, fontstyle.Bold, 2))))
	for i, l := range upcoming {
		if !m.FitlnCurrentPage(tableLineHeight) {
			m.AddRows(tableHeader(cols))
		}
		m.AddRows(tableLine(cols, l, d.Currency, i%2 == 1))
	}
}

// feeRows print the fees d claims under the invoice table: the fixed
// indemnity, the penalties, and the total to pay (balances + fees), each
// amount under the balance column.
func feeRows(cols []column, d Data, lab labels) []core.Row {
	f, fl := d.Fees, lab.fees
	labelWidth := cols[0].width + cols[1].width + cols[2].width + cols[3].width
	rest := 0
	for _, c := range cols[5:] {
		rest += c.width
	}
	count := strconv.Itoa(f.Invoices()) + " " + fl.invoices
	if f.Invoices() == 1 {
		count = "1 " + fl.invoice
	}
	note := f.RateNote
	if fl.english {
		note = f.RateNoteEN
	}
	line := func(label, amount string, style fontstyle.Type, fill *props.Color, top float64) core.Row {
		p := cellText(align.Left, style, top)
		p.Bottom = 1.3
		p.VerticalPadding = 0.5 // between the lines of a wrapped label
		r := row.New().Add(
			text.NewCol(labelWidth, lab.typeset(label), p),
			text.NewCol(cols[4].width, amount, cellText(align.Right, style, top)),
			col.New(rest),
		)
		style2 := &props.Cell{BorderType: border.Bottom, BorderColor: &ruleColor, BorderThickness: 0.1}
		if fill != nil {
			style2 = &props.Cell{BackgroundColor: fill, BorderType: border.Top, BorderColor: &ruleColor, BorderThickness: 0.3}
		}
		return r.WithStyle(style2)
	}
	interest := line(fmt.Sprintf(fl.interest, f.On.French(), note),
		formatMoney(f.Interest, d.Currency), fontstyle.Normal, nil, 1.3)
	totalDue := fl.totalDue
	if len(f.MissingRates) > 0 {
		// A half-year without a published ECB rate: its penalties are
		// not itemised, never printed as 0,00, and the total says so.
		interest = line(fl.interestMissing, fl.notItemised, fontstyle.Normal, nil, 1.3)
		if f.Interest.IsPositive() {
			interest = line(fmt.Sprintf(fl.interestPartial, f.On.French()), formatMoney(f.Interest, d.Currency), fontstyle.Normal, nil, 1.3)
		}
		totalDue = fl.totalDueMissing
	}
	return []core.Row{
		spacerRow(2),
		line(fmt.Sprintf(fl.indemnity, formatMoney(fees.IndemnityPerInvoice, "EUR"), count),
			formatMoney(f.Indemnity, "EUR"), fontstyle.Normal, nil, 1.3),
		interest,
		line(totalDue, formatMoney(f.TotalDue, d.Currency), fontstyle.Bold, &headerFill, 2),
	}
}

// cellText is the text style of a table cell.
func cellText(a align.Type, style fontstyle.Type, top float64) props.Text {
	size := tableTextSize
	if style == fontstyle.Bold {
		size = tableHeaderSize
	}
	return props.Text{Size: size, Style: style, Align: a, Top: top, Left: 1.5, Right: 1.5}
}

func tableHeader(cols []column) core.Row {
	r := row.New(tableHeaderHeight)
	for _, c := range cols {
		r.Add(text.NewCol(c.width, c.label, cellText(c.align, fontstyle.Bold, 2.2)))
	}
	return r.WithStyle(&props.Cell{BackgroundColor: &headerFill, BorderType: border.Bottom, BorderColor: &ruleColor, BorderThickness: 0.3})
}

func tableLine(cols []column, l Line, currency string, zebra bool) core.Row {
	r := row.New(tableLineHeight)
	for _, c := range cols {
		r.Add(text.NewCol(c.width, c.value(l, currency), cellText(c.align, fontstyle.Normal, 1.3)))
	}
	style := &props.Cell{BorderType: border.Bottom, BorderColor: &ruleColor, BorderThickness: 0.1}
	if zebra {
		style.BackgroundColor = &zebraFill
	}
	return r.WithStyle(style)
}

// tableTotal sums the amounts and balances under their columns.
func tableTotal(cols []column, d Data, lab labels) core.Row {
	amount := decimal.Zero
	for _, l := range d.Lines {
		if !l.NotDue {
			amount = amount.Add(l.Amount)
		}
	}
	labelWidth := cols[0].width + cols[1].width + cols[2].width
	r := row.New(tableTotalHeight).Add(
		text.NewCol(labelWidth, lab.total, cellText(align.Left, fontstyle.Bold, 2)),
		text.NewCol(cols[3].width, formatMoney(amount, d.Currency), cellText(align.Right, fontstyle.Bold, 2)),
		text.NewCol(cols[4].width, formatMoney(d.Total(), d.Currency), cellText(align.Right, fontstyle.Bold, 2)),
	)
	rest := 0
	for _, c := range cols[5:] {
		rest += c.width
	}
	r.Add(col.New(rest))
	return r.WithStyle(&props.Cell{BackgroundColor: &headerFill, BorderType: border.Top, BorderColor: &ruleColor, BorderThickness: 0.3})
}
