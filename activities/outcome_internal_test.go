package activities

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
)

// acceptingMailer is SES accepting every message.
type acceptingMailer struct{ n atomic.Int32 }

func (m *acceptingMailer) Send(context.Context, mail.Message) (string, error) {
	m.n.Add(1)
	return "ses-1", nil
}

// TestOutcomeWaitsForTheDatabase: SES accepts the letter while the
// database is away; writing the outcome keeps trying until the database
// answers again (here after 2 s), within the activity's deadline, and the
// letter is recorded sent at the time SES answered, not uncertain. When
// the database stays away past the deadline the send fails (the retry
// calls the letter uncertain and SES is asked about it).
func TestOutcomeWaitsForTheDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		away     time.Duration
		deadline time.Duration
		want     string
	}{
		{"back before the deadline", 2 * time.Second, 20 * time.Second, store.LetterSent},
		{"away past the deadline", time.Hour, 1500 * time.Millisecond, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := &Activities{Mailer: &acceptingMailer{}, Log: slog.New(slog.DiscardHandler)}
			var marked []string
			var markedAt time.Time
			var tries int
			var sentAt time.Time
			back := time.Now().Add(tt.away)
			p := sendProtocol{
				claim: func(context.Context) (bool, error) { return true, nil },
				mark: func(ctx context.Context, status, _, _ string, at time.Time) error {
					tries++
					if time.Now().Before(back) {
						return errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
					}
					marked, markedAt, sentAt = append(marked, status), time.Now(), at
					return nil
				},
			}
			ctx, cancel := context.WithTimeout(context.Background(), tt.deadline)
			defer cancel()
			start := time.Now()
			st, err := a.deliver(ctx, "test letter", store.LetterPending, "email", mail.Message{}, p)
			if tt.want == "" {
				if err == nil || len(marked) != 0 {
					t.Fatalf("status %q, err %v, marked %v: want an error and nothing marked", st, err, marked)
				}
				if time.Since(start) > tt.deadline+2*time.Second {
					t.Errorf("gave up after %s, want at the deadline %s", time.Since(start), tt.deadline)
				}
				return
			}
			if err != nil || st != tt.want || len(marked) != 1 || marked[0] != tt.want {
				t.Fatalf("status %q, err %v, marked %v after %d tries: want %s", st, err, marked, tries, tt.want)
			}
			if tries < 3 {
				t.Errorf("%d tries, want several", tries)
			}
			if !sentAt.Before(markedAt) || markedAt.Sub(sentAt) < tt.away-time.Second {
				t.Errorf("sent at %s, marked at %s: want the time SES answered", sentAt, markedAt)
			}
		})
	}
}

// TestClaimInterruptedIsRecordedFailed: the database goes away while the
// send is being claimed (the claim may have been written, its answer is
// lost): nothing was sent, so the letter is recorded failed once the
// database answers, never left "sending" to become uncertain.
func TestClaimInterruptedIsRecordedFailed(t *testing.T) {
	t.Parallel()
	m := &acceptingMailer{}
	a := &Activities{Mailer: m, Log: slog.New(slog.DiscardHandler)}
	var marked []string
	fails := 2
	p := sendProtocol{
		claim: func(context.Context) (bool, error) { return false, errors.New("unexpected EOF") },
		mark: func(_ context.Context, status, _, _ string, _ time.Time) error {
			if fails > 0 {
				fails--
				return errors.New("connection refused")
			}
			marked = append(marked, status)
			return nil
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := a.deliver(ctx, "test letter", store.LetterPending, "email", mail.Message{}, p); err == nil {
		t.Fatal("an interrupted claim succeeded")
	}
	if len(marked) != 1 || marked[0] != store.LetterFailed || m.n.Load() != 0 {
		t.Errorf("marked %v, %d e-mails: want failed and nothing sent", marked, m.n.Load())
	}
}
