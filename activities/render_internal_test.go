package activities

import (
	"errors"
	"strings"
	"testing"

	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/temporal"
)

// TestRendererPanicIsAClearBadLetter: a panic in the PDF renderer becomes
// a non-retryable BadLetter naming the letter, not a worker crash retried
// for hours.
func TestRendererPanicIsAClearBadLetter(t *testing.T) {
	defer func(r func(letter.Data, letter.Content) ([]byte, []letter.Warning, error)) { render = r }(render)
	render = func(letter.Data, letter.Content) ([]byte, []letter.Warning, error) {
		panic("generateCIDFontMap: index out of range [65536]")
	}
	_, _, err := renderSafely(letter.Data{Reference: "CLI0009-20261123-R1-ABCDEF"}, letter.Content{})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != wire.ErrTypeBadLetter ||
		!strings.Contains(err.Error(), "CLI0009-20261123-R1-ABCDEF") || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("renderer panic gave %v, want a non-retryable BadLetter naming the letter", err)
	}
}
