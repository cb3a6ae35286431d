package activities_test

import (
	"context"
	"strings"
	"testing"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

func levelOf(t *testing.T, code string) ladder.Level {
	t.Helper()
	for _, lv := range ladder.Default() {
		if lv.Code == code {
			return lv
		}
	}
	t.Fatalf("no level %s in the default ladder", code)
	return ladder.Level{}
}

func TestBuildLetterFees(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
	id := func(number string) int64 {
		id, err := st.InvoiceID(ctx, demo.Company, number)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	med := levelOf(t, "MED")
	// The migration's table stops at 2026-01-01: a penalty running into the
	// second half of 2026 cannot be computed; the formal notice still
	// claims the 40 € indemnity per invoice and names the missing rate.
	if d, _, err := activities.BuildLetter(ctx, st, id("FA0168"), med, today, 1); err != nil || d.Fees == nil ||
		!d.Fees.Indemnity.Equal(decimal.NewFromInt(40)) || !d.Fees.Interest.IsZero() || len(d.Fees.MissingRates) != 1 ||
		!strings.Contains(d.Fees.MissingRates[0], "second half of 2026") {
		t.Fatalf("without the July 2026 rate: fees %+v, err %v; want 40 € indemnity, no penalties, the missing rate named", d.Fees, err)
	}
	if err := st.SetECBRate(ctx, calendar.New(2026, 7, 1), decimal.RequireFromString("2.15")); err != nil {
		t.Fatal(err)
	}

	// FA0168: business customer CLI0009, 6 019,20 € 62 days late.
	d, c, err := activities.BuildLetter(ctx, st, id("FA0168"), med, today, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Fees == nil {
		t.Fatal("business formal notice claims no fees")
	}
	if !d.Fees.Indemnity.Equal(decimal.NewFromInt(40)) || !d.Fees.Interest.IsPositive() {
		t.Errorf("fees %+v: want 40 € indemnity and some interest", d.Fees)
	}
	// 6 019,20 € × 12,15 % × 62 / 365 (ECB 2,15 % in 2026, both half-years).
	want := decimal.RequireFromString("6019.20").Mul(decimal.RequireFromString("12.15")).Mul(decimal.NewFromInt(62)).Div(decimal.NewFromInt(36500)).Round(2)
	if !d.Fees.Interest.Equal(want) {
		t.Errorf("interest %s, want %s", d.Fees.Interest, want)
	}
	for _, s := range []string{
		"40,00 €", money.Format(d.Fees.Interest, "EUR"), money.Format(d.Fees.TotalDue, "EUR"),
		"art. D. 441-5 du Code de commerce", "art. L. 441-10 II du Code de commerce", "mise en demeure",
	} {
		s = strings.ReplaceAll(s, " €", money.NarrowNBSP+"€")
		if !strings.Contains(c.Text, s) {
			t.Errorf("business formal notice text does not say %q:\n%s", s, c.Text)
		}
	}

	// FA0171: individual CLI0004: never fees.
	d, c, err = activities.BuildLetter(ctx, st, id("FA0171"), med, today, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Fees != nil || d.Recipient.Business {
		t.Errorf("individual's formal notice: fees %+v, business %v", d.Fees, d.Recipient.Business)
	}
	for _, no := range []string{"40,00", "pénalités", "indemnité"} {
		if strings.Contains(c.Text+c.HTML, no) {
			t.Errorf("individual's formal notice mentions %q:\n%s", no, c.Text)
		}
	}
	if !strings.Contains(c.Text, "mise en demeure") {
		t.Errorf("individual's formal notice text:\n%s", c.Text)
	}

	// R2 does not claim fees, even from a business.
	d, _, err = activities.BuildLetter(ctx, st, id("FA0168"), levelOf(t, "R2"), today, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Fees != nil {
		t.Errorf("R2 claims fees: %+v", d.Fees)
	}
	// A level set to claim fees does, R3 here.
	r3 := levelOf(t, "R3")
	r3.ClaimFees = true
	d, c, err = activities.BuildLetter(ctx, st, id("FA0168"), r3, today, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d.Fees == nil || !strings.Contains(c.Text, money.Format(d.Fees.TotalDue, "EUR")) {
		t.Errorf("R3 claiming fees: %+v\n%s", d.Fees, c.Text)
	}
	if d.Reference != "FA0168-R3-2" {
		t.Errorf("reference %q", d.Reference)
	}

	// The company's own template is used.
	src, _, err := letter.DefaultSource("fr", "MED")
	if err != nil {
		t.Fatal(err)
	}
	src = strings.Replace(src, `{{define "subject"}}Mise en demeure de payer{{end}}`, `{{define "subject"}}Dernier avis avant contentieux{{end}}`, 1)
	if err := st.SaveTemplate(ctx, demo.Company, letter.Template{Level: "MED", Language: "fr", Source: src}); err != nil {
		t.Fatal(err)
	}
	if _, c, err = activities.BuildLetter(ctx, st, id("FA0168"), med, today, 1); err != nil || c.Subject != "Dernier avis avant contentieux" {
		t.Errorf("custom template: subject %q, err %v", c.Subject, err)
	}

	// Nothing was recorded.
	for _, n := range []string{"FA0168", "FA0171"} {
		rows, err := st.Letters(ctx, id(n))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 0 {
			t.Errorf("BuildLetter recorded %d letters for %s", len(rows), n)
		}
	}
	if _, _, err := activities.BuildLetter(ctx, st, 999999, med, today, 1); err == nil || !strings.Contains(err.Error(), store.ErrNotFound.Error()) {
		t.Errorf("unknown invoice: %v", err)
	}
}
