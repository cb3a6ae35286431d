package letter

import (
	"fmt"
	"strings"
)

// prepare returns copies of d and c that the PDF library can print
// whatever they hold: every string cleaned (see printer.clean), the
// invoice lines sorted by due date, invoice numbers cut to their column,
// words wider than the page broken. The address block is fitted to the
// envelope window later (addressBlock).
func (p *printer) prepare(d Data, c Content) (Data, Content) {
	co := d.Company
	co.Code = p.line("company code", co.Code)
	headWidth := float64(gridWidth) // the letterhead's width, narrower beside a logo
	if _, ok := logoType(co.Logo); ok {
		headWidth -= logoWidth + logoGap
	}
	co.LegalName = p.fit("company name", p.line("company name", co.LegalName), true, letterheadSize, headWidth)
	co.AddressLines = p.lines("company address line", co.AddressLines)
	co.City = p.line("company city", co.City)
	co.Email = p.line("company e-mail", co.Email)
	co.Phone = p.line("company phone", co.Phone)
	co.SIRET = p.line("company SIRET", co.SIRET)
	co.VATNumber = p.line("company VAT number", co.VATNumber)
	co.RCS = p.line("company RCS", co.RCS)
	co.IBAN = p.line("company IBAN", co.IBAN)
	co.BIC = p.line("company BIC", co.BIC)
	co.SignatoryName = p.line("signatory name", co.SignatoryName)
	co.SignatoryTitle = p.line("signatory title", co.SignatoryTitle)
	co.LegalForm = p.line("company legal form", co.LegalForm)
	co.Header = p.fit("letter header", p.line("letter header", co.Header), false, smallSize, headWidth)
	co.Footer = p.fit("letter footer", p.line("letter footer", co.Footer), false, footerSize, gridWidth)
	d.Company = co

	r := d.Recipient
	r.Code = p.fit("customer code", p.line("customer code", r.Code), false, smallSize, gridWidth/2)
	r.Name = p.line("recipient name", r.Name)
	r.Contact = p.line("recipient contact", r.Contact)
	r.AddressLines = p.lines("recipient address line", r.AddressLines)
	d.Recipient = r

	d.Reference = p.fit("letter reference", p.line("letter reference", d.Reference), false, smallSize, gridWidth/2)
	d.Lines = sortedLines(d.Lines)
	numberWidth := float64(numberColumnWidth(d.Lines)) - 3 // cell padding
	for i := range d.Lines {
		field := fmt.Sprintf("invoice line %d number", i+1)
		d.Lines[i].Number = p.fit(field, p.line(field, d.Lines[i].Number), false, tableTextSize, numberWidth)
		d.Lines[i].Level = p.line(fmt.Sprintf("invoice line %d level", i+1), d.Lines[i].Level)
	}

	c.Subject = p.breakLongWords("subject", p.line("subject", c.Subject), true, 10.5, gridWidth)
	c.Paragraphs = p.paragraphs("letter text", c.Paragraphs)
	c.Closing = p.paragraphs("closing text", c.Closing)
	return d, c
}

// lines cleans each of ls, numbering the fields from 1, in a new slice.
func (p *printer) lines(field string, ls []string) []string {
	out := make([]string, 0, len(ls))
	for i, l := range ls {
		if l = strings.TrimSpace(p.line(fmt.Sprintf("%s %d", field, i+1), l)); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// paragraphs cleans each paragraph and breaks the words too wide for the
// page, in a new slice.
func (p *printer) paragraphs(field string, ps []string) []string {
	out := make([]string, len(ps))
	for i, s := range ps {
		f := fmt.Sprintf("%s paragraph %d", field, i+1)
		out[i] = p.breakLongWords(f, p.paragraph(f, s), false, bodySize, gridWidth)
	}
	return out
}

// addressLine is one line of the address block.
type addressLine struct {
	text string
	bold bool
}

// addressWidth is the width of the address block, in millimetres: from
// windowLeft to the right edge of the window.
const addressWidth = float64(gridWidth - addressOffset)

// addressBlock fits the recipient's name and address into the envelope
// window: at most addressLines lines of addressWidth. The name may take
// two lines; any other line is cut to one. When there are too many lines,
// adjacent street lines are joined if the result fits, then the contact
// line goes, then the name keeps one line, then street lines go from the
// top: the last line (postal code and city) always stays. Every cut is
// reported.
func (p *printer) addressBlock(r Recipient, lab labels) []addressLine {
	name := wrap(r.Name, true, bodySize, addressWidth)
	if len(name) > 2 {
		name = []string{name[0], cutToWidth(strings.Join(name[1:], " "), true, bodySize, addressWidth)}
		p.warn("recipient name", "cut to two lines to fit the envelope window")
	}
	var contact string
	if r.Contact != "" {
		contact = p.fit("recipient contact", lab.attention+r.Contact, false, bodySize, addressWidth)
	}
	street := make([]string, len(r.AddressLines))
	for i, l := range r.AddressLines {
		street[i] = p.fit(fmt.Sprintf("recipient address line %d", i+1), l, false, bodySize, addressWidth)
	}
	count := func() int {
		n := len(name) + len(street)
		if contact != "" {
			n++
		}
		return n
	}
	// Join adjacent street lines (never the last one) while that fits.
	for count() > addressLines {
		joined := false
		for i := 0; i+2 < len(street); i++ {
			if j := street[i] + ", " + street[i+1]; textWidth(j, false, bodySize) <= addressWidth {
				street = append(append(street[:i:i], j), street[i+2:]...)
				joined = true
				p.warn("recipient address", "two lines joined to fit the envelope window")
				break
			}
		}
		if !joined {
			break
		}
	}
	if count() > addressLines && contact != "" {
		contact = ""
		p.warn("recipient contact", "left out to fit the envelope window")
	}
	if count() > addressLines && len(name) > 1 {
		name = []string{cutToWidth(name[0]+" "+name[1], true, bodySize, addressWidth)}
		p.warn("recipient name", "cut to one line to fit the envelope window")
	}
	for count() > addressLines && len(street) > 1 {
		street = street[1:]
		p.warn("recipient address", "first street line left out to fit the envelope window")
	}
	var out []addressLine
	for _, n := range name {
		out = append(out, addressLine{n, true})
	}
	if contact != "" {
		out = append(out, addressLine{contact, false})
	}
	for _, s := range street {
		out = append(out, addressLine{s, false})
	}
	return out
}
