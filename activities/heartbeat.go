package activities

import (
	"context"
	"log/slog"
	"time"

	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// Timeouts of a graceful deploy and of a crash while a letter is sent.
const (
	// heartbeatEvery is how often a sending activity heartbeats.
	heartbeatEvery = 4 * time.Second
	// WorkerStopTimeout is how long a stopping worker (SIGTERM, deploy)
	// lets activities in flight finish before cancelling them: above the
	// SES call timeout (60 s) plus the writes of the outcome, so a letter
	// being sent is finished and recorded, never left uncertain.
	WorkerStopTimeout = 90 * time.Second
	// outcomeTimeout bounds the write of a send's outcome, done on a
	// context that survives the activity's cancellation.
	outcomeTimeout = 30 * time.Second
)

// sendingActivities are the activity types that send letters.
var sendingActivities = map[string]bool{wire.ActivitySendStatement: true}

// heartbeat records a heartbeat every heartbeatEvery until the returned
// stop is called. Outside an activity (unit tests) it does nothing.
func heartbeat(ctx context.Context) (stop func()) {
	if !activity.IsActivity(ctx) || activity.GetInfo(ctx).HeartbeatTimeout <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		activity.RecordHeartbeat(ctx)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done); <-finished }
}

// Heartbeats returns a worker interceptor that heartbeats for the whole
// run of the sending activities (composing, rendering and sending), so
// that a crashed worker is noticed after wire.SendHeartbeatTimeout. Register it
// in worker.Options.Interceptors.
func Heartbeats() interceptor.WorkerInterceptor { return &heartbeatInterceptor{} }

type heartbeatInterceptor struct {
	interceptor.WorkerInterceptorBase
}

func (*heartbeatInterceptor) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &heartbeatActivity{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type heartbeatActivity struct {
	interceptor.ActivityInboundInterceptorBase
}

func (h *heartbeatActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	if sendingActivities[activity.GetInfo(ctx).ActivityType.Name] {
		defer heartbeat(ctx)()
	}
	return h.Next.ExecuteActivity(ctx, in)
}

// logFor returns the activities' logger with the workflow ID, the activity
// and its attempt when ctx is an activity's: log lines can be followed to
// the workflow history without naming the customer.
func (a *Activities) logFor(ctx context.Context) *slog.Logger {
	if !activity.IsActivity(ctx) {
		return a.Log
	}
	i := activity.GetInfo(ctx)
	return a.Log.With("workflow_id", i.WorkflowExecution.ID, "activity", i.ActivityType.Name, "attempt", i.Attempt)
}
