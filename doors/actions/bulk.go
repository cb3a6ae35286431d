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
	err := o.BulkEach(ctx, company, invoices, update, arg, nil, func(n string, err error) {
		r := BulkResult{Invoice: n, OK: err == nil}
		if err != nil {
			r.Error = err.Error()
		}
		out = append(out, r)
		if progress != nil {
			progress(len(out), len(invoices))
		}
	})
	return out, err
}

// BulkEach sends the same operator update to each invoice of a selection
// in turn and hands each outcome to each (nil, or Act's error: refused,
// no workflow, unknown invoice, a fault); one failure does not stop the
// others. updateID, when not nil, gives an invoice's update its Temporal
// UpdateID ("" for none; WithUpdateID), so that a selection sent twice
// acts once. It stops when ctx ends, and returns ctx's error then.
func (o *Ops) BulkEach(ctx context.Context, company string, invoices []string, update string, arg any,
	updateID func(number string) string, each func(number string, err error)) error {
	for _, n := range invoices {
		if err := ctx.Err(); err != nil {
			return err
		}
		actx := ctx
		if updateID != nil {
			if id := updateID(n); id != "" {
				actx = WithUpdateID(ctx, id)
			}
		}
		_, err := o.Act(actx, company, n, update, arg)
		each(n, err)
	}
	return nil
}
