package actions

import (
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
)

// TestOperatorRequest checks that every operator action has a payload
// and an audit detail, and that the payload carries what was given.
func TestOperatorRequest(t *testing.T) {
	t.Parallel()
	in := OperatorInput{Reason: "litige", Until: calendar.New(2026, 12, 31), Text: "promesse au 30"}
	want := map[string]string{"execute": "", "skip": "litige", "revert": "litige", "pause": "reason=litige until=2026-12-31",
		"resume": "", "comment": "comment"}
	for name := range OperatorUpdates {
		arg, ok := OperatorRequest(name, "marie", in)
		if !ok {
			t.Errorf("%s: no payload", name)
			continue
		}
		if d := ActionDetail(arg); d != want[name] {
			t.Errorf("%s: detail %q, want %q", name, d, want[name])
		}
	}
	if arg, _ := OperatorRequest("comment", "marie", in); arg.(dunning.CommentRequest).Text != in.Text || arg.(dunning.CommentRequest).Actor != "marie" {
		t.Errorf("comment: %+v", arg)
	}
	if _, ok := OperatorRequest("delete", "marie", in); ok {
		t.Error("unknown action accepted")
	}
	if len(OperatorUpdates) != len(want) {
		t.Errorf("%d actions, want %d", len(OperatorUpdates), len(want))
	}
}
