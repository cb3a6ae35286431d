package letter

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
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
// the company name: more are left out and reported.
func letterheadRow(co Company, lab labels, p *printer) core.Row {
	width := gridWidth
	var logo core.Col
	if ext, ok := logoType(co.Logo); ok {
		logo = image.NewFromBytesCol(logoWidth, co.Logo, ext, props.Rect{Percent: 100})
		width -= logoWidth + logoGap
	} else if len(co.Logo) > 0 {
		p.warn("company logo", "not a PNG or JPEG image: left out")
	}
	c := col.New(width)
	c.Add(text.New(co.LegalName, props.Text{Size: letterheadSize, Style: fontstyle.Bold, Color: &accentColor}))
	lines := append([]string(nil), co.AddressLines...)
	if co.Phone != "" {
		lines = append(lines, lab.phone+" "+co.Phone)
	}
	if co.Email != "" {
		lines = append(lines, co.Email)
	}
	if len(lines) > letterheadLines {
		p.warn("company address", "%d lines left out of the letterhead", len(lines)-letterheadLines)
		lines = lines[:letterheadLines]
	}
	top := 7.5
	for i, l := range lines {
		l = p.fit(fmt.Sprintf("company letterhead line %d", i+1), l, false, smallSize, float64(width))
		c.Add(text.New(l, props.Text{Size: smallSize, Top: top, Color: &mutedColor}))
		top += 4
	}
	if co.Header != "" {
		c.Add(text.New(co.Header, props.Text{Size: smallSize, Top: top + 1.5, Color: &accentColor}))
	}
	if logo != nil {
		return row.New(windowTop-marginTop).Add(logo, col.New(logoGap), c)
	}
	return row.New(windowTop - marginTop).Add(c)
}

// The logo fits a box logoWidth mm wide and the letterhead's height,
// logoGap mm left of the company's name.
const (
	logoWidth = 30
	logoGap   = 4
)

// logoType is the maroto extension of a PNG or JPEG logo.
func logoType(b []byte) (extension.Type, bool) {
	switch {
	case len(b) > 8 && string(b[1:4]) == "PNG":
		return extension.Png, true
	case len(b) > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return extension.Jpeg, true
	}
	return "", false
}

// letterheadLines is how many lines the letterhead holds under the name.
const letterheadLines = 6

// Address block: at most addressLines lines (the postal standard NF Z10-011
// allows six) of addressLineHeight mm.
const (
	addressLines      = 6
	addressLineHeight = 4.8
)

// recipientRows print the customer's name and address where the envelope
// window shows it, one row per line, each fitted to the window (see
// addressBlock). A short address is padded to the full block height, so
// that what follows stays in place.
func recipientRows(d Data, lab labels, p *printer) []core.Row {
	lines := p.addressBlock(d.Recipient, lab)
	var rows []core.Row
	for _, l := range lines {
		gap := addressLineHeight - bodySize*25.4/72 // from the font height to the line height
		tp := props.Text{Size: bodySize, VerticalPadding: gap, Bottom: gap}
		if l.bold {
			tp.Style = fontstyle.Bold
		}
		rows = append(rows, row.New().Add(col.New(addressOffset), text.NewCol(gridWidth-addressOffset, l.text, tp)))
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
	}
	if d.Registered() {
		rows = append(rows, row.New().Add(text.NewCol(gridWidth, lab.registered,
			props.Text{Style: fontstyle.Bold, Size: bodySize, Bottom: 1.5})))
	}
	rows = append(rows,
		row.New().Add(text.NewCol(gridWidth, lab.subject+lab.typeset(c.Subject),
			props.Text{Style: fontstyle.Bold, Size: 10.5, VerticalPadding: lineGap, Bottom: 1.5})))
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
	if co.LegalForm != "" {
		identity[0] += ", " + co.LegalForm
	}
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
	if rcs := co.RCSLabel(); rcs != "" {
		legal = append(legal, rcs)
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
	if co.Footer != "" {
		rows = append(rows, row.New().Add(text.NewCol(gridWidth, co.Footer,
			props.Text{Size: footerSize, Align: align.Center, Color: &inkColor, Bottom: 1})))
	}
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
