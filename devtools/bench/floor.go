package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/relance/relance/platform/workers"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Names of the floor workflow.
const (
	// FloorTaskQueue is the floor's own task queue.
	FloorTaskQueue = "bench-floor"
	// FloorWorkflowType is the registered name of Floor.
	FloorWorkflowType = "BenchFloor"
)

// Floor is the least a durable per-invoice workflow does: wait on one
// timer as long as an invoice waits for its first letter (its R1 date and
// the customer letter's collection window), then run one activity that does
// nothing.
func Floor(ctx workflow.Context, wait time.Duration) error {
	if err := workflow.Sleep(ctx, wait); err != nil {
		return err
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	return workflow.ExecuteActivity(ctx, FloorActivity).Get(ctx, nil)
}

// FloorActivity does nothing.
func FloorActivity(context.Context) error { return nil }

// RunFloorWorker runs the floor's worker, sized like relance's invoice
// worker on this machine, until ctx ends.
func RunFloorWorker(ctx context.Context, c client.Client) error {
	size := workers.FromMachine()
	worker.SetStickyWorkflowCacheSize(size.StickyCache)
	q := size.Invoices
	q.Name = FloorTaskQueue
	w := worker.New(c, FloorTaskQueue, q.Options())
	w.RegisterWorkflowWithOptions(Floor, workflow.RegisterOptions{Name: FloorWorkflowType})
	w.RegisterActivity(FloorActivity)
	if err := w.Start(); err != nil {
		return fmt.Errorf("floor worker: %w", err)
	}
	<-ctx.Done()
	w.Stop()
	return nil
}
