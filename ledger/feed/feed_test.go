package feed

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/relance/relance/ledger/store"
)

func TestAmount(t *testing.T) {
	tests := []struct {
		text           string
		zero, negative bool
		want, says     string
	}{
		{"1250.00", false, false, "1250", ""},
		{"0", true, false, "0", ""},
		{"0.00", true, false, "0", ""},
		{"0", false, false, "", "greater than zero"},
		{"-120.00", false, true, "-120", ""},
		{"-120.00", false, false, "", "must not be negative"},
		{"1,250", false, false, "", `not "1,250"`},
		{"1e309", false, false, "", `not "1e309"`},
		{"--5", false, true, "", "greater than zero"},
		{"1000000000000", false, false, "", "too large"},
	}
	for _, tt := range tests {
		d, err := amount("amount", tt.text, tt.zero, tt.negative)
		switch {
		case tt.says == "" && (err != nil || d.String() != tt.want):
			t.Errorf("amount(%q) = %s, %v; want %s", tt.text, d, err, tt.want)
		case tt.says != "" && (!errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), tt.says)):
			t.Errorf("amount(%q) error %v, want one saying %q", tt.text, err, tt.says)
		}
	}
}

func TestReadInvoice(t *testing.T) {
	raw := json.RawMessage(`{"number":"AV1","customer":"C1","kind":"credit_note","issueDate":"2026-10-01","amount":"120.00","balanceDue":"-20"}`)
	in, cols, closed, _, err := readInvoice(raw)
	if err != nil || in.Amount.String() != "-120" || in.Balance.String() != "-20" || closed ||
		strings.Join(cols, ",") != "amount,balance_due,issue_date,kind" {
		t.Errorf("credit note = %+v %v %v %v", in, cols, closed, err)
	}
	for _, bad := range []struct{ raw, says string }{
		{`{"number":"F1","customer":"C1","issueDate":"2026-10-01"}`, "amount is required"},
		{`{"number":"F1","customer":"C1","issueDate":"01/10/2026","amount":"1"}`, "want YYYY-MM-DD"},
		{`{"number":"F1","customer":"C1","issueDate":"2026-10-01","amount":"1","currency":"XXX"}`, "unknown currency"},
		{`{"number":"F1","customer":"C1","issueDate":"2026-10-01","amount":"1","kind":"quote"}`, "want invoice or credit_note"},
		{`{"number":"F1","customer":"C1","issueDate":"2026-10-01","amount":"2","instalments":[{"seq":1,"dueDate":"2026-11-01","amount":"1"},{"seq":1,"dueDate":"2026-12-01","amount":"1"}]}`, "each once"},
		{`{"number":"F1","customer":"C1","issueDate":"2026-10-01","amount":"1","pdf":"aGVsbG8="}`, "not a PDF"},
		{`[1,2]`, "not a JSON object"},
	} {
		if _, _, _, _, err := readInvoice(json.RawMessage(bad.raw)); !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("%s: %v, want %q", bad.raw, err, bad.says)
		}
	}
}
