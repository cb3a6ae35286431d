package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
)

// TestLettersOfTheDay: the day's letters are listed in the order they went
// out; "Courrier seulement" lists only those that go by post; the merged
// PDF to print holds only them, never a letter that went by e-mail only.
func TestLettersOfTheDay(t *testing.T) {
	t.Parallel()
	st, day, a := previewWorld(t)
	ctx := context.Background()
	co, err := st.CompanyByCode(ctx, "PRV")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, co.ID, store.Customer{Code: "CLI2", Name: "Client Deux", AddressLines: []string{"3 rue Haute", "13001 Marseille"}, Kind: "business"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertInvoice(ctx, co.ID, store.NewInvoice{Number: "FB0001", Customer: "CLI2", IssueDate: day.AddDays(-40), DueDate: day.AddDays(-10),
		Amount: decimal.NewFromInt(90), Balance: decimal.NewFromInt(90)}); err != nil {
		t.Fatal(err)
	}
	lad, err := st.Ladder(ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{Store: st, Mailer: &outbox{}, Log: slog.New(slog.DiscardHandler)}
	for _, c := range []struct{ customer, invoice string }{{"CLI1", "FA0002"}, {"CLI2", "FB0001"}} {
		id, _ := st.InvoiceID(ctx, "PRV", c.invoice)
		if _, err := acts.SendStatement(ctx, wire.CustomerLetterRequest{Key: "letters/PRV/" + c.customer + "/" + day.String(), Company: "PRV",
			Customer: c.customer, Date: day, Items: []wire.LetterItem{{InvoiceID: id, Invoice: c.invoice, Level: lad[0], Sequence: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	// CLI2's letter (by post) went out at 09:00, CLI1's (e-mail) at 11:00.
	at := func(h int) time.Time { return time.Date(day.Year, day.Month, day.Day, h, 0, 0, 0, adminParis) }
	if _, err := st.Pool.Exec(ctx, `UPDATE customer_letters cl SET created_at = CASE cu.code WHEN 'CLI2' THEN $1::timestamptz ELSE $2::timestamptz END
		FROM customers cu WHERE cu.id = cl.customer_id`, at(9), at(11)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE letters l SET created_at = cl.created_at FROM customer_letters cl WHERE cl.id = l.customer_letter_id`); err != nil {
		t.Fatal(err)
	}

	_, page := a.get("/c/PRV/letters?date=" + day.String())
	rows := regexp.MustCompile(`<tr><td>[^<]*</td><td>(CLI\d)</td>`).FindAllStringSubmatch(page, -1)
	if len(rows) != 2 || rows[0][1] != "CLI2" || rows[1][1] != "CLI1" {
		t.Errorf("letters not in time order: %v", rows)
	}
	if !strings.Contains(page, `id="printonly"`) || !strings.Contains(page, "Courrier seulement") {
		t.Errorf("no 'Courrier seulement' on the page")
	}
	_, page = a.get("/c/PRV/letters?channel=print&date=" + day.String())
	rows = regexp.MustCompile(`<tr><td>[^<]*</td><td>(CLI\d)</td>`).FindAllStringSubmatch(page, -1)
	if len(rows) != 1 || rows[0][1] != "CLI2" {
		t.Errorf("courrier seulement lists %v, want CLI2 only", rows)
	}
	resp, err := a.c.Get(a.base + "/c/PRV/letters/lettres.pdf?date=" + day.String())
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("merged PDF: %d %.200s", resp.StatusCode, pdf)
	}
	text := pdfToText(t, pdf)
	if !strings.Contains(text, "Client Deux") || strings.Contains(text, "Client Un") {
		t.Errorf("the PDF to print must hold CLI2's letter only:\n%.1500s", text)
	}
}
