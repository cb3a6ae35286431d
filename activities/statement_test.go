package activities_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/csvimport"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/temporal"
)

// mailbox records what is sent.
type mailbox struct{ sent []mail.Message }

func (m *mailbox) Send(_ context.Context, msg mail.Message) (string, error) {
	m.sent = append(m.sent, msg)
	return fmt.Sprintf("msg-%d", len(m.sent)), nil
}

// statementFixture is a company loaded from a seed's table.
type statementFixture struct {
	st      *store.Store
	company store.Company
	box     *mailbox
	acts    *activities.Activities
}

func newStatementFixture(t *testing.T, code string) *statementFixture {
	t.Helper()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	c := store.Company{Code: code, LegalName: code + " SAS", AddressLines: []string{"1 rue de la Paix", "75002 Paris"},
		City: "Paris", SenderEmail: "relances@" + strings.ToLower(code) + ".example"}
	id, err := st.CreateCompany(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	c.ID = id
	box := &mailbox{}
	return &statementFixture{st: st, company: c, box: box, acts: &activities.Activities{Store: st, Mailer: box, Log: slog.Default()}}
}

func (f *statementFixture) customer(t *testing.T, code, name string) {
	t.Helper()
	_, err := f.st.UpsertCustomer(context.Background(), f.company.ID, store.Customer{
		Code: code, Name: name, Emails: []string{strings.ToLower(code) + "@client.example"},
		AddressLines: []string{"2 avenue Foch", "69006 Lyon"}, Kind: "business",
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *statementFixture) item(t *testing.T, number, level string, instalment int) wire.LetterItem {
	t.Helper()
	id, err := f.st.InvoiceID(context.Background(), f.company.Code, number)
	if err != nil {
		t.Fatal(err)
	}
	lad, err := f.st.Ladder(context.Background(), f.company.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, lv := range lad {
		if lv.Code == level {
			return wire.LetterItem{InvoiceID: id, Invoice: number, Level: lv, Position: i, Sequence: 1,
				WorkflowID: "dunning/" + f.company.Code + "/" + number, Instalment: instalment}
		}
	}
	t.Fatalf("no level %s", level)
	return wire.LetterItem{}
}

func (f *statementFixture) statement(t *testing.T, customer string, date calendar.Date, items ...wire.LetterItem) []wire.ItemResult {
	t.Helper()
	res, err := f.acts.SendStatement(context.Background(), wire.CustomerLetterRequest{
		Key: "letters/" + f.company.Code + "/" + customer + "/" + date.String() + "/run/1", Company: f.company.Code,
		Customer: customer, Date: date, Items: items,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// flat removes every kind of space, so amounts compare whatever space the
// PDF uses between thousands.
func flat(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\n':
			return -1
		}
		return r
	}, s)
}

// loadCiel loads seed 000's "Traitements de relances" table (Ciel), all
// rows including the credit note AV0021.
func loadCiel(t *testing.T, f *statementFixture) {
	t.Helper()
	file, err := os.Open("testdata/ciel_000_relances.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Scan() // header
	seen := map[string]bool{}
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 6 || col[1] == "" {
			continue
		}
		number, cust, name := col[1], col[2], col[3]
		if !seen[cust] {
			f.customer(t, cust, name)
			seen[cust] = true
		}
		due, err := csvimportDate(col[4])
		if err != nil {
			t.Fatal(err)
		}
		bal := decimal.RequireFromString(strings.ReplaceAll(col[5], " ", ""))
		kind := "invoice"
		if strings.HasPrefix(number, "AV") {
			kind = "credit_note"
		}
		if _, err := f.st.UpsertInvoice(context.Background(), f.company.ID, store.NewInvoice{
			Number: number, Customer: cust, Kind: kind, IssueDate: due.AddDays(-30), DueDate: due, Amount: bal, Balance: bal,
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func csvimportDate(s string) (calendar.Date, error) {
	var d, m, y int
	if _, err := fmt.Sscanf(s, "%d/%d/%d", &d, &m, &y); err != nil {
		return calendar.Date{}, err
	}
	return calendar.New(y, timeMonth(m), d), nil
}

// TestCielStatementDeductsTheCreditNote: seed 000, CLI0009 (INFO
// DEBUTANT) has FA0168, FA0176 and FA0184 at R1 and the credit note AV0021
// of −283,20: its R1 statement has four rows and claims 18 179,14 €, not
// 18 462,34 €.
func TestCielStatementDeductsTheCreditNote(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "CIEL")
	loadCiel(t, f)
	day := calendar.New(2015, 2, 4)
	res := f.statement(t, "CLI0009", day,
		f.item(t, "FA0168", "R1", 0), f.item(t, "FA0176", "R1", 0), f.item(t, "FA0184", "R1", 0))
	if len(res) != 3 || len(f.box.sent) != 1 {
		t.Fatalf("results %+v, %d e-mails: want one letter for the three invoices", res, len(f.box.sent))
	}
	for _, r := range res {
		if r.Status != wire.LetterSent {
			t.Errorf("%s: %s %s", r.Item.Invoice, r.Status, r.Detail)
		}
	}
	text := pdfText(t, f.box.sent[0].Attachments[0].Data)
	// Each invoice once (its row); the credit note on its row and named
	// apart in the intro: "des 3 factures suivantes (avoir AV0021 déduit)".
	for n, want := range map[string]int{"FA0168": 1, "FA0176": 1, "FA0184": 1, "AV0021": 2} {
		if strings.Count(text, n) != want {
			t.Errorf("statement names %s %d times, want %d:\n%s", n, strings.Count(text, n), want, text)
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(text), " "), "3 factures suivantes (avoir AV0021 déduit)") {
		t.Errorf("intro does not count 3 invoices with the credit note apart:\n%s", text)
	}
	if !strings.Contains(flat(text), "18179,14") || strings.Contains(flat(text), "18462,34") {
		t.Errorf("statement does not claim 18 179,14 € (credit note deducted):\n%s", text)
	}
	if !strings.Contains(res[0].Detail, "4 row(s), "+money.Format(decimal.RequireFromString("18179.14"), "EUR")+" owed") {
		t.Errorf("history detail %q does not say 4 rows and 18 179,14 € owed", res[0].Detail)
	}
	if strings.Contains(text, "40,00") {
		t.Errorf("an R1 statement claims fees:\n%s", text)
	}
}

// TestVinistoriaCreditNotesLeaveNothingOwed loads seed 004's invoice rows
// (Vinistoria, March 2010) through the CSV import: the rows whose balance
// exceeds the amount (deposits) keep their balance and are reported. The
// scan finds two overdue invoices (customers 3753 and 1147, 83,84 € and
// 533,43 €); their credit notes bring both customers to zero, so nobody
// receives a letter and each invoice's result says why.
func TestVinistoriaCreditNotesLeaveNothingOwed(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "VINI")
	ctx := context.Background()
	file, err := os.Open("testdata/vinistoria_004_factures.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	list, bad, err := csvimport.Invoices(file)
	if err != nil || len(bad) != 0 {
		t.Fatalf("import: %v %v", err, bad)
	}
	var noted []string
	customers := map[string]bool{}
	for _, in := range list {
		if in.Balance.Abs().GreaterThan(in.Amount.Abs()) { // noted by the import (csvimport notes)
			noted = append(noted, in.Number)
		}
		if !customers[in.Customer] {
			f.customer(t, in.Customer, "Client "+in.Customer)
			customers[in.Customer] = true
		}
		if _, err := f.st.UpsertInvoice(ctx, f.company.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	// Balance above the amount, kept and reported: 10007728, 10007720,
	// 10007719, 10007716, 10007655 (credit notes) and 10007380.
	if got := strings.Join(noted, ","); got != "10007728,10007720,10007719,10007716,10007655,10007380" {
		t.Errorf("import notes on %s", got)
	}
	day := calendar.New(2010, 3, 24)
	cands, err := f.st.DueInvoices(ctx, f.company.Code, day)
	if err != nil {
		t.Fatal(err)
	}
	var due []string
	for _, c := range cands {
		if c.Problem == "" {
			due = append(due, c.Customer+":"+c.Number+":"+c.Balance.StringFixed(2))
		}
	}
	if got := strings.Join(due, " "); got != "1147:10007380:533.43 3753:10007381:83.84" {
		t.Errorf("overdue invoices %s", got)
	}
	for _, c := range [][2]string{{"3753", "10007381"}, {"1147", "10007380"}} {
		res := f.statement(t, c[0], day, f.item(t, c[1], "R1", 0))
		if len(res) != 1 || res[0].Status != wire.LetterNothingOwed || !strings.Contains(res[0].Detail, "owes nothing once credit notes") {
			t.Errorf("customer %s: %+v, want no letter because nothing is owed", c[0], res)
		}
	}
	if len(f.box.sent) != 0 {
		t.Errorf("%d letters sent, want none", len(f.box.sent))
	}
}

// TestOneLetterFeesOnlyOnTheR3Rows: a customer with an invoice reaching
// R1 and another reaching R3 the same day gets one letter, at R3 (the
// highest), whose fees (R3 claims them here) apply to the R3 invoice only.
func TestOneLetterFeesOnlyOnTheR3Rows(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "CIEL3")
	loadCiel(t, f)
	lad := ladder.Default()
	lad[2].ClaimFees = true
	if err := f.st.SetLadder(context.Background(), f.company.Code, lad); err != nil {
		t.Fatal(err)
	}
	day := calendar.New(2015, 3, 20)
	res := f.statement(t, "CLI0009", day, f.item(t, "FA0168", "R1", 0), f.item(t, "FA0176", "R3", 0))
	if len(res) != 2 || len(f.box.sent) != 1 {
		t.Fatalf("results %+v, %d e-mails: want one letter", res, len(f.box.sent))
	}
	if s := f.box.sent[0].Subject; !strings.HasPrefix(s, "3ème relance") {
		t.Errorf("subject %q: want the R3 letter", s)
	}
	text := pdfText(t, f.box.sent[0].Attachments[0].Data)
	if !strings.Contains(text, "soit 40,00 € pour 1 facture") {
		t.Errorf("fees are not on the R3 invoice only:\n%s", text)
	}
	for _, lv := range []string{"R1", "R3"} {
		if !strings.Contains(text, lv) {
			t.Errorf("rows do not show level %s:\n%s", lv, text)
		}
	}
}

// TestInstalmentStatement: FA9000 is paid in two instalments; on 20
// February 2015 the first is overdue (its R2 letter) and the second is not
// due yet: the scan starts the first only, and the statement lists both,
// the second for information, not counted.
func TestInstalmentStatement(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "ECH")
	ctx := context.Background()
	f.customer(t, "CLI0009", "INFO DEBUTANT")
	id, err := f.st.UpsertInvoice(ctx, f.company.ID, store.NewInvoice{
		Number: "FA9000", Customer: "CLI0009", IssueDate: calendar.New(2014, 12, 15), DueDate: calendar.New(2015, 3, 31),
		Amount: decimal.RequireFromString("1000"), Balance: decimal.RequireFromString("1000"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetInstalments(ctx, id, []store.Instalment{
		{Seq: 1, DueDate: calendar.New(2015, 1, 15), Amount: decimal.RequireFromString("500"), Balance: decimal.RequireFromString("500")},
		{Seq: 2, DueDate: calendar.New(2015, 3, 31), Amount: decimal.RequireFromString("500"), Balance: decimal.RequireFromString("500")},
	}); err != nil {
		t.Fatal(err)
	}
	day := calendar.New(2015, 2, 20)
	cands, err := f.st.DueInvoices(ctx, f.company.Code, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 1 || cands[0].Instalment != 1 || !cands[0].Balance.Equal(decimal.NewFromInt(500)) {
		t.Fatalf("scan candidates %+v, want instalment 1 of FA9000 only", cands)
	}
	inv, err := f.st.LoadItem(ctx, f.company.Code, "FA9000", 1)
	if err != nil || inv.DueDate != calendar.New(2015, 1, 15) || inv.Instalment != 1 {
		t.Fatalf("load instalment 1: %+v %v", inv, err)
	}
	res := f.statement(t, "CLI0009", day, f.item(t, "FA9000", "R2", 1))
	if len(res) != 1 || res[0].Status != wire.LetterSent || len(f.box.sent) != 1 {
		t.Fatalf("results %+v", res)
	}
	text := pdfText(t, f.box.sent[0].Attachments[0].Data)
	for _, s := range []string{"FA9000 (éch. 1)", "FA9000 (éch. 2)", "à échoir", "R2"} {
		if !strings.Contains(text, s) {
			t.Errorf("statement does not show %q:\n%s", s, text)
		}
	}
	if !strings.Contains(flat(text), "500,00") || strings.Contains(flat(text), "1000,00") {
		t.Errorf("statement total is not the first instalment's 500,00 €:\n%s", text)
	}
	letters, err := f.st.Letters(ctx, id)
	if err != nil || len(letters) != 1 || letters[0].Level != "R2" {
		t.Errorf("letter rows %+v %v", letters, err)
	}
	// A payment is allocated to the earliest instalment.
	r, err := f.st.RecordItemPayment(ctx, id, 1, paymentOf("P1", "300"))
	if err != nil || !r.Balance.Equal(decimal.NewFromInt(200)) {
		t.Errorf("instalment 1 balance after 300 paid: %s %v", r.Balance, err)
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }

func paymentOf(id, amount string) dunning.Payment {
	return dunning.Payment{ExternalID: id, Amount: decimal.RequireFromString(amount), PaidOn: calendar.New(2015, 2, 21)}
}

// TestLetterReferencesAreUnique: two letters to one customer on one day at
// one level carry different references (X-Relance-Letter and the payment
// reference); a retry of the same letter keeps its own.
func TestLetterReferencesAreUnique(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "REF")
	loadCiel(t, f)
	day := calendar.New(2015, 2, 4)
	send := func(key string, it wire.LetterItem) {
		t.Helper()
		if _, err := f.acts.SendStatement(context.Background(), wire.CustomerLetterRequest{
			Key: key, Company: f.company.Code, Customer: "CLI0009", Date: day, Items: []wire.LetterItem{it},
		}); err != nil {
			t.Fatal(err)
		}
	}
	send("letters/REF/CLI0009/2015-02-04/run-a/1", f.item(t, "FA0168", "R1", 0))
	send("letters/REF/CLI0009/2015-02-04/run-b/1", f.item(t, "FA0176", "R1", 0))
	if len(f.box.sent) != 2 {
		t.Fatalf("%d letters, want 2", len(f.box.sent))
	}
	a, b := f.box.sent[0].Headers["X-Relance-Letter"], f.box.sent[1].Headers["X-Relance-Letter"]
	if a == b || !strings.HasPrefix(a, "CLI0009-20150204-R1-") {
		t.Errorf("references %q and %q: want two different CLI0009-20150204-R1-… references", a, b)
	}
	if !strings.Contains(pdfText(t, f.box.sent[1].Attachments[0].Data), b) {
		t.Errorf("the letter does not print its reference %s", b)
	}
}

// TestDatabaseErrorWhileBuildingIsRetried: a database error while the
// letter is built (here the templates table is gone) is retried, not
// turned into a BadLetter that holds the invoice.
func TestDatabaseErrorWhileBuildingIsRetried(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "DBERR")
	loadCiel(t, f)
	it := f.item(t, "FA0168", "R1", 0)
	if _, err := f.st.Pool.Exec(context.Background(), `ALTER TABLE letter_templates RENAME TO letter_templates_away`); err != nil {
		t.Fatal(err)
	}
	_, err := f.acts.SendStatement(context.Background(), wire.CustomerLetterRequest{
		Key: "k/1", Company: f.company.Code, Customer: "CLI0009", Date: calendar.New(2015, 2, 4), Items: []wire.LetterItem{it},
	})
	var appErr *temporal.ApplicationError
	if err == nil || (errors.As(err, &appErr) && appErr.NonRetryable()) {
		t.Errorf("database error gave %v, want a retryable error", err)
	}
	if len(f.box.sent) != 0 {
		t.Error("a letter went out")
	}
}

// TestUnappliedPaymentIsDeducted: money paid beyond an invoice's balance
// (an overpayment) is deducted from what the statement claims, on a row of
// its own.
func TestUnappliedPaymentIsDeducted(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "OVER")
	ctx := context.Background()
	f.customer(t, "CLI0001", "DEVELOGICIEL")
	for _, n := range []string{"FA1", "FA2"} {
		if _, err := f.st.UpsertInvoice(ctx, f.company.ID, store.NewInvoice{Number: n, Customer: "CLI0001",
			IssueDate: calendar.New(2026, 9, 1), DueDate: calendar.New(2026, 10, 1),
			Amount: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100)}); err != nil {
			t.Fatal(err)
		}
	}
	id, _ := f.st.InvoiceID(ctx, f.company.Code, "FA2")
	if _, err := f.st.RecordPayment(ctx, id, dunning.Payment{ExternalID: "P-150", Amount: decimal.NewFromInt(130),
		PaidOn: calendar.New(2026, 10, 20)}); err != nil {
		t.Fatal(err)
	}
	res := f.statement(t, "CLI0001", calendar.New(2026, 11, 24), f.item(t, "FA1", "R1", 0))
	if len(res) != 1 || res[0].Status != wire.LetterSent || len(f.box.sent) != 1 {
		t.Fatalf("results %+v", res)
	}
	text := pdfText(t, f.box.sent[0].Attachments[0].Data)
	if !strings.Contains(text, "Trop-perçu") || !strings.Contains(flat(text), "70,00€") {
		t.Errorf("statement does not deduct the 30,00 € paid beyond FA2 (70,00 € owed):\n%s", text)
	}
}

// TestStatementRecordsRenderWarningsAndSignatory: what the renderer changed
// so the letter prints (here a customer name too long for the envelope
// window) is recorded on the letter rows and in the history detail,
// without the name itself; the company's signatory signs the statement.
func TestStatementRecordsRenderWarningsAndSignatory(t *testing.T) {
	t.Parallel()
	f := newStatementFixture(t, "SIGN")
	ctx := context.Background()
	if _, err := f.st.Pool.Exec(ctx, `UPDATE companies SET signatory_name = 'Claire Martin', signatory_title = 'Responsable du recouvrement' WHERE id = $1`, f.company.ID); err != nil {
		t.Fatal(err)
	}
	long := "Établissements " + strings.Repeat("Zorglubovitch ", 20) + "et Associés"
	f.customer(t, "C1", long)
	day := calendar.New(2026, 11, 23)
	if _, err := f.st.UpsertInvoice(ctx, f.company.ID, store.NewInvoice{
		Number: "FA1", Customer: "C1", IssueDate: day.AddDays(-40), DueDate: day.AddDays(-10),
		Amount: decimal.NewFromInt(500), Balance: decimal.NewFromInt(500),
	}); err != nil {
		t.Fatal(err)
	}
	res := f.statement(t, "C1", day, f.item(t, "FA1", "R1", 0))
	if len(res) != 1 || res[0].Status != wire.LetterSent {
		t.Fatalf("results %+v", res)
	}
	if !strings.Contains(res[0].Detail, "printed with changes: recipient name") || strings.Contains(res[0].Detail, "Zorglubovitch") {
		t.Errorf("history detail %q: want the renderer's change, without the name", res[0].Detail)
	}
	var rowWarn, letterWarn string
	if err := f.st.Pool.QueryRow(ctx, `SELECT cl.render_warnings, l.render_warnings FROM customer_letters cl JOIN letters l ON l.customer_letter_id = cl.id`).Scan(&rowWarn, &letterWarn); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rowWarn, "recipient name") || rowWarn != letterWarn {
		t.Errorf("render warnings recorded %q / %q, want the recipient name's", rowWarn, letterWarn)
	}
	text := pdfText(t, f.box.sent[0].Attachments[0].Data)
	if !strings.Contains(text, "Claire Martin") || !strings.Contains(text, "Responsable du recouvrement") {
		t.Errorf("statement not signed by the company's signatory:\n%s", text)
	}
}
