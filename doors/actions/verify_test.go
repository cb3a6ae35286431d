package actions_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestDecideLetter: the decision on an uncertain letter, as the web app and
// `starter verify` take it: sent or resend moves the letter and its
// invoice letters; a bad decision, an empty reference or actor, a letter
// not to verify (unknown, or settled already) are refused and change
// nothing.
func TestDecideLetter(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	var customerID int64
	ids := map[string]int64{}
	for _, n := range []string{"FA0175", "FA0167"} {
		id, err := st.InvoiceID(ctx, demo.Company, n)
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = id
		if err := st.Pool.QueryRow(ctx, `SELECT customer_id FROM invoices WHERE id = $1`, id).Scan(&customerID); err != nil {
			t.Fatal(err)
		}
	}
	for n, ref := range map[string]string{"FA0175": "REF-SENT", "FA0167": "REF-RESEND"} {
		l, err := st.SaveCustomerLetter(ctx, store.NewCustomerLetter{Key: "k/" + ref, CustomerID: customerID, Channel: "email", Reference: ref,
			Items: []store.LetterKey{{InvoiceID: ids[n], Level: "R1", Sequence: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimCustomerLetter(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkCustomerLetter(ctx, l.ID, store.LetterUncertain, "", "interrupted", time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	o := &actions.Ops{Store: st}
	cases := []struct {
		name, ref, decision, actor string
		want                       error
		status                     string // of the letter REF-SENT / REF-RESEND after the call
	}{
		{"unknown decision", "REF-SENT", "maybe", "claire", store.ErrInvalid, store.LetterUncertain},
		{"no reference", " ", "sent", "claire", store.ErrInvalid, ""},
		{"no actor", "REF-SENT", "sent", "", store.ErrInvalid, store.LetterUncertain},
		{"unknown letter", "REF-NONE", "sent", "claire", store.ErrNotFound, ""},
		{"it went", "REF-SENT", "sent", "claire", nil, store.LetterSent},
		{"decided already", "REF-SENT", "resend", "paul", store.ErrNotFound, store.LetterSent},
		{"it never went", "REF-RESEND", "resend", "claire", nil, store.LetterFailed},
	}
	for _, c := range cases {
		err := o.DecideLetter(ctx, demo.Company, c.ref, actions.LetterDecision(c.decision), c.actor)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if c.status == "" {
			continue
		}
		var status, rows, resolution string
		if err := st.Pool.QueryRow(ctx, `
			SELECT c.status, c.resolution, (SELECT string_agg(status, ',') FROM letters WHERE customer_letter_id = c.id)
			FROM customer_letters c WHERE c.reference = $1`, c.ref).Scan(&status, &resolution, &rows); err != nil {
			t.Fatal(err)
		}
		if status != c.status || rows != c.status {
			t.Errorf("%s: %s (rows %s), want %s", c.name, status, rows, c.status)
		}
		if c.want == nil && resolution != store.ResolvedOperator+c.actor {
			t.Errorf("%s: resolution %q", c.name, resolution)
		}
	}
}
