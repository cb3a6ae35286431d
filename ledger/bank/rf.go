package bank

import (
	"fmt"
	"strings"
)

// CreditorReference builds the ISO 11649 structured creditor reference
// ("RF" + two check digits + body) of body, which holds 1 to 21 letters and
// digits (spaces and dashes are dropped). Letters carry it as
// RF + check digits + customer code, or + customer code and invoice
// number, so a payment quoting it comes back to its items.
func CreditorReference(body string) (string, error) {
	b := NormalizeIBAN(body)
	if len(b) == 0 || len(b) > 21 {
		return "", fmt.Errorf("creditor reference body %q must have 1 to 21 letters and digits", body)
	}
	return fmt.Sprintf("RF%02d%s", 98-mod97(b+"RF00"), b), nil
}

// ParseCreditorReference checks an ISO 11649 reference (spaces, dashes and
// case ignored) and returns its body; ok is false when s is not a valid RF
// reference (wrong check digits, wrong length).
func ParseCreditorReference(s string) (body string, ok bool) {
	r := NormalizeIBAN(s)
	if len(r) < 5 || len(r) > 25 || !strings.HasPrefix(r, "RF") || r[2] < '0' || r[2] > '9' || r[3] < '0' || r[3] > '9' {
		return "", false
	}
	if mod97(r[4:]+r[:4]) != 1 {
		return "", false
	}
	return r[4:], true
}
