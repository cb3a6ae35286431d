package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

func TestListInvoices(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) // the demo's today
	numbers := func(f store.InvoiceFilter) []string {
		t.Helper()
		f.Company, f.Now = demo.Company, now
		rows, err := st.ListInvoices(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, r := range rows {
			n = append(n, r.Number)
		}
		return n
	}
	open := numbers(store.InvoiceFilter{})
	if len(open) != 21 { // 23 minus the credit note and the paid invoice
		t.Errorf("open invoices = %d %v, want 21", len(open), open)
	}
	if got := numbers(store.InvoiceFilter{OverdueDays: 60}); !listEqual(got, []string{"FA0167", "FA0175", "FA0168"}) {
		t.Errorf("overdue >= 60 days = %v", got)
	}
	if got := numbers(store.InvoiceFilter{Customer: "CLI0009"}); !listEqual(got, []string{"FA0168", "FA0176", "FA0184"}) {
		t.Errorf("CLI0009 = %v", got)
	}

	// The workflow's projection drives the level and status filters.
	id, _ := st.InvoiceID(ctx, demo.Company, "FA0171")
	next := now.Add(48 * time.Hour)
	if err := st.RecordEvents(ctx, id, dunning.WorkflowID(demo.Company, "FA0171"), nil,
		dunning.Snapshot{Status: dunning.StatusPaused, Level: "R2", NextLevel: "R3", NextActionAt: next}); err != nil {
		t.Fatal(err)
	}
	if got := numbers(store.InvoiceFilter{Level: "R2", Status: "paused"}); !listEqual(got, []string{"FA0171"}) {
		t.Errorf("R2 paused = %v", got)
	}
	row, err := st.InvoiceSummary(ctx, demo.Company, "FA0171", now)
	if err != nil || row.Level != "R2" || row.Status != "paused" || row.NextActionAt == nil || row.DaysOverdue != 40 ||
		!row.Balance.Equal(decimal.RequireFromString("2328")) || row.CustomerName != "ZAMACHOWSKI Claudia" {
		t.Errorf("summary = %+v %v", row, err)
	}
	if _, err := st.InvoiceSummary(ctx, demo.Company, "NOPE", now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown invoice: %v", err)
	}
	// FA0192 has no due date: listed, 0 days overdue.
	if row, err := st.InvoiceSummary(ctx, demo.Company, "FA0192", now); err != nil || !row.DueDate.IsZero() || row.DaysOverdue != 0 {
		t.Errorf("FA0192 = %+v %v", row, err)
	}

	// Over credit limit: CLI0009 owes 6019.20 + 4999.14 + 6444.00 (- the credit note).
	if _, err := st.Pool.Exec(ctx, `UPDATE customers SET credit_limit = 10000 WHERE code = 'CLI0009'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE customers SET credit_limit = 100000, family = 'GROS', sales_rep = 'JD' WHERE code = 'CLI0001'`); err != nil {
		t.Fatal(err)
	}
	if got := numbers(store.InvoiceFilter{OverCreditLimit: true}); !listEqual(got, []string{"FA0168", "FA0176", "FA0184"}) {
		t.Errorf("over credit limit = %v", got)
	}
	if got := numbers(store.InvoiceFilter{Family: "GROS", SalesRep: "JD"}); len(got) != 4 {
		t.Errorf("family GROS = %v", got)
	}
	if _, err := st.ListInvoices(ctx, store.InvoiceFilter{}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("no company: %v", err)
	}
}

func listEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
