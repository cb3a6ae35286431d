package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/letters/letter"
)

// SaveTemplate stores t as one of company's letter templates (company is
// the company's code), replacing the one with the same level, language,
// customer kind and minimum days overdue. t is checked with
// letter.ValidateTemplate first: a template that would fail when a letter
// is sent is refused with an error wrapping ErrInvalid whose message names
// the block, the line and the field at fault.
func (s *Store) SaveTemplate(ctx context.Context, company string, t letter.Template) error {
	if err := letter.ValidateTemplate(t); err != nil {
		return Invalid(err)
	}
	t = t.Normalized()
	tag, err := s.Pool.Exec(ctx, `
		INSERT INTO letter_templates (company_id, level_code, language, customer_kind, min_days_overdue, source)
		SELECT id, $2, $3, $4, $5, $6 FROM companies WHERE code = $1
		ON CONFLICT (company_id, level_code, language, customer_kind, min_days_overdue)
		DO UPDATE SET source = EXCLUDED.source, updated_at = now()`,
		company, t.Level, t.Language, t.CustomerKind, t.MinDaysOverdue, t.Source)
	if err != nil {
		return fmt.Errorf("save template %s of %s: %w", t.Name(), company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("save template %s: company %s: %w", t.Name(), company, ErrNotFound)
	}
	return nil
}

// Templates returns the custom letter templates of the company with ID
// companyID, ordered by level, language, customer kind and minimum days:
// what letter.ComposeWith chooses from.
func (s *Store) Templates(ctx context.Context, companyID int64) ([]letter.Template, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT level_code, language, customer_kind, min_days_overdue, source
		FROM letter_templates WHERE company_id = $1
		ORDER BY level_code, language, customer_kind, min_days_overdue`, companyID)
	if err != nil {
		return nil, fmt.Errorf("load letter templates: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (letter.Template, error) {
		var t letter.Template
		err := r.Scan(&t.Level, &t.Language, &t.CustomerKind, &t.MinDaysOverdue, &t.Source)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("load letter templates: %w", err)
	}
	return ts, nil
}

// DeleteTemplate removes company's custom template with t's level,
// language, customer kind and minimum days overdue (t.Source is ignored);
// letters then use the next matching template, or the embedded default. It
// returns an error wrapping ErrNotFound when there was no such template.
func (s *Store) DeleteTemplate(ctx context.Context, company string, t letter.Template) error {
	t = t.Normalized()
	tag, err := s.Pool.Exec(ctx, `
		DELETE FROM letter_templates lt USING companies c
		WHERE lt.company_id = c.id AND c.code = $1 AND lt.level_code = $2 AND lt.language = $3
		  AND lt.customer_kind = $4 AND lt.min_days_overdue = $5`,
		company, t.Level, t.Language, t.CustomerKind, t.MinDaysOverdue)
	if err != nil {
		return fmt.Errorf("delete template %s of %s: %w", t.Name(), company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("template %s of company %s: %w", t.Name(), company, ErrNotFound)
	}
	return nil
}
