package confirm

import (
	"context"
	"fmt"
	"time"
)

// EventLog is where SNSHandler's events are kept (the ledger's ses_events).
type EventLog interface {
	// SESEventsOf returns the SES events recorded for a letter reference.
	SESEventsOf(ctx context.Context, reference string) ([]Event, error)
}

// Events confirms letters from the SES events SNSHandler recorded
// (production: a configuration set publishing at least Send and Reject
// events to the SNS topic the handler is subscribed to).
type Events struct {
	Log EventLog
	// Settle is how long after the claim a letter SES published no event
	// about counts as never accepted (SES publishes Send within seconds).
	Settle time.Duration
}

// Check implements Checker.
func (e Events) Check(ctx context.Context, reference string, since time.Time) (Finding, error) {
	events, err := e.Log.SESEventsOf(ctx, reference)
	if err != nil {
		return Finding{}, err
	}
	var refused *Event
	for i, ev := range events {
		switch ev.Type {
		case "Reject", "Rendering Failure":
			refused = &events[i]
		default: // Send, Delivery, Bounce, Complaint, DeliveryDelay, Open, Click: SES took it
			return Finding{Verdict: Accepted, At: ev.At, MessageID: ev.MessageID, Detail: "SES published a " + ev.Type + " event"}, nil
		}
	}
	if refused != nil {
		return Finding{Verdict: NeverAccepted, Detail: "SES published a " + refused.Type + " event"}, nil
	}
	if time.Since(since) >= e.Settle {
		return Finding{Verdict: NeverAccepted, Detail: fmt.Sprintf("no SES event %s after the claim", e.Settle)}, nil
	}
	return Finding{Verdict: Unknown, Detail: "no SES event yet"}, nil
}
