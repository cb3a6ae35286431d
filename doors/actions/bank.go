package actions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/bank"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
	"go.temporal.io/api/serviceerror"
)

// reconcileMu keeps one reconciliation at a time in this process (the
// database refuses a second decision on a transaction in any case).
var reconcileMu sync.Mutex

// ImportStatement keeps the booked entries of a bank statement file (each
// once), then reconciles every company the file concerns: certain credits
// are paid on their invoices through Pay (ledger, then signal), returns
// reopen what they paid, the rest waits on the Rapprochement screen.
func (o *Ops) ImportStatement(ctx context.Context, data []byte, opts bank.ImportOptions) (bank.ImportReport, error) {
	l := bank.NewLedger(o.Store)
	rep, err := l.Import(ctx, data, opts)
	if err != nil {
		return rep, err
	}
	for _, code := range rep.Companies {
		r, err := o.Reconcile(ctx, code, opts.Actor)
		rep.Matched += r.Matched
		rep.Exceptions += r.Exceptions
		rep.Reversals += r.Reversals
		rep.Debits += r.Debits
		rep.Failed = append(rep.Failed, r.Failed...)
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// ReconcileReport counts what a reconciliation did.
type ReconcileReport struct {
	Matched, Exceptions, Reversals, Debits int
	Failed                                 []string
}

// Reconcile matches the new bank transactions of company and pays what
// was matched; it also pays allocations left unpaid by an interruption.
func (o *Ops) Reconcile(ctx context.Context, company, actor string) (ReconcileReport, error) {
	reconcileMu.Lock()
	defer reconcileMu.Unlock()
	var rep ReconcileReport
	co, err := o.Store.CompanyByCode(ctx, company)
	if err != nil {
		return rep, err
	}
	l := bank.NewLedger(o.Store)
	waiting, err := l.Waiting(ctx, co.ID)
	if err != nil {
		return rep, err
	}
	// Automatic decisions name the import's actor after "auto".
	actor = strings.TrimSpace("auto " + actor)
	var book *bank.Book
	for _, t := range waiting {
		if _, dup, derr := l.SameInOtherFormat(ctx, t); derr != nil {
			return rep, derr
		} else if dup {
			// Most likely the same entry already imported from the other
			// format: a person decides.
			err = l.Record(ctx, t.ID, bank.StatusNew, bank.Decision{Status: bank.StatusException, Reasons: []string{bank.WhyDuplicate}}, actor)
			if err == nil {
				rep.Exceptions++
			}
		} else if t.Amount.IsNegative() {
			// Money out: a return takes back an earlier credit.
			if !t.Reversal {
				err = l.Record(ctx, t.ID, bank.StatusNew, bank.Decision{Status: bank.StatusDebit, Reasons: []string{bank.ReasonDebit}}, actor)
				if err == nil {
					rep.Debits++
				}
			} else {
				var done bool
				done, err = o.reverse(ctx, l, t, actor)
				book = nil
				if err == nil && done {
					rep.Reversals++
					book = nil // balances changed
				} else if err == nil {
					rep.Exceptions++
				}
			}
		} else {
			if book == nil {
				if book, err = l.LoadBook(ctx, co.ID); err != nil {
					return rep, err
				}
			}
			var d bank.Decision
			if d, err = book.MatchLetters(ctx, t.Entry()); err == nil {
				err = l.Record(ctx, t.ID, bank.StatusNew, d, actor)
			}
			if err == nil {
				switch d.Status {
				case bank.StatusMatched:
					rep.Matched++
					book.Apply(d, t.PayerIBAN) // the next credit sees this one's effect
					// Paid at once: the dunning ends within seconds, and a
					// return later in the same file finds the payment.
					failed, serr := o.settle(ctx, l, co.ID)
					rep.Failed = append(rep.Failed, failed...)
					err = serr
				default:
					rep.Exceptions++
				}
			}
		}
		if errors.Is(err, bank.ErrDecided) {
			err = nil
		}
		if errors.Is(err, ErrNotTold) {
			rep.Reversals++
		}
		if err != nil {
			rep.Failed = append(rep.Failed, fmt.Sprintf("transaction %d: %v", t.ID, err))
			slog.Error("bank reconciliation", "company", company, "transaction", t.ID, "err", err)
		}
	}
	failed, err := o.settle(ctx, l, co.ID)
	rep.Failed = append(rep.Failed, failed...)
	return rep, err
}

// settle records the payment of every allocation not yet paid, through
// Pay: the ledger first, then the invoice's workflow.
func (o *Ops) settle(ctx context.Context, l *bank.Ledger, companyID int64) ([]string, error) {
	allocs, err := l.Unsettled(ctx, companyID)
	if err != nil {
		return nil, err
	}
	var failed []string
	for _, a := range allocs {
		t, err := l.Transaction(ctx, a.Company, a.TransactionID)
		if err != nil {
			return failed, err
		}
		p := dunning.Payment{ExternalID: bank.ExternalID(a.ID), Amount: a.Amount, Currency: a.Currency,
			PaidOn: t.BookingDate, Method: "transfer", Source: bank.PaymentSource}
		// Pay is idempotent by external ID: after an interruption the same
		// payment is sent again and counts once. A payment recorded whose
		// signal failed is settled: the workflow reads the balance at its
		// next check.
		if _, err = o.Pay(ctx, a.Company, a.Number, p); err != nil && !paymentRecorded(ctx, o.Store, p.ExternalID) {
			failed = append(failed, fmt.Sprintf("payment %s on %s: %v", p.ExternalID, a.Number, err))
			slog.Error("bank payment not recorded", "payment", p.ExternalID, "err", err)
			continue
		}
		if err := l.MarkPaid(ctx, a.ID); err != nil {
			return failed, err
		}
	}
	return failed, nil
}

func paymentRecorded(ctx context.Context, st *store.Store, externalID string) bool {
	var n int
	_ = st.Pool.QueryRow(ctx, `SELECT count(*) FROM payments WHERE source = $1 AND external_id = $2`, bank.PaymentSource, externalID).Scan(&n)
	return n > 0
}

// reverse applies return t when the credit it takes back is found; it
// reports false when t waits on the Rapprochement screen.
func (o *Ops) reverse(ctx context.Context, l *bank.Ledger, t bank.Transaction, actor string) (bool, error) {
	orig, ok, err := l.FindReversed(ctx, t)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, l.Record(ctx, t.ID, bank.StatusNew, bank.Decision{Status: bank.StatusException, Reasons: []string{bank.WhyReversal}}, actor)
	}
	return true, o.applyReversal(ctx, l, t, orig, actor)
}

func (o *Ops) applyReversal(ctx context.Context, l *bank.Ledger, t bank.Transaction, orig int64, actor string) error {
	reopened, err := l.Reverse(ctx, t, orig, actor)
	if err != nil {
		return err
	}
	if err := o.tellReopened(ctx, reopened); err != nil {
		// The ledger is right; the workflows see the balance at their next
		// check (a finished one: start it again by hand or by the scan).
		slog.Error("bank reversal: workflows not told", "transaction", t.ID, "err", err)
		return fmt.Errorf("%w: return applied in the ledger, but the dunning was not told: %w", ErrNotTold, err)
	}
	return nil
}

// tellReopened tells the workflows of invoices a reversal reopened: a
// running workflow re-reads its balance (recheck signal), a finished one
// is started again.
func (o *Ops) tellReopened(ctx context.Context, reopened []bank.Reopened) error {
	var errs []error
	for _, r := range reopened {
		ids := []string{dunning.WorkflowID(r.Company, r.Number)}
		if id, err := o.Store.InvoiceID(ctx, r.Company, r.Number); err == nil {
			if parts, err := o.Store.Instalments(ctx, id); err == nil {
				for _, p := range parts {
					ids = append(ids, dunning.InstalmentWorkflowID(r.Company, r.Number, p.Seq))
				}
			}
		}
		finished := false
		for _, id := range ids {
			err := o.Temporal.SignalWorkflow(ctx, id, "", dunning.SignalRecheck, dunning.Recheck{Reason: "bank reversal: payment taken back", Actor: "bank"})
			var nf *serviceerror.NotFound
			switch {
			case errors.As(err, &nf):
				finished = true
			case err != nil:
				errs = append(errs, fmt.Errorf("tell %s: %w", id, err))
			}
		}
		if finished && r.Balance.IsPositive() {
			if _, err := scan.Reopen(ctx, o.Temporal, o.Store, r.Company, r.Number, calendar.Of(time.Now())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// ErrBankDecision is returned (wrapped) when a decision by hand on a bank
// transaction is not possible: wrong status, amounts that do not add up,
// an invoice of another customer.
var ErrBankDecision = errors.New("bank decision refused")

// BankAllocate matches exception id of company by hand: parts give the
// amount for each invoice number of customer; what the parts leave of the
// credit goes on the customer's account. The payments go through Pay.
func (o *Ops) BankAllocate(ctx context.Context, company string, id int64, customer string, parts map[string]decimal.Decimal, actor string) error {
	l := bank.NewLedger(o.Store)
	t, err := l.Transaction(ctx, company, id)
	if err != nil {
		return err
	}
	if t.Status != bank.StatusException {
		return fmt.Errorf("%w: transaction %d is %s", ErrBankDecision, id, t.Status)
	}
	cust, err := o.Store.CustomerByCode(ctx, company, customer)
	if err != nil {
		return err
	}
	if t.Amount.IsNegative() {
		return fmt.Errorf("%w: transaction %d is money out; choose the credit it takes back", ErrBankDecision, id)
	}
	book, err := l.LoadBook(ctx, t.CompanyID)
	if err != nil {
		return err
	}
	d := bank.Decision{Status: bank.StatusMatched, CustomerID: cust.ID, Reasons: []string{bank.ReasonManual}}
	left := t.Amount
	for _, it := range book.Items {
		v, ok := parts[it.Number]
		if !ok || !v.IsPositive() {
			continue
		}
		if it.CustomerID != cust.ID {
			return fmt.Errorf("%w: invoice %s is not customer %s's", ErrBankDecision, it.Number, customer)
		}
		if !v.Equal(v.Round(2)) {
			return fmt.Errorf("%w: amount %s for %s has more than two decimals", ErrBankDecision, v, it.Number)
		}
		d.Allocations = append(d.Allocations, bank.Allocation{CustomerID: cust.ID, InvoiceID: it.InvoiceID, Number: it.Number, Amount: v})
		left = left.Sub(v)
	}
	if len(d.Allocations) != countPositive(parts) {
		return fmt.Errorf("%w: an invoice number is not one of company %s", ErrBankDecision, company)
	}
	if left.IsNegative() {
		return fmt.Errorf("%w: the parts add up to more than the credit of %s", ErrBankDecision, t.Amount)
	}
	if left.IsPositive() {
		d.Allocations = append(d.Allocations, bank.Allocation{CustomerID: cust.ID, Amount: left})
		d.Reasons = append(d.Reasons, bank.ReasonExcess)
	}
	if err := l.Record(ctx, id, bank.StatusException, d, actor); err != nil {
		return err
	}
	failed, err := o.settle(ctx, l, t.CompanyID)
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("matched, but %d payments are not recorded yet (retried at the next import): %s", len(failed), failed[0])
	}
	return nil
}

func countPositive(parts map[string]decimal.Decimal) int {
	n := 0
	for _, v := range parts {
		if v.IsPositive() {
			n++
		}
	}
	return n
}

// BankOnAccount puts exception id of company on customer's account: a
// payment on account, deducted from the customer's next letters.
func (o *Ops) BankOnAccount(ctx context.Context, company string, id int64, customer, actor string) error {
	return o.BankAllocate(ctx, company, id, customer, nil, actor)
}

// BankIgnore marks exception id of company "not a customer payment".
func (o *Ops) BankIgnore(ctx context.Context, company string, id int64, actor string) error {
	l := bank.NewLedger(o.Store)
	if _, err := l.Transaction(ctx, company, id); err != nil {
		return err
	}
	err := l.Record(ctx, id, bank.StatusException, bank.Decision{Status: bank.StatusIgnored, Reasons: []string{bank.ReasonNotCustomer}}, actor)
	if errors.Is(err, bank.ErrDecided) {
		return fmt.Errorf("%w: %w", ErrBankDecision, err)
	}
	return err
}

// BankReverse applies return id of company, waiting on the Rapprochement
// screen, to credit orig chosen by hand.
func (o *Ops) BankReverse(ctx context.Context, company string, id, orig int64, actor string) error {
	l := bank.NewLedger(o.Store)
	t, err := l.Transaction(ctx, company, id)
	if err != nil {
		return err
	}
	c, err := l.Transaction(ctx, company, orig)
	if err != nil {
		return err
	}
	if !t.Amount.IsNegative() || !c.Amount.IsPositive() || !c.Amount.Equal(t.Amount.Neg()) {
		return fmt.Errorf("%w: a return of %s cannot take back a credit of %s", ErrBankDecision, t.Amount.Neg(), c.Amount)
	}
	return o.applyReversal(ctx, l, t, orig, actor)
}
