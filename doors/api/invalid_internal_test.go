package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
)

// TestWriteInvalid checks the answer to input that breaks a rule: the
// rule's own words without the call's context, and its code and named
// parameters when it has one.
func TestWriteInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want invalidBody
	}{
		{"coded", fmt.Errorf("save status LIT of ADM: %w", store.Invalid(store.StatusEscalatesToItself.With("LIT"))),
			invalidBody{Error: "status LIT cannot escalate to itself", Code: "status.escalation.self", Params: map[string]string{"code": "LIT"}}},
		{"coded, no parameter", fmt.Errorf("set ladder of X: %w", store.Invalid(ladder.NoLevel.With())),
			invalidBody{Error: "ladder has no level", Code: "ladder.empty"}},
		{"words only", fmt.Errorf("record payment P1 on invoice id 4: %w", store.Invalidf("amount %s has more than two decimals", "1.005")),
			invalidBody{Error: "amount 1.005 has more than two decimals"}},
		{"no InvalidError", fmt.Errorf("follow-up %q: %w", "x", store.ErrInvalid),
			invalidBody{Error: `follow-up "x": invalid`}},
		{"password", fmt.Errorf("set password: %w", &store.PasswordError{Reason: store.PasswordShort}),
			invalidBody{Error: (&store.PasswordError{Reason: store.PasswordShort}).Rule()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, store.ErrInvalid) {
				t.Fatalf("%v does not match ErrInvalid", tt.err)
			}
			rec := httptest.NewRecorder()
			writeInvalid(rec, 400, tt.err)
			var got invalidBody
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
