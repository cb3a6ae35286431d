package store

import (
	"context"
	"fmt"

	"github.com/relance/relance/domain/settings"
)

// SetCompanyLogo checks (settings.Logo) and saves the logo printed at the
// top left of company code's letters; nil removes it. An invalid image is
// settings.Errors on the field "logo", wrapped with ErrInvalid.
func (s *Store) SetCompanyLogo(ctx context.Context, code string, logo []byte) error {
	if logo != nil {
		if _, err := settings.Logo(logo); err != nil {
			return Invalid(settings.Errors{settings.FieldProblem("logo", err)})
		}
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE companies SET logo = $2 WHERE code = $1`, code, logo)
	if err != nil {
		return fmt.Errorf("set logo of company %s: %w", code, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", code, ErrNotFound)
	}
	return nil
}
