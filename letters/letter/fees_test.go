package letter

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/fees"
	"github.com/shopspring/decimal"
)

// medData is SampleData at the formal notice level, for a business
// customer with the fees it owes, or an individual without any.
func medData(lines int, lang string, business bool) Data {
	d := SampleData(lines)
	d.Language, d.LevelCode, d.LevelLabel = lang, "MED", "Mise en demeure de payer"
	d.Recipient.Business = business
	if business {
		d.Fees = SampleFees(d)
	}
	return d
}

func TestFeesFrom(t *testing.T) {
	if b := FeesFrom(fees.Claim{On: calendar.New(2026, 11, 23), Total: decimal.Zero}, decimal.NewFromInt(100)); b != nil {
		t.Errorf("empty claim: %+v, want nil", b)
	}
	individual, err := fees.Compute([]fees.Line{{Invoice: "F1", DueDate: calendar.New(2026, 1, 31), Balance: decimal.NewFromInt(1000)}},
		false, calendar.New(2026, 11, 23), SampleRates())
	if err != nil {
		t.Fatal(err)
	}
	if b := FeesFrom(individual, decimal.NewFromInt(1000)); b != nil {
		t.Errorf("individual's claim: %+v, want nil", b)
	}

	d := SampleData(2)
	f := SampleFees(d)
	if f == nil {
		t.Fatal("no fees for two late invoices")
	}
	if !f.Indemnity.Equal(decimal.NewFromInt(80)) || f.Invoices() != 2 || len(f.Lines) != 2 {
		t.Errorf("indemnity %s on %d invoices, want 80 on 2", f.Indemnity, f.Invoices())
	}
	if !f.Total.Equal(f.Indemnity.Add(f.Interest)) || !f.TotalDue.Equal(d.Total().Add(f.Total)) {
		t.Errorf("total %s, total due %s: inconsistent with %s + %s and balances %s", f.Total, f.TotalDue, f.Indemnity, f.Interest, d.Total())
	}
	// FA2026-0101: 1 234,56 € due 2026-11-08, 15 days late on 2026-11-23 at 12.15 %.
	want := decimal.RequireFromString("1234.56").Mul(decimal.RequireFromString("12.15")).Mul(decimal.NewFromInt(15)).
		Div(decimal.NewFromInt(36500)).Round(2)
	if l := f.Lines[0]; l.Number != "FA2026-0101" || l.DaysLate != 15 || !l.Interest.Equal(want) {
		t.Errorf("first line %+v, want FA2026-0101, 15 days, interest %s", l, want)
	}
	if f.RateNote != "12,15"+nbsp+"% l'an (taux BCE 2,15"+nbsp+"% + 10 points)" {
		t.Errorf("RateNote %q", f.RateNote)
	}
	if f.RateNoteEN != "12.15% a year (ECB rate 2.15% + 10 points)" {
		t.Errorf("RateNoteEN %q", f.RateNoteEN)
	}

	// Two half-years at different rates are both named, oldest first.
	rates := fees.RateTable{{From: calendar.New(2025, 7, 1), ECB: decimal.RequireFromString("2.15")},
		{From: calendar.New(2025, 1, 1), ECB: decimal.RequireFromString("3.15")}}
	c, err := fees.Compute([]fees.Line{{Invoice: "F1", DueDate: calendar.New(2025, 3, 31), Balance: decimal.NewFromInt(1000)}},
		true, calendar.New(2025, 9, 30), rates)
	if err != nil {
		t.Fatal(err)
	}
	if b := FeesFrom(c, decimal.NewFromInt(1000)); b == nil || !strings.HasPrefix(b.RateNote, "13,15"+nbsp+"% puis 12,15"+nbsp+"%") {
		t.Errorf("two rates: %+v", b)
	}
}

// TestComposeFees checks what the letters say about fees: the amounts and
// legal articles when a business customer is charged them, nothing when
// no fees are claimed (an individual, or a level that does not claim them).
func TestComposeFees(t *testing.T) {
	for _, lang := range languages {
		for _, level := range levels {
			for _, business := range []bool{true, false} {
				for _, claim := range []bool{true, false} {
					if claim && !business {
						continue // never fees for individuals: the caller passes nil
					}
					t.Run(fmt.Sprintf("%s/%s/business=%v/fees=%v", lang, level, business, claim), func(t *testing.T) {
						d := medData(3, lang, business)
						d.LevelCode = level
						if !claim {
							d.Fees = nil
						}
						c, err := Compose(d)
						if err != nil {
							t.Fatal(err)
						}
						letter := strings.Join(append(c.Paragraphs, c.Closing...), "\n")
						shows := level == "MED" || level == "R3"
						for part, s := range map[string]string{"text": c.Text, "HTML": c.HTML, "letter": letter} {
							if strings.Contains(s, "<no value>") {
								t.Errorf("%s: <no value>", part)
							}
							if !claim {
								for _, no := range []string{"40,00 € ×", "Total à payer", "Total to pay", "arrêtées au", "Late-payment penalties at"} {
									if strings.Contains(s, no) {
										t.Errorf("%s mentions %q without fees:\n%s", part, no, s)
									}
								}
								continue
							}
							f := d.Fees
							// Every level that claims fees asks for the
							// table's "Total à payer" in its sentence.
							if !strings.Contains(s, formatMoney(f.TotalDue, d.Currency)) {
								t.Errorf("%s does not ask for the total to pay %s", part, formatMoney(f.TotalDue, d.Currency))
							}
							amounts := []string{formatMoney(f.Indemnity, "EUR"), formatMoney(f.Interest, d.Currency)}
							for _, a := range amounts {
								if got := strings.Contains(s, a); got != shows {
									t.Errorf("%s shows %q: %v, want %v", part, a, got, shows)
								}
							}
							if !shows {
								continue
							}
							for _, want := range []string{"D. 441-5", "L. 441-10 II", formatMoney(decimal.NewFromInt(40), "EUR")} {
								if !strings.Contains(s, want) {
									t.Errorf("%s does not cite %q:\n%s", part, want, s)
								}
							}
						}
						if !business && strings.Contains(c.Text+letter, "40,00") {
							t.Errorf("an individual's letter mentions the 40 € indemnity:\n%s", c.Text)
						}
					})
				}
			}
		}
	}
}

// TestComposeFormalNoticeWithFees checks the French B2B formal notice: the
// words, the amount with fees, the invoices, the deadline, the consequences.
func TestComposeFormalNoticeWithFees(t *testing.T) {
	d := medData(2, "fr", true)
	c, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.Text, strings.Join(c.Closing, "\n")} {
		for _, want := range []string{
			"mettons en demeure", "mise en demeure",
			formatMoney(d.Fees.TotalDue, "EUR"), formatMoney(d.Total(), "EUR") + " en principal",
			"indemnité forfaitaire pour frais de recouvrement de 40,00 € par facture (art. D. 441-5 du Code de commerce)",
			"pénalités de retard au taux de 12,15 % l'an (taux BCE 2,15 % + 10 points) (art. L. 441-10 II du Code de commerce)",
			"au plus tard le " + d.Deadline.French(),
			"procédure de recouvrement judiciaire",
		} {
			if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(s, nbsp, " "), "\u202f", " "), strings.ReplaceAll(want, "\u202f", " ")) {
				t.Errorf("formal notice does not say %q:\n%s", want, s)
			}
		}
	}
	for _, l := range d.Lines {
		if !strings.Contains(c.Text, l.Number) {
			t.Errorf("formal notice does not name invoice %s", l.Number)
		}
	}
	if strings.Contains(c.Text, "sont en outre exigibles") {
		t.Errorf("the fees are both claimed and recalled in general terms:\n%s", c.Text)
	}
}

func TestRenderFees(t *testing.T) {
	business := medData(2, "fr", true)
	f := business.Fees
	t.Run("business", func(t *testing.T) {
		text := pdfText(t, renderSample(t, business))
		for _, want := range []string{
			"40,00 € × 2 factures", formatMoney(f.Indemnity, "EUR"), formatMoney(f.Interest, "EUR"),
			"Total à payer", formatMoney(f.TotalDue, "EUR"), "mise en demeure",
		} {
			want = strings.ReplaceAll(want, "\u202f", " ")
			if !strings.Contains(text, want) {
				t.Errorf("business formal notice PDF does not show %q:\n%s", want, text)
			}
		}
	})
	t.Run("individual", func(t *testing.T) {
		text := pdfText(t, renderSample(t, medData(2, "fr", false)))
		for _, no := range []string{"40,00", formatMoney(f.Interest, "EUR"), formatMoney(f.TotalDue, "EUR"), "Total à payer", "pénalités", "Pénalités", "indemnité"} {
			no = strings.ReplaceAll(no, "\u202f", " ")
			if strings.Contains(text, no) {
				t.Errorf("individual formal notice PDF shows %q:\n%s", no, text)
			}
		}
		if !strings.Contains(text, "mise en demeure") {
			t.Errorf("individual formal notice PDF does not say mise en demeure:\n%s", text)
		}
	})
	t.Run("english", func(t *testing.T) {
		en := medData(1, "en", true)
		text := pdfText(t, renderSample(t, en))
		for _, want := range []string{"40,00 € × 1 invoice", "Total to pay", strings.ReplaceAll(formatMoney(en.Fees.TotalDue, "EUR"), "\u202f", " ")} {
			if !strings.Contains(text, want) {
				t.Errorf("English formal notice PDF does not show %q:\n%s", want, text)
			}
		}
	})
}

// TestRenderFeesPageBreak: with many invoices, the fees rows stay with the
// table's total and last line, and nothing overflows the page.
func TestRenderFeesPageBreak(t *testing.T) {
	for _, n := range []int{14, 15, 16, 17, 18, 19, 20, 40} {
		d := medData(n, "fr", true)
		text := pdfText(t, renderSample(t, d))
		pages := strings.Split(text, "\f")
		for _, p := range pages {
			if strings.Contains(p, "Total à payer") && !totalLine.MatchString(p) {
				t.Errorf("%d lines: fees rows on a page without the table total:\n%s", n, p)
			}
		}
		if !strings.Contains(text, "Total à payer") {
			t.Errorf("%d lines: no fees rows", n)
		}
	}
}

// TestStatementWordingWithCreditNoteAndMissingRate: a statement with three
// overdue invoices and a credit note says "3 factures" and names the
// credit note apart; at the formal notice with no ECB rate published for
// the penalties' half-year, the penalties are said not itemised (never
// 0,00 €) and the total says it leaves them out, in the text, the HTML and
// the PDF, in French and English.
func TestStatementWordingWithCreditNoteAndMissingRate(t *testing.T) {
	tests := []struct {
		lang string
		want []string
		pdf  []string
	}{
		{"fr", []string{"des 3 factures suivantes (avoir AV0021 déduit)", "hors pénalités de retard non chiffrées", "ne sont pas chiffrées"},
			[]string{"non chiffrées", "hors pénalités non chiffrées"}},
		{"en", []string{"the following 3 invoices (less credit note AV0021)", "excluding the late-payment penalties not itemised", "not itemised in this letter"},
			[]string{"not itemised", "excluding penalties not itemised"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			d := SampleData(3)
			d.Language, d.LevelCode, d.LevelLabel = tt.lang, "MED", "Mise en demeure de payer"
			d.Lines = append(d.Lines, Line{Number: "AV0021", IssueDate: d.Lines[0].IssueDate, Kind: LineCreditNote,
				Amount: decimal.RequireFromString("-283.20"), Balance: decimal.RequireFromString("-283.20")})
			var lines []fees.Line
			for _, l := range d.Lines {
				if l.Kind == LineInvoice {
					lines = append(lines, fees.Line{Invoice: l.Number, DueDate: l.DueDate, Balance: l.Balance})
				}
			}
			claim := fees.ComputeWithGaps(lines, true, d.Date, fees.RateTable{})
			d.Fees = FeesFrom(claim.Claim, d.Total())
			d.Fees.MissingRates = claim.Missing
			c, err := Compose(d)
			if err != nil {
				t.Fatal(err)
			}
			zero := formatMoney(decimal.Zero, "EUR")
			// 0,00 € on its own, not the end of 40,00 € or 1 000,00 €.
			zeroAmount := regexp.MustCompile(`(^|[^0-9\x{202f}\x{a0}])` + regexp.QuoteMeta(zero))
			for part, s := range map[string]string{"text": c.Text, "HTML": c.HTML} {
				for _, w := range tt.want[:1] {
					if !strings.Contains(s, w) {
						t.Errorf("%s lacks %q:\n%s", part, w, s)
					}
				}
				if strings.Contains(s, "4 factures") || strings.Contains(s, "4 invoices") || zeroAmount.MatchString(s) {
					t.Errorf("%s counts the credit note as an invoice or prints penalties of %s:\n%s", part, zero, s)
				}
			}
			for _, w := range tt.want[1:] {
				if !strings.Contains(c.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, c.Text)
				}
			}
			pdf, err := Render(d, c)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
			for _, w := range tt.pdf {
				if !strings.Contains(text, w) {
					t.Errorf("PDF lacks %q:\n%s", w, text)
				}
			}
			if zeroAmount.MatchString(text) {
				t.Errorf("PDF prints %s:\n%s", zero, text)
			}
		})
	}
}
