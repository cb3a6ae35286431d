package courtesy

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultsValidateAndRender(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fr", "en"} {
		for _, kind := range []string{Before, Thanks} {
			for _, ck := range []string{KindBusiness, KindIndividual} {
				tp := Default(kind, lang, ck)
				if err := Validate(tp); err != nil {
					t.Errorf("%s: %v", tp.Name(), err)
				}
			}
		}
	}
	m, err := Render(Default(Before, "fr", KindBusiness), Sample(Before))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FA2026-0042", "07/12/2026", "1 200,50 €", "IBAN FR76", "compta@acme.example", "https://relance.example/p/token"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if m.Subject != "Rappel : facture FA2026-0042 à échéance le 07/12/2026" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.HTML, `<a href="https://relance.example/p/token">`) {
		t.Errorf("html %s", m.HTML)
	}
}

func TestChoose(t *testing.T) {
	t.Parallel()
	own := []Template{
		{Kind: Before, Language: "fr", CustomerKind: KindAny, Subject: "any", Body: "x"},
		{Kind: Before, Language: "fr", CustomerKind: KindIndividual, Subject: "ind", Body: "x"},
	}
	tests := []struct{ kind, lang, ck, want string }{
		{Before, "fr", KindIndividual, "ind"},
		{Before, "fr-BE", KindBusiness, "any"},
		{Before, "en", KindBusiness, Default(Before, "en", KindBusiness).Subject},
		{Thanks, "de", KindBusiness, Default(Thanks, "fr", KindBusiness).Subject},
	}
	for _, tt := range tests {
		if got := Choose(own, tt.kind, tt.lang, tt.ck).Subject; got != tt.want {
			t.Errorf("Choose(%s, %s, %s) = %q, want %q", tt.kind, tt.lang, tt.ck, got, tt.want)
		}
	}
}

func TestValidateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		t    Template
	}{
		{"unknown kind", Template{Kind: "after", Language: "fr", Subject: "s", Body: "b"}},
		{"bad language", Template{Kind: Before, Language: "FR", Subject: "s", Body: "b"}},
		{"unknown field", Template{Kind: Before, Language: "fr", Subject: "s", Body: "{{.Nope}}"}},
		{"parse error", Template{Kind: Before, Language: "fr", Subject: "{{if}}", Body: "b"}},
		{"empty subject", Template{Kind: Before, Language: "fr", Subject: " ", Body: "b"}},
		{"empty body", Template{Kind: Thanks, Language: "fr", Subject: "s", Body: "  "}},
		{"too long", Template{Kind: Thanks, Language: "fr", Subject: "s", Body: strings.Repeat("x", MaxSize)}},
	}
	for _, tt := range tests {
		if err := Validate(tt.t); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tt.name, err)
		}
	}
}
