package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// TestPaymentRefsAndAnswers: an RF reference names its letter's items, is
// recorded once per letter and never given to another customer; answers
// are read back by company, kind and id, never across companies.
func TestPaymentRefsAndAnswers(t *testing.T) {
	st := loaded(t)
	ctx := context.Background()
	co, _ := st.CompanyByCode(ctx, demo.Company)
	c9, _ := st.CustomerByCode(ctx, demo.Company, "CLI0009")
	c4, _ := st.CustomerByCode(ctx, demo.Company, "CLI0004")
	inv, _ := st.InvoiceID(ctx, demo.Company, "FA0168")
	saved, err := st.SaveCustomerLetter(ctx, store.NewCustomerLetter{Key: "k/1", CustomerID: c9.ID, Channel: "email",
		Subject: "s", PDF: []byte("%PDF"), Items: []store.LetterKey{{InvoiceID: inv, Level: "R1", Sequence: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	id := saved.ID
	ref := store.PaymentRef{Reference: "RF18539007547034", CompanyID: co.ID, CustomerID: c9.ID, CustomerLetter: id,
		LetterReference: "CLI0009-X", Amount: decimal.RequireFromString("12.30")}
	for range 2 {
		if err := st.RecordPaymentRef(ctx, ref); err != nil {
			t.Fatal(err)
		}
	}
	got, items, err := st.PaymentRefItems(ctx, "rf18 5390 0754 7034")
	if err != nil || got.CustomerLetter != id || len(items) != 1 || items[0] != inv {
		t.Fatalf("PaymentRefItems = %+v %v %v", got, items, err)
	}
	if _, _, err := st.PaymentRefItems(ctx, "RF96TU06FX"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown reference: %v", err)
	}
	other := ref
	other.CustomerID = c4.ID
	if err := st.RecordPaymentRef(ctx, other); !errors.Is(err, store.ErrExists) {
		t.Errorf("another customer's letter got the same reference: %v", err)
	}
	if latest, _ := st.LatestPaymentRef(ctx, c9.ID); latest != ref.Reference {
		t.Errorf("LatestPaymentRef = %q", latest)
	}

	amount := decimal.RequireFromString("100")
	aid, err := st.AddAnswer(ctx, store.Answer{CompanyID: co.ID, CustomerID: c9.ID, Kind: store.AnswerPaid, InvoiceIDs: []int64{inv},
		PaidOn: calendar.New(2026, 11, 20), Amount: &amount, Reference: "VIR 1", Until: calendar.New(2026, 12, 1)})
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.AnswerByID(ctx, demo.Company, aid)
	if err != nil || a.Kind != store.AnswerPaid || len(a.Invoices) != 1 || a.Invoices[0] != "FA0168" ||
		a.PaidOn != calendar.New(2026, 11, 20) || a.Until != calendar.New(2026, 12, 1) || !a.Amount.Equal(amount) {
		t.Fatalf("AnswerByID = %+v %v", a, err)
	}
	if _, err := st.AnswerByID(ctx, "OTHER", aid); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an answer read under another company: %v", err)
	}
	if err := st.HandleAnswer(ctx, demo.Company, aid, "claire", "resume"); err != nil {
		t.Fatal(err)
	}
	if open, _ := st.Answers(ctx, store.AnswerFilter{Company: demo.Company, Open: true}); len(open) != 0 {
		t.Errorf("a handled answer is still open: %+v", open)
	}
	if err := st.MarkUndeliverable(ctx, "x@y.example", "spam", "", ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown kind accepted: %v", err)
	}
}
