package actions

import (
	"context"
	"errors"

	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
)

// SaveStatus adds or changes a reminder status of a company's table (seed
// 004). When the change matters to the invoices of the customers holding
// it (it becomes or stops being inherited or blocking), their running
// dunnings look again at once. It returns how many workflows were told.
func (o *Ops) SaveStatus(ctx context.Context, company string, st store.ReminderStatus, actor string) (int, error) {
	customers, err := o.Store.SaveStatus(ctx, company, st)
	if err != nil {
		return 0, err
	}
	told := 0
	var errs []error
	for _, c := range customers {
		n, err := o.propagate(ctx, company, c, dunning.Recheck{Reason: "status " + st.Code + " changed", Actor: actor})
		told += n
		errs = append(errs, err)
	}
	return told, errors.Join(errs...)
}
