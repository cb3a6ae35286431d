package workflows

import (
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/workflows/wire"
	"testing"
	"time"
)

// cadenceAnswer defers the first letter handed over to the customer's
// next letter on next (what QueueLetter answers inside the period) and
// sends the others.
func cadenceAnswer(next time.Time) func(int, wire.LetterItem) wire.ItemResult {
	return func(n int, it wire.LetterItem) wire.ItemResult {
		if n == 0 {
			return wire.ItemResult{Item: it, Status: wire.LetterDeferred, NextSlot: next,
				Detail: it.Level.Code + " letter joins the next letter of CLI0009 on 2026-11-09 09:00: at most one letter every 7 days"}
		}
		return wire.ItemResult{Item: it, Status: wire.LetterSent, Detail: it.Level.Code + " sent"}
	}
}

// TestCadenceJoinsTheCustomersNextLetter: R1 falls due on Tuesday 3
// November inside the customer's period (its last letter went on Monday 2):
// it is not handed over again every working day but waits for the
// customer's next letter on Monday 9, and R2 counts its 15 days from that
// letter (24 November). The history says why once.
func TestCadenceJoinsTheCustomersNextLetter(t *testing.T) {
	h := newHarness(t)
	next := time.Date(2026, 11, 9, 9, 0, 0, 0, paris)
	h.answer = cadenceAnswer(next)
	var s dunning.State
	h.later(at(11, 10, 12), func() { s = h.state() })
	h.later(at(11, 25, 12), func() { h.pay("BANK-1", "1200") })
	r := h.run()
	equal(t, "slots", sendAts(h), []string{"2026-11-03 09:00 2026-11-03", "2026-11-09 09:00 2026-11-09", "2026-11-24 09:00 2026-11-24"})
	if s.Level != "R1" || !s.NextActionAt.Equal(time.Date(2026, 11, 24, 9, 0, 0, 0, paris)) {
		t.Errorf("after the letter of 9 Nov: level %s, next %v; want R1, R2 on 24 Nov 09:00", s.Level, s.NextActionAt)
	}
	n := 0
	for _, e := range r.History {
		if e.Kind == dunning.EventNoLetter {
			n++
		}
	}
	if n != 1 || r.Letters != 2 {
		t.Errorf("%d no-letter events, %d letters: want 1 and 2", n, r.Letters)
	}
}

// TestExecuteDoesNotWaitForTheCadence: an operator's "Exécuter" while the
// letter waits for the customer's next letter sends it now.
func TestExecuteDoesNotWaitForTheCadence(t *testing.T) {
	h := newHarness(t)
	h.answer = cadenceAnswer(time.Date(2026, 11, 9, 9, 0, 0, 0, paris))
	var err error
	h.later(at(11, 4, 10), func() { h.update(&err, dunning.UpdateExecute, dunning.ExecuteRequest{Actor: "marie"}) })
	h.later(at(11, 5, 12), func() { h.pay("BANK-1", "1200") })
	h.run()
	if err != nil {
		t.Fatal(err)
	}
	if len(h.ledger.reqs) != 2 {
		t.Fatalf("hand-overs %v, want R1 deferred then R1 asked for now", sendAts(h))
	}
	req := h.ledger.reqs[1]
	if !req.Item.Now || req.Slot != "2026-11-04" {
		t.Errorf("R1 handed as slot %s now=%v, want today's statement (2026-11-04) asked to go now", req.Slot, req.Item.Now)
	}
}
