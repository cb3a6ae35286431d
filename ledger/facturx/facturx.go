// Package facturx reads Factur-X (and ZUGFeRD 2) invoices: a PDF/A-3
// whose embedded file factur-x.xml is the invoice in UN/CEFACT Cross
// Industry Invoice (CII) XML. It extracts that file with pdfcpu and reads
// what dunning needs: number, kind, dates, amounts, currency and buyer.
package facturx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// AttachmentNames are the names of the embedded CII file, by standard:
// Factur-X, ZUGFeRD 2.x, ZUGFeRD 2.0, XRechnung.
var AttachmentNames = []string{"factur-x.xml", "zugferd-invoice.xml", "ZUGFeRD-invoice.xml", "xrechnung.xml"}

// MaxXML bounds the embedded XML read, in bytes.
const MaxXML = 5 << 20

// ErrNotFacturX is returned (wrapped) for a PDF without a CII invoice.
var ErrNotFacturX = errors.New("not a Factur-X invoice")

// Party is the buyer as the invoice names it.
type Party struct {
	ID      string   // the buyer's identifier (BT-46), the customer code
	Name    string   // BT-44
	Email   string   // electronic address (BT-49) or the contact's e-mail
	Address []string // postal address lines, postcode and city, country
	VAT     string   // VAT identifier (BT-48)
}

// Invoice is what relance reads of a CII invoice.
type Invoice struct {
	Number     string // BT-1, rsm:ExchangedDocument/ram:ID
	TypeCode   string // BT-3: 380 invoice, 381 credit note...
	CreditNote bool
	IssueDate  calendar.Date // BT-2
	DueDate    calendar.Date // BT-9, zero when absent
	Currency   string        // BT-5
	GrandTotal decimal.Decimal
	DuePayable decimal.Decimal // BT-115: what is still to pay
	Buyer      Party
	// Precedes is the invoice a credit note corrects (BT-25), when given.
	Precedes string
	Profile  string // the guideline (BT-24), e.g. urn:factur-x.eu:1p0:minimum
}

// Read extracts the CII XML embedded in a Factur-X PDF and reads it. It
// never panics on a malformed PDF: it says what is wrong.
func Read(pdf []byte) (inv Invoice, raw []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			inv, raw, err = Invoice{}, nil, notFacturX(Unreadable.With(p))
		}
	}()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return Invoice{}, nil, notFacturX(NotPDF.With())
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	atts, err := api.ExtractAttachmentsRaw(bytes.NewReader(pdf), "", nil, conf)
	if err != nil {
		return Invoice{}, nil, notFacturX(Unreadable.With(err))
	}
	var pick *model.Attachment
	for i, a := range atts {
		for _, n := range AttachmentNames {
			if strings.EqualFold(a.FileName, n) || strings.EqualFold(a.ID, n) {
				pick = &atts[i]
			}
		}
	}
	if pick == nil {
		var names []string
		for _, a := range atts {
			names = append(names, a.FileName)
		}
		if len(names) == 0 {
			return Invoice{}, nil, notFacturX(NoAttachment.With())
		}
		return Invoice{}, nil, notFacturX(NoXML.With(strings.Join(names, ", ")))
	}
	raw, err = io.ReadAll(io.LimitReader(pick.Reader, MaxXML+1))
	if err != nil {
		return Invoice{}, nil, notFacturX(XMLUnreadable.With(pick.FileName, err))
	}
	if len(raw) > MaxXML {
		return Invoice{}, nil, notFacturX(XMLTooLarge.With(pick.FileName, MaxXML))
	}
	inv, err = Parse(raw)
	return inv, raw, err
}

// cii is the part of rsm:CrossIndustryInvoice relance reads (element
// local names; the namespaces are CII D16B's).
type cii struct {
	XMLName xml.Name `xml:"CrossIndustryInvoice"`
	Context struct {
		Guideline string `xml:"GuidelineSpecifiedDocumentContextParameter>ID"`
	} `xml:"ExchangedDocumentContext"`
	Document struct {
		ID        string   `xml:"ID"`
		TypeCode  string   `xml:"TypeCode"`
		IssueDate dateTime `xml:"IssueDateTime>DateTimeString"`
	} `xml:"ExchangedDocument"`
	Transaction struct {
		Agreement struct {
			Buyer struct {
				ID       []string `xml:"ID"`
				GlobalID []string `xml:"GlobalID"`
				Name     string   `xml:"Name"`
				Contact  struct {
					Email string `xml:"EmailURIUniversalCommunication>URIID"`
				} `xml:"DefinedTradeContact"`
				Address struct {
					Postcode string `xml:"PostcodeCode"`
					Line1    string `xml:"LineOne"`
					Line2    string `xml:"LineTwo"`
					Line3    string `xml:"LineThree"`
					City     string `xml:"CityName"`
					Country  string `xml:"CountryID"`
				} `xml:"PostalTradeAddress"`
				URI string   `xml:"URIUniversalCommunication>URIID"`
				Tax []string `xml:"SpecifiedTaxRegistration>ID"`
			} `xml:"BuyerTradeParty"`
		} `xml:"ApplicableHeaderTradeAgreement"`
		Settlement struct {
			Currency string `xml:"InvoiceCurrencyCode"`
			Terms    []struct {
				DueDate dateTime `xml:"DueDateDateTime>DateTimeString"`
			} `xml:"SpecifiedTradePaymentTerms"`
			Summation struct {
				GrandTotal []amount `xml:"GrandTotalAmount"`
				DuePayable amount   `xml:"DuePayableAmount"`
			} `xml:"SpecifiedTradeSettlementHeaderMonetarySummation"`
			Preceding string `xml:"InvoiceReferencedDocument>IssuerAssignedID"`
		} `xml:"ApplicableHeaderTradeSettlement"`
	} `xml:"SupplyChainTradeTransaction"`
}

// dateTime is udt:DateTimeString with its format attribute (102:
// CCYYMMDD).
type dateTime struct {
	Format string `xml:"format,attr"`
	Value  string `xml:",chardata"`
}

type amount struct {
	Currency string `xml:"currencyID,attr"`
	Value    string `xml:",chardata"`
}

func (d dateTime) date(field string, required bool) (calendar.Date, error) {
	v := strings.TrimSpace(d.Value)
	if v == "" {
		if required {
			return calendar.Date{}, notFacturX(DateMissing.With(field))
		}
		return calendar.Date{}, nil
	}
	if d.Format != "" && d.Format != "102" {
		return calendar.Date{}, notFacturX(DateFormat.With(field, strconv.Quote(d.Format)))
	}
	if len(v) != 8 {
		return calendar.Date{}, notFacturX(DateValue.With(field, strconv.Quote(v)))
	}
	t, err := calendar.Parse(v[:4] + "-" + v[4:6] + "-" + v[6:])
	if err != nil {
		return calendar.Date{}, notFacturX(DateValue.With(field, strconv.Quote(v)))
	}
	return t, nil
}

func (a amount) decimal(field string) (decimal.Decimal, error) {
	v := strings.TrimSpace(a.Value)
	d, err := decimal.NewFromString(v)
	if v == "" || err != nil || strings.ContainsAny(v, "eE") {
		return decimal.Decimal{}, notFacturX(BadAmount.With(field, strconv.Quote(v)))
	}
	return d, nil
}

// Parse reads a CII invoice (the XML of a Factur-X PDF).
func Parse(data []byte) (Invoice, error) {
	var x cii
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&x); err != nil {
		return Invoice{}, notFacturX(NotCII.With(err))
	}
	doc, set := x.Document, x.Transaction.Settlement
	inv := Invoice{
		Number: strings.TrimSpace(doc.ID), TypeCode: strings.TrimSpace(doc.TypeCode), Profile: strings.TrimSpace(x.Context.Guideline),
		Currency: strings.ToUpper(strings.TrimSpace(set.Currency)), Precedes: strings.TrimSpace(set.Preceding),
	}
	if inv.Number == "" {
		return inv, notFacturX(NoNumber.With())
	}
	switch inv.TypeCode {
	case "380", "384", "386", "389", "751":
	case "381":
		inv.CreditNote = true
	default:
		return inv, notFacturX(DocumentType.With(strconv.Quote(inv.TypeCode)))
	}
	var err error
	if inv.IssueDate, err = doc.IssueDate.date("ram:IssueDateTime", true); err != nil {
		return inv, err
	}
	for _, t := range set.Terms {
		if inv.DueDate, err = t.DueDate.date("ram:DueDateDateTime", false); err != nil {
			return inv, err
		}
		if !inv.DueDate.IsZero() {
			break
		}
	}
	sum := set.Summation
	if len(sum.GrandTotal) == 0 {
		return inv, notFacturX(NoTotal.With())
	}
	if inv.GrandTotal, err = sum.GrandTotal[0].decimal("ram:GrandTotalAmount"); err != nil {
		return inv, err
	}
	if inv.DuePayable, err = sum.DuePayable.decimal("ram:DuePayableAmount"); err != nil {
		return inv, err
	}
	b := x.Transaction.Agreement.Buyer
	inv.Buyer = Party{Name: strings.TrimSpace(b.Name), Email: strings.TrimSpace(b.Contact.Email)}
	for _, ids := range [][]string{b.ID, b.GlobalID} {
		for _, id := range ids {
			if inv.Buyer.ID == "" {
				inv.Buyer.ID = strings.TrimSpace(id)
			}
		}
	}
	if inv.Buyer.Email == "" && strings.Contains(b.URI, "@") {
		inv.Buyer.Email = strings.TrimSpace(b.URI)
	}
	if len(b.Tax) > 0 {
		inv.Buyer.VAT = strings.TrimSpace(b.Tax[0])
	}
	a := b.Address
	for _, l := range []string{a.Line1, a.Line2, a.Line3, strings.TrimSpace(a.Postcode + " " + a.City), a.Country} {
		if l = strings.TrimSpace(l); l != "" {
			inv.Buyer.Address = append(inv.Buyer.Address, l)
		}
	}
	return inv, nil
}
