package activities

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
)

// sameJSON fails unless row and its wire copy encode to the same JSON:
// what histories recorded with the ledger's row decode the same today.
func sameJSON(t *testing.T, name string, row, copied any) {
	t.Helper()
	a, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(copied)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("%s: the wire copy encodes differently\nledger: %s\nwire:   %s", name, a, b)
	}
}

// allSet fails when a field of v is its zero value: a conversion test
// must set every field, so that a field added later is noticed.
func allSet(t *testing.T, name string, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			t.Errorf("%s: field %s not set in the test", name, rv.Type().Field(i).Name)
		}
	}
}

func TestInvoiceSnapshotEncodesAsTheLedgerRow(t *testing.T) {
	inv := store.Invoice{
		ID: 7, Company: "ACME", Number: "FA01", Customer: "CLI1", Currency: "EUR",
		Amount: decimal.RequireFromString("1200.50"), Balance: decimal.RequireFromString("99.9"),
		DueDate: calendar.New(2026, 11, 2), Ladder: ladder.Default(), TimeZone: "Europe/Paris",
		SendHour: 9, DaySeconds: 40, Holidays: "FR", Instalment: 2,
	}
	allSet(t, "store.Invoice", inv)
	sameJSON(t, "Invoice", inv, scan.Snapshot(inv))
	var back wire.Invoice
	raw, _ := json.Marshal(inv)
	if err := json.Unmarshal(raw, &back); err != nil || !back.Balance.Equal(inv.Balance) || back.DueDate != inv.DueDate ||
		len(back.Ladder) != len(inv.Ladder) || back.Instalment != 2 {
		t.Errorf("a recorded ledger row decodes to %+v (%v)", back, err)
	}
	sameJSON(t, "zero Invoice", store.Invoice{}, scan.Snapshot(store.Invoice{}))
}

func TestCheckAndPaymentCopies(t *testing.T) {
	c := store.Check{Balance: decimal.RequireFromString("10.00"), Closed: true, HoldReason: "litigation"}
	allSet(t, "store.Check", c)
	sameJSON(t, "Check", c, checkOf(c))
	p := store.PaymentResult{Balance: decimal.RequireFromString("-5"), Duplicate: true,
		Overpaid: decimal.RequireFromString("5"), Instalments: []int{1, 2}}
	allSet(t, "store.PaymentResult", p)
	sameJSON(t, "PaymentResult", p, paymentResultOf(p))
}

// TestLetterStatusesAreTheLedgers: the workflows compare the ledger's
// letter statuses with their own names of them.
func TestLetterStatusesAreTheLedgers(t *testing.T) {
	for w, s := range map[string]string{
		wire.LetterSent: store.LetterSent, wire.LetterPrint: store.LetterPrint, wire.LetterUncertain: store.LetterUncertain,
		wire.LetterFailed: store.LetterFailed, wire.LetterPending: store.LetterPending,
	} {
		if w != s {
			t.Errorf("wire status %q, ledger status %q", w, s)
		}
	}
}

// TestActivityNamesAreMethods: every name the workflows call an activity
// by is a method of Activities (the worker registers them by method name).
func TestActivityNamesAreMethods(t *testing.T) {
	typ := reflect.TypeOf(&Activities{})
	for _, n := range wire.ActivityNames {
		if _, ok := typ.MethodByName(n); !ok {
			t.Errorf("wire names activity %q, Activities has no such method", n)
		}
	}
}
