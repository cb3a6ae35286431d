package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/testkit/dbtest"
)

const customR2 = `{{define "subject"}}Relance ACME – {{.Recipient.Name}}{{end}}
{{define "text"}}{{template "salutation" .}}

{{template "text_invoices" .}}
{{end}}
{{define "html"}}{{template "html_head" .}}{{template "html_invoices" .}}{{template "html_foot" .}}{{end}}
{{define "letter"}}{{template "salutation" .}}{{end}}
{{define "closing"}}Merci de régler {{money .Total .Currency}}.{{end}}
`

func TestTemplates(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	id, err := st.CreateCompany(ctx, store.Company{Code: "ACME", LegalName: "Acme SAS"})
	if err != nil {
		t.Fatal(err)
	}

	broken := []struct {
		name   string
		source string
		want   []string
	}{
		{"syntax error", strings.Replace(customR2, "{{end}}\n{{define \"html\"}}", "{{end\n{{define \"html\"}}", 1), []string{"R2/fr: line 6:"}},
		{"unknown field", strings.Replace(customR2, "{{money .Total .Currency}}", "{{money .Total .Devise}}", 1), []string{`R2/fr: "closing" line 8: unknown field .Devise`}},
		{"missing block", strings.Replace(customR2, `{{define "letter"}}{{template "salutation" .}}{{end}}`, "", 1), []string{`missing {{define "letter"}}`}},
	}
	for _, tt := range broken {
		err := st.SaveTemplate(ctx, "ACME", letter.Template{Level: "R2", Language: "fr", Source: tt.source})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", tt.name, err)
			continue
		}
		for _, want := range tt.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", tt.name, err, want)
			}
		}
	}
	if ts, _ := st.Templates(ctx, id); len(ts) != 0 {
		t.Fatalf("broken templates were saved: %v", ts)
	}

	if err := st.SaveTemplate(ctx, "NOPE", letter.Template{Level: "R2", Language: "fr", Source: customR2}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown company: %v", err)
	}
	if err := st.SaveTemplate(ctx, "ACME", letter.Template{Level: "r2", Language: "FR", Source: customR2}); err != nil {
		t.Fatal(err)
	}
	biz := strings.Replace(customR2, "Relance ACME", "Relance ACME pro", 1)
	if err := st.SaveTemplate(ctx, "ACME", letter.Template{Level: "R2", Language: "fr", CustomerKind: "business", MinDaysOverdue: 30, Source: biz}); err != nil {
		t.Fatal(err)
	}
	ts, err := st.Templates(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Level != "R2" || ts[0].Language != "fr" || ts[0].CustomerKind != "" || ts[1].MinDaysOverdue != 30 {
		t.Fatalf("templates %+v", ts)
	}

	// The saved R2/fr is what ComposeWith uses for R2 letters.
	d := letter.SampleData(2)
	d.LevelCode = "R2"
	d.Recipient.Business = false
	c, err := letter.ComposeWith(d, ts)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "Relance ACME – Boulangerie Lefèvre & Fils" {
		t.Errorf("subject %q: saved template not used", c.Subject)
	}
	d.Recipient.Business = true
	d.Lines[1].DaysOverdue = 31
	if c, _ = letter.ComposeWith(d, ts); !strings.HasPrefix(c.Subject, "Relance ACME pro") {
		t.Errorf("business customer 31 days late: subject %q", c.Subject)
	}

	// Saving again replaces; deleting removes.
	if err := st.SaveTemplate(ctx, "ACME", letter.Template{Level: "R2", Language: "fr", Source: strings.Replace(customR2, "Relance ACME", "Rappel", 1)}); err != nil {
		t.Fatal(err)
	}
	if ts, _ = st.Templates(ctx, id); len(ts) != 2 || !strings.Contains(ts[0].Source, "Rappel") {
		t.Errorf("after replacing: %+v", ts)
	}
	if err := st.DeleteTemplate(ctx, "ACME", letter.Template{Level: "R2", Language: "fr", CustomerKind: "business", MinDaysOverdue: 30}); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteTemplate(ctx, "ACME", letter.Template{Level: "R2", Language: "fr", CustomerKind: "business", MinDaysOverdue: 30}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if ts, _ = st.Templates(ctx, id); len(ts) != 1 {
		t.Errorf("after delete: %+v", ts)
	}
}
