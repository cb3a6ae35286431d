package letter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

var levels = []string{"R1", "R2", "R3", "MED"}
var languages = []string{"fr", "en"}

func TestTemplatesParse(t *testing.T) {
	set, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range languages {
		for _, level := range levels {
			if set[lang][level] == nil {
				t.Errorf("no template %s/%s", lang, level)
			}
			if !HasTemplate(lang, level) {
				t.Errorf("HasTemplate(%q, %q) = false", lang, level)
			}
		}
	}
}

func TestParseTemplatesErrors(t *testing.T) {
	complete := `{{define "subject"}}s{{end}}{{define "text"}}t{{end}}{{define "html"}}h{{end}}{{define "letter"}}l{{end}}{{define "closing"}}c{{end}}`
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"syntax error", fstest.MapFS{"t/fr/R1.tmpl": {Data: []byte(complete + `{{if}}`)}}, "fr/R1"},
		{"missing block", fstest.MapFS{"t/fr/R1.tmpl": {Data: []byte(`{{define "subject"}}s{{end}}`)}}, `fr/R1: missing {{define "text"}}`},
		{"unknown function", fstest.MapFS{"t/en/R1.tmpl": {Data: []byte(complete + `{{nosuchfunc 1}}`)}}, "en/R1"},
		{"no French", fstest.MapFS{"t/en/R1.tmpl": {Data: []byte(complete)}}, `default language "fr"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTemplates(tt.files, "t")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestComposeEveryLevelAndLanguage(t *testing.T) {
	set, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for lang := range set {
		for level := range set[lang] {
			for _, business := range []bool{true, false} {
				name := fmt.Sprintf("%s/%s/business=%v", lang, level, business)
				t.Run(name, func(t *testing.T) {
					d := SampleData(3)
					d.Language, d.LevelCode = lang, level
					d.Recipient.Name = "<Dupont & Fils>"
					d.Recipient.Business = business
					c, err := Compose(d)
					if err != nil {
						t.Fatal(err)
					}
					if c.Subject == "" || strings.ContainsAny(c.Subject, "\r\n") {
						t.Errorf("subject %q: want one non-empty line", c.Subject)
					}
					for _, l := range d.Lines {
						if !strings.Contains(c.Text, l.Number) {
							t.Errorf("text does not mention invoice %s:\n%s", l.Number, c.Text)
						}
						if !strings.Contains(c.HTML, l.Number) {
							t.Errorf("HTML does not mention invoice %s", l.Number)
						}
					}
					total := formatMoney(d.Total(), d.Currency)
					for part, s := range map[string]string{"text": c.Text, "HTML": c.HTML, "letter": strings.Join(c.Closing, "\n")} {
						if !strings.Contains(s, total) {
							t.Errorf("%s does not state the total %q", part, total)
						}
					}
					if !strings.Contains(c.HTML, "&lt;Dupont &amp; Fils&gt;") || strings.Contains(c.HTML, "<Dupont") {
						t.Errorf("HTML does not escape the customer name:\n%s", c.HTML)
					}
					if !strings.Contains(c.Text, "<Dupont & Fils>") {
						t.Errorf("text body should print the customer name as is")
					}
					if len(c.Paragraphs) == 0 || len(c.Closing) == 0 {
						t.Errorf("letter paragraphs: %d before the table, %d after", len(c.Paragraphs), len(c.Closing))
					}
					for _, p := range append(c.Paragraphs, c.Closing...) {
						if strings.TrimSpace(p) != p || p == "" {
							t.Errorf("paragraph %q is not trimmed", p)
						}
					}
					if strings.Contains(c.Text+c.HTML, "<no value>") {
						t.Errorf("a merge field is missing: <no value> in the output")
					}
				})
			}
		}
	}
}

func TestComposeFormalNotice(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			d := SampleData(2)
			d.Language, d.LevelCode = lang, "MED"
			c, err := Compose(d)
			if err != nil {
				t.Fatal(err)
			}
			letter := strings.Join(append(c.Paragraphs, c.Closing...), "\n")
			for _, s := range []string{c.Text, letter} {
				for _, want := range []string{"mise en demeure", formatMoney(d.Total(), d.Currency), d.Deadline.French()} {
					if !strings.Contains(strings.ToLower(s), strings.ToLower(want)) {
						t.Errorf("formal notice does not say %q:\n%s", want, s)
					}
				}
			}
			consequence := map[string]string{"fr": "procédure de recouvrement judiciaire", "en": "legal proceedings"}[lang]
			if !strings.Contains(letter, consequence) {
				t.Errorf("formal notice does not state the consequences (%q):\n%s", consequence, letter)
			}
		})
	}
}

func TestComposeDeadlineFallback(t *testing.T) {
	d := SampleData(1)
	d.LevelCode = "R2"
	d.Deadline = Data{}.Deadline
	c, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Text, "dans un délai de huit jours") {
		t.Errorf("without a deadline the letter should give eight days:\n%s", c.Text)
	}
}

func TestComposeLanguage(t *testing.T) {
	tests := []struct {
		language, wantSubject string
	}{
		{"fr", "Relevé de factures impayées"},
		{"en", "Statement of unpaid invoices"},
		{"EN-gb", "Statement of unpaid invoices"},
		{"de", "Relevé de factures impayées"},
		{"", "Relevé de factures impayées"},
	}
	for _, tt := range tests {
		t.Run(tt.language, func(t *testing.T) {
			d := SampleData(1)
			d.Language = tt.language
			c, err := Compose(d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(c.Subject, tt.wantSubject) {
				t.Errorf("subject %q, want it to start with %q", c.Subject, tt.wantSubject)
			}
		})
	}
}

func TestComposeErrors(t *testing.T) {
	noLines := SampleData(1)
	noLines.Lines = nil
	unknown := SampleData(1)
	unknown.LevelCode, unknown.Language = "R9", "en"
	tests := []struct {
		name     string
		d        Data
		wantText []string
		wantIs   error
	}{
		{"unknown level", unknown, []string{"R9", `"en"`, "REL-2026-000123"}, ErrNoTemplate},
		{"no lines", noLines, []string{"no invoice lines", "REL-2026-000123"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compose(tt.d)
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %q is not %v", err, tt.wantIs)
			}
		})
	}
}

func TestSplitParagraphs(t *testing.T) {
	got := splitParagraphs("\n  Madame,  \n\n\nLigne 1\nLigne 2\n \t\nFin\n")
	want := []string{"Madame,", "Ligne 1\nLigne 2", "Fin"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("splitParagraphs = %q, want %q", got, want)
	}
}

func TestRender(t *testing.T) {
	mixed := SampleData(4)
	mixed.LevelCode = "R3"
	mixed.Lines[1].Level, mixed.Lines[3].Level = "R2", "R3"
	formal := SampleData(3)
	formal.Language, formal.LevelCode = "en", "MED"
	long := SampleData(40)
	long.LevelCode = "R2"

	tests := []struct {
		name   string
		d      Data
		pages  int
		header string // table header label expected on every page with invoices
		want   []string
	}{
		{"R1 fr one invoice", SampleData(1), 1, "N° facture",
			[]string{"Objet : Relevé de factures impayées", "Paris, le 23/11/2026", "Boulangerie Lefèvre & Fils", "Cœur", "Retard (jours)"}},
		// The payment box (QR code) brings the closing of these two onto a second page.
		{"MED en", formal, 2, "Invoice",
			[]string{"Subject: Formal notice to pay (mise en demeure)", "Paris, 23/11/2026", "01/12/2026", "Days overdue"}},
		{"mixed levels", mixed, 2, "Niveau", []string{"R2", "R3"}},
		{"40 invoices", long, 2, "N° facture", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := renderSample(t, tt.d)
			text := pdfText(t, pdf)
			pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
			if len(pages) != tt.pages {
				t.Fatalf("%d pages, want %d", len(pages), tt.pages)
			}
			for _, want := range append(tt.want, "1 234,56 €", "€", "é", "è", "SIRET 732 829 320 00074") {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q", want)
				}
			}
			for _, l := range tt.d.Lines {
				if !strings.Contains(text, l.Number) {
					t.Errorf("PDF text lacks invoice %s", l.Number)
				}
			}
			for _, bad := range []string{"1.234,56", "234,56.€", "1?234"} {
				if strings.Contains(text, bad) {
					t.Errorf("PDF text has %q: a character was lost by the font", bad)
				}
			}
			for i, page := range pages {
				if want := fmt.Sprintf("Page %d/%d", i+1, len(pages)); !strings.Contains(page, want) {
					t.Errorf("page %d lacks %q", i+1, want)
				}
				if !strings.Contains(page, "IBAN FR76 3000 6000 0112 3456 7890 189 – BIC AGRIFRPP882") {
					t.Errorf("page %d lacks the legal footer", i+1)
				}
				if invoiceLine.MatchString(page) && !strings.Contains(page, tt.header) {
					t.Errorf("page %d lists invoices without the table header %q", i+1, tt.header)
				}
			}
			// pdftotext turns U+202F into a plain space; the content stream
			// must really show it (the built-in fonts would print ".").
			if !pdfShows(t, pdf, "1\u202f234,56\u202f€") {
				t.Errorf("PDF does not show 1 234,56 € with narrow no-break spaces")
			}
		})
	}
}

// TestRenderTableBreaks renders lengths around the page breaks (the first
// page holds about 22 invoices, the next ones 41) and checks that the table
// header heads every page that lists invoices, that the total row never
// stands alone and that no invoice is lost.
func TestRenderTableBreaks(t *testing.T) {
	for _, n := range []int{20, 21, 22, 23, 24, 61, 62, 63, 64, 65} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			text := pdfText(t, renderSample(t, SampleData(n)))
			for i, page := range strings.Split(strings.TrimSuffix(text, "\f"), "\f") {
				rows := len(invoiceLine.FindAllString(page, -1))
				if rows > 0 && !strings.Contains(page, "N° facture") {
					t.Errorf("page %d lists invoices without the table header", i+1)
				}
				if totalLine.MatchString(page) && rows == 0 {
					t.Errorf("page %d has the total row without an invoice above it", i+1)
				}
			}
			if got := len(invoiceLine.FindAllString(text, -1)); got != n {
				t.Errorf("%d invoices found in the PDF, want %d", got, n)
			}
		})
	}
}

// TestRenderTableStart pushes the table down the first page with extra
// paragraphs: the table must not start with its header and fewer than three
// invoices at the bottom of a page.
func TestRenderTableStart(t *testing.T) {
	d := SampleData(5)
	for extra := 8; extra <= 20; extra++ {
		t.Run(fmt.Sprint(extra), func(t *testing.T) {
			t.Parallel()
			c, err := Compose(d)
			if err != nil {
				t.Fatal(err)
			}
			for i := range extra {
				c.Paragraphs = append(c.Paragraphs, fmt.Sprintf("Paragraphe de remplissage n° %d.", i+1))
			}
			pdf, err := Render(d, c)
			if err != nil {
				t.Fatal(err)
			}
			for i, page := range strings.Split(strings.TrimSuffix(pdfText(t, pdf), "\f"), "\f") {
				if strings.Contains(page, "N° facture") {
					if rows := len(invoiceLine.FindAllString(page, -1)); rows < 3 {
						t.Errorf("the table starts on page %d with %d invoices", i+1, rows)
					}
					return
				}
			}
			t.Error("no table header")
		})
	}
}

// TestRenderAddressInWindow checks, with pdftotext -bbox, that the address
// block shows in the window of a DL/C5 envelope (window 100 × 45 mm, its
// left edge about 100-110 mm from the left of the sheet and its top 45-50 mm
// from the top).
func TestRenderAddressInWindow(t *testing.T) {
	words := pdfWords(t, renderSample(t, SampleData(1)))
	first, last := words["Boulangerie"], words["Lyon"]
	if len(first) == 0 || len(last) == 0 {
		t.Fatalf("address words not found in %v", words)
	}
	name, city := first[0], last[0]
	if name.xMin < 100 || name.xMin > 110 || name.yMin < 45 || name.yMin > 55 {
		t.Errorf("address starts at %.1f mm from the left, %.1f mm from the top; want 100-110, 45-55", name.xMin, name.yMin)
	}
	if city.yMax > 92 || city.xMax > 195 {
		t.Errorf("address ends at %.1f mm from the top, %.1f mm from the left: out of the window", city.yMax, city.xMax)
	}
}

func TestRenderErrors(t *testing.T) {
	noLines := SampleData(1)
	noLines.Lines = nil
	noDate := SampleData(1)
	noDate.Date = Data{}.Date
	for name, d := range map[string]Data{"no lines": noLines, "no date": noDate} {
		t.Run(name, func(t *testing.T) {
			_, err := Render(d, Content{Subject: "x"})
			if err == nil || !strings.Contains(err.Error(), "render letter REL-2026-000123") {
				t.Errorf("error %v, want one naming the letter", err)
			}
		})
	}
}

func BenchmarkRenderOnePage(b *testing.B) {
	benchmarkRender(b, SampleData(1))
}

func BenchmarkRender40Invoices(b *testing.B) {
	benchmarkRender(b, SampleData(40))
}

// BenchmarkRenderVariedNames renders one-page letters to customers whose
// names and addresses change from letter to letter, as a day's batch does:
// they share the font subset as long as their characters are in ASCII,
// Latin-1 and the French typography (third_party/gofpdf subsetBase).
func BenchmarkRenderVariedNames(b *testing.B) {
	names := []string{"Boulangerie Lefèvre & Fils", "SARL Ÿvonne Œnologie", "Quincaillerie Zoé", "Wagner GmbH", "Jørgensen ApS", "Müller & Söhne", "Xavier Núñez SL", "Ébénisterie Çà et Là"}
	ds := make([]Data, len(names))
	cs := make([]Content, len(names))
	for i, n := range names {
		ds[i] = SampleData(1)
		ds[i].Recipient.Name = n
		c, err := Compose(ds[i])
		if err != nil {
			b.Fatal(err)
		}
		cs[i] = c
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Render(ds[i%len(ds)], cs[i%len(cs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func benchmarkRender(b *testing.B, d Data) {
	c, err := Compose(d)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		pdf, err := Render(d, c)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(pdf)))
	}
}
