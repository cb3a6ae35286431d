package settings

import "github.com/relance/relance/domain/messages"

// The problems Check and the identifier checks find, with their
// parameters; the catalogs of package messages say them in French and
// English. A value quoted in a message (value) is given quoted, as typed.
var (
	// NotCompanyCode: the company code is malformed (value).
	NotCompanyCode = messages.Declare("settings.code", "value")
	// LegalNameRequired: the legal name is empty.
	LegalNameRequired = messages.Declare("settings.legal-name.required")
	// AddressTooLong: the address has too many lines (lines).
	AddressTooLong = messages.Declare("settings.address.lines", "lines")
	// SenderRequired: no sender e-mail address.
	SenderRequired = messages.Declare("settings.sender-email.required")
	// SenderNameChars: the sender's name holds characters a header cannot.
	SenderNameChars = messages.Declare("settings.sender-name.chars")
	// NotTimeZone: an unknown time zone (value).
	NotTimeZone = messages.Declare("settings.time-zone", "value")
	// NotCalendar: an unknown holiday calendar (value).
	NotCalendar = messages.Declare("settings.holidays", "value")
	// NotLanguage: a language the letters do not speak (value, choices).
	NotLanguage = messages.Declare("settings.language", "value", "choices")
	// NotHour: a send hour outside 0-23 (value, as typed).
	NotHour = messages.Declare("settings.send-hour", "value")
	// LineTooLong: a one-line text is too long (length, max).
	LineTooLong = messages.Declare("settings.line.long", "length", "max")
	// LineControl: a one-line text holds line breaks or control characters.
	LineControl = messages.Declare("settings.line.control")
	// NotIBAN: the IBAN is malformed.
	NotIBAN = messages.Declare("settings.iban.format")
	// IBANLength: the IBAN's length is not its country's (length,
	// country, want).
	IBANLength = messages.Declare("settings.iban.length", "length", "country", "want")
	// IBANChecksum: the IBAN's check digits do not match.
	IBANChecksum = messages.Declare("settings.iban.checksum")
	// NotBIC: the BIC is malformed.
	NotBIC = messages.Declare("settings.bic.format")
	// NotSIRET: the SIRET is not 14 digits.
	NotSIRET = messages.Declare("settings.siret.format")
	// SIRETCheckDigit: a La Poste SIRET's check digit is wrong.
	SIRETCheckDigit = messages.Declare("settings.siret.check")
	// SIRETLuhn: the SIRET's Luhn check digit is wrong.
	SIRETLuhn = messages.Declare("settings.siret.luhn")
	// NotVAT: the VAT number is malformed.
	NotVAT = messages.Declare("settings.vat.format")
	// NotFrenchVAT: a French VAT number is malformed.
	NotFrenchVAT = messages.Declare("settings.vat.french")
	// VATKey: a French VAT number's key is wrong (siren, key: the right one).
	VATKey = messages.Declare("settings.vat.key", "siren", "key")
	// VATOtherSIREN: the VAT number's SIREN is not the SIRET's (siren,
	// siret).
	VATOtherSIREN = messages.Declare("settings.vat.siren", "siren", "siret")
	// NotEmail: not one e-mail address (value).
	NotEmail = messages.Declare("settings.email", "value")
	// NotDemoDay: the demo day's length is not 0 to 86400 seconds (value).
	NotDemoDay = messages.Declare("settings.demo-day", "value")
	// NotCadence: the cadence is not a whole number of days from 0 to the
	// longest allowed (value, max).
	NotCadence = messages.Declare("settings.cadence", "value", "max")
	// LogoEmpty: the logo file is empty.
	LogoEmpty = messages.Declare("settings.logo.empty")
	// LogoTooBig: the logo is too heavy (kb, max).
	LogoTooBig = messages.Declare("settings.logo.size", "kb", "max")
	// LogoFormat: the logo is not a PNG or JPEG image.
	LogoFormat = messages.Declare("settings.logo.format")
	// LogoPixels: the logo's sides are out of bounds (width, height).
	LogoPixels = messages.Declare("settings.logo.pixels", "width", "height")
	// Unexplained is a problem found elsewhere, without a code of its own
	// (text: in English).
	Unexplained = messages.Declare("settings.unexplained", "text")

	// WarnNoIBAN warns that without an IBAN the letters carry no payment
	// QR code and no RF payment reference.
	WarnNoIBAN = messages.Declare("settings.warn.no-iban")
)
