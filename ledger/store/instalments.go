package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/shopspring/decimal"
)

// Instalment is one due date of an invoice paid in several parts, with its
// own balance (seed 004, "échéances multiples"). When an invoice has
// instalments, dunning is per instalment.
type Instalment struct {
	Seq     int             `json:"seq"`
	DueDate calendar.Date   `json:"dueDate"`
	Amount  decimal.Decimal `json:"amount"`
	Balance decimal.Decimal `json:"balance"`
}

// SetInstalments replaces the instalments of invoice id with list (an
// empty list removes them: the invoice is dunned as one).
func (s *Store) SetInstalments(ctx context.Context, id int64, list []Instalment) error {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM instalments WHERE invoice_id = $1 AND NOT (seq = ANY($2))`, id, seqs(list)); err != nil {
			return err
		}
		for _, n := range list {
			if _, err := tx.Exec(ctx, `
				INSERT INTO instalments (invoice_id, seq, due_date, amount, balance_due) VALUES ($1,$2,$3,$4,$5)
				ON CONFLICT (invoice_id, seq) DO UPDATE SET due_date = EXCLUDED.due_date, amount = EXCLUDED.amount,
				    balance_due = EXCLUDED.balance_due`, id, n.Seq, n.DueDate, n.Amount, n.Balance); err != nil {
				return fmt.Errorf("instalment %d: %w", n.Seq, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save instalments of invoice id %d: %w", id, err)
	}
	return nil
}

func seqs(list []Instalment) []int32 {
	out := make([]int32, 0, len(list))
	for _, n := range list {
		out = append(out, int32(n.Seq))
	}
	return out
}

// Instalments returns the instalments of invoice id, by sequence.
func (s *Store) Instalments(ctx context.Context, id int64) ([]Instalment, error) {
	rows, err := s.Pool.Query(ctx, `SELECT seq, due_date, amount, balance_due FROM instalments WHERE invoice_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("instalments of invoice id %d: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Instalment, error) {
		var n Instalment
		err := r.Scan(&n.Seq, &n.DueDate, &n.Amount, &n.Balance)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("instalments of invoice id %d: %w", id, err)
	}
	return out, nil
}

// allocateToInstalments lowers the balances of invoice id's instalments by
// amount, earliest due date first (nothing when it has none), and returns
// the sequences of the instalments it lowered.
func allocateToInstalments(ctx context.Context, tx pgx.Tx, id int64, amount decimal.Decimal) ([]int, error) {
	rows, err := tx.Query(ctx, `SELECT seq, balance_due FROM instalments WHERE invoice_id = $1 AND balance_due > 0
		ORDER BY due_date, seq FOR UPDATE`, id)
	if err != nil {
		return nil, err
	}
	type part struct {
		seq     int
		balance decimal.Decimal
	}
	parts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (part, error) {
		var p part
		err := r.Scan(&p.seq, &p.balance)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	var touched []int
	for _, p := range parts {
		if !amount.IsPositive() {
			break
		}
		take := decimal.Min(amount, p.balance)
		amount = amount.Sub(take)
		if _, err := tx.Exec(ctx, `UPDATE instalments SET balance_due = balance_due - $3 WHERE invoice_id = $1 AND seq = $2`,
			id, p.seq, take); err != nil {
			return nil, err
		}
		touched = append(touched, p.seq)
	}
	return touched, nil
}

// paidInstalments returns the instalments of invoice id that a payment
// recorded before may have gone to: those already paid in part or
// in full, earliest first (a repeated payment tells their workflows again).
func paidInstalments(ctx context.Context, tx pgx.Tx, id int64) ([]int, error) {
	rows, err := tx.Query(ctx, `SELECT seq FROM instalments WHERE invoice_id = $1 AND balance_due < amount
		ORDER BY due_date, seq`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}

// RecordItemPayment is RecordPayment for instalment seq of invoice id: the
// ledger allocates the payment to the earliest instalments, and the result
// gives instalment seq's balance (the invoice's when seq is 0).
func (s *Store) RecordItemPayment(ctx context.Context, id int64, seq int, p dunning.Payment) (PaymentResult, error) {
	res, err := s.RecordPayment(ctx, id, p)
	if err != nil || seq == 0 {
		return res, err
	}
	err = s.Pool.QueryRow(ctx, `SELECT balance_due FROM instalments WHERE invoice_id = $1 AND seq = $2`, id, seq).Scan(&res.Balance)
	if errors.Is(err, pgx.ErrNoRows) {
		return res, fmt.Errorf("instalment %d of invoice id %d: %w", seq, id, ErrNotFound)
	}
	if err != nil {
		return res, fmt.Errorf("balance of instalment %d of invoice id %d: %w", seq, id, err)
	}
	return res, nil
}
