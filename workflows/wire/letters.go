package wire

import (
	"fmt"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
)

// Letter outcomes (LetterResult, ItemResult and LetterOutcome statuses).
// The first four are also letter statuses of the ledger, same strings.
const (
	LetterSent      = "sent"         // e-mailed (and queued for print if the channel is both)
	LetterPrint     = "queued_print" // no e-mail: waits in the print batch
	LetterUncertain = "uncertain"    // a crash mid-send: never resent, see README
	// LetterFailed: SES answered no, or never saw the letter: safe to send
	// again (LetterOutcome).
	LetterFailed = "failed"
	// LetterPending: written, not yet sent (LetterOutcome).
	LetterPending   = "pending"
	LetterWithdrawn = "withdrawn" // left out at the last moment (paid or held meanwhile): nothing sent
	// LetterDeferred: the customer's letter of the day had already gone
	// out; the item waits for the next working day's letter.
	LetterDeferred = "deferred"
	// LetterNothingOwed: once credit notes and unapplied payments are
	// counted the customer owes nothing: no letter went out.
	LetterNothingOwed = "nothing_owed"
)

// LetterRequest names one invoice's letter: level Level, the Sequence-th
// time this level is sent for the invoice (a revert sends a level again).
// The activities compose a statement's lines from it; recorded histories
// of the retired per-invoice letters carry it.
type LetterRequest struct {
	InvoiceID int64         `json:"invoiceId"`
	Invoice   string        `json:"invoice"`
	Level     ladder.Level  `json:"level"`
	Sequence  int           `json:"sequence"`
	Date      calendar.Date `json:"date"`
}

// LetterResult says what became of a letter (a statement's item result
// is made from it).
type LetterResult struct {
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
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
	Instalment int          `json:"instalment,omitempty"`
	// Now asks the statement to go at once with every item it holds (an
	// operator's "Exécuter"); a statement that already went out that day
	// answers LetterDeferred.
	Now bool `json:"now,omitempty"`
}

// Key identifies the letter (invoice, instalment, level, sequence).
func (i LetterItem) Key() string {
	if i.Instalment > 0 {
		return fmt.Sprintf("%d#%d/%s/%d", i.InvoiceID, i.Instalment, i.Level.Code, i.Sequence)
	}
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
	// Slot, SendAt and Until are set by workflows that send customer
	// statements: the letter workflow is letters/<company>/<customer>/<Slot>,
	// sends at SendAt (the company's send hour on a working day) and stays
	// until Until (the end of that day) so that no second letter goes out
	// that day.
	Slot   string    `json:"slot,omitempty"`
	SendAt time.Time `json:"sendAt,omitempty"`
	Until  time.Time `json:"until,omitempty"`
	// Rounds is set for demo clocks (see BatchInput.Rounds).
	Rounds bool `json:"rounds,omitempty"`
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
	// SentAt is when the letter went out (or was queued for print): the
	// next level's delay counts from it when it left late.
	SentAt time.Time `json:"sentAt,omitempty"`
	// NextSlot, on a LetterDeferred result the cadence gave, is the
	// customer's next letter: the invoice waits for it (docs/customer-side.md
	// "Cadence"). Zero on other deferrals (the next working day's).
	NextSlot time.Time `json:"nextSlot,omitempty"`
}

// BatchInput starts a customer's statement (the CustomerLetter workflow).
type BatchInput struct {
	Company  string        `json:"company"`
	Customer string        `json:"customer"`
	Date     calendar.Date `json:"date"`
	// Window is the grace after SendAt during which letters are still
	// collected (for demo rounds: a round's collection).
	Window time.Duration `json:"window"`
	// SendAt is when the statement goes out (the company's send hour on a
	// working day), plus Window.
	SendAt time.Time `json:"sendAt,omitempty"`
	// Until is the end of the statement's day. Recorded; the workflow no
	// longer reads it (QueueLetter defers later letters).
	Until time.Time `json:"until,omitempty"`
	// Rounds, for demo clocks whose days last seconds: one statement per
	// round, each collecting for Window from the first letter handed in.
	Rounds bool `json:"rounds,omitempty"`
	// Tell is always set: the results go to the invoice workflows in one
	// local activity (TellResults). Recorded; the workflow no longer reads
	// it (statements without it are retired, docs/versioning.md).
	Tell bool `json:"tell,omitempty"`
	// FirstAt is when the workflow's first task was asked for: QueueLetter
	// starts it with a start delay until then (the send time, or the end
	// of a demo round's collection), and the workflow ends once its
	// statement went out: a later hand-over finds it closed (README
	// "Scale").
	FirstAt time.Time `json:"firstAt,omitempty"`
	// Cadence, for demo rounds, is the customer's period (N demo days):
	// a letter handed in after a round's statement went out waits that
	// long after it, never a second letter inside the period. Zero (older
	// inputs): a demo day.
	Cadence time.Duration `json:"cadence,omitempty"`
}

// Deferred is the answer to a letter handed in after its customer's
// statement of date went out: it joins the next statement. The statement
// workflow gives it while it runs, QueueLetter once it has ended.
func Deferred(it LetterItem, date calendar.Date, customer string) ItemResult {
	return ItemResult{Item: it, Status: LetterDeferred,
		Detail: fmt.Sprintf("%s letter not sent today: the statement of %s for %s had already gone out; it joins the next one",
			it.Level.Code, date, customer)}
}

// LetterRef names one invoice letter: the Sequence-th of level Level for
// an invoice (or one of its instalments).
type LetterRef struct {
	InvoiceID  int64  `json:"invoiceId"`
	Instalment int    `json:"instalment,omitempty"`
	Level      string `json:"level"`
	Sequence   int    `json:"sequence"`
}

// LetterOutcome is what the ledger says of a letter after SES was asked.
type LetterOutcome struct {
	Status string    `json:"status"` // sent, queued_print, failed (goes again), uncertain (to verify)
	SentAt time.Time `json:"sentAt,omitempty"`
	Detail string    `json:"detail,omitempty"`
}
