package activities_test

import (
	"context"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/epc"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/letters/portallink"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// customerSideFixture is a company with a sender name, a reply-to, an
// IBAN and a portal secret, and one customer owing one overdue invoice.
func customerSideFixture(t *testing.T) *statementFixture {
	t.Helper()
	f := newStatementFixture(t, "ACME")
	ctx := context.Background()
	if _, err := f.st.Pool.Exec(ctx, `UPDATE companies SET sender_name = 'ACME Comptabilité', reply_to = 'compta@acme.example',
		iban = 'FR7630006000011234567890189', bic = 'AGRIFRPP882' WHERE id = $1`, f.company.ID); err != nil {
		t.Fatal(err)
	}
	links, err := portallink.New([]byte(strings.Repeat("k", 32)), "https://relance.example", 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	f.acts.Portal = links
	f.customer(t, "C001", "Bistrot du Port")
	for _, n := range []string{"FA001", "FA002"} {
		if _, err := f.st.UpsertInvoice(ctx, f.company.ID, store.NewInvoice{
			Number: n, Customer: "C001", IssueDate: calendar.New(2026, 10, 1), DueDate: calendar.New(2026, 10, 31),
			Amount: decimal.RequireFromString("1200.50"), Balance: decimal.RequireFromString("1200.50"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestStatementGoesOutAsTheCompany: the e-mail's From carries the
// company's sender name, Reply-To its reply-to address (checked in the
// raw MIME), the letter asks to write to that address, the HTML part
// shows the EPC QR code inline, and the letter's RF reference is recorded
// against its items.
func TestStatementGoesOutAsTheCompany(t *testing.T) {
	t.Parallel()
	f := customerSideFixture(t)
	day := calendar.New(2026, 12, 7)
	res := f.statement(t, "C001", day, f.item(t, "FA001", "R1", 0), f.item(t, "FA002", "R1", 0))
	if len(f.box.sent) != 1 || res[0].Status != wire.LetterSent {
		t.Fatalf("results %+v, %d e-mails", res, len(f.box.sent))
	}
	msg := f.box.sent[0]
	msg.Date = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	raw, err := mail.Raw(msg)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, want := range []string{"From: =?utf-8?q?ACME_Comptabilit=C3=A9?= <relances@acme.example>", "Reply-To: <compta@acme.example>",
		"Content-Type: multipart/mixed"} {
		if !strings.Contains(head, want) {
			t.Errorf("raw headers lack %q:\n%s", want, head)
		}
	}
	for _, want := range []string{"Content-Type: multipart/related", "Content-ID: <epc-qr>", `src=3D"cid:epc-qr"`, "https://relance.example/p/"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("raw message lacks %q", want)
		}
	}
	if !strings.Contains(msg.Text, "compta@acme.example") || strings.Contains(msg.Text, "par e-mail à relances@") {
		t.Errorf("the letter does not ask to write to the reply-to address:\n%s", msg.Text)
	}
	if len(msg.Inline) != 1 {
		t.Fatalf("%d inline images, want the QR code", len(msg.Inline))
	}
	payload := zbar(t, msg.Inline[0].Data)
	lines := strings.Split(payload, "\n")
	if len(lines) != 10 || lines[6] != "FR7630006000011234567890189" || lines[7] != "EUR2401.00" || !epc.ValidReference(lines[9]) {
		t.Fatalf("QR payload %q", payload)
	}
	ref, items, err := f.st.PaymentRefItems(context.Background(), epc.Grouped(lines[9]))
	if err != nil || len(items) != 2 || ref.CustomerLetter == 0 || !ref.Amount.Equal(decimal.RequireFromString("2401")) {
		t.Errorf("payment reference %s: %+v, items %v, %v", lines[9], ref, items, err)
	}
	if !strings.Contains(msg.Text, epc.Grouped(lines[9])) {
		t.Errorf("the e-mail text does not quote the payment reference %s", epc.Grouped(lines[9]))
	}
}

// TestBouncedAddressTurnsTheNextLetterToPrint: once SES reported the
// customer's address, its next statement goes to print.
func TestBouncedAddressTurnsTheNextLetterToPrint(t *testing.T) {
	t.Parallel()
	f := customerSideFixture(t)
	ctx := context.Background()
	if err := f.st.MarkUndeliverable(ctx, "C001@client.example", store.UndeliverableBounce, "550 no such user", "ses-1"); err != nil {
		t.Fatal(err)
	}
	res := f.statement(t, "C001", calendar.New(2026, 12, 7), f.item(t, "FA001", "R1", 0))
	if len(f.box.sent) != 0 || res[0].Status != wire.LetterPrint {
		t.Fatalf("results %+v, %d e-mails: want a print letter", res, len(f.box.sent))
	}
	cust, _ := f.st.CustomerByCode(ctx, "ACME", "C001")
	bad, err := f.st.UndeliverableOf(ctx, cust.ID)
	if err != nil || len(bad) != 1 || bad[0].Kind != store.UndeliverableBounce {
		t.Errorf("UndeliverableOf = %+v, %v", bad, err)
	}
}

// zbar decodes the QR code of a PNG with zbarimg.
func zbar(t *testing.T, png []byte) string {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Fatal("zbarimg not found: install zbar-tools (scripts/test.sh does)")
	}
	p := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", p).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSuffix(string(out), "\n")
}
