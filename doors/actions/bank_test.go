package actions_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/shopspring/decimal"
	"go.temporal.io/api/enums/v1"
)

func TestMain(m *testing.M) {
	code := m.Run()
	temporaltest.StopShared()
	os.Exit(code)
}

// bankFixture is the demo ledger in a fresh schema with Ops on the shared
// Temporal dev server (no dunning runs: payments are recorded, the signals
// find no workflow).
func bankFixture(t *testing.T, code ...string) (*actions.Ops, *store.Store) {
	t.Helper()
	st, _ := dbtest.New(t)
	co := demo.Company
	if len(code) > 0 {
		co = code[0] // its own workflow IDs on the shared Temporal server
	}
	if _, err := demo.Load(context.Background(), st, demo.Options{Today: calendar.New(2026, 12, 7), Code: co}); err != nil {
		t.Fatal(err)
	}
	return &actions.Ops{Store: st, Temporal: temporaltest.Shared(t).Client(t)}, st
}

func balance(t *testing.T, st *store.Store, number string) string {
	t.Helper()
	var b decimal.Decimal
	if err := st.Pool.QueryRow(context.Background(), `SELECT balance_due FROM invoices WHERE number = $1`, number).Scan(&b); err != nil {
		t.Fatal(err)
	}
	return b.StringFixed(2)
}

// TestImportSharedSamples imports each shared sample into the demo ledger:
// five credits are matched (loose invoice number, two invoices in one
// transfer, no reference but the amount and the payer's name, a partial
// payment, an RF reference), the bank fees are a debit, and the returned
// transfer reopens the invoice it had paid. A second import of the same
// file changes nothing and says so.
func TestImportSharedSamples(t *testing.T) {
	t.Parallel()
	for i, file := range []string{"camt053-sample.xml", "cfonb120-sample.txt"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			co := fmt.Sprintf("BKS%d%d", i, time.Now().UnixNano()%100000)
			o, st := bankFixture(t, co)
			ctx := context.Background()
			data, err := os.ReadFile("../../ledger/bank/testdata/" + file)
			if err != nil {
				t.Fatal(err)
			}
			before := balance(t, st, "FA0207")
			rep, err := o.ImportStatement(ctx, data, bank.ImportOptions{FileName: file, Channel: "test", Actor: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.New != 7 || rep.Known != 0 || rep.Rejected != 0 || rep.Matched != 5 || rep.Debits != 1 || rep.Reversals != 1 || rep.Exceptions != 0 || len(rep.Failed) > 0 {
				t.Fatalf("report %+v", rep)
			}
			for number, want := range map[string]string{
				"FA0168": "0.00", "FA0167": "0.00", "FA0183": "0.00", "FA0186": "0.00",
				"FA0213": "2770.80", // 3 770,80 less the 1 000,00 deposit
				"FA0207": before,    // paid, then the transfer came back
			} {
				if got := balance(t, st, number); got != want {
					t.Errorf("%s balance %s, want %s", number, got, want)
				}
			}
			// The return reopened FA0207, whose dunning had ended: it runs
			// again.
			wf := dunning.WorkflowID(co, "FA0207")
			desc, err := o.Temporal.DescribeWorkflowExecution(ctx, wf, "")
			if err != nil {
				t.Fatalf("FA0207 reopened but no dunning: %v", err)
			}
			if st := desc.WorkflowExecutionInfo.Status; st != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				t.Errorf("FA0207's dunning is %s", st)
			}
			t.Cleanup(func() { _ = o.Temporal.TerminateWorkflow(context.Background(), wf, "", "test over") })
			txs, err := bank.NewLedger(st).List(ctx, co, "", 20)
			if err != nil {
				t.Fatal(err)
			}
			reasons := map[string]string{}
			for _, tx := range txs {
				reasons[tx.BankRef] = tx.Status + " " + tx.Reason
			}
			t.Logf("decisions: %v", reasons)
			for _, tx := range txs {
				if tx.Status == bank.StatusMatched && tx.Reason == "" {
					t.Errorf("transaction %s matched without a reason", tx.BankRef)
				}
			}
			again, err := o.ImportStatement(ctx, data, bank.ImportOptions{FileName: file, Channel: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if again.New != 0 || again.Known != 7 || again.Matched != 0 {
				t.Fatalf("second import %+v", again)
			}
			var payments int
			_ = st.Pool.QueryRow(ctx, `SELECT count(*) FROM payments WHERE source = 'bank'`).Scan(&payments)
			if payments != 6 {
				t.Errorf("%d bank payments, want 6 (FA0167 and FA0183 from one transfer)", payments)
			}
		})
	}
}

// TestOverlappingStatements: two statements sharing a day import the
// shared entries once.
func TestOverlappingStatements(t *testing.T) {
	t.Parallel()
	o, _ := bankFixture(t)
	ctx := context.Background()
	data, _ := os.ReadFile("../../ledger/bank/testdata/camt053-sample.xml")
	f, err := bank.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Statements[0]
	first, second := s, s
	first.Entries = s.Entries[:4]  // entries 1-4
	second.Entries = s.Entries[2:] // entries 3-7: 3 and 4 again
	a, _ := bank.WriteCAMT053([]bank.Statement{first}, "001.02")
	b, _ := bank.WriteCAMT053([]bank.Statement{second}, "001.08")
	r1, err := o.ImportStatement(ctx, a, bank.ImportOptions{Channel: "test"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := o.ImportStatement(ctx, b, bank.ImportOptions{Channel: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.New != 4 || r2.New != 3 || r2.Known != 2 {
		t.Fatalf("first %+v, second %+v", r1, r2)
	}
}

// TestImportRejectsOtherAccounts: a statement of an account that is no
// company's is rejected with its reason; a company restriction holds.
func TestImportRejectsOtherAccounts(t *testing.T) {
	t.Parallel()
	o, _ := bankFixture(t)
	ctx := context.Background()
	data, _ := os.ReadFile("../../ledger/bank/testdata/camt053-sample.xml")
	other := []byte(strings.ReplaceAll(string(data), "FR7630006000011234567890189", "FR7630004000031234567890143"))
	rep, err := o.ImportStatement(ctx, other, bank.ImportOptions{Channel: "test"})
	if err == nil || rep.Rejected != 7 || !strings.Contains(rep.Problems[0].Reason, "no company") {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	rep, err = o.ImportStatement(ctx, data, bank.ImportOptions{Channel: "test", Company: "OTHER"})
	if err == nil || rep.Rejected != 7 {
		t.Fatalf("report %+v, err %v", rep, err)
	}
}

// TestSameDayInBothFormats: the CFONB 120 statement of a day already
// imported as CAMT.053 numbers its entries differently; its credits wait
// on the Rapprochement screen as possible duplicates instead of being
// paid twice.
func TestSameDayInBothFormats(t *testing.T) {
	t.Parallel()
	o, st := bankFixture(t)
	ctx := context.Background()
	camt, _ := os.ReadFile("../../ledger/bank/testdata/camt053-sample.xml")
	cfonb, _ := os.ReadFile("../../ledger/bank/testdata/cfonb120-sample.txt")
	if _, err := o.ImportStatement(ctx, camt, bank.ImportOptions{Channel: "test"}); err != nil {
		t.Fatal(err)
	}
	rep, err := o.ImportStatement(ctx, cfonb, bank.ImportOptions{Channel: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.New != 7 || rep.Matched != 0 || rep.Exceptions != 5 {
		t.Fatalf("report %+v", rep)
	}
	if got := balance(t, st, "FA0213"); got != "2770.80" {
		t.Errorf("FA0213 balance %s after both formats, want 2770.80", got)
	}
}

// TestBankDecisionsByHand: the Rapprochement screen's decisions through
// Ops: split across two invoices with the rest on the customer's account
// (the letters deduct it), "not a customer payment", and a return whose
// credit is chosen by hand; wrong inputs are refused and change nothing.
func TestBankDecisionsByHand(t *testing.T) {
	t.Parallel()
	o, st := bankFixture(t)
	ctx := context.Background()
	day := calendar.New(2026, 12, 7)
	iban := "FR7630006000011234567890189"
	e := func(ref, amount, payer, text string) bank.Entry {
		return bank.Entry{Account: iban, BankRef: ref, BookingDate: day, Amount: decimal.RequireFromString(amount), Currency: "EUR",
			PayerName: payer, Remittance: []string{text}}
	}
	back := e("H4", "-500.00", "", "RETOUR")
	back.Reversal = true
	data, _ := bank.WriteCAMT053([]bank.Statement{{Account: iban, Currency: "EUR", ID: "H", From: day, To: day, Entries: []bank.Entry{
		e("H1", "5000.00", "SCI DU PARC", "LOYER ET DIVERS"), // no clue at all
		e("H2", "77.77", "INCONNU", "REMBOURSEMENT"),
		e("H3", "500.00", "ACME", "DIVERS"),
		back,
	}}}, "001.02")
	rep, err := o.ImportStatement(ctx, data, bank.ImportOptions{Channel: "test"})
	if err != nil || rep.Exceptions != 4 {
		t.Fatalf("report %+v %v", rep, err)
	}
	l := bank.NewLedger(st)
	byRef := map[string]int64{}
	txs, _ := l.List(ctx, demo.Company, bank.StatusException, 10)
	for _, tx := range txs {
		byRef[tx.BankRef] = tx.ID
	}
	// Refusals: an invoice of another customer, more than the credit.
	if err := o.BankAllocate(ctx, demo.Company, byRef["H1"], "CLI0004", map[string]decimal.Decimal{"FA0168": decimal.NewFromInt(10)}, "bea"); err == nil {
		t.Error("allocated to another customer's invoice")
	}
	if err := o.BankAllocate(ctx, demo.Company, byRef["H1"], "CLI0004", map[string]decimal.Decimal{"FA0171": decimal.NewFromInt(6000)}, "bea"); err == nil {
		t.Error("allocated more than the credit")
	}
	// Split: FA0171 in full, 1 000 on FA0187, the rest (1 672,00) on account.
	if err := o.BankAllocate(ctx, demo.Company, byRef["H1"], "CLI0004", map[string]decimal.Decimal{
		"FA0171": decimal.RequireFromString("2328.00"), "FA0187": decimal.RequireFromString("1000.00")}, "bea"); err != nil {
		t.Fatal(err)
	}
	if balance(t, st, "FA0171") != "0.00" || balance(t, st, "FA0187") != "862.40" {
		t.Errorf("balances %s %s", balance(t, st, "FA0171"), balance(t, st, "FA0187"))
	}
	cust, _ := st.CustomerByCode(ctx, demo.Company, "CLI0004")
	stmt, err := st.StatementOf(ctx, cust.ID, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	if !stmt.Unapplied.Equal(decimal.RequireFromString("1672.00")) {
		t.Errorf("unapplied %s, want 1 672,00 on account", stmt.Unapplied)
	}
	// A second decision on the same transaction is refused.
	if err := o.BankIgnore(ctx, demo.Company, byRef["H1"], "bea"); err == nil {
		t.Error("a matched transaction was ignored")
	}
	if err := o.BankIgnore(ctx, demo.Company, byRef["H2"], "bea"); err != nil {
		t.Fatal(err)
	}
	// H3 put on CLI0002's account, then H4 (its return) applied by hand.
	if err := o.BankOnAccount(ctx, demo.Company, byRef["H3"], "CLI0002", "bea"); err != nil {
		t.Fatal(err)
	}
	if err := o.BankReverse(ctx, demo.Company, byRef["H4"], byRef["H1"], "bea"); err == nil {
		t.Error("a return of 500 took back a credit of 5 000")
	}
	if err := o.BankReverse(ctx, demo.Company, byRef["H4"], byRef["H3"], "bea"); err != nil {
		t.Fatal(err)
	}
	onAccount, _ := l.OnAccount(ctx, mustCustomer(t, st, "CLI0002"), "EUR")
	if !onAccount.IsZero() {
		t.Errorf("CLI0002 still holds %s on account after the return", onAccount)
	}
	counts, _ := l.Counts(ctx, demo.Company)
	if counts[bank.StatusException] != 0 || counts[bank.StatusIgnored] != 1 || counts[bank.StatusReversed] != 1 || counts[bank.StatusReversal] != 1 {
		t.Errorf("counts %v", counts)
	}
}

func mustCustomer(t *testing.T, st *store.Store, code string) int64 {
	t.Helper()
	c, err := st.CustomerByCode(context.Background(), demo.Company, code)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
