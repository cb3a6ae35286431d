package activities_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/workflows/wire"
)

var today = calendar.New(2026, 11, 23)

// flakyMailer fails its first n sends with err, then delegates.
type flakyMailer struct {
	n     int
	err   error
	next  mail.Sender
	calls int
}

func (f *flakyMailer) Send(ctx context.Context, m mail.Message) (string, error) {
	f.calls++
	if f.calls <= f.n {
		return "", f.err
	}
	return f.next.Send(ctx, m)
}

type fixture struct {
	st  *store.Store
	emu *sesemu.Emulator
	ses *mail.SES
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(context.Background(), st, demo.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
	emu := sesemu.StartT(t)
	ses, err := mail.NewSES(context.Background(), "eu-west-3", emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st, emu, ses}
}

func (f fixture) request(t *testing.T, invoice string, seq int) wire.LetterRequest {
	t.Helper()
	id, err := f.st.InvoiceID(context.Background(), demo.Company, invoice)
	if err != nil {
		t.Fatal(err)
	}
	return wire.LetterRequest{InvoiceID: id, Invoice: invoice, Level: ladder.Default()[1], Sequence: seq, Date: today}
}

// statement asks for the statement of invoice's customer with one item:
// invoice's R2 letter, the seq-th (its letter row is keyed as a single
// invoice letter's).
func (f fixture) statement(t *testing.T, invoice string, seq int) wire.CustomerLetterRequest {
	t.Helper()
	r := f.request(t, invoice, seq)
	var customer string
	if err := f.st.Pool.QueryRow(context.Background(),
		`SELECT cu.code FROM invoices i JOIN customers cu ON cu.id = i.customer_id WHERE i.id = $1`, r.InvoiceID).Scan(&customer); err != nil {
		t.Fatal(err)
	}
	item := wire.LetterItem{InvoiceID: r.InvoiceID, Invoice: invoice, Level: r.Level, Position: 1, Sequence: seq, WorkflowID: "dunning/DEMO/" + invoice}
	return wire.CustomerLetterRequest{Key: "letters/DEMO/" + customer + "/" + today.String() + "/run/1", Company: demo.Company,
		Customer: customer, Date: today, Items: []wire.LetterItem{item}}
}

// sendOne sends req (one item) with SendStatement and returns its item's
// result.
func sendOne(ctx context.Context, a *activities.Activities, req wire.CustomerLetterRequest) (wire.ItemResult, error) {
	res, err := a.SendStatement(ctx, req)
	if len(res) != 1 {
		return wire.ItemResult{}, errors.Join(err, fmt.Errorf("%d results, want 1", len(res)))
	}
	return res[0], err
}

func (f fixture) sent(t *testing.T) int {
	t.Helper()
	msgs, err := f.emu.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

func TestStatementTwiceSendsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := &activities.Activities{Store: f.st, Mailer: f.ses, Log: slog.Default()}
	req := f.statement(t, "FA0168", 1)
	for i := range 3 {
		res, err := sendOne(context.Background(), a, req)
		if err != nil || res.Status != wire.LetterSent {
			t.Fatalf("attempt %d: %+v %v", i+1, res, err)
		}
	}
	if n := f.sent(t); n != 1 {
		t.Errorf("%d e-mails in SES, want 1", n)
	}
	msgs, _ := f.emu.Messages(context.Background())
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "paul@infodebutant.example.com" || len(m.Attachments) != 1 {
		t.Errorf("message to %v with %d attachments", m.To, len(m.Attachments))
	}
	letters, _ := f.st.Letters(context.Background(), req.Items[0].InvoiceID)
	if len(letters) != 1 || letters[0].Status != store.LetterSent {
		t.Errorf("letters = %+v", letters)
	}
}

func TestCrashBetweenClaimAndSendIsNeverResent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	req := f.statement(t, "FA0168", 1)
	// A previous attempt recorded and claimed the letter, then the worker died.
	var customerID int64
	if err := f.st.Pool.QueryRow(ctx, `SELECT customer_id FROM invoices WHERE id = $1`, req.Items[0].InvoiceID).Scan(&customerID); err != nil {
		t.Fatal(err)
	}
	saved, err := f.st.SaveCustomerLetter(ctx, store.NewCustomerLetter{Key: req.Key, CustomerID: customerID, Channel: "email", Subject: "x",
		Items: []store.LetterKey{{InvoiceID: req.Items[0].InvoiceID, Level: req.Items[0].Level.Code, Sequence: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := f.st.ClaimCustomerLetter(ctx, saved.ID); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	a := &activities.Activities{Store: f.st, Mailer: f.ses, Log: slog.Default()}
	res, err := sendOne(ctx, a, req)
	if err != nil || res.Status != wire.LetterUncertain {
		t.Fatalf("retry after crash: %+v %v", res, err)
	}
	if n := f.sent(t); n != 0 {
		t.Errorf("%d e-mails sent after a crash mid-send, want 0", n)
	}
}

func TestRejectedSendIsRetriedOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	fm := &flakyMailer{n: 1, err: fmt.Errorf("send: %w", mail.ErrRejected), next: f.ses}
	a := &activities.Activities{Store: f.st, Mailer: fm, Log: slog.Default()}
	req := f.statement(t, "FA0168", 1)
	if _, err := sendOne(ctx, a, req); err == nil {
		t.Fatal("first attempt should fail")
	}
	res, err := sendOne(ctx, a, req) // Temporal's retry
	if err != nil || res.Status != wire.LetterSent {
		t.Fatalf("retry: %+v %v", res, err)
	}
	if n := f.sent(t); n != 1 {
		t.Errorf("%d e-mails, want 1", n)
	}
}

func TestAmbiguousFailureIsNotResent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fm := &flakyMailer{n: 1, err: fmt.Errorf("send: %w", mail.ErrUncertain), next: f.ses}
	a := &activities.Activities{Store: f.st, Mailer: fm, Log: slog.Default()}
	req := f.statement(t, "FA0168", 1)
	for range 2 {
		res, err := sendOne(context.Background(), a, req)
		if err != nil || res.Status != wire.LetterUncertain {
			t.Fatalf("got %+v %v, want uncertain", res, err)
		}
	}
	if fm.calls != 1 {
		t.Errorf("SES called %d times, want 1", fm.calls)
	}
}

func TestCustomerWithoutEmailGoesToPrint(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := &activities.Activities{Store: f.st, Mailer: f.ses, Log: slog.Default()}
	req := f.statement(t, "FA0190", 1) // Boulangerie Lefèvre has no e-mail address
	res, err := sendOne(context.Background(), a, req)
	if err != nil || res.Status != wire.LetterPrint {
		t.Fatalf("got %+v %v, want queued_print", res, err)
	}
	if n := f.sent(t); n != 0 {
		t.Errorf("%d e-mails, want 0", n)
	}
	letters, _ := f.st.Letters(context.Background(), req.Items[0].InvoiceID)
	if len(letters) != 1 || letters[0].Status != store.LetterPrint {
		t.Errorf("letters = %+v", letters)
	}
}

func TestPermanentRejectionIsNonRetryable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fm := &flakyMailer{n: 5, err: fmt.Errorf("send: %w", mail.ErrInvalid), next: f.ses}
	a := &activities.Activities{Store: f.st, Mailer: fm, Log: slog.Default()}
	_, err := sendOne(context.Background(), a, f.statement(t, "FA0168", 1))
	var appErr interface{ NonRetryable() bool }
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("err = %v, want non-retryable", err)
	}
}

func TestStatementGroupsInvoicesAndSendsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := &activities.Activities{Store: f.st, Mailer: f.ses, Log: slog.Default()}
	lv := ladder.Default()[1]
	var items []wire.LetterItem
	for _, n := range []string{"FA0168", "FA0176", "FA0184"} { // INFO DEBUTANT's three invoices
		id, err := f.st.InvoiceID(ctx, demo.Company, n)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, wire.LetterItem{InvoiceID: id, Invoice: n, Level: lv, Position: 1, Sequence: 1, WorkflowID: "dunning/DEMO/" + n})
	}
	req := wire.CustomerLetterRequest{Key: "letters/DEMO/CLI0009/2026-11-23/run/1", Company: demo.Company, Customer: "CLI0009", Date: today, Items: items}
	for attempt := range 2 { // the second call is Temporal retrying the activity
		res, err := a.SendStatement(ctx, req)
		if err != nil || len(res) != 3 {
			t.Fatalf("attempt %d: %+v %v", attempt+1, res, err)
		}
		for _, r := range res {
			if r.Status != wire.LetterSent {
				t.Errorf("attempt %d: %s status %s", attempt+1, r.Item.Invoice, r.Status)
			}
		}
	}
	msgs, err := f.emu.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails, want one for the three invoices", len(msgs))
	}
	text := pdfText(t, msgs[0].Attachments[0].Data)
	for _, n := range []string{"FA0168", "FA0176", "FA0184"} {
		if !strings.Contains(text, n) {
			t.Errorf("letter does not list %s", n)
		}
	}
	// A later customer letter that is handed the same invoice letter again
	// (the invoice timed out waiting) does not send it twice.
	again := req
	again.Key = "letters/DEMO/CLI0009/2026-11-23/run2/1"
	again.Items = items[:1]
	res, err := a.SendStatement(ctx, again)
	if err != nil || res[0].Status != wire.LetterSent {
		t.Fatalf("hand-over again: %+v %v", res, err)
	}
	if msgs, _ := f.emu.Messages(ctx); len(msgs) != 1 {
		t.Errorf("%d e-mails after the hand-over again, want still 1", len(msgs))
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestInvoicePDFIsAttached(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	req := f.statement(t, "FA0168", 1)
	own := []byte("%PDF-1.4 the invoice itself")
	if _, err := f.st.Pool.Exec(ctx, `UPDATE invoices SET pdf = $2 WHERE id = $1`, req.Items[0].InvoiceID, own); err != nil {
		t.Fatal(err)
	}
	a := &activities.Activities{Store: f.st, Mailer: f.ses, Log: slog.Default()}
	if _, err := sendOne(ctx, a, req); err != nil {
		t.Fatal(err)
	}
	msgs, _ := f.emu.Messages(ctx)
	if len(msgs) != 1 || len(msgs[0].Attachments) != 2 {
		t.Fatalf("want one e-mail with the letter and the invoice attached, got %d e-mails", len(msgs))
	}
	got := msgs[0].Attachments[1]
	if got.Filename != "facture-FA0168.pdf" || string(got.Data) != string(own) {
		t.Errorf("second attachment %s = %q", got.Filename, got.Data)
	}
}

func TestStatementLeavesOutInvoicePaidMeanwhile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := &activities.Activities{Store: f.st, Mailer: f.ses, Log: slog.Default()}
	lv := ladder.Default()[0]
	var items []wire.LetterItem
	for _, n := range []string{"FA0168", "FA0176"} {
		id, _ := f.st.InvoiceID(ctx, demo.Company, n)
		items = append(items, wire.LetterItem{InvoiceID: id, Invoice: n, Level: lv, Sequence: 1})
	}
	// FA0176 was paid during the collection window.
	if _, err := f.st.Pool.Exec(ctx, `UPDATE invoices SET balance_due = 0 WHERE id = $1`, items[1].InvoiceID); err != nil {
		t.Fatal(err)
	}
	res, err := a.SendStatement(ctx, wire.CustomerLetterRequest{Key: "k/1", Company: demo.Company, Customer: "CLI0009", Date: today, Items: items})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range res {
		got[r.Item.Invoice] = r.Status
	}
	if got["FA0168"] != wire.LetterSent || got["FA0176"] != wire.LetterWithdrawn {
		t.Errorf("statuses = %v", got)
	}
	msgs, _ := f.emu.Messages(ctx)
	if len(msgs) != 1 || strings.Contains(pdfText(t, msgs[0].Attachments[0].Data), "FA0176") {
		t.Errorf("the letter must go out without the paid invoice")
	}
}

func TestFailedStatementIsTakenOverByTheNextOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.st.InvoiceID(ctx, demo.Company, "FA0168")
	item := wire.LetterItem{InvoiceID: id, Invoice: "FA0168", Level: ladder.Default()[1], Position: 1, Sequence: 1}
	broken := &flakyMailer{n: 1, err: fmt.Errorf("send: %w", mail.ErrInvalid), next: f.ses}
	a := &activities.Activities{Store: f.st, Mailer: broken, Log: slog.Default()}
	if _, err := a.SendStatement(ctx, wire.CustomerLetterRequest{Key: "k/day1/1", Company: demo.Company, Customer: "CLI0009", Date: today, Items: []wire.LetterItem{item}}); err == nil {
		t.Fatal("a refused address must fail the letter")
	}
	// The address is fixed; the next day's customer letter carries it.
	a.Mailer = f.ses
	res, err := a.SendStatement(ctx, wire.CustomerLetterRequest{Key: "k/day2/1", Company: demo.Company, Customer: "CLI0009", Date: today.AddDays(1), Items: []wire.LetterItem{item}})
	if err != nil || len(res) != 1 || res[0].Status != wire.LetterSent {
		t.Fatalf("second letter: %+v %v", res, err)
	}
	if n := f.sent(t); n != 1 {
		t.Errorf("%d e-mails, want 1", n)
	}
	letters, _ := f.st.Letters(ctx, id)
	if len(letters) != 1 || letters[0].Status != store.LetterSent {
		t.Errorf("letter rows = %+v", letters)
	}
}
