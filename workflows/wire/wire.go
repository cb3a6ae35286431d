// Package wire holds the contracts of the workflows: every value they
// exchange with the activities, the starters and the other workflows
// (inputs, carried state, the invoice snapshot, payments, letters,
// results), and the registered names of the activities they call.
//
// These types are encoded into Temporal event histories, which sleeping
// workflows replay months later: a JSON name or an encoding changed here
// changes what recorded histories decode to. Change them only by adding
// optional fields (the replay suite in workflows/testdata checks it).
// The package imports no database package: the activities convert the
// ledger's rows to and from these types (activities/wire.go).
package wire

import "time"

// Registered names of the activities the workflows call (the method names
// of activities.Activities). They are recorded in the histories, as
// activity types and in local activity markers: never rename one. The
// activities package checks that each names one of its methods.
const (
	// ActivityLoadInvoice reads an invoice (InvoiceRef) and returns its
	// Invoice snapshot.
	ActivityLoadInvoice = "LoadInvoice"
	// ActivityCheckInvoice re-reads an invoice (its id) and returns a Check.
	ActivityCheckInvoice = "CheckInvoice"
	// ActivityCheckItem re-reads an invoice or instalment (ItemRef) and
	// returns a Check.
	ActivityCheckItem = "CheckItem"
	// ActivityRecordPayment records a payment (PaymentRequest) and returns
	// a PaymentResult.
	ActivityRecordPayment = "RecordPayment"
	// ActivityRecordEvents mirrors workflow events to the ledger
	// (EventsRequest).
	ActivityRecordEvents = "RecordEvents"
	// ActivityQueueLetter hands an invoice's letter to its customer's
	// statement workflow (QueueRequest).
	ActivityQueueLetter = "QueueLetter"
	// ActivityResolveLetter asks what became of an uncertain letter
	// (LetterRef) and returns a LetterOutcome.
	ActivityResolveLetter = "ResolveLetter"
	// ActivitySendStatement sends a customer's statement
	// (CustomerLetterRequest) and returns []ItemResult.
	ActivitySendStatement = "SendStatement"
	// ActivityTellResults signals the invoice workflows the results of
	// their letters ([]ItemResult).
	ActivityTellResults = "TellResults"
	// ActivityScanCompany starts the dunnings of a company's overdue
	// invoices (ScanRequest) and returns a ScanReport.
	ActivityScanCompany = "ScanCompany"
	// ActivityPlanCourtesy plans a company's courtesy mails of the day
	// (CourtesyPlanRequest) and returns a CourtesyPlan.
	ActivityPlanCourtesy = "PlanCourtesy"
	// ActivitySendCourtesy sends one courtesy mail (CourtesyRequest) and
	// returns a CourtesyResult.
	ActivitySendCourtesy = "SendCourtesy"
)

// ActivityNames lists every registered activity name above.
var ActivityNames = []string{
	ActivityLoadInvoice, ActivityCheckInvoice, ActivityCheckItem, ActivityRecordPayment, ActivityRecordEvents,
	ActivityQueueLetter, ActivityResolveLetter, ActivitySendStatement,
	ActivityTellResults, ActivityScanCompany, ActivityPlanCourtesy, ActivitySendCourtesy,
}

// Error types the activities give their non-retryable errors, which the
// workflows recognise.
const (
	// ErrTypeBadLetter is the error type of letters that cannot be built
	// or are refused for good (broken template, invalid address): retrying
	// will not help, the workflow records the failure and holds the
	// invoice.
	ErrTypeBadLetter = "BadLetter"
	// ErrTypePaymentRefused is the type of the error of a payment the
	// ledger can never record (a rule broken, a key reused with other
	// content, data PostgreSQL refuses): the workflow records it as
	// payment_rejected and goes on.
	ErrTypePaymentRefused = "PaymentRefused"
)

// SendHeartbeatTimeout is the HeartbeatTimeout of the sending activities:
// when the worker running one dies, Temporal retries it after this long
// (and the retry decides what the letter became), instead of after the
// whole start-to-close timeout.
const SendHeartbeatTimeout = 20 * time.Second
