package money

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		in, currency, want string
	}{
		{"0", "EUR", "0,00\u202f€"},
		{"1234.56", "EUR", "1\u202f234,56\u202f€"},
		{"1234567.5", "EUR", "1\u202f234\u202f567,50\u202f€"},
		{"-283.2", "EUR", "-283,20\u202f€"},
		{"999.999", "EUR", "1\u202f000,00\u202f€"},
		{"12", "USD", "12,00\u202f$"},
		{"12", "XYZ", "12,00\u202fXYZ"},
	}
	for _, tt := range tests {
		got := Format(decimal.RequireFromString(tt.in), tt.currency)
		if got != tt.want {
			t.Errorf("Format(%s, %s) = %q, want %q", tt.in, tt.currency, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"1234.56", "1234.56", false},
		{"1 234,56", "1234.56", false},
		{"-10", "-10", false},
		{"", "", true},
		{"abc", "", true},
		{"1.234", "", true},
		{"1.230", "1.23", false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if _, err := ParsePositive("-5"); err == nil {
		t.Error("ParsePositive(-5) accepted a negative amount")
	}
}
