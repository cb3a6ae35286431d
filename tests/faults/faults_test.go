// Package faults_test runs the fault tests: the real worker binary as its
// own process against a real Temporal dev server (restarted), PostgreSQL
// behind a proxy that can be cut, and the SES emulator behind a recording
// proxy, on a compressed ladder. It kills the worker with SIGKILL and
// stops it with SIGTERM while letters (customer statements) are being
// sent, and checks from what the SES endpoint received that every
// (invoice, level) reached its customer exactly once, no letter lost, delays kept, no workflow failed, and that
// the histories carry no customer name or e-mail address.
package faults_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/platform/codec"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

const (
	company    = "FLT"
	daySeconds = 10 // one ladder day lasts 10 s
	nInvoices  = 7  // one customer each: one letter per (invoice, level); C7 also gets F8 during a send
	// grace is the collection window of a demo statement (ladder.Clock
	// Grace: half a demo day): a letter due at t leaves with the round
	// that collects from t for this long. It is the demo clocks' send-hour
	// rounding: every letter leaves this long after its due time.
	grace = daySeconds * time.Second / 2
	// lateBound is how long after its round a letter may leave on a
	// loaded machine with no fault: checking the ledger, handing the
	// letter over, starting the statement, rendering and sending.
	lateBound = 5 * time.Second
	// recoveryBound is how long after a fault ends a letter it delayed may
	// still wait: the workflows' short activities retry at most 30 s
	// apart (and one attempt may hang up to its 30 s timeout), then the
	// round collects (grace) and sends.
	recoveryBound = 60*time.Second + grace + lateBound
)

// window is a fault's span: letters due inside it may leave late.
type window struct {
	name       string
	start, end time.Time
}

var faultLadder = ladder.Ladder{
	{Code: "R1", Label: "Relevé de factures impayées", DelayDays: 1, Channel: ladder.ChannelEmail},
	{Code: "R2", Label: "2ème relance", DelayDays: 4, Channel: ladder.ChannelEmail},
	{Code: "MED", Label: "Mise en demeure de payer", DelayDays: 4, Channel: ladder.ChannelEmail}, // every ladder ends with the formal notice
}

func customerName(i int) string  { return fmt.Sprintf("Zorglub Privatus%d", i) }
func customerEmail(i int) string { return fmt.Sprintf("zorglub%d@faults.example.com", i) }

func TestFaultsLoseNoLetterAndSendNoneTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: a few minutes with real processes")
	}
	ctx := context.Background()
	start := time.Now()
	st, dbURL := dbtest.New(t)
	loadFaultCompany(t, st)

	emu := sesemu.StartT(t)
	rec := newSESRecorder(t, emu.URL)
	pg := newCutProxy(t, hostPort(dbURL))
	tsrv, err := temporaltest.StartPersistent(filepath.Join(t.TempDir(), "temporal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tsrv.Stop)

	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keys := "k1=" + base64.StdEncoding.EncodeToString(key)
	cdc, err := codec.Parse(keys)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := client.Dial(client.Options{HostPort: tsrv.Address, DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)

	w := &workerProc{t: t, bin: buildWorker(t), logs: &syncBuffer{}, env: []string{
		"DATABASE_URL=" + strings.Replace(dbURL, hostPort(dbURL), pg.addr(), 1),
		"TEMPORAL_ADDRESS=" + tsrv.Address, "TEMPORAL_NAMESPACE=default",
		"TEMPORAL_CONFIG_FILE=" + filepath.Join(t.TempDir(), "none.toml"),
		"SES_ENDPOINT=" + rec.srv.URL, "AWS_REGION=eu-west-3",
		"PAYLOAD_KEYS=" + keys, "LOG_LEVEL=info",
		"LETTER_RESEND_AFTER=30s", // a letter SES never took goes again 30 s after its claim
	}}
	t.Cleanup(func() {
		if w.cmd != nil && w.cmd.ProcessState == nil {
			_ = w.cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("worker log:\n%s", w.logs.String())
		}
	})
	w.start()
	t.Logf("set up in %s", time.Since(start).Round(time.Second))

	// Fault 1: SIGKILL while the R1 letters are on their way to SES.
	rec.Hold()
	today := calendar.Of(time.Now().In(mustParis()))
	dunningStart := time.Now()
	rep, err := scan.Run(ctx, st, tc, company, today, slog.New(slog.DiscardHandler))
	if err != nil || len(rep.Started) != nInvoices {
		t.Fatalf("scan: %v %+v", err, rep)
	}
	scanned := time.Now()
	settleInFlight(t, st, rec)
	killed := rec.Held()
	if err := w.stop(syscall.SIGKILL, 10*time.Second); err == nil {
		t.Fatal("worker exited cleanly after SIGKILL")
	}
	killedAt := time.Now()
	faults := []window{{name: "SIGKILL", start: dunningStart}}
	rec.Release()
	w.start()
	t.Logf("fault 1: SIGKILL with %d letter(s) in flight at %s", killed, time.Since(scanned).Round(time.Second))

	// Fault 2: the Temporal server restarts between two levels, while the
	// killed sends wait for their heartbeat timeout.
	waitFor(t, 90*time.Second, "every R1 mailed", func() bool { return len(refsAt(rec, "R1")) == nInvoices })
	restart := time.Now()
	if err := tsrv.Restart(); err != nil {
		t.Fatal(err)
	}
	restarted := time.Since(restart)
	t.Logf("fault 2: Temporal dev server restarted in %s", restarted.Round(100*time.Millisecond))

	// The crash is decided in seconds (heartbeat timeout), not minutes:
	// each letter in flight becomes uncertain and is never sent again;
	// SES (the emulator's store) then tells that it went out.
	waitFor(t, 90*time.Second, "the killed letters decided", func() bool { return everUncertain(t, st) >= killed })
	faults[0].end = time.Now()
	faults = append(faults, window{name: "Temporal restart", start: restart, end: restart.Add(restarted)})
	t.Logf("fault 1: killed letters decided %s after the kill", time.Since(killedAt).Round(time.Second))

	// Fault 3: SIGTERM while the next letters are on their way: the worker
	// lets them finish, records them sent, and exits cleanly.
	rec.Hold()
	termStart := time.Now()
	waitFor(t, 120*time.Second, "the next wave of letters", func() bool { return rec.Held() > 0 })
	settleInFlight(t, st, rec)
	termed := rec.Held()
	uncertainBefore := everUncertain(t, st)
	termErr := make(chan error, 1)
	go func() { termErr <- w.stop(syscall.SIGTERM, 100*time.Second) }()
	time.Sleep(time.Second) // the worker is draining: the sends in flight are still waiting on SES
	rec.Release()
	if err := <-termErr; err != nil {
		t.Errorf("worker exit after SIGTERM: %v", err)
	}
	if n := everUncertain(t, st); n != uncertainBefore {
		t.Errorf("SIGTERM left %d letter(s) uncertain, want none", n-uncertainBefore)
	}
	t.Logf("fault 3: SIGTERM with %d letter(s) in flight, all recorded sent", termed)
	w.start()
	faults = append(faults, window{name: "SIGTERM", start: termStart, end: time.Now()})

	// Fault 4: PostgreSQL unreachable for 60 s from the moment SES receives
	// the next letter: writing its outcome waits for the database, and no
	// letter becomes uncertain for it. Fault 5: a letter (F8 of C7) is
	// handed to C7's statement while that statement is being mailed: it is
	// deferred, never recorded under the letter that did not show it.
	const outage = 60 * time.Second
	uncertainBefore = everUncertain(t, st)
	var hooks sync.Mutex
	var cutAt, restoredAt time.Time
	var raceErr error
	raced := false
	rec.OnSend(func(m mailed) {
		hooks.Lock()
		defer hooks.Unlock()
		if cutAt.IsZero() {
			pg.Cut()
			cutAt = time.Now()
			time.AfterFunc(outage, func() {
				pg.Restore()
				hooks.Lock()
				restoredAt = time.Now()
				hooks.Unlock()
			})
		}
		if !raced && strings.Contains(m.to, customerEmail(7)) {
			raced = true
			raceErr = handF8During(ctx, st, tc)
		}
	})
	waitFor(t, 150*time.Second, "the outage over", func() bool {
		hooks.Lock()
		defer hooks.Unlock()
		return !restoredAt.IsZero()
	})
	t.Logf("fault 4: PostgreSQL cut for %s while a letter was at SES", restoredAt.Sub(cutAt).Round(100*time.Millisecond))
	hooks.Lock()
	faults = append(faults, window{name: "PostgreSQL outage", start: cutAt, end: restoredAt})
	hooks.Unlock()

	// Every (invoice, level) of F1..F7 mailed (F8's letter comes on top),
	// then nothing left on its way or to send again. A statement whose
	// attempts fell in the outage is retried 10 s, 20 s, 40 s, 80 s... apart
	// (its activity's retry policy): it may go up to 160 s after it.
	waitFor(t, 200*time.Second, "every letter mailed", func() bool { return mailedItems(t, rec) == nInvoices*len(faultLadder) }, func() { dumpLedger(t, st) })
	waitFor(t, 200*time.Second, "every letter settled", func() bool { return unsettled(t, st) == 0 }, func() { dumpLedger(t, st) })
	time.Sleep(daySeconds * time.Second) // a retry sending twice would show now
	if n := everUncertain(t, st); n != uncertainBefore {
		t.Errorf("the PostgreSQL outage made %d letter(s) uncertain, want none", n-uncertainBefore)
	}
	hooks.Lock()
	if !raced || raceErr != nil {
		t.Errorf("fault 5: F8 handed to C7's statement during its send: %v (happened %v)", raceErr, raced)
	}
	hooks.Unlock()
	rec.OnSend(nil)
	waitFor(t, 90*time.Second, "no letter left to verify", func() bool { return countStatus(t, st, "uncertain") == 0 }, func() { dumpLedger(t, st) })
	checkMailedAgainstLedger(t, st, rec.Mails())

	// Every (invoice, level) mailed exactly once, none lost: the items of
	// a mailed letter are the ledger's rows under its reference (checked
	// above against its PDF), or read from the reference when it has none.
	carried := ledgerItems(t, st)
	count := map[string]int{}
	first := map[string]time.Time{}
	for _, m := range rec.Mails() {
		items := carried[m.reference]
		if len(items) == 0 {
			items = []string{itemOf(t, m.reference)}
		}
		for _, item := range items {
			count[item]++
			if _, ok := first[item]; !ok {
				first[item] = m.at
			}
		}
	}
	if n := count["F8-R1"]; n > 1 {
		t.Errorf("F8-R1 mailed %d times, want at most once", n)
	}
	delete(count, "F8-R1") // F8 joined C7's next letter, or waits for it
	for i := 1; i <= nInvoices; i++ {
		for _, lv := range faultLadder {
			if ref := fmt.Sprintf("F%d-%s", i, lv.Code); count[ref] != 1 {
				t.Errorf("%s mailed %d times, want once", ref, count[ref])
			}
		}
	}
	checkLadderTimes(t, st, tc, first, faults)
	if len(count) != nInvoices*len(faultLadder) {
		t.Errorf("SES received %d distinct letters (%d e-mails): %v", len(count), len(rec.Mails()), count)
	}
	msgs, err := emu.Messages(ctx)
	if err != nil || len(msgs) != len(rec.Mails()) {
		t.Errorf("emulator holds %d messages, the endpoint received %d (%v)", len(msgs), len(rec.Mails()), err)
	}

	// No workflow failed.
	statuses := workflowStatuses(t, tc)
	for id, s := range statuses {
		if s != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING && s != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED && s != enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			t.Errorf("workflow %s ended %s", id, s)
		}
	}
	t.Logf("counts: %d e-mails at SES for %d (invoice, level); letters uncertain %d (ever %d, settled by SES %d), sent %d; %d workflows, none failed; total %s",
		len(rec.Mails()), len(count), countStatus(t, st, "uncertain"), everUncertain(t, st), settledBySES(t, st), countStatus(t, st, "sent"), len(statuses), time.Since(start).Round(time.Second))

	// Privacy: a history downloaded with the temporal CLI names no customer.
	t.Run("history carries no customer name or e-mail", func(t *testing.T) {
		bin, err := temporaltest.Binary()
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{dunning.WorkflowID(company, "F1")}
		for id := range statuses {
			if id != ids[0] {
				ids = append(ids, id)
			}
		}
		for _, id := range ids {
			out, err := exec.Command(bin, "workflow", "show", "--workflow-id", id, "--address", tsrv.Address, "--output", "json").CombinedOutput()
			if err != nil {
				t.Fatalf("temporal workflow show %s: %v\n%s", id, err, out)
			}
			for i := 1; i <= nInvoices; i++ {
				for _, secret := range []string{customerName(i), customerEmail(i), "Zorglub", "Privatus", "faults.example.com"} {
					if strings.Contains(string(out), secret) {
						t.Errorf("history of %s shows %q", id, secret)
					}
				}
			}
			if !strings.Contains(string(out), base64.StdEncoding.EncodeToString([]byte(codec.Encoding))) {
				t.Errorf("history of %s has no encrypted payload: is the codec on?", id)
			}
		}
		if lines := w.logLines("faults.example.com"); len(lines) > 0 {
			t.Errorf("the worker logged e-mail addresses:\n%s", strings.Join(lines, "\n"))
		}
		t.Logf("%d histories checked", len(ids))
	})
}

// handF8During adds invoice F8 to C7 (overdue) and hands its R1 letter
// to C7's statement workflow running now, as an invoice workflow does:
// called while that statement's e-mail is at SES, the letter arrives
// during the workflow task that sends it.
func handF8During(ctx context.Context, st *store.Store, tc client.Client) error {
	co, err := st.CompanyByCode(ctx, company)
	if err != nil {
		return err
	}
	today := calendar.Of(time.Now().In(mustParis()))
	amount := decimal.NewFromInt(800)
	id, err := st.UpsertInvoice(ctx, co.ID, store.NewInvoice{
		Number: "F8", Customer: "C7", IssueDate: today.AddDays(-40), DueDate: today.AddDays(-10), Amount: amount, Balance: amount,
	})
	if err != nil {
		return err
	}
	resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", dunning.CustomerLetterWorkflowType)})
	if err != nil {
		return err
	}
	for _, e := range resp.Executions {
		if strings.HasPrefix(e.Execution.WorkflowId, "letters/"+company+"/C7/") {
			item := wire.LetterItem{InvoiceID: id, Invoice: "F8", Level: faultLadder[0], Sequence: 1, WorkflowID: dunning.WorkflowID(company, "F8")}
			return tc.SignalWorkflow(ctx, e.Execution.WorkflowId, "", dunning.SignalAddLetter, item)
		}
	}
	return fmt.Errorf("no running statement of C7")
}

// checkMailedAgainstLedger compares what customers received with the
// ledger: each mailed PDF's rows and levels (pdftotext) against the
// letters rows of the customer letter with its reference, every letters
// row recorded sent against a mailed PDF that shows it at its level, and
// no reference mailed twice.
func checkMailedAgainstLedger(t *testing.T, st *store.Store, mails []mailed) {
	t.Helper()
	ctx := context.Background()
	byRef := map[string]mailed{}
	for _, m := range mails {
		if _, ok := byRef[m.reference]; ok {
			t.Errorf("letter %s mailed twice", m.reference)
		}
		byRef[m.reference] = m
	}
	rows, err := st.Pool.Query(ctx, `
		SELECT c.reference, i.number, l.level_code, l.status FROM letters l
		JOIN invoices i ON i.id = l.invoice_id JOIN customer_letters c ON c.id = l.customer_letter_id
		WHERE l.status IN ('sent', 'uncertain', 'sending', 'queued_print') ORDER BY l.id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ ref, number, level, status string }
	recorded, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.ref, &x.number, &x.level, &x.status)
	})
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]map[string]string{} // reference → invoice → level shown
	levelsOf := func(ref string) map[string]string {
		if v, ok := shown[ref]; ok {
			return v
		}
		m, ok := byRef[ref]
		if !ok || m.pdf == nil {
			shown[ref] = nil
			return nil
		}
		shown[ref] = pdfLevels(t, m.pdf, ref)
		return shown[ref]
	}
	known := map[string]bool{}
	for _, r := range recorded {
		known[r.number+" "+r.level] = true
		levels := levelsOf(r.ref)
		switch {
		case levels == nil:
			t.Errorf("ledger: %s %s %s under letter %s, which no customer received", r.number, r.level, r.status, r.ref)
		case levels[r.number] != r.level:
			t.Errorf("ledger: %s %s %s under letter %s, whose PDF shows %s at %q", r.number, r.level, r.status, r.ref, r.number, levels[r.number])
		}
	}
	for ref := range byRef {
		for number, level := range levelsOf(ref) {
			if level != "" && !known[number+" "+level] {
				t.Errorf("letter %s shows %s at %s, a letter the ledger does not record", ref, number, level)
			}
		}
	}
	t.Logf("%d mailed letters checked against %d ledger rows", len(byRef), len(recorded))
}

// pdfLevels reads a statement PDF (pdftotext) and returns each invoice
// row's level ("" when it shows none). A table whose rows are all at one
// level has no level column: that level is the letter's, the third part
// of its reference, which the PDF must print.
func pdfLevels(t *testing.T, pdf []byte, reference string) map[string]string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	codes := map[string]bool{}
	for _, lv := range faultLadder {
		codes[lv.Code] = true
	}
	rows := map[string]string{}
	column := false
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !invoiceNumber.MatchString(f[0]) {
			continue
		}
		rows[f[0]] = ""
		for _, w := range f[1:] {
			if codes[w] {
				rows[f[0]] = w
				column = true
			}
		}
	}
	if !strings.Contains(string(out), reference) {
		t.Errorf("the PDF mailed as %s does not print that reference", reference)
	}
	if parts := strings.Split(reference, "-"); !column && len(parts) == 4 {
		for n := range rows {
			rows[n] = parts[2]
		}
	}
	return rows
}

// ledgerItems returns, per customer letter reference, the (invoice,
// level) items the ledger records under it ("F1-R1").
func ledgerItems(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	rows, err := st.Pool.Query(context.Background(), `
		SELECT c.reference, i.number || '-' || l.level_code FROM letters l
		JOIN invoices i ON i.id = l.invoice_id JOIN customer_letters c ON c.id = l.customer_letter_id
		WHERE c.reference <> '' ORDER BY l.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var ref, item string
		if err := rows.Scan(&ref, &item); err != nil {
			t.Fatal(err)
		}
		out[ref] = append(out[ref], item)
	}
	return out
}

var invoiceNumber = regexp.MustCompile(`^F\d+$`)

// everUncertain counts the customer letters that were ever uncertain:
// still uncertain, or settled since (by SES or an operator).
func everUncertain(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), `
		SELECT count(*) FROM customer_letters WHERE status = 'uncertain' OR resolution <> ''`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// settledBySES counts the uncertain letters SES confirmed or showed never taken.
func settledBySES(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), `
		SELECT count(*) FROM customer_letters WHERE resolution IN ('ses', 'resend')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func loadFaultCompany(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	id, err := st.CreateCompany(ctx, store.Company{
		Code: company, LegalName: "Fautes & Pannes SAS", AddressLines: []string{"1 rue du Test", "75001 Paris"}, City: "Paris",
		SIRET: "552 100 554 00025", VATNumber: "FR 12 552100554", RCS: "RCS Paris B 552 100 554",
		IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPPXXX", SenderEmail: "relances@fautes.example.org",
		TimeZone: "Europe/Paris", Language: "fr", SendHour: 9, DemoDaySeconds: daySeconds,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetLadder(ctx, company, faultLadder); err != nil {
		t.Fatal(err)
	}
	today := calendar.Of(time.Now().In(mustParis()))
	for i := 1; i <= nInvoices; i++ {
		code := fmt.Sprintf("C%d", i)
		if _, err := st.UpsertCustomer(ctx, id, store.Customer{
			Code: code, Name: customerName(i), Emails: []string{customerEmail(i)},
			AddressLines: []string{"2 rue Privée", "75002 Paris"}, Language: "fr", Kind: "business",
		}); err != nil {
			t.Fatal(err)
		}
		amount := decimal.NewFromInt(int64(100 * i))
		if _, err := st.UpsertInvoice(ctx, id, store.NewInvoice{
			Number: fmt.Sprintf("F%d", i), Customer: code, IssueDate: today.AddDays(-40), DueDate: today.AddDays(-10),
			Amount: amount, Balance: amount,
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// settleInFlight waits until the whole wave of letters (one per invoice,
// all due at the same moment) is held at the SES endpoint and every letter
// claimed for sending is among them: killing the worker then interrupts
// letters whose requests have left, never one being composed (which a kill
// would delay by the heartbeat timeout) or claimed and not yet sent (which
// would be lost: README, "Exactly-once letters").
func settleInFlight(t *testing.T, st *store.Store, rec *sesRecorder) {
	t.Helper()
	waitFor(t, 45*time.Second, "the wave of letters held at SES", func() bool {
		return rec.Held() == nInvoices && countStatus(t, st, "sending") == nInvoices
	})
}

// countStatus counts the letters (customer letters and invoice letters
// not covered by one) in the given statuses.
func countStatus(t *testing.T, st *store.Store, statuses ...string) int {
	t.Helper()
	var n int
	err := st.Pool.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM customer_letters WHERE status = ANY($1))
		     + (SELECT count(*) FROM letters WHERE customer_letter_id IS NULL AND status = ANY($1))`, statuses).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// itemOf names the (invoice, level) a mailed letter is about, from its
// reference: a customer statement's "C<i>-<date>-<level>-<hash>" (customer
// C<i> has the one invoice F<i>, so its statement at a level is that
// invoice's letter at that level). Two statements for the same (invoice,
// level) have different references and count twice; an e-mail sent again
// keeps its reference and counts twice too.
func itemOf(t *testing.T, reference string) string {
	t.Helper()
	parts := strings.Split(reference, "-")
	if len(parts) != 4 || !strings.HasPrefix(parts[0], "C") {
		t.Errorf("unexpected letter reference %q", reference)
		return reference
	}
	return "F" + strings.TrimPrefix(parts[0], "C") + "-" + parts[2]
}

func refsAt(rec *sesRecorder, level string) []mailed {
	var out []mailed
	seen := map[string]bool{}
	for _, m := range rec.Mails() {
		if strings.Contains(m.reference, "-"+level+"-") && !seen[m.reference] {
			seen[m.reference] = true
			out = append(out, m)
		}
	}
	return out
}

func earliest(ms []mailed) time.Time {
	sort.Slice(ms, func(i, j int) bool { return ms[i].at.Before(ms[j].at) })
	return ms[0].at
}

// workflowStatuses lists every workflow of the namespace with its status.
func workflowStatuses(t *testing.T, tc client.Client) map[string]enumspb.WorkflowExecutionStatus {
	t.Helper()
	out := map[string]enumspb.WorkflowExecutionStatus{}
	var token []byte
	for {
		resp, err := tc.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{NextPageToken: token, PageSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.Executions {
			if prev, ok := out[e.Execution.WorkflowId]; ok && prev == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				continue // the current run of a continued-as-new chain
			}
			out[e.Execution.WorkflowId] = e.Status
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return out
		}
	}
}

func mustParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}

// mailedItems counts the (invoice, level) of F1..F7 that SES received.
func mailedItems(t *testing.T, rec *sesRecorder) int {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range rec.Mails() {
		if item := itemOf(t, m.reference); !strings.HasPrefix(item, "F8-") {
			seen[item] = true
		}
	}
	return len(seen)
}

// unsettled counts the letters still on their way or to be sent again:
// customer letters pending or sending, and invoice letters pending,
// sending or failed (a failed customer letter whose invoice letters went
// with a later letter, or were settled "resend", is over).
func unsettled(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	err := st.Pool.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM customer_letters WHERE status IN ('pending', 'sending'))
		     + (SELECT count(*) FROM letters WHERE status IN ('pending', 'sending', 'failed'))`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// dumpLedger logs every customer letter and invoice letter not settled,
// with what the ledger says about it (no customer data).
func dumpLedger(t *testing.T, st *store.Store) {
	t.Helper()
	rows, err := st.Pool.Query(context.Background(), `
		SELECT 'customer letter ' || id || ' ' || key || ' ' || status || ' resolution=' || COALESCE(resolution, '') ||
		       ' attempts=' || attempts || ' error=' || COALESCE(error, '') || ' rows=' ||
		       COALESCE((SELECT string_agg(i.number || ' ' || l.level_code || ' ' || l.status, ', ') FROM letters l JOIN invoices i ON i.id = l.invoice_id WHERE l.customer_letter_id = c.id), '')
		FROM customer_letters c
		UNION ALL
		SELECT 'letter ' || i.number || ' ' || l.level_code || ' #' || l.sequence || ' ' || l.status || ' under ' || COALESCE(l.customer_letter_id::text, '-') || ' error=' || COALESCE(l.error, '')
		FROM letters l JOIN invoices i ON i.id = l.invoice_id WHERE l.status NOT IN ('sent', 'queued_print')`)
	if err != nil {
		t.Logf("ledger dump: %v", err)
		return
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Logf("ledger dump: %v", err)
		return
	}
	t.Logf("ledger:\n%s", strings.Join(lines, "\n"))
}

// checkLadderTimes checks when each letter of F1..F7 went out against the
// workflows' rules, from the ledger's times: level j is due ladder days
// after the previous step (the first, after the dunning's start), and the
// step is the previous letter's due time when it left in its round, or
// its recorded sent time when it left late (more than a demo day after
// it) or was confirmed after being uncertain. A letter leaves with the
// round that collects from its due time (grace: the demo clocks' send-hour
// rounding), within lateBound; one due during a fault, within
// recoveryBound after the fault ended. So every gap between two levels is
// the ladder delay, plus grace when the previous step counted from its
// sent time, within those bounds: never shorter, never drifting.
func checkLadderTimes(t *testing.T, st *store.Store, tc client.Client, mailedAt map[string]time.Time, faults []window) {
	t.Helper()
	ctx := context.Background()
	day := time.Duration(daySeconds) * time.Second
	for i := 1; i <= nInvoices; i++ {
		number := fmt.Sprintf("F%d", i)
		start, err := dunningStartOf(ctx, tc, dunning.WorkflowID(company, number))
		if err != nil {
			t.Errorf("%s: %v", number, err)
			continue
		}
		var notes []string
		var step, prevMail time.Time
		for j, lv := range faultLadder {
			due := start.Add(time.Duration(lv.DelayDays) * day)
			if j > 0 {
				due = step.Add(time.Duration(lv.DelayDays) * day)
			}
			var sentAt time.Time
			var resolution string
			err := st.Pool.QueryRow(ctx, `
				SELECT l.sent_at, COALESCE(NULLIF(c.resolution, ''), l.resolution, '')
				FROM letters l JOIN invoices i ON i.id = l.invoice_id LEFT JOIN customer_letters c ON c.id = l.customer_letter_id
				JOIN companies co ON co.id = i.company_id
				WHERE co.code = $1 AND i.number = $2 AND l.level_code = $3 AND l.status = 'sent' ORDER BY l.sequence DESC LIMIT 1`,
				company, number, lv.Code).Scan(&sentAt, &resolution)
			if err != nil {
				t.Errorf("%s %s: sent time: %v", number, lv.Code, err)
				break
			}
			round := due.Add(grace)
			late := sentAt.Sub(round)
			allowed, why := lateBound, ""
			for _, f := range faults {
				if !f.end.IsZero() && due.Before(f.end) && sentAt.After(f.start) {
					if a := f.end.Sub(due) + recoveryBound; a > allowed {
						allowed, why = a, f.name
					}
				}
			}
			switch {
			case late < -time.Second:
				t.Errorf("%s %s went out %s before its round (due %s + %s)", number, lv.Code, (-late).Round(100*time.Millisecond), due.Format("15:04:05.0"), grace)
			case late > allowed:
				t.Errorf("%s %s went out %s after its round (due %s + %s), want at most %s%s", number, lv.Code, late.Round(100*time.Millisecond),
					due.Format("15:04:05.0"), grace, allowed.Round(time.Second), map[bool]string{true: " (" + why + ")", false: ""}[why != ""])
			}
			note := fmt.Sprintf("%s late %.1fs", lv.Code, late.Seconds())
			if why != "" {
				note += " (" + why + ")"
			}
			if m, ok := mailedAt[number+"-"+lv.Code]; ok {
				if !prevMail.IsZero() {
					note += fmt.Sprintf(" gap %.1fs", m.Sub(prevMail).Seconds())
				}
				prevMail = m
			}
			// The next level counts from this step, as the invoice
			// workflow counts it (stepTime, leftLate, recheckUnsure).
			step = due
			if resolution != "" || sentAt.Sub(due) > day {
				step = sentAt
				note += " [from sent time]"
			}
			notes = append(notes, note)
		}
		t.Logf("%s: %s", number, strings.Join(notes, "; "))
	}
}

// dunningStartOf returns when the invoice workflow id started counting
// (its first workflow task: workflow.Now of its Carry.Start).
func dunningStartOf(ctx context.Context, tc client.Client, id string) (time.Time, error) {
	it := tc.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return time.Time{}, fmt.Errorf("history of %s: %w", id, err)
		}
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED {
			return e.GetEventTime().AsTime(), nil
		}
	}
	return time.Time{}, fmt.Errorf("history of %s: no workflow task started", id)
}
