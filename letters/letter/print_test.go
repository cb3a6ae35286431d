package letter

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// renderChecked composes and renders d, failing the test on an error, and
// writes the PDF to LETTER_PREVIEW_DIR when set.
func renderChecked(t *testing.T, d Data) ([]byte, []Warning) {
	t.Helper()
	c, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	pdf, warnings, err := RenderChecked(d, c)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("LETTER_PREVIEW_DIR"); dir != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".pdf"
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pdf, warnings
}

// hasWarning reports whether one of ws is about field and mentions part.
func hasWarning(ws []Warning, field, part string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w.Field, field) && strings.Contains(w.Problem, part) {
			return true
		}
	}
	return false
}

// sixLines is a full postal address: six lines under the name.
var sixLines = []string{
	"Service comptabilité fournisseurs", "Bâtiment B – Escalier 3", "Résidence Les Tilleuls",
	"14, avenue de la République", "BP 2041", "75011 Paris",
}

// TestRenderHardInputs renders the letters that used to break: an emoji in
// the name with a six-line address, an invoice number with "/", names of
// 200 characters and of 120 without a space, and 60 invoices in no order.
// Each must render, report what it changed, keep the city line in the
// envelope window and nothing off the page.
func TestRenderHardInputs(t *testing.T) {
	long := strings.Repeat("Établissements Durand-Lefèvre ", 7)[:200]
	tests := []struct {
		name     string
		edit     func(*Data)
		city     string   // last word of the address, to find in the window
		want     []string // in the PDF text
		warnings [][2]string
	}{
		{"emoji and six lines", func(d *Data) {
			d.Recipient.Name = "Œuvre 🍷 & Fils"
			d.Recipient.AddressLines = sixLines
		}, "Paris", []string{"Œuvre & Fils", "75011 Paris"}, [][2]string{
			{"recipient name", "U+1F377"},
			{"recipient", "envelope window"},
		}},
		{"invoice number with slashes", func(d *Data) {
			d.Lines[0].Number = "FA/2026/0042"
		}, "Lyon", []string{"FA/2026/0042"}, nil},
		{"200-character name", func(d *Data) {
			d.Recipient.Name = long
		}, "Lyon", []string{"69002 Lyon", "Établissements Durand-Lefèvre"}, [][2]string{{"recipient name", "two lines"}}},
		{"120 characters without a space", func(d *Data) {
			d.Recipient.Name = strings.Repeat("ABCDEFGHIJ", 12)
			d.Recipient.AddressLines = sixLines
		}, "Paris", []string{"75011 Paris", "ABCDEFGHIJ"}, [][2]string{{"recipient", "envelope window"}}},
		{"arabic name", func(d *Data) {
			d.Recipient.Name = "شركة محمد علي للتجارة"
			d.Recipient.Contact = "السيد سلام"
		}, "Lyon", []string{"Lyon"}, nil},
		{"hebrew and control characters", func(d *Data) {
			d.Recipient.Name = "שלום Fils\x07 \xff"
			d.Recipient.Contact = "汉字 Wang"
		}, "Lyon", []string{"Fils", "Wang"}, [][2]string{
			{"recipient name", "U+0007"}, {"recipient name", "invalid UTF-8"}, {"recipient contact", "replaced by \"?\""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := SampleData(3)
			d.LevelCode = "MED"
			tt.edit(&d)
			pdf, warnings := renderChecked(t, d)
			text := pdfText(t, pdf)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			for _, w := range tt.warnings {
				if !hasWarning(warnings, w[0], w[1]) {
					t.Errorf("no warning on %s mentioning %q in %v", w[0], w[1], warnings)
				}
			}
			for _, w := range warnings {
				if strings.Contains(w.String(), "Œuvre") || strings.Contains(w.String(), "Durand") {
					t.Errorf("warning %q carries customer data", w)
				}
			}
			words := pdfWords(t, pdf)
			// The address block's city: the occurrence right of the
			// letterhead, above the text.
			var city *box
			for i, b := range words[tt.city] {
				if b.xMin > 90 && b.yMin < 100 {
					city = &words[tt.city][i]
					break
				}
			}
			if city == nil {
				t.Fatalf("city %q not found in the address block: %v", tt.city, words[tt.city])
			}
			if c := *city; c.yMin < 45 || c.yMax > 92 || c.xMin < 100 || c.xMax > 195 {
				t.Errorf("city line at x %.1f-%.1f, y %.1f-%.1f mm: out of the envelope window", c.xMin, c.xMax, c.yMin, c.yMax)
			}
			for w, boxes := range words {
				for _, b := range boxes {
					if b.xMax > 200 || b.xMin < 0 {
						t.Errorf("word %q runs off the page (x %.1f-%.1f mm)", w, b.xMin, b.xMax)
					}
				}
			}
		})
	}
}

// TestRenderSixtyInvoicesSorted gives 60 invoices in reverse order: the
// letter lists them all, by due date.
func TestRenderSixtyInvoicesSorted(t *testing.T) {
	d := SampleData(60) // SampleData's due dates go back in time
	pdf, _ := renderChecked(t, d)
	text := pdfText(t, pdf)
	found := invoiceLine.FindAllString(text, -1)
	if len(found) != 60 {
		t.Fatalf("%d invoices in the PDF, want 60", len(found))
	}
	dates := regexp.MustCompile(`FA2026-\d{4} +\d\d/\d\d/\d{4} +(\d\d)/(\d\d)/(\d{4})`).FindAllStringSubmatch(text, -1)
	prev := ""
	for _, m := range dates {
		key := m[3] + m[2] + m[1]
		if key < prev {
			t.Fatalf("rows not sorted by due date: %s/%s/%s after %s", m[1], m[2], m[3], prev)
		}
		prev = key
	}
	// The first row is the oldest due date: SampleData's last invoice.
	if !strings.Contains(found[0], "FA2026-0160") {
		t.Errorf("first row %q, want FA2026-0160", found[0])
	}
}

// TestRenderNeverPanics feeds hostile strings to every field: the letter
// renders (or fails with an error), never panics.
func TestRenderNeverPanics(t *testing.T) {
	hostile := []string{
		"🍷🍷🍷", "\U0010FFFF", "\x00\x01\x1b[31m", "\xff\xfe", "e\u0301\u0301\u0301", "\u202e\u200d\ufe0f",
		strings.Repeat("W", 500), strings.Repeat("😀 ", 80), "مرحبا (بالعالم) 123", "", " ", "\n\n\n",
	}
	for i, h := range hostile {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			d := SampleData(2)
			d.Company.LegalName, d.Company.City, d.Company.RCS = h, h, h
			d.Company.AddressLines = []string{h, h, h, h, h, h, h}
			d.Recipient.Name, d.Recipient.Contact, d.Recipient.Code = h, h, h
			d.Recipient.AddressLines = []string{h, h, h, h, h, h, h, h}
			d.Lines[0].Number, d.Lines[1].Level = h, h
			d.Reference = h
			c, err := Compose(d)
			if err != nil {
				t.Fatal(err)
			}
			c.Subject = h
			c.Paragraphs = append(c.Paragraphs, h)
			if _, _, err := RenderChecked(d, c); err != nil {
				t.Logf("error (not a panic): %v", err)
			}
		})
	}
}

// TestVisualOrder checks the reordering of right-to-left runs.
func TestVisualOrder(t *testing.T) {
	for in, want := range map[string]string{
		"Dupont":             "Dupont",
		"שלום":               "םולש",
		"Société אבג SARL":   "Société גבא SARL",
		"אבג (דה) Fils":      "Fils (הד) גבא",
		"محمد 12":            "12 دمحم",
		"Café de l'Ouest 12": "Café de l'Ouest 12",
	} {
		if got := visualOrder(in); got != want {
			t.Errorf("visualOrder(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFormalNoticeByCustomerType checks the wording of the formal notice:
// to a business, the 40 € indemnity and the penalties; to an individual,
// no recovery costs (L. 111-8 CPCE) and the consumer mentions; both with
// the registered-mail mention and the signatory.
func TestFormalNoticeByCustomerType(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		for _, business := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s business=%v", lang, business), func(t *testing.T) {
				d := medData(2, lang, business)
				d.Company.SignatoryName, d.Company.SignatoryTitle = "Claire Martin", "Responsable du recouvrement"
				d.Company.RCS = "RCS Paris B 732 829 320"
				if business {
					d.Fees = SampleFees(d)
				}
				pdf, _ := renderChecked(t, d)
				text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
				want := []string{"Claire Martin, Responsable du recouvrement", map[string]string{"fr": "lettre recommandée avec accusé de réception", "en": "registered letter with acknowledgement of receipt"}[lang], "RCS Paris B 732 829 320"}
				bad := []string{"RCS RCS", "resteront alors à votre charge", "borne by you"}
				if business {
					want = append(want, "40,00 €", "L. 441-10")
				} else {
					want = append(want, "L. 111-8", "L. 612-1")
					bad = append(bad, "40,00", "indemnité forfaitaire", "fixed indemnity", "Total à payer")
				}
				lower := strings.ToLower(text)
				for _, w := range want {
					if !strings.Contains(lower, strings.ToLower(w)) {
						t.Errorf("formal notice lacks %q", w)
					}
				}
				for _, b := range bad {
					if strings.Contains(lower, strings.ToLower(b)) {
						t.Errorf("formal notice says %q", b)
					}
				}
			})
		}
	}
}

// TestSingularPlural: "la facture suivante" for one invoice.
func TestSingularPlural(t *testing.T) {
	for n, want := range map[int]string{1: "au titre de la facture suivante", 3: "au titre des 3 factures suivantes"} {
		d := medData(n, "fr", true)
		c, err := Compose(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Text, want) || !strings.Contains(strings.Join(c.Paragraphs, " "), want) {
			t.Errorf("%d invoices: text lacks %q", n, want)
		}
	}
}

// TestComposeSortsLines: the e-mail lists the invoices by due date too.
func TestComposeSortsLines(t *testing.T) {
	d := SampleData(3) // due dates go back in time
	c, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := strings.Index(c.Text, "FA2026-0103"), strings.Index(c.Text, "FA2026-0101"); a < 0 || b < 0 || a > b {
		t.Errorf("e-mail does not list the oldest due date first:\n%s", c.Text)
	}
	if d.Lines[0].Number != "FA2026-0101" {
		t.Error("Compose reordered the caller's lines")
	}
}

func TestRCSLabel(t *testing.T) {
	for in, want := range map[string]string{
		"RCS Paris B 732 829 320": "RCS Paris B 732 829 320",
		"rcs Lyon 123":            "RCS Lyon 123",
		"Paris B 732 829 320":     "RCS Paris B 732 829 320",
		"":                        "",
		"RCS":                     "",
	} {
		if got := (Company{RCS: in}).RCSLabel(); got != want {
			t.Errorf("RCSLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRenderConcurrent renders letters with different characters at the
// same time: the fonts and subsets shared by the process (third_party
// gofpdf) must give each letter its own text (run with -race).
func TestRenderConcurrent(t *testing.T) {
	names := []string{"Ålesund AS", "Ελληνική ΑΕ", "Москва ООО", "Dupont SARL", "Łódź Sp. z o.o.", "Őrség Kft"}
	errs := make(chan error, len(names)*3)
	for i := 0; i < len(names)*3; i++ {
		go func(name string) {
			d := SampleData(2)
			d.Recipient.Name = name
			c, err := Compose(d)
			if err != nil {
				errs <- err
				return
			}
			pdf, _, err := RenderChecked(d, c)
			if err == nil && !pdfShows(t, pdf, name) {
				err = fmt.Errorf("letter to %s does not show the name", name)
			}
			errs <- err
		}(names[i%len(names)])
	}
	for range len(names) * 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestShapeArabic checks the contextual forms: محمد is meem initial, hah
// medial, meem medial, dal final; لا is the lam-alef ligature.
func TestShapeArabic(t *testing.T) {
	for in, want := range map[string]string{
		"محمد":   "\uFEE3\uFEA4\uFEE4\uFEAA",
		"لا":     "\uFEFB",
		"سلام":   "\uFEB3\uFEFC\uFEE1",
		"Dupont": "Dupont",
		"علي 12": "\uFECB\uFEE0\uFEF2 12",
		"ء":      "\uFE80",
		"دار":    "\uFEA9\uFE8D\uFEAD",
	} {
		if got := shapeArabic(in); got != want {
			t.Errorf("shapeArabic(%q) = %U, want %U", in, []rune(got), []rune(want))
		}
	}
}

// TestAddressBlock fits names and addresses to the window: at most six
// lines, each within the window's width, the last address line (postal
// code and city) always kept, every cut reported.
func TestAddressBlock(t *testing.T) {
	longLine := "Zone industrielle des Grandes Terres Nord, lot 45"
	tests := []struct {
		name      string
		r         Recipient
		lines     int
		last      string
		warnField string // "" when nothing is cut
	}{
		{"short", Recipient{Name: "Dupont SARL", AddressLines: []string{"1 rue A", "75001 Paris"}}, 3, "75001 Paris", ""},
		{"joinable lines", Recipient{Name: "Dupont SARL", Contact: "M. Martin", AddressLines: sixLines}, 6, "75011 Paris", "recipient address"},
		{"nothing joins: contact, then first lines go", Recipient{Name: strings.Repeat("Société ", 20), Contact: "M. Martin",
			AddressLines: []string{longLine, longLine + " B", longLine + " C", longLine + " D", longLine + " E", "13001 Marseille"}}, 6, "13001 Marseille", "recipient contact"},
		{"long street line", Recipient{Name: "X", AddressLines: []string{strings.Repeat("rue ", 40), "69001 Lyon"}}, 3, "69001 Lyon", "recipient address line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &printer{}
			got := p.addressBlock(tt.r, labelsFor("fr"))
			if len(got) != tt.lines || len(got) > addressLines {
				t.Errorf("%d lines, want %d: %v", len(got), tt.lines, got)
			}
			if got[len(got)-1].text != tt.last {
				t.Errorf("last line %q, want %q", got[len(got)-1].text, tt.last)
			}
			for _, l := range got {
				if w := textWidth(l.text, l.bold, bodySize); w > addressWidth {
					t.Errorf("line %q is %.1f mm wide, window %.0f mm", l.text, w, addressWidth)
				}
			}
			if tt.warnField == "" && len(p.warnings) > 0 {
				t.Errorf("warnings %v, want none", p.warnings)
			}
			if tt.warnField != "" && !hasWarning(p.warnings, tt.warnField, "") {
				t.Errorf("no warning on %s in %v", tt.warnField, p.warnings)
			}
		})
	}
}

// FuzzRender gives arbitrary strings to the fields customers and invoices
// fill: the letter renders without the PDF library failing (its panics are
// recovered by RenderChecked and would show here as errors).
// go test -fuzz FuzzRender -fuzztime 1m ./letter/
func FuzzRender(f *testing.F) {
	for _, s := range []string{"Œuvre 🍷 & Fils", "FA/2026/0042", "\x00\xff", "שלום", "محمد", strings.Repeat("W", 130), "汉字"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, name, street, number string) {
		d := SampleData(2)
		d.Recipient.Name, d.Recipient.Contact = name, street
		d.Recipient.AddressLines = []string{street, name, street, "75001 Paris"}
		d.Lines[0].Number = number
		d.Company.LegalName = number
		c, err := Compose(d)
		if err != nil {
			t.Skip(err)
		}
		if _, _, err := RenderChecked(d, c); err != nil {
			t.Errorf("render: %v", err)
		}
	})
}
