package workflows_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// handingMailer records what is mailed; during its first send it runs
// during (a letter handed in while the statement is on its way).
type handingMailer struct {
	mu     sync.Mutex
	sent   []mail.Message
	during func()
}

func (m *handingMailer) Send(_ context.Context, msg mail.Message) (string, error) {
	m.mu.Lock()
	during := m.during
	m.during = nil
	m.mu.Unlock()
	if during != nil {
		during()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return fmt.Sprintf("msg-%d", len(m.sent)), nil
}

func (m *handingMailer) messages() []mail.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mail.Message(nil), m.sent...)
}

// listen stands in for an invoice workflow: it returns the first letter
// result it is told.
func listen(ctx workflow.Context) (wire.ItemResult, error) {
	var r wire.ItemResult
	workflow.GetSignalChannel(ctx, dunning.SignalLetterResult).Receive(ctx, &r)
	return r, nil
}

// TestLetterHandedInDuringTheSendJoinsTheNextLetter is the hand-over race
// of issue 15, on a real Temporal server and database: FA0175 and FA0167
// are in the statement of CLI0001; FA0183's letter is handed in while the
// statement is being mailed, in the workflow task that sends it (a
// statement started with a delay sends in a local activity), so that task
// fails (unhandled command) and runs again with FA0183 drained too. What
// was mailed is what the ledger records: FA0183 is not recorded sent under
// a letter that did not show it at R1; it is told "deferred" and joins the
// next letter.
func TestLetterHandedInDuringTheSendJoinsTheNextLetter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	today := calendar.Of(time.Now())
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
	srv, err := temporaltest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	quiet := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tc, err := client.Dial(client.Options{HostPort: srv.Address, Logger: tlog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	box := &handingMailer{}
	acts := &activities.Activities{Store: st, Mailer: box, Temporal: tc, Log: quiet}
	const queue = "handover-race"
	w := worker.New(tc, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterWorkflowWithOptions(listen, workflow.RegisterOptions{Name: "listen"})
	w.RegisterActivity(acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	r1 := ladder.Default()[0]
	item := func(number string) wire.LetterItem {
		id, err := st.InvoiceID(ctx, demo.Company, number)
		if err != nil {
			t.Fatal(err)
		}
		return wire.LetterItem{InvoiceID: id, Invoice: number, Level: r1, Sequence: 1, WorkflowID: "listen/" + number}
	}
	a, b, c := item("FA0175"), item("FA0167"), item("FA0183")
	told := map[string]client.WorkflowRun{}
	for _, it := range []wire.LetterItem{a, b, c} {
		run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: it.WorkflowID, TaskQueue: queue}, "listen")
		if err != nil {
			t.Fatal(err)
		}
		told[it.Invoice] = run
	}

	id := "letters/DEMO/CLI0001/race"
	now := time.Now()
	in := wire.BatchInput{
		Company: demo.Company, Customer: "CLI0001", Date: today, Window: time.Second,
		SendAt: now, Until: now.Add(time.Hour), FirstAt: now.Add(2 * time.Second), Tell: true,
	}
	box.during = func() {
		// FA0183 is handed in while the statement is being mailed.
		if err := tc.SignalWorkflow(ctx, id, "", dunning.SignalAddLetter, c); err != nil {
			t.Errorf("hand FA0183 in: %v", err)
		}
	}
	run, err := tc.SignalWithStartWorkflow(ctx, id, dunning.SignalAddLetter, a, client.StartWorkflowOptions{
		ID: id, TaskQueue: queue, StartDelay: 2 * time.Second,
	}, dunning.CustomerLetterWorkflowType, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.SignalWorkflow(ctx, id, "", dunning.SignalAddLetter, b); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := run.Get(wctx, nil); err != nil {
		t.Fatalf("statement workflow: %v", err)
	}
	if !taskFailed(t, tc, id) {
		t.Log("the statement's task did not fail: FA0183 arrived in a task of its own")
	}
	if out := os.Getenv("RELANCE_RECORD_HISTORY"); out != "" {
		// Record this history for the replay test (testdata/).
		bin, err := temporaltest.Binary()
		if err != nil {
			t.Fatal(err)
		}
		js, err := exec.Command(bin, "workflow", "show", "--workflow-id", id, "--address", srv.Address, "--output", "json").Output()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, js, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// One e-mail, and the ledger records exactly what it showed.
	msgs := box.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails, want 1", len(msgs))
	}
	mailed := mailedLevels(t, msgs[0].Attachments[0].Data)
	recorded := recordedLetters(t, st, "CLI0001")
	for number, level := range recorded {
		if mailed[number] != level {
			t.Errorf("ledger: %s %s sent; the mailed PDF shows %s at %q", number, level, number, mailed[number])
		}
	}
	want := map[string]string{"FA0175": "R1", "FA0167": "R1"}
	if fmt.Sprint(recorded) != fmt.Sprint(want) {
		t.Errorf("letters recorded sent %v, want %v", recorded, want)
	}
	results := map[string]string{}
	for number, run := range told {
		var r wire.ItemResult
		if err := run.Get(wctx, &r); err != nil {
			t.Fatalf("result of %s: %v", number, err)
		}
		results[number] = r.Status
	}
	wantTold := map[string]string{"FA0175": wire.LetterSent, "FA0167": wire.LetterSent, "FA0183": wire.LetterDeferred}
	if fmt.Sprint(results) != fmt.Sprint(wantTold) {
		t.Errorf("invoice workflows told %v, want %v", results, wantTold)
	}
}

// taskFailed reports whether a workflow task of id failed (the race hit).
func taskFailed(t *testing.T, tc client.Client, id string) bool {
	t.Helper()
	it := tc.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED {
			return true
		}
	}
	return false
}

// mailedLevels reads a statement PDF (pdftotext) and returns, for each
// invoice row, the ladder level the row shows ("" when none).
func mailedLevels(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	levels := map[string]bool{}
	for _, lv := range ladder.Default() {
		levels[lv.Code] = true
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], "FA") {
			continue
		}
		rows[f[0]] = ""
		for _, w := range f[1:] {
			if levels[w] {
				rows[f[0]] = w
			}
		}
	}
	return rows
}

// recordedLetters returns the invoice letters the ledger records sent (or
// maybe sent) for a customer: invoice number → level.
func recordedLetters(t *testing.T, st *store.Store, customer string) map[string]string {
	t.Helper()
	rows, err := st.Pool.Query(context.Background(), `
		SELECT i.number, l.level_code FROM letters l JOIN invoices i ON i.id = l.invoice_id JOIN customers cu ON cu.id = i.customer_id
		WHERE cu.code = $1 AND l.status IN ('sent', 'sending', 'uncertain', 'queued_print')`, customer)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, lv string
		if err := rows.Scan(&n, &lv); err != nil {
			t.Fatal(err)
		}
		out[n] = lv
	}
	return out
}

// testWriter sends log output to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
