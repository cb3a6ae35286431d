package activities

import (
	"context"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/letter"
)

// brokenPromise is the promise to pay customerID made on its page that
// passed without payment before date, for the opening of its next letter
// (docs/customer-side.md, "Broken promises"); nil when there is none.
func brokenPromise(ctx context.Context, st *store.Store, customerID int64, date calendar.Date) (*letter.Promise, error) {
	p, ok, err := st.BrokenPromiseOf(ctx, customerID, date)
	if err != nil || !ok {
		return nil, err
	}
	return &letter.Promise{Date: p.Until, Invoices: p.Invoices}, nil
}
