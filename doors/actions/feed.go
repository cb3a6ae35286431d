package actions

import (
	"context"
	"errors"
	"fmt"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/feed"
	"github.com/relance/relance/ledger/store"
	"go.temporal.io/api/serviceerror"
)

// Feed applies a batch of the accounting feed to company and tells the
// running workflows of the invoices whose balance or closed flag changed,
// so that a settled or cancelled invoice's dunning ends at once (the
// recheck signal: the workflow reads the ledger again). A workflow that
// could not be told sees the change at its next check.
func (o *Ops) Feed(ctx context.Context, company string, b feed.Batch) (feed.Report, error) {
	c, err := o.Store.CompanyByCode(ctx, company)
	if err != nil {
		return feed.Report{}, err
	}
	rep := feed.Apply(ctx, o.Store, c.ID, b)
	_, err = o.tell(ctx, company, rep.Touched, "the accounting feed changed the invoice")
	return rep, err
}

// Snapshot compares a full snapshot of the accounting system with
// company's open items and, unless it is a dry run, closes the ones it
// does not list and tells their running workflows (they end, outcome
// closed).
func (o *Ops) Snapshot(ctx context.Context, company string, s feed.Snapshot) (feed.SnapshotReport, error) {
	c, err := o.Store.CompanyByCode(ctx, company)
	if err != nil {
		return feed.SnapshotReport{}, err
	}
	rep, err := s.Apply(ctx, o.Store, c.ID)
	if err != nil {
		return rep, err
	}
	rep.Told, err = o.tell(ctx, company, rep.Closed, "closed: "+feed.ClosedReason)
	return rep, err
}

// tell sends the recheck signal to the workflows of the invoices listed:
// the invoice's own and each of its instalments'. It returns how many
// were told; workflows that do not run are not an error.
func (o *Ops) tell(ctx context.Context, company string, items []store.OpenItem, reason string) (int, error) {
	told := 0
	var errs []error
	for _, it := range items {
		if it.Kind == store.ItemOnAccount {
			continue
		}
		ids := []string{dunning.WorkflowID(company, it.Number)}
		for _, seq := range it.Instalments {
			ids = append(ids, dunning.InstalmentWorkflowID(company, it.Number, seq))
		}
		for _, id := range ids {
			err := o.Temporal.SignalWorkflow(ctx, id, "", dunning.SignalRecheck, dunning.Recheck{Reason: reason, Actor: "feed"})
			var nf *serviceerror.NotFound
			switch {
			case err == nil:
				told++
			case errors.As(err, &nf):
			default:
				errs = append(errs, fmt.Errorf("tell %s: %w", id, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return told, fmt.Errorf("the ledger is %w (they will see it at their next check): %w", ErrNotTold, err)
	}
	return told, nil
}

// FacturX imports a Factur-X PDF into company (feed.FacturX) and tells
// the invoice's running workflows when its balance changed.
func (o *Ops) FacturX(ctx context.Context, company string, pdf []byte, customer string) (feed.FacturXResult, error) {
	c, err := o.Store.CompanyByCode(ctx, company)
	if err != nil {
		return feed.FacturXResult{}, err
	}
	res, err := feed.FacturX(ctx, o.Store, c.ID, pdf, customer)
	if err != nil {
		return res, err
	}
	_, err = o.tell(ctx, company, res.Touched, "a Factur-X invoice changed the invoice")
	return res, err
}
