package wire

import (
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/shopspring/decimal"
)

// Invoice is what an invoice workflow knows of its invoice (or of one of
// its instalments): a snapshot of the ledger's row taken when the dunning
// started, with its company's ladder and clock. Its JSON is the one the
// ledger's row had when histories were recorded.
type Invoice struct {
	ID         int64           `json:"id"`
	Company    string          `json:"company"`
	Number     string          `json:"number"`
	Customer   string          `json:"customer"`
	Currency   string          `json:"currency"`
	Amount     decimal.Decimal `json:"amount"`
	Balance    decimal.Decimal `json:"balance"`
	DueDate    calendar.Date   `json:"dueDate"`
	Ladder     ladder.Ladder   `json:"ladder"`
	TimeZone   string          `json:"timeZone"`
	SendHour   int             `json:"sendHour"`
	DaySeconds int             `json:"daySeconds,omitempty"`
	// Holidays is the company's working-day calendar (calendar.Holidays);
	// empty in workflows started before it existed.
	Holidays string `json:"holidays,omitempty"`
	// Instalment is the instalment's sequence number when this workflow
	// duns one instalment of the invoice (Balance and DueDate are then the
	// instalment's), 0 for the whole invoice.
	Instalment int `json:"instalment,omitempty"`
}

// Input starts (or continues) the dunning of one invoice. The scan starts
// the workflows with it (Loaded set), and so do tests and tools.
type Input struct {
	Company string `json:"company"`
	Invoice string `json:"invoice"`
	// Instalment, when not 0, makes the workflow dun that instalment of
	// the invoice (its own due date, balance and level).
	Instalment int `json:"instalment,omitempty"`
	// Carry is the state handed over by continue-as-new; nil on a first start.
	Carry *Carry `json:"carry,omitempty"`
	// Loaded is the invoice as the scan read it: a first start with it
	// reads nothing more. Without it (older starters, other callers) the
	// workflow loads the invoice through an activity.
	Loaded *Invoice `json:"loaded,omitempty"`
}

// Result is how an invoice's dunning ended.
type Result struct {
	Outcome dunning.Status  `json:"outcome"` // paid or closed
	Balance string          `json:"balance"`
	Letters int             `json:"letters"`
	History []dunning.Event `json:"history"`
}

// Carry is an invoice workflow's whole memory, passed across
// continue-as-new.
type Carry struct {
	Invoice   Invoice       `json:"invoice"`
	Start     time.Time     `json:"start"`
	Stage     int           `json:"stage"`    // index of the next level to send; len(ladder) means unresolved
	LastStep  time.Time     `json:"lastStep"` // when the last letter, skip or revert happened
	Sent      []int         `json:"sent"`     // letters sent per level index (the sequence of the next one)
	Letters   int           `json:"letters"`
	Paused    bool          `json:"paused"`
	PauseWhy  string        `json:"pauseWhy,omitempty"`
	PauseTill calendar.Date `json:"pauseTill,omitempty"`
	HoldWhy   string        `json:"holdWhy,omitempty"`
	HoldTill  time.Time     `json:"holdTill,omitempty"`
	Payments  []string      `json:"payments"` // external IDs already counted
	Seq       int           `json:"seq"`      // last event sequence number
	// History keeps the most recent events (the database has them all).
	History []dunning.Event `json:"history"`
	// NotBefore is the earliest next letter (customer statements: after a
	// letter that did not go out, the next working day's).
	NotBefore time.Time `json:"notBefore,omitempty"`
	// CadenceAt is the customer's next allowed letter when the cadence
	// deferred this invoice's letter (version 1 of "cadence"): the letter
	// waits for it, unless asked for now. Cleared when a letter goes.
	CadenceAt time.Time `json:"cadenceAt,omitempty"`
	// NoLetterWhy is why the last due letter did not go out (recorded once).
	NoLetterWhy string `json:"noLetterWhy,omitempty"`
	// LetterFailed holds the invoice after a letter that could not be
	// built or sent: it stays held until an operator resumes it (version
	// "statement"; before, the hold was looked at again every day).
	LetterFailed bool `json:"letterFailed,omitempty"`
	// Unsure is the letter whose send ended without SES's answer: the
	// invoice is held on it until it is settled (version 1 of
	// "uncertain-hold").
	Unsure *UnsureLetter `json:"unsure,omitempty"`
}

// UnsureLetter is an uncertain letter an invoice waits on.
type UnsureLetter struct {
	Stage    int `json:"stage"`    // the level's index
	Sequence int `json:"sequence"` // its sequence
}

// InvoiceRef names an invoice by company code and invoice number.
type InvoiceRef struct {
	Company string `json:"company"`
	Invoice string `json:"invoice"`
	// Instalment names one instalment of the invoice (0: the invoice).
	Instalment int `json:"instalment,omitempty"`
}

// ItemRef names what one workflow duns: an invoice (Instalment 0) or one
// of its instalments.
type ItemRef struct {
	InvoiceID  int64 `json:"invoiceId"`
	Instalment int   `json:"instalment,omitempty"`
}

// Check is the ledger's answer just before a letter: the balance, and
// whether anything ends or holds the dunning.
type Check struct {
	Balance decimal.Decimal `json:"balance"`
	Closed  bool            `json:"closed"`
	// HoldReason is non-empty when something forbids letters: the
	// customer's or the invoice's do-not-remind flag, or a blocking
	// status (litigation...) on either.
	HoldReason string `json:"holdReason,omitempty"`
}

// PaymentRequest records a payment against an invoice.
type PaymentRequest struct {
	InvoiceID  int64           `json:"invoiceId"`
	Payment    dunning.Payment `json:"payment"`
	Instalment int             `json:"instalment,omitempty"`
}

// PaymentResult is the ledger's answer to a payment.
type PaymentResult struct {
	Balance   decimal.Decimal `json:"balance"`
	Duplicate bool            `json:"duplicate"` // this external ID was already recorded
	Overpaid  decimal.Decimal `json:"overpaid"`  // part of the payment above the balance due
	// Instalments are the instalments of the invoice the payment went to
	// (earliest first; for a duplicate, those it may have gone to).
	Instalments []int `json:"instalments,omitempty"`
}

// EventsRequest mirrors workflow events into the history table.
type EventsRequest struct {
	InvoiceID  int64           `json:"invoiceId"`
	WorkflowID string          `json:"workflowId"`
	Events     []dunning.Event `json:"events"`
	// Snapshot is the workflow's position after these events.
	Snapshot dunning.Snapshot `json:"snapshot"`
	// Instalment is set when the workflow duns one instalment.
	Instalment int `json:"instalment,omitempty"`
}
