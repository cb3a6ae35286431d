package workflows

import (
	"os/exec"
	"strings"
	"testing"
)

// forbiddenImports are the packages the workflows must never depend on,
// even transitively: the database driver and everything that reaches the
// ledger. A workflow's contracts are its own (workflows/wire); the
// activities convert the ledger's rows to them.
var forbiddenImports = []string{
	"github.com/jackc/",
	"github.com/relance/relance/ledger/",
	"github.com/relance/relance/activities",
}

// TestWorkflowsImportNoDatabase fails when workflows or workflows/wire
// depends, directly or not, on pgx, the ledger or the activities.
func TestWorkflowsImportNoDatabase(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the imports: %v", err)
	}
	for _, pkg := range []string{".", "./wire"} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, bad := range forbiddenImports {
				if strings.HasPrefix(dep, bad) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
