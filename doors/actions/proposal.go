package actions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
)

// CustomerProposal is what the run of a day would send one customer, as
// seed 001's proposal screen shows it: balance, amount reminded, fees
// claimed, level, channel. Its figures are read from the very letter the
// run would send (activities.PreviewStatement).
type CustomerProposal struct {
	Customer string          `json:"customer"`
	Name     string          `json:"name"`
	Channel  string          `json:"channel"` // email, print or both (e-mail and registered post)
	Address  []string        `json:"address"`
	Level    string          `json:"level"` // the letter's level: the highest among its rows
	Reminded decimal.Decimal `json:"reminded"`
	Fees     decimal.Decimal `json:"fees"`
	// Indemnity and Interest are the two parts of Fees; FeeInvoices the
	// number of invoices the 40 EUR indemnity is claimed on.
	Indemnity   decimal.Decimal      `json:"indemnity"`
	Interest    decimal.Decimal      `json:"interest"`
	FeeInvoices int                  `json:"feeInvoices,omitempty"`
	Currency    string               `json:"currency"`
	Invoices    []store.ProposalLine `json:"invoices"`
	FeesDetail  string               `json:"feesDetail,omitempty"`
	// MissingRates names the half-years whose ECB rate is missing: the
	// letter claims no penalties for them.
	MissingRates []string `json:"missingRates,omitempty"`
	// MissingFrom is the first day of each half-year MissingRates names,
	// in the same order.
	MissingFrom []calendar.Date `json:"missingFrom,omitempty"`
	// NothingOwed is true when credit notes and unapplied payments cover
	// the balances: no letter goes out.
	NothingOwed bool `json:"nothingOwed,omitempty"`
	// Warnings must be read before the run: a missing ECB rate means the
	// letter claims the 40 EUR indemnity per invoice but no penalties.
	// Blocking is true when there is one: the company chooses to send
	// without penalties or to add the rate first (`starter rates set`).
	Warnings []string `json:"warnings,omitempty"`
	Blocking bool     `json:"blocking,omitempty"`
	// NextLetter is set on a customer whose letter waits for its cadence
	// (Ops.Waiting): the day of its next allowed letter, the earliest of
	// its lines'. Such a customer gets no letter that day.
	NextLetter calendar.Date `json:"nextLetter,omitzero"`
}

// dayLines returns the lines due on day of company, split into those whose
// letter goes that day and those that wait for their customer's cadence,
// with the day each waiting line's next allowed letter falls on (by
// invoice and instalment). The rule is the hand-over's
// (activities.CadenceWaits, as QueueLetter defers); a customer or clock
// the ledger cannot read applies no cadence, as in QueueLetter.
func (o *Ops) dayLines(ctx context.Context, company string, day calendar.Date) (goes, waits []store.ProposalLine, next map[[2]int64]calendar.Date, err error) {
	lines, err := o.Store.ProposalLines(ctx, company, day)
	if err != nil {
		return nil, nil, nil, err
	}
	next = map[[2]int64]calendar.Date{}
	cads := map[string]store.Cadence{}
	for _, l := range lines {
		cad, ok := cads[l.Customer]
		if !ok {
			cad, err = o.Store.CustomerCadence(ctx, company, l.Customer)
			if errors.Is(err, store.ErrNotFound) {
				cad, err = store.Cadence{}, nil
			}
			if err != nil {
				return nil, nil, nil, err
			}
			cads[l.Customer] = cad
		}
		var slot time.Time
		if cad.TimeZone != "" {
			item := wire.LetterItem{InvoiceID: l.InvoiceID, Invoice: l.Number, Instalment: l.Instalment, Level: ladder.Level{Code: l.NextLevel}}
			if slot, err = activities.CadenceWaits(cad, item, day); err != nil {
				slot, err = time.Time{}, nil
			}
		}
		if slot.IsZero() {
			goes = append(goes, l)
			continue
		}
		loc, lerr := time.LoadLocation(cad.TimeZone)
		if lerr != nil {
			loc = time.UTC
		}
		waits = append(waits, l)
		next[[2]int64{l.InvoiceID, int64(l.Instalment)}] = calendar.Of(slot.In(loc))
	}
	return goes, waits, next, nil
}

// Proposal lists, per customer, the letters the dunning would send on day.
// Each customer's amount, fees, level and channel are those of the
// statement the run sends (activities.PreviewStatement, with the levels
// every item will have that day): the proposal and its preview are the
// letter.
func (o *Ops) Proposal(ctx context.Context, company string, day calendar.Date) ([]CustomerProposal, error) {
	lines, _, next, err := o.dayLines(ctx, company, day)
	if err != nil {
		return nil, err
	}
	due, err := activities.DueItems(ctx, o.Store, company, day)
	if err != nil {
		return nil, err
	}
	// A letter that waits for the customer's cadence is not in that
	// day's statement.
	for c, items := range due {
		var keep []wire.LetterItem
		for _, it := range items {
			if _, waits := next[[2]int64{it.InvoiceID, int64(it.Instalment)}]; !waits {
				keep = append(keep, it)
			}
		}
		due[c] = keep
	}
	var out []CustomerProposal
	for _, l := range lines {
		if len(out) == 0 || out[len(out)-1].Customer != l.Customer {
			out = append(out, CustomerProposal{Customer: l.Customer, Name: l.CustomerName, Address: l.Address, Currency: l.Currency,
				Fees: decimal.Zero, Indemnity: decimal.Zero, Interest: decimal.Zero})
		}
		p := &out[len(out)-1]
		p.Invoices = append(p.Invoices, l)
	}
	for i := range out {
		p := &out[i]
		items := due[p.Customer]
		if len(items) == 0 {
			continue
		}
		pv, err := activities.PreviewStatement(ctx, o.Store, day, items)
		if err != nil {
			return nil, err
		}
		p.Level, p.Channel, p.Reminded, p.NothingOwed = pv.Level.Code, pv.Channel, pv.Data.Total(), pv.NothingOwed
		if pv.Data.Currency != "" {
			p.Currency = pv.Data.Currency
		}
		f := pv.Data.Fees
		if f == nil {
			continue
		}
		p.Fees, p.Indemnity, p.Interest, p.FeeInvoices, p.MissingRates = f.Total, f.Indemnity, f.Interest, f.Invoices(), f.MissingRates
		p.MissingFrom = f.MissingFrom
		p.FeesDetail = fmt.Sprintf("indemnity %s + penalties %s", f.Indemnity.StringFixed(2), f.Interest.StringFixed(2))
		for i, m := range f.MissingRates {
			day := "YYYY-MM-DD"
			if i < len(f.MissingFrom) {
				day = f.MissingFrom[i].String()
			}
			p.Blocking = true
			p.Warnings = append(p.Warnings, fmt.Sprintf(
				"penalties not claimed: %s; send without penalties, or add the rate first with `starter rates set --from %s --rate R`",
				m, day))
		}
		if len(f.MissingRates) > 0 {
			p.FeesDetail += " (penalties missing: no ECB rate)"
		}
	}
	return out, nil
}

// Waiting lists, per customer, the letters due on day that wait for the
// customer's cadence (docs/customer-side.md "Cadence"): none of them goes
// that day, and Proposal leaves them out. NextLetter is the day the
// customer's next letter may go.
func (o *Ops) Waiting(ctx context.Context, company string, day calendar.Date) ([]CustomerProposal, error) {
	_, lines, next, err := o.dayLines(ctx, company, day)
	if err != nil {
		return nil, err
	}
	return byCustomer(lines, func(p *CustomerProposal, l store.ProposalLine) {
		if d := next[[2]int64{l.InvoiceID, int64(l.Instalment)}]; p.NextLetter.IsZero() || d.Before(p.NextLetter) {
			p.NextLetter = d
		}
	}), nil
}

// Untick takes a customer out of the run of day (seed 001: untick "to
// remind"): its invoices due that day are paused until the day after, with
// the reason recorded. It returns the invoices paused.
func (o *Ops) Untick(ctx context.Context, company, customer string, day calendar.Date, actor string) ([]string, error) {
	lines, err := o.Store.ProposalLines(ctx, company, day)
	if err != nil {
		return nil, err
	}
	return o.eachInvoiceOf(customer, lines, func(number string) error {
		_, err := o.Act(ctx, company, number, dunning.UpdatePause, dunning.PauseRequest{
			Actor: actor, Reason: store.UntickMark + day.French(), Until: day.AddDays(1),
		})
		return err
	})
}

// Unticked lists the customers unticked from the run of day, with the
// invoices the untick paused: the proposal keeps them visible, unticked.
func (o *Ops) Unticked(ctx context.Context, company string, day calendar.Date) ([]CustomerProposal, error) {
	lines, err := o.Store.UntickedLines(ctx, company, day)
	if err != nil {
		return nil, err
	}
	return byCustomer(lines, nil), nil
}

// byCustomer groups lines (ordered by customer) into one CustomerProposal
// per customer, with its invoices and the balance they remind; each, when
// not nil, is called with every line and its customer's proposal.
func byCustomer(lines []store.ProposalLine, each func(*CustomerProposal, store.ProposalLine)) []CustomerProposal {
	var out []CustomerProposal
	for _, l := range lines {
		if len(out) == 0 || out[len(out)-1].Customer != l.Customer {
			out = append(out, CustomerProposal{Customer: l.Customer, Name: l.CustomerName, Address: l.Address, Currency: l.Currency,
				Fees: decimal.Zero, Indemnity: decimal.Zero, Interest: decimal.Zero, Reminded: decimal.Zero})
		}
		p := &out[len(out)-1]
		p.Invoices = append(p.Invoices, l)
		p.Reminded = p.Reminded.Add(l.Balance)
		if each != nil {
			each(p, l)
		}
	}
	return out
}

// Retick puts a customer unticked from the run of day back into it: the
// invoices the untick paused are resumed. It returns the invoices resumed.
func (o *Ops) Retick(ctx context.Context, company, customer string, day calendar.Date, actor string) ([]string, error) {
	lines, err := o.Store.UntickedLines(ctx, company, day)
	if err != nil {
		return nil, err
	}
	return o.eachInvoiceOf(customer, lines, func(number string) error {
		_, err := o.Act(ctx, company, number, dunning.UpdateResume, dunning.ResumeRequest{Actor: actor})
		return err
	})
}

// eachInvoiceOf runs act on each of customer's lines, in order, and returns
// the invoices it acted on, up to the first refusal or error.
func (o *Ops) eachInvoiceOf(customer string, lines []store.ProposalLine, act func(number string) error) ([]string, error) {
	var done []string
	for _, l := range lines {
		if l.Customer != customer {
			continue
		}
		if err := act(l.Number); err != nil {
			return done, err
		}
		done = append(done, l.Number)
	}
	return done, nil
}
