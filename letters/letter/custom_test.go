package letter

import (
	"strings"
	"testing"
)

// customR2 is a company's own R2 in French, calling shared blocks.
const customR2 = `{{define "subject"}}Relance personnalisée – {{.Recipient.Name}}{{end}}
{{define "text"}}{{template "salutation" .}}

Sauf erreur de notre part, {{template "still_unpaid" .}} :
{{template "text_invoices" .}}

Merci de régler {{money .Total .Currency}} {{template "deadline" .}}.
{{if .Recipient.Business}}{{template "fees" .}}{{end}}

{{template "signature" .}}
{{end}}
{{define "html"}}{{template "html_head" .}}<p>Relance personnalisée</p>{{template "html_invoices" .}}{{template "html_foot" .}}{{end}}
{{define "letter"}}{{template "salutation" .}}

Relance personnalisée : {{template "still_unpaid" .}}.{{end}}
{{define "closing"}}Merci de régler {{money .Total .Currency}} {{template "deadline" .}}.

{{template "signature" .}}{{end}}
`

func TestValidateTemplateAcceptsDefaults(t *testing.T) {
	for _, lang := range languages {
		for _, level := range levels {
			src, used, err := DefaultSource(lang, level)
			if err != nil || used != lang {
				t.Fatalf("DefaultSource(%s, %s): %v (language %q)", lang, level, err, used)
			}
			for _, kind := range []string{KindAny, KindBusiness, KindIndividual} {
				if err := ValidateTemplate(Template{Level: level, Language: lang, CustomerKind: kind, Source: src}); err != nil {
					t.Errorf("embedded %s/%s (%q) rejected: %v", lang, level, kind, err)
				}
			}
		}
	}
	if err := ValidateTemplate(Template{Level: "r2", Language: "FR", Source: customR2}); err != nil {
		t.Errorf("custom R2 rejected: %v", err)
	}
}

func TestValidateTemplateErrors(t *testing.T) {
	blocks := map[string]string{
		"subject": `{{define "subject"}}Objet{{end}}`,
		"text":    `{{define "text"}}Texte{{end}}`,
		"html":    `{{define "html"}}<p>HTML</p>{{end}}`,
		"letter":  `{{define "letter"}}Lettre{{end}}`,
		"closing": `{{define "closing"}}Fin{{end}}`,
	}
	without := func(block, replacement string) string {
		var b strings.Builder
		for _, name := range templateBlocks {
			if name == block {
				b.WriteString(replacement)
			} else {
				b.WriteString(blocks[name])
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	tests := []struct {
		name string
		t    Template
		want []string
	}{
		{
			name: "unknown field",
			t:    Template{Level: "R2", Language: "fr", Source: without("text", "{{define \"text\"}}Bonjour\n\n{{.Customer.Nmae}}{{end}}")},
			want: []string{`template R2/fr: "text" line 4: unknown field .Customer.Nmae`},
		},
		{
			name: "unknown field in a branch the sample does not take",
			t:    Template{Level: "R2", Language: "fr", Source: without("closing", "{{define \"closing\"}}{{if .Deadline.IsZero}}\n{{.Company.Fax}}{{end}}{{end}}")},
			want: []string{`"closing" line 6: unknown field .Company.Fax`},
		},
		{
			name: "unknown field inside range",
			t:    Template{Level: "R1", Language: "en", Source: without("letter", "{{define \"letter\"}}{{range .Lines}}{{.Numero}}{{end}}{{end}}")},
			want: []string{`template R1/en: "letter" line 4: unknown field .Numero`},
		},
		{
			name: "unknown field through $",
			t:    Template{Level: "R1", Language: "fr", Source: without("html", "{{define \"html\"}}{{range .Lines}}{{$.Devise}}{{end}}{{end}}")},
			want: []string{`"html" line 3: unknown field $.Devise`},
		},
		{
			name: "unknown field in a helper block",
			t: Template{Level: "R3", Language: "fr", Source: without("text", `{{define "text"}}{{template "mine" .}}{{end}}`) +
				"{{define \"mine\"}}\n{{.Recipient.Mail}}{{end}}"},
			want: []string{`"mine" (called from "text") line 7: unknown field .Recipient.Mail`},
		},
		{
			name: "syntax error",
			t:    Template{Level: "R2", Language: "fr", Source: without("subject", "{{define \"subject\"}}Objet {{.Reference}\n{{end}}")},
			want: []string{"template R2/fr: line 1:"},
		},
		{
			name: "unknown function",
			t:    Template{Level: "R2", Language: "fr", Source: without("letter", "\n{{define \"letter\"}}{{euros .Total}}{{end}}")},
			want: []string{"template R2/fr: line 5:", `function "euros" not defined`},
		},
		{
			name: "missing block",
			t:    Template{Level: "MED", Language: "fr", Source: without("closing", "")},
			want: []string{"template MED/fr: missing {{define \"closing\"}}"},
		},
		{
			name: "failing function",
			t:    Template{Level: "R2", Language: "fr", Source: without("text", `{{define "text"}}{{money (decimal "4O") "EUR"}}{{end}}`)},
			want: []string{`template R2/fr: "text" line 2:`, `decimal "4O"`},
		},
		{
			name: "index out of range on a one-invoice letter",
			t:    Template{Level: "R2", Language: "fr", Source: without("text", `{{define "text"}}{{(index .Lines 1).Number}}{{end}}`)},
			want: []string{`template R2/fr: "text" line 2:`, "index"},
		},
		{
			name: "empty subject",
			t:    Template{Level: "R2", Language: "fr", Source: without("subject", `{{define "subject"}} {{end}}`)},
			want: []string{`"subject" is empty`},
		},
		{name: "empty source", t: Template{Level: "R2", Language: "fr"}, want: []string{"empty source"}},
		{name: "bad kind", t: Template{Level: "R2", Language: "fr", CustomerKind: "company", Source: without("", "")}, want: []string{`customer kind "company"`}},
		{name: "bad level", t: Template{Level: "R 2", Language: "fr", Source: without("", "")}, want: []string{`level "R 2"`}},
		{name: "bad language", t: Template{Level: "R2", Language: "", Source: without("", "")}, want: []string{`language ""`}},
		{name: "negative days", t: Template{Level: "R2", Language: "fr", MinDaysOverdue: -3, Source: without("", "")}, want: []string{"minimum days overdue -3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateTemplate(tt.t)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\ndoes not contain %q", err, want)
				}
			}
		})
	}
	if err := ValidateTemplate(Template{Level: "R2", Language: "fr", Source: without("", "")}); err != nil {
		t.Errorf("minimal template rejected: %v", err)
	}
}

func TestComposeWithCustom(t *testing.T) {
	d := SampleData(2)
	d.LevelCode = "R2"
	custom := []Template{{Level: "R2", Language: "fr", Source: customR2}}

	c, err := ComposeWith(d, custom)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "Relance personnalisée – Boulangerie Lefèvre & Fils" {
		t.Errorf("subject %q: custom template not used", c.Subject)
	}
	for part, s := range map[string]string{"text": strings.Replace(c.Text, "Sauf erreur de notre part", "Relance personnalisée", 1), "HTML": c.HTML, "letter": strings.Join(c.Paragraphs, "\n")} {
		if !strings.Contains(s, "Relance personnalisée") {
			t.Errorf("%s does not come from the custom template:\n%s", part, s)
		}
	}
	if !strings.Contains(c.Text, "FA2026-0102") || !strings.Contains(c.Text, formatMoney(d.Total(), "EUR")) {
		t.Errorf("text misses the invoices or the total:\n%s", c.Text)
	}
	if !strings.Contains(c.Text, "D. 441-5") {
		t.Errorf("business customer: the shared fees block should be there:\n%s", c.Text)
	}
	if !strings.Contains(c.HTML, "Boulangerie Lefèvre &amp; Fils") {
		t.Errorf("HTML body does not escape the customer name")
	}

	// Other levels and languages keep the embedded default.
	for _, tt := range []struct{ level, lang string }{{"R1", "fr"}, {"R2", "en"}} {
		d := SampleData(1)
		d.LevelCode, d.Language = tt.level, tt.lang
		want, err := Compose(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ComposeWith(d, custom)
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != want.Subject || got.Text != want.Text {
			t.Errorf("%s/%s: custom R2/fr used instead of the default", tt.level, tt.lang)
		}
	}

	// A customer language without templates falls back to French, custom
	// templates included.
	d.Language = "de"
	if c, err := ComposeWith(d, custom); err != nil || !strings.HasPrefix(c.Subject, "Relance personnalisée") {
		t.Errorf("German customer: subject %q, error %v; want the French custom template", c.Subject, err)
	}

	// A broken template saved behind ValidateTemplate's back is an error
	// naming it, not another letter.
	_, err = ComposeWith(d, []Template{{Level: "R2", Language: "fr", Source: `{{define "subject"}}{{.Nope}}{{end}}`}})
	if err == nil || !strings.Contains(err.Error(), "R2/fr") {
		t.Errorf("broken custom template: error %v", err)
	}
}

func TestSelectTemplate(t *testing.T) {
	custom := []Template{
		{Level: "R2", Language: "fr", Source: "any"},
		{Level: "R2", Language: "fr", MinDaysOverdue: 60, Source: "any60"},
		{Level: "R2", Language: "fr", CustomerKind: "business", Source: "biz"},
		{Level: "R2", Language: "fr", CustomerKind: "business", MinDaysOverdue: 30, Source: "biz30"},
		{Level: "R2", Language: "fr", CustomerKind: "individual", MinDaysOverdue: 90, Source: "ind90"},
		{Level: "R2", Language: "en", CustomerKind: "business", Source: "en-biz"},
		{Level: "r3", Language: "FR", MinDaysOverdue: 10, Source: "r3-10"},
	}
	tests := []struct {
		level, lang, kind string
		days              int
		want              string // "" = none, embedded default
	}{
		{"R2", "fr", KindBusiness, 10, "biz"},
		{"R2", "fr", KindBusiness, 30, "biz30"},
		{"R2", "fr", KindBusiness, 100, "biz30"}, // kind before days
		{"R2", "fr", KindIndividual, 10, "any"},
		{"R2", "fr", KindIndividual, 60, "any60"},
		{"R2", "fr", KindIndividual, 89, "any60"},
		{"R2", "fr", KindIndividual, 90, "ind90"},
		{"R2", "fr", KindAny, 200, "any60"}, // kind unknown: templates for every customer only
		{"r2", "FR-be", KindBusiness, 0, "biz"},
		{"R2", "en", KindBusiness, 5, "en-biz"},
		{"R2", "en", KindIndividual, 5, ""},
		{"R3", "fr", KindBusiness, 9, ""},
		{"R3", "fr", KindBusiness, 10, "r3-10"},
		{"R1", "fr", KindBusiness, 10, ""},
	}
	for _, tt := range tests {
		got, ok := SelectTemplate(custom, tt.level, tt.lang, tt.kind, tt.days)
		if (tt.want == "") == ok || (ok && got.Source != tt.want) {
			t.Errorf("SelectTemplate(%s, %s, %q, %d) = %q (found %v), want %q", tt.level, tt.lang, tt.kind, tt.days, got.Source, ok, tt.want)
		}
	}
}

func TestComposeWithKindAndDays(t *testing.T) {
	src := func(tag string) string {
		return strings.Replace(customR2, "Relance personnalisée – ", tag+" – ", 1)
	}
	custom := []Template{
		{Level: "R2", Language: "fr", Source: src("tous")},
		{Level: "R2", Language: "fr", CustomerKind: "individual", Source: src("particulier")},
		{Level: "R2", Language: "fr", CustomerKind: "business", MinDaysOverdue: 60, Source: src("pro60")},
	}
	for _, c := range custom {
		if err := ValidateTemplate(c); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		business bool
		days     []int
		want     string
	}{
		{"business, 20 days", true, []int{20}, "tous"},
		{"business, most overdue line 75 days", true, []int{20, 75, 3}, "pro60"},
		{"business, exactly 60", true, []int{60}, "pro60"},
		{"individual, 75 days", false, []int{75}, "particulier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := SampleData(len(tt.days))
			d.LevelCode = "R2"
			d.Recipient.Business = tt.business
			for i, n := range tt.days {
				d.Lines[i].DaysOverdue = n
			}
			c, err := ComposeWith(d, custom)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(c.Subject, tt.want+" – ") {
				t.Errorf("subject %q, want the %q template", c.Subject, tt.want)
			}
		})
	}
}

func TestSharedSource(t *testing.T) {
	s, err := SharedSource("fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{{define "salutation"}}`, `{{define "html_head"}}`} {
		if !strings.Contains(s, want) {
			t.Errorf("shared source lacks %s", want)
		}
	}
}
