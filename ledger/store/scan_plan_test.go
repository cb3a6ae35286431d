package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

// TestScanSelectionHasItsIndex: the scan's selection can be read in order
// from its partial index, invoices_scan_due. The planner is told to avoid
// sequential and bitmap scans (a ledger this small would not need the
// index): if the index's columns or predicate stop matching the query (as
// when a migration of the web list reused its name and this one was
// skipped), the plan falls back to a sort and the test says so. The plan
// over 1 M invoices is in the README ("The scan at scale").
func TestScanSelectionHasItsIndex(t *testing.T) {
	t.Parallel()
	st, url := dbtest.New(t)
	ctx := context.Background()
	id, err := st.CreateCompany(ctx, store.Company{Code: "PLAN", LegalName: "Plan SAS", SenderEmail: "r@plan.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, id, store.Customer{Code: "C1", Name: "Client"}); err != nil {
		t.Fatal(err)
	}
	for i, d := range []int{1, 5, 9} {
		if _, err := st.UpsertInvoice(ctx, id, store.NewInvoice{
			Number: "F" + string(rune('1'+i)), Customer: "C1", IssueDate: calendar.New(2026, 9, d),
			DueDate: calendar.New(2026, 10, d), Amount: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100),
		}); err != nil {
			t.Fatal(err)
		}
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	// Unknown URL parameters are session settings for pgx.
	strict, err := store.OpenPool(ctx, url+sep+"enable_seqscan=off&enable_bitmapscan=off", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	plan, err := strict.ExplainDue(ctx, "PLAN", calendar.New(2026, 11, 23), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "Index Scan using invoices_scan_due") || strings.Contains(plan, "Sort Key") {
		t.Errorf("the scan's batch is not an ordered walk of invoices_scan_due:\n%s", plan)
	}
}
