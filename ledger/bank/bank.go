// Package bank reads the statements banks deliver (ISO 20022 CAMT.053 in
// versions 001.02 and 001.08, and the French CFONB 120 "relevé de compte")
// into booked entries, each with a stable identity so that importing a
// statement twice, or two overlapping statements, books every entry once.
//
// Parsing never stops at the first bad entry: a malformed entry or line is
// reported with its line number and the rest of the file is read.
package bank

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// Formats of statement files.
const (
	FormatCAMT053  = "camt.053"
	FormatCFONB120 = "cfonb120"
)

// Entry is one booked entry of a statement: money in (Amount > 0) or out
// (Amount < 0) of the account.
type Entry struct {
	// Account is the statement's account as an IBAN without spaces (for
	// CFONB 120, built from bank, branch and account number).
	Account string `json:"account"`
	// BankRef is the bank's own reference of the entry (CAMT AcctSvcrRef,
	// else NtryRef; CFONB entry number); may be empty.
	BankRef     string          `json:"bankRef"`
	BookingDate calendar.Date   `json:"bookingDate"`
	ValueDate   calendar.Date   `json:"valueDate"`
	Amount      decimal.Decimal `json:"amount"` // signed: credits positive
	Currency    string          `json:"currency"`
	// Reversal is set when the bank marks the entry as the reversal of an
	// earlier one (CAMT RvslInd), or the entry is a returned transfer or a
	// rejected direct debit (bank transaction code or CFONB operation).
	Reversal bool `json:"reversal"`
	// BankCode is the bank transaction code (CAMT Domn/Fmly/SubFmly, or
	// Prtry; CFONB interbank operation code).
	BankCode string `json:"bankCode"`
	// Label is the bank's one-line description (CAMT AddtlNtryInf, CFONB 04
	// label).
	Label      string `json:"label"`
	EndToEndID string `json:"endToEndId"`
	PayerName  string `json:"payerName"`
	PayerIBAN  string `json:"payerIban"`
	// Remittance is the free remittance text (CAMT Ustrd, CFONB LCC and
	// other text complements), one element per part.
	Remittance []string `json:"remittance"`
	// CreditorRefs are structured creditor references (CAMT
	// Strd/CdtrRefInf/Ref, CFONB RCN): RF references and others.
	CreditorRefs []string `json:"creditorRefs"`
	// Line is the line of the file where the entry starts.
	Line int `json:"line"`
}

// Credit reports whether the entry brings money in.
func (e Entry) Credit() bool { return e.Amount.IsPositive() }

// Text is every piece of text of the entry that may name what it pays,
// joined with " | ".
func (e Entry) Text() string {
	parts := append([]string{}, e.CreditorRefs...)
	parts = append(parts, e.Remittance...)
	if e.EndToEndID != "" && !strings.EqualFold(e.EndToEndID, "NOTPROVIDED") {
		parts = append(parts, e.EndToEndID)
	}
	return strings.Join(parts, " | ")
}

// ContentHash is a hash of what the entry says besides its identity
// fields, used to tell apart two entries of the same day and amount that
// have no bank reference.
func (e Entry) ContentHash() string {
	h := sha256.New()
	for _, s := range []string{e.PayerName, e.PayerIBAN, e.EndToEndID, e.Label, e.BankCode,
		strings.Join(e.Remittance, "\n"), strings.Join(e.CreditorRefs, "\n"), e.ValueDate.String()} {
		h.Write([]byte(strings.TrimSpace(s)))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Identity is the entry's stable identity: account, bank reference,
// booking date and amount, plus a content hash when the bank gives no
// reference. The same entry read from two overlapping statements of the
// same format has the same identity.
type Identity struct {
	Account     string
	BankRef     string
	BookingDate calendar.Date
	Amount      decimal.Decimal
	ContentHash string // "" when BankRef is set
}

// Identity returns e's identity.
func (e Entry) Identity() Identity {
	id := Identity{Account: e.Account, BankRef: e.BankRef, BookingDate: e.BookingDate, Amount: e.Amount}
	if e.BankRef == "" {
		id.ContentHash = e.ContentHash()
	}
	return id
}

// String writes the identity on one line (logs and reports).
func (id Identity) String() string {
	ref := id.BankRef
	if ref == "" {
		ref = "#" + id.ContentHash
	}
	return fmt.Sprintf("%s/%s/%s/%s", id.Account, id.BookingDate, ref, id.Amount.StringFixed(2))
}

// Statement is one account statement of a file.
type Statement struct {
	Account  string           `json:"account"`
	Currency string           `json:"currency"`
	ID       string           `json:"id"`
	From     calendar.Date    `json:"from"`
	To       calendar.Date    `json:"to"`
	Opening  *decimal.Decimal `json:"opening,omitempty"`
	Closing  *decimal.Decimal `json:"closing,omitempty"`
	Entries  []Entry          `json:"entries"`
}

// Problem is a part of a file that could not be read: its line and why.
type Problem struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Reason) }

// File is what a statement file holds.
type File struct {
	Format     string      `json:"format"`
	Version    string      `json:"version,omitempty"` // camt.053.001.02 or .08
	Statements []Statement `json:"statements"`
	Problems   []Problem   `json:"problems"`
}

// Entries returns every entry of every statement, in file order.
func (f File) Entries() []Entry {
	var out []Entry
	for _, s := range f.Statements {
		out = append(out, s.Entries...)
	}
	return out
}

// ErrFormat is returned (wrapped) when a file is in no known format or
// cannot be read at all.
var ErrFormat = errors.New("not a statement file")

// MaxFileSize is the largest statement file read.
const MaxFileSize = 32 << 20

// Parse reads a statement file in either format, told apart by its
// content. Entries or lines that cannot be read are listed in the result's
// Problems; the error is for a file that cannot be read at all.
func Parse(data []byte) (File, error) {
	if len(data) > MaxFileSize {
		return File{}, fmt.Errorf("%w: %d bytes is more than the %d accepted", ErrFormat, len(data), MaxFileSize)
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return File{}, fmt.Errorf("%w: the file is empty", ErrFormat)
	case trimmed[0] == '<':
		return ParseCAMT053(data)
	case len(trimmed) >= 2 && string(trimmed[:2]) == "01":
		return ParseCFONB120(data)
	}
	return File{}, fmt.Errorf("%w: neither CAMT.053 XML nor CFONB 120 (which starts with a 01 record)", ErrFormat)
}

// NormalizeIBAN removes spaces and dashes and upper-cases an IBAN.
func NormalizeIBAN(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
