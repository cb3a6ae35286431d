package workflows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryChangeIsInTheTable: the workflows ask GetVersion only through
// the Changes table (version), so `starter versions` and
// docs/versioning.md see every change; and no change is listed twice.
func TestEveryChangeIsInTheTable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "versions.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "workflow.GetVersion(") {
			t.Errorf("%s calls workflow.GetVersion directly: add the change to Changes (versions.go) and ask through version()", f)
		}
	}
	seen := map[string]bool{}
	for _, c := range Changes {
		k := c.Workflow + "/" + c.ID
		if seen[k] || c.Max < 1 || c.Min > c.Max || c.Doc == "" {
			t.Errorf("change %s: listed twice, or bad versions %d..%d, or no doc", k, c.Min, c.Max)
		}
		seen[k] = true
	}
}
