package workflows

import (
	"fmt"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/dunning"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// CustomerLetter groups the letters of one customer on one day: invoice
// workflows add their letter (signal-with-start through QueueLetter); after
// a short collection window it sends one e-mail and one PDF listing them
// all, each with its level, then tells every invoice workflow what became
// of its letter. Letters added after a sending go out in a next round.
func CustomerLetter(ctx workflow.Context, in activities.BatchInput) error {
	adds := workflow.GetSignalChannel(ctx, dunning.SignalAddLetter)
	info := workflow.GetInfo(ctx)
	var seen []string
	for round := 1; adds.Len() > 0; round++ {
		timer := workflow.NewTimerWithOptions(ctx, in.Window, workflow.TimerOptions{
			Summary: fmt.Sprintf("collect the letters of %s (%s)", in.Customer, in.Window),
		})
		var items []activities.LetterItem
		for {
			_ = workflow.Await(ctx, func() bool { return adds.Len() > 0 || timer.IsReady() })
			items = drainItems(adds, items, &seen)
			if timer.IsReady() {
				break
			}
		}
		if len(items) == 0 {
			continue
		}
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: 2 * time.Minute,
			Summary:             fmt.Sprintf("send one letter for %d invoice(s) of %s", len(items), in.Customer),
			RetryPolicy: &temporal.RetryPolicy{
				InitialInterval: 10 * time.Second, BackoffCoefficient: 2, MaximumInterval: time.Hour, MaximumAttempts: 20,
				NonRetryableErrorTypes: []string{activities.ErrTypeBadLetter},
			},
		})
		var results []activities.ItemResult
		err := workflow.ExecuteActivity(actx, a.SendCustomerLetter, activities.CustomerLetterRequest{
			Key:     fmt.Sprintf("%s/%s/%d", info.WorkflowExecution.ID, info.WorkflowExecution.RunID, round),
			Company: in.Company, Customer: in.Customer, Date: in.Date, Items: items,
		}).Get(ctx, &results)
		if err != nil {
			results = results[:0]
			for _, it := range items {
				results = append(results, activities.ItemResult{Item: it, Failed: true, Detail: err.Error()})
			}
		}
		for _, r := range results {
			// An invoice workflow that ended meanwhile cannot be told: fine.
			_ = workflow.SignalExternalWorkflow(ctx, r.Item.WorkflowID, "", dunning.SignalLetterResult, r).Get(ctx, nil)
		}
	}
	return nil
}

// drainItems appends the waiting letters not seen before (an activity
// retry may add the same letter twice).
func drainItems(ch workflow.ReceiveChannel, items []activities.LetterItem, seen *[]string) []activities.LetterItem {
	for {
		var it activities.LetterItem
		if !ch.ReceiveAsync(&it) {
			return items
		}
		dup := false
		for _, k := range *seen {
			if k == it.Key() {
				dup = true
				break
			}
		}
		if !dup {
			*seen = append(*seen, it.Key())
			items = append(items, it)
		}
	}
}
