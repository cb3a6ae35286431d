package activities

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/epc"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/letters/mail"
)

// QRContentID names the EPC QR code image in the e-mail's HTML part
// (<img src="cid:epc-qr">, letters/letter/templates/*/_common.tmpl).
const QRContentID = "epc-qr"

// qrPixels is the side of the QR code image sent in the e-mail.
const qrPixels = 300

// withPortalLink gives a letter the private link to its customer's page
// (when the worker has a portal secret, Activities.Portal) and composes
// its text again so that the e-mail carries it too. The link lasts the
// portal's TTL from the letter's date (from now for a letter dated in the
// past), so a retried letter carries the same link.
func (a *Activities) withPortalLink(ctx context.Context, companyID, customerID int64, data letter.Data, content letter.Content) (letter.Data, letter.Content, error) {
	if a.Portal == nil {
		return data, content, nil
	}
	version, err := a.Store.PortalVersion(ctx, customerID)
	if err != nil {
		return data, content, nonRetryableIfNotFound(err)
	}
	issued := data.Date.UTC()
	if now := time.Now(); issued.Add(a.Portal.TTL).Before(now.Add(a.Portal.TTL / 2)) {
		issued = now.UTC().Truncate(24 * time.Hour)
	}
	data.PortalURL = a.Portal.URL(customerID, version, issued)
	content, err = composeText(ctx, a.Store, companyID, data)
	if err != nil {
		return data, content, classify(fmt.Errorf("compose letter %s with its link: %w", data.Reference, err))
	}
	return data, content, nil
}

// asCompany makes msg go out as the company sends it: its sender name in
// From, its reply-to address in Reply-To, and the letter's EPC QR code as
// the inline image the HTML part shows. It records the letter's RF
// creditor reference (letter id, a customer letter when customerLetter)
// so that the bank statement brings a payment quoting it back to the
// letter's items.
func (a *Activities) asCompany(ctx context.Context, msg *mail.Message, co store.Company, customerID, id int64, customerLetter bool, data letter.Data) error {
	if co.SenderName != "" {
		msg.From = (&netmail.Address{Name: co.SenderName, Address: co.SenderEmail}).String()
	}
	if co.ReplyTo != "" {
		msg.ReplyTo = co.ReplyTo
	}
	pay := data.Pay()
	if pay == nil {
		return nil
	}
	ref := store.PaymentRef{Reference: pay.Reference, CompanyID: co.ID, CustomerID: customerID, LetterReference: data.Reference, Amount: pay.Amount}
	if customerLetter {
		ref.CustomerLetter = id
	} else {
		ref.Letter = id
	}
	if err := a.Store.RecordPaymentRef(ctx, ref); errors.Is(err, store.ErrExists) {
		return badLetter(err) // another letter's reference: sending would mix their payments
	} else if err != nil {
		// The database did not answer (an outage): retried, never a bad
		// letter that would leave the statement recorded and unsent.
		return err
	}
	png, err := epc.PNG(pay.QR, qrPixels)
	if err != nil {
		return badLetter(err)
	}
	msg.Inline = append(msg.Inline, mail.Attachment{Filename: QRContentID + ".png", ContentType: "image/png", Data: png, ContentID: QRContentID})
	return nil
}

// replyAddress is the address a letter asks the customer to write to: the
// company's reply-to, else its sender address.
func replyAddress(c store.Company) string {
	if c.ReplyTo != "" {
		return c.ReplyTo
	}
	return c.SenderEmail
}
