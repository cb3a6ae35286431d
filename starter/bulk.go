package main

import (
	"context"
	"strings"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/platform/progress"
)

// bulkCmd is `starter bulk`: skip (or revert, resume, comment) a
// selection of invoices, by their numbers or by the filter of the list
// (seed 004's bulk escalation). Its progress goes to standard error: a
// bar on a terminal, plain lines otherwise.
type bulkCmd struct {
	actions.FilterFlags
	Action   string `default:"skip" enum:"skip,revert,resume,comment" help:"skip, revert, resume or comment"`
	Invoices string `placeholder:"NUMBER,NUMBER" help:"comma-separated invoice numbers (else the invoices the filter selects)"`
	Reason   string `help:"why (kept in each history; the text of a comment)"`
	Actor    string `help:"${actorHelp}"`
}

// Run applies the action to each invoice selected.
func (c *bulkCmd) Run(ctx context.Context, e *env) error {
	update := actions.OperatorUpdates[c.Action]
	arg, _ := actions.OperatorRequest(c.Action, cliActor(c.Actor), actions.OperatorInput{Reason: c.Reason, Text: c.Reason})
	selection := c.Values()
	selection.Del(actions.ParamCompany)
	if c.Invoices == "" && len(selection) == 0 {
		return usageError{"bulk: select with --invoices or the list's filters (--level, --next-level, --customer...)"}
	}
	st, _, f, err := listFilter(ctx, e, "bulk", &c.FilterFlags, actions.ExportRows)
	if err != nil {
		return err
	}
	var numbers []string
	if c.Invoices != "" {
		for _, n := range strings.Split(c.Invoices, ",") {
			numbers = append(numbers, strings.TrimSpace(n))
		}
	} else {
		rows, err := st.ListInvoices(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			numbers = append(numbers, r.Number)
		}
	}
	o, err := e.ops(ctx)
	if err != nil {
		return err
	}
	bar := progress.New(e.progress, len(numbers), c.Action+" "+f.Company)
	results, err := o.Bulk(ctx, f.Company, numbers, update, arg, func(done, total int) {
		bar.SetTotal(total)
		bar.Set(done)
	})
	bar.Done()
	if err != nil {
		return err
	}
	ok := 0
	for _, r := range results {
		if r.OK {
			ok++
			continue
		}
		e.printf("  %s: %s\n", r.Invoice, r.Error)
	}
	e.printf("%s: %d done, %d refused or failed, of %d selected\n", c.Action, ok, len(results)-ok, len(results))
	return nil
}
