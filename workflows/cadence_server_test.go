package workflows_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// cadenceDay is how long a demo day lasts in the cadence tests, in seconds.
const cadenceDay = 3

// cadenceLadder sends R1 a day after the start and nothing else while the
// test runs.
var cadenceLadder = ladder.Ladder{
	{Code: "R1", Label: "Relevé de factures impayées", DelayDays: 1, Channel: ladder.ChannelEmail},
	{Code: "R2", Label: "2ème relance", DelayDays: 60, Channel: ladder.ChannelEmail},
	{Code: ladder.FormalNotice, Label: "Mise en demeure de payer", DelayDays: 60, Channel: ladder.ChannelEmail},
}

// cadenceWorld is a real Temporal dev server, a real database and the real
// activities (the mailer records instead of sending) for company code with
// demo days of cadenceDay seconds and a cadence of 7 (demo) days, one
// customer C1 and invoices F01..Fn.
type cadenceWorld struct {
	st      *store.Store
	srv     *temporaltest.Server
	tc      client.Client
	acts    *activities.Activities
	box     *handingMailer
	company string
}

func newCadenceWorld(t *testing.T, company string, invoices int) *cadenceWorld {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	id, err := st.CreateCompany(ctx, store.Company{
		Code: company, LegalName: "Cadence & Fils SARL", AddressLines: []string{"3 rue du Rythme", "69002 Lyon"}, City: "Lyon",
		SIRET: "552 100 554 00025", VATNumber: "FR 12 552100554", RCS: "RCS Lyon B 552 100 554",
		IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPPXXX", SenderEmail: "relances@cadence.example.org",
		TimeZone: "Europe/Paris", Language: "fr", SendHour: 9, DemoDaySeconds: cadenceDay,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetLadder(ctx, company, cadenceLadder); err != nil {
		t.Fatal(err)
	}
	week := 7 // set: a demo company's default is one demo day
	if err := st.SetCompanyCadence(ctx, company, &week); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, id, store.Customer{
		Code: "C1", Name: "Bistrot du Marché", Emails: []string{"compta@bistrot.example.com"},
		AddressLines: []string{"4 place du Marché", "69001 Lyon"}, Language: "fr", Kind: "business",
	}); err != nil {
		t.Fatal(err)
	}
	today := calendar.Of(time.Now())
	for i := 1; i <= invoices; i++ {
		amount := decimal.NewFromInt(int64(100 + i))
		if _, err := st.UpsertInvoice(ctx, id, store.NewInvoice{
			Number: fmt.Sprintf("FA%02d", i), Customer: "C1", IssueDate: today.AddDays(-40), DueDate: today.AddDays(-1),
			Amount: amount, Balance: amount,
		}); err != nil {
			t.Fatal(err)
		}
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
	for _, queue := range []string{dunning.TaskQueue, dunning.LetterTaskQueue} {
		w := worker.New(tc, queue, worker.Options{})
		workflows.Register(w)
		w.RegisterWorkflowWithOptions(listen, workflow.RegisterOptions{Name: "listen"})
		w.RegisterActivity(acts)
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
	}
	return &cadenceWorld{st: st, srv: srv, tc: tc, acts: acts, box: box, company: company}
}

// sentLetter is one customer letter of C1 as the ledger has it.
type sentLetter struct {
	id     int64
	sentAt time.Time
	pdf    []byte
	items  map[string]string // invoice → level of the letters rows under it
}

// customerLetters returns C1's customer letters sent, oldest first, with
// the letters rows (invoice, level) recorded under each.
func (cw *cadenceWorld) customerLetters(t *testing.T) []sentLetter {
	t.Helper()
	ctx := context.Background()
	rows, err := cw.st.Pool.Query(ctx, `
		SELECT cl.id, cl.sent_at, cl.pdf FROM customer_letters cl JOIN customers cu ON cu.id = cl.customer_id
		WHERE cu.code = 'C1' AND cl.status IN ('sent', 'queued_print') ORDER BY cl.sent_at`)
	if err != nil {
		t.Fatal(err)
	}
	var out []sentLetter
	for rows.Next() {
		var l sentLetter
		if err := rows.Scan(&l.id, &l.sentAt, &l.pdf); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	rows.Close()
	for i := range out {
		out[i].items = map[string]string{}
		rows, err := cw.st.Pool.Query(ctx, `
			SELECT i.number, l.level_code FROM letters l JOIN invoices i ON i.id = l.invoice_id
			WHERE l.customer_letter_id = $1 AND l.status IN ('sent', 'queued_print')`, out[i].id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n, lv string
			if err := rows.Scan(&n, &lv); err != nil {
				t.Fatal(err)
			}
			out[i].items[n] = lv
		}
		rows.Close()
	}
	return out
}

// record writes the history of workflow id (latest run) to
// $RELANCE_RECORD_CADENCE/name, for the replay test (testdata/).
func (cw *cadenceWorld) record(t *testing.T, id, name string) {
	t.Helper()
	dir := os.Getenv("RELANCE_RECORD_CADENCE")
	if dir == "" {
		return
	}
	bin, err := temporaltest.Binary()
	if err != nil {
		t.Fatal(err)
	}
	js, err := exec.Command(bin, "workflow", "show", "--workflow-id", id, "--address", cw.srv.Address, "--output", "json").Output()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), js, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCadenceTenInvoicesAtMostTwoLettersInTwoWeeks: a customer whose ten
// invoices reach R1 on ten consecutive (demo) days, with the default
// cadence of 7 days, receives at most two letters in those two weeks, the
// letters at least 7 days apart, and every invoice is on the letter that
// carried its R1: the ledger's letters rows under each customer letter are
// what its PDF shows.
func TestCadenceTenInvoicesAtMostTwoLettersInTwoWeeks(t *testing.T) {
	if testing.Short() {
		t.Skip("about a minute on a real Temporal server")
	}
	t.Parallel()
	ctx := context.Background()
	const n = 10
	cw := newCadenceWorld(t, "CAD", n)
	began := time.Now()
	defer func() { t.Logf("took %s", time.Since(began).Round(time.Second)) }()
	var runs []client.WorkflowRun
	for i := 1; i <= n; i++ {
		// Invoice i falls due i-1 demo days after the first (the scan
		// starts a workflow the day its invoice falls due).
		number := fmt.Sprintf("FA%02d", i)
		run, err := cw.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: dunning.WorkflowID(cw.company, number), TaskQueue: dunning.TaskQueue,
			StartDelay: time.Duration((i-1)*cadenceDay) * time.Second,
		}, dunning.InvoiceWorkflowType, wire.Input{Company: cw.company, Invoice: number})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	deadline := time.Now().Add(40 * cadenceDay * time.Second)
	var letters []sentLetter
	for {
		letters = cw.customerLetters(t)
		carried := 0
		for _, l := range letters {
			carried += len(l.items)
		}
		if carried >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d demo days %d R1 letters carried, want %d: %+v", 40, carried, n, letters)
		}
		time.Sleep(500 * time.Millisecond)
	}

	t.Logf("every R1 carried after %s", time.Since(began).Round(time.Second))
	period := 7 * cadenceDay * time.Second
	first := letters[0].sentAt
	inTwoWeeks := 0
	for i, l := range letters {
		if l.sentAt.Before(first.Add(2 * period)) {
			inTwoWeeks++
		}
		if i > 0 && l.sentAt.Sub(letters[i-1].sentAt) < period {
			t.Errorf("letter %d went %s after the previous one, want at least %s (7 demo days)", i+1, l.sentAt.Sub(letters[i-1].sentAt), period)
		}
	}
	if inTwoWeeks > 2 {
		t.Errorf("%d letters in the two weeks after the first, want at most 2", inTwoWeeks)
	}
	if got := len(cw.box.messages()); got != len(letters) {
		t.Errorf("%d e-mails mailed, %d customer letters sent", got, len(letters))
	}
	seen := map[string]bool{}
	for i, l := range letters {
		// A statement whose items are all at one level has no level
		// column: its reference names the level.
		shown, text := mailedLevels(t, l.pdf), pdfText(t, l.pdf)
		for number, level := range l.items {
			if seen[number] {
				t.Errorf("%s R1 recorded under two letters", number)
			}
			seen[number] = true
			got, listed := shown[number]
			if got == "" && strings.Contains(text, "-"+level+"-") {
				got = level
			}
			if level != "R1" || !listed || got != level {
				t.Errorf("letter %d: the ledger records %s at %s, its PDF shows %q (listed %v)", i+1, number, level, got, listed)
			}
		}
		t.Logf("letter %d at +%s carries %v", i+1, l.sentAt.Sub(first).Round(100*time.Millisecond), l.items)
	}
	for i := 1; i <= n; i++ {
		number := fmt.Sprintf("FA%02d", i)
		if !seen[number] {
			t.Errorf("%s: no R1 recorded", number)
			continue
		}
		resp, err := cw.tc.QueryWorkflow(ctx, dunning.WorkflowID(cw.company, number), "", dunning.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		var s dunning.State
		if err := resp.Get(&s); err != nil {
			t.Fatal(err)
		}
		if s.Level != "R1" {
			t.Errorf("%s: the workflow is at %s, the ledger shows R1 sent", number, s.Level)
		}
	}
	// F02 waited for the customer's next letter: record it and the last
	// statement (spaced by the cadence) for the replay test.
	for _, run := range runs {
		_ = cw.tc.TerminateWorkflow(ctx, run.GetID(), "", "test over")
	}
	cw.record(t, dunning.WorkflowID(cw.company, "FA02"), "cadence_invoice_deferred.json")
	cw.record(t, "letters/"+cw.company+"/C1/"+calendar.Of(time.Now().In(mustParisLoc(t))).String(), "cadence_statement_round.json")
}

func mustParisLoc(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// pdfText is the text of a PDF (pdftotext).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestCadenceLateHandOverNeverASecondLetter: letters handed over late to a
// customer's statement (while it is being mailed, and after it went out)
// are not sent in a second letter inside the period: each invoice is told
// its letter joins the customer's next letter, 7 days after the one that
// went out.
func TestCadenceLateHandOverNeverASecondLetter(t *testing.T) {
	if testing.Short() {
		t.Skip("a real Temporal server")
	}
	t.Parallel()
	ctx := context.Background()
	cw := newCadenceWorld(t, "CAL", 3)
	r1 := cadenceLadder[0]
	told := map[string]client.WorkflowRun{}
	item := func(number string) wire.LetterItem {
		id, err := cw.st.InvoiceID(ctx, cw.company, number)
		if err != nil {
			t.Fatal(err)
		}
		it := wire.LetterItem{InvoiceID: id, Invoice: number, Level: r1, Sequence: 1, WorkflowID: "listen/" + number}
		run, err := cw.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: it.WorkflowID, TaskQueue: dunning.TaskQueue}, "listen")
		if err != nil {
			t.Fatal(err)
		}
		told[number] = run
		return it
	}
	onTime, during, after := item("FA01"), item("FA02"), item("FA03")
	paris := mustParisLoc(t)
	slot := time.Now()
	today := calendar.Of(slot.In(paris))
	req := func(it wire.LetterItem) wire.QueueRequest {
		return wire.QueueRequest{
			Company: cw.company, Customer: "C1", Date: today, Window: cadenceDay * time.Second / 2, Item: it,
			Slot: today.String(), SendAt: slot, Until: today.AddDays(1).At(0, paris), Rounds: true,
		}
	}
	cw.box.mu.Lock()
	cw.box.during = func() {
		if err := cw.acts.QueueLetter(ctx, req(during)); err != nil {
			t.Errorf("hand FA02 over during the send: %v", err)
		}
	}
	cw.box.mu.Unlock()
	if err := cw.acts.QueueLetter(ctx, req(onTime)); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	result := func(number string) wire.ItemResult {
		var r wire.ItemResult
		if err := told[number].Get(wctx, &r); err != nil {
			t.Fatalf("result of %s: %v", number, err)
		}
		return r
	}
	if r := result("FA01"); r.Status != wire.LetterSent {
		t.Fatalf("FA01: %s (%s), want sent", r.Status, r.Detail)
	}
	rDuring := result("FA02")
	letters := cw.customerLetters(t)
	if len(letters) != 1 {
		t.Fatalf("%d letters sent, want 1", len(letters))
	}
	// After the statement went out (its workflow ended or not), for the
	// same slot.
	if err := cw.acts.QueueLetter(ctx, req(after)); err != nil {
		t.Fatal(err)
	}
	rAfter := result("FA03")
	want := letters[0].sentAt.Add(7 * cadenceDay * time.Second)
	for name, r := range map[string]wire.ItemResult{"FA02": rDuring, "FA03": rAfter} {
		if r.Status != wire.LetterDeferred || r.NextSlot.IsZero() {
			t.Errorf("%s: %s %q, want deferred to the customer's next letter", name, r.Status, r.Detail)
			continue
		}
		if d := r.NextSlot.Sub(want); d > 10*time.Millisecond || d < -2*time.Second {
			t.Errorf("%s waits until %s, want the letter's time + 7 demo days (%s)", name, r.NextSlot, want)
		}
	}
	time.Sleep(3 * cadenceDay * time.Second) // a second letter would show now
	if n := len(cw.box.messages()); n != 1 {
		t.Errorf("%d e-mails, want 1", n)
	}
	if got := cw.customerLetters(t); len(got) != 1 || fmt.Sprint(got[0].items) != "map[FA01:R1]" {
		t.Errorf("letters %+v, want one carrying FA01 at R1", got)
	}
}
