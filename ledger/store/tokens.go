package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Role is what an API token may do. Each role can do what the ones before
// it can.
type Role string

// Roles, from the least to the most powerful.
const (
	RoleViewer   Role = "viewer"   // read states, histories and lists
	RoleOperator Role = "operator" // + skip, revert, pause, resume, comment
	RoleAdmin    Role = "admin"    // + tokens, customers' do-not-remind flag
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleViewer, RoleOperator, RoleAdmin:
		return r, nil
	}
	return "", Invalid(UnknownRole.With(strconv.Quote(s)))
}

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleOperator:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Allows reports whether a token with role r may do what needs role need.
func (r Role) Allows(need Role) bool { return r.rank() > 0 && r.rank() >= need.rank() }

// Token is an API token as stored: its name (the actor recorded in
// histories and the audit log) and role, never the token itself.
type Token struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	// Companies are the company codes the token may act on; nil means
	// every company of the installation.
	Companies Scope `json:"companies"`
	// Areas are the parts of the API the token may call (AreaDunning,
	// AreaFeed); nil means the operator API only.
	Areas []string `json:"areas,omitempty"`
}

// Scope is the set of companies a token or a payment source may act on:
// nil means every company.
type Scope []string

// Allows reports whether the scope covers company.
func (sc Scope) Allows(company string) bool {
	if sc == nil {
		return true
	}
	for _, c := range sc {
		if c == company {
			return true
		}
	}
	return false
}

// String lists the scope's companies, or "every company".
func (sc Scope) String() string {
	if sc == nil {
		return "every company"
	}
	return strings.Join(sc, ", ")
}

// tokenPrefix makes relance tokens recognisable (secret scanners, logs).
const tokenPrefix = "rlc_"

// HashToken returns the SHA-256 of a token as presented by a client: the
// only form tokens are stored and looked up in.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateToken makes a new token for name with role and returns it in
// clear: it cannot be shown again. A name has one token in force at a time:
// revoke the old one first.
func (s *Store) CreateToken(ctx context.Context, name string, role Role) (string, Token, error) {
	var t Token
	name = strings.TrimSpace(name)
	if name == "" {
		return "", t, Invalid(TokenName.With())
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", t, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", t, fmt.Errorf("create token: %w", err)
	}
	plain := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	err := s.Pool.QueryRow(ctx, `
		INSERT INTO api_tokens (name, token_hash, role) VALUES ($1, $2, $3)
		RETURNING id, name, role, created_at`, name, HashToken(plain), string(role)).
		Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return "", Token{}, Invalid(TokenInForce.With(name))
	}
	if err != nil {
		return "", Token{}, fmt.Errorf("create token for %s: %w", name, err)
	}
	return plain, t, nil
}

// TokenByHash returns the token in force whose hash is hash, or an error
// wrapping ErrNotFound (unknown or revoked).
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	var t Token
	err := s.Pool.QueryRow(ctx, `
		SELECT id, name, role, created_at, companies, areas FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL`, hash).Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.Companies, &t.Areas)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("look up token: %w", err)
	}
	return t, nil
}

// Tokens lists every token, in force or revoked, by name then date.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT id, name, role, created_at, revoked_at, companies, areas FROM api_tokens ORDER BY name, created_at`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		err := r.Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.RevokedAt, &t.Companies, &t.Areas)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes name's token in force; it is refused from then on.
func (s *Store) RevokeToken(ctx context.Context, name string) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL`, name)
	if err != nil {
		return fmt.Errorf("revoke token of %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token in force for %q: %w", name, ErrNotFound)
	}
	return nil
}

// MinSecretLength is the shortest webhook secret accepted.
const MinSecretLength = 16

// SetWebhookSource creates the payment source name or replaces its HMAC
// secret.
func (s *Store) SetWebhookSource(ctx context.Context, name, secret string) error {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return Invalid(SourceName.With())
	case len(secret) < MinSecretLength:
		return Invalid(SourceSecret.With(name, MinSecretLength))
	}
	_, err := s.Pool.Exec(ctx, `
		INSERT INTO webhook_sources (name, secret) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET secret = EXCLUDED.secret, updated_at = now()`, name, secret)
	if err != nil {
		return fmt.Errorf("set payment source %s: %w", name, err)
	}
	return nil
}

// WebhookSecret returns the HMAC secret of payment source name, or an error
// wrapping ErrNotFound.
func (s *Store) WebhookSecret(ctx context.Context, name string) (string, error) {
	var secret string
	err := s.Pool.QueryRow(ctx, `SELECT secret FROM webhook_sources WHERE name = $1`, name).Scan(&secret)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("payment source %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("load payment source %q: %w", name, err)
	}
	return secret, nil
}

// SetTokenScope limits name's token in force to companies (nil: every
// company). Each code must name a company.
func (s *Store) SetTokenScope(ctx context.Context, name string, companies Scope) error {
	if err := s.CheckScope(ctx, companies); err != nil {
		return err
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE api_tokens SET companies = $2 WHERE name = $1 AND revoked_at IS NULL`, name, []string(companies))
	if err != nil {
		return fmt.Errorf("set the companies of token %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token in force for %q: %w", name, ErrNotFound)
	}
	return nil
}

// SetSourceScope limits payment source name to companies (nil: every
// company).
func (s *Store) SetSourceScope(ctx context.Context, name string, companies Scope) error {
	if err := s.CheckScope(ctx, companies); err != nil {
		return err
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE webhook_sources SET companies = $2, updated_at = now() WHERE name = $1`, name, []string(companies))
	if err != nil {
		return fmt.Errorf("set the companies of payment source %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("payment source %q: %w", name, ErrNotFound)
	}
	return nil
}

// SourceScope returns the companies payment source name may pay invoices
// of.
func (s *Store) SourceScope(ctx context.Context, name string) (Scope, error) {
	var sc []string
	err := s.Pool.QueryRow(ctx, `SELECT companies FROM webhook_sources WHERE name = $1`, name).Scan(&sc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("payment source %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load payment source %q: %w", name, err)
	}
	return Scope(sc), nil
}

// CheckScope checks that every company of a scope exists.
func (s *Store) CheckScope(ctx context.Context, companies Scope) error {
	if companies != nil && len(companies) == 0 {
		return Invalid(TokenCompanies.With())
	}
	for _, code := range companies {
		if _, err := s.CompanyByCode(ctx, code); err != nil {
			return err
		}
	}
	return nil
}
