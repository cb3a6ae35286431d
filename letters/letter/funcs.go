package letter

import (
	"fmt"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/shopspring/decimal"
)

// templateFuncs are the functions letter templates may call, on top of the
// fields and methods of Data (Total included):
//
//	money AMOUNT CURRENCY   "1 234,56 €" (money.Format; EUR when CURRENCY is "")
//	date DATE               "23/11/2026" (calendar.Date.French)
//	plural N ONE MANY       "1 jour", "12 jours"
//	decimal "40"            a literal amount, for money: {{money (decimal "40") "EUR"}}
//	upper TEXT              TEXT in capitals
//	join LIST SEP           the strings of LIST separated by SEP
var templateFuncs = map[string]any{
	"money":   formatMoney,
	"date":    func(d calendar.Date) string { return d.French() },
	"plural":  plural,
	"decimal": literalDecimal,
	"upper":   strings.ToUpper,
	"join":    func(list []string, sep string) string { return strings.Join(list, sep) },
}

// formatMoney is money.Format with the default currency for an empty code.
func formatMoney(amount decimal.Decimal, currency string) string {
	return money.Format(amount, currencyOrDefault(currency))
}

// currencyOrDefault returns currency, or EUR when it is empty.
func currencyOrDefault(currency string) string {
	if currency == "" {
		return "EUR"
	}
	return currency
}

// plural writes n followed by one when n is -1, 0 or 1 (the French rule),
// by many otherwise.
func plural(n int, one, many string) string {
	if n >= -1 && n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// literalDecimal parses an amount written in a template. A typo fails the
// execution, which the tests run for every template.
func literalDecimal(s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("decimal %q: %w", s, err)
	}
	return d, nil
}
