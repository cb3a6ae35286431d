package workflows_test

import (
	"os"
	"testing"

	"github.com/relance/relance/testkit/parallel"
)

// TestMain lets four tests run at once: the tests on a real dev server
// (each its own) mostly wait on demo days and timers.
func TestMain(m *testing.M) {
	parallel.Default(4)
	os.Exit(m.Run())
}
