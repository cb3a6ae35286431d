package main

import (
	"context"
	"strings"

	"github.com/relance/relance/domain/money"
)

// proposalCmd is `starter proposal`: it shows what the run of a date would send, per customer (seed
// 001), and lets the operator untick customers before it runs.
type proposalCmd struct {
	companyFlag
	Date   string `placeholder:"YYYY-MM-DD" help:"run date (default today in the company's time zone)"`
	Untick string `placeholder:"CODE,CODE" help:"comma-separated customer codes to leave out of that run"`
	Actor  string `help:"${actorHelp}"`
}

// Run unticks the customers given and prints the proposal.
func (c *proposalCmd) Run(ctx context.Context, e *env) error {
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	co, err := o.Store.CompanyByCode(ctx, c.Company)
	if err != nil {
		return err
	}
	day, err := dateOrToday(c.Date, co.TimeZone)
	if err != nil {
		return err
	}
	if c.Untick != "" {
		for _, customer := range strings.Split(c.Untick, ",") {
			paused, err := o.Untick(ctx, c.Company, strings.TrimSpace(customer), day, cliActor(c.Actor))
			if err != nil {
				return err
			}
			e.printf("unticked %s: %d invoice(s) paused until %s (%s)\n", customer, len(paused), day.AddDays(1), strings.Join(paused, ", "))
		}
	}
	props, err := o.Proposal(ctx, c.Company, day)
	if err != nil {
		return err
	}
	e.printf("proposal of %s for %s: %d customer(s)\n\n", c.Company, day.French(), len(props))
	e.printf("%-9s %-26s %-5s %-6s %14s %12s  %s\n", "Client", "Nom", "Niv.", "Canal", "Montant relancé", "Frais", "Factures")
	for _, p := range props {
		var nums []string
		for _, l := range p.Invoices {
			nums = append(nums, l.Number+" ("+l.NextLevel+")")
		}
		fees := ""
		if p.Fees.IsPositive() {
			fees = money.Format(p.Fees, p.Currency)
		}
		e.printf("%-9s %-26.26s %-5s %-6s %14s %12s  %s\n", p.Customer, p.Name, p.Level, p.Channel,
			money.Format(p.Reminded, p.Currency), fees, strings.Join(nums, ", "))
	}
	// Customers whose letter waits for their cadence: no letter that day.
	waiting, err := o.Waiting(ctx, c.Company, day)
	if err != nil {
		return err
	}
	for _, p := range waiting {
		var nums []string
		for _, l := range p.Invoices {
			nums = append(nums, l.Number+" ("+l.NextLevel+")")
		}
		e.printf("%-9s %-26.26s attend la cadence — prochaine lettre le %s  %s\n", p.Customer, p.Name, p.NextLetter.French(), strings.Join(nums, ", "))
	}
	// Blocking warnings come last, where they are read before the run.
	for _, p := range props {
		for _, w := range p.Warnings {
			e.printf("\nATTENTION (bloquant) %s: %s\n", p.Customer, w)
		}
	}
	return nil
}
