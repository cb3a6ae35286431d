package actions

import "context"

// BulkResult is the outcome of an operator action on one invoice of a
// selection.
type BulkResult struct {
	Invoice string `json:"invoice"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
}

// Bulk sends the same operator update to every invoice of a selection
// (seed 004: move all selected invoices to the next level). One refusal
// does not stop the others; progress, when not nil, is called after each.
func (o *Ops) Bulk(ctx context.Context, company string, invoices []string, update string, arg any,
	progress func(done, total int)) ([]BulkResult, error) {
	out := make([]BulkResult, 0, len(invoices))
	for i, n := range invoices {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		_, err := o.Act(ctx, company, n, update, arg)
		r := BulkResult{Invoice: n, OK: err == nil}
		if err != nil {
			r.Error = err.Error()
		}
		out = append(out, r)
		if progress != nil {
			progress(i+1, len(invoices))
		}
	}
	return out, nil
}
