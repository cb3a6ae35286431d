package letter

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/components/code"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/relance/relance/letters/epc"
	"github.com/shopspring/decimal"
)

// Payment is how the customer pays a letter from a banking app: a SEPA
// credit transfer of Amount to the company's IBAN quoting Reference, the
// letter's ISO 11649 creditor reference, all of it in the EPC QR code
// whose text is QR.
type Payment struct {
	Name      string // beneficiary: the company's legal name
	IBAN      string
	BIC       string
	Amount    decimal.Decimal // the balances the letter lists (Data.Total), fees not included
	Reference string          // RF creditor reference, unique to the letter
	QR        string          // EPC069-12 payload
}

// GroupedReference is the reference in groups of four, as printed.
func (p Payment) GroupedReference() string { return epc.Grouped(p.Reference) }

// Pay returns how the customer pays d from a banking app, or nil when the
// letter cannot carry an EPC QR code: the company has no IBAN (the letter
// then says how to pay otherwise), the amount is not in euros or is not
// between 0.01 and 999 999 999.99. The creditor reference is drawn from
// the company's code and the letter's reference, both unique to the
// letter (see epc.LetterReference).
func (d Data) Pay() *Payment {
	if d.Company.IBAN == "" || currencyOrDefault(d.Currency) != "EUR" || d.Reference == "" {
		return nil
	}
	p := Payment{
		Name: d.Company.LegalName, IBAN: strings.ToUpper(strings.ReplaceAll(d.Company.IBAN, " ", "")),
		BIC: strings.ToUpper(strings.TrimSpace(d.Company.BIC)), Amount: d.Total(),
		Reference: epc.LetterReference(d.Company.Code, d.Reference),
	}
	qr, err := epc.Payload(epc.Transfer{BIC: p.BIC, Name: p.Name, IBAN: p.IBAN, Amount: p.Amount, Reference: p.Reference})
	if err != nil {
		return nil
	}
	p.QR = qr
	return &p
}

// qrSize is the side of the printed QR code in mm (EPC069-12 asks for
// at least 2 cm; a 331-byte payload at version 13 needs about 3 cm).
const qrSize = 32

// paymentBoxHeight is the room the payment box takes.
const paymentBoxHeight = qrSize + 4

// addPaymentBox prints, under the invoice table, how to pay: the EPC QR
// code beside the transfer details (beneficiary, IBAN, BIC, amount and
// creditor reference), or, without an IBAN, how to pay otherwise; and the
// link to the customer's page when the letter has one.
func addPaymentBox(m core.Maroto, d Data, lab labels) {
	pay := d.Pay()
	if !d.Total().IsPositive() {
		return
	}
	if !m.FitlnCurrentPage(paymentBoxHeight + 4) {
		m.AddPages(page.New())
	}
	m.AddRows(spacerRow(4))
	small := props.Text{Size: smallSize, VerticalPadding: 0.6, Bottom: 0.6}
	bold := props.Text{Size: smallSize + 0.5, Style: fontstyle.Bold, Color: &accentColor, Bottom: 1.5}
	details := col.New(gridWidth - qrSize - 6)
	title := lab.pay.title
	if pay != nil {
		title += " – " + lab.pay.scan
	}
	details.Add(text.New(lab.typeset(title), bold))
	top := 5.5
	line := func(s string) {
		if s == "" {
			return
		}
		p := small
		p.Top = top
		details.Add(text.New(lab.typeset(s), p))
		top += 4.1
	}
	if pay != nil {
		line(lab.pay.beneficiary + pay.Name)
		account := "IBAN" + lab.pay.colon + epc.Grouped(pay.IBAN)
		if pay.BIC != "" {
			account += "   BIC" + lab.pay.colon + pay.BIC
		}
		line(account)
		line(lab.pay.amount + formatMoney(pay.Amount, "EUR"))
		line(lab.pay.reference + pay.GroupedReference())
	} else {
		line(fmt.Sprintf(lab.pay.otherwise, d.Company.LegalName))
		line(lab.pay.reference + d.Reference)
	}
	if d.PortalURL != "" {
		line(lab.pay.portal)
		p := small
		p.Top = top
		p.Color = &accentColor
		details.Add(text.New(d.PortalURL, p))
	}
	r := row.New(paymentBoxHeight)
	if pay != nil {
		r.Add(code.NewQrCol(qrSize, pay.QR, props.Rect{Percent: 94, Top: 1, Left: 1}), col.New(6), details)
	} else {
		r.Add(details)
	}
	r.WithStyle(&props.Cell{BorderType: border.Full, BorderColor: &ruleColor, BorderThickness: 0.2})
	m.AddRows(r)
}
