package activities_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/workflows/wire"
)

// demoItems loads the demo company and returns R1 letters for invoices.
func demoItems(t *testing.T, invoices ...string) (*store.Store, []wire.LetterItem) {
	t.Helper()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
	var items []wire.LetterItem
	for _, n := range invoices {
		id, err := st.InvoiceID(ctx, demo.Company, n)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, wire.LetterItem{InvoiceID: id, Invoice: n, Level: ladder.Default()[0], Sequence: 1, WorkflowID: "dunning/DEMO/" + n})
	}
	return st, items
}

// TestRoundSendsOneLetterWithWhatItRecords: a statement round sent with
// FA0175 and FA0167, then run again (a workflow task run again) with
// FA0183 too under the key of the new item list: nothing is sent again,
// FA0183 is deferred, not recorded under the letter that went out, and the
// two others are answered sent at the time the ledger recorded, not the
// retry's.
func TestRoundSendsOneLetterWithWhatItRecords(t *testing.T) {
	t.Parallel()
	st, items := demoItems(t, "FA0175", "FA0167", "FA0183")
	ctx := context.Background()
	box := &mailbox{}
	a := &activities.Activities{Store: st, Mailer: box, Log: slog.Default()}
	first := wire.CustomerLetterRequest{Key: "letters/DEMO/CLI0001/x/run/1#2-aaaa", Company: demo.Company, Customer: "CLI0001", Date: today, Items: items[:2]}
	res, err := a.SendStatement(ctx, first)
	if err != nil || len(res) != 2 || res[0].Status != wire.LetterSent {
		t.Fatalf("first send: %+v %v", res, err)
	}
	// The ledger's time of the send, put an hour back: a retry must report it.
	recorded := time.Date(2026, 11, 23, 9, 0, 1, 0, time.UTC)
	if _, err := st.Pool.Exec(ctx, `UPDATE customer_letters SET sent_at = $1`, recorded); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE letters SET sent_at = $1`, recorded); err != nil {
		t.Fatal(err)
	}
	for _, req := range []wire.CustomerLetterRequest{
		first, // the same send retried
		{Key: "letters/DEMO/CLI0001/x/run/1#3-bbbb", Company: demo.Company, Customer: "CLI0001", Date: today, Items: items}, // the task run again
	} {
		res, err := a.SendStatement(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			switch r.Item.Invoice {
			case "FA0183":
				if r.Status != wire.LetterDeferred {
					t.Errorf("%s: FA0183 %s, want deferred", req.Key, r.Status)
				}
			default:
				if r.Status != wire.LetterSent || !r.SentAt.Equal(recorded) {
					t.Errorf("%s: %s %s at %s, want sent at %s (the ledger's)", req.Key, r.Item.Invoice, r.Status, r.SentAt, recorded)
				}
			}
		}
	}
	if len(box.sent) != 1 {
		t.Errorf("%d e-mails, want 1", len(box.sent))
	}
	var n int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM letters WHERE invoice_id = $1`, items[2].InvoiceID).Scan(&n); err != nil || n != 0 {
		t.Errorf("FA0183 has %d letter rows (%v), want none: it was not in the letter", n, err)
	}
	if len(box.sent[0].Tags) != 1 || box.sent[0].Tags["relance-letter"] != box.sent[0].Headers["X-Relance-Letter"] {
		t.Errorf("SES tags %v, want the letter's reference", box.sent[0].Tags)
	}
}

// TestRoundLetterNeverLeftIsSuperseded: a round's letter SES refused
// (failed: nothing left) is replaced by the task run again with more
// items: one letter goes, listing them all, and the ledger records all of
// them under it.
func TestRoundLetterNeverLeftIsSuperseded(t *testing.T) {
	t.Parallel()
	st, items := demoItems(t, "FA0175", "FA0167", "FA0183")
	ctx := context.Background()
	box := &mailbox{}
	refusing := &flakyMailer{n: 1, err: fmt.Errorf("connection refused: %w", mail.ErrNotSent), next: box}
	a := &activities.Activities{Store: st, Mailer: refusing, Log: slog.Default()}
	first := wire.CustomerLetterRequest{Key: "letters/DEMO/CLI0001/y/run/1#2-aaaa", Company: demo.Company, Customer: "CLI0001", Date: today, Items: items[:2]}
	if _, err := a.SendStatement(ctx, first); err == nil {
		t.Fatal("a refused send succeeded")
	}
	again := first
	again.Key, again.Items = "letters/DEMO/CLI0001/y/run/1#3-bbbb", items
	res, err := a.SendStatement(ctx, again)
	if err != nil || len(res) != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	for _, r := range res {
		if r.Status != wire.LetterSent {
			t.Errorf("%s %s, want sent", r.Item.Invoice, r.Status)
		}
	}
	var superseded, sent int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'superseded'), count(*) FILTER (WHERE status = 'sent') FROM customer_letters`).Scan(&superseded, &sent); err != nil {
		t.Fatal(err)
	}
	if superseded != 1 || sent != 1 || len(box.sent) != 1 {
		t.Errorf("customer letters: %d superseded, %d sent; %d e-mails: want 1, 1, 1", superseded, sent, len(box.sent))
	}
}
