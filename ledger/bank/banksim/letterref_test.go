package banksim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"github.com/shopspring/decimal"
)

// TestImportLetterPaymentRef: a letter listing two of a customer's open
// invoices carries an RF reference (recorded as the letters do); a
// CAMT.053 credit quoting it in the structured creditor reference,
// imported through the real import, pays exactly those two invoices and
// leaves the customer's older open invoice alone.
func TestImportLetterPaymentRef(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	code := fmt.Sprintf("BLR%d", time.Now().UnixNano()%100000) // its own workflow IDs
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.New(2026, 12, 7), Code: code}); err != nil {
		t.Fatal(err)
	}
	co, err := st.CompanyByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	// A customer with at least three open invoices: the two latest are the
	// letter's, the oldest is not.
	var customer int64
	if err := st.Pool.QueryRow(ctx, `
		SELECT customer_id FROM invoices
		WHERE company_id = $1 AND kind = 'invoice' AND NOT closed AND balance_due > 0 AND currency = 'EUR'
		GROUP BY customer_id HAVING count(*) >= 3 ORDER BY customer_id LIMIT 1`, co.ID).Scan(&customer); err != nil {
		t.Fatalf("no customer with three open invoices: %v", err)
	}
	type inv struct {
		id      int64
		number  string
		balance decimal.Decimal
	}
	rows, err := st.Pool.Query(ctx, `
		SELECT id, number, balance_due FROM invoices
		WHERE customer_id = $1 AND kind = 'invoice' AND NOT closed AND balance_due > 0
		ORDER BY due_date, number`, customer)
	if err != nil {
		t.Fatal(err)
	}
	var open []inv
	for rows.Next() {
		var i inv
		if err := rows.Scan(&i.id, &i.number, &i.balance); err != nil {
			t.Fatal(err)
		}
		open = append(open, i)
	}
	rows.Close()
	oldest, listed := open[0], open[len(open)-2:]
	saved, err := st.SaveCustomerLetter(ctx, store.NewCustomerLetter{Key: "letter-ref/1", CustomerID: customer, Channel: "email",
		Subject: "Relance", PDF: []byte("%PDF"), Items: []store.LetterKey{
			{InvoiceID: listed[0].id, Level: "R1", Sequence: 1}, {InvoiceID: listed[1].id, Level: "R1", Sequence: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := bank.CreditorReference("K7Q2M9X4B1Z8P3T") // 15 base-36 characters, as letters print them
	if err != nil {
		t.Fatal(err)
	}
	total := listed[0].balance.Add(listed[1].balance)
	if err := st.RecordPaymentRef(ctx, store.PaymentRef{Reference: ref, CompanyID: co.ID, CustomerID: customer,
		CustomerLetter: saved.ID, LetterReference: "LETTRE-1", Amount: total}); err != nil {
		t.Fatal(err)
	}

	day := calendar.New(2026, 12, 8)
	file, err := bank.WriteCAMT053([]bank.Statement{{Account: "FR7630006000011234567890189", Currency: "EUR", ID: "STMT-LETTER-REF",
		From: day, To: day, Entries: []bank.Entry{{BankRef: "LETTER-REF-1", BookingDate: day, ValueDate: day, Amount: total,
			Currency: "EUR", Label: "VIR SEPA", PayerName: "PAYEUR INCONNU", PayerIBAN: "FR7617515900000812345678963",
			CreditorRefs: []string{ref}}}}}, "001.08")
	if err != nil {
		t.Fatal(err)
	}
	o := &actions.Ops{Store: st, Temporal: temporaltest.Shared(t).Client(t)}
	rep, err := o.ImportStatement(ctx, file, bank.ImportOptions{FileName: "letter-ref.xml", Channel: "test", Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.New != 1 || rep.Matched != 1 || rep.Exceptions != 0 || len(rep.Failed) > 0 {
		t.Fatalf("report %+v", rep)
	}
	txs, err := bank.NewLedger(st).List(ctx, code, "", 5)
	if err != nil || len(txs) != 1 {
		t.Fatalf("transactions %v %v", txs, err)
	}
	if txs[0].Status != bank.StatusMatched || txs[0].Reason != bank.ReasonRF+","+bank.ReasonOldestFirst {
		t.Errorf("transaction %s, reasons %s", txs[0].Status, txs[0].Reason)
	}
	for _, i := range append(listed, oldest) {
		var b decimal.Decimal
		if err := st.Pool.QueryRow(ctx, `SELECT balance_due FROM invoices WHERE id = $1`, i.id).Scan(&b); err != nil {
			t.Fatal(err)
		}
		want := decimal.Zero
		if i.id == oldest.id {
			want = oldest.balance
		}
		if !b.Equal(want) {
			t.Errorf("%s balance %s, want %s", i.number, b, want)
		}
	}
}
