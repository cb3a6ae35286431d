package activities

import (
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
)

// The ledger's rows the workflows see, converted field by field to their
// wire types (the invoice itself: scan.Snapshot). A column renamed or
// added in the ledger changes nothing recorded histories decode to.

// checkOf is the workflows' copy of a ledger check.
func checkOf(c store.Check) wire.Check {
	return wire.Check{Balance: c.Balance, Closed: c.Closed, HoldReason: c.HoldReason}
}

// paymentResultOf is the workflows' copy of the ledger's answer to a
// payment.
func paymentResultOf(r store.PaymentResult) wire.PaymentResult {
	return wire.PaymentResult{Balance: r.Balance, Duplicate: r.Duplicate, Overpaid: r.Overpaid, Instalments: r.Instalments}
}
