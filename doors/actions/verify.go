package actions

import (
	"context"
	"fmt"
	"strings"

	"github.com/relance/relance/ledger/store"
)

// LetterDecision is what an operator decides about an uncertain letter (its
// send ended without SES's answer and SES has not told): it went out, or
// it never did and goes again.
type LetterDecision string

// The decisions on an uncertain letter, as `starter verify` names them.
const (
	// LetterWentOut: the letter reached the customer. It is recorded sent
	// and its invoices move to their next level.
	LetterWentOut LetterDecision = "sent"
	// LetterSendAgain: the letter never went out. It is recorded failed and
	// the same letters (level and sequence) go with the customer's next
	// statement; it cannot be a duplicate.
	LetterSendAgain LetterDecision = "resend"
)

// ParseLetterDecision reads a decision ("sent" or "resend").
func ParseLetterDecision(s string) (LetterDecision, error) {
	switch d := LetterDecision(strings.TrimSpace(s)); d {
	case LetterWentOut, LetterSendAgain:
		return d, nil
	}
	return "", fmt.Errorf("decision %q: %w (want sent or resend)", s, store.ErrInvalid)
}

// DecideLetter records actor's decision d on the uncertain letter with
// reference of company: the one action behind `starter verify sent|resend`
// and the web app's « Marquer envoyée » / « Renvoyer ». Only a letter still
// uncertain changes; one settled meanwhile (by SES or someone else) gives
// an error wrapping store.ErrNotFound. The invoices held on the letter read
// the decision at their next look (hourly; every demo day on demo clocks).
// Callers audit the action.
func (o *Ops) DecideLetter(ctx context.Context, company, reference string, d LetterDecision, actor string) error {
	if _, err := ParseLetterDecision(string(d)); err != nil {
		return err
	}
	reference = strings.TrimSpace(reference)
	if reference == "" {
		return fmt.Errorf("decide a letter: %w: no reference", store.ErrInvalid)
	}
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("decide letter %s: %w: no actor", reference, store.ErrInvalid)
	}
	co, err := o.Store.CompanyByCode(ctx, company)
	if err != nil {
		return err
	}
	if err := o.Store.DecideUncertain(ctx, co.ID, reference, d == LetterWentOut, actor); err != nil {
		return fmt.Errorf("decide letter %s (%s): %w", reference, d, err)
	}
	return nil
}
