package workflows

import (
	"github.com/relance/relance/domain/dunning"
	"go.temporal.io/sdk/workflow"
)

// workflowOptions registers InvoiceDunning under its stable name.
func workflowOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: dunning.InvoiceWorkflowType}
}

// Register adds the workflows of this package to a worker.
func Register(r interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}) {
	r.RegisterWorkflowWithOptions(InvoiceDunning, workflowOptions())
	r.RegisterWorkflowWithOptions(DailyScan, workflow.RegisterOptions{Name: DailyScanWorkflowType})
	r.RegisterWorkflowWithOptions(Courtesy, workflow.RegisterOptions{Name: CourtesyWorkflowType})
	r.RegisterWorkflowWithOptions(CustomerLetter, workflow.RegisterOptions{Name: dunning.CustomerLetterWorkflowType})
}
