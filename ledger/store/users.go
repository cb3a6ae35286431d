package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/crypto/bcrypt"
)

// User is a person who signs in to the web app, as stored (never the
// password). Name is the actor recorded in histories and the audit log.
type User struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	Companies  []string   `json:"companies"` // codes of the companies granted, sorted
	CreatedAt  time.Time  `json:"createdAt"`
	DisabledAt *time.Time `json:"disabledAt,omitempty"`
	// MustChangePassword: an admin reset the password; the user chooses a
	// new one before any other page.
	MustChangePassword bool `json:"mustChangePassword,omitempty"`
	// SecondFactor: the user signs in with a TOTP code after the password.
	SecondFactor bool `json:"secondFactor,omitempty"`
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// bcryptCost is the work factor of password hashes (about 50 ms here).
const bcryptCost = 11

// ErrBadCredentials is returned when a sign-in fails: unknown user, wrong
// password or disabled user, without saying which.
var ErrBadCredentials = errors.New("unknown user or wrong password")

// CreateUser adds a user with role, password and the companies granted.
func (s *Store) CreateUser(ctx context.Context, name, password string, role Role, companies []string) (User, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return User{}, Invalid(UserNameRequired.With())
	}
	if err := CheckPassword(name, password); err != nil {
		return User{}, fmt.Errorf("user %s: %w", name, err)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return User{}, fmt.Errorf("hash password of %s: %w", name, err)
	}
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", name, err)
	}
	defer tx.Rollback(ctx)
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO users (name, password_hash, role) VALUES ($1, $2, $3) RETURNING id`,
		name, string(hash), string(role)).Scan(&id)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return User{}, Invalid(UserExists.With(name))
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", name, err)
	}
	for _, code := range companies {
		tag, err := tx.Exec(ctx, `INSERT INTO user_companies (user_id, company_id)
			SELECT $1, id FROM companies WHERE code = $2 ON CONFLICT DO NOTHING`, id, code)
		if err != nil {
			return User{}, fmt.Errorf("grant %s to %s: %w", code, name, err)
		}
		if tag.RowsAffected() == 0 {
			return User{}, Invalid(UnknownCompany.With(code))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return User{}, fmt.Errorf("create user %s: %w", name, err)
	}
	return s.UserByName(ctx, name)
}

const userSelect = `
	SELECT u.id, u.name, u.role, u.created_at, u.disabled_at, u.must_change_password, u.totp_enabled_at IS NOT NULL,
	       COALESCE(array_agg(c.code ORDER BY c.code) FILTER (WHERE c.code IS NOT NULL), '{}')
	FROM users u LEFT JOIN user_companies uc ON uc.user_id = u.id LEFT JOIN companies c ON c.id = uc.company_id`

func scanUser(r pgx.CollectableRow) (User, error) {
	var u User
	err := r.Scan(&u.ID, &u.Name, &u.Role, &u.CreatedAt, &u.DisabledAt, &u.MustChangePassword, &u.SecondFactor, &u.Companies)
	return u, err
}

// UserByName returns the user called name, or an error wrapping ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	rows, err := s.Pool.Query(ctx, userSelect+` WHERE u.name = $1 GROUP BY u.id`, name)
	if err != nil {
		return User{}, fmt.Errorf("load user %s: %w", name, err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, fmt.Errorf("user %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("load user %s: %w", name, err)
	}
	return u, nil
}

// Users lists every user, enabled or not, by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.Pool.Query(ctx, userSelect+` GROUP BY u.id ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	us, err := pgx.CollectRows(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// DisableUser stops name from signing in and ends their sessions.
func (s *Store) DisableUser(ctx context.Context, name string) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET disabled_at = now() WHERE name = $1 AND disabled_at IS NULL`, name)
	if err != nil {
		return fmt.Errorf("disable user %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("enabled user %q: %w", name, ErrNotFound)
	}
	if _, err := s.Pool.Exec(ctx, `DELETE FROM web_sessions WHERE user_id = (SELECT id FROM users WHERE name = $1)`, name); err != nil {
		return fmt.Errorf("end sessions of %s: %w", name, err)
	}
	return nil
}

// dummyHash is compared against when the user is unknown, so that a
// sign-in takes as long whether the name exists or not.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("relance-no-such-user"), bcryptCost)

// Authenticate checks name's password and returns the user, or an error
// wrapping ErrBadCredentials.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	var hash string
	var disabled *time.Time
	err := s.Pool.QueryRow(ctx, `SELECT password_hash, disabled_at FROM users WHERE name = $1`, strings.TrimSpace(name)).Scan(&hash, &disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("sign in: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || disabled != nil {
		return User{}, ErrBadCredentials
	}
	return s.UserByName(ctx, strings.TrimSpace(name))
}

// Session is a signed-in browser: its user, the token its forms carry and
// the language it chose.
type Session struct {
	User      User
	CSRF      string
	Language  string
	ExpiresAt time.Time
	// Flash holds the messages left for this page by the action before
	// (they are cleared once read).
	Flash string
}

// ValidCSRF reports whether token is the session's form token.
func (s Session) ValidCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) == 1
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateSession starts a session of userID lasting ttl and returns the
// cookie value (only its hash is stored).
func (s *Store) CreateSession(ctx context.Context, userID int64, language string, ttl time.Duration) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	csrf, err := randomToken()
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	if language == "" {
		language = "fr"
	}
	_, err = s.Pool.Exec(ctx, `INSERT INTO web_sessions (token_hash, user_id, csrf_token, language, expires_at)
		VALUES ($1, $2, $3, $4, now() + $5::interval)`, HashToken(token), userID, csrf, language, fmt.Sprintf("%d seconds", int(ttl.Seconds())))
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	// Expired sessions go when someone signs in.
	_, _ = s.Pool.Exec(ctx, `DELETE FROM web_sessions WHERE expires_at < now()`)
	return token, nil
}

// SessionByToken returns the session of a cookie value, or an error
// wrapping ErrNotFound (unknown, expired, or its user disabled).
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	var ses Session
	var name string
	err := s.Pool.QueryRow(ctx, `
		SELECT u.name, ws.csrf_token, ws.language, ws.expires_at, ws.flash FROM web_sessions ws JOIN users u ON u.id = ws.user_id
		WHERE ws.token_hash = $1 AND ws.expires_at > now() AND u.disabled_at IS NULL AND NOT ws.second_factor_pending`, HashToken(token)).
		Scan(&name, &ses.CSRF, &ses.Language, &ses.ExpiresAt, &ses.Flash)
	if errors.Is(err, pgx.ErrNoRows) {
		return ses, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return ses, fmt.Errorf("load session: %w", err)
	}
	if ses.Flash != "" {
		if _, err := s.Pool.Exec(ctx, `UPDATE web_sessions SET flash = '' WHERE token_hash = $1`, HashToken(token)); err != nil {
			return ses, fmt.Errorf("clear session messages: %w", err)
		}
	}
	ses.User, err = s.UserByName(ctx, name)
	return ses, err
}

// SetSessionFlash leaves messages for the next page the session shows.
func (s *Store) SetSessionFlash(ctx context.Context, token, flash string) error {
	if _, err := s.Pool.Exec(ctx, `UPDATE web_sessions SET flash = $2 WHERE token_hash = $1`, HashToken(token), flash); err != nil {
		return fmt.Errorf("set session messages: %w", err)
	}
	return nil
}

// SetSessionLanguage records the language a session chose (fr or en).
func (s *Store) SetSessionLanguage(ctx context.Context, token, language string) error {
	if _, err := s.Pool.Exec(ctx, `UPDATE web_sessions SET language = $2 WHERE token_hash = $1`, HashToken(token), language); err != nil {
		return fmt.Errorf("set session language: %w", err)
	}
	return nil
}

// DeleteSession ends the session of a cookie value (sign-out).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.Pool.Exec(ctx, `DELETE FROM web_sessions WHERE token_hash = $1`, HashToken(token)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// ExpireSession makes a session expire now (tests of expired sessions).
func (s *Store) ExpireSession(ctx context.Context, token string) error {
	if _, err := s.Pool.Exec(ctx, `UPDATE web_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, HashToken(token)); err != nil {
		return fmt.Errorf("expire session: %w", err)
	}
	return nil
}
