package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
)

// HistoryExportRow is one line of the reminder history export (seed 003,
// "Exporter l'historique des relances sous Excel"): a step of an invoice's
// dunning with the invoice and its customer.
type HistoryExportRow struct {
	Invoice      string    `json:"invoice"`
	Customer     string    `json:"customer"`
	CustomerName string    `json:"customerName"`
	At           time.Time `json:"at"` // in the company's time zone
	Kind         string    `json:"kind"`
	Level        string    `json:"level,omitempty"`
	Detail       string    `json:"detail,omitempty"`
	Actor        string    `json:"actor,omitempty"`
}

// HistoryExport returns the history of every invoice of company between
// from and to included, days counted in the company's time zone, oldest
// first. A zero from or to leaves that side open.
func (s *Store) HistoryExport(ctx context.Context, company string, from, to calendar.Date) ([]HistoryExportRow, error) {
	if company == "" {
		return nil, Invalid(ExportCompany.With())
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return nil, Invalid(ExportPeriod.With(to, from))
	}
	co, err := s.CompanyByCode(ctx, company)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q of company %s: %w", co.TimeZone, company, err)
	}
	// Bounds as instants: from's midnight and the midnight after to, in
	// the company's zone. NULL leaves the side open.
	var lo, hi *time.Time
	if !from.IsZero() {
		t := from.At(0, loc)
		lo = &t
	}
	if !to.IsZero() {
		t := to.AddDays(1).At(0, loc)
		hi = &t
	}
	rows, err := s.Pool.Query(ctx, `
		SELECT i.number, cu.code, cu.name, h.at, h.kind, h.level_code, h.detail, h.actor
		FROM history h JOIN invoices i ON i.id = h.invoice_id JOIN customers cu ON cu.id = i.customer_id
		WHERE i.company_id = $1 AND ($2::timestamptz IS NULL OR h.at >= $2) AND ($3::timestamptz IS NULL OR h.at < $3)
		ORDER BY h.at, i.number, h.seq`, co.ID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("export history of %s: %w", company, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HistoryExportRow, error) {
		var x HistoryExportRow
		err := r.Scan(&x.Invoice, &x.Customer, &x.CustomerName, &x.At, &x.Kind, &x.Level, &x.Detail, &x.Actor)
		x.At = x.At.In(loc)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("export history of %s: %w", company, err)
	}
	return list, nil
}
