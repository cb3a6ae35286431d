package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/settings"
)

// SetUserRole changes the role of user name.
func (s *Store) SetUserRole(ctx context.Context, name string, role Role) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET role = $2 WHERE name = $1`, name, string(role))
	if err != nil {
		return fmt.Errorf("set the role of %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	return nil
}

// SetUserCompanies replaces the companies granted to user name. Each code
// must name a company.
func (s *Store) SetUserCompanies(ctx context.Context, name string, companies []string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE name = $1`, name).Scan(&id); err != nil {
			if err == pgx.ErrNoRows {
				return fmt.Errorf("user %q: %w", name, ErrNotFound)
			}
			return fmt.Errorf("grant companies to %s: %w", name, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_companies WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("grant companies to %s: %w", name, err)
		}
		for _, code := range companies {
			tag, err := tx.Exec(ctx, `INSERT INTO user_companies (user_id, company_id)
				SELECT $1, id FROM companies WHERE code = $2 ON CONFLICT DO NOTHING`, id, code)
			if err != nil {
				return fmt.Errorf("grant %s to %s: %w", code, name, err)
			}
			if tag.RowsAffected() == 0 {
				return Invalid(UnknownCompany.With(code))
			}
		}
		return nil
	})
}

// GrantCompany adds company code to the companies of user name (kept when
// already granted).
func (s *Store) GrantCompany(ctx context.Context, name, code string) error {
	tag, err := s.Pool.Exec(ctx, `INSERT INTO user_companies (user_id, company_id)
		SELECT u.id, c.id FROM users u, companies c WHERE u.name = $1 AND c.code = $2 ON CONFLICT DO NOTHING`, name, code)
	if err != nil {
		return fmt.Errorf("grant %s to %s: %w", code, name, err)
	}
	if tag.RowsAffected() == 0 {
		if _, err := s.UserByName(ctx, name); err != nil {
			return err
		}
		if _, err := s.CompanyByCode(ctx, code); err != nil {
			return err
		}
	}
	return nil
}

// EnableUser lets a disabled user sign in again.
func (s *Store) EnableUser(ctx context.Context, name string) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET disabled_at = NULL WHERE name = $1 AND disabled_at IS NOT NULL`, name)
	if err != nil {
		return fmt.Errorf("enable user %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("disabled user %q: %w", name, ErrNotFound)
	}
	return nil
}

// WebhookSource is a payment source as listed (never its secret).
type WebhookSource struct {
	Name      string
	Companies Scope // nil: every company
	CreatedAt time.Time
	UpdatedAt time.Time
}

// WebhookSources lists the payment sources by name.
func (s *Store) WebhookSources(ctx context.Context) ([]WebhookSource, error) {
	rows, err := s.Pool.Query(ctx, `SELECT name, companies, created_at, updated_at FROM webhook_sources ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list payment sources: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (WebhookSource, error) {
		var w WebhookSource
		var sc []string
		err := r.Scan(&w.Name, &sc, &w.CreatedAt, &w.UpdatedAt)
		w.Companies = Scope(sc)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("list payment sources: %w", err)
	}
	return out, nil
}

// ParseScope reads a scope typed in a form: company codes separated by
// commas or spaces; empty or "*" means every company (nil).
func ParseScope(s string) Scope {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" {
		return nil
	}
	var out Scope
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		out = append(out, strings.ToUpper(f))
	}
	return out
}

// SetDemoDaySeconds makes one ladder day of company code last seconds
// seconds (0: real days), as the demo company does, so that a new user
// sees the ladder's letters within minutes. Only workflows started after
// the change use it. Production leaves it at 0.
func (s *Store) SetDemoDaySeconds(ctx context.Context, code string, seconds int) error {
	if seconds < 0 || seconds > 86400 {
		return Invalid(settings.NotDemoDay.With(seconds))
	}
	var v *int
	if seconds > 0 {
		v = &seconds
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE companies SET demo_day_seconds = $2 WHERE code = $1`, code, v)
	if err != nil {
		return fmt.Errorf("set the demo day of %s: %w", code, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", code, ErrNotFound)
	}
	return nil
}
