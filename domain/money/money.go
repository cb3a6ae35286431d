// Package money parses and formats amounts of money. Amounts are exact
// decimals (shopspring/decimal), never floats.
package money

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
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
// and more than two decimals.
func Parse(s string) (decimal.Decimal, error) {
	clean := strings.NewReplacer(" ", "", NarrowNBSP, "", "\u00a0", "", ",", ".").Replace(strings.TrimSpace(s))
	if clean == "" {
		return decimal.Decimal{}, fmt.Errorf("amount is empty")
	}
	d, err := decimal.NewFromString(clean)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount %q is not a number", s)
	}
	if d.Exponent() < -2 && !d.Equal(d.Round(2)) {
		return decimal.Decimal{}, fmt.Errorf("amount %q has more than two decimals", s)
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
		return decimal.Decimal{}, fmt.Errorf("amount %q must be greater than zero", s)
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
