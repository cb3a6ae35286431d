package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
)

// letterRow is the ledger's row of one invoice letter: its status and the
// customer letter carrying it.
func letterRow(t *testing.T, st *store.Store, k store.LetterKey) (string, int64) {
	t.Helper()
	var status string
	var owner int64
	if err := st.Pool.QueryRow(context.Background(), `
		SELECT status, COALESCE(customer_letter_id, 0) FROM letters
		WHERE invoice_id = $1 AND instalment = $2 AND level_code = $3 AND sequence = $4`,
		k.InvoiceID, k.Instalment, k.Level, k.Sequence).Scan(&status, &owner); err != nil {
		t.Fatal(err)
	}
	return status, owner
}

// TestClaimedLetterKeepsItsItems: while a statement is on its way to SES
// (claimed, "sending"), its invoice letters are "sending" too, and a letter
// of another round handed the same invoice letter (an invoice handing it
// again, a next statement) does not take it over: it is told the letter's
// outcome is not known yet (uncertain: the invoice waits for it) and never
// records it under itself. Once the statement's outcome is written, every
// row it carries has that outcome. Before the claim moved the rows, the
// second letter took the row over while the first one was being mailed
// with it: the mailed PDF showed the invoice, the ledger put it under a
// letter sent again.
func TestClaimedLetterKeepsItsItems(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	var keys []store.LetterKey
	var customerID int64
	for _, n := range []string{"FA0175", "FA0167"} {
		id, err := st.InvoiceID(ctx, demo.Company, n)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, store.LetterKey{InvoiceID: id, Level: "R1", Sequence: 1})
	}
	if err := st.Pool.QueryRow(ctx, `SELECT customer_id FROM invoices WHERE id = $1`, keys[0].InvoiceID).Scan(&customerID); err != nil {
		t.Fatal(err)
	}
	first, err := st.SaveCustomerLetter(ctx, store.NewCustomerLetter{
		Key: "letters/DEMO/CLI0001/a/run/1#2-aaaa", CustomerID: customerID, Channel: "email", Subject: "R1", Items: keys, Reference: "REF-A",
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := st.ClaimCustomerLetter(ctx, first.ID); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	for _, k := range keys {
		if status, owner := letterRow(t, st, k); status != store.LetterSending || owner != first.ID {
			t.Errorf("%s after the claim: %s under %d, want sending under %d", k, status, owner, first.ID)
		}
	}
	if ok, err := st.ClaimCustomerLetter(ctx, first.ID); err != nil || ok {
		t.Errorf("claimed twice: %v %v", ok, err)
	}

	// Another round hands FA0175's R1 letter while the first is at SES.
	covered, err := st.CoveredElsewhere(ctx, "letters/DEMO/CLI0001/b/run/1#1-bbbb", keys[:1])
	if err != nil || covered[keys[0]] != store.LetterUncertain {
		t.Errorf("covered elsewhere: %v %v, want %s uncertain (on its way)", covered, err, keys[0])
	}
	second, err := st.SaveCustomerLetter(ctx, store.NewCustomerLetter{
		Key: "letters/DEMO/CLI0001/b/run/1#1-bbbb", CustomerID: customerID, Channel: "email", Subject: "R1", Items: keys[:1], Reference: "REF-B",
	})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID || len(second.Items) != 1 || !second.Items[0].Elsewhere || second.Items[0].Status != store.LetterUncertain {
		t.Errorf("second letter: %+v, want %s elsewhere, uncertain (on its way)", second, keys[0])
	}
	if status, owner := letterRow(t, st, keys[0]); status != store.LetterSending || owner != first.ID {
		t.Errorf("%s taken over: %s under %d, want sending under %d", keys[0], status, owner, first.ID)
	}

	// The first letter's outcome moves every row it carries.
	at := time.Date(2026, 11, 23, 9, 0, 1, 0, time.UTC)
	if err := st.MarkCustomerLetter(ctx, first.ID, store.LetterSent, "m-1", "", at); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		status, owner := letterRow(t, st, k)
		if status != store.LetterSent || owner != first.ID {
			t.Errorf("%s after the send: %s under %d, want sent under %d", k, status, owner, first.ID)
		}
		if ls, err := st.LetterStateOf(ctx, k); err != nil || !ls.SentAt.Equal(at) {
			t.Errorf("%s sent at %v (%v), want %v", k, ls.SentAt, err, at)
		}
	}
	if covered, err := st.CoveredElsewhere(ctx, "letters/DEMO/CLI0001/b/run/1#1-bbbb", keys[:1]); err != nil || covered[keys[0]] != store.LetterSent {
		t.Errorf("covered elsewhere after the send: %v %v, want sent", covered, err)
	}
}

// TestClaimedRowsFollowEveryOutcome: a claimed statement's rows end in the
// statement's final state whatever it is (sent, failed and claimed again,
// uncertain then settled), never left "sending".
func TestClaimedRowsFollowEveryOutcome(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	id, err := st.InvoiceID(ctx, demo.Company, "FA0175")
	if err != nil {
		t.Fatal(err)
	}
	var customerID int64
	if err := st.Pool.QueryRow(ctx, `SELECT customer_id FROM invoices WHERE id = $1`, id).Scan(&customerID); err != nil {
		t.Fatal(err)
	}
	var co int64
	if err := st.Pool.QueryRow(ctx, `SELECT company_id FROM customers WHERE id = $1`, customerID).Scan(&co); err != nil {
		t.Fatal(err)
	}
	k := store.LetterKey{InvoiceID: id, Level: "R1", Sequence: 1}
	l, err := st.SaveCustomerLetter(ctx, store.NewCustomerLetter{
		Key: "letters/DEMO/CLI0001/c/run/1#1-cccc", CustomerID: customerID, Channel: "email", Subject: "R1", Items: []store.LetterKey{k}, Reference: "REF-C",
	})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
		want string
	}{
		{"claim", func() error { _, err := st.ClaimCustomerLetter(ctx, l.ID); return err }, store.LetterSending},
		{"SES refused", func() error {
			return st.MarkCustomerLetter(ctx, l.ID, store.LetterFailed, "", "throttled", time.Time{})
		}, store.LetterFailed},
		{"claim again", func() error { _, err := st.ClaimCustomerLetter(ctx, l.ID); return err }, store.LetterSending},
		{"no answer", func() error { return st.MarkCustomerLetter(ctx, l.ID, store.LetterUncertain, "", "cut", time.Time{}) }, store.LetterUncertain},
		{"operator: it went", func() error { return st.DecideUncertain(ctx, co, "REF-C", true, "claire") }, store.LetterSent},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if status, _ := letterRow(t, st, k); status != s.want {
			t.Errorf("after %s: row %s, want %s", s.name, status, s.want)
		}
	}
}
