package activities

import (
	"github.com/relance/relance/calendar"
	"github.com/relance/relance/dunning"
	"github.com/relance/relance/ladder"
)

// InvoiceRef names an invoice by company code and invoice number.
type InvoiceRef struct {
	Company string `json:"company"`
	Invoice string `json:"invoice"`
}

// LetterRequest asks for one letter: level Level, the Sequence-th time this
// level is sent for the invoice (a revert sends a level again).
type LetterRequest struct {
	InvoiceID int64         `json:"invoiceId"`
	Invoice   string        `json:"invoice"`
	Level     ladder.Level  `json:"level"`
	Sequence  int           `json:"sequence"`
	Date      calendar.Date `json:"date"`
}

// Letter outcomes.
const (
	LetterSent      = "sent"         // e-mailed (and queued for print if the channel is both)
	LetterPrint     = "queued_print" // no e-mail: waits in the print batch
	LetterUncertain = "uncertain"    // a crash mid-send: never resent, see README
)

// LetterResult says what became of a letter.
type LetterResult struct {
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// PaymentRequest records a payment against an invoice.
type PaymentRequest struct {
	InvoiceID int64           `json:"invoiceId"`
	Payment   dunning.Payment `json:"payment"`
}

// EventsRequest mirrors workflow events into the history table.
type EventsRequest struct {
	InvoiceID  int64           `json:"invoiceId"`
	WorkflowID string          `json:"workflowId"`
	Events     []dunning.Event `json:"events"`
	// Snapshot is the workflow's position after these events.
	Snapshot dunning.Snapshot `json:"snapshot"`
}
