// Package money parses and formats amounts of money. Amounts are exact
// decimals (shopspring/decimal), never floats.
package money

import (
	"strconv"
	"strings"

	"github.com/relance/relance/domain/messages"
	"github.com/shopspring/decimal"
)

// The problems of an amount that cannot be read, said from the catalogs of
// package messages. The amount is given quoted, as written.
var (
	// Empty: no amount written.
	Empty = messages.Declare("money.empty")
	// NotNumber: an amount that is not a number (amount).
	NotNumber = messages.Declare("money.number", "amount")
	// Decimals: an amount with more than two decimals (amount).
	Decimals = messages.Declare("money.decimals", "amount")
	// NotPositive: zero or a negative amount where one must be greater
	// than zero (amount).
	NotPositive = messages.Declare("money.positive", "amount")
)

// NarrowNBSP is the narrow no-break space (U+202F) French typography puts
// between groups of thousands and before the currency sign.
const NarrowNBSP = "\u202f"

// currencySymbols lists the currencies relance accepts, with the sign
// printed after French amounts.
var currencySymbols = map[string]string{
	"EUR": "€",
	"USD": "$",
	"GBP": "£",
	"CHF": "CHF",
}

// KnownCurrency reports whether code is an ISO 4217 code relance handles.
func KnownCurrency(code string) bool {
	_, ok := currencySymbols[code]
	return ok
}

// Parse reads an amount written with a dot or a comma as decimal separator
// ("1234.56", "1234,56", "1 234,56"). It rejects empty and non-numeric text
// and more than two decimals (a messages.Problem: Empty, NotNumber,
// Decimals).
func Parse(s string) (decimal.Decimal, error) {
	clean := strings.NewReplacer(" ", "", NarrowNBSP, "", "\u00a0", "", ",", ".").Replace(strings.TrimSpace(s))
	if clean == "" {
		return decimal.Decimal{}, Empty.With()
	}
	d, err := decimal.NewFromString(clean)
	if err != nil {
		return decimal.Decimal{}, NotNumber.With(strconv.Quote(s))
	}
	if d.Exponent() < -2 && !d.Equal(d.Round(2)) {
		return decimal.Decimal{}, Decimals.With(strconv.Quote(s))
	}
	return d, nil
}

// ParsePositive is Parse for amounts that must be greater than zero, such
// as a payment.
func ParsePositive(s string) (decimal.Decimal, error) {
	d, err := Parse(s)
	if err != nil {
		return d, err
	}
	if !d.IsPositive() {
		return decimal.Decimal{}, NotPositive.With(strconv.Quote(s))
	}
	return d, nil
}

// Format writes d the French way, with two decimals, a comma, thousands
// grouped by narrow no-break spaces and the currency sign after the amount:
// 1 234,56 €.
func Format(d decimal.Decimal, currency string) string {
	return FormatNumber(d) + NarrowNBSP + Symbol(currency)
}

// Symbol returns the sign printed for currency, or the code itself.
func Symbol(currency string) string {
	if s, ok := currencySymbols[currency]; ok {
		return s
	}
	return currency
}

// FormatNumber writes d with two decimals, a decimal comma and narrow
// no-break spaces between thousands, without a currency sign.
func FormatNumber(d decimal.Decimal) string {
	s := d.StringFixed(2)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(NarrowNBSP)
		}
		b.WriteRune(r)
	}
	return sign + b.String() + "," + frac
}
