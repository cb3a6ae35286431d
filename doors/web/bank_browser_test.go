package web_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/feed"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// dunningStatus is the mirrored status of an invoice's dunning.
func (wd *world) dunningStatus(t *testing.T, company, number string) string {
	t.Helper()
	var s *string
	if err := wd.st.Pool.QueryRow(context.Background(), `SELECT i.dunning_status FROM invoices i JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.number = $2`, company, number).Scan(&s); err != nil {
		t.Fatal(err)
	}
	if s == nil {
		return ""
	}
	return *s
}

// lettersSince counts the customer letters made for customers of company
// since at (all customers when codes is empty).
func (wd *world) lettersSince(t *testing.T, company string, at time.Time, codes ...string) int {
	t.Helper()
	var n int
	if err := wd.st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM customer_letters l JOIN customers cu ON cu.id = l.customer_id
		JOIN companies c ON c.id = cu.company_id WHERE c.code = $1 AND l.created_at > $2 AND (cardinality($3::text[]) = 0 OR cu.code = ANY($3))`,
		company, at, codes).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBrowserBankStatement: a controller uploads the day's CAMT.053 in the
// browser. The two transfers that pay every open invoice of CLI0004 and
// CLI0008 (invoice numbers in the text; the RF reference of the customer)
// end the dunning of those invoices within seconds, and the next send
// round (past the moment their next letter was due) e-mails other
// customers but not these two: no customer letter made for them, nothing
// in the SES emulator to their addresses. The transfer from a
// payer the ledger does not know waits on the Rapprochement screen, with
// the customer owing exactly its amount as the first suggestion; one click
// matches it and ends that invoice's dunning too.
func TestBrowserBankStatement(t *testing.T) {
	t.Parallel()
	wd := newWorld(t)
	const co = "BANKW"
	wd.company(t, co, 3, nil) // one ladder day lasts 3 s: letters go out all along the test
	wd.user(t, "bea", store.RoleOperator, co)
	today := calendar.Of(time.Now().In(paris))

	// The statement: CLI0004 pays FA0171 + FA0187, CLI0008 pays its total
	// with the RF reference of its letters, a payer unknown to the ledger
	// sends exactly what FA0174 (CLI0005) is owed, with no reference.
	rf, _ := bank.CreditorReference("CLI0008")
	iban := "FR7630006000011234567890189"
	entry := func(ref, amount, payer string) bank.Entry {
		return bank.Entry{Account: iban, BankRef: ref, BookingDate: today, ValueDate: today, Amount: decimal.RequireFromString(amount),
			Currency: "EUR", BankCode: "PMNT/RCDT/ESCT", PayerName: payer}
	}
	e1 := entry("B1", "4190.40", "ZAMACHOWSKI CLAUDIA")
	e1.Remittance = []string{"FACTURES FA0171 FA 187"}
	e2 := entry("B2", "3175.20", "HOTEL DE LUNA PARK LTD")
	e2.CreditorRefs = []string{rf}
	e3 := entry("B3", "6562.80", "SCI LES TILLEULS")
	e3.Remittance = []string{"VIREMENT"}
	e4 := entry("B4", "1000.00", "SCI DU PARC")
	e4.Remittance = []string{"DIVERS"}
	camt, err := bank.WriteCAMT053([]bank.Statement{{Account: iban, Currency: "EUR", ID: "BANKW-1", From: today, To: today,
		Entries: []bank.Entry{e1, e2, e3, e4}}}, "001.08")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "releve-du-jour.xml")
	if err := os.WriteFile(file, camt, 0o644); err != nil {
		t.Fatal(err)
	}
	paid := []string{"FA0171", "FA0187", "FA0173", "FA0181"}
	if before := proposed(t, wd, co, today.AddDays(1)); !before["CLI0004"] || !before["CLI0008"] {
		t.Fatalf("tomorrow's run does not write to CLI0004 and CLI0008 before the statement: %v", before)
	}
	for _, n := range append(paid, "FA0174") {
		if s := wd.dunningStatus(t, co, n); s == "paid" || s == "" {
			t.Fatalf("%s dunning %q before the statement", n, s)
		}
	}
	// When the paid customers' next letter was due: the next round is
	// the first one past it.
	var dueNext time.Time
	if err := wd.st.Pool.QueryRow(context.Background(), `SELECT COALESCE(max(i.next_action_at), now()) FROM invoices i
		JOIN companies c ON c.id = i.company_id WHERE c.code = $1 AND i.number = ANY($2)`, co, paid).Scan(&dueNext); err != nil {
		t.Fatal(err)
	}
	paidAddresses := map[string]bool{}
	for _, code := range []string{"CLI0004", "CLI0008"} {
		c, err := wd.st.CustomerByCode(context.Background(), co, code)
		if err != nil || len(c.Emails) == 0 {
			t.Fatalf("customer %s: %+v %v", code, c, err)
		}
		for _, e := range c.Emails {
			paidAddresses[strings.ToLower(e)] = true
		}
	}

	b := wd.browser(t)
	b.signIn("bea")
	b.step("Rapprochement", "#bank-upload", chromedp.Click(css("#nav-bank")))
	b.screenshot("bank-01-empty")
	uploaded := time.Now()
	b.step("upload the statement", ".flash",
		chromedp.SetUploadFiles(css("#bank-file"), []string{file}),
		chromedp.Click(css("#bank-upload button")))
	msg := b.text(".flash")
	if !strings.Contains(msg, "4 écritures nouvelles") || !strings.Contains(msg, "2 rapprochées automatiquement") || !strings.Contains(msg, "2 à rapprocher") {
		t.Errorf("upload message %q", msg)
	}
	b.screenshot("bank-02-uploaded")
	eventually(t, 20*time.Second, "the dunnings of the invoices paid end", func() bool {
		for _, n := range paid {
			if wd.dunningStatus(t, co, n) != "paid" {
				return false
			}
		}
		return true
	})
	t.Logf("dunnings ended %s after the upload", time.Since(uploaded).Round(100*time.Millisecond))
	ended := time.Now()

	// The exception, with CLI0005 first; accepted in one click.
	if n := b.count(`tr.bank-work form.suggestion[data-customer="CLI0005"]`); n != 1 {
		t.Fatalf("no CLI0005 suggestion: %s", b.text("#bank"))
	}
	b.step("accept the suggestion", ".flash", chromedp.Click(css(`tr.bank-work form.suggestion[data-customer="CLI0005"] button.accept`)))
	if msg := b.text(".flash"); !strings.Contains(msg, "CLI0005") {
		t.Errorf("accept message %q", msg)
	}
	if b.count(`tr.bank-work`) != 1 {
		t.Errorf("%d transactions waiting, want the one without any clue", b.count(`tr.bank-work`))
	}
	// The one without any clue: split by hand, 1 000 € on CLI0009's FA0176.
	b.run("open the split form", chromedp.Click(css(`tr.bank-work details.split summary`)))
	b.step("show CLI0009's invoices", `input[name="amount_FA0176"]`,
		chromedp.SendKeys(css(`tr.bank-work details.split input[name="customer"]`), "CLI0009"),
		chromedp.Click(css(`tr.bank-work details.split form[method="get"] button`)))
	b.run("type the part", chromedp.SendKeys(css(`input[name="amount_FA0176"]`), "1000,00"))
	b.screenshot("bank-03-split")
	before := wd.balance(t, co, "FA0176")
	b.step("save the split", ".flash", chromedp.Click(css(`form.split-form button`)))
	if msg := b.text(".flash"); !strings.Contains(msg, "réparti") {
		t.Errorf("split message %q", msg)
	}
	if after := wd.balance(t, co, "FA0176"); !before.Sub(after).Equal(decimal.NewFromInt(1000)) {
		t.Errorf("FA0176 balance %s, was %s", after, before)
	}
	if b.count(`tr.bank-work`) != 0 {
		t.Errorf("an exception is still waiting")
	}
	eventually(t, 20*time.Second, "FA0174's dunning ends", func() bool { return wd.dunningStatus(t, co, "FA0174") == "paid" })
	b.step("matched tab", "#bank", chromedp.Click(css(`#bank-tabs a[href$="tab=matched"]`)))
	if b.count(`tr.bank-row`) != 4 {
		t.Errorf("matched tab: %s", b.text("#bank"))
	}
	b.screenshot("bank-04-matched")

	// The next send round: past the moment the paid customers' next letter
	// was due, a letter goes to a customer who still owes (it was e-mailed:
	// the SES emulator has it), and none to CLI0004 and CLI0008.
	if dueNext.Before(ended) {
		dueNext = ended
	}
	var round time.Time
	eventually(t, 60*time.Second+time.Until(dueNext), "a letter of the next round to a customer who still owes", func() bool {
		if time.Now().Before(dueNext) {
			return false
		}
		var at *time.Time
		if err := wd.st.Pool.QueryRow(context.Background(), `SELECT min(l.sent_at) FROM customer_letters l JOIN customers cu ON cu.id = l.customer_id
			JOIN companies c ON c.id = cu.company_id WHERE c.code = $1 AND l.status = 'sent' AND l.created_at > $2
			AND cu.code <> ALL($3)`, co, dueNext, []string{"CLI0004", "CLI0008"}).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if at != nil {
			round = *at
		}
		return at != nil
	})
	// The emulator keeps whole seconds: an e-mail to a paid customer counts
	// from the second after the payments ended (one sent just before them
	// may share their second), the round's e-mail from a little before the
	// ledger recorded it sent (the emulator received it first), which may
	// be within a second of the payments.
	paidFrom, roundFrom := ended.Add(time.Second).Unix(), round.Add(-2*time.Second).Unix()
	msgs, err := wd.emu.MessagesSince(context.Background(), time.Unix(min(paidFrom, roundFrom), 0))
	if err != nil {
		t.Fatal(err)
	}
	others := 0
	for _, m := range msgs {
		hit := false
		for _, to := range append(append([]string{}, m.To...), m.Cc...) {
			hit = hit || paidAddresses[strings.ToLower(to)]
		}
		switch {
		case hit && m.At.Unix() >= paidFrom:
			t.Errorf("e-mail %q to a customer who paid everything, after the payment", m.Subject)
		case !hit && m.At.Unix() >= roundFrom:
			others++
		}
	}
	if others == 0 {
		t.Errorf("the SES emulator received no letter of the next round")
	}
	if n := wd.lettersSince(t, co, ended, "CLI0004", "CLI0008"); n != 0 {
		t.Errorf("%d letters to CLI0004/CLI0008 after their invoices were paid", n)
	}
	t.Logf("next round: the paid customers' letter was due %s after the upload; a letter to another customer went %s after that; %d e-mails since the payments, none to them",
		dueNext.Sub(uploaded).Round(100*time.Millisecond), round.Sub(dueNext).Round(100*time.Millisecond), others)
	// The customer record: the transfer matched (bank reference, how), and
	// a payment on account the accounting feed sends afterwards, deducted.
	coID := wd.companyID(t, co)
	raw := []byte(`{"reference": "ACPT-77", "customer": "CLI0008", "amount": "120.00", "paidOn": "` + today.String() + `", "method": "virement"}`)
	if rep := feed.Apply(context.Background(), wd.st, coID, feed.Batch{PaymentsOnAccount: []json.RawMessage{raw}}); rep.Created != 1 {
		t.Fatalf("feed: %+v", rep)
	}
	b.open("/c/"+co+"/customers/CLI0008", "#items")
	if tx := b.text(`tr[data-bank-ref="B2"]`); !strings.Contains(tx, "référence RF") || !strings.Contains(tx, "Automatiquement") {
		t.Errorf("the record's transfer B2: %q", tx)
	}
	if row := b.text(`tr[data-ref="ACPT-77"]`); !strings.Contains(row, "Flux comptable") || !strings.Contains(b.text("#unapplied"), "120,00") {
		t.Errorf("the record's payment on account: %q, deducted %q", row, b.text("#unapplied"))
	}
	b.screenshot("bank-05-customer")
}

func (wd *world) companyID(t *testing.T, code string) int64 {
	t.Helper()
	c, err := wd.st.CompanyByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// proposed are the customers the run of day would write to.
func proposed(t *testing.T, wd *world, company string, day calendar.Date) map[string]bool {
	t.Helper()
	props, err := wd.ops.Proposal(context.Background(), company, day)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range props {
		out[p.Customer] = true
	}
	return out
}

func (wd *world) balance(t *testing.T, company, number string) decimal.Decimal {
	t.Helper()
	var v decimal.Decimal
	if err := wd.st.Pool.QueryRow(context.Background(), `SELECT i.balance_due FROM invoices i JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND i.number = $2`, company, number).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
