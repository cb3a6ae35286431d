package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
)

// outbox records what SendStatement sends.
type outbox struct{ sent []mail.Message }

func (o *outbox) Send(_ context.Context, m mail.Message) (string, error) {
	o.sent = append(o.sent, m)
	return fmt.Sprintf("msg-%d", len(o.sent)), nil
}

// dunningAt sets what the invoice workflow mirrors of an invoice: its
// level, its next level and when that next letter falls due.
func dunningAt(t *testing.T, st *store.Store, company, number, level, next string, at time.Time) {
	t.Helper()
	_, err := st.Pool.Exec(context.Background(), `UPDATE invoices i SET dunning_level = $3, dunning_next_level = $4,
		dunning_status = 'active', next_action_at = $5 FROM companies c WHERE c.id = i.company_id AND c.code = $1 AND i.number = $2`,
		company, number, level, next, at)
	if err != nil {
		t.Fatal(err)
	}
}

// previewWorld is a company with one business customer whose letter of
// the day mixes an R1 item, R3 items going to the formal notice (fees at
// MED), an R3 item that stays at R3, an item not yet due and a credit
// note.
func previewWorld(t *testing.T) (*store.Store, calendar.Date, *adminClient) {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	day := calendar.Of(time.Now().In(adminParis))
	coID, err := st.CreateCompany(ctx, store.Company{Code: "PRV", LegalName: "Aperçu SAS", AddressLines: []string{"1 rue de la Paix", "75002 Paris"},
		City: "Paris", SenderEmail: "relances@prv.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, coID, store.Customer{Code: "CLI1", Name: "Client Un SARL", Emails: []string{"compta@cli1.example"},
		AddressLines: []string{"2 avenue Foch", "69006 Lyon"}, Kind: "business"}); err != nil {
		t.Fatal(err)
	}
	for _, half := range []calendar.Date{day.AddDays(-400), day.AddDays(-200), day} {
		from := calendar.Date{Year: half.Year, Month: 1, Day: 1}
		if half.Month > 6 {
			from.Month = 7
		}
		if err := st.SetECBRate(ctx, from, decimal.RequireFromString("2.15")); err != nil {
			t.Fatal(err)
		}
	}
	inv := func(number, kind string, due int, amount string) {
		a := decimal.RequireFromString(amount)
		if _, err := st.UpsertInvoice(ctx, coID, store.NewInvoice{Number: number, Customer: "CLI1", Kind: kind,
			IssueDate: day.AddDays(due - 30), DueDate: day.AddDays(due), Amount: a.Abs(), Balance: a}); err != nil {
			t.Fatal(err)
		}
	}
	inv("FA0001", "invoice", -95, "1200.00") // R3 -> MED today
	inv("FA0002", "invoice", -12, "480.50")  // NONE -> R1 today
	inv("FA0003", "invoice", -80, "300.00")  // R3 -> MED today
	inv("FA0004", "invoice", -50, "250.00")  // R3, MED in ten days: stays R3
	inv("FA0005", "invoice", 10, "700.00")   // not yet due
	inv("AV0001", "credit_note", -20, "-100.00")
	now := time.Now()
	dunningAt(t, st, "PRV", "FA0001", "R3", "MED", now)
	dunningAt(t, st, "PRV", "FA0002", "NONE", "R1", now)
	dunningAt(t, st, "PRV", "FA0003", "R3", "MED", now)
	dunningAt(t, st, "PRV", "FA0004", "R3", "MED", now.Add(10*24*time.Hour))
	if _, err := st.CreateUser(ctx, "paul", "mot-de-passe-solide", store.RoleOperator, []string{"PRV"}); err != nil {
		t.Fatal(err)
	}
	return st, day, newAdminClient(t, st, "paul", "mot-de-passe-solide")
}

// pdfToText is pdftotext's reading of a PDF (layout kept).
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// letterReferenceRE is the reference printed on a statement: its last six
// characters are drawn from the letter's key, which differs between a
// preview and the letter sent.
var letterReferenceRE = regexp.MustCompile(`CLI1-\d{8}-[A-Z0-9]+-[0-9A-F]{6}`)

func TestPreviewIsTheLetterSent(t *testing.T) {
	t.Parallel()
	st, day, a := previewWorld(t)
	ctx := context.Background()

	resp, err := a.c.Get(a.base + "/c/PRV/proposal/preview/FA0001?level=MED&date=" + day.String())
	if err != nil {
		t.Fatal(err)
	}
	preview, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(preview), "%PDF") {
		t.Fatalf("preview: %d %.300s", resp.StatusCode, preview)
	}
	// The proposal, read before the letter goes (once sent, the
	// customer's next letter waits for its cadence).
	_, page := a.get("/c/PRV/proposal?date=" + day.String())

	// The letter the run sends: the invoice workflows hand in the items
	// whose next letter falls due today, each at its new level.
	co, err := st.CompanyByCode(ctx, "PRV")
	if err != nil {
		t.Fatal(err)
	}
	lad, err := st.Ladder(ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	item := func(number, level string) wire.LetterItem {
		id, err := st.InvoiceID(ctx, "PRV", number)
		if err != nil {
			t.Fatal(err)
		}
		for i, lv := range lad {
			if lv.Code == level {
				return wire.LetterItem{InvoiceID: id, Invoice: number, Level: lv, Position: i, Sequence: 1, WorkflowID: "dunning/PRV/" + number}
			}
		}
		t.Fatalf("no level %s", level)
		return wire.LetterItem{}
	}
	box := &outbox{}
	acts := &activities.Activities{Store: st, Mailer: box, Log: slog.New(slog.DiscardHandler)}
	res, err := acts.SendStatement(ctx, wire.CustomerLetterRequest{Key: "letters/PRV/CLI1/" + day.String() + "/run/1",
		Company: "PRV", Customer: "CLI1", Date: day, Items: []wire.LetterItem{item("FA0001", "MED"), item("FA0002", "R1"), item("FA0003", "MED")}})
	if err != nil || len(res) != 3 || len(box.sent) != 1 {
		t.Fatalf("send: %v %+v, %d sent", err, res, len(box.sent))
	}
	sent := box.sent[0].Attachments[0].Data

	pv, lt := pdfToText(t, preview), pdfToText(t, sent)
	norm := func(s string) string { // the reference's glyphs differ in width: compare words
		return strings.Join(strings.Fields(letterReferenceRE.ReplaceAllString(s, "REF")), " ")
	}
	if norm(pv) != norm(lt) {
		t.Errorf("the preview differs from the letter sent\n--- preview\n%s\n--- sent\n%s", pv, lt)
	}
	flatText := strings.Join(strings.Fields(lt), " ")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`FA0001 .* MED`), regexp.MustCompile(`FA0002 .* R1`), regexp.MustCompile(`FA0003 .* MED`),
		regexp.MustCompile(`FA0004 .* R3`), regexp.MustCompile(`80,00`),
	} {
		if !want.MatchString(flatText) {
			t.Errorf("letter lacks %s:\n%s", want, lt)
		}
	}

	// The proposal shows the same level, amount and fees as the letter.
	row := strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(regexp.MustCompile(`(?s)<tr data-customer="CLI1">.*?</tr>`).FindString(page))
	owed := "2 130,50" // 1 200 + 480,50 + 300 + 250 - 100 (FA0005 not yet due)
	if !strings.Contains(row, owed) || !strings.Contains(flat(lt), flat(owed)) {
		t.Errorf("owed %s in the proposal and the letter; row %s\nletter %s", owed, row, lt)
	}
	if !strings.Contains(row, "Mise en demeure") || !strings.Contains(row, "recommandé") {
		t.Errorf("the proposal's level or channel is not the formal notice's: %s", row)
	}
	fees := regexp.MustCompile(`title="Indemnité forfaitaire 80,00 € \(2 facture\(s\) × 40 €\) (?:&#43;|\+) pénalités de retard ([0-9 ,]+) €">([0-9 ,]+) €`).FindStringSubmatch(row)
	if fees == nil {
		t.Fatalf("proposal fees tooltip: %s", row)
	}
	if !strings.Contains(flat(lt), flat(fees[2])) || !strings.Contains(flat(lt), flat(fees[1])) {
		t.Errorf("proposal fees %s (penalties %s) are not the letter's:\n%s", fees[2], fees[1], lt)
	}
}

// flat removes every kind of space.
func flat(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\n':
			return -1
		}
		return r
	}, s)
}

// TestUntickedRowsStayVisible: a customer unticked from the proposal (its
// due invoices paused with the untick's reason) stays on the page,
// unticked, with a button to tick it again.
func TestUntickedRowsStayVisible(t *testing.T) {
	t.Parallel()
	st, day, a := previewWorld(t)
	ctx := context.Background()
	if _, err := st.Pool.Exec(ctx, `UPDATE invoices SET dunning_status = 'paused' WHERE number IN ('FA0001', 'FA0002', 'FA0003')`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `INSERT INTO history (invoice_id, workflow_id, seq, at, kind, level_code, detail, actor)
		SELECT id, 'dunning/PRV/' || number, 1, now(), 'paused', 'R3', 'paused: ' || $1 || ', until ' || $2, 'paul'
		FROM invoices WHERE number IN ('FA0001', 'FA0002', 'FA0003')`, store.UntickMark+day.French(), day.AddDays(1).String()); err != nil {
		t.Fatal(err)
	}
	_, page := a.get("/c/PRV/proposal?date=" + day.String())
	row := regexp.MustCompile(`(?s)<tr data-customer="CLI1" data-unticked="CLI1"[^>]*>.*?</tr>`).FindString(page)
	if row == "" || !strings.Contains(row, `data-retick="CLI1"`) || !strings.Contains(row, "FA0001, FA0003, FA0002") ||
		!strings.Contains(row, `action="/c/PRV/proposal/retick"`) {
		t.Errorf("the unticked customer is not shown with Recocher: %s", row)
	}
	if strings.Contains(page, `data-untick="CLI1"`) {
		t.Errorf("CLI1 is still ticked")
	}
}
