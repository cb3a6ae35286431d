package settings

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestIdentifiers(t *testing.T) {
	tests := []struct {
		name  string
		check func() error
		bad   string // part of the problem, "" when valid
	}{
		{"IBAN FR", func() error { return IBAN("FR76 3000 6000 0112 3456 7890 189") }, ""},
		{"IBAN DE", func() error { return IBAN("DE89370400440532013000") }, ""},
		{"IBAN GB lower case", func() error { return IBAN("gb82 west 1234 5698 7654 32") }, ""},
		{"IBAN typo", func() error { return IBAN("FR76 3000 6000 0112 3456 7890 188") }, "checksum"},
		{"IBAN short FR", func() error { return IBAN("FR76300060000112345678901") }, "27"},
		{"IBAN garbage", func() error { return IBAN("not an iban") }, "not an IBAN"},
		{"BIC 8", func() error { return BIC("BNPAFRPP") }, ""},
		{"BIC 11", func() error { return BIC("BNPAFRPPXXX") }, ""},
		{"BIC bad", func() error { return BIC("BNP") }, "not a BIC"},
		{"SIRET", func() error { return SIRET("732 829 320 00074") }, ""},
		{"SIRET La Poste", func() error { return SIRET("35600000000048") }, ""},
		{"SIRET La Poste other", func() error { return SIRET("35600000049837") }, ""},
		{"SIRET typo", func() error { return SIRET("73282932000075") }, "Luhn"},
		{"SIRET letters", func() error { return SIRET("7328293200007A") }, "14 digits"},
		{"VAT FR", func() error { return VAT("FR 44 732829320", "73282932000074") }, ""},
		{"VAT FR wrong key", func() error { return VAT("FR45732829320", "") }, "key"},
		{"VAT FR other SIREN", func() error { return VAT("FR96552100554", "73282932000074") }, "SIREN"},
		{"VAT DE", func() error { return VAT("DE123456789", "") }, ""},
		{"e-mail", func() error { return Email("relances@example.fr") }, ""},
		{"e-mail with name", func() error { return Email("Relances <relances@example.fr>") }, "not an e-mail"},
		{"e-mail no domain dot", func() error { return Email("relances@localhost") }, "not an e-mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check()
			switch {
			case tt.bad == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.bad != "" && err == nil:
				t.Fatalf("accepted, want a problem mentioning %q", tt.bad)
			case tt.bad != "" && !strings.Contains(err.Error(), tt.bad):
				t.Fatalf("problem %q does not mention %q", err, tt.bad)
			}
		})
	}
}

func TestCheckNamesEveryField(t *testing.T) {
	good := Company{
		Code: "ACME", LegalName: "ACME SAS", SIRET: "73282932000074", VATNumber: "FR44732829320",
		IBAN: "FR7630006000011234567890189", BIC: "BNPAFRPP", SenderEmail: "relances@acme.fr",
		ReplyTo: "compta@acme.fr", TimeZone: "Europe/Paris", Language: "fr", SendHour: 9,
	}
	if err := Check(good); err != nil {
		t.Fatalf("good settings refused: %v", err)
	}
	bad := good
	bad.Code = "acme corp"
	bad.LegalName = " "
	bad.SIRET = "73282932000075"
	bad.IBAN = "FR7630006000011234567890188"
	bad.SenderEmail = "nobody"
	bad.TimeZone = "Paris"
	bad.Language = "de"
	bad.SendHour = 25
	bad.SignatoryTitle = "Directeur\nfinancier"
	bad.LetterFooter = strings.Repeat("x", 161)
	err := Check(bad)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want Errors, got %v", err)
	}
	want := []string{"code", "legal-name", "siret", "iban", "sender-email", "time-zone", "language", "send-hour", "signatory-title", "letter-footer"}
	if !reflect.DeepEqual(errs.Fields(), want) {
		t.Fatalf("fields in error = %v, want %v\n%v", errs.Fields(), want, err)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	if w := Warnings(Company{Code: "A"}); len(w) != 1 || w[0].Field != "iban" || w[0].Problem.Code != WarnNoIBAN {
		t.Errorf("Warnings without IBAN = %v", w)
	}
	if w := Warnings(Company{Code: "A", IBAN: "FR7630006000011234567890189"}); len(w) != 0 {
		t.Errorf("Warnings with IBAN = %v", w)
	}
}

func TestCadenceDays(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"7", 7, true}, {" 14 ", 14, true}, {"0", 0, true}, {"1", 1, true}, {"90", 90, true},
		{"91", 0, false}, {"-1", 0, false}, {"", 0, false}, {"sept", 0, false}, {"7.5", 0, false},
	}
	for _, tt := range tests {
		got, err := CadenceDays(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("CadenceDays(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
