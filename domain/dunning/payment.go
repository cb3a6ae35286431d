package dunning

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
	"github.com/shopspring/decimal"
)

// Limits every payment entry checks (webhook, signal, CLI, web, bank
// statement, accounting feed): what the ledger can store.
const (
	// MaxAmountDigits is the most digits an amount may have before the
	// decimal point (payments.amount is numeric(14,2)).
	MaxAmountDigits = 12
	// MaxFieldLength bounds a payment's text fields (external ID, method,
	// source), in bytes.
	MaxFieldLength = 200
)

// maxAmount is the first amount too large for the ledger: 10^12.
var maxAmount = decimal.New(1, MaxAmountDigits)

// Codes of a refused payment (PaymentError.Code), with their parameters
// in the order given beside each: screens say them in the reader's
// language, the API and the logs keep the English sentence.
const (
	// PaymentMissing: a required field is empty (field).
	PaymentMissing = "PaymentMissing"
	// PaymentAmountFormat: the amount is not a canonical decimal (text).
	PaymentAmountFormat = "PaymentAmountFormat"
	// PaymentAmountDecimals: more than two decimals (amount).
	PaymentAmountDecimals = "PaymentAmountDecimals"
	// PaymentAmountTooLarge: more than MaxAmountDigits digits before the
	// point (amount).
	PaymentAmountTooLarge = "PaymentAmountTooLarge"
	// PaymentAmountNotPositive: zero or negative (amount).
	PaymentAmountNotPositive = "PaymentAmountNotPositive"
	// PaymentControlCharacter: a control character or invalid UTF-8 in a
	// text field (field).
	PaymentControlCharacter = "PaymentControlCharacter"
	// PaymentTooLong: a text field longer than MaxFieldLength (field, max).
	PaymentTooLong = "PaymentTooLong"
	// PaymentUnknownCurrency: a currency relance does not handle (currency).
	PaymentUnknownCurrency = "PaymentUnknownCurrency"
	// PaymentCurrencyMismatch: not the invoice's currency (currency,
	// invoice's currency).
	PaymentCurrencyMismatch = "PaymentCurrencyMismatch"
	// PaymentBadDate: the payment date is missing or out of range (date).
	PaymentBadDate = "PaymentBadDate"
)

// PaymentError says why a payment is refused: a code (Payment* above),
// its parameters and the English sentence.
type PaymentError struct {
	Code    string
	Params  []string
	Message string
}

func (e *PaymentError) Error() string { return e.Message }

// paymentProblems are the codes of the catalogs (package messages) that
// say each Payment* code in French and English, with the same parameters.
var paymentProblems = map[string]messages.Code{
	PaymentMissing:           messages.Declare("payment.missing", "field"),
	PaymentAmountFormat:      messages.Declare("payment.amount.format", "amount"),
	PaymentAmountDecimals:    messages.Declare("payment.amount.decimals", "amount"),
	PaymentAmountTooLarge:    messages.Declare("payment.amount.large", "amount"),
	PaymentAmountNotPositive: messages.Declare("payment.amount.positive", "amount"),
	PaymentControlCharacter:  messages.Declare("payment.control", "field"),
	PaymentTooLong:           messages.Declare("payment.long", "field", "max"),
	PaymentUnknownCurrency:   messages.Declare("payment.currency", "currency"),
	PaymentCurrencyMismatch:  messages.Declare("payment.currency.other", "currency", "invoice"),
	PaymentBadDate:           messages.Declare("payment.date", "date"),
}

// Problem returns the refusal as a code with parameters, for a door that
// says it in the reader's language (Message stays the English sentence of
// the API and the logs).
func (e *PaymentError) Problem() messages.Problem {
	code, ok := paymentProblems[e.Code]
	if !ok {
		return messages.Code(e.Code).With()
	}
	args := make([]any, len(code.Params()))
	for i := range args {
		args[i] = ""
		if i < len(e.Params) {
			args[i] = e.Params[i]
		}
	}
	return code.With(args...)
}

func refusePayment(code, message string, params ...string) error {
	return &PaymentError{Code: code, Params: params, Message: message}
}

// amountWant is how a canonical amount is written.
const amountWant = `amount must be a decimal string such as "1250.00" (a dot, at most two decimals, no thousands separator)`

// ParseAmount reads an amount as every payment entry takes it: a canonical
// decimal ("1250", "1250.5", "1250.00": digits, a dot, no sign, no leading
// zero, no thousands separator, no exponent, at most two decimals, at most
// MaxAmountDigits digits before the point), greater than zero. "1,250" and
// "1e309" are refused rather than read as 1,25 or overflowing the ledger.
func ParseAmount(text string) (decimal.Decimal, error) {
	if strings.HasPrefix(text, "-") {
		return decimal.Decimal{}, refusePayment(PaymentAmountNotPositive, fmt.Sprintf("amount %q must be greater than zero", text), text)
	}
	whole, frac, dotted := strings.Cut(text, ".")
	digits := func(s string) bool {
		return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
	}
	switch {
	case !digits(whole) || (dotted && !digits(frac)) || (len(whole) > 1 && whole[0] == '0'):
		return decimal.Decimal{}, refusePayment(PaymentAmountFormat, fmt.Sprintf("%s, not %q", amountWant, text), text)
	case len(frac) > 2:
		return decimal.Decimal{}, refusePayment(PaymentAmountDecimals, fmt.Sprintf("amount %q has more than two decimals", text), text)
	case len(whole) > MaxAmountDigits:
		return decimal.Decimal{}, refusePayment(PaymentAmountTooLarge,
			fmt.Sprintf("amount %q is too large (at most %d digits before the decimal point)", text, MaxAmountDigits), text)
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, refusePayment(PaymentAmountFormat, fmt.Sprintf("%s, not %q", amountWant, text), text)
	}
	if !d.IsPositive() {
		return decimal.Decimal{}, refusePayment(PaymentAmountNotPositive, fmt.Sprintf("amount %q must be greater than zero", text), text)
	}
	return d, nil
}

// CheckText checks a text field of a payment (or of anything the ledger
// stores from outside): valid UTF-8, no control character (NUL, newline),
// at most max bytes.
func CheckText(field, v string, max int) error {
	switch {
	case !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl):
		return refusePayment(PaymentControlCharacter,
			fmt.Sprintf("%s: control characters (NUL, newline...) or invalid UTF-8 are not accepted", field), field)
	case len(v) > max:
		return refusePayment(PaymentTooLong, fmt.Sprintf("%s: longer than %d bytes", field, max), field, fmt.Sprint(max))
	}
	return nil
}

// CheckAmount checks an amount already read (a signal's JSON number, a
// bank entry): greater than zero, at most two decimals, at most
// MaxAmountDigits digits before the point.
func CheckAmount(d decimal.Decimal) error {
	s := d.String()
	switch {
	case !d.IsPositive():
		return refusePayment(PaymentAmountNotPositive, fmt.Sprintf("amount %s must be greater than zero", s), s)
	case d.GreaterThanOrEqual(maxAmount):
		// Said before the decimals: 1e309 is too large, whatever else.
		return refusePayment(PaymentAmountTooLarge,
			fmt.Sprintf("amount %s is too large (at most %d digits before the decimal point)", shortAmount(d), MaxAmountDigits), shortAmount(d))
	case !d.Equal(d.Round(2)):
		return refusePayment(PaymentAmountDecimals, fmt.Sprintf("amount %s has more than two decimals", shortAmount(d)), shortAmount(d))
	}
	return nil
}

// shortAmount writes a very large or very long amount in scientific form
// rather than as hundreds of digits.
func shortAmount(d decimal.Decimal) string {
	if s := d.String(); len(s) <= 32 {
		return s
	}
	c := strings.TrimRight(d.Coefficient().String(), "0")
	exp := int(d.Exponent()) + len(d.Coefficient().String()) - 1
	sign := ""
	if strings.HasPrefix(c, "-") {
		sign, c = "-", c[1:]
	}
	mantissa := c[:1]
	if len(c) > 1 {
		mantissa += "." + c[1:min(len(c), 7)]
	}
	return fmt.Sprintf("%s%se%+d", sign, mantissa, exp)
}

// Validate says what is wrong with p, if anything, for an invoice in
// currency: the one check of every payment entry (webhook, signal, CLI,
// web, bank statement, accounting feed) before the ledger sees it, so that
// the database never refuses a payment that passed (README "Messages").
// The error is a *PaymentError.
func (p Payment) Validate(currency string) error {
	if p.ExternalID == "" {
		return refusePayment(PaymentMissing, "payment has no externalId", "externalId")
	}
	for _, f := range []struct{ name, v string }{{"externalId", p.ExternalID}, {"method", p.Method}, {"source", p.Source}} {
		if err := CheckText(f.name, f.v, MaxFieldLength); err != nil {
			return err
		}
	}
	id := p.ExternalID
	if err := CheckAmount(p.Amount); err != nil {
		pe := err.(*PaymentError)
		pe.Message = fmt.Sprintf("payment %s: %s", id, pe.Message)
		return pe
	}
	switch {
	case p.Currency != "" && !money.KnownCurrency(p.Currency):
		return refusePayment(PaymentUnknownCurrency, fmt.Sprintf("payment %s: unknown currency %q", id, p.Currency), p.Currency)
	case p.Currency != "" && p.Currency != currency:
		return refusePayment(PaymentCurrencyMismatch,
			fmt.Sprintf("payment %s: currency %s does not match the invoice's %s", id, p.Currency, currency), p.Currency, currency)
	case p.PaidOn.IsZero():
		return refusePayment(PaymentBadDate, fmt.Sprintf("payment %s: paidOn date is missing", id), "")
	case p.PaidOn.Year < 1900 || p.PaidOn.Year > 9999:
		return refusePayment(PaymentBadDate, fmt.Sprintf("payment %s: paidOn %s is out of range", id, p.PaidOn), p.PaidOn.String())
	}
	return nil
}

// BasicValidate is the check of invoice workflows that started before
// Validate became the one check of every entry (workflow version
// "payment-checks" 0): they replay with it. Nothing else should call it.
func (p Payment) BasicValidate(currency string) error {
	switch {
	case p.ExternalID == "":
		return fmt.Errorf("payment has no externalId")
	case !p.Amount.IsPositive():
		return fmt.Errorf("payment %s: amount %s must be greater than zero", p.ExternalID, p.Amount)
	case !p.Amount.Equal(p.Amount.Round(2)):
		return fmt.Errorf("payment %s: amount %s has more than two decimals", p.ExternalID, p.Amount)
	case p.Currency != "" && p.Currency != currency:
		return fmt.Errorf("payment %s: currency %s does not match the invoice's %s", p.ExternalID, p.Currency, currency)
	case p.Currency != "" && !money.KnownCurrency(p.Currency):
		return fmt.Errorf("payment %s: unknown currency %q", p.ExternalID, p.Currency)
	case p.PaidOn.IsZero():
		return fmt.Errorf("payment %s: paidOn date is missing", p.ExternalID)
	}
	return nil
}
