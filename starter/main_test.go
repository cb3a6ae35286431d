package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/testkit/dbtest"
)

// TestBadInputIsExplained runs operator commands with wrong input and
// checks each answer names the record and the problem, and changes nothing.
func TestBadInputIsExplained(t *testing.T) {
	st, url := dbtest.New(t)
	if _, err := demo.Load(context.Background(), st, demo.Options{Today: calendar.New(2026, 11, 23)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
	t.Setenv("TEMPORAL_ADDRESS", "127.0.0.1:1") // nothing listens: these commands must fail before Temporal

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA9999", "--amount", "10", "--id", "X1"}, "unknown invoice FA9999 for company DEMO: nothing recorded"},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "-10", "--id", "X2"}, `amount "-10" must be greater than zero`},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "dix", "--id", "X3"}, `amount must be a decimal string such as "1250.00" (a dot, at most two decimals, no thousands separator), not "dix"`},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "1,250", "--id", "X5"}, `pay: --amount: amount must be a decimal string such as "1250.00" (a dot, at most two decimals, no thousands separator), not "1,250"`},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "1e309", "--id", "X6"}, `not "1e309"`},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "1000000000000", "--id", "X7"}, `amount "1000000000000" is too large (at most 12 digits before the decimal point)`},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "10", "--id", "X\x00"}, ""},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "10", "--id", "X\x008"}, "--id: control characters"},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "10"}, "missing flags: --id"},
		{[]string{"pay", "--company", "DEMO", "--invoice", "FA0168", "--amount", "10", "--id", "X4", "--currency", "USD"}, "currency USD does not match the invoice's EUR"},
		{[]string{"pause", "--company", "DEMO", "--invoice", "FA0168", "--reason", "promise", "--until", "15/12/2026"}, "is not YYYY-MM-DD"},
		{[]string{"frobnicate"}, "unexpected argument frobnicate"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := dispatch(context.Background(), tt.args, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want it to contain %q", tt.args, err, tt.want)
		}
	}
	id, _ := st.InvoiceID(context.Background(), "DEMO", "FA0168")
	chk, err := st.CheckInvoice(context.Background(), id)
	if err != nil || chk.Balance.String() != "6019.2" {
		t.Errorf("balance changed by bad input: %s %v", chk.Balance, err)
	}
}
