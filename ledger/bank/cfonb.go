package bank

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/shopspring/decimal"
)

// cfonbWidth is the length of a CFONB 120 record.
const cfonbWidth = 120

// ParseCFONB120 reads a French CFONB 120 statement file: records 01 (old
// balance, starts a statement), 04 (movement), 05 (complement of the
// movement before it: NPY payer name, LCC/LC2 remittance text, RCN
// customer reference, IBE/NBE/NPO...) and 07 (new balance). Lines end with
// CRLF or LF (or not at all, 120 characters each); several statements may
// follow each other. A line that cannot be read is a Problem and the others
// are read.
func ParseCFONB120(data []byte) (File, error) {
	f := File{Format: FormatCFONB120}
	lines := cfonbLines(data)
	var st *Statement
	var last *Entry // the 04 that 05 records complete
	pending := false
	// named gives the last movement a payer's name from its label when its
	// complements named none.
	named := func() {
		if pending && last != nil && last.PayerName == "" && last.Credit() {
			last.PayerName = payerFromLabel(last.Label)
		}
		pending = false
	}
	flush := func() {
		named()
		if st != nil {
			f.Statements = append(f.Statements, *st)
		}
		st, last = nil, nil
	}
	records := 0
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimRight(raw, " \r")
		if line == "" {
			continue
		}
		if !utf8.ValidString(line) {
			line = latin1([]byte(line))
		}
		if utf8.RuneCountInString(line) > cfonbWidth {
			f.Problems = append(f.Problems, Problem{Line: n, Reason: fmt.Sprintf("record of %d characters, a CFONB 120 record has 120", utf8.RuneCountInString(line))})
			continue
		}
		r := record(line + strings.Repeat(" ", cfonbWidth-utf8.RuneCountInString(line)))
		records++
		switch r.code() {
		case "01":
			flush()
			s, err := r.balance()
			if err != nil {
				f.Problems = append(f.Problems, Problem{Line: n, Reason: "01 record: " + err.Error()})
				continue
			}
			st = &s
		case "04":
			named()
			e, err := r.movement()
			if err != nil {
				last = nil
				f.Problems = append(f.Problems, Problem{Line: n, Reason: "04 record: " + err.Error()})
				continue
			}
			e.Line = n
			if st == nil {
				// A movement before any 01: keep it in a statement of its own.
				st = &Statement{Account: e.Account, Currency: e.Currency}
			}
			if st.Account != "" && e.Account != st.Account {
				f.Problems = append(f.Problems, Problem{Line: n, Reason: fmt.Sprintf("04 record of account %s inside the statement of %s", e.Account, st.Account)})
				last = nil
				continue
			}
			st.Entries = append(st.Entries, e)
			last = &st.Entries[len(st.Entries)-1]
			pending = true
		case "05":
			if last == nil {
				f.Problems = append(f.Problems, Problem{Line: n, Reason: "05 record without a readable 04 record before it"})
				continue
			}
			r.complete(last)
		case "07":
			if st == nil {
				f.Problems = append(f.Problems, Problem{Line: n, Reason: "07 record without a 01 record before it"})
				continue
			}
			if s, err := r.balance(); err == nil {
				st.Closing = s.Opening
				st.To = s.From
			} else {
				f.Problems = append(f.Problems, Problem{Line: n, Reason: "07 record: " + err.Error()})
			}
			flush()
		default:
			f.Problems = append(f.Problems, Problem{Line: n, Reason: fmt.Sprintf("record code %q is not 01, 04, 05 or 07", trunc(r.code(), 2))})
			records--
		}
	}
	flush()
	if records == 0 {
		return f, fmt.Errorf("%w: no CFONB 120 record", ErrFormat)
	}
	return f, nil
}

// cfonbLines splits a file into records: by line ends, or every 120
// characters when the file has none.
func cfonbLines(data []byte) []string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.ContainsAny(data, "\r\n") && len(data) > cfonbWidth && len(data)%cfonbWidth == 0 {
		var out []string
		for i := 0; i < len(data); i += cfonbWidth {
			out = append(out, string(data[i:i+cfonbWidth]))
		}
		return out
	}
	return strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
}

// record is one 120-character line; field positions below are 1-based as
// the CFONB documents them.
type record string

func (r record) field(from, to int) string {
	rs := []rune(string(r))
	return string(rs[from-1 : to])
}

func (r record) code() string     { return r.field(1, 2) }
func (r record) bank() string     { return r.field(3, 7) }
func (r record) branch() string   { return r.field(12, 16) }
func (r record) currency() string { return strings.TrimSpace(r.field(17, 19)) }
func (r record) account() string  { return r.field(22, 32) }

func (r record) iban() (string, error) {
	return RIBToIBAN(r.bank(), r.branch(), r.account())
}

func (r record) decimals() (int32, error) {
	c := r.field(20, 20)
	if len(c) != 1 || c[0] < '0' || c[0] > '3' {
		return 0, fmt.Errorf("number of decimals %q (position 20) is not 0 to 3", c)
	}
	return int32(c[0] - '0'), nil
}

func (r record) amount() (decimal.Decimal, error) {
	dec, err := r.decimals()
	if err != nil {
		return decimal.Decimal{}, err
	}
	return SignedAmount(r.field(91, 104), dec)
}

func (r record) date(from int) (calendar.Date, error) {
	return ddmmyy(r.field(from, from+5))
}

func (r record) balance() (Statement, error) {
	var s Statement
	iban, err := r.iban()
	if err != nil {
		return s, err
	}
	cur := r.currency()
	if !money.KnownCurrency(cur) {
		return s, fmt.Errorf("unknown currency %q", cur)
	}
	d, err := r.date(35)
	if err != nil {
		return s, fmt.Errorf("balance date: %w", err)
	}
	v, err := r.amount()
	if err != nil {
		return s, err
	}
	s.Account, s.Currency, s.From, s.Opening = iban, cur, d, &v
	s.ID = iban + "-" + d.String()
	return s, nil
}

func (r record) movement() (Entry, error) {
	var e Entry
	var err error
	if e.Account, err = r.iban(); err != nil {
		return e, err
	}
	e.Currency = r.currency()
	if !money.KnownCurrency(e.Currency) {
		return e, fmt.Errorf("unknown currency %q", e.Currency)
	}
	if e.BookingDate, err = r.date(35); err != nil {
		return e, fmt.Errorf("booking date: %w", err)
	}
	e.ValueDate, _ = r.date(43)
	if e.Amount, err = r.amount(); err != nil {
		return e, err
	}
	if !e.Amount.Equal(e.Amount.Round(2)) {
		return e, fmt.Errorf("amount %s has more than two decimals", e.Amount)
	}
	if number := strings.TrimSpace(r.field(82, 88)); number != "" {
		e.BankRef = number
	}
	e.BankCode = strings.TrimSpace(r.field(33, 34))
	e.Label = clean(r.field(49, 80), 64)
	if ref := clean(r.field(105, 120), 16); ref != "" && !strings.EqualFold(ref, "NOTPROVIDED") {
		e.EndToEndID = ref
	}
	if reject := strings.TrimSpace(r.field(41, 42)); reject != "" {
		e.Reversal = true
	}
	if e.Amount.IsNegative() && looksLikeReturn(e.Label) {
		e.Reversal = true
	}
	return e, nil
}

// labelPrefixes are the words banks put before the payer's name in a 04
// record's label.
var labelPrefixes = []string{"VIR SEPA RECU ", "VIR SEPA ", "VIREMENT SEPA ", "VIREMENT ", "VIR INST ", "VIR ", "PRLV SEPA ", "REMISE CHQ "}

// payerFromLabel is the payer's name a credit's label gives when no NPY
// complement does.
func payerFromLabel(label string) string {
	l := strings.ToUpper(label)
	for _, p := range labelPrefixes {
		if strings.HasPrefix(l, p) {
			return strings.TrimSpace(label[len(p):])
		}
	}
	return ""
}

// looksLikeReturn reports whether a debit's label says it sends back a
// credit (returned transfer, rejected or unpaid direct debit).
func looksLikeReturn(label string) bool {
	l := strings.ToUpper(label)
	for _, w := range []string{"RETOUR", "REJET", "IMPAYE", "RETURN", "REVERSAL", "ANNULATION"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// complete adds a 05 record's information to its movement.
func (r record) complete(e *Entry) {
	text := clean(r.field(49, 118), 70)
	if text == "" {
		return
	}
	switch strings.TrimSpace(r.field(46, 48)) {
	case "NPY", "NBE": // payer's name (NBE: beneficiary on outgoing transfers)
		if e.PayerName == "" {
			e.PayerName = text
		}
	case "IPY", "IBE": // payer's account
		if e.PayerIBAN == "" {
			e.PayerIBAN = NormalizeIBAN(strings.Fields(text)[0])
		}
	case "RCN": // creditor reference given by the payer
		e.CreditorRefs = append(e.CreditorRefs, text)
	case "LCC", "LC2", "LCS", "LIB", "MMO", "REF", "NPO", "NBU":
		if e.Amount.IsNegative() && looksLikeReturn(text) {
			e.Reversal = true
		}
		e.Remittance = append(e.Remittance, text)
	default:
		e.Remittance = append(e.Remittance, text)
	}
}

// SignedAmount reads a CFONB amount: digits whose last character also
// carries the sign ('{' and 'A' to 'I' for +0 to +9, '}' and 'J' to 'R'
// for -0 to -9), with decimals implied digits after the point.
func SignedAmount(s string, decimals int32) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal.Decimal{}, errors.New("amount missing (positions 91-104)")
	}
	last := s[len(s)-1]
	var digit byte
	neg := false
	switch {
	case last == '{':
		digit = '0'
	case last >= 'A' && last <= 'I':
		digit = '1' + last - 'A'
	case last == '}':
		digit, neg = '0', true
	case last >= 'J' && last <= 'R':
		digit, neg = '1'+last-'J', true
	default:
		return decimal.Decimal{}, fmt.Errorf("amount %q: its last character %q carries no sign ({, A-I, }, J-R)", s, last)
	}
	digits := s[:len(s)-1] + string(digit)
	for _, c := range digits {
		if c < '0' || c > '9' {
			return decimal.Decimal{}, fmt.Errorf("amount %q is not made of digits", s)
		}
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("amount %q is not a number", s)
	}
	v := decimal.NewFromBigInt(n, -decimals)
	if neg {
		v = v.Neg()
	}
	if v.Abs().GreaterThanOrEqual(maxAmount) {
		return decimal.Decimal{}, fmt.Errorf("amount %q is too large", s)
	}
	return v, nil
}

func ddmmyy(s string) (calendar.Date, error) {
	if len(s) != 6 || strings.Trim(s, "0123456789") != "" {
		return calendar.Date{}, fmt.Errorf("date %q is not DDMMYY", strings.TrimSpace(s))
	}
	return calendar.Parse("20" + s[4:6] + "-" + s[2:4] + "-" + s[0:2])
}

// RIBToIBAN builds the French IBAN of bank code, branch code and account
// number (the RIB key and the IBAN check digits are computed).
func RIBToIBAN(bank, branch, account string) (string, error) {
	bank, branch, account = strings.TrimSpace(bank), strings.TrimSpace(branch), strings.ToUpper(strings.TrimSpace(account))
	if len(bank) != 5 || len(branch) != 5 || len(account) != 11 || strings.Trim(bank+branch, "0123456789") != "" {
		return "", fmt.Errorf("account %q %q %q is not a French bank, branch and account number", bank, branch, account)
	}
	var acc strings.Builder
	for _, c := range account {
		switch {
		case c >= '0' && c <= '9':
			acc.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			acc.WriteByte(ribLetter(byte(c)))
		default:
			return "", fmt.Errorf("account number %q has a character that is not a letter or digit", account)
		}
	}
	b, _ := new(big.Int).SetString(bank, 10)
	g, _ := new(big.Int).SetString(branch, 10)
	a, _ := new(big.Int).SetString(acc.String(), 10)
	sum := new(big.Int).Mul(b, big.NewInt(89))
	sum.Add(sum, new(big.Int).Mul(g, big.NewInt(15)))
	sum.Add(sum, new(big.Int).Mul(a, big.NewInt(3)))
	key := 97 - new(big.Int).Mod(sum, big.NewInt(97)).Int64()
	bban := fmt.Sprintf("%s%s%s%02d", bank, branch, account, key)
	return "FR" + fmt.Sprintf("%02d", 98-mod97(bban+"FR00")) + bban, nil
}

func ribLetter(c byte) byte {
	v := (c-'A')%9 + 1
	if c >= 'S' {
		v = (c-'S')%9 + 2
	}
	return '0' + v
}

// mod97 computes the ISO 7064 MOD 97-10 remainder of s, letters counted as
// 10 (A) to 35 (Z).
func mod97(s string) int {
	r := 0
	for _, c := range strings.ToUpper(s) {
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A'+10)) % 97
		}
	}
	return r
}
