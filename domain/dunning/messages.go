// Package dunning holds the data exchanged with an invoice's dunning
// workflow: the payloads of its messages (payment, skip, revert, pause,
// resume, comment), the events of its history and the state its query
// returns. It has no behaviour of its own, so that workflows, activities,
// the starter and the HTTP API can share it.
package dunning

import (
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// Payment is the payload of the payment signal: money received for the
// invoice. ExternalID is the payment system's idempotency key: the same ID
// twice counts once.
type Payment struct {
	ExternalID string          `json:"externalId"`
	Amount     decimal.Decimal `json:"amount"`
	Currency   string          `json:"currency,omitempty"` // empty means the invoice's currency
	PaidOn     calendar.Date   `json:"paidOn"`
	Method     string          `json:"method,omitempty"`
	Source     string          `json:"source,omitempty"`
}

// Recheck is the payload of the recheck signal.
type Recheck struct {
	Reason string `json:"reason,omitempty"`
	Actor  string `json:"actor,omitempty"`
}

// SkipRequest asks to move to the next level without sending a letter
// (seed 000 "Ignorer").
type SkipRequest struct {
	Actor  string `json:"actor"`
	Reason string `json:"reason,omitempty"`
}

// RevertRequest asks to go back to the previous level (seed 000 "Revenir à
// la précédente"): that level's letter will be sent again when due.
type RevertRequest struct {
	Actor  string `json:"actor"`
	Reason string `json:"reason,omitempty"`
}

// PauseRequest stops letters: a dispute, a promise to pay. With Until set,
// the dunning resumes by itself on that date.
type PauseRequest struct {
	Actor  string        `json:"actor"`
	Reason string        `json:"reason"`
	Until  calendar.Date `json:"until,omitempty"`
}

// ResumeRequest ends a pause.
type ResumeRequest struct {
	Actor string `json:"actor"`
}

// UpdateExecute sends the next letter now instead of at its date (seed
// 000 "Exécuter"): the invoice then moves up one level (ExecuteRequest).
// The other message names are in names.go.
const UpdateExecute = "execute"

// EventAsked records that an operator asked for the next letter now
// (UpdateExecute).
const EventAsked EventKind = "letter_asked"

// ExecuteRequest asks to send the next letter now.
type ExecuteRequest struct {
	Actor string `json:"actor"`
}

// CommentRequest adds free text to the invoice's history.
type CommentRequest struct {
	Actor string `json:"actor"`
	Text  string `json:"text"`
}

// Status is where an invoice's dunning stands.
type Status string

// Statuses, as shown in the DunningStatus search attribute.
const (
	StatusActive     Status = "active"     // letters go out when due
	StatusPaused     Status = "paused"     // an operator paused it
	StatusHeld       Status = "held"       // a status forbids letters (do-not-remind, litigation)
	StatusUnresolved Status = "unresolved" // past the last level, waiting for payment ("Non soldé")
	StatusPaid       Status = "paid"       // balance reached zero: workflow ended
	StatusClosed     Status = "closed"     // closed outside relance: workflow ended
)

// EventKind names a step in the history.
type EventKind string

// Event kinds, as stored in the history table.
const (
	EventStarted      EventKind = "started"
	EventLetterSent   EventKind = "letter_sent"
	EventLetterPrint  EventKind = "letter_queued_print"
	EventLetterUnsure EventKind = "letter_uncertain"
	EventLetterFailed EventKind = "letter_failed"
	EventSkipped      EventKind = "skipped"
	EventReverted     EventKind = "reverted"
	EventPaused       EventKind = "paused"
	EventResumed      EventKind = "resumed"
	EventHeld         EventKind = "held"
	EventCommented    EventKind = "commented"
	EventPayment      EventKind = "payment"
	EventPaymentBad   EventKind = "payment_rejected"
	EventUnresolved   EventKind = "unresolved"
	EventPaid         EventKind = "paid"
	EventClosed       EventKind = "closed"
	// EventNoLetter: a letter was due and none went out, and why (nothing
	// owed once credit notes are counted; the day's statement had already
	// gone out, the item joins the next one).
	EventNoLetter EventKind = "no_letter"
)

// Event is one step of an invoice's story. Seq numbers events within the
// workflow so the database mirror can be written idempotently.
type Event struct {
	Seq    int       `json:"seq"`
	At     time.Time `json:"at"`
	Kind   EventKind `json:"kind"`
	Level  string    `json:"level,omitempty"`
	Detail string    `json:"detail,omitempty"`
	Actor  string    `json:"actor,omitempty"`
}

// Snapshot is where an invoice's dunning stands, as mirrored in the
// invoices table for lists and reports.
type Snapshot struct {
	Status       Status    `json:"status"`
	Level        string    `json:"level"`
	NextLevel    string    `json:"nextLevel"`
	NextActionAt time.Time `json:"nextActionAt,omitzero"`
}

// State is what the state query returns.
type State struct {
	Company      string          `json:"company"`
	Invoice      string          `json:"invoice"`
	Customer     string          `json:"customer"`
	Currency     string          `json:"currency"`
	Amount       decimal.Decimal `json:"amount"`
	Balance      decimal.Decimal `json:"balance"`
	DueDate      calendar.Date   `json:"dueDate"`
	Status       Status          `json:"status"`
	Level        string          `json:"level"`     // last step taken: NONE, R1...
	NextLevel    string          `json:"nextLevel"` // next letter, or UNRESOLVED
	NextActionAt time.Time       `json:"nextActionAt,omitzero"`
	PauseReason  string          `json:"pauseReason,omitempty"`
	PausedUntil  calendar.Date   `json:"pausedUntil,omitempty"`
	HoldReason   string          `json:"holdReason,omitempty"`
	History      []Event         `json:"history"`
}
