package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/scan"
	"go.temporal.io/api/workflowservice/v1"
)

// TestDoNotRemindReachesRunningWorkflows sets do-not-remind on a customer
// with three running dunnings: the three hold at once (visible in the UI's
// search attributes) and send nothing; removing the flag resumes them and
// the letter goes out.
func TestDoNotRemindReachesRunningWorkflows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company = "PROP1"
	loadCompany(t, company, 3) // R1 is due 3 s after the start
	if _, err := scan.Run(ctx, st, tc, company, today, slog.Default()); err != nil {
		t.Fatal(err)
	}
	o := &actions.Ops{Store: st, Temporal: tc}
	eventually(t, 20*time.Second, "the three workflows of CLI0009 running", func() bool {
		n, _ := st.OpenInvoicesOf(ctx, company, "CLI0009")
		return len(n) == 3
	})
	told, err := o.SetDoNotRemind(ctx, company, "CLI0009", true, "marie")
	if err != nil || told != 3 {
		t.Fatalf("set do-not-remind: told %d, %v", told, err)
	}
	held := fmt.Sprintf(`DunningCompany = %q AND DunningCustomer = "CLI0009" AND DunningStatus = "held"`, company)
	eventually(t, 20*time.Second, "three held workflows in the visibility store", func() bool {
		return count(t, held) == 3
	})
	time.Sleep(5 * time.Second) // R1 falls due meanwhile
	if n := mailsTo(t, paulAt(company)); n != 0 {
		t.Fatalf("%d letters sent to a do-not-remind customer", n)
	}
	if _, err := o.SetDoNotRemind(ctx, company, "CLI0009", false, "marie"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the R1 letter after the flag was removed", func() bool {
		return mailsTo(t, paulAt(company)) == 1
	})
	eventually(t, 20*time.Second, "no held workflow left", func() bool { return count(t, held) == 0 })
	terminateCompany(t, company)
}

func count(t *testing.T, query string) int64 {
	t.Helper()
	resp, err := tc.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: query})
	if err != nil {
		t.Fatalf("count %s: %v", query, err)
	}
	return resp.GetCount()
}

func mailsTo(t *testing.T, addr string) int {
	t.Helper()
	msgs, err := emu.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		for _, to := range m.To {
			if to == addr {
				n++
			}
		}
	}
	return n
}
