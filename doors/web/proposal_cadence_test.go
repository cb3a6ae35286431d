package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// TestProposalWaitsForCadence: a customer that got a letter two days ago
// with a 7-day cadence is shown in the proposal as waiting for its
// cadence, with the day of its next letter, neither ticked nor among the
// letters that go; a customer without a recent letter is unchanged; a
// formal notice never waits more than seven days after the last letter,
// whatever the customer's cadence; once the period is over, the customer's
// letter goes again.
func TestProposalWaitsForCadence(t *testing.T) {
	t.Parallel()
	st, day, a := previewWorld(t)
	ctx := context.Background()
	co, err := st.CompanyByCode(ctx, "PRV")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, co.ID, store.Customer{Code: "CLI2", Name: "Client Deux SARL", Emails: []string{"compta@cli2.example"},
		AddressLines: []string{"3 rue Neuve", "33000 Bordeaux"}, Kind: "business"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertInvoice(ctx, co.ID, store.NewInvoice{Number: "FB0001", Customer: "CLI2", Kind: "invoice",
		IssueDate: day.AddDays(-42), DueDate: day.AddDays(-12), Amount: decimal.RequireFromString("90.00"), Balance: decimal.RequireFromString("90.00")}); err != nil {
		t.Fatal(err)
	}
	dunningAt(t, st, "PRV", "FB0001", "NONE", "R1", time.Now())
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	sentOn := func(days int) {
		t.Helper()
		at := day.AddDays(-days).At(10, paris)
		if _, err := st.Pool.Exec(ctx, `DELETE FROM customer_letters WHERE key = 'cadence-test'`); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Pool.Exec(ctx, `INSERT INTO customer_letters (key, customer_id, channel, status, created_at, sent_at)
			VALUES ('cadence-test', (SELECT id FROM customers WHERE code = 'CLI1'), 'email', 'sent', $1, $1)`, at); err != nil {
			t.Fatal(err)
		}
	}
	fr, err := calendar.ParseHolidays("FR")
	if err != nil {
		t.Fatal(err)
	}
	// The slot: the first working day at least seven days after the
	// letter of two days ago.
	next := fr.NextWorkingDay(day.AddDays(5))
	page := func() string {
		_, body := a.get("/c/PRV/proposal?date=" + day.String())
		return body
	}
	waitingRow := regexp.MustCompile(`(?s)<tr data-customer="CLI1" data-waiting="CLI1"[^>]*>.*?</tr>`)
	goesRow := regexp.MustCompile(`(?s)<tr data-customer="CLI2">.*?</tr>`)
	cli2 := goesRow.FindString(page())
	if cli2 == "" || !strings.Contains(cli2, `data-untick="CLI2"`) {
		t.Fatalf("CLI2 is not in the proposal: %s", cli2)
	}

	sentOn(2)
	body := page()
	row := waitingRow.FindString(body)
	want := "attend la cadence — prochaine lettre le " + next.French()
	if row == "" || !strings.Contains(row, want) || !strings.Contains(row, `data-next-letter="`+next.String()+`"`) ||
		!strings.Contains(row, "FA0001, FA0003, FA0002") {
		t.Errorf("CLI1 is not shown waiting for its cadence (%q): %s", want, row)
	}
	if strings.Contains(row, " checked") || strings.Contains(body, `data-untick="CLI1"`) || strings.Contains(body, `<tr data-customer="CLI1">`) ||
		strings.Contains(body, `data-preview="FA0001"`) {
		t.Errorf("CLI1 is among the letters that go: %s", body)
	}
	if got := goesRow.FindString(body); got != cli2 {
		t.Errorf("CLI2's row changed:\n%s\nwas\n%s", got, cli2)
	}

	// A 30-day cadence: its formal notices still go seven days after the
	// letter, the customer's next letter.
	if err := st.SetCustomerCadence(ctx, "PRV", "CLI1", new(30)); err != nil {
		t.Fatal(err)
	}
	if row := waitingRow.FindString(page()); !strings.Contains(row, want) {
		t.Errorf("with a 30-day cadence, the formal notices wait more than seven days (%q): %s", want, row)
	}
	if err := st.SetCustomerCadence(ctx, "PRV", "CLI1", nil); err != nil {
		t.Fatal(err)
	}

	// A letter eight days ago: the period is over, the letter goes.
	sentOn(8)
	body = page()
	if waitingRow.MatchString(body) || !strings.Contains(body, `data-untick="CLI1"`) {
		t.Errorf("CLI1 still waits after its period: %s", body)
	}
}
