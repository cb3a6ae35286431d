package actions

import (
	"context"
	"fmt"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/fees"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// CustomerProposal is what the run of a day would send one customer, as
// seed 001's proposal screen shows it: balance, amount reminded, fees
// claimed, level, channel.
type CustomerProposal struct {
	Customer   string               `json:"customer"`
	Name       string               `json:"name"`
	Channel    string               `json:"channel"` // email or print
	Address    []string             `json:"address"`
	Level      string               `json:"level"` // the highest level among the invoices
	Reminded   decimal.Decimal      `json:"reminded"`
	Fees       decimal.Decimal      `json:"fees"`
	Currency   string               `json:"currency"`
	Invoices   []store.ProposalLine `json:"invoices"`
	FeesDetail string               `json:"feesDetail,omitempty"`
	// Warnings must be read before the run: a missing ECB rate means the
	// letter claims the 40 EUR indemnity per invoice but no penalties.
	// Blocking is true when there is one: the company chooses to send
	// without penalties or to add the rate first (`starter rates set`).
	Warnings []string `json:"warnings,omitempty"`
	Blocking bool     `json:"blocking,omitempty"`
}

// Proposal lists, per customer, the letters the dunning would send on day.
func (o *Ops) Proposal(ctx context.Context, company string, day calendar.Date) ([]CustomerProposal, error) {
	lines, err := o.Store.ProposalLines(ctx, company, day)
	if err != nil {
		return nil, err
	}
	rates, err := o.Store.ECBRates(ctx)
	if err != nil {
		return nil, err
	}
	var out []CustomerProposal
	top := map[string]int{} // highest level rank per customer
	for _, l := range lines {
		if len(out) == 0 || out[len(out)-1].Customer != l.Customer {
			ch := "email"
			if len(l.Emails) == 0 {
				ch = "print"
			}
			out = append(out, CustomerProposal{Customer: l.Customer, Name: l.CustomerName, Channel: ch, Address: l.Address, Currency: l.Currency})
		}
		p := &out[len(out)-1]
		p.Invoices = append(p.Invoices, l)
		if l.Position >= top[p.Customer] {
			top[p.Customer], p.Level = l.Position, l.NextLevel
		}
	}
	for i := range out {
		p := &out[i]
		// The amount reminded is what the customer's statement claims:
		// every overdue item, credit notes and unapplied payments deducted.
		cu, err := o.Store.CustomerByCode(ctx, company, p.Customer)
		if err != nil {
			return nil, err
		}
		stmt, err := o.Store.StatementOf(ctx, cu.ID, p.Currency)
		if err != nil {
			return nil, err
		}
		p.Reminded = stmt.Owed(day)
		var claim []fees.Line
		for _, l := range p.Invoices {
			if l.ClaimFees && l.Business {
				claim = append(claim, fees.Line{Invoice: l.Number, DueDate: l.DueDate, Balance: l.Balance})
			}
		}
		if len(claim) == 0 {
			continue
		}
		c := fees.ComputeWithGaps(claim, true, day, rates)
		p.Fees = c.Total
		p.FeesDetail = fmt.Sprintf("indemnity %s + penalties %s", c.Indemnity.StringFixed(2), c.Interest.StringFixed(2))
		for _, m := range c.Missing {
			p.Blocking = true
			p.Warnings = append(p.Warnings, fmt.Sprintf(
				"penalties not claimed: %s; send without penalties, or add the rate first with `starter rates set --from %s --rate R`",
				m, rateDay(m)))
		}
		if len(c.Missing) > 0 {
			p.FeesDetail += " (penalties missing: no ECB rate)"
		}
	}
	return out, nil
}

// Untick takes a customer out of the run of day (seed 001: untick "to
// remind"): its invoices due that day are paused until the day after, with
// the reason recorded. It returns the invoices paused.
func (o *Ops) Untick(ctx context.Context, company, customer string, day calendar.Date, actor string) ([]string, error) {
	lines, err := o.Store.ProposalLines(ctx, company, day)
	if err != nil {
		return nil, err
	}
	var paused []string
	for _, l := range lines {
		if l.Customer != customer {
			continue
		}
		_, err := o.Act(ctx, company, l.Number, dunning.UpdatePause, dunning.PauseRequest{
			Actor: actor, Reason: "décochée dans la proposition du " + day.French(), Until: day.AddDays(1),
		})
		if err != nil {
			return paused, err
		}
		paused = append(paused, l.Number)
	}
	return paused, nil
}

// rateDay extracts the YYYY-MM-DD a missing-rate message names last.
func rateDay(msg string) string {
	if i := strings.LastIndex(msg, " on "); i >= 0 && len(msg) >= i+14 {
		return msg[i+4 : i+14]
	}
	return "YYYY-MM-DD"
}
