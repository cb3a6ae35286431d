package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/confirm"
	"github.com/relance/relance/workflows/wire"
)

// ResolveLetter settles an uncertain letter when SES can tell (Confirm):
// accepted, it becomes sent at the time SES accepted it; never accepted
// (SES refused it, or no trace of it after the checker's waiting period),
// it becomes failed and its invoices' letters go with the next statement
// (it cannot be a duplicate); otherwise it stays uncertain, "à vérifier",
// until SES tells or an operator decides. A letter that is not uncertain
// (settled meanwhile) is reported as the ledger has it.
func (a *Activities) ResolveLetter(ctx context.Context, ref wire.LetterRef) (wire.LetterOutcome, error) {
	k := store.LetterKey{InvoiceID: ref.InvoiceID, Instalment: ref.Instalment, Level: ref.Level, Sequence: ref.Sequence}
	st, err := a.Store.LetterStateOf(ctx, k)
	if err != nil {
		return wire.LetterOutcome{}, nonRetryableIfNotFound(err)
	}
	if st.Status != store.LetterUncertain {
		return outcomeOf(ref, st), nil
	}
	if a.Confirm == nil || st.CustomerLetterID == 0 || st.Reference == "" {
		return outcomeOf(ref, st), nil
	}
	f, err := a.Confirm.Check(ctx, st.Reference, st.Since)
	if err != nil {
		a.logFor(ctx).Warn("SES could not be asked about an uncertain letter", "letter", k.String(), "reference", st.Reference, "err", err)
		return outcomeOf(ref, st), nil
	}
	switch f.Verdict {
	case confirm.Accepted:
		if _, err := a.Store.ResolveUncertain(ctx, st.CustomerLetterID, store.LetterSent, store.ResolvedBySES, f.MessageID, f.Detail, f.At); err != nil {
			return wire.LetterOutcome{}, err
		}
		a.logFor(ctx).Info("uncertain letter confirmed by SES", "letter", k.String(), "reference", st.Reference)
	case confirm.NeverAccepted:
		detail := "SES never accepted it (" + f.Detail + "): it goes with the next statement"
		if _, err := a.Store.ResolveUncertain(ctx, st.CustomerLetterID, store.LetterFailed, store.ResolvedResend, "", detail, time.Time{}); err != nil {
			return wire.LetterOutcome{}, err
		}
		a.logFor(ctx).Warn("uncertain letter never reached SES: sent again", "letter", k.String(), "reference", st.Reference)
	default:
		if err := a.Store.NoteChecked(ctx, st.CustomerLetterID); err != nil {
			return wire.LetterOutcome{}, err
		}
	}
	if st, err = a.Store.LetterStateOf(ctx, k); err != nil {
		return wire.LetterOutcome{}, err
	}
	return outcomeOf(ref, st), nil
}

func outcomeOf(ref wire.LetterRef, st store.LetterState) wire.LetterOutcome {
	o := wire.LetterOutcome{Status: st.Status, SentAt: st.SentAt}
	switch {
	case st.Status == store.LetterSent && st.Resolution == store.ResolvedBySES:
		o.Detail = fmt.Sprintf("%s letter confirmed by SES: it went out", ref.Level)
	case st.Status == store.LetterSent || st.Status == store.LetterPrint:
		o.Detail = fmt.Sprintf("%s letter recorded %s (%s)", ref.Level, st.Status, resolutionText(st.Resolution))
	case st.Status == store.LetterFailed:
		o.Detail = fmt.Sprintf("%s letter never accepted by SES: it goes again with the next statement", ref.Level)
	default:
		o.Detail = fmt.Sprintf("%s letter to verify: SES has not confirmed it", ref.Level)
	}
	return o
}

func resolutionText(r string) string {
	if r == "" {
		return "as sent"
	}
	return "settled: " + r
}
