package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Audit outcomes.
const (
	AuditOK      = "ok"      // done
	AuditRefused = "refused" // not allowed, or refused by the workflow or the rules
	AuditError   = "error"   // failed on a fault
)

// AuditEntry is one operator action, done or not, and who asked for it.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role"`
	Action  string    `json:"action"`
	Target  string    `json:"target"`
	Detail  string    `json:"detail,omitempty"`
	Outcome string    `json:"outcome"`
}

// RecordAudit appends e to the audit log. A zero At means now.
func (s *Store) RecordAudit(ctx context.Context, e AuditEntry) error {
	var at *time.Time
	if !e.At.IsZero() {
		at = &e.At
	}
	_, err := s.Pool.Exec(ctx, `
		INSERT INTO audit_log (at, actor, role, action, target, detail, outcome)
		VALUES (COALESCE($1, now()), $2, $3, $4, $5, $6, $7)`,
		at, e.Actor, e.Role, e.Action, e.Target, e.Detail, e.Outcome)
	if err != nil {
		return fmt.Errorf("record audit entry %s %s by %s: %w", e.Action, e.Target, e.Actor, err)
	}
	return nil
}

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	Actor  string
	Target string // exact target, e.g. "DEMO/FA0168"
	Limit  int    // most recent first; 0 means 100
}

// AuditEntries returns the matching entries, most recent first.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.Pool.Query(ctx, `
		SELECT id, at, actor, role, action, target, detail, outcome FROM audit_log
		WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR target = $2)
		ORDER BY at DESC, id DESC LIMIT $3`, f.Actor, f.Target, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Detail, &e.Outcome)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return es, nil
}
