package dunning

import (
	"strings"

	"github.com/relance/relance/domain/messages"
)

// Hold reasons: why letters wait. The ledger's check (store.CheckInvoice)
// and the invoice workflow record them as text, several joined by "; ",
// in the invoice's history and its carried state; these texts are
// therefore fixed (a recorded history must read the same tomorrow). Holds
// reads such a text back into messages that say each reason in the
// reader's language.
const (
	// HoldCustomerDNR: the customer is marked do-not-remind.
	HoldCustomerDNR = "customer is marked do-not-remind"
	// HoldInvoiceDNR: the invoice is marked do-not-remind.
	HoldInvoiceDNR = "invoice is marked do-not-remind"
	// HoldCustomerStatus is followed by the label of the customer's
	// blocking status.
	HoldCustomerStatus = "customer status "
	// HoldInvoiceStatus is followed by the label of the invoice's blocking
	// status.
	HoldInvoiceStatus = "invoice status "
	// HoldLetterFailed is the hold reason of an invoice whose letter failed
	// (SES refused it): letters wait until an operator resumes.
	HoldLetterFailed = "letter failed: fix and resume"
	// HoldLetterUnsure is the hold reason of an invoice whose last letter is
	// uncertain (its send ended without SES's answer): the invoice does not
	// move past it until SES confirms it, shows it never took it (it is sent
	// again), or someone decides (docs/exactly-once.md).
	HoldLetterUnsure = "letter to verify: SES has not confirmed it"
)

// HoldSeparator joins several hold reasons in one text.
const HoldSeparator = "; "

// The message codes of the hold reasons.
var (
	// HeldCustomerDNR says HoldCustomerDNR.
	HeldCustomerDNR = messages.Declare("hold.customer-dnr")
	// HeldInvoiceDNR says HoldInvoiceDNR.
	HeldInvoiceDNR = messages.Declare("hold.invoice-dnr")
	// HeldCustomerStatus says HoldCustomerStatus (label: the status's).
	HeldCustomerStatus = messages.Declare("hold.customer-status", "label")
	// HeldInvoiceStatus says HoldInvoiceStatus (label: the status's).
	HeldInvoiceStatus = messages.Declare("hold.invoice-status", "label")
	// HeldLetterFailed says HoldLetterFailed.
	HeldLetterFailed = messages.Declare("hold.letter-failed")
	// HeldLetterUnsure says HoldLetterUnsure.
	HeldLetterUnsure = messages.Declare("hold.letter-unsure")
	// HeldOther is a reason this version does not know (text: as
	// recorded).
	HeldOther = messages.Declare("hold.other", "text")
)

// holdTexts are the fixed hold texts and their codes; holdLabelled are the
// texts followed by a status's label.
var (
	holdTexts = []struct {
		text string
		code messages.Code
	}{
		{HoldCustomerDNR, HeldCustomerDNR}, {HoldInvoiceDNR, HeldInvoiceDNR},
		{HoldLetterFailed, HeldLetterFailed}, {HoldLetterUnsure, HeldLetterUnsure},
	}
	holdLabelled = []struct {
		lead string
		code messages.Code
	}{
		{HoldCustomerStatus, HeldCustomerStatus}, {HoldInvoiceStatus, HeldInvoiceStatus},
	}
)

// HoldReason joins hold reasons, as the ledger's check records them.
func HoldReason(reasons ...string) string { return strings.Join(reasons, HoldSeparator) }

// Holds reads a recorded hold reason (one or several joined by
// HoldSeparator) into one message per reason; an empty text has none.
func Holds(reason string) []messages.Problem {
	if reason == "" {
		return nil
	}
	var out []messages.Problem
	for _, part := range strings.Split(reason, HoldSeparator) {
		out = append(out, holdOf(part))
	}
	return out
}

func holdOf(part string) messages.Problem {
	for _, h := range holdTexts {
		if part == h.text {
			return h.code.With()
		}
	}
	for _, h := range holdLabelled {
		if label, ok := strings.CutPrefix(part, h.lead); ok {
			return h.code.With(label)
		}
	}
	return HeldOther.With(part)
}
