package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// API areas a token may be given (Token.Areas).
const (
	// AreaDunning is the operator API (/v1/invoices, /v1/customers...),
	// as the token's role allows.
	AreaDunning = "dunning"
	// AreaFeed is the accounting feed (/v1/feed): customers, invoices,
	// credit notes, instalments, payments on account, PDFs, snapshots.
	AreaFeed = "feed"
)

// ParseAreas reads a comma-separated list of areas ("dunning,feed");
// empty text gives nil (the operator API only).
func ParseAreas(text string) ([]string, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var out []string
	for _, a := range strings.Split(text, ",") {
		a = strings.TrimSpace(a)
		switch a {
		case AreaDunning, AreaFeed:
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		default:
			return nil, Invalid(AreaUnknown.With(strconv.Quote(a)))
		}
	}
	return out, nil
}

// CanUse reports whether the token may call the API area: a token
// without areas (made before they existed) has the operator API only.
func (t Token) CanUse(area string) bool {
	if t.Areas == nil {
		return area == AreaDunning
	}
	return slices.Contains(t.Areas, area)
}

// AreasString lists the token's areas, "dunning" when it has none.
func (t Token) AreasString() string {
	if t.Areas == nil {
		return AreaDunning
	}
	return strings.Join(t.Areas, ",")
}

// SetTokenAreas gives name's token in force the API areas listed (nil:
// the operator API only).
func (s *Store) SetTokenAreas(ctx context.Context, name string, areas []string) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE api_tokens SET areas = $2 WHERE name = $1 AND revoked_at IS NULL`, name, areas)
	if err != nil {
		return fmt.Errorf("set the areas of token %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token in force for %q: %w", name, ErrNotFound)
	}
	return nil
}
