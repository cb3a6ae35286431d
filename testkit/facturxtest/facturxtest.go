// Package facturxtest makes Factur-X invoice PDFs for tests: a one-page
// PDF drawn with maroto and a minimal CII XML (profile BASIC WL fields
// that relance reads) embedded with facturx.Embed.
package facturxtest

import (
	"testing"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/relance/relance/ledger/facturx"
)

// Invoice is what the made-up invoice says. Dates are CCYYMMDD.
type Invoice struct {
	TypeCode  string // 380 invoice (default), 381 credit note
	Number    string
	Issued    string // default 20261102
	Due       string // default 20261202
	BuyerID   string // the customer code; "" leaves the buyer without one
	BuyerName string
	Email     string
	Total     string // grand total, e.g. "1200.00"
	DuePay    string // due payable; default Total
	Currency  string // default EUR
}

// CII returns the invoice as CII XML.
func CII(in Invoice) []byte {
	if in.TypeCode == "" {
		in.TypeCode = "380"
	}
	if in.Issued == "" {
		in.Issued = "20261102"
	}
	if in.Due == "" {
		in.Due = "20261202"
	}
	if in.DuePay == "" {
		in.DuePay = in.Total
	}
	if in.Currency == "" {
		in.Currency = "EUR"
	}
	id := ""
	if in.BuyerID != "" {
		id = `<ram:ID>` + in.BuyerID + `</ram:ID>`
	}
	email := ""
	if in.Email != "" {
		email = `<ram:URIUniversalCommunication><ram:URIID schemeID="EM">` + in.Email + `</ram:URIID></ram:URIUniversalCommunication>`
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:factur-x.eu:1p0:basicwl</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>` + in.Number + `</ram:ID>
    <ram:TypeCode>` + in.TypeCode + `</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">` + in.Issued + `</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>ACME SAS</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        ` + id + `
        <ram:Name>` + in.BuyerName + `</ram:Name>
        <ram:PostalTradeAddress><ram:PostcodeCode>69002</ram:PostcodeCode><ram:LineOne>3 rue de la République</ram:LineOne><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        ` + email + `
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>` + in.Currency + `</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">` + in.Due + `</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:GrandTotalAmount>` + in.Total + `</ram:GrandTotalAmount>
        <ram:DuePayableAmount>` + in.DuePay + `</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`)
}

// PDF returns a Factur-X PDF of the invoice.
func PDF(t testing.TB, in Invoice) []byte {
	t.Helper()
	m := maroto.New()
	m.AddRows(text.NewRow(10, "Facture "+in.Number))
	doc, err := m.Generate()
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := facturx.Embed(doc.GetBytes(), CII(in))
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// Plain returns a PDF without any embedded invoice.
func Plain(t testing.TB, title string) []byte {
	t.Helper()
	m := maroto.New()
	m.AddRows(text.NewRow(10, title))
	doc, err := m.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return doc.GetBytes()
}
