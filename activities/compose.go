package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/relance/relance/calendar"
	"github.com/relance/relance/fees"
	"github.com/relance/relance/ladder"
	"github.com/relance/relance/letter"
	"github.com/relance/relance/store"
)

// BuildLetter makes the letter of level lv about invoice invoiceID, dated
// date, the seq-th time this level is sent: what it says (letter.Data) and
// its text (letter.Content, from the company's custom templates when one
// matches, else the embedded defaults). It reads the database and writes
// nothing: SendLetter renders and sends what it returns, `starter preview`
// shows it without sending.
//
// Fees (the 40 EUR recovery indemnity per invoice and the late-payment
// penalties at the ECB rate + 10 points, computed on date with the rates
// of table ecb_rates) are claimed when the level claims them
// (lv.ClaimFees, and always at the formal notice "MED"), the customer is a
// business (an individual never owes them) and the invoice is in euros
// (the indemnity is a euro amount; other currencies would need a
// conversion nobody asked for). Data.Fees is nil otherwise.
//
// Errors: the store's (wrapping store.ErrNotFound for an unknown invoice);
// a missing ECB rate for a half-year the penalties span (wrapping
// fees.ErrNoRate: add it with `starter rates set`); a template that fails
// (wrapping letter.ErrNoTemplate when the level has none).
func BuildLetter(ctx context.Context, st *store.Store, invoiceID int64, lv ladder.Level, date calendar.Date, seq int) (letter.Data, letter.Content, error) {
	subj, err := st.LetterSubjectOf(ctx, invoiceID)
	if err != nil {
		return letter.Data{}, letter.Content{}, err
	}
	data := letterData(subj, LetterRequest{
		InvoiceID: invoiceID, Invoice: subj.Invoice.Number, Level: lv, Sequence: seq, Date: date,
	})
	data, content, _, err := completeLetter(ctx, st, subj.Company.ID, lv, data)
	return data, content, err
}

// completeLetter adds the fees a letter claims and composes its text with
// the company's templates. A missing ECB rate does not stop the letter: it
// goes out with the indemnity and the legal mention of penalties but no
// penalty amount, and the returned warning says which rate to add.
func completeLetter(ctx context.Context, st *store.Store, companyID int64, lv ladder.Level, data letter.Data) (letter.Data, letter.Content, string, error) {
	var warning string
	if claimsFees(lv, data) {
		rates, err := st.ECBRates(ctx)
		if err != nil {
			return data, letter.Content{}, "", err
		}
		lines := make([]fees.Line, len(data.Lines))
		for i, l := range data.Lines {
			lines[i] = fees.Line{Invoice: l.Number, DueDate: l.DueDate, Balance: l.Balance}
		}
		claim, err := fees.Compute(lines, data.Recipient.Business, data.Date, rates)
		switch {
		case errors.Is(err, fees.ErrNoRate):
			warning = fmt.Sprintf("penalties not itemised: %v (add it with `starter rates set`)", err)
		case err != nil:
			return data, letter.Content{}, "", fmt.Errorf("fees of the %s letter %s: %w", lv.Code, data.Reference, err)
		default:
			data.Fees = letter.FeesFrom(claim, data.Total())
		}
	}
	custom, err := st.Templates(ctx, companyID)
	if err != nil {
		return data, letter.Content{}, "", err
	}
	content, err := letter.ComposeWith(data, custom)
	if err != nil {
		return data, letter.Content{}, "", err
	}
	return data, content, warning, nil
}

// claimsFees reports whether the letter d of level lv claims fees.
func claimsFees(lv ladder.Level, d letter.Data) bool {
	if !lv.ClaimFees && lv.Code != "MED" {
		return false
	}
	return d.Recipient.Business && (d.Currency == "" || d.Currency == "EUR")
}
