package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/relance/relance/platform/workers"
	"go.temporal.io/sdk/activity"
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
	// FloorActivityName is the registered name of the floor's activity.
	FloorActivityName = "FloorActivity"
	// FloorPingEnv names the URL the floor's activity posts its workflow
	// ID to (the bench counts them, as it counts relance's letters at the
	// SES endpoint).
	FloorPingEnv = "RELANCE_BENCH_FLOOR_PING"
)

// Floor is the least a durable per-invoice workflow does, shaped like
// relance's send round: every floor workflow sleeps until the same instant
// wakeAt (one timer to an absolute time), then runs one activity that does
// nothing but say it ran.
func Floor(ctx workflow.Context, wakeAt time.Time) error {
	if d := wakeAt.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return err
		}
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	return workflow.ExecuteActivity(ctx, FloorActivityName).Get(ctx, nil)
}

// floorActivity posts the workflow's ID to url when url is set.
type floorActivity struct{ url string }

// Run is the floor's activity.
func (f floorActivity) Run(ctx context.Context) error {
	if f.url == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, strings.NewReader(activity.GetInfo(ctx).WorkflowExecution.ID))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// RunFloorWorker runs the floor's worker, sized like relance's invoice
// worker on this machine, until ctx ends.
func RunFloorWorker(ctx context.Context, c client.Client) error {
	size := workers.FromMachine()
	worker.SetStickyWorkflowCacheSize(size.StickyCache)
	q := size.Invoices
	q.Name = FloorTaskQueue
	w := worker.New(c, FloorTaskQueue, q.Options())
	w.RegisterWorkflowWithOptions(Floor, workflow.RegisterOptions{Name: FloorWorkflowType})
	w.RegisterActivityWithOptions(floorActivity{url: os.Getenv(FloorPingEnv)}.Run, activity.RegisterOptions{Name: FloorActivityName})
	if err := w.Start(); err != nil {
		return fmt.Errorf("floor worker: %w", err)
	}
	<-ctx.Done()
	w.Stop()
	return nil
}
