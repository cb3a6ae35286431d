package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/client"
)

// state queries an invoice workflow's state.
func state(t *testing.T, id string) (dunning.State, error) {
	t.Helper()
	var s dunning.State
	v, err := tc.QueryWorkflow(context.Background(), id, "", dunning.QueryState)
	if err == nil {
		err = v.Get(&s)
	}
	return s, err
}

// TestBadPaymentSignalsDoNotJamTheDunning sends, with the temporal CLI as
// a payment system would, an amount of 1e309 (numeric field overflow in
// PostgreSQL) and a NUL in the external ID (invalid byte sequence): both
// are recorded payment_rejected, a good payment sent after them counts
// within seconds, the next letter goes out, and the last payment ends the
// dunning. With RELANCE_RECORD_DIR set the history is saved for the
// replay test (workflows/testdata/payment_checks_rejected.json).
func TestBadPaymentSignalsDoNotJamTheDunning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company = "PAYJAM"
	loadCompany(t, company, 4)
	defer terminateCompany(t, company)
	id := dunning.WorkflowID(company, "FA0168")
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: dunning.TaskQueue}, dunning.InvoiceWorkflowType, wire.Input{Company: company, Invoice: "FA0168"})
	if err != nil {
		t.Fatal(err)
	}
	bin, err := temporaltest.Binary()
	if err != nil {
		t.Fatal(err)
	}
	for _, input := range []string{
		`{"externalId":"X3","amount":"1e309"}`,
		`{"externalId":"X\u0000","amount":"50"}`,
		`{"externalId":"GOOD-50","amount":"50.00","method":"transfer"}`,
	} {
		signalWithCLI(t, bin, id, input)
	}
	var s dunning.State
	eventually(t, 20*time.Second, "the good payment counted after the bad ones", func() bool {
		s, err = state(t, id)
		return err == nil && s.Balance.Equal(decimal.RequireFromString("5969.20"))
	})
	var rejected []string
	for _, e := range s.History {
		if e.Kind == dunning.EventPaymentBad {
			rejected = append(rejected, e.Detail)
		}
	}
	if len(rejected) != 2 || !strings.Contains(rejected[0], "too large") || !strings.Contains(rejected[1], "control characters") {
		t.Errorf("rejected = %q, want 1e309 too large and the NUL refused", rejected)
	}
	eventually(t, 60*time.Second, "the R1 letter after the bad payments", func() bool {
		s, err = state(t, id)
		return err == nil && s.Level != "NONE"
	})
	if err := tc.SignalWorkflow(ctx, id, "", dunning.SignalPayment, dunning.Payment{
		ExternalID: "GOOD-REST", Amount: decimal.RequireFromString("5969.20"), PaidOn: today,
	}); err != nil {
		t.Fatal(err)
	}
	var res wire.Result
	ctxT, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := run.Get(ctxT, &res); err != nil || res.Outcome != dunning.StatusPaid {
		t.Fatalf("result %+v, %v; want paid", res, err)
	}
	invID, _ := st.InvoiceID(ctx, company, "FA0168")
	chk, err := st.CheckInvoice(ctx, invID)
	if err != nil || chk.Balance.Sign() != 0 {
		t.Errorf("ledger balance %s %v, want 0", chk.Balance, err)
	}
	if dir := os.Getenv("RELANCE_RECORD_DIR"); dir != "" {
		save(t, dir, "payment_checks_rejected.json", run.GetID(), run.GetRunID())
	}
}

// TestPaymentReachesEveryInstalmentWorkflow pays an invoice dunned by
// instalment (workflows dunning/<co>/<inv>#n), first with a raw signal to
// the last instalment's workflow, then through relance's payment path: the
// payment, allocated to the earliest instalments, reaches each instalment
// workflow it paid, and they end within seconds.
func TestPaymentReachesEveryInstalmentWorkflow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company = "PAYINST"
	loadCompany(t, company, 3600) // letters far away: this test is about payments
	defer terminateCompany(t, company)
	invID, err := st.InvoiceID(ctx, company, "FA0168") // 6019.20 due
	if err != nil {
		t.Fatal(err)
	}
	third := decimal.RequireFromString("2006.40")
	if err := st.SetInstalments(ctx, invID, []store.Instalment{
		{Seq: 1, DueDate: today.AddDays(-40), Amount: third, Balance: third},
		{Seq: 2, DueDate: today.AddDays(-10), Amount: third, Balance: third},
		{Seq: 3, DueDate: today.AddDays(-5), Amount: third, Balance: third},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := scan.Run(ctx, st, tc, company, today, slog.Default()); err != nil {
		t.Fatal(err)
	}
	ids := []string{
		dunning.InstalmentWorkflowID(company, "FA0168", 1), dunning.InstalmentWorkflowID(company, "FA0168", 2),
		dunning.InstalmentWorkflowID(company, "FA0168", 3),
	}
	for _, id := range ids {
		eventually(t, 20*time.Second, id+" running", func() bool { _, err := state(t, id); return err == nil })
	}
	// A payment system signals the last instalment's workflow (a raw
	// Temporal signal): the ledger allocates the money to the earliest
	// instalments, and their workflows are told and end.
	first := dunning.Payment{ExternalID: "VIR-INST-1", Amount: decimal.RequireFromString("4100.00"), PaidOn: today, Source: "test"}
	if err := tc.SignalWorkflow(ctx, ids[2], "", dunning.SignalPayment, first); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for _, id := range ids[:2] {
		ctxT, cancel := context.WithTimeout(ctx, 30*time.Second)
		var res wire.Result
		err := tc.GetWorkflow(ctxT, id, "").Get(ctxT, &res)
		cancel()
		if err != nil || res.Outcome != dunning.StatusPaid {
			t.Errorf("%s: %+v %v, want paid", id, res, err)
		}
	}
	t.Logf("instalments 1 and 2 ended %s after the signal to instalment 3", time.Since(start).Round(time.Millisecond))
	eventually(t, 20*time.Second, "instalment 3's balance lowered", func() bool {
		s, err := state(t, ids[2])
		return err == nil && s.Balance.Equal(decimal.RequireFromString("1919.20"))
	})

	// The rest through relance's payment path (webhook, CLI, web, bank):
	// the ledger first, then every workflow the allocation reached.
	ops := &actions.Ops{Store: st, Temporal: tc}
	rest := dunning.Payment{ExternalID: "VIR-INST-2", Amount: decimal.RequireFromString("1919.20"), PaidOn: today, Source: "test"}
	out, err := ops.Pay(ctx, company, "FA0168", rest)
	if err != nil || !out.Signalled || fmt.Sprint(out.Result.Instalments) != "[3]" {
		t.Fatalf("pay: %+v %v; want signalled, instalment 3", out, err)
	}
	start = time.Now()
	ctxT, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var res wire.Result
	if err := tc.GetWorkflow(ctxT, ids[2], "").Get(ctxT, &res); err != nil || res.Outcome != dunning.StatusPaid {
		t.Errorf("%s: %+v %v, want paid", ids[2], res, err)
	}
	t.Logf("instalment 3 ended %s after the payment", time.Since(start).Round(time.Millisecond))
	// The same payment again changes nothing.
	again, err := ops.Pay(ctx, company, "FA0168", rest)
	if err != nil || !again.Result.Duplicate || !again.Result.Balance.IsZero() {
		t.Errorf("repeat: %+v %v, want a duplicate, balance 0", again, err)
	}
}

// signalWithCLI sends a payment signal with the temporal CLI, as a payment
// system would, again after a pause while the server answers that the
// workflow is busy (its lock contended on a loaded machine): a payment
// system retries such an answer.
func signalWithCLI(t *testing.T, bin, id, input string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		out, err := exec.Command(bin, "workflow", "signal", "--address", temporal.Address, "--workflow-id", id,
			"--name", dunning.SignalPayment, "--input", input).CombinedOutput()
		if err == nil {
			return
		}
		if attempt == 10 || !strings.Contains(string(out), "Workflow is busy") {
			t.Fatalf("temporal workflow signal %s: %v\n%s", input, err, out)
		}
		time.Sleep(time.Second)
	}
}
