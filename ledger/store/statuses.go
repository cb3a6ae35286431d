package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/jackc/pgx/v5"
)

var statusCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,9}$`)

// SaveStatus adds a reminder status to a company's table or changes one.
// It returns the codes of the customers holding the status when the
// change matters to their invoices (it was or becomes inherited, or its
// blocking changed): their running dunnings must look again.
func (s *Store) SaveStatus(ctx context.Context, company string, st ReminderStatus) (customers []string, err error) {
	switch {
	case !statusCode.MatchString(st.Code):
		return nil, Invalid(StatusCodeFormat.With(strconv.Quote(st.Code)))
	case st.Label == "":
		return nil, Invalid(StatusLabelRequired.With(st.Code))
	case st.EscalationCode == st.Code:
		return nil, Invalid(StatusEscalatesToItself.With(st.Code))
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM companies WHERE code = $1`, company).Scan(&id); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("company %s: %w", company, ErrNotFound)
			}
			return err
		}
		if st.EscalationCode != "" {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reminder_statuses WHERE company_id = $1 AND code = $2)`,
				id, st.EscalationCode).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return Invalid(StatusEscalatesToNone.With(st.Code, st.EscalationCode))
			}
		}
		var wasInherited, wasBlocking, existed bool
		err := tx.QueryRow(ctx, `SELECT propagation = 'inherited', blocks_reminders FROM reminder_statuses
			WHERE company_id = $1 AND code = $2 FOR UPDATE`, id, st.Code).Scan(&wasInherited, &wasBlocking)
		switch {
		case err == nil:
			existed = true
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if err := upsertStatus(ctx, tx, id, st); err != nil {
			return err
		}
		if !existed || (wasInherited == st.Inherited && wasBlocking == st.Blocks) || !(wasInherited || st.Inherited) {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT code FROM customers WHERE company_id = $1 AND reminder_status = $2 ORDER BY code`, id, st.Code)
		if err != nil {
			return err
		}
		customers, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("save status %s of %s: %w", st.Code, company, err)
	}
	return customers, nil
}

// DeleteStatus removes a status from a company's table. A status that a
// customer holds, or that another status escalates to, stays: the error
// (wrapping ErrInvalid) says who uses it.
func (s *Store) DeleteStatus(ctx context.Context, company, code string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM companies WHERE code = $1`, company).Scan(&id); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("company %s: %w", company, ErrNotFound)
			}
			return err
		}
		var holders int
		var escalating []string
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM customers WHERE company_id = $1 AND reminder_status = $2`, id, code).Scan(&holders); err != nil {
			return err
		}
		if holders > 0 {
			return Invalid(StatusHeld.With(code, holders))
		}
		rows, err := tx.Query(ctx, `SELECT code FROM reminder_statuses WHERE company_id = $1 AND escalation_code = $2 ORDER BY code`, id, code)
		if err != nil {
			return err
		}
		if escalating, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		if len(escalating) > 0 {
			return Invalid(StatusEscalationOf.With(code, escalating))
		}
		tag, err := tx.Exec(ctx, `DELETE FROM reminder_statuses WHERE company_id = $1 AND code = $2`, id, code)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("status %s of %s: %w", code, company, ErrNotFound)
		}
		return nil
	})
}
