package workflows

import (
	"github.com/relance/relance/domain/dunning"
	"go.temporal.io/sdk/workflow"
)

// Change is one workflow.GetVersion branch point: sleeping workflows
// replay the branch they took, so both sides stay in the code until no
// open workflow can take the old one. Each first GetVersion of a run that
// is not a replay records a marker and adds "<ID>-<version>" to the run's
// TemporalChangeVersion search attribute; a run that took DefaultVersion
// records nothing. `starter versions` counts the open runs per version,
// docs/versioning.md says how a version is retired.
type Change struct {
	// Workflow is the registered type of the workflows that ask.
	Workflow string
	// ID is the change id, as recorded in the histories: never rename it.
	ID string
	// Min and Max are the versions the code still supports: Min is raised
	// when the older branch is retired.
	Min, Max workflow.Version
	// AtStart is true when every run asks at its start: then a run without
	// a marker started before the change. Otherwise a run asks when it
	// first reaches the branch (a payment, a deferred letter...), and one
	// without a marker may simply not have reached it yet.
	AtStart bool
	// Doc says what the versions change.
	Doc string
}

// version asks the workflow which side of change c it takes.
func version(ctx workflow.Context, c Change) workflow.Version {
	return workflow.GetVersion(ctx, c.ID, c.Min, c.Max)
}

// The changes of the workflows, in the order they came.
var (
	changeStatement = Change{Workflow: dunning.InvoiceWorkflowType, ID: "statement", Min: 2, Max: 2, AtStart: true,
		Doc: "2: customer statements on working days, short activities run as local activities (1 and the pre-statement path retired)"}
	changeExecuteNow = Change{Workflow: dunning.InvoiceWorkflowType, ID: "execute-now", Min: workflow.DefaultVersion, Max: 2,
		Doc: "2: a letter asked for now goes with today's statement at once (1: at the next send hour)"}
	changeUncertainHold = Change{Workflow: dunning.InvoiceWorkflowType, ID: "uncertain-hold", Min: workflow.DefaultVersion, Max: 1,
		Doc: "1: an uncertain letter holds the invoice until it is settled (before: counted sent)"}
	changePaymentChecks = Change{Workflow: dunning.InvoiceWorkflowType, ID: "payment-checks", Min: workflow.DefaultVersion, Max: 1,
		Doc: "1: payments get dunning.Payment.Validate (before: the basic check)"}
	changeCadenceInvoice = Change{Workflow: dunning.InvoiceWorkflowType, ID: "cadence", Min: workflow.DefaultVersion, Max: 1,
		Doc: "1: a letter the customer's cadence deferred waits for the customer's next letter"}
	changeFrozenItems = Change{Workflow: dunning.CustomerLetterWorkflowType, ID: "frozen-items", Min: workflow.DefaultVersion, Max: 1,
		Doc: "1: a statement's key ends with the digest of its items (issue 15)"}
	changeCadenceRounds = Change{Workflow: dunning.CustomerLetterWorkflowType, ID: "cadence", Min: workflow.DefaultVersion, Max: 1,
		Doc: "1: demo rounds are spaced by the customer's cadence"}
	changeCourtesy = Change{Workflow: DailyScanWorkflowType, ID: courtesyChange, Min: workflow.DefaultVersion, Max: 1, AtStart: false,
		Doc: "1: the daily scan runs the courtesy mails after starting the dunnings"}
)

// Changes lists every change the workflows still support.
var Changes = []Change{
	changeStatement, changeExecuteNow, changeUncertainHold, changePaymentChecks, changeCadenceInvoice,
	changeFrozenItems, changeCadenceRounds, changeCourtesy,
}
