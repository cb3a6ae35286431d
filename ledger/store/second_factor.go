package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The second factor of a user (TOTP, RFC 6238): the store keeps the
// secret, the time step last accepted and the recovery codes' hashes; the
// codes themselves are checked by the web app (package web, account.go).

// StartSecondFactor keeps secret as the one userID is enrolling (until a
// code from it is confirmed).
func (s *Store) StartSecondFactor(ctx context.Context, userID int64, secret string) error {
	if _, err := s.Pool.Exec(ctx, `UPDATE users SET totp_pending = $2 WHERE id = $1`, userID, secret); err != nil {
		return fmt.Errorf("start second factor of user %d: %w", userID, err)
	}
	return nil
}

// PendingSecondFactor is the secret userID is enrolling, or ErrNotFound.
func (s *Store) PendingSecondFactor(ctx context.Context, userID int64) (string, error) {
	var secret *string
	if err := s.Pool.QueryRow(ctx, `SELECT totp_pending FROM users WHERE id = $1`, userID).Scan(&secret); err != nil {
		return "", fmt.Errorf("second factor of user %d: %w", userID, err)
	}
	if secret == nil {
		return "", fmt.Errorf("second factor being enrolled: %w", ErrNotFound)
	}
	return *secret, nil
}

// EnableSecondFactor makes the pending secret the user's second factor,
// step the last one used, and recoveryCodes (in clear) their recovery
// codes, replacing any before. Every other session of the user ends.
func (s *Store) EnableSecondFactor(ctx context.Context, userID int64, step int64, recoveryCodes []string, keepToken string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_enabled_at = now(),
			totp_last_step = $2 WHERE id = $1 AND totp_pending IS NOT NULL`, userID, step)
		if err != nil {
			return fmt.Errorf("enable second factor of user %d: %w", userID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("second factor being enrolled: %w", ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("replace recovery codes of user %d: %w", userID, err)
		}
		for _, c := range recoveryCodes {
			if _, err := tx.Exec(ctx, `INSERT INTO user_recovery_codes (user_id, code_hash) VALUES ($1, $2)`,
				userID, HashToken(NormalizeRecoveryCode(c))); err != nil {
				return fmt.Errorf("store recovery codes of user %d: %w", userID, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE user_id = $1 AND token_hash <> $2`, userID, HashToken(keepToken)); err != nil {
			return fmt.Errorf("end other sessions of user %d: %w", userID, err)
		}
		return nil
	})
}

// DisableSecondFactor removes the second factor of user name and their
// recovery codes (the user, or an admin for a user who lost the device).
func (s *Store) DisableSecondFactor(ctx context.Context, name string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL
			WHERE name = $1 RETURNING id`, name).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("remove second factor of %s: %w", name, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("remove recovery codes of %s: %w", name, err)
		}
		return nil
	})
}

// SecondFactorSecret is the confirmed secret of userID, or ErrNotFound.
func (s *Store) SecondFactorSecret(ctx context.Context, userID int64) (string, error) {
	var secret *string
	if err := s.Pool.QueryRow(ctx, `SELECT totp_secret FROM users WHERE id = $1`, userID).Scan(&secret); err != nil {
		return "", fmt.Errorf("second factor of user %d: %w", userID, err)
	}
	if secret == nil {
		return "", fmt.Errorf("second factor: %w", ErrNotFound)
	}
	return *secret, nil
}

// UseSecondFactorStep records that a code of time step step was accepted
// for userID; it reports false when that step or a later one was used
// already (a code is good once).
func (s *Store) UseSecondFactorStep(ctx context.Context, userID, step int64) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, step)
	if err != nil {
		return false, fmt.Errorf("second factor of user %d: %w", userID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// UseRecoveryCode spends one recovery code of userID; it reports false
// when the code is unknown or spent.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, code string) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE user_recovery_codes SET used_at = now()
		WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, userID, HashToken(NormalizeRecoveryCode(code)))
	if err != nil {
		return false, fmt.Errorf("recovery code of user %d: %w", userID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// RecoveryCodesLeft counts the unspent recovery codes of userID.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("recovery codes of user %d: %w", userID, err)
	}
	return n, nil
}

// NormalizeRecoveryCode is the form a recovery code is hashed in: lower
// case, without spaces or dashes.
func NormalizeRecoveryCode(c string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(c)))
}

// CreatePendingSession starts the half session between a right password
// and the second factor: it opens no page but the code's and lasts ttl.
func (s *Store) CreatePendingSession(ctx context.Context, userID int64, language string, ttl time.Duration) (string, error) {
	token, err := s.CreateSession(ctx, userID, language, ttl)
	if err != nil {
		return "", err
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE web_sessions SET second_factor_pending = true WHERE token_hash = $1`, HashToken(token)); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// PendingSession returns the user and language of a half session waiting
// for its second factor, or ErrNotFound.
func (s *Store) PendingSession(ctx context.Context, token string) (User, string, error) {
	var name, lang string
	err := s.Pool.QueryRow(ctx, `
		SELECT u.name, ws.language FROM web_sessions ws JOIN users u ON u.id = ws.user_id
		WHERE ws.token_hash = $1 AND ws.expires_at > now() AND u.disabled_at IS NULL AND ws.second_factor_pending`, HashToken(token)).
		Scan(&name, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, "", fmt.Errorf("pending session: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, "", fmt.Errorf("load pending session: %w", err)
	}
	u, err := s.UserByName(ctx, name)
	return u, lang, err
}
