package workflows

import (
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/workflows/wire"
	"strings"
	"testing"
	"time"
)

func TestExecuteSendsTheNextLetterNow(t *testing.T) {
	h := newHarness(t)
	var err error
	var s dunning.State
	// R1 went out on 3 Nov; R2 is due on 18 Nov but asked for on 5 Nov at
	// 10:00, after the send hour: it goes at once with today's statement.
	h.later(at(11, 5, 10), func() { h.update(&err, dunning.UpdateExecute, dunning.ExecuteRequest{Actor: "marie"}) })
	h.later(at(11, 5, 11), func() { s = h.state() })
	h.later(at(11, 19, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "letters", h.ledger.letters, []string{"R1#1", "R2#1"})
	req := h.ledger.reqs[1]
	if !req.Item.Now || req.Slot != "2026-11-05" || req.SendAt.After(t0.Add(at(11, 5, 10)).Add(time.Minute)) {
		t.Errorf("R2 handed as %+v, want today's statement (2026-11-05) asked to go now", req)
	}
	if s.Level != "R2" || s.NextLevel != "R3" {
		t.Errorf("after execute level %s next %s, want R2 R3", s.Level, s.NextLevel)
	}
	// R3 counts its 15 days from the letter sent on 5 Nov.
	if want := time.Date(2026, 11, 20, 9, 0, 0, 0, paris); !s.NextActionAt.Equal(want) {
		t.Errorf("next action %v, want %v", s.NextActionAt, want)
	}
	var asked bool
	for _, e := range h.ledger.events {
		if e.Kind == dunning.EventAsked && e.Actor == "marie" && e.Level == "R1" {
			asked = true
		}
	}
	if !asked {
		t.Errorf("no letter_asked event by marie in %v", kinds(h.ledger.events))
	}
}

// TestExecuteAfterTodaysStatementWaitsForTheNextDay: when the customer's
// statement of today already went out, the letter asked for now is
// deferred to the next working day's statement (never two letters to one
// customer on one day), and the history says so.
func TestExecuteAfterTodaysStatementWaitsForTheNextDay(t *testing.T) {
	h := newHarness(t)
	h.answer = func(n int, it wire.LetterItem) wire.ItemResult {
		if n == 1 {
			return wire.ItemResult{Item: it, Status: wire.LetterDeferred,
				Detail: it.Level.Code + " letter not sent today: the statement of 2026-11-05 for C1 had already gone out; it joins the next one"}
		}
		return wire.ItemResult{Item: it, Status: wire.LetterSent, Detail: it.Level.Code + " sent"}
	}
	var err error
	var s dunning.State
	h.later(at(11, 5, 10), func() { h.update(&err, dunning.UpdateExecute, dunning.ExecuteRequest{Actor: "marie"}) })
	h.later(at(11, 5, 11), func() { s = h.state() })
	h.later(at(11, 19, 0), func() { h.pay("BANK-1", "1200") })
	h.run()
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "letters handed", h.ledger.letters, []string{"R1#1", "R2#1", "R2#1"})
	if s.Level != "R1" || s.NextLevel != "R2" {
		t.Errorf("after a deferred execute level %s next %s, want R1 R2", s.Level, s.NextLevel)
	}
	// The next working day's statement (Friday 6 Nov, 9:00) takes it.
	if want := time.Date(2026, 11, 6, 9, 0, 0, 0, paris); !s.NextActionAt.Equal(want) {
		t.Errorf("next action %v, want %v", s.NextActionAt, want)
	}
	if req := h.ledger.reqs[2]; req.Item.Now || req.Slot != "2026-11-06" {
		t.Errorf("second hand-over %+v, want the 6 Nov statement at its hour", req)
	}
	var said bool
	for _, e := range h.ledger.events {
		if e.Kind == dunning.EventNoLetter && e.Level == "R2" && strings.Contains(e.Detail, "joins the next one") {
			said = true
		}
	}
	if !said {
		t.Errorf("history does not say the letter was deferred: %v", kinds(h.ledger.events))
	}
}

func TestExecuteRefused(t *testing.T) {
	cases := []struct {
		name  string
		pause bool
		want  string
	}{
		{"paused", true, "is paused (dispute): resume it"},
		{"asked twice", false, "already asked for"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			var first, second error
			if c.pause {
				h.later(at(11, 5, 10), func() {
					h.update(&first, dunning.UpdatePause, dunning.PauseRequest{Actor: "marie", Reason: "dispute"})
				})
			} else {
				h.later(at(11, 5, 10), func() {
					h.update(&first, dunning.UpdateExecute, dunning.ExecuteRequest{Actor: "marie"})
					// Sent in the same instant: the letter is not out yet.
					h.update(&second, dunning.UpdateExecute, dunning.ExecuteRequest{Actor: "paul"})
				})
			}
			if c.pause {
				h.later(at(11, 5, 11), func() { h.update(&second, dunning.UpdateExecute, dunning.ExecuteRequest{Actor: "marie"}) })
			}
			h.later(at(11, 6, 0), func() { h.pay("BANK-1", "1200") })
			h.run()
			if first != nil {
				t.Fatal(first)
			}
			if second == nil || !strings.Contains(second.Error(), c.want) {
				t.Errorf("second update: %v, want a refusal saying %q", second, c.want)
			}
		})
	}
}
