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
	"github.com/relance/relance/letters/confirm"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/workflows/wire"
)

// lostAnswer is a send whose answer never comes back: the message reaches
// SES (when deliver is true) but the caller sees no answer.
type lostAnswer struct {
	next    mail.Sender
	deliver bool
}

func (m lostAnswer) Send(ctx context.Context, msg mail.Message) (string, error) {
	if m.deliver {
		if _, err := m.next.Send(ctx, msg); err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("connection reset: %w", mail.ErrUncertain)
}

// TestUncertainLetterResolvedFromTheEmulator, through the SES emulator: a
// statement that reached SES but whose answer was lost is confirmed from
// the emulator's store (by the reference its PDF carries) and recorded
// sent; one that never reached SES is, after the waiting period, recorded
// failed, and the next statement sends it, once.
func TestUncertainLetterResolvedFromTheEmulator(t *testing.T) {
	t.Parallel()
	for _, reached := range []bool{true, false} {
		t.Run(fmt.Sprintf("reached SES %v", reached), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			id, err := f.st.InvoiceID(ctx, demo.Company, "FA0175")
			if err != nil {
				t.Fatal(err)
			}
			item := wire.LetterItem{InvoiceID: id, Invoice: "FA0175", Level: ladder.Default()[0], Sequence: 1, WorkflowID: "dunning/DEMO/FA0175"}
			a := &activities.Activities{Store: f.st, Mailer: lostAnswer{next: f.ses, deliver: reached}, Log: slog.Default()}
			req := wire.CustomerLetterRequest{Key: "letters/DEMO/CLI0001/u/run/1#1-aaaa", Company: demo.Company, Customer: "CLI0001", Date: today, Items: []wire.LetterItem{item}}
			res, err := a.SendStatement(ctx, req)
			if err != nil || res[0].Status != wire.LetterUncertain {
				t.Fatalf("%+v %v, want uncertain", res, err)
			}
			ref := wire.LetterRef{InvoiceID: id, Level: "R1", Sequence: 1}
			a.Confirm = confirm.EmulatorStore{URL: f.emu.URL, Settle: time.Hour}
			out, err := a.ResolveLetter(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			if !reached {
				if out.Status != store.LetterUncertain {
					t.Fatalf("within the waiting period: %+v, want still uncertain", out)
				}
				a.Confirm = confirm.EmulatorStore{URL: f.emu.URL, Settle: 0}
				if out, err = a.ResolveLetter(ctx, ref); err != nil || out.Status != store.LetterFailed {
					t.Fatalf("after the waiting period: %+v %v, want failed (goes again)", out, err)
				}
				a.Mailer = f.ses
				next := req
				next.Key = "letters/DEMO/CLI0001/u2/run/1#1-aaaa"
				res, err := a.SendStatement(ctx, next)
				if err != nil || res[0].Status != wire.LetterSent {
					t.Fatalf("next statement: %+v %v", res, err)
				}
			} else if out.Status != store.LetterSent || out.SentAt.IsZero() {
				t.Fatalf("%+v, want sent with SES's time", out)
			}
			if n := f.sent(t); n != 1 {
				t.Errorf("%d e-mails at SES, want 1", n)
			}
			letters, _ := f.st.Letters(ctx, id)
			if len(letters) != 1 || letters[0].Status != store.LetterSent {
				t.Errorf("letters %+v, want one sent", letters)
			}
		})
	}
}

// TestOperatorDecidesAnUncertainLetter: with no way to ask SES, an
// uncertain letter is listed to verify until an operator decides; the
// invoice held on it then reads the decision.
func TestOperatorDecidesAnUncertainLetter(t *testing.T) {
	t.Parallel()
	st, items := demoItems(t, "FA0175")
	ctx := context.Background()
	a := &activities.Activities{Store: st, Mailer: lostAnswer{}, Log: slog.Default()}
	req := wire.CustomerLetterRequest{Key: "letters/DEMO/CLI0001/o/run/1#1-aaaa", Company: demo.Company, Customer: "CLI0001", Date: today, Items: items}
	if res, err := a.SendStatement(ctx, req); err != nil || res[0].Status != wire.LetterUncertain {
		t.Fatalf("%+v %v", res, err)
	}
	co, err := st.CompanyByCode(ctx, demo.Company)
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.UncertainLetters(ctx, co.ID)
	if err != nil || len(list) != 1 || list[0].Invoices != "FA0175 R1" || list[0].Reference == "" {
		t.Fatalf("to verify: %+v %v", list, err)
	}
	ref := wire.LetterRef{InvoiceID: items[0].InvoiceID, Level: "R1", Sequence: 1}
	if out, err := a.ResolveLetter(ctx, ref); err != nil || out.Status != store.LetterUncertain {
		t.Fatalf("before the decision: %+v %v", out, err)
	}
	if err := st.DecideUncertain(ctx, co.ID, list[0].Reference, true, "claire"); err != nil {
		t.Fatal(err)
	}
	out, err := a.ResolveLetter(ctx, ref)
	if err != nil || out.Status != store.LetterSent || out.SentAt.IsZero() {
		t.Fatalf("after the decision: %+v %v", out, err)
	}
	if list, _ := st.UncertainLetters(ctx, co.ID); len(list) != 0 {
		t.Errorf("still to verify: %+v", list)
	}
}
