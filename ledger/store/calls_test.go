package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

func TestCallLog(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	five := decimal.RequireFromString("500.00")
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	first, err := st.AddCall(ctx, demo.Company, "CLI0009", store.NewCall{
		At: at, Author: "marie", Contact: "M. Durand", Outcome: "promesse", Note: "paiera FA0168 en deux fois",
		PromisedOn: calendar.New(2026, 12, 1), PromisedAmount: &five,
	})
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || first.Customer != "CLI0009" || first.Company != demo.Company || !first.At.Equal(at) ||
		first.PromisedOn == nil || first.PromisedOn.String() != "2026-12-01" ||
		first.PromisedAmount == nil || first.PromisedAmount.StringFixed(2) != "500.00" {
		t.Errorf("first call = %+v", first)
	}
	second, err := st.AddCall(ctx, demo.Company, "CLI0009", store.NewCall{Author: "paul", Outcome: "injoignable"})
	if err != nil {
		t.Fatal(err)
	}
	if second.PromisedOn != nil || second.PromisedAmount != nil || time.Since(second.At) > time.Minute {
		t.Errorf("second call = %+v", second)
	}
	if _, err := st.AddCall(ctx, demo.Company, "CLI0001", store.NewCall{Author: "paul", Note: "autre client"}); err != nil {
		t.Fatal(err)
	}

	calls, err := st.Calls(ctx, demo.Company, "CLI0009")
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0].ID != second.ID || calls[1].ID != first.ID {
		t.Fatalf("calls = %+v, want the two calls of CLI0009, most recent first", calls)
	}

	// Refusals name the problem; nothing is written.
	bad := []struct {
		customer string
		call     store.NewCall
		want     error
		text     string
	}{
		{"CLI0009", store.NewCall{Note: "x"}, store.ErrInvalid, "needs an author"},
		{"CLI0009", store.NewCall{Author: "marie"}, store.ErrInvalid, "contact, an outcome or a note"},
		{"CLI0009", store.NewCall{Author: "marie", Note: "x", PromisedAmount: ptr(decimal.RequireFromString("-3"))}, store.ErrInvalid, "greater than zero"},
		{"CLI0009", store.NewCall{Author: "marie", Note: "x", PromisedAmount: ptr(decimal.RequireFromString("3.141"))}, store.ErrInvalid, "two decimals"},
		{"CLI9999", store.NewCall{Author: "marie", Note: "x"}, store.ErrNotFound, "customer CLI9999"},
	}
	for _, b := range bad {
		_, err := st.AddCall(ctx, demo.Company, b.customer, b.call)
		if !errors.Is(err, b.want) || !strings.Contains(err.Error(), b.text) {
			t.Errorf("AddCall(%s, %+v) = %v, want %v with %q", b.customer, b.call, err, b.want, b.text)
		}
	}
	if _, err := st.Calls(ctx, demo.Company, "CLI9999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("calls of an unknown customer: %v", err)
	}

	// Delete: only the company's (and customer's) call, once.
	if err := st.DeleteCall(ctx, "OTHER", "", first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete from another company: %v", err)
	}
	if err := st.DeleteCall(ctx, demo.Company, "CLI0001", first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete under another customer: %v", err)
	}
	if err := st.DeleteCall(ctx, demo.Company, "CLI0009", first.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteCall(ctx, demo.Company, "", first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if err := st.DeleteCall(ctx, demo.Company, "", 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete of a missing call: %v", err)
	}
	calls, _ = st.Calls(ctx, demo.Company, "CLI0009")
	if len(calls) != 1 || calls[0].ID != second.ID {
		t.Errorf("calls after delete = %+v", calls)
	}
	// Soft delete: the row is still there.
	var n int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM customer_calls WHERE id = $1 AND deleted_at IS NOT NULL`, first.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("deleted row kept: %d %v", n, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestHistoryExport(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	record := func(invoice string, events ...dunning.Event) {
		t.Helper()
		id, err := st.InvoiceID(ctx, demo.Company, invoice)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RecordEvents(ctx, id, dunning.WorkflowID(demo.Company, invoice), events,
			dunning.Snapshot{Status: dunning.StatusActive, Level: "R1", NextLevel: "R2"}); err != nil {
			t.Fatal(err)
		}
	}
	// 23:30 in Paris on 19 November is 22:30 UTC: it belongs to the 19th.
	record("FA0168",
		dunning.Event{Seq: 1, At: time.Date(2026, 11, 19, 23, 30, 0, 0, paris), Kind: dunning.EventStarted},
		dunning.Event{Seq: 2, At: time.Date(2026, 11, 20, 9, 0, 0, 0, paris), Kind: dunning.EventLetterSent, Level: "R1", Detail: "e-mail"},
	)
	record("FA0171",
		dunning.Event{Seq: 1, At: time.Date(2026, 11, 21, 14, 0, 0, 0, paris), Kind: dunning.EventCommented, Detail: "appel", Actor: "marie"},
	)

	all, err := st.HistoryExport(ctx, demo.Company, calendar.Date{}, calendar.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("%d rows, want 3: %+v", len(all), all)
	}
	if r := all[1]; r.Invoice != "FA0168" || r.Customer != "CLI0009" || r.CustomerName != "INFO DEBUTANT" ||
		r.Kind != "letter_sent" || r.Level != "R1" || r.Detail != "e-mail" || r.At.Location().String() != "Europe/Paris" || r.At.Hour() != 9 {
		t.Errorf("row = %+v", r)
	}
	if all[2].Actor != "marie" {
		t.Errorf("actor = %q", all[2].Actor)
	}
	day19, err := st.HistoryExport(ctx, demo.Company, calendar.New(2026, 11, 19), calendar.New(2026, 11, 19))
	if err != nil || len(day19) != 1 || day19[0].Kind != "started" {
		t.Errorf("19 November = %+v %v", day19, err)
	}
	from20, _ := st.HistoryExport(ctx, demo.Company, calendar.New(2026, 11, 20), calendar.Date{})
	if len(from20) != 2 {
		t.Errorf("from 20 November: %d rows, want 2", len(from20))
	}
	if _, err := st.HistoryExport(ctx, demo.Company, calendar.New(2026, 11, 20), calendar.New(2026, 11, 1)); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("reversed period: %v", err)
	}
	if _, err := st.HistoryExport(ctx, "NOPE", calendar.Date{}, calendar.Date{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown company: %v", err)
	}
}

// TestOpenWorkflowsOfNamesInstalmentWorkflows: a customer's running
// dunnings are its invoices' workflows and, for an invoice dunned by
// instalment, each open instalment's own workflow ("...#2"), so that a
// do-not-remind flag or a status reaches them too.
func TestOpenWorkflowsOfNamesInstalmentWorkflows(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	id, err := st.InvoiceID(ctx, demo.Company, "FA0176")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetInstalments(ctx, id, []store.Instalment{
		{Seq: 1, DueDate: calendar.New(2026, 10, 1), Amount: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100)},
		{Seq: 2, DueDate: calendar.New(2026, 11, 1), Amount: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100)},
		{Seq: 3, DueDate: calendar.New(2027, 1, 1), Amount: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE invoices SET dunning_status = 'active'
		WHERE number = 'FA0168' AND company_id = (SELECT id FROM companies WHERE code = $1)`, demo.Company); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE instalments SET dunning_status = CASE seq WHEN 1 THEN 'held' WHEN 2 THEN 'active' ELSE 'paid' END
		WHERE invoice_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	ids, err := st.OpenWorkflowsOf(ctx, demo.Company, "CLI0009")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{dunning.WorkflowID(demo.Company, "FA0168"), dunning.InstalmentWorkflowID(demo.Company, "FA0176", 1),
		dunning.InstalmentWorkflowID(demo.Company, "FA0176", 2)}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("open workflows %v, want %v", ids, want)
	}
}
