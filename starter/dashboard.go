package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/relance/relance/domain/money"
)

// dashboardCmd is `starter dashboard`: it prints the figures a finance team watches: what is owed by
// age and level, the letters of the last 30 days, payments after each
// level, the week's promises to pay and the DSO of the last 12 months.
type dashboardCmd struct {
	companyFlag
	Date string `placeholder:"YYYY-MM-DD" help:"day of the figures (default today in the company's time zone)"`
}

// Run prints the dashboard.
func (c *dashboardCmd) Run(ctx context.Context, e *env) error {
	st, co, err := e.company(ctx, c.Company)
	if err != nil {
		return err
	}
	on, err := dateOrToday(c.Date, co.TimeZone)
	if err != nil {
		return err
	}
	d, err := st.CompanyDashboard(ctx, co.Code, on)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	section := func(title string) { fmt.Fprintf(tw, "\n%s\t\n", title) }
	e.printf("%s on %s\n", co.LegalName, on.French())
	section("Owed by age (days past due)")
	for _, b := range d.Aging {
		fmt.Fprintf(tw, "%s\t%d\t%s\t\n", b.Label, b.Count, money.Format(b.Amount, "EUR"))
	}
	if d.OtherCurrencies > 0 {
		fmt.Fprintf(tw, "(%d open items in other currencies not counted)\t\n", d.OtherCurrencies)
	}
	section("Owed by level")
	for _, l := range d.Levels {
		fmt.Fprintf(tw, "%s\t%d\t%s\t\n", l.Level, l.Count, money.Format(l.Amount, "EUR"))
	}
	section("Letters, last 30 days\tsent\tprint\tuncertain\tfailed")
	for _, l := range d.Letters {
		if l.Sent+l.Print+l.Uncertain+l.Failed+l.Other == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", l.Day.French(), l.Sent, l.Print, l.Uncertain, l.Failed)
	}
	section("Payments after each level\treminded\tpaid after\tamount")
	for _, a := range d.AfterLevel {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", a.Level, a.Reminded, a.PaidAfter, money.Format(a.AmountPaid, "EUR"))
	}
	section("Promises to pay this week")
	for _, p := range d.Promises {
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t\n", p.Customer, p.Name, p.On.French(), money.Format(p.Amount, "EUR"))
	}
	section("DSO (countback)\treceivables\tdays")
	for _, m := range d.DSO {
		fmt.Fprintf(tw, "%04d-%02d\t%s\t%s\t\n", m.Month.Year, m.Month.Month, money.Format(m.Receivables, "EUR"), m.Days.StringFixed(1))
	}
	return tw.Flush()
}
