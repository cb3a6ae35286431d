package scan

import (
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
)

// Snapshot is the invoice workflows' copy of a ledger row: what the scan
// starts a workflow with (wire.Input.Loaded) and what the LoadInvoice
// activity returns. Field by field, so that a renamed or added column of
// the ledger never changes what a recorded history decodes to.
func Snapshot(inv store.Invoice) wire.Invoice {
	return wire.Invoice{
		ID:         inv.ID,
		Company:    inv.Company,
		Number:     inv.Number,
		Customer:   inv.Customer,
		Currency:   inv.Currency,
		Amount:     inv.Amount,
		Balance:    inv.Balance,
		DueDate:    inv.DueDate,
		Ladder:     inv.Ladder,
		TimeZone:   inv.TimeZone,
		SendHour:   inv.SendHour,
		DaySeconds: inv.DaySeconds,
		Holidays:   inv.Holidays,
		Instalment: inv.Instalment,
	}
}
