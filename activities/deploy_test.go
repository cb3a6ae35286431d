package activities_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// cancellingMailer cancels the activity's context before or after the
// real send, as a worker stopping (SIGTERM) does.
type cancellingMailer struct {
	next   mail.Sender
	cancel context.CancelFunc
	before bool // cancel before the request leaves
}

func (m cancellingMailer) Send(ctx context.Context, msg mail.Message) (string, error) {
	if m.before {
		m.cancel()
		return m.next.Send(ctx, msg)
	}
	id, err := m.next.Send(ctx, msg)
	m.cancel()
	return id, err
}

// TestOutcomeRecordedAfterCancellation: the worker stops while SES
// accepts the letter; the outcome is still recorded as sent, not left
// "sending" to become uncertain, and the retry (the activity, cancelled,
// may end in error) answers sent without sending again.
func TestOutcomeRecordedAfterCancellation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.statement(t, "FA0168", 1)
	ctx, cancel := context.WithCancel(context.Background())
	a := &activities.Activities{Store: f.st, Mailer: cancellingMailer{next: f.ses, cancel: cancel}, Log: slog.Default()}
	if res, err := sendOne(ctx, a, req); err == nil && res.Status != wire.LetterSent {
		t.Fatalf("result %+v; want sent", res)
	}
	letters, _ := f.st.Letters(context.Background(), req.Items[0].InvoiceID)
	if len(letters) != 1 || letters[0].Status != store.LetterSent {
		t.Errorf("letters = %+v, want one sent", letters)
	}
	a.Mailer = f.ses // the retry, on a new worker
	if res, err := sendOne(context.Background(), a, req); err != nil || res.Status != wire.LetterSent {
		t.Fatalf("retry: %+v %v; want sent", res, err)
	}
	if n := f.sent(t); n != 1 {
		t.Errorf("%d e-mails in SES, want 1", n)
	}
}

// TestCancelledBeforeTheRequestLeftIsRetried: a letter whose send was
// cancelled before the request left is recorded failed and sent by the
// retry, once; it is never called uncertain.
func TestCancelledBeforeTheRequestLeftIsRetried(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.statement(t, "FA0168", 1)
	ctx, cancel := context.WithCancel(context.Background())
	a := &activities.Activities{Store: f.st, Mailer: cancellingMailer{next: f.ses, cancel: cancel, before: true}, Log: slog.Default()}
	_, err := sendOne(ctx, a, req)
	var appErr *temporal.ApplicationError
	if err == nil || (errors.As(err, &appErr) && appErr.NonRetryable()) {
		t.Fatalf("err = %v, want a retryable error", err)
	}
	letters, _ := f.st.Letters(context.Background(), req.Items[0].InvoiceID)
	if len(letters) != 1 || letters[0].Status != store.LetterFailed {
		t.Fatalf("letters = %+v, want one failed (not sending, not uncertain)", letters)
	}
	a.Mailer = f.ses // the retry, on a new worker
	res, err := sendOne(context.Background(), a, req)
	if err != nil || res.Status != wire.LetterSent {
		t.Fatalf("retry: %+v %v", res, err)
	}
	if n := f.sent(t); n != 1 {
		t.Errorf("%d e-mails in SES, want 1", n)
	}
}

// TestErrorsCarryNoEmailAddress: an SES failure recorded on the letter and
// returned to the workflow (its history) names no e-mail address.
func TestErrorsCarryNoEmailAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.statement(t, "FA0168", 1)
	ctx, cancel := context.WithCancel(context.Background())
	a := &activities.Activities{Store: f.st, Mailer: cancellingMailer{next: f.ses, cancel: cancel, before: true}, Log: slog.Default()}
	_, err := sendOne(ctx, a, req)
	if err == nil || strings.Contains(err.Error(), "@") {
		t.Errorf("error returned to the workflow: %v", err)
	}
	var text string
	if err := f.st.Pool.QueryRow(context.Background(), `SELECT COALESCE(error, '') FROM letters WHERE invoice_id = $1`, req.Items[0].InvoiceID).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if text == "" || strings.Contains(text, "@") {
		t.Errorf("letters.error = %q: want the failure without the address", text)
	}
}

// blockingMailer waits for the first heartbeat before sending.
type blockingMailer struct {
	next mail.Sender
	beat <-chan struct{}
}

func (m blockingMailer) Send(ctx context.Context, msg mail.Message) (string, error) {
	select {
	case <-m.beat:
	case <-time.After(time.Minute): // a regression fails the test below, never hangs it
	}
	return m.next.Send(ctx, msg)
}

// TestSendingHeartbeats: a sending activity with a HeartbeatTimeout
// heartbeats while the e-mail is on its way, so a crash is noticed after
// that timeout, not after the start-to-close timeout.
func TestSendingHeartbeats(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.statement(t, "FA0168", 1)
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	beat := make(chan struct{})
	beats := 0
	env.SetOnActivityHeartbeatListener(func(info *activity.Info, _ converter.EncodedValues) {
		if beats++; beats == 1 {
			close(beat)
		}
	})
	a := &activities.Activities{Store: f.st, Mailer: blockingMailer{next: f.ses, beat: beat}, Log: slog.Default()}
	env.RegisterActivity(a)
	wf := func(ctx workflow.Context, req wire.CustomerLetterRequest) ([]wire.ItemResult, error) {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: 2 * time.Minute, HeartbeatTimeout: wire.SendHeartbeatTimeout,
		})
		var res []wire.ItemResult
		err := workflow.ExecuteActivity(ctx, wire.ActivitySendStatement, req).Get(ctx, &res)
		return res, err
	}
	env.RegisterWorkflow(wf)
	env.ExecuteWorkflow(wf, req)
	var res []wire.ItemResult
	if err := env.GetWorkflowResult(&res); err != nil || len(res) != 1 || res[0].Status != wire.LetterSent {
		t.Fatalf("result %+v %v", res, err)
	}
	if beats == 0 {
		t.Error("no heartbeat while sending")
	}
}
