package facturx

import (
	"fmt"

	"github.com/relance/relance/domain/messages"
)

// The problems of a PDF that is not a readable Factur-X invoice, said from
// the catalogs of package messages. Each is returned wrapped with
// ErrNotFacturX (notFacturX).
var (
	// NotPDF: the file is not a PDF.
	NotPDF = messages.Declare("facturx.not-pdf")
	// Unreadable: pdfcpu cannot read the PDF (detail: its words).
	Unreadable = messages.Declare("facturx.unreadable", "detail")
	// NoAttachment: the PDF embeds no file at all.
	NoAttachment = messages.Declare("facturx.no-attachment")
	// NoXML: the PDF embeds files, none of them the invoice's XML (files).
	NoXML = messages.Declare("facturx.no-xml", "files")
	// XMLUnreadable: the embedded XML cannot be read (file, detail).
	XMLUnreadable = messages.Declare("facturx.xml.unreadable", "file", "detail")
	// XMLTooLarge: the embedded XML is larger than MaxXML (file, max
	// bytes).
	XMLTooLarge = messages.Declare("facturx.xml.size", "file", "max")
	// NotCII: the XML is not a CII invoice (detail: the decoder's words).
	NotCII = messages.Declare("facturx.cii", "detail")
	// NoNumber: the invoice number is missing.
	NoNumber = messages.Declare("facturx.number")
	// DocumentType: neither an invoice nor a credit note (type quoted).
	DocumentType = messages.Declare("facturx.type", "type")
	// DateMissing: a required date is missing (field: the XML element).
	DateMissing = messages.Declare("facturx.date.missing", "field")
	// DateFormat: a date in a format other than 102 (field, format
	// quoted).
	DateFormat = messages.Declare("facturx.date.format", "field", "format")
	// DateValue: a date that is not CCYYMMDD (field, value quoted).
	DateValue = messages.Declare("facturx.date.value", "field", "value")
	// NoTotal: the grand total is missing.
	NoTotal = messages.Declare("facturx.total")
	// BadAmount: an amount that is not a decimal (field, value quoted).
	BadAmount = messages.Declare("facturx.amount", "field", "value")
	// PDFTooLarge: a PDF larger than an import takes (max bytes).
	PDFTooLarge = messages.Declare("facturx.pdf.size", "max")
	// NoBuyer: an invoice whose buyer has no identifier, to be imported
	// with a customer code given apart (invoice).
	NoBuyer = messages.Declare("facturx.buyer", "invoice")
)

// notFacturX returns p as a reason the PDF is not a Factur-X invoice: it
// matches ErrNotFacturX and holds p.
func notFacturX(p messages.Problem) error { return fmt.Errorf("%w: %w", ErrNotFacturX, p) }
