package workflows_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/sesemu"
	"github.com/relance/relance/workflows"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/testsuite"
)

// recordingMailer keeps every message it hands to SES, to read its MIME.
type recordingMailer struct {
	mu   sync.Mutex
	next mail.Sender
	sent []mail.Message
}

func (m *recordingMailer) Send(ctx context.Context, msg mail.Message) (string, error) {
	id, err := m.next.Send(ctx, msg)
	if err == nil {
		m.mu.Lock()
		m.sent = append(m.sent, msg)
		m.mu.Unlock()
	}
	return id, err
}

// courtesyFixture: company ACME (courtesy reminder 5 days before, thank-you
// on) and three customers: C001 (ordinary), C002 (do-not-remind), C003 (got
// a statement yesterday).
type courtesyFixture struct {
	st    *store.Store
	emu   *sesemu.Emulator
	box   *recordingMailer
	acts  *activities.Activities
	now   time.Time
	today calendar.Date
}

func newCourtesyFixture(t *testing.T) *courtesyFixture {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	emu := sesemu.StartT(t)
	ses, err := mail.NewSES(ctx, "eu-west-3", emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	f := &courtesyFixture{st: st, emu: emu, box: &recordingMailer{next: ses}, now: time.Now()}
	f.today = calendar.Of(f.now.In(paris))
	f.acts = &activities.Activities{Store: st, Mailer: f.box, Log: slog.Default()}
	co := store.Company{Code: "ACME", LegalName: "ACME SAS", AddressLines: []string{"1 rue de la Paix", "75002 Paris"},
		City: "Paris", SenderEmail: "relances@acme.example", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP882"}
	id, err := st.CreateCompany(ctx, co)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := st.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`UPDATE companies SET sender_name = 'ACME Comptabilité', reply_to = 'compta@acme.example' WHERE id = $1`, id)
	if err := st.SetCourtesy(ctx, "ACME", store.CourtesySettings{Days: 5, Thanks: true}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code string
		dnr  bool
	}{{"C001", false}, {"C002", true}, {"C003", false}} {
		if _, err := st.UpsertCustomer(ctx, id, store.Customer{Code: c.code, Name: "Client " + c.code,
			Emails: []string{strings.ToLower(c.code) + "@client.example"}, Kind: "business", DoNotRemind: c.dnr}); err != nil {
			t.Fatal(err)
		}
	}
	invoice := func(number, customer string, due calendar.Date, balance string) int64 {
		t.Helper()
		iid, err := st.UpsertInvoice(ctx, id, store.NewInvoice{Number: number, Customer: customer, IssueDate: due.AddDays(-30), DueDate: due,
			Amount: decimal.RequireFromString("1200.50"), Balance: decimal.RequireFromString(balance)})
		if err != nil {
			t.Fatal(err)
		}
		return iid
	}
	in3 := f.today.AddDays(3)
	invoice("FA001", "C001", in3, "1200.50")                         // courtesy reminder
	invoice("FA002", "C001", f.today.AddDays(10), "1200.50")         // too far ahead
	invoice("FA003", "C002", in3, "1200.50")                         // do-not-remind
	invoice("FA004", "C003", in3, "1200.50")                         // letter yesterday: skipped
	paid := invoice("FA010", "C001", f.today.AddDays(-20), "0")      // reminded, then paid: thanked
	unreminded := invoice("FA011", "C001", f.today.AddDays(-2), "0") // paid without a letter
	other := invoice("FA012", "C003", f.today.AddDays(-40), "900")
	exec(`INSERT INTO letters (invoice_id, level_code, sequence, channel, status, sent_at) VALUES ($1, 'R1', 1, 'email', 'sent', now() - interval '10 days')`, paid)
	for i, inv := range []int64{paid, unreminded} {
		exec(`INSERT INTO payments (external_id, invoice_id, amount, currency, paid_on) VALUES ($1, $2, 1200.50, 'EUR', $3)`,
			"BANK-"+string(rune('A'+i)), inv, f.today.AddDays(-1))
	}
	cust3, err := st.CustomerByCode(ctx, "ACME", "C003")
	if err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO customer_letters (key, customer_id, channel, status, sent_at) VALUES ('letters/ACME/C003/x', $1, 'email', 'sent', now() - interval '1 day')`, cust3.ID)
	exec(`INSERT INTO letters (invoice_id, level_code, sequence, channel, status, sent_at) VALUES ($1, 'R1', 1, 'email', 'sent', now() - interval '1 day')`, other)
	return f
}

func (f *courtesyFixture) run(t *testing.T) wire.CourtesyReport {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(workflows.Courtesy)
	env.RegisterActivity(f.acts)
	env.SetStartTime(f.now)
	env.ExecuteWorkflow(workflows.Courtesy, wire.CourtesyInput{Company: "ACME", At: f.now})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var rep wire.CourtesyReport
	if err := env.GetWorkflowResult(&rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestCourtesyMailsGoOnce: the courtesy reminder goes once, 5 days ahead
// at most, to the customer whose invoice falls due in 3 days, not to the
// do-not-remind customer, not to the customer who got a letter yesterday
// (skipped, the reason recorded); the thank-you goes once for the reminded
// invoice now paid, not for the one paid without a letter. A second run and
// a retried send send nothing more.
func TestCourtesyMailsGoOnce(t *testing.T) {
	t.Parallel()
	f := newCourtesyFixture(t)
	ctx := context.Background()
	if rep := f.run(t); rep != (wire.CourtesyReport{Sent: 2, Skipped: 1}) {
		t.Fatalf("first run %+v, want 2 sent and 1 skipped", rep)
	}
	if rep := f.run(t); rep != (wire.CourtesyReport{}) {
		t.Errorf("second run %+v, want nothing", rep)
	}
	msgs, err := f.emu.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || len(f.box.sent) != 2 {
		t.Fatalf("%d e-mails in SES, %d handed, want 2", len(msgs), len(f.box.sent))
	}
	before, thanks := f.box.sent[0], f.box.sent[1]
	due := f.today.AddDays(3).French()
	if before.Subject != "Rappel : facture FA001 à échéance le "+due || len(before.To) != 1 || before.To[0] != "c001@client.example" {
		t.Errorf("courtesy reminder %q to %v", before.Subject, before.To)
	}
	for _, want := range []string{"FA001", "échéance le " + due, money.Format(decimal.RequireFromString("1200.50"), "EUR"), "aucun retard", "IBAN FR76 3000 6000 0112 3456 7890 189", "compta@acme.example"} {
		if !strings.Contains(before.Text, want) {
			t.Errorf("courtesy reminder lacks %q:\n%s", want, before.Text)
		}
	}
	if strings.Contains(before.Text, "FA002") || strings.Contains(before.Text, "indemnité") {
		t.Errorf("courtesy reminder names FA002 or fees:\n%s", before.Text)
	}
	if thanks.Subject != "Merci pour votre règlement de la facture FA010" || !strings.Contains(thanks.Text, "soldée") || strings.Contains(thanks.Text, "FA011") {
		t.Errorf("thank-you %q:\n%s", thanks.Subject, thanks.Text)
	}
	t.Logf("courtesy reminder %q:\n%s\nthank-you %q:\n%s", before.Subject, before.Text, thanks.Subject, thanks.Text)
	before.Date = f.now
	raw, err := mail.Raw(before)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, want := range []string{"From: =?utf-8?q?ACME_Comptabilit=C3=A9?= <relances@acme.example>", "Reply-To: <compta@acme.example>", "To: <c001@client.example>"} {
		if !strings.Contains(head, want) {
			t.Errorf("raw headers lack %q:\n%s", want, head)
		}
	}
	// A retried send of the reminder answers from the ledger.
	cust, _ := f.st.CustomerByCode(ctx, "ACME", "C001")
	id, _ := f.st.InvoiceID(ctx, "ACME", "FA001")
	res, err := f.acts.SendCourtesy(ctx, wire.CourtesyRequest{Company: "ACME", Day: f.today, CadenceDays: 7,
		Mail: wire.CourtesyMailPlan{Kind: "before", CustomerID: cust.ID, InvoiceIDs: []int64{id}}})
	if err != nil || res.Status != wire.CourtesySent {
		t.Errorf("retried send: %+v %v", res, err)
	}
	if msgs, _ := f.emu.Messages(ctx); len(msgs) != 2 {
		t.Errorf("%d e-mails after a retry, want 2", len(msgs))
	}
	c3, _ := f.st.CustomerByCode(ctx, "ACME", "C003")
	mails, err := f.st.CourtesyMailsOf(ctx, c3.ID)
	if err != nil || len(mails) != 1 || mails[0].Status != store.CourtesySkipped || !strings.Contains(mails[0].Reason, "within the 7-day cadence") {
		t.Errorf("C003's courtesy mails %+v %v: want one skipped for the cadence", mails, err)
	}
	c2, _ := f.st.CustomerByCode(ctx, "ACME", "C002")
	if mails, _ := f.st.CourtesyMailsOf(ctx, c2.ID); len(mails) != 0 {
		t.Errorf("do-not-remind customer C002 has courtesy mails %+v", mails)
	}
	var thanked []string
	rows, _ := f.st.Pool.Query(ctx, `SELECT i.number FROM courtesy_items ci JOIN invoices i ON i.id = ci.invoice_id WHERE ci.kind = 'thanks' ORDER BY 1`)
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		thanked = append(thanked, n)
	}
	if strings.Join(thanked, ",") != "FA010" {
		t.Errorf("thanked %v, want FA010 only", thanked)
	}
}
