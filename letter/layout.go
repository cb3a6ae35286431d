package letter

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// Font sizes (points) and colours of the letter.
const (
	bodySize       = 10.0
	letterheadSize = 14.0
	smallSize      = 9.0
	footerSize     = 7.0
	lineGap        = 0.9 // mm between the lines of a paragraph
	paragraphGap   = 3.0 // mm between paragraphs
)

var (
	inkColor    = props.Color{Red: 33, Green: 37, Blue: 41}
	accentColor = props.Color{Red: 31, Green: 56, Blue: 100}
	mutedColor  = props.Color{Red: 105, Green: 110, Blue: 117}
	ruleColor   = props.Color{Red: 190, Green: 196, Blue: 204}
)

// addressOffset is the width of the empty column left of the address block.
const addressOffset = int(windowLeft - marginLeft)

// letterheadRow prints the company top left; its height brings the next row
// (the address block) down to windowTop. It has room for six lines under
// the company name.
func letterheadRow(co Company, lab labels) core.Row {
	c := col.New(gridWidth)
	c.Add(text.New(co.LegalName, props.Text{Size: letterheadSize, Style: fontstyle.Bold, Color: &accentColor}))
	lines := append([]string(nil), co.AddressLines...)
	if co.Phone != "" {
		lines = append(lines, lab.phone+" "+co.Phone)
	}
	if co.Email != "" {
		lines = append(lines, co.Email)
	}
	top := 7.5
	for _, l := range lines {
		c.Add(text.New(l, props.Text{Size: smallSize, Top: top, Color: &mutedColor}))
		top += 4
	}
	return row.New(windowTop - marginTop).Add(c)
}

// Address block: at most addressLines lines (the postal standard NF Z10-011
// allows six) of addressLineHeight mm.
const (
	addressLines      = 6
	addressLineHeight = 4.8
)

// recipientRows print the customer's name and address where the envelope
// window shows it, one row per line so that a line too long for the window
// wraps without covering the next. A short address is padded to the full
// block height, so that what follows stays in place.
func recipientRows(r Recipient, lab labels) []core.Row {
	lines := []string{r.Name}
	if r.Contact != "" {
		lines = append(lines, lab.attention+r.Contact)
	}
	lines = append(lines, r.AddressLines...)
	var rows []core.Row
	for i, l := range lines {
		gap := addressLineHeight - bodySize*25.4/72 // from the font height to the line height
		p := props.Text{Size: bodySize, VerticalPadding: gap, Bottom: gap}
		if i == 0 {
			p.Style = fontstyle.Bold
		}
		rows = append(rows, row.New().Add(col.New(addressOffset), text.NewCol(gridWidth-addressOffset, l, p)))
	}
	if missing := addressLines - len(lines); missing > 0 {
		rows = append(rows, spacerRow(float64(missing)*addressLineHeight))
	}
	return rows
}

// headingRows prints the place and date under the address, then the subject
// and the references.
func headingRows(d Data, c Content, lab labels) []core.Row {
	placeDate := fmt.Sprintf(lab.dateOnly, d.Date.French())
	if d.Company.City != "" {
		placeDate = fmt.Sprintf(lab.placeDate, d.Company.City, d.Date.French())
	}
	refs := []string{}
	if d.Reference != "" {
		refs = append(refs, lab.reference+d.Reference)
	}
	if d.Recipient.Code != "" {
		refs = append(refs, lab.customer+d.Recipient.Code)
	}
	rows := []core.Row{
		row.New(15).Add(
			col.New(addressOffset),
			text.NewCol(gridWidth-addressOffset, placeDate, props.Text{Top: 5}),
		),
		row.New().Add(text.NewCol(gridWidth, lab.subject+lab.typeset(c.Subject),
			props.Text{Style: fontstyle.Bold, Size: 10.5, VerticalPadding: lineGap, Bottom: 1.5})),
	}
	if len(refs) > 0 {
		rows = append(rows, row.New().Add(text.NewCol(gridWidth, strings.Join(refs, "     "),
			props.Text{Size: smallSize, Color: &mutedColor})))
	}
	return append(rows, spacerRow(7))
}

// paragraphRows prints paragraphs, one row per line of the template (a
// "\n" in a paragraph); a row that does not fit at the bottom of a page
// moves whole to the next one.
func paragraphRows(paragraphs []string, lab labels) []core.Row {
	var rows []core.Row
	for _, p := range paragraphs {
		p = lab.typeset(p)
		lines := strings.Split(p, "\n")
		for i, l := range lines {
			bottom := lineGap
			if i == len(lines)-1 {
				bottom = paragraphGap
			}
			rows = append(rows, row.New().Add(text.NewCol(gridWidth, l,
				props.Text{Size: bodySize, VerticalPadding: lineGap, Bottom: bottom})))
		}
	}
	return rows
}

// spacerRow is empty vertical space.
func spacerRow(height float64) core.Row {
	return row.New(height).Add(col.New(gridWidth))
}

// footerRows is the legal footer printed at the bottom of every page.
func footerRows(co Company, lab labels) []core.Row {
	identity := []string{co.LegalName}
	if len(co.AddressLines) > 0 {
		identity = append(identity, strings.Join(co.AddressLines, ", "))
	}
	if co.Phone != "" {
		identity = append(identity, lab.phone+" "+co.Phone)
	}
	if co.Email != "" {
		identity = append(identity, co.Email)
	}
	var legal, bank []string
	if co.SIRET != "" {
		legal = append(legal, "SIRET "+co.SIRET)
	}
	if co.RCS != "" {
		legal = append(legal, "RCS "+co.RCS)
	}
	if co.VATNumber != "" {
		legal = append(legal, lab.vat+" "+co.VATNumber)
	}
	if co.IBAN != "" {
		bank = append(bank, "IBAN "+co.IBAN)
	}
	if co.BIC != "" {
		bank = append(bank, "BIC "+co.BIC)
	}
	rows := []core.Row{spacerRow(5)} // keeps the page's last row off the rule
	for i, parts := range [][]string{identity, legal, bank} {
		if len(parts) == 0 {
			continue
		}
		p := props.Text{Size: footerSize, Align: align.Center, Color: &mutedColor, Bottom: 0.6}
		if i == 0 {
			p.Top = 2
		}
		r := row.New().Add(text.NewCol(gridWidth, strings.Join(parts, " – "), p))
		if i == 0 {
			r.WithStyle(&props.Cell{BorderType: border.Top, BorderColor: &ruleColor, BorderThickness: 0.2})
		}
		rows = append(rows, r)
	}
	return rows
}
