package epc

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestCreditorReference(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ base, want string }{
		{"539007547034", "RF18539007547034"}, // ISO 11649's example
		{"TU06FX", "RF96TU06FX"},
		{"tu06 fx", "RF96TU06FX"},
		{"", ""},
		{"ABCDEFGHIJKLMNOPQRSTUV", ""}, // 22 characters
		{"FA-2026", ""},
	} {
		if got := CreditorReference(c.base); got != c.want {
			t.Errorf("CreditorReference(%q) = %q, want %q", c.base, got, c.want)
		}
	}
}

func TestValidReference(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ref  string
		want bool
	}{
		{"RF18539007547034", true},
		{"RF18 5390 0754 7034", true},
		{"rf18539007547034", true},
		{"RF19539007547034", false},
		{"RF18539007547035", false},
		{"RF1", false},
		{"XX18539007547034", false},
		{"RFAB539007547034", false},
		{"RF18" + strings.Repeat("1", 22), false},
	} {
		if got := ValidReference(c.ref); got != c.want {
			t.Errorf("ValidReference(%q) = %v, want %v", c.ref, got, c.want)
		}
	}
}

func TestLetterReference(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, co := range []string{"ACME", "VINI"} {
		for i := 0; i < 2000; i++ {
			key := "statement/" + co + "/C001/2026-12-07/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + decimal.NewFromInt(int64(i)).String()
			ref := LetterReference(co, key)
			if !ValidReference(ref) || len(ref) != 19 {
				t.Fatalf("LetterReference(%q) = %q: not a valid 19-character reference", key, ref)
			}
			if other, ok := seen[ref]; ok {
				t.Fatalf("%s and %s share reference %s", key, other, ref)
			}
			seen[ref] = co + key
			if again := LetterReference(co, key); again != ref {
				t.Fatalf("reference of %s changed: %s then %s", key, ref, again)
			}
		}
	}
}

func TestPayload(t *testing.T) {
	t.Parallel()
	ok := Transfer{BIC: "BNPAFRPPXXX", Name: "Vinistoria SAS", IBAN: "FR76 3000 4000 0312 3456 7890 143",
		Amount: decimal.RequireFromString("1234.5"), Reference: "RF18 5390 0754 7034"}
	got, err := Payload(ok)
	if err != nil {
		t.Fatal(err)
	}
	want := "BCD\n002\n1\nSCT\nBNPAFRPPXXX\nVinistoria SAS\nFR7630004000031234567890143\nEUR1234.50\n\nRF18539007547034"
	if got != want {
		t.Errorf("Payload = %q, want %q", got, want)
	}
	for name, tr := range map[string]Transfer{
		"no IBAN":    {Name: "X", Amount: decimal.NewFromInt(1)},
		"zero":       {Name: "X", IBAN: ok.IBAN},
		"too much":   {Name: "X", IBAN: ok.IBAN, Amount: decimal.RequireFromString("1000000000")},
		"bad BIC":    {Name: "X", IBAN: ok.IBAN, BIC: "BNP", Amount: decimal.NewFromInt(1)},
		"line break": {Name: "X\nBCD", IBAN: ok.IBAN, Amount: decimal.NewFromInt(1)},
		"bad ref":    {Name: "X", IBAN: ok.IBAN, Amount: decimal.NewFromInt(1), Reference: "RF00ABC"},
	} {
		if _, err := Payload(tr); err == nil {
			t.Errorf("%s: Payload accepted %+v", name, tr)
		}
	}
	if _, err := PNG(got, 300); err != nil {
		t.Fatal(err)
	}
}
