// Package settings checks a company's settings before they are saved: the
// legal identifiers printed on every letter (SIRET, VAT number, IBAN, BIC),
// the sender and reply-to addresses, the time zone, the language and the
// send hour. Every problem names the field it is about, so a screen or the
// command line can point at it.
//
// The checksums are written here rather than taken from a library: no
// maintained Go module for IBAN or SIRET resolves from the module proxy this
// project builds with, and each algorithm is a few lines of arithmetic
// (ISO 13616 mod 97 for the IBAN, Luhn for the SIRET, the French VAT key).
package settings

import (
	"fmt"
	"math/big"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/messages"
)

// Company is what a company's settings say, as typed by a person.
type Company struct {
	Code         string
	LegalName    string
	AddressLines []string
	City         string
	SIRET        string
	VATNumber    string
	RCS          string
	IBAN         string
	BIC          string
	SenderEmail  string
	SenderName   string
	ReplyTo      string
	TimeZone     string
	// Holidays is the working-day calendar: FR (French public holidays,
	// the default), FR-AM (plus Alsace-Moselle's Good Friday and 26
	// December) or none (weekends only); see calendar.Holidays.
	Holidays string
	Language string
	SendHour int
	// SignatoryName and SignatoryTitle sign the letters (one line each).
	SignatoryName  string
	SignatoryTitle string
	// LegalForm is the legal form and share capital printed after the
	// legal name in the footer, e.g. "SAS au capital de 10 000 €".
	LegalForm string
	// LetterHeader is a line printed under the letterhead; LetterFooter a
	// line printed above the legal footer of every page.
	LetterHeader string
	LetterFooter string
}

// FieldError is one problem with one field.
type FieldError struct {
	Field   string // the setting's name, as the command line and the screens call it
	Problem messages.Problem
}

func (e FieldError) Error() string { return e.Field + ": " + e.Problem.Error() }

// Errors is every problem found in one set of settings.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return "invalid company settings: " + strings.Join(parts, "; ")
}

// Fields returns the names of the fields in error, in order.
func (e Errors) Fields() []string {
	out := make([]string, len(e))
	for i, f := range e {
		out[i] = f.Field
	}
	return out
}

var codePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,19}$`)

// Languages are the letter languages a company may choose.
var Languages = []string{"fr", "en"}

// Check returns every problem of c as Errors (nil when it can be saved).
// Empty optional fields are fine; a present one must be well formed.
func Check(c Company) error {
	var errs Errors
	add := func(field string, p messages.Problem) {
		errs = append(errs, FieldError{Field: field, Problem: p})
	}
	addErr := func(field string, err error) {
		if p, ok := messages.Of(err); ok {
			add(field, p)
		}
	}
	if !codePattern.MatchString(c.Code) {
		add("code", NotCompanyCode.With(strconv.Quote(c.Code)))
	}
	if strings.TrimSpace(c.LegalName) == "" {
		add("legal-name", LegalNameRequired.With())
	}
	if len(c.AddressLines) > 4 {
		add("address", AddressTooLong.With(len(c.AddressLines)))
	}
	if c.SIRET != "" {
		if err := SIRET(c.SIRET); err != nil {
			addErr("siret", err)
		}
	}
	if c.VATNumber != "" {
		if err := VAT(c.VATNumber, c.SIRET); err != nil {
			addErr("vat", err)
		}
	}
	if c.IBAN != "" {
		if err := IBAN(c.IBAN); err != nil {
			addErr("iban", err)
		}
	}
	if c.BIC != "" {
		if err := BIC(c.BIC); err != nil {
			addErr("bic", err)
		}
	}
	if c.SenderEmail == "" {
		add("sender-email", SenderRequired.With())
	} else if err := Email(c.SenderEmail); err != nil {
		addErr("sender-email", err)
	}
	if c.ReplyTo != "" {
		if err := Email(c.ReplyTo); err != nil {
			addErr("reply-to", err)
		}
	}
	if strings.ContainsAny(c.SenderName, "\r\n\"<>") {
		add("sender-name", SenderNameChars.With())
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "Local" {
			add("time-zone", NotTimeZone.With(strconv.Quote(c.TimeZone)))
		}
	}
	if _, err := calendar.ParseHolidays(c.Holidays); err != nil {
		add("holidays", NotCalendar.With(strconv.Quote(c.Holidays)))
	}
	if c.Language != "" && !contains(Languages, c.Language) {
		add("language", NotLanguage.With(strconv.Quote(c.Language), strings.Join(Languages, ", ")))
	}
	if c.SendHour < 0 || c.SendHour > 23 {
		add("send-hour", NotHour.With(c.SendHour))
	}
	for _, l := range []struct {
		field, value string
		max          int
	}{
		{"signatory-name", c.SignatoryName, 100}, {"signatory-title", c.SignatoryTitle, 100},
		{"legal-form", c.LegalForm, 100}, {"letter-header", c.LetterHeader, 120}, {"letter-footer", c.LetterFooter, 160},
	} {
		if err := Line(l.value, l.max); err != nil {
			addErr(l.field, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Line checks a one-line text printed on letters: at most max characters,
// no line breaks or other control characters.
func Line(s string, max int) error {
	if n := len([]rune(s)); n > max {
		return LineTooLong.With(n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return LineControl.With()
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// compact removes the spaces people type in identifiers and upper-cases them.
func compact(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' || r == '-' {
			return -1
		}
		return r
	}, s))
}

// ibanLengths are the IBAN lengths of the SEPA countries (ISO 13616
// registry); other countries are checked for their checksum only.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
	"ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
	"IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
	"PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}

var ibanPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$`)

// IBAN checks an International Bank Account Number: format, the length of
// its country, and the ISO 13616 mod-97 checksum. Spaces are ignored.
func IBAN(s string) error {
	v := compact(s)
	if !ibanPattern.MatchString(v) {
		return NotIBAN.With()
	}
	if n, ok := ibanLengths[v[:2]]; ok && len(v) != n {
		return IBANLength.With(len(v), v[:2], n)
	}
	var digits strings.Builder
	for _, r := range v[4:] + v[:4] {
		if r >= 'A' && r <= 'Z' {
			fmt.Fprintf(&digits, "%d", r-'A'+10)
		} else {
			digits.WriteRune(r)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	if new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return IBANChecksum.With()
	}
	return nil
}

var bicPattern = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

// BIC checks the format of a Business Identifier Code (8 or 11 characters).
func BIC(s string) error {
	if !bicPattern.MatchString(compact(s)) {
		return NotBIC.With()
	}
	return nil
}

// SIRET checks a French establishment number: 14 digits whose Luhn sum is
// a multiple of 10 (La Poste's establishments, SIREN 356000000, use the
// sum of their digits modulo 5 instead).
func SIRET(s string) error {
	v := compact(s)
	if len(v) != 14 || strings.Trim(v, "0123456789") != "" {
		return NotSIRET.With()
	}
	if strings.HasPrefix(v, "356000000") && v != "35600000000048" {
		sum := 0
		for _, r := range v {
			sum += int(r - '0')
		}
		if sum%5 != 0 {
			return SIRETCheckDigit.With()
		}
		return nil
	}
	if !luhn(v) {
		return SIRETLuhn.With()
	}
	return nil
}

func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

var vatPattern = regexp.MustCompile(`^[A-Z]{2}[A-Z0-9]{2,13}$`)

// VAT checks an intra-community VAT number. A French one (FR + 2-digit key
// + SIREN) must have the right key and, when siret is given, the same
// SIREN as the SIRET.
func VAT(s, siret string) error {
	v := compact(s)
	if !vatPattern.MatchString(v) {
		return NotVAT.With()
	}
	if !strings.HasPrefix(v, "FR") {
		return nil
	}
	if len(v) != 13 || strings.Trim(v[4:], "0123456789") != "" {
		return NotFrenchVAT.With()
	}
	siren := v[4:]
	if strings.Trim(v[2:4], "0123456789") == "" {
		var n int64
		fmt.Sscan(siren, &n)
		var key int64
		fmt.Sscan(v[2:4], &key)
		if (12+3*(n%97))%97 != key {
			return VATKey.With(siren, fmt.Sprintf("%02d", (12+3*(n%97))%97))
		}
	}
	if s := compact(siret); len(s) == 14 && s[:9] != siren {
		return VATOtherSIREN.With(siren, s[:9])
	}
	return nil
}

// Email checks one e-mail address (no display name, no list).
func Email(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != strings.TrimSpace(s) || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@"):], ".") {
		return NotEmail.With(strconv.Quote(s))
	}
	return nil
}

// Warnings returns what c may be saved with but what weakens its letters,
// as FieldErrors whose Problem has one of the Warn codes: without an IBAN
// (WarnNoIBAN) the letters carry no payment QR code and no RF payment
// reference, and ask for a cheque or the means agreed instead.
func Warnings(c Company) []FieldError {
	var out []FieldError
	if strings.TrimSpace(c.IBAN) == "" {
		out = append(out, FieldError{Field: "iban", Problem: WarnNoIBAN.With()})
	}
	return out
}

// FieldProblem returns err, found on field, as a FieldError: its Problem
// when err carries one (the checks of this package do), else Unexplained
// with err's text.
func FieldProblem(field string, err error) FieldError {
	p, ok := messages.Of(err)
	if !ok {
		p = Unexplained.With(err.Error())
	}
	return FieldError{Field: field, Problem: p}
}
