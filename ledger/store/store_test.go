package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

var today = calendar.New(2026, 11, 23)

func loaded(t *testing.T) *store.Store {
	t.Helper()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(context.Background(), st, demo.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestDueInvoicesReportsBadRecords(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	cands, err := st.DueInvoices(context.Background(), demo.Company, today)
	if err != nil {
		t.Fatal(err)
	}
	problems := map[string]string{}
	notes := map[string]string{}
	for _, c := range cands {
		problems[c.Number] = c.Problem
		notes[c.Number] = c.Note
	}
	tests := []struct {
		invoice  string
		problem  string // "" means selected
		selected bool
	}{
		{"FA0168", "", true},
		{"AV0021", "credit note or negative balance (-283.2): nothing to claim", false},
		{"FA0192", "no due date: set one in the accounting system", false},
		{"FA0191", `unknown currency "XAF"`, false},
	}
	for _, tt := range tests {
		got, ok := problems[tt.invoice]
		if !ok {
			t.Errorf("%s not considered", tt.invoice)
			continue
		}
		if got != tt.problem {
			t.Errorf("%s problem = %q, want %q", tt.invoice, got, tt.problem)
		}
	}
	if _, ok := problems["FA0214"]; ok {
		t.Error("FA0214 is not due yet but was selected")
	}
	if _, ok := problems["FA0150"]; ok {
		t.Error("FA0150 is paid but was selected")
	}
	if notes["FA0190"] == "" {
		t.Error("FA0190's customer has no e-mail: expected a print note")
	}
}

func TestRecordPaymentOnce(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	id, err := st.InvoiceID(ctx, demo.Company, "FA0186") // 924.00
	if err != nil {
		t.Fatal(err)
	}
	p := dunning.Payment{ExternalID: "VIR-1", Amount: decimal.RequireFromString("400.10"), PaidOn: today}
	// Concurrent duplicate deliveries change the balance once.
	var wg sync.WaitGroup
	results := make([]store.PaymentResult, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := st.RecordPayment(ctx, id, p)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	dups := 0
	for _, r := range results {
		if r.Duplicate {
			dups++
		}
	}
	if dups != 3 {
		t.Errorf("%d duplicates, want 3", dups)
	}
	chk, err := st.CheckInvoice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !chk.Balance.Equal(decimal.RequireFromString("523.90")) {
		t.Errorf("balance = %s, want 523.90", chk.Balance)
	}
	over, err := st.RecordPayment(ctx, id, dunning.Payment{ExternalID: "VIR-2", Amount: decimal.RequireFromString("600"), PaidOn: today})
	if err != nil {
		t.Fatal(err)
	}
	if !over.Balance.IsZero() || !over.Overpaid.Equal(decimal.RequireFromString("76.10")) {
		t.Errorf("overpayment: balance %s overpaid %s", over.Balance, over.Overpaid)
	}
}

func TestRecordPaymentRejectsBadInput(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	id, _ := st.InvoiceID(ctx, demo.Company, "FA0186")
	tests := []struct {
		name string
		p    dunning.Payment
	}{
		{"negative", dunning.Payment{ExternalID: "N", Amount: decimal.RequireFromString("-1"), PaidOn: today}},
		{"currency", dunning.Payment{ExternalID: "C", Amount: decimal.RequireFromString("1"), Currency: "USD", PaidOn: today}},
		{"no id", dunning.Payment{Amount: decimal.RequireFromString("1"), PaidOn: today}},
	}
	for _, tt := range tests {
		if _, err := st.RecordPayment(ctx, id, tt.p); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tt.name, err)
		}
	}
	if _, err := st.RecordPayment(ctx, 999999, dunning.Payment{ExternalID: "U", Amount: decimal.NewFromInt(1), PaidOn: today}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown invoice: err = %v", err)
	}
}

func TestCheckInvoiceHolds(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	id, _ := st.InvoiceID(ctx, demo.Company, "FA0168")
	if err := st.SetDoNotRemind(ctx, demo.Company, "CLI0009", true); err != nil {
		t.Fatal(err)
	}
	chk, err := st.CheckInvoice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if chk.HoldReason != "customer is marked do-not-remind" {
		t.Errorf("hold = %q", chk.HoldReason)
	}
}

func TestLetterClaimIsExclusive(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	id, _ := st.InvoiceID(ctx, demo.Company, "FA0168")
	nl := store.NewLetter{Key: store.LetterKey{InvoiceID: id, Level: "R1", Sequence: 1}, Channel: "email", Subject: "s"}
	lid, status, err := st.SaveLetter(ctx, nl)
	if err != nil || status != store.LetterPending {
		t.Fatalf("save: %v %s", err, status)
	}
	lid2, status2, err := st.SaveLetter(ctx, nl)
	if err != nil || lid2 != lid || status2 != store.LetterPending {
		t.Fatalf("save again: %d %s %v", lid2, status2, err)
	}
	first, _ := st.ClaimLetter(ctx, lid)
	second, _ := st.ClaimLetter(ctx, lid)
	if !first || second {
		t.Errorf("claims = %v, %v; want true, false", first, second)
	}
	if err := st.MarkLetter(ctx, lid, store.LetterSent, "msg-1", ""); err != nil {
		t.Fatal(err)
	}
	if _, status, _ := st.SaveLetter(ctx, nl); status != store.LetterSent {
		t.Errorf("status after send = %s", status)
	}
}

func TestLoadInvoiceWithLadder(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	inv, err := st.LoadInvoice(context.Background(), demo.Company, "FA0176")
	if err != nil {
		t.Fatal(err)
	}
	if !inv.Balance.Equal(decimal.RequireFromString("4999.14")) || len(inv.Ladder) != 4 || inv.Ladder[3].Code != "MED" {
		t.Errorf("invoice = %+v", inv)
	}
	if _, err := st.LoadInvoice(context.Background(), demo.Company, "NOPE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown invoice: %v", err)
	}
}
