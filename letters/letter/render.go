package letter

import (
	"errors"
	"fmt"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// Page geometry, in millimetres. The grid has one unit per millimetre of
// the printable width, so column sizes are millimetres too.
const (
	marginLeft   = 20.0
	marginRight  = 20.0
	marginTop    = 12.0
	marginBottom = 12.0
	gridWidth    = 170 // A4 width (210) minus the side margins

	// The address block sits in the window of a DL or C5 window envelope
	// (window 45 × 100 mm, about 20 mm from the right edge): its first line
	// starts windowLeft from the left edge of the sheet and windowTop from
	// the top.
	windowLeft = 105.0
	windowTop  = 50.0
)

// Render returns the A4 PDF of the letter: letterhead, recipient block, date
// and place, subject, body paragraphs, invoice table with totals, closing
// paragraphs, legal footer and page numbers on every page. Invoice lines
// that do not fit on a page continue on the next one under a repeated table
// header. The text comes from c (see Compose); the data from d. What had to
// be changed to print is dropped: RenderChecked returns it.
func Render(d Data, c Content) ([]byte, error) {
	pdf, _, err := RenderChecked(d, c)
	return pdf, err
}

// RenderChecked is Render, and also returns what it changed so that the
// letter prints (see Warning): characters the fonts lack left out or
// replaced, names and address lines cut to fit the envelope window, words
// too long for the page broken. No input makes it panic: a panic of the
// PDF library is returned as an error.
func RenderChecked(d Data, c Content) (pdf []byte, warnings []Warning, err error) {
	defer func() {
		if r := recover(); r != nil {
			pdf, warnings = nil, nil
			err = fmt.Errorf("render letter %s: PDF library failed: %v", d.Reference, r)
		}
	}()
	pdf, warnings, err = render(d, c)
	if err != nil {
		return nil, warnings, fmt.Errorf("render letter %s: %w", d.Reference, err)
	}
	return pdf, warnings, nil
}

func render(d Data, c Content) ([]byte, []Warning, error) {
	if len(d.Lines) == 0 {
		return nil, nil, errors.New("no invoice lines")
	}
	if d.Date.IsZero() {
		return nil, nil, errors.New("no letter date")
	}
	fonts, err := customFonts()
	if err != nil {
		return nil, nil, err
	}
	if _, _, err := loadMetrics(); err != nil {
		return nil, nil, err
	}
	d.Currency = currencyOrDefault(d.Currency)
	lab := labelsFor(d.Language)
	p := &printer{}
	d, c = p.prepare(d, c)

	m := maroto.New(newConfig(d, c, fonts, lab))
	if err := m.RegisterFooter(footerRows(d.Company, lab)...); err != nil {
		return nil, nil, fmt.Errorf("footer: %w", err)
	}
	m.AddRows(letterheadRow(d.Company, lab, p))
	m.AddRows(recipientRows(d, lab, p)...)
	m.AddRows(headingRows(d, c, lab)...)
	m.AddRows(paragraphRows(c.Paragraphs, lab)...)
	addInvoiceTable(m, d, lab)
	addPaymentBox(m, d, lab)
	m.AddRows(spacerRow(6))
	m.AddRows(paragraphRows(c.Closing, lab)...)

	doc, err := m.Generate()
	if err != nil {
		return nil, nil, fmt.Errorf("generate: %w", err)
	}
	return doc.GetBytes(), p.warnings, nil
}

// newConfig sets the page, the embedded font as default, page numbers and
// the PDF metadata.
func newConfig(d Data, c Content, fonts []*entity.CustomFont, lab labels) *entity.Config {
	b := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginLeft).
		WithRightMargin(marginRight).
		WithTopMargin(marginTop).
		WithBottomMargin(marginBottom).
		WithMaxGridSize(gridWidth).
		WithCustomFonts(fonts).
		WithDefaultFont(&props.Font{Family: fontFamily, Size: bodySize, Color: &inkColor}).
		WithPageNumber(props.PageNumber{
			Pattern: pagePattern(d.Reference, lab),
			Place:   props.RightBottom,
			Family:  fontFamily,
			Size:    footerSize,
			Color:   &mutedColor,
		}).
		WithCompression(true).
		WithTitle(c.Subject, true).
		WithAuthor(d.Company.LegalName, true).
		WithSubject(d.Reference, true).
		WithCreator("relance", false)
	if !d.Date.IsZero() {
		b = b.WithCreationDate(d.Date.UTC())
	}
	return b.Build()
}

// pagePattern is the page number line: the letter reference, so that a
// loose page can be matched, and "Page 1/2".
func pagePattern(reference string, lab labels) string {
	if reference == "" {
		return lab.pagePattern
	}
	return lab.pageRef + reference + " – " + lab.pagePattern
}
