package bank

import (
	"context"
	"errors"
	"fmt"

	"github.com/relance/relance/ledger/store"
)

// LetterFinder finds the letter an RF creditor reference was printed on:
// its company, customer and the invoices (ids) it listed. store.Store is
// one; tests give a map.
type LetterFinder interface {
	PaymentRefItems(ctx context.Context, ref string) (store.PaymentRef, []int64, error)
}

// letterRef is what matching knows of a letter's RF reference; foreign
// marks a reference of another company's letter, which matches nothing.
type letterRef struct {
	customer int64
	invoices []int64
	foreign  bool
}

// FindLetters looks up, through b.Letters, the letters whose RF reference
// credit e quotes (structured or in its text), so that Match pays exactly
// the items of the letter. References already looked up are not asked
// again; a reference no letter carries is read as a customer code (and
// invoice numbers). Without b.Letters it does nothing.
func (b *Book) FindLetters(ctx context.Context, e Entry) error {
	if b.Letters == nil || !e.Credit() {
		return nil
	}
	if b.letters == nil {
		b.letters = map[string]*letterRef{}
	}
	for _, ref := range rfRefs(e) {
		key := NormalizeIBAN(ref)
		if _, seen := b.letters[key]; seen {
			continue
		}
		r, ids, err := b.Letters.PaymentRefItems(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			b.letters[key] = nil
		case err != nil:
			return fmt.Errorf("letter of RF reference: %w", err)
		case r.CompanyID != b.CompanyID || b.Customers[r.CustomerID] == nil:
			b.letters[key] = &letterRef{foreign: true}
		default:
			b.letters[key] = &letterRef{customer: r.CustomerID, invoices: ids}
		}
	}
	return nil
}

// MatchLetters is FindLetters then Match.
func (b *Book) MatchLetters(ctx context.Context, e Entry) (Decision, error) {
	if err := b.FindLetters(ctx, e); err != nil {
		return Decision{}, err
	}
	return b.Match(e), nil
}

// rfRefs lists the valid RF references credit e quotes, structured first.
func rfRefs(e Entry) []string {
	var out []string
	for _, ref := range append(append([]string{}, e.CreditorRefs...), rfCandidates(e.Text())...) {
		if _, ok := ParseCreditorReference(ref); ok {
			out = append(out, ref)
		}
	}
	return out
}

// readLetterRef reads ref as a letter's reference: its customer and the
// indexes of the letter's items in the book. known is false when no letter
// of any company carries ref (or it was not looked up); ok is false for
// another company's letter.
func (b *Book) readLetterRef(ref string) (cust int64, items []int, known, ok bool) {
	l, found := b.letters[NormalizeIBAN(ref)]
	if !found || l == nil {
		return 0, nil, false, false
	}
	if l.foreign {
		return 0, nil, true, false
	}
	for _, id := range l.invoices {
		for _, i := range b.byID[id] {
			if b.Items[i].CustomerID == l.customer {
				items = appendNew(items, i)
			}
		}
	}
	return l.customer, items, true, true
}
