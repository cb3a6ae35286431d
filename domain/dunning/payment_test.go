package dunning

import (
	"errors"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		text, want, code string
	}{
		{"1250", "1250", ""},
		{"1250.5", "1250.5", ""},
		{"0.01", "0.01", ""},
		{"999999999999.99", "999999999999.99", ""},
		{"1,250", "", PaymentAmountFormat},
		{"1e309", "", PaymentAmountFormat},
		{"1 250", "", PaymentAmountFormat},
		{"+1", "", PaymentAmountFormat},
		{"01.00", "", PaymentAmountFormat},
		{"", "", PaymentAmountFormat},
		{"12.", "", PaymentAmountFormat},
		{"12.345", "", PaymentAmountDecimals},
		{"-5", "", PaymentAmountNotPositive},
		{"0", "", PaymentAmountNotPositive},
		{"1000000000000", "", PaymentAmountTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			d, err := ParseAmount(tt.text)
			var pe *PaymentError
			switch {
			case tt.code == "" && (err != nil || d.String() != tt.want):
				t.Errorf("ParseAmount(%q) = %s, %v; want %s", tt.text, d, err, tt.want)
			case tt.code != "" && (!errors.As(err, &pe) || pe.Code != tt.code):
				t.Errorf("ParseAmount(%q) error %v, want code %s", tt.text, err, tt.code)
			}
		})
	}
}

func TestPaymentValidate(t *testing.T) {
	good := Payment{ExternalID: "VIR-1", Amount: decimal.RequireFromString("50"), PaidOn: calendar.New(2026, 11, 2), Method: "transfer"}
	tests := []struct {
		name string
		edit func(*Payment)
		code string
		says string
	}{
		{"good", func(*Payment) {}, "", ""},
		{"same currency", func(p *Payment) { p.Currency = "EUR" }, "", ""},
		{"1e309", func(p *Payment) { p.Amount = decimal.RequireFromString("1e309") }, PaymentAmountTooLarge, "amount 1e+309 is too large"},
		{"10^12", func(p *Payment) { p.Amount = decimal.New(1, 12) }, PaymentAmountTooLarge, "too large"},
		{"three decimals", func(p *Payment) { p.Amount = decimal.RequireFromString("1.005") }, PaymentAmountDecimals, "more than two decimals"},
		{"zero", func(p *Payment) { p.Amount = decimal.Zero }, PaymentAmountNotPositive, "greater than zero"},
		{"NUL in externalId", func(p *Payment) { p.ExternalID = "VIR\x00" }, PaymentControlCharacter, "externalId: control characters"},
		{"invalid UTF-8 in method", func(p *Payment) { p.Method = "\xff" }, PaymentControlCharacter, "method: control"},
		{"newline in source", func(p *Payment) { p.Source = "a\nb" }, PaymentControlCharacter, "source: control"},
		{"long externalId", func(p *Payment) { p.ExternalID = strings.Repeat("x", 201) }, PaymentTooLong, "longer than 200"},
		{"no externalId", func(p *Payment) { p.ExternalID = "" }, PaymentMissing, "no externalId"},
		{"unknown currency", func(p *Payment) { p.Currency = "XXX" }, PaymentUnknownCurrency, "unknown currency"},
		{"other currency", func(p *Payment) { p.Currency = "USD" }, PaymentCurrencyMismatch, "does not match"},
		{"no date", func(p *Payment) { p.PaidOn = calendar.Date{} }, PaymentBadDate, "missing"},
		{"year 20260", func(p *Payment) { p.PaidOn = calendar.New(20260, 1, 1) }, PaymentBadDate, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good
			tt.edit(&p)
			err := p.Validate("EUR")
			var pe *PaymentError
			switch {
			case tt.code == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tt.code != "" && (!errors.As(err, &pe) || pe.Code != tt.code || !strings.Contains(pe.Message, tt.says)):
				t.Errorf("Validate = %v, want code %s saying %q", err, tt.code, tt.says)
			}
		})
	}
}
