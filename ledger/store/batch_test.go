package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
)

func TestLettersOnAndCustomerLetters(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// save records a letter and dates it at (local Paris time).
	save := func(invoice, level string, seq int, channel, status string, at time.Time) int64 {
		t.Helper()
		id, err := st.InvoiceID(ctx, demo.Company, invoice)
		if err != nil {
			t.Fatal(err)
		}
		lid, _, err := st.SaveLetter(ctx, store.NewLetter{
			Key: store.LetterKey{InvoiceID: id, Level: level, Sequence: seq}, Channel: channel,
			Subject: level + " " + invoice, PDF: []byte("%PDF-" + invoice + level),
		})
		if err != nil {
			t.Fatal(err)
		}
		if status != store.LetterPending {
			if err := st.MarkLetter(ctx, lid, status, "", ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Pool.Exec(ctx, `UPDATE letters SET created_at = $2 WHERE id = $1`, lid, at); err != nil {
			t.Fatal(err)
		}
		return lid
	}
	day := today // 2026-11-23
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, paris) }
	save("FA0184", "R2", 1, "email", store.LetterSent, at(23, 9, 0))      // CLI0009
	save("FA0168", "MED", 1, "print", store.LetterPrint, at(23, 9, 1))    // CLI0009
	save("FA0171", "MED", 1, "print", store.LetterPrint, at(23, 0, 10))   // CLI0004, just after midnight in Paris (23:10 UTC the day before)
	save("FA0168", "R3", 1, "email", store.LetterSent, at(22, 23, 50))    // the day before in Paris
	save("FA0176", "R1", 1, "print", store.LetterPrint, at(24, 0, 5))     // the day after
	save("FA0187", "R1", 1, "email", store.LetterPending, at(23, 23, 55)) // CLI0004, late that day in Paris (22:55 UTC)

	all, err := st.LettersOn(ctx, demo.Company, day, store.BatchAll)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range all {
		got = append(got, l.CustomerCode+"/"+l.Invoice+"/"+l.Level)
	}
	want := []string{"CLI0004/FA0171/MED", "CLI0004/FA0187/R1", "CLI0009/FA0168/MED", "CLI0009/FA0184/R2"}
	if len(got) != len(want) {
		t.Fatalf("letters on %s: %v, want %v", day, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("letters on %s: %v, want %v (by customer, invoice, level)", day, got, want)
			break
		}
	}
	l := all[2]
	if l.CustomerName == "" || l.Sequence != 1 || l.Status != store.LetterPrint || l.Channel != "print" ||
		string(l.PDF) != "%PDF-FA0168MED" || l.Subject != "MED FA0168" || l.SentAt.IsZero() {
		t.Errorf("letter %+v", l)
	}

	print, err := st.LettersOn(ctx, demo.Company, day, store.BatchPrint)
	if err != nil {
		t.Fatal(err)
	}
	if len(print) != 2 || print[0].Invoice != "FA0171" || print[1].Invoice != "FA0168" {
		t.Errorf("print batch: %+v", print)
	}
	email, err := st.LettersOn(ctx, demo.Company, day, store.BatchEmail)
	if err != nil || len(email) != 2 {
		t.Errorf("e-mail letters: %d, %v", len(email), err)
	}
	none, err := st.LettersOn(ctx, demo.Company, day.AddDays(-30), store.BatchAll)
	if err != nil || len(none) != 0 {
		t.Errorf("a day without letters: %d, %v", len(none), err)
	}
	if _, err := st.LettersOn(ctx, "NOPE", day, store.BatchAll); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown company: %v", err)
	}
	if _, err := st.LettersOn(ctx, demo.Company, day, "fax"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown channel: %v", err)
	}

	mine, err := st.CustomerLetters(ctx, demo.Company, "CLI0009")
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, l := range mine {
		got = append(got, l.Invoice+"/"+l.Level)
	}
	want = []string{"FA0168/R3", "FA0184/R2", "FA0168/MED", "FA0176/R1"} // oldest first
	if len(got) != len(want) {
		t.Fatalf("CLI0009's letters: %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("CLI0009's letters: %v, want %v", got, want)
			break
		}
	}
	if none, err := st.CustomerLetters(ctx, demo.Company, "CLI0001"); err != nil || len(none) != 0 {
		t.Errorf("customer without letters: %v, %v", none, err)
	}
	if _, err := st.CustomerLetters(ctx, demo.Company, "CLI9999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown customer: %v", err)
	}
	if _, err := st.CustomerLetters(ctx, "NOPE", "CLI0009"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown company: %v", err)
	}
}
