package dunning

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// Names that workers, starters and payment systems must agree on. They are
// documented in the README ("Messages").
const (
	// TaskQueue is the task queue the worker polls.
	TaskQueue = "relance"
	// LetterTaskQueue is the task queue of the customer letter workflows
	// (CustomerLetter) and of their sending activity: a queue of their own,
	// so a scan's backlog of new invoice workflows never delays the letters
	// of invoices already due (README "Scale").
	LetterTaskQueue = "relance-letters"
	// InvoiceWorkflowType is the registered name of InvoiceDunning.
	InvoiceWorkflowType = "InvoiceDunning"

	// SignalPayment carries a Payment: money arrived for the invoice.
	SignalPayment = "payment"

	// SignalRecheck asks the workflow to re-read the invoice's balance and
	// statuses now (a Recheck): sent to every open workflow of a customer
	// whose do-not-remind flag or inherited status changed.
	SignalRecheck = "recheck"

	// UpdateSkip moves to the next level without a letter (SkipRequest).
	UpdateSkip = "skip"
	// UpdateRevert goes back to the previous level (RevertRequest).
	UpdateRevert = "revert"
	// UpdatePause stops letters until resumed or until a date (PauseRequest).
	UpdatePause = "pause"
	// UpdateResume ends a pause (ResumeRequest).
	UpdateResume = "resume"
	// UpdateComment adds a comment to the history (CommentRequest).
	UpdateComment = "comment"

	// QueryState returns the State of the invoice's dunning.
	QueryState = "state"

	// CustomerLetterWorkflowType collects the letters of one customer on
	// one day into one e-mail and one PDF.
	CustomerLetterWorkflowType = "CustomerLetter"
	// SignalAddLetter adds an invoice's letter to a customer letter
	// (internal: sent by the invoice workflow through an activity).
	SignalAddLetter = "add-letter"
	// SignalLetterResult tells an invoice workflow what became of its
	// letter (internal: sent by the customer letter workflow).
	SignalLetterResult = "letter-result"
)

// Search attributes that make the Temporal UI the operations dashboard. The
// dev server registers them (Makefile), `starter setup` on a cluster.
var (
	// AttrCompany is the creditor company's code.
	AttrCompany = temporal.NewSearchAttributeKeyKeyword("DunningCompany")
	// AttrCustomer is the customer's code.
	AttrCustomer = temporal.NewSearchAttributeKeyKeyword("DunningCustomer")
	// AttrInvoice is the invoice number.
	AttrInvoice = temporal.NewSearchAttributeKeyKeyword("DunningInvoice")
	// AttrLevel is the level of the last step taken (letter sent or level
	// skipped): NONE, R1, R2, R3, MED.
	AttrLevel = temporal.NewSearchAttributeKeyKeyword("DunningLevel")
	// AttrNextLevel is the level the next letter will be, or UNRESOLVED.
	AttrNextLevel = temporal.NewSearchAttributeKeyKeyword("DunningNextLevel")
	// AttrStatus is active, paused, held, unresolved, paid or closed.
	AttrStatus = temporal.NewSearchAttributeKeyKeyword("DunningStatus")
	// AttrAmountDue is the balance still due (for filtering; the exact
	// decimal is in the query and the database).
	AttrAmountDue = temporal.NewSearchAttributeKeyFloat64("DunningAmountDue")
	// AttrDueDate is the invoice's due date (midnight UTC).
	AttrDueDate = temporal.NewSearchAttributeKeyTime("DunningDueDate")
	// AttrNextAction is when the workflow will next act by itself.
	AttrNextAction = temporal.NewSearchAttributeKeyTime("DunningNextActionAt")
)

// SearchAttributeTypes lists every custom search attribute with its Temporal
// type, for registering them (`temporal server start-dev --search-attribute`
// and `starter setup`).
var SearchAttributeTypes = []struct{ Name, Type string }{
	{AttrCompany.GetName(), "Keyword"},
	{AttrCustomer.GetName(), "Keyword"},
	{AttrInvoice.GetName(), "Keyword"},
	{AttrLevel.GetName(), "Keyword"},
	{AttrNextLevel.GetName(), "Keyword"},
	{AttrStatus.GetName(), "Keyword"},
	{AttrAmountDue.GetName(), "Double"},
	{AttrDueDate.GetName(), "Datetime"},
	{AttrNextAction.GetName(), "Datetime"},
}

// InstalmentWorkflowID returns the ID of the workflow that duns instalment
// seq of an invoice: its invoice's ID followed by "#seq".
func InstalmentWorkflowID(company, invoice string, seq int) string {
	return fmt.Sprintf("%s#%d", WorkflowID(company, invoice), seq)
}

// CustomerLetterID returns the ID of the workflow that groups the letters
// of one customer on one day.
func CustomerLetterID(company, customer string, day fmt.Stringer) string {
	return fmt.Sprintf("letters/%s/%s/%s", company, customer, day)
}

// WorkflowID returns the ID of an invoice's workflow. It is derived from the
// company and the invoice number so that starting the same invoice twice is
// a no-op.
func WorkflowID(company, invoice string) string {
	return fmt.Sprintf("dunning/%s/%s", company, invoice)
}
