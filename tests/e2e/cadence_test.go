package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/client"
)

// TestCadenceThroughTheRealPieces: INFO DEBUTANT's three invoices reach R1
// on three consecutive demo days (3 s) with a 7-day cadence: SES (the
// emulator) receives two e-mails 7 demo days apart, the first for FA0168,
// the second for FA0176 and FA0184 together, and the ledger records each
// invoice's R1 under the letter that carried it.
func TestCadenceThroughTheRealPieces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company, day = "CAD1", 3
	loadCompany(t, company, day)
	if err := st.SetLadder(ctx, company, ladder.Ladder{
		{Code: "R1", Label: "Relevé de factures impayées", DelayDays: 1, Channel: ladder.ChannelEmail},
		{Code: "R2", Label: "2ème relance", DelayDays: 60, Channel: ladder.ChannelEmail},
		{Code: ladder.FormalNotice, Label: "Mise en demeure de payer", DelayDays: 60, Channel: ladder.ChannelEmail},
	}); err != nil {
		t.Fatal(err)
	}
	week := 7
	if err := st.SetCompanyCadence(ctx, company, &week); err != nil {
		t.Fatal(err)
	}
	numbers := []string{"FA0168", "FA0176", "FA0184"}
	for i, number := range numbers {
		id := dunning.WorkflowID(company, number)
		if _, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: id, TaskQueue: dunning.TaskQueue, StartDelay: time.Duration(i*day) * time.Second,
		}, dunning.InvoiceWorkflowType, wire.Input{Company: company, Invoice: number}); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tc.TerminateWorkflow(ctx, id, "", "test over") }()
	}
	carried := func() map[string]string {
		rows, err := st.Pool.Query(ctx, `
			SELECT i.number, cl.id FROM letters l JOIN invoices i ON i.id = l.invoice_id
			JOIN customer_letters cl ON cl.id = l.customer_letter_id JOIN companies c ON c.id = i.company_id
			WHERE c.code = $1 AND l.level_code = 'R1' AND l.status = 'sent'`, company)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var n string
			var id int64
			if err := rows.Scan(&n, &id); err != nil {
				t.Fatal(err)
			}
			out[n] = fmt.Sprint(id)
		}
		return out
	}
	eventually(t, 60*time.Second, "the three R1 carried", func() bool { return len(carried()) == 3 })
	by := carried()
	if by["FA0168"] == by["FA0176"] || by["FA0176"] != by["FA0184"] {
		t.Errorf("letters carrying R1: %v, want FA0168 alone, then FA0176 and FA0184 together", by)
	}
	time.Sleep(2 * day * time.Second) // a third e-mail would show now
	msgs, err := emu.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var at []time.Time
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == paulAt(company) {
			at = append(at, m.At)
		}
	}
	if len(at) != 2 {
		t.Fatalf("%d e-mails to INFO DEBUTANT, want 2", len(at))
	}
	if gap := at[1].Sub(at[0]); gap < time.Duration(7*day-1)*time.Second {
		t.Errorf("the second e-mail came %s after the first, want at least 7 demo days (%d s)", gap, 7*day)
	}
}
