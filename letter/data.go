// Package letter turns a reminder into what the customer receives: the
// e-mail subject and bodies (from templates with merge fields) and the PDF
// letter (maroto v2, A4, window-envelope address block).
package letter

import (
	"github.com/relance/relance/calendar"
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
}

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
}

// Total returns the sum of the balances due of d's lines.
func (d Data) Total() decimal.Decimal {
	total := decimal.Zero
	for _, l := range d.Lines {
		total = total.Add(l.Balance)
	}
	return total
}
