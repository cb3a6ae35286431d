package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/api/workflowservice/v1"
)

var today = calendar.Of(time.Now().In(mustParis()))

func mustParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}

// loadCompany loads the demo data under a company code of the test's own,
// with e-mail addresses of its own (paulAt gives INFO DEBUTANT's), so the
// tests sharing the emulator never count each other's letters.
func loadCompany(t *testing.T, code string, daySeconds int) {
	t.Helper()
	if _, err := demo.Load(context.Background(), st, demo.Options{
		Today: today, DaySeconds: daySeconds, Code: code, EmailDomain: domainOf(code),
	}); err != nil {
		t.Fatal(err)
	}
}

func domainOf(company string) string { return strings.ToLower(company) + ".example.com" }

// paulAt is the address of INFO DEBUTANT (CLI0009) in the company's data.
func paulAt(company string) string { return "paul@infodebutant." + domainOf(company) }

func TestScanStartsEachWorkflowOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loadCompany(t, "SCAN1", 3600) // letters far away: this test is about starting
	first, err := scan.Run(ctx, st, tc, "SCAN1", today, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	second, err := scan.Run(ctx, st, tc, "SCAN1", today, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first scan: %d started, %d skipped; second: %d started, %d already running, %d running in the ledger",
		len(first.Started), len(first.Skipped), len(second.Started), len(second.AlreadyRunning), second.LiveCount)
	if len(first.Started) < 15 || len(first.Failed) > 0 {
		t.Errorf("first scan = %+v", first)
	}
	// The ledger records the running dunnings: the second scan asks
	// Temporal about none of them.
	if second.StartedCount != 0 || second.AlreadyRunningCount != 0 || second.LiveCount != first.StartedCount {
		t.Errorf("second scan started %d, already running %d, live %d; want 0, 0 and %d",
			second.StartedCount, second.AlreadyRunningCount, second.LiveCount, first.StartedCount)
	}
	skipped := map[string]string{}
	for _, s := range first.Skipped {
		skipped[s.Invoice] = s.Reason
	}
	for _, inv := range []string{"AV0021", "FA0192", "FA0191"} {
		if skipped[inv] == "" {
			t.Errorf("%s should be skipped with a reason", inv)
		}
	}
	terminateCompany(t, "SCAN1")
}

func TestLetterArrivesThenCLIPaymentEndsDunning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company = "MAIL1"
	loadCompany(t, company, 2) // one ladder day = 2 s: R1 goes out 2 s after the start
	rep, err := scan.Run(ctx, st, tc, company, today, slog.Default())
	if err != nil || len(rep.Started) == 0 {
		t.Fatalf("scan: %+v %v", rep, err)
	}

	// FA0168 belongs to INFO DEBUTANT.
	var letterText string
	eventually(t, 60*time.Second, "the R1 letter of FA0168 in the SES emulator", func() bool {
		for _, m := range mailsOf(t, company) {
			if !strings.Contains(m.Subject+m.Text, "FA0168") {
				continue
			}
			for _, a := range m.Attachments {
				if a.ContentType == "application/pdf" {
					letterText = pdfText(t, a.Data)
					return true
				}
			}
		}
		return false
	})
	if !strings.Contains(letterText, "FA0168") {
		t.Errorf("letter PDF text does not mention FA0168:\n%s", letterText)
	}

	// The payment system signals the payment with the temporal CLI.
	id := dunning.WorkflowID(company, "FA0168")
	payload, _ := json.Marshal(map[string]any{"externalId": "BANK-77", "amount": "6019.20", "paidOn": today.String(), "method": "transfer"})
	bin, err := temporaltest.Binary()
	if err != nil {
		t.Fatal(err)
	}
	signalWithCLI(t, bin, id, string(payload))
	var res wire.Result
	ctxT, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := tc.GetWorkflow(ctxT, id, "").Get(ctxT, &res); err != nil {
		if v, qerr := tc.QueryWorkflow(ctx, id, "", dunning.QueryState); qerr == nil {
			var s dunning.State
			_ = v.Get(&s)
			t.Logf("state: %s level %s next %s balance %s history %+v", s.Status, s.Level, s.NextLevel, s.Balance, s.History)
		}
		t.Fatalf("workflow result: %v", err)
	}
	if res.Outcome != dunning.StatusPaid || res.Balance != "0.00" {
		t.Errorf("result = %+v, want paid with balance 0.00", res)
	}

	// The history rows in PostgreSQL match the workflow's history.
	invID, err := st.InvoiceID(ctx, company, "FA0168")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.History(ctx, invID)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%d %s %s %s", r.Seq, r.Kind, r.Level, r.Detail))
	}
	for _, e := range res.History {
		want = append(want, fmt.Sprintf("%d %s %s %s", e.Seq, e.Kind, e.Level, e.Detail))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("database history:\n%s\nworkflow history:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	letters, err := st.Letters(ctx, invID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range letters {
		if l.Status != "sent" || l.Attempts != 1 {
			t.Errorf("letter %s#%d: status %s after %d attempts", l.Level, l.Sequence, l.Status, l.Attempts)
		}
	}
	terminateCompany(t, company)
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "letter-*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(pdf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("pdftotext", "-layout", f.Name(), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(bytes.TrimSpace(out))
}

// terminateCompany ends the test's running workflows so they do not keep
// the shared worker busy.
func terminateCompany(t *testing.T, company string) {
	t.Helper()
	ctx := context.Background()
	cands, err := st.DueInvoices(ctx, company, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		_ = tc.TerminateWorkflow(ctx, dunning.WorkflowID(company, c.Number), "", "test over")
	}
	// And the customer letters still collecting.
	resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf(`WorkflowId STARTS_WITH "letters/%s/" AND ExecutionStatus = "Running"`, company),
	})
	if err != nil {
		t.Logf("list customer letters of %s: %v", company, err)
		return
	}
	for _, e := range resp.GetExecutions() {
		_ = tc.TerminateWorkflow(ctx, e.GetExecution().GetWorkflowId(), "", "test over")
	}
}
