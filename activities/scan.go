package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/relance/relance/domain/ladder"
	"github.com/relance/relance/ledger/scan"
	"github.com/relance/relance/platform/metrics"
	"github.com/relance/relance/workflows/wire"
	"go.temporal.io/sdk/activity"
)

// ScanCompany starts the dunning workflows of a company's overdue invoices.
// Running it twice starts nothing new.
func (a *Activities) ScanCompany(ctx context.Context, req wire.ScanRequest) (wire.ScanReport, error) {
	c, err := a.Store.CompanyByCode(ctx, req.Company)
	if err != nil {
		return wire.ScanReport{}, nonRetryableIfNotFound(err)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return wire.ScanReport{}, badLetter(fmt.Errorf("company %s time zone %q: %w", c.Code, c.TimeZone, err))
	}
	on := ladder.Clock{Location: loc}.Today(req.At)
	// Weekly, the ledger's record of running dunnings is checked against
	// Temporal's visibility first; a failed check is logged and the scan
	// goes on (the record stays as good as it was).
	if last, err := a.Store.LastReconcile(ctx, c.Code); err == nil && time.Since(last) > scan.ReconcileEvery && a.Temporal != nil {
		if _, err := scan.Reconcile(ctx, a.Store, a.Temporal, c.Code, a.Log); err != nil {
			a.Log.Warn("reconcile failed: the scan goes on", "company", c.Code, "err", err)
		}
	}
	rep, err := scan.RunWithProgress(ctx, a.Store, a.Temporal, c.Code, on, a.Log, func(done, total int) {
		activity.RecordHeartbeat(ctx, done)
	})
	metrics.Scanned("started", len(rep.Started))
	metrics.Scanned("running", len(rep.AlreadyRunning))
	metrics.Scanned("skipped", len(rep.Skipped))
	metrics.Scanned("failed", len(rep.Failed))
	return rep, err
}
