package letter

import (
	"html"
	"strings"

	"github.com/relance/relance/domain/calendar"
)

// Promise is a customer's promise to pay (the "Je m'engage à payer le…"
// answer of its page) that passed without the payment.
type Promise struct {
	Date     calendar.Date // the date the customer promised
	Invoices []string      // numbers of the promised invoices still owed
}

// Sentence is the paragraph that names the broken promise, in language
// ("fr" or "en", French otherwise).
func (p Promise) Sentence(language string) string {
	english := strings.HasPrefix(strings.ToLower(language), "en")
	switch {
	case english && len(p.Invoices) == 1:
		return "You had undertaken to pay invoice " + p.Invoices[0] + " by " + p.Date.French() + "; we have not received this payment."
	case english && len(p.Invoices) > 1:
		return "You had undertaken to pay invoices " + strings.Join(p.Invoices, ", ") + " by " + p.Date.French() + "; we have not received this payment."
	case english:
		return "You had undertaken to pay by " + p.Date.French() + "; we have not received this payment."
	case len(p.Invoices) == 1:
		return "Vous vous étiez engagé(e) à régler la facture " + p.Invoices[0] + " au " + p.Date.French() + " ; ce règlement ne nous est pas parvenu."
	case len(p.Invoices) > 1:
		return "Vous vous étiez engagé(e) à régler les factures " + strings.Join(p.Invoices, ", ") + " au " + p.Date.French() + " ; ce règlement ne nous est pas parvenu."
	}
	return "Vous vous étiez engagé(e) à régler votre compte au " + p.Date.French() + " ; ce règlement ne nous est pas parvenu."
}

// WithBrokenPromise puts the sentence of d.BrokenPromise in the opening of
// c, right after the salutation (the first paragraph), in the PDF, the
// text and the HTML of the e-mail, whatever template wrote c. Without a
// broken promise c is returned as it is.
func WithBrokenPromise(c Content, d Data) Content {
	if d.BrokenPromise == nil {
		return c
	}
	s := d.BrokenPromise.Sentence(d.Language)
	if len(c.Paragraphs) > 0 {
		c.Paragraphs = append(c.Paragraphs[:1], append([]string{s}, c.Paragraphs[1:]...)...)
	} else {
		c.Paragraphs = []string{s}
	}
	if head, rest, ok := strings.Cut(c.Text, "\n\n"); ok {
		c.Text = head + "\n\n" + s + "\n\n" + rest
	} else {
		c.Text = s + "\n\n" + c.Text
	}
	para := `<p class="broken-promise"><strong>` + html.EscapeString(s) + `</strong></p>`
	if i := strings.Index(c.HTML, "</p>"); i >= 0 {
		c.HTML = c.HTML[:i+4] + "\n" + para + c.HTML[i+4:]
	} else {
		c.HTML = para + "\n" + c.HTML
	}
	return c
}
