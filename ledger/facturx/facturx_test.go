package facturx_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/relance/relance/ledger/facturx"
)

// CII is a minimal Factur-X invoice (profile MINIMUM plus the due date
// and the buyer's identifier) with the given type code, number and
// amounts.
func CII(typeCode, number, total, due string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:factur-x.eu:1p0:basicwl</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>` + number + `</ram:ID>
    <ram:TypeCode>` + typeCode + `</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20261102</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>ACME SAS</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:ID>CLI-FX1</ram:ID>
        <ram:Name>Boulangerie Martin</ram:Name>
        <ram:PostalTradeAddress><ram:PostcodeCode>69002</ram:PostcodeCode><ram:LineOne>3 rue de la République</ram:LineOne><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        <ram:URIUniversalCommunication><ram:URIID schemeID="EM">compta@boulangerie-martin.example</ram:URIID></ram:URIUniversalCommunication>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20261202</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>1000.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">200.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>` + total + `</ram:GrandTotalAmount>
        <ram:DuePayableAmount>` + due + `</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`
}

// invoicePDF makes a one-page PDF with maroto.
func invoicePDF(t *testing.T, number string) []byte {
	t.Helper()
	m := maroto.New()
	m.AddRows(text.NewRow(10, "Facture "+number))
	doc, err := m.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return doc.GetBytes()
}

func TestReadFacturXFromAPDFMadeHere(t *testing.T) {
	pdf, err := facturx.Embed(invoicePDF(t, "FX-2026-001"), []byte(CII("380", "FX-2026-001", "1200.00", "1150.50")))
	if err != nil {
		t.Fatal(err)
	}
	inv, raw, err := facturx.Read(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "CrossIndustryInvoice") {
		t.Errorf("xml = %.80s", raw)
	}
	got := []string{inv.Number, inv.TypeCode, inv.IssueDate.String(), inv.DueDate.String(), inv.Currency,
		inv.GrandTotal.String(), inv.DuePayable.String(), inv.Buyer.ID, inv.Buyer.Name, inv.Buyer.Email, strings.Join(inv.Buyer.Address, "|")}
	want := []string{"FX-2026-001", "380", "2026-11-02", "2026-12-02", "EUR", "1200", "1150.5", "CLI-FX1", "Boulangerie Martin",
		"compta@boulangerie-martin.example", "3 rue de la République|69002 Lyon|FR"}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("read\n%q\nwant\n%q", got, want)
	}
	if inv.CreditNote {
		t.Error("380 read as a credit note")
	}
}

func TestParseRefusesWhatIsNotAnInvoice(t *testing.T) {
	tests := []struct{ name, xml, says string }{
		{"not XML", "%PDF", "not a CII invoice"},
		{"other root", `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`, "not a CII invoice"},
		{"order type", CII("220", "X1", "10.00", "10.00"), `document type "220"`},
		{"no number", CII("380", "", "10.00", "10.00"), "invoice number"},
		{"bad amount", CII("380", "X2", "1e309", "10.00"), "not a decimal amount"},
		{"credit note", CII("381", "AV1", "10.00", "10.00"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := facturx.Parse([]byte(tt.xml))
			switch {
			case tt.says == "" && (err != nil || !inv.CreditNote):
				t.Errorf("Parse = %+v, %v; want a credit note", inv, err)
			case tt.says != "" && (!errors.Is(err, facturx.ErrNotFacturX) || !strings.Contains(err.Error(), tt.says)):
				t.Errorf("Parse error %v, want one saying %q", err, tt.says)
			}
		})
	}
}

func TestReadRefusesAPDFWithoutInvoice(t *testing.T) {
	for _, pdf := range [][]byte{invoicePDF(t, "X"), []byte("%PDF-1.7 garbage"), []byte("not a pdf")} {
		if _, _, err := facturx.Read(pdf); !errors.Is(err, facturx.ErrNotFacturX) {
			t.Errorf("Read(%.20q) = %v, want ErrNotFacturX", pdf, err)
		}
	}
}
