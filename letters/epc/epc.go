// Package epc builds what a letter needs so that the customer can pay it
// from a banking app: the ISO 11649 RF creditor reference that brings the
// payment back to the letter's items, and the EPC QR code (EPC069-12,
// "SEPA credit transfer") that carries the beneficiary, the amount and
// that reference.
package epc

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/shopspring/decimal"
)

// letterIDLength is the number of base-36 characters of a letter's
// compact id in its RF reference (about 77 bits: two letters never share
// one in practice, and the table of references refuses a duplicate).
const letterIDLength = 15

// LetterReference returns the RF creditor reference of the letter keyed
// key of company: "RF", two check digits, then a compact id of the letter
// drawn from both (15 base-36 characters). The same letter always gets the
// same reference, so a retried send prints the same one.
func LetterReference(company, key string) string {
	sum := sha256.Sum256([]byte(company + "\x00" + key))
	id := strings.ToUpper(new(big.Int).SetBytes(sum[:12]).Text(36))
	for len(id) < letterIDLength {
		id = "0" + id
	}
	return CreditorReference(id[:letterIDLength])
}

// CreditorReference returns the ISO 11649 reference of base (1 to 21
// letters and digits, case and spaces ignored): "RF" and the two check
// digits that make the whole reference pass the mod-97 check. It returns
// "" when base is not such a string.
func CreditorReference(base string) string {
	base = strings.ToUpper(strings.ReplaceAll(base, " ", ""))
	if base == "" || len(base) > 21 || !alnum(base) {
		return ""
	}
	check := 98 - mod97(base+"RF00")
	return fmt.Sprintf("RF%02d%s", check, base)
}

// ValidReference reports whether s is a well-formed ISO 11649 creditor
// reference whose check digits are right. Spaces are ignored and letters
// may be in either case, as a bank statement may print them.
func ValidReference(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 5 || len(s) > 25 || !strings.HasPrefix(s, "RF") || !alnum(s) {
		return false
	}
	if s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return false
	}
	return mod97(s[4:]+s[:4]) == 1
}

// Grouped writes a reference in groups of four characters, as printed on
// a letter ("RF18 5390 0754 7034").
func Grouped(ref string) string {
	var b strings.Builder
	for i, r := range ref {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func alnum(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// mod97 is the ISO 7064 MOD 97-10 remainder of s, letters counted A=10
// to Z=35.
func mod97(s string) int {
	m := 0
	for _, r := range s {
		v := int(r - '0')
		if r >= 'A' && r <= 'Z' {
			v = int(r-'A') + 10
			m = (m*100 + v) % 97
			continue
		}
		m = (m*10 + v) % 97
	}
	return m
}

// Transfer is a SEPA credit transfer as the customer's bank app fills it.
type Transfer struct {
	BIC       string          // beneficiary's bank; optional in version 002
	Name      string          // beneficiary name, at most 70 characters
	IBAN      string          // beneficiary account
	Amount    decimal.Decimal // in euros, 0.01 to 999 999 999.99
	Reference string          // ISO 11649 creditor reference
}

// Errors of Payload: what keeps a letter from carrying a QR code.
var (
	ErrNoIBAN   = errors.New("no IBAN")
	ErrAmount   = errors.New("amount outside 0.01 to 999 999 999.99 EUR")
	ErrBadField = errors.New("field not allowed in an EPC QR code")
)

// maxAmount is the largest amount an EPC QR code carries.
var maxAmount = decimal.RequireFromString("999999999.99")

// Payload returns the EPC069-12 version 002 text of t, lines separated by
// LF: service tag BCD, version 002, character set 1 (UTF-8), SCT, BIC,
// name, IBAN, amount ("EUR1234.56"), an empty purpose, the structured
// creditor reference, and no unstructured remittance (the standard allows
// one or the other). The last line is the reference: nothing follows it.
func Payload(t Transfer) (string, error) {
	iban := strings.ToUpper(strings.ReplaceAll(t.IBAN, " ", ""))
	bic := strings.ToUpper(strings.TrimSpace(t.BIC))
	name := strings.TrimSpace(t.Name)
	switch {
	case iban == "":
		return "", ErrNoIBAN
	case len(iban) > 34 || !alnum(iban):
		return "", fmt.Errorf("%w: IBAN %q", ErrBadField, iban)
	case bic != "" && ((len(bic) != 8 && len(bic) != 11) || !alnum(bic)):
		return "", fmt.Errorf("%w: BIC %q", ErrBadField, bic)
	case name == "" || strings.ContainsAny(name, "\r\n"):
		return "", fmt.Errorf("%w: beneficiary name", ErrBadField)
	case t.Amount.LessThan(decimal.New(1, -2)) || t.Amount.GreaterThan(maxAmount):
		return "", fmt.Errorf("%w: %s", ErrAmount, t.Amount)
	case t.Reference != "" && !ValidReference(t.Reference):
		return "", fmt.Errorf("%w: creditor reference %q", ErrBadField, t.Reference)
	}
	if utf8.RuneCountInString(name) > 70 {
		name = string([]rune(name)[:70])
	}
	lines := []string{"BCD", "002", "1", "SCT", bic, name, iban,
		"EUR" + t.Amount.Round(2).StringFixed(2), "", strings.ReplaceAll(t.Reference, " ", "")}
	return strings.Join(lines, "\n"), nil
}

// PNG draws payload as a QR code (error correction level M, as EPC069-12
// asks) of about size pixels square, white quiet zone included, for the
// e-mail's HTML part and the customer's page.
func PNG(payload string, size int) ([]byte, error) {
	code, err := qr.Encode(payload, qr.M, qr.Unicode)
	if err != nil {
		return nil, fmt.Errorf("epc: QR code: %w", err)
	}
	modules := code.Bounds().Dx() + 8 // four modules of quiet zone each side
	scale := max(size/modules, 1)
	inner := code.Bounds().Dx() * scale
	code, err = barcode.Scale(code, inner, inner)
	if err != nil {
		return nil, fmt.Errorf("epc: QR code: %w", err)
	}
	img := withQuietZone(code, 4*scale)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("epc: QR code: %w", err)
	}
	return buf.Bytes(), nil
}

// withQuietZone returns img on a white square margin px wider each side.
func withQuietZone(img image.Image, margin int) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()+2*margin, b.Dy()+2*margin))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(margin, margin, margin+b.Dx(), margin+b.Dy()), img, b.Min, draw.Src)
	return out
}
