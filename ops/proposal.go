package ops

import (
	"context"
	"fmt"

	"github.com/relance/relance/calendar"
	"github.com/relance/relance/dunning"
	"github.com/relance/relance/fees"
	"github.com/relance/relance/store"
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
		p.Reminded = p.Reminded.Add(l.Balance)
		if l.Position >= top[p.Customer] {
			top[p.Customer], p.Level = l.Position, l.NextLevel
		}
	}
	for i := range out {
		p := &out[i]
		var claim []fees.Line
		for _, l := range p.Invoices {
			if l.ClaimFees && l.Business {
				claim = append(claim, fees.Line{Invoice: l.Number, DueDate: l.DueDate, Balance: l.Balance})
			}
		}
		if len(claim) == 0 {
			continue
		}
		c, err := fees.Compute(claim, true, day, rates)
		if err != nil {
			p.FeesDetail = "fees not computed: " + err.Error()
			continue
		}
		p.Fees = c.Total
		p.FeesDetail = fmt.Sprintf("indemnity %s + penalties %s", c.Indemnity.StringFixed(2), c.Interest.StringFixed(2))
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
			Actor: actor, Reason: "unticked from the proposal of " + day.String(), Until: day.AddDays(1),
		})
		if err != nil {
			return paused, err
		}
		paused = append(paused, l.Number)
	}
	return paused, nil
}
