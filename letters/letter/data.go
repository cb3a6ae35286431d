// Package letter turns a reminder into what the customer receives: the
// e-mail subject and bodies (from templates with merge fields) and the PDF
// letter (maroto v2, A4, window-envelope address block).
package letter

import (
	"sort"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/fees"
	"github.com/shopspring/decimal"
)

// Company is the creditor, as printed in the letterhead and legal footer.
type Company struct {
	Code         string
	LegalName    string
	AddressLines []string // street lines, then "75002 Paris"
	City         string   // place printed before the date ("Paris, le 23/11/2026")
	Email        string
	Phone        string
	SIRET        string
	VATNumber    string
	RCS          string
	IBAN         string
	BIC          string
	// SignatoryName and SignatoryTitle sign the letters ("Claire Martin",
	// "Responsable du recouvrement"); when the name is empty the
	// accounts receivable department signs.
	SignatoryName  string
	SignatoryTitle string
	// LegalForm follows the legal name in the footer ("SAS au capital de
	// 10 000 €"); Header is a line under the letterhead, Footer a line
	// above the legal footer. Each may be empty.
	LegalForm string
	Header    string
	Footer    string
	// Logo is a PNG or JPEG printed at the top left of the letterhead
	// (nil: none).
	Logo []byte
}

// Recipient is the customer the letter is addressed to.
type Recipient struct {
	Code         string
	Name         string
	Contact      string   // person to the attention of, may be empty
	AddressLines []string // street lines, then postal code and city; may be empty
	Email        string   // may be empty: the letter then goes to print
	Business     bool     // business customer (B2B) rather than an individual
}

// Line is one overdue invoice listed in a letter.
type Line struct {
	Number      string
	IssueDate   calendar.Date
	DueDate     calendar.Date
	Amount      decimal.Decimal // amount including tax
	Balance     decimal.Decimal // balance still due
	DaysOverdue int
	Level       string // level code of this invoice in this letter (R1, R2...)
	// Kind is what the row is in a customer statement: LineInvoice (the
	// zero value), LineCreditNote or LinePayment (an unapplied payment);
	// the last two have negative balances that the total deducts.
	Kind string
	// Instalment is the instalment's sequence number when the row is one
	// instalment of Number, 0 otherwise.
	Instalment int
	// NotDue marks an item not yet due, listed for information: it is not
	// counted in Total.
	NotDue bool
	// ClaimsFees is true when the row's level claims fees (the indemnity
	// and penalties are computed on it).
	ClaimsFees bool
}

// Kinds of statement rows (Line.Kind).
const (
	LineInvoice    = ""
	LineCreditNote = "credit_note"
	LinePayment    = "payment"
)

// Data is everything a letter says.
type Data struct {
	Company    Company
	Recipient  Recipient
	Language   string        // "fr" or "en"
	Date       calendar.Date // date printed on the letter
	LevelCode  string        // R1, R2, R3, MED
	LevelLabel string        // "2ème relance"
	Currency   string        // ISO code, EUR by default
	Lines      []Line
	Deadline   calendar.Date // pay-by date stated in the letter, may be zero
	Reference  string        // unique letter reference printed on it
	// Fees claimed on top of the balances (French B2B: 40 EUR indemnity per
	// invoice, late-payment penalties). nil when none are claimed: the level
	// does not claim fees, or the customer is an individual, who never owes
	// them. Templates show them with {{with .Fees}}...{{end}}.
	Fees *FeeBlock
	// RegisteredMail prints the mention "Lettre recommandée avec accusé de
	// réception" on the letter. A formal notice (level MED) always has it
	// (see Registered).
	RegisteredMail bool
	// PortalURL is the private link to the customer's statement page,
	// printed in the payment box and the e-mail; "" when the letter has
	// none (a preview).
	PortalURL string
	// BrokenPromise is the customer's promise to pay that passed without
	// the payment, when this is the first letter since: its opening says
	// so (see WithBrokenPromise). nil: none.
	BrokenPromise *Promise
}

// Total returns the sum of the balances due of d's lines: overdue items
// less credit notes and unapplied payments; items not yet due are listed
// for information and not counted.
func (d Data) Total() decimal.Decimal {
	total := decimal.Zero
	for _, l := range d.Lines {
		if l.NotDue {
			continue
		}
		total = total.Add(l.Balance)
	}
	return total
}

// Overdue returns the number of overdue invoices and instalments among
// d's lines: credit notes, unapplied payments and items not yet due are
// not counted ("les 3 factures suivantes").
func (d Data) Overdue() int {
	n := 0
	for _, l := range d.Lines {
		if l.Kind == LineInvoice && !l.NotDue {
			n++
		}
	}
	return n
}

// Counted returns d's lines that make its total: overdue items, credit
// notes and unapplied payments, in their order.
func (d Data) Counted() []Line {
	var out []Line
	for _, l := range d.Lines {
		if !l.NotDue {
			out = append(out, l)
		}
	}
	return out
}

// Upcoming returns d's lines not yet due ("à échoir"): listed for
// information after the total, never counted in it.
func (d Data) Upcoming() []Line {
	var out []Line
	for _, l := range d.Lines {
		if l.NotDue {
			out = append(out, l)
		}
	}
	return out
}

// Unapplied returns the payments on account d deducts (unapplied
// payments, LinePayment rows), as a positive amount; zero when none.
func (d Data) Unapplied() decimal.Decimal {
	total := decimal.Zero
	for _, l := range d.Lines {
		if l.Kind == LinePayment {
			total = total.Sub(l.Balance)
		}
	}
	return total
}

// CreditNotes returns the numbers of the credit notes d's lines deduct,
// so that a letter names them apart from the invoices.
func (d Data) CreditNotes() []string {
	var out []string
	for _, l := range d.Lines {
		if l.Kind == LineCreditNote {
			out = append(out, l.Number)
		}
	}
	return out
}

// FeeBlock is what a letter claims on top of the balances due, computed on
// day On (see package fees).
type FeeBlock struct {
	On        calendar.Date
	Indemnity decimal.Decimal // fixed recovery indemnity: 40 EUR per late invoice
	Interest  decimal.Decimal // late-payment penalties, to the cent
	Total     decimal.Decimal // Indemnity + Interest
	TotalDue  decimal.Decimal // the balances plus Total: what the customer must pay
	Lines     []FeeLine       // one per late invoice
	// RateNote states the penalty rate in French, to follow "au taux de":
	// "12,15 % l'an (taux BCE 2,15 % + 10 points)"; RateNoteEN in English,
	// to follow "at the rate of": "12.15% a year (ECB rate 2.15% + 10 points)".
	RateNote   string
	RateNoteEN string
	// MissingRates names the half-years whose ECB rate is missing: their
	// penalties are not claimed (the indemnity still is).
	MissingRates []string
	// MissingFrom is the first day of each half-year MissingRates names.
	MissingFrom []calendar.Date
}

// FeeLine is what is claimed on one late invoice.
type FeeLine struct {
	Number    string
	DaysLate  int
	Indemnity decimal.Decimal
	Interest  decimal.Decimal
}

// Invoices returns the number of invoices the indemnity is claimed on.
func (f FeeBlock) Invoices() int { return len(f.Lines) }

// FeesFrom turns a fees.Claim into the block a letter prints; balanceTotal
// is the sum of the balances the letter lists (Data.Total). It returns nil
// when the claim holds nothing (an individual's claim, or no late invoice):
// the letter then claims no fees.
func FeesFrom(c fees.Claim, balanceTotal decimal.Decimal) *FeeBlock {
	if len(c.Lines) == 0 || !c.Total.IsPositive() {
		return nil
	}
	b := &FeeBlock{
		On: c.On, Indemnity: c.Indemnity, Interest: c.Interest, Total: c.Total,
		TotalDue: balanceTotal.Add(c.Total),
	}
	var rates []decimal.Decimal // penalty rates in force, oldest half-year first
	seen := map[string]bool{}
	var periods []fees.Period
	for _, l := range c.Lines {
		b.Lines = append(b.Lines, FeeLine{Number: l.Invoice, DaysLate: l.DaysLate, Indemnity: l.Indemnity, Interest: l.Interest})
		periods = append(periods, l.Periods...)
	}
	sortPeriods(periods)
	for _, p := range periods {
		if k := p.Rate.String(); !seen[k] {
			seen[k] = true
			rates = append(rates, p.Rate)
		}
	}
	b.RateNote, b.RateNoteEN = rateNotes(rates)
	return b
}

// sortPeriods orders periods by their first day (insertion sort: a claim
// has a handful).
func sortPeriods(ps []fees.Period) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].From.Before(ps[j-1].From); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// rateNotes describes the penalty rates in French and English.
func rateNotes(rates []decimal.Decimal) (fr, en string) {
	switch len(rates) {
	case 0:
		return "du taux BCE majoré de 10 points", "the ECB rate plus 10 points"
	case 1:
		ecb := rates[0].Sub(fees.PenaltyMargin)
		return percentFR(rates[0]) + " l'an (taux BCE " + percentFR(ecb) + " + 10 points)",
			percentEN(rates[0]) + " a year (ECB rate " + percentEN(ecb) + " + 10 points)"
	}
	var frs, ens []string
	for _, r := range rates {
		frs = append(frs, percentFR(r))
		ens = append(ens, percentEN(r))
	}
	return strings.Join(frs, " puis ") + " l'an (taux BCE + 10 points, par semestre)",
		strings.Join(ens, " then ") + " a year (ECB rate + 10 points, by half-year)"
}

// percentFR writes 12.15 as "12,15 %" (no-break space before the sign).
func percentFR(r decimal.Decimal) string {
	return strings.Replace(r.StringFixed(2), ".", ",", 1) + nbsp + "%"
}

// percentEN writes 12.15 as "12.15%".
func percentEN(r decimal.Decimal) string { return r.StringFixed(2) + "%" }

// Registered reports whether the letter goes by registered mail with
// acknowledgement of receipt: when asked (RegisteredMail) and always for a
// formal notice (IsRegisteredLevel). The PDF then carries the mention.
func (d Data) Registered() bool { return d.RegisteredMail || IsRegisteredLevel(d.LevelCode) }

// IsRegisteredLevel reports whether letters of level are posted by
// registered mail with acknowledgement of receipt (lettre recommandée avec
// accusé de réception, LRAR): the formal notice, MED. The print batch marks
// them (starter letters).
func IsRegisteredLevel(level string) bool { return normalizeLevel(level) == "MED" }

// RCSLabel is the company's trade register entry as printed: "RCS Paris B
// 732 829 320", whether RCS was stored with its "RCS" prefix or without.
// Empty when RCS is.
func (c Company) RCSLabel() string {
	v := strings.TrimSpace(c.RCS)
	if len(v) >= 3 && strings.EqualFold(v[:3], "RCS") {
		v = strings.TrimSpace(v[3:])
	}
	if v == "" {
		return ""
	}
	return "RCS " + v
}

// sortedLines returns the lines by due date, then issue date and number,
// in a new slice.
func sortedLines(lines []Line) []Line {
	out := append([]Line(nil), lines...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.DueDate != b.DueDate {
			return a.DueDate.Before(b.DueDate)
		}
		if a.IssueDate != b.IssueDate {
			return a.IssueDate.Before(b.IssueDate)
		}
		return a.Number < b.Number
	})
	return out
}
