package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/workflows/wire"
)

// A scan of 10 000 invoices prints counts and the first invoices, not one
// line of 10 000 numbers.
func TestPrintReportSummarises(t *testing.T) {
	t.Parallel()
	rep := wire.ScanReport{Company: "BIG", Date: "2026-11-23", Considered: 10002, StartedCount: 10000, SkippedCount: 2,
		Skipped: []wire.Skipped{{Invoice: "X1", Reason: "no due date"}, {Invoice: "X2", Reason: "credit note"}}}
	for i := range scan.Sample {
		rep.Started = append(rep.Started, fmt.Sprintf("F%05d", i))
	}
	var out bytes.Buffer
	printReport(&env{out: &out}, rep)
	got := out.String()
	for _, want := range []string{
		"scan of BIG on 2026-11-23: 10002 considered, 10000 started, 0 already running, 2 skipped, 0 failed",
		"started: F00000, F00001", "(9980 more)", "skipped X1: no due date",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if len(got) > 1000 {
		t.Errorf("report is %d bytes long:\n%s", len(got), got)
	}
}
