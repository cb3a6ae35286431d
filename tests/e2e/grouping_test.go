package e2e

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/scan"
)

// TestFullLadderOneLetterPerCustomer runs a short ladder (one level per
// 20-second "day") through every real piece: INFO DEBUTANT's three overdue
// invoices reach each level together, so the customer gets exactly one
// e-mail per level listing all three, up to the formal notice; the
// invoices then wait unresolved.
func TestFullLadderOneLetterPerCustomer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const company = "GRP1"
	loadCompany(t, company, 20) // a demo day of 20 s: its statement rounds collect for 10 s, more than the three invoices of a customer drift apart over four levels on a machine running the whole suite (10 s was not: a second formal notice, seen once)
	short := ladder.Default()
	for i := range short {
		short[i].DelayDays = min(short[i].DelayDays, 1)
	}
	if err := st.SetLadder(ctx, company, short); err != nil {
		t.Fatal(err)
	}
	if _, err := scan.Run(ctx, st, tc, company, today, slog.Default()); err != nil {
		t.Fatal(err)
	}
	o := &actions.Ops{Store: st, Temporal: tc}
	eventually(t, 180*time.Second, "FA0168 unresolved after the formal notice", func() bool {
		s, err := o.State(ctx, company, "FA0168")
		return err == nil && s.Status == dunning.StatusUnresolved
	})
	// Let the other two catch up (they share the letters).
	eventually(t, 60*time.Second, "FA0176 and FA0184 unresolved", func() bool {
		for _, n := range []string{"FA0176", "FA0184"} {
			if s, err := o.State(ctx, company, n); err != nil || s.Status != dunning.StatusUnresolved {
				return false
			}
		}
		return true
	})
	msgs, err := emu.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var toPaul []string
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == paulAt(company) {
			toPaul = append(toPaul, m.Subject)
			text := pdfText(t, m.Attachments[0].Data)
			for _, n := range []string{"FA0168", "FA0176", "FA0184"} {
				if !strings.Contains(text, n) {
					t.Errorf("letter %q does not list %s", m.Subject, n)
				}
			}
		}
	}
	t.Logf("INFO DEBUTANT received %d e-mails: %q", len(toPaul), toPaul)
	if len(toPaul) != 4 {
		t.Errorf("INFO DEBUTANT got %d e-mails, want 4 (R1, R2, R3, MED), one for its three invoices each", len(toPaul))
	}
	for _, n := range []string{"FA0168", "FA0176", "FA0184"} {
		id, _ := st.InvoiceID(ctx, company, n)
		letters, err := st.Letters(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(letters) != 4 {
			t.Errorf("%s has %d letter rows, want 4", n, len(letters))
		}
		for _, l := range letters {
			if l.Status != "sent" {
				t.Errorf("%s %s: status %s", n, l.Level, l.Status)
			}
		}
	}
	terminateCompany(t, company)
}
