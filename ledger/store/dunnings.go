package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/dunning"
)

// The ledger's record of dunning workflows (table dunnings, migration
// 00018): the daily scan starts only the invoices without a live one, and
// the reconciliation with Temporal's visibility corrects the record.

// noLiveDunning is the scan's filter on an invoice (alias i) and an
// instalment sequence (SQL expression seq): no dunning recorded that is
// live, or that ended in a way Temporal would not let start again.
func noLiveDunning(seq string) string {
	return ` AND NOT EXISTS (SELECT 1 FROM dunnings d WHERE d.invoice_id = i.id AND d.instalment = ` + seq +
		` AND (d.ended_at IS NULL OR NOT d.restartable))`
}

// DunningKey names one dunning: an invoice, or one of its instalments.
type DunningKey struct {
	InvoiceID  int64
	Instalment int
}

// RecordDunningStart records that the dunning of key runs since at: a new
// row, or a row whose dunning ended restartable becomes live again. With
// onlyIfMissing, an existing row is left as it is (the scan found the
// workflow already started: the record it has is kept).
func (s *Store) RecordDunningStart(ctx context.Context, key DunningKey, at time.Time, onlyIfMissing bool) error {
	q := `INSERT INTO dunnings (invoice_id, instalment, started_at) VALUES ($1, $2, $3)
		ON CONFLICT (invoice_id, instalment) DO UPDATE
		SET started_at = excluded.started_at, ended_at = NULL, outcome = NULL, restartable = false
		WHERE dunnings.ended_at IS NOT NULL`
	if onlyIfMissing {
		q = `INSERT INTO dunnings (invoice_id, instalment, started_at) VALUES ($1, $2, $3)
		ON CONFLICT (invoice_id, instalment) DO NOTHING`
	}
	if _, err := s.Pool.Exec(ctx, q, key.InvoiceID, key.Instalment, at); err != nil {
		return fmt.Errorf("record the start of the dunning of invoice id %d/%d: %w", key.InvoiceID, key.Instalment, err)
	}
	return nil
}

// RecordDunningStarts is RecordDunningStart for many dunnings in one
// statement (the scan records its starts in batches).
func (s *Store) RecordDunningStarts(ctx context.Context, keys []DunningKey, at time.Time, onlyIfMissing bool) error {
	if len(keys) == 0 {
		return nil
	}
	ids, seqs := make([]int64, len(keys)), make([]int32, len(keys))
	for i, k := range keys {
		ids[i], seqs[i] = k.InvoiceID, int32(k.Instalment)
	}
	q := `INSERT INTO dunnings (invoice_id, instalment, started_at)
		SELECT DISTINCT ON (k.id, k.seq) k.id, k.seq, $3 FROM unnest($1::bigint[], $2::integer[]) AS k(id, seq)
		ON CONFLICT (invoice_id, instalment) DO `
	if onlyIfMissing {
		q += `NOTHING`
	} else {
		q += `UPDATE SET started_at = excluded.started_at, ended_at = NULL, outcome = NULL, restartable = false
		WHERE dunnings.ended_at IS NOT NULL`
	}
	if _, err := s.Pool.Exec(ctx, q, ids, seqs, at); err != nil {
		return fmt.Errorf("record the start of %d dunnings: %w", len(keys), err)
	}
	return nil
}

// RecordDunningEnd records that the dunning of key ended at with outcome;
// restartable says whether the scan may start it again.
func (s *Store) RecordDunningEnd(ctx context.Context, key DunningKey, at time.Time, outcome string, restartable bool) error {
	if _, err := s.Pool.Exec(ctx, recordEnd, key.InvoiceID, key.Instalment, at, outcome, restartable); err != nil {
		return fmt.Errorf("record the end of the dunning of invoice id %d/%d: %w", key.InvoiceID, key.Instalment, err)
	}
	return nil
}

const recordStartEvent = `INSERT INTO dunnings (invoice_id, instalment, started_at) VALUES ($1, $2, $3)
	ON CONFLICT (invoice_id, instalment) DO NOTHING`

const recordEnd = `INSERT INTO dunnings (invoice_id, instalment, started_at, ended_at, outcome, restartable)
	VALUES ($1, $2, $3, $3, $4, $5)
	ON CONFLICT (invoice_id, instalment) DO UPDATE
	SET ended_at = excluded.ended_at, outcome = excluded.outcome, restartable = excluded.restartable`

// queueDunningEvents adds to batch what events say about the dunning's
// life: its first event starts it, paid or closed ends it (the workflow's
// own history, mirrored by RecordItemEvents: no workflow change needed).
func queueDunningEvents(batch *pgx.Batch, invoiceID int64, seq int, events []dunning.Event) {
	for _, e := range events {
		switch e.Kind {
		case dunning.EventStarted:
			batch.Queue(recordStartEvent, invoiceID, seq, e.At)
		case dunning.EventPaid, dunning.EventClosed:
			batch.Queue(recordEnd, invoiceID, seq, e.At, string(e.Kind), false)
		}
	}
}

// LiveDunnings returns the live dunnings of company by workflow ID.
func (s *Store) LiveDunnings(ctx context.Context, company string) (map[string]DunningKey, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT d.invoice_id, d.instalment, i.number FROM dunnings d
		JOIN invoices i ON i.id = d.invoice_id JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND d.ended_at IS NULL`, company)
	if err != nil {
		return nil, fmt.Errorf("live dunnings of %s: %w", company, err)
	}
	defer rows.Close()
	live := map[string]DunningKey{}
	for rows.Next() {
		var k DunningKey
		var number string
		if err := rows.Scan(&k.InvoiceID, &k.Instalment, &number); err != nil {
			return nil, fmt.Errorf("live dunnings of %s: %w", company, err)
		}
		id := dunning.WorkflowID(company, number)
		if k.Instalment > 0 {
			id = dunning.InstalmentWorkflowID(company, number, k.Instalment)
		}
		live[id] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("live dunnings of %s: %w", company, err)
	}
	return live, nil
}

// CountLiveDunnings counts the live dunnings of company.
func (s *Store) CountLiveDunnings(ctx context.Context, company string) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, `
		SELECT count(*) FROM dunnings d JOIN invoices i ON i.id = d.invoice_id JOIN companies c ON c.id = i.company_id
		WHERE c.code = $1 AND d.ended_at IS NULL`, company).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count live dunnings of %s: %w", company, err)
	}
	return n, nil
}

// ReconcileRecord is the outcome of one reconciliation of a company.
type ReconcileRecord struct {
	At       time.Time
	Running  int // running workflows in Temporal's visibility
	Recorded int // running ones the ledger did not know, now recorded
	Ended    int // live in the ledger but ended in Temporal, now ended
}

// RecordReconcile keeps the last reconciliation of company.
func (s *Store) RecordReconcile(ctx context.Context, company string, r ReconcileRecord) error {
	_, err := s.Pool.Exec(ctx, `
		INSERT INTO dunning_reconciles (company_id, at, running, recorded, ended)
		SELECT id, $2, $3, $4, $5 FROM companies WHERE code = $1
		ON CONFLICT (company_id) DO UPDATE SET at = excluded.at, running = excluded.running,
			recorded = excluded.recorded, ended = excluded.ended`, company, r.At, r.Running, r.Recorded, r.Ended)
	if err != nil {
		return fmt.Errorf("record the reconciliation of %s: %w", company, err)
	}
	return nil
}

// LastReconcile returns when company's dunnings were last reconciled (zero
// time: never).
func (s *Store) LastReconcile(ctx context.Context, company string) (time.Time, error) {
	var at time.Time
	err := s.Pool.QueryRow(ctx, `SELECT r.at FROM dunning_reconciles r JOIN companies c ON c.id = r.company_id WHERE c.code = $1`,
		company).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last reconciliation of %s: %w", company, err)
	}
	return at, nil
}
