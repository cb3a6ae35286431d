package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// QueueLetter hands an invoice's letter to the workflow that groups its
// customer's letters of the day, starting that workflow if needed. The
// customer workflow answers the invoice workflow with a letter-result
// signal.
//
// A customer statement is started with a start delay
// until it goes out (wire.BatchInput.FirstAt): no timer, no workflow task until
// then. The letters of the customer's other invoices reach it as plain
// signals, which do not cut the delay short; a letter asked for now (an
// operator's "Exécuter") comes with signal-with-start, which does. Once the
// statement went out its workflow ends and cannot be started again under
// the same ID: a letter handed in later is answered wire.LetterDeferred here,
// and joins the next working day's statement. Demo clocks start a next
// round instead, a demo day after the last statement.
//
// The cadence comes first (docs/customer-side.md "Cadence"): a statement
// letter (req.Slot set) planned before the customer's next allowed letter
// (its last letter in the ledger + N days, at the send hour of a working
// day) is not handed over: the invoice workflow is answered
// wire.LetterDeferred with that slot (wire.ItemResult.NextSlot) and hands it over
// then, with the customer's other letters of the period. A letter asked
// for now (an operator's "Exécuter") goes at once.
func (a *Activities) QueueLetter(ctx context.Context, req wire.QueueRequest) error {
	id := dunning.CustomerLetterID(req.Company, req.Customer, req.Date)
	summary := fmt.Sprintf("Letters of %s on %s", req.Customer, req.Date.French())
	if req.Slot != "" {
		id = fmt.Sprintf("letters/%s/%s/%s", req.Company, req.Customer, req.Slot)
		summary = fmt.Sprintf("Statement of %s on %s", req.Customer, req.Date.French())
	}
	in := wire.BatchInput{
		Company: req.Company, Customer: req.Customer, Date: req.Date, Window: req.Window, SendAt: req.SendAt, Until: req.Until, Rounds: req.Rounds,
		Tell: true,
	}
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                dunning.LetterTaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            summary,
	}
	next, period, cad, err := a.cadenceCheck(ctx, req, time.Now())
	if err != nil {
		return fmt.Errorf("queue letter %s: %w", req.Item.Key(), err)
	}
	if !next.IsZero() {
		r := CadenceDeferred(req.Item, req.Customer, next, cad)
		if err := a.Temporal.SignalWorkflow(ctx, req.Item.WorkflowID, "", dunning.SignalLetterResult, r); err != nil {
			return fmt.Errorf("tell %s its letter waits for the customer's next letter: %w", req.Item.WorkflowID, err)
		}
		return nil
	}
	if req.Rounds {
		in.Cadence = period
	}
	if !req.Item.Now {
		err := a.Temporal.SignalWorkflow(ctx, id, "", dunning.SignalAddLetter, req.Item)
		var gone *serviceerror.NotFound
		if err == nil {
			return nil
		} else if !errors.As(err, &gone) {
			return fmt.Errorf("queue letter %s in %s: %w", req.Item.Key(), id, err)
		}
	}
	now := time.Now()
	in.FirstAt = req.SendAt.Add(req.Window)
	if req.Rounds {
		in.FirstAt = now.Add(req.Window)
	}
	opts.StartDelay = startDelay(in.FirstAt, now, req.Item.Now)
	opts.WorkflowIDReusePolicy = enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	err = a.signalWithStart(ctx, id, req.Item, opts, in)
	if !alreadyStarted(err) {
		return err
	}
	if !req.Rounds {
		// The day's statement went out: the letter joins the next one.
		r := wire.Deferred(req.Item, req.Date, req.Customer)
		if err := a.Temporal.SignalWorkflow(ctx, req.Item.WorkflowID, "", dunning.SignalLetterResult, r); err != nil {
			return fmt.Errorf("tell %s its letter waits for the next statement: %w", req.Item.WorkflowID, err)
		}
		return nil
	}
	// Demo clocks: a next round, a demo day (two windows) after the last,
	// or the customer's period when longer.
	desc, err := a.Temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return fmt.Errorf("queue letter %s: describe %s: %w", req.Item.Key(), id, err)
	}
	gap := max(2*req.Window, period)
	if closed := desc.GetWorkflowExecutionInfo().GetCloseTime(); closed != nil && closed.AsTime().Add(gap).After(in.FirstAt) {
		in.FirstAt = closed.AsTime().Add(gap)
	}
	opts.StartDelay = startDelay(in.FirstAt, now, req.Item.Now)
	opts.WorkflowIDReusePolicy = enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	return a.signalWithStart(ctx, id, req.Item, opts, in)
}

// startDelay is how long a statement started now waits for its first
// task at first: none for a letter asked for now.
func startDelay(first, now time.Time, asked bool) time.Duration {
	if asked || !first.After(now) {
		return 0
	}
	return first.Sub(now)
}

func (a *Activities) signalWithStart(ctx context.Context, id string, item wire.LetterItem, opts client.StartWorkflowOptions, in wire.BatchInput) error {
	_, err := a.Temporal.SignalWithStartWorkflow(ctx, id, dunning.SignalAddLetter, item, opts, dunning.CustomerLetterWorkflowType, in)
	if err != nil {
		return fmt.Errorf("queue letter %s in %s: %w", item.Key(), id, err)
	}
	return nil
}

// alreadyStarted reports whether err says the workflow ID was used by a
// closed run that the reuse policy forbids starting again.
func alreadyStarted(err error) bool {
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	return errors.As(err, &started)
}

// TellResults tells every invoice workflow what became of its letter (a
// letter-result signal each). The customer's statement runs it as a local
// activity, in the workflow task that saw the statement go out, instead of
// one external signal per invoice, each an extra command and event and a
// workflow task more. An invoice workflow that ended meanwhile cannot be
// told, which is fine; a second call (a retried task) signals again, and
// an invoice workflow takes only the result of the letter it waits for.
func (a *Activities) TellResults(ctx context.Context, results []wire.ItemResult) error {
	for _, r := range results {
		err := a.Temporal.SignalWorkflow(ctx, r.Item.WorkflowID, "", dunning.SignalLetterResult, r)
		var gone *serviceerror.NotFound
		if err != nil && !errors.As(err, &gone) {
			return fmt.Errorf("tell %s the result of its letter: %w", r.Item.WorkflowID, err)
		}
	}
	return nil
}

// itemsToSend splits the letters handed to a customer letter keyed by key
// into those to send and those answered at once: a letter an earlier
// customer letter already covered is reported with that letter's status,
// not resent; on a first attempt, a letter whose invoice or instalment was
// paid or held meanwhile is withdrawn (the ledger is read again). A retry
// keeps what the first attempt chose, so the letter rows, the PDF and the
// e-mail stay the same.
func (a *Activities) itemsToSend(ctx context.Context, key string, in []wire.LetterItem) (send []wire.LetterItem, answered []wire.ItemResult, err error) {
	all := make([]store.LetterKey, len(in))
	for i, it := range in {
		all[i] = itemKey(it)
	}
	covered, err := a.Store.CoveredElsewhere(ctx, key, all)
	if err != nil {
		return nil, nil, err
	}
	retry, err := a.Store.CustomerLetterExists(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	for i, it := range in {
		if st, ok := covered[all[i]]; ok {
			answered = append(answered, wire.ItemResult{Item: it, Status: st, Detail: fmt.Sprintf("%s letter already covered by an earlier letter (%s)", it.Level.Code, st)})
			continue
		}
		if !retry {
			chk, err := a.Store.CheckItem(ctx, it.InvoiceID, it.Instalment)
			if err != nil {
				return nil, nil, nonRetryableIfNotFound(err)
			}
			if why := withdrawReason(chk); why != "" {
				answered = append(answered, wire.ItemResult{Item: it, Status: wire.LetterWithdrawn, Detail: fmt.Sprintf("%s letter withdrawn before sending: %s", it.Level.Code, why)})
				continue
			}
		}
		send = append(send, it)
	}
	return send, answered, nil
}

// withdrawReason says why an invoice must leave a letter about to go out.
func withdrawReason(c store.Check) string {
	switch {
	case c.Closed:
		return "invoice closed"
	case c.Balance.Sign() <= 0:
		return "balance is zero"
	case c.HoldReason != "":
		return c.HoldReason
	}
	return ""
}

// customerLetterProtocol is how deliver claims and marks the customer
// letter id (a customer letter or a statement: one row of customer_letters).
func (a *Activities) customerLetterProtocol(id int64) sendProtocol {
	return sendProtocol{
		claim: func(ctx context.Context) (bool, error) { return a.Store.ClaimCustomerLetter(ctx, id) },
		mark: func(ctx context.Context, status, messageID, errText string, at time.Time) error {
			return a.Store.MarkCustomerLetter(ctx, id, status, messageID, errText, at)
		},
	}
}
