package letter

import (
	"fmt"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/fees"
	"github.com/shopspring/decimal"
)

// SampleData returns a realistic French letter (level R1, language "fr",
// dated 23/11/2026) from a Paris company to a business customer in Lyon,
// listing lines overdue invoices (at least one). The first invoice,
// FA2026-0101, has a balance of 1 234,56 €; the names carry accents, an
// ampersand and a "œ" so that tests see encoding mistakes. Meant for tests
// and previews in any package.
func SampleData(lines int) Data {
	if lines < 1 {
		lines = 1
	}
	date := calendar.New(2026, 11, 23)
	d := Data{
		Company: Company{
			Code:         "ADP",
			LegalName:    "Atelier Dupuis SAS",
			AddressLines: []string{"12, rue des Petits-Champs", "75002 Paris"},
			City:         "Paris",
			Email:        "comptabilite@atelier-dupuis.fr",
			Phone:        "01 42 96 00 00",
			SIRET:        "732 829 320 00074",
			VATNumber:    "FR44 732829320",
			RCS:          "Paris B 732 829 320",
			IBAN:         "FR76 3000 6000 0112 3456 7890 189",
			BIC:          "AGRIFRPP882",
		},
		Recipient: Recipient{
			Code:         "CLI0009",
			Name:         "Boulangerie Lefèvre & Fils",
			Contact:      "Mme Hélène Lefèvre",
			AddressLines: []string{"8, place de l'Église", "Bâtiment Cœur de ville", "69002 Lyon"},
			Email:        "helene.lefevre@boulangerie-lefevre.fr",
			Business:     true,
		},
		Language:   "fr",
		Date:       date,
		LevelCode:  "R1",
		LevelLabel: "Relevé de factures impayées",
		Currency:   "EUR",
		Deadline:   date.AddDays(8),
		Reference:  "REL-2026-000123",
	}
	for i := range lines {
		issue := date.AddDays(-45 - 7*i)
		due := issue.AddDays(30)
		amount := decimal.New(123456, -2)
		if i > 0 {
			amount = decimal.New(int64(8990+13745*i%250000), -2)
		}
		balance := amount
		if i%5 == 3 {
			balance = amount.Div(decimal.NewFromInt(2)).Round(2)
		}
		d.Lines = append(d.Lines, Line{
			Number:      fmt.Sprintf("FA2026-%04d", 101+i),
			IssueDate:   issue,
			DueDate:     due,
			Amount:      amount,
			Balance:     balance,
			DaysOverdue: date.DaysSince(due),
			Level:       "R1",
		})
	}
	return d
}

// SampleRates is an ECB rate table covering SampleData's dates (2,15 %
// from July 2025), for tests and previews.
func SampleRates() fees.RateTable {
	r := decimal.New(215, -2)
	return fees.RateTable{
		{From: calendar.New(2025, 7, 1), ECB: r},
		{From: calendar.New(2026, 1, 1), ECB: r},
		{From: calendar.New(2026, 7, 1), ECB: r},
	}
}

// SampleFees returns the fees a business customer owes on d's lines on
// d.Date, computed by fees.Compute with SampleRates: what d.Fees holds in
// a letter that claims them.
func SampleFees(d Data) *FeeBlock {
	lines := make([]fees.Line, len(d.Lines))
	for i, l := range d.Lines {
		lines[i] = fees.Line{Invoice: l.Number, DueDate: l.DueDate, Balance: l.Balance}
	}
	c, err := fees.Compute(lines, true, d.Date, SampleRates())
	if err != nil {
		panic(err) // SampleRates covers every date SampleData uses
	}
	return FeesFrom(c, d.Total())
}
