package bench

import (
	"testing"

	"github.com/relance/relance/testkit/sesemu"
)

// TestLetterCounter: letters are counted as messages, not by message ID
// (the emulator's random IDs collide at 100 000 letters), and a letter the
// ledger marks uncertain is missing without breaking "exactly once".
func TestLetterCounter(t *testing.T) {
	l := Ledger{Due: 4, EmailDomain: "bench.example.com"}
	msg := func(id string, i int, subject string) sesemu.StoredMessage {
		return sesemu.StoredMessage{MessageID: id, To: []string{l.CustomerEmail(i)}, Subject: subject}
	}
	tests := []struct {
		name      string
		msgs      []sesemu.StoredMessage
		uncertain []int
		want      Letters
		once      bool
	}{
		{"one each, two under one ID", []sesemu.StoredMessage{msg("ses-1", 0, "R1"), msg("ses-1", 1, "R1"), msg("ses-2", 2, "R1"), msg("ses-3", 3, "R1")}, nil,
			Letters{Received: 4, Recipients: 4}, true},
		{"one twice", []sesemu.StoredMessage{msg("ses-1", 0, "R1"), msg("ses-2", 0, "R1"), msg("ses-3", 1, "R1"), msg("ses-4", 2, "R1"), msg("ses-5", 3, "R1")}, nil,
			Letters{Received: 5, Recipients: 4, Duplicates: 1}, false},
		{"one missing, uncertain", []sesemu.StoredMessage{msg("ses-1", 0, "R1"), msg("ses-2", 1, "R1"), msg("ses-3", 2, "R1")}, []int{3},
			Letters{Received: 3, Recipients: 3, Missing: 1, Uncertain: 1, UncertainMissing: 1}, true},
		{"uncertain but received", []sesemu.StoredMessage{msg("ses-1", 0, "R1"), msg("ses-2", 1, "R1"), msg("ses-3", 2, "R1"), msg("ses-4", 3, "R1")}, []int{3},
			Letters{Received: 4, Recipients: 4, Uncertain: 1}, true},
		{"one missing, not uncertain", []sesemu.StoredMessage{msg("ses-1", 0, "R1"), msg("ses-2", 1, "R1"), msg("ses-3", 2, "R1")}, nil,
			Letters{Received: 3, Recipients: 3, Missing: 1}, false},
		{"a later level", []sesemu.StoredMessage{msg("ses-1", 0, "R1"), msg("ses-2", 0, "R2"), msg("ses-3", 1, "R1"), msg("ses-4", 2, "R1"), msg("ses-5", 3, "R1")}, nil,
			Letters{Received: 5, Recipients: 4, Later: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lc := newLetterCounter(l)
			lc.add(tt.msgs)
			uncertain := map[string]bool{}
			for _, i := range tt.uncertain {
				uncertain[l.CustomerEmail(i)] = true
			}
			got := lc.result()
			got.Uncertain, got.UncertainMissing = len(uncertain), lc.missingOf(uncertain)
			if got != tt.want || got.ExactlyOnce() != tt.once {
				t.Errorf("got %+v (exactly once %v), want %+v (%v)", got, got.ExactlyOnce(), tt.want, tt.once)
			}
		})
	}
}
