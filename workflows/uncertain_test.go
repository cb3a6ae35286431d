package workflows

import (
	"context"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/activity"
	"testing"
	"time"
)

// TestUncertainLetterHoldsUntilSettled: the R1 statement ends uncertain
// (its send had no answer from SES). The invoice does not move past it:
// it is held "to verify" and asks again every hour; once SES confirmed
// it, R2 comes 15 days after the time SES accepted it. When SES never
// accepted it, the same R1 letter (same sequence) goes with the next
// statement instead, and nothing escalates past it.
func TestUncertainLetterHoldsUntilSettled(t *testing.T) {
	accepted := time.Date(2026, 11, 3, 9, 0, 5, 0, paris)
	tests := []struct {
		name    string
		answers []string // what ResolveLetter finds, call after call
		want    []string // hand-overs
		letters int
	}{
		{"confirmed by SES", []string{store.LetterUncertain, store.LetterUncertain, store.LetterSent},
			[]string{"R1#1 2026-11-03 09:00", "R2#1 2026-11-18 09:00"}, 2},
		{"never accepted", []string{store.LetterUncertain, wire.LetterFailed},
			[]string{"R1#1 2026-11-03 09:00", "R1#1 2026-11-04 09:00", "R2#1 2026-11-19 09:00"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			first := true
			h.answer = func(n int, it wire.LetterItem) wire.ItemResult {
				if first {
					first = false
					return wire.ItemResult{Item: it, Status: wire.LetterUncertain, Detail: "R1 letter may or may not have been e-mailed"}
				}
				return wire.ItemResult{Item: it, Status: wire.LetterSent, Detail: it.Level.Code + " sent", SentAt: h.ledger.reqs[n].SendAt}
			}
			calls := 0
			h.env.RegisterActivityWithOptions(func(_ context.Context, ref wire.LetterRef) (wire.LetterOutcome, error) {
				st := tt.answers[min(calls, len(tt.answers)-1)]
				calls++
				o := wire.LetterOutcome{Status: st, Detail: ref.Level + " " + st}
				if st == store.LetterSent {
					o.SentAt = accepted
				}
				return o, nil
			}, activity.RegisterOptions{Name: "ResolveLetter"})
			var held dunning.State
			h.later(at(11, 3, 10)+30*time.Minute, func() { held = h.state() })
			h.later(at(11, 19, 12), func() { h.pay("BANK-1", "1200") })
			r := h.run()
			if held.Status != dunning.StatusHeld || held.HoldReason != dunning.HoldLetterUnsure || held.Level != "NONE" {
				t.Errorf("at 10:30 on 3 November: %s at %s (%q), want held at NONE on the letter to verify", held.Status, held.Level, held.HoldReason)
			}
			var got []string
			for i, it := range h.ledger.queued {
				got = append(got, it.Level.Code+"#"+itoa(it.Sequence)+" "+h.ledger.reqs[i].SendAt.In(paris).Format("2006-01-02 15:04"))
			}
			equal(t, "hand-overs", got, tt.want)
			if r.Letters != tt.letters {
				t.Errorf("%d letters, want %d", r.Letters, tt.letters)
			}
		})
	}
}

func itoa(n int) string { return string(rune('0' + n)) }
