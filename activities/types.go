package activities

import (
	"fmt"
	"time"

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
	LetterWithdrawn = "withdrawn"    // left out at the last moment (paid or held meanwhile): nothing sent
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

// LetterItem is one invoice's letter waiting to be grouped with the other
// letters of its customer that day.
type LetterItem struct {
	InvoiceID  int64        `json:"invoiceId"`
	Invoice    string       `json:"invoice"`
	Level      ladder.Level `json:"level"`
	Position   int          `json:"position"` // the level's index in the ladder
	Sequence   int          `json:"sequence"`
	WorkflowID string       `json:"workflowId"` // the invoice workflow to tell
}

// Key identifies the letter (invoice, level, sequence).
func (i LetterItem) Key() string {
	return fmt.Sprintf("%d/%s/%d", i.InvoiceID, i.Level.Code, i.Sequence)
}

// QueueRequest hands an invoice's letter to its customer's letter workflow,
// starting it if needed.
type QueueRequest struct {
	Company  string        `json:"company"`
	Customer string        `json:"customer"`
	Date     calendar.Date `json:"date"`
	Window   time.Duration `json:"window"`
	Item     LetterItem    `json:"item"`
}

// CustomerLetterRequest asks for one letter covering several invoices of a
// customer. Key identifies it for exactly-once sending.
type CustomerLetterRequest struct {
	Key      string        `json:"key"`
	Company  string        `json:"company"`
	Customer string        `json:"customer"`
	Date     calendar.Date `json:"date"`
	Items    []LetterItem  `json:"items"`
}

// ItemResult is what became of one invoice's letter.
type ItemResult struct {
	Item   LetterItem `json:"item"`
	Status string     `json:"status"`
	Detail string     `json:"detail,omitempty"`
	Failed bool       `json:"failed,omitempty"` // not sent: see Detail
}

// BatchInput starts a customer letter workflow.
type BatchInput struct {
	Company  string        `json:"company"`
	Customer string        `json:"customer"`
	Date     calendar.Date `json:"date"`
	Window   time.Duration `json:"window"`
}
