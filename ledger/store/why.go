package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/money"
	"github.com/shopspring/decimal"
)

// Reasons an invoice is not chased (Reason.Code), as the scan decides
// them (problem) plus the two of time: not yet due, and due but not yet
// picked up by a scan.
const (
	WhyNoDueDate   = "no-due-date"
	WhyCreditNote  = "credit-note"
	WhyNegative    = "negative-amount"
	WhyCurrency    = "currency"        // Param: the currency
	WhyCustomerDNR = "customer-dnr"    // the customer is marked do-not-remind
	WhyInvoiceDNR  = "invoice-dnr"     // the invoice is marked do-not-remind
	WhyStatus      = "blocking-status" // Param: the status code that blocks
	WhyNotDue      = "not-due"         // Param: the due date
	WhyPending     = "pending"         // due: the next scan starts it
)

// Reason says why an invoice has no dunning, or which status holds it.
type Reason struct {
	Code  string
	Param string
}

// WhyNotChased returns, for those of numbers (invoices of company without
// instalments) that no dunning chases on day or that a blocking status
// holds, the reason: the scan's own rules (problem), then the due date.
// Invoices chased normally are not in the map.
func (s *Store) WhyNotChased(ctx context.Context, company string, numbers []string, day calendar.Date) (map[string]Reason, error) {
	out := map[string]Reason{}
	if len(numbers) == 0 {
		return out, nil
	}
	rows, err := s.Pool.Query(ctx, `
		SELECT i.number, i.kind, i.amount, i.balance_due, i.currency, i.due_date,
		       cu.do_not_remind, i.do_not_remind, coalesce(ri.code, rc.code, ''), coalesce(i.dunning_status, '')
		FROM invoices i
		JOIN companies c ON c.id = i.company_id
		JOIN customers cu ON cu.id = i.customer_id
		LEFT JOIN reminder_statuses rc ON rc.company_id = i.company_id AND rc.code = cu.reminder_status
		     AND rc.propagation = 'inherited' AND rc.blocks_reminders
		LEFT JOIN reminder_statuses ri ON ri.company_id = i.company_id AND ri.code = i.reminder_status
		     AND ri.blocks_reminders
		WHERE c.code = $1 AND i.number = ANY($2) AND NOT i.closed AND i.balance_due <> 0`, company, numbers)
	if err != nil {
		return nil, fmt.Errorf("why not chased, %s: %w", company, err)
	}
	type row struct {
		number, kind, currency, status, dunning string
		amount, balance                         decimal.Decimal
		due                                     calendar.Date
		custDNR, invDNR                         bool
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.number, &x.kind, &x.amount, &x.balance, &x.currency, &x.due, &x.custDNR, &x.invDNR, &x.status, &x.dunning)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("why not chased, %s: %w", company, err)
	}
	for _, x := range list {
		var r Reason
		switch {
		case x.status != "":
			r = Reason{WhyStatus, x.status} // shown even while a dunning waits on it
		case x.dunning != "" && x.custDNR:
			r = Reason{Code: WhyCustomerDNR}
		case x.dunning != "" && x.invDNR:
			r = Reason{Code: WhyInvoiceDNR}
		case x.dunning != "":
			continue
		case x.due.IsZero():
			r = Reason{Code: WhyNoDueDate}
		case x.kind == "credit_note" || x.balance.IsNegative():
			r = Reason{Code: WhyCreditNote}
		case x.amount.IsNegative():
			r = Reason{Code: WhyNegative}
		case !money.KnownCurrency(x.currency):
			r = Reason{WhyCurrency, x.currency}
		case x.custDNR:
			r = Reason{Code: WhyCustomerDNR}
		case x.invDNR:
			r = Reason{Code: WhyInvoiceDNR}
		case day.Before(x.due):
			r = Reason{WhyNotDue, x.due.String()}
		default:
			r = Reason{Code: WhyPending}
		}
		out[x.number] = r
	}
	return out, nil
}
