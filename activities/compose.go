package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/fees"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
	"github.com/relance/relance/platform/metrics"
	"github.com/relance/relance/workflows/wire"
)

// BuildLetter makes the letter of level lv about invoice invoiceID, dated
// date, the seq-th time this level is sent: what it says (letter.Data) and
// its text (letter.Content, from the company's custom templates when one
// matches, else the embedded defaults). It reads the database and writes
// nothing: the template preview and `starter preview` show it without
// sending.
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
	data := letterData(subj, wire.LetterRequest{
		InvoiceID: invoiceID, Invoice: subj.Invoice.Number, Level: lv, Sequence: seq, Date: date,
	})
	data, content, _, err := completeLetter(ctx, st, subj.Company.ID, lv, data)
	return data, content, err
}

// completeLetter adds the fees a letter claims and composes its text with
// the company's templates. When lv claims fees every overdue line does. A
// missing ECB rate does not stop the letter: it goes out with the 40 EUR
// indemnity per invoice and the legal mention of penalties but no penalty
// amount, and the returned warning says which rate to add.
func completeLetter(ctx context.Context, st *store.Store, companyID int64, lv ladder.Level, data letter.Data) (letter.Data, letter.Content, string, error) {
	if levelClaimsFees(lv) {
		for i := range data.Lines {
			data.Lines[i].ClaimsFees = true
		}
	}
	data, warning, err := addFees(ctx, st, data)
	if err != nil {
		return data, letter.Content{}, "", err
	}
	content, err := composeText(ctx, st, companyID, data)
	return data, content, warning, err
}

// addFees computes the fees of the lines that claim them (Line.ClaimsFees,
// overdue invoices): 40 EUR per invoice and the penalties, for a business
// customer in euros. Missing rates leave the penalties out and come back
// as a warning.
func addFees(ctx context.Context, st *store.Store, data letter.Data) (letter.Data, string, error) {
	if !data.Recipient.Business || (data.Currency != "" && data.Currency != "EUR") {
		return data, "", nil
	}
	var lines []fees.Line
	for _, l := range data.Lines {
		if l.ClaimsFees && !l.NotDue && l.Kind == letter.LineInvoice {
			lines = append(lines, fees.Line{Invoice: l.Number, DueDate: l.DueDate, Balance: l.Balance})
		}
	}
	if len(lines) == 0 {
		return data, "", nil
	}
	rates, err := st.ECBRates(ctx)
	if err != nil {
		return data, "", err
	}
	claim := fees.ComputeWithGaps(lines, true, data.Date, rates)
	data.Fees = letter.FeesFrom(claim.Claim, data.Total())
	if len(claim.Missing) == 0 {
		return data, "", nil
	}
	if data.Fees != nil {
		data.Fees.MissingRates, data.Fees.MissingFrom = claim.Missing, claim.MissingFrom
	}
	return data, fmt.Sprintf("penalties not claimed: %s (add it with `starter rates set`)", strings.Join(claim.Missing, "; ")), nil
}

// composeText writes the letter's subject and bodies with the company's
// templates, or the embedded defaults.
func composeText(ctx context.Context, st *store.Store, companyID int64, data letter.Data) (letter.Content, error) {
	custom, err := st.Templates(ctx, companyID)
	if err != nil {
		return letter.Content{}, fmt.Errorf("templates of company id %d: %w", companyID, err) // the database's: retry
	}
	c, err := letter.ComposeWith(data, custom)
	if err != nil {
		return c, unbuildable{err}
	}
	return c, nil
}

// unbuildable marks an error of the letter itself (a template that fails,
// data it cannot print): retrying will not help.
type unbuildable struct{ err error }

func (u unbuildable) Error() string { return u.err.Error() }
func (u unbuildable) Unwrap() error { return u.err }

// classify turns an error met while building a letter into the activity's
// answer: a letter that cannot be built is a non-retryable BadLetter; an
// unknown invoice is non-retryable; anything else (the database, the
// network) is retried.
func classify(err error) error {
	var u unbuildable
	if errors.As(err, &u) {
		return badLetter(err)
	}
	return nonRetryableIfNotFound(err)
}

// render is the PDF renderer (a seam for tests).
var render = letter.RenderChecked

// renderSafely renders a letter and returns, with the PDF, what the
// renderer changed so that it prints (letter.Warning: field and problem,
// never the customer's text), "; "-separated, empty when nothing. A panic
// of the renderer (a character its font cannot map...) becomes a clear
// non-retryable BadLetter instead of a worker crash retried for hours.
func renderSafely(data letter.Data, content letter.Content) (pdf []byte, warnings string, err error) {
	defer func() {
		if r := recover(); r != nil {
			pdf, warnings, err = nil, "", badLetter(fmt.Errorf("letter %s: the PDF renderer failed (%v)", data.Reference, r))
		}
	}()
	start := time.Now()
	pdf, ws, err := render(data, content)
	metrics.RenderTime(time.Since(start))
	if err != nil {
		return nil, "", badLetter(err)
	}
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.String()
	}
	return pdf, strings.Join(parts, "; "), nil
}

// withRenderWarnings appends the renderer's warnings to a history detail.
func withRenderWarnings(detail, warnings string) string {
	if warnings == "" {
		return detail
	}
	return detail + "; printed with changes: " + warnings
}

// levelClaimsFees reports whether a letter of level lv claims fees: the
// level says so, and the formal notice (MED) always does.
func levelClaimsFees(lv ladder.Level) bool { return lv.ClaimFees || lv.Code == "MED" }
