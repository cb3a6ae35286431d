package store

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// MaxPasswordBytes is the longest password accepted (bcrypt reads no
// further).
const MaxPasswordBytes = 72

//go:embed common_passwords.txt
var commonPasswordsFile string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordsFile, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// Why a password is refused (PasswordError.Reason).
const (
	PasswordShort  = "short"  // fewer than MinPasswordLength characters
	PasswordLong   = "long"   // more than MaxPasswordBytes bytes
	PasswordCommon = "common" // among the most common passwords, or one character repeated
	PasswordName   = "name"   // the user's name
	PasswordSame   = "same"   // the current password again
)

// PasswordError refuses a password; it wraps ErrInvalid.
type PasswordError struct {
	Reason string
}

func (e *PasswordError) Error() string { return ErrInvalid.Error() + ": " + e.Rule() }

// Rule returns the rule the password breaks, in English.
func (e *PasswordError) Rule() string {
	switch e.Reason {
	case PasswordShort:
		return fmt.Sprintf("the password must have at least %d characters", MinPasswordLength)
	case PasswordLong:
		return fmt.Sprintf("the password must have at most %d bytes", MaxPasswordBytes)
	case PasswordCommon:
		return "the password is among the most common ones: choose another"
	case PasswordName:
		return "the password must not be the user's name"
	case PasswordSame:
		return "the new password must differ from the current one"
	}
	return fmt.Sprintf("password refused (%s)", e.Reason)
}

// Unwrap makes a PasswordError match ErrInvalid.
func (e *PasswordError) Unwrap() error { return ErrInvalid }

// CheckPassword applies the password rule to the password of user name:
// at least MinPasswordLength characters, at most MaxPasswordBytes bytes,
// not among the most common passwords (an embedded list), not one
// character repeated, not the name. It returns a *PasswordError.
func CheckPassword(name, password string) error {
	low := strings.ToLower(password)
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return &PasswordError{PasswordShort}
	case len(password) > MaxPasswordBytes:
		return &PasswordError{PasswordLong}
	case commonPasswords[low] || strings.Count(low, low[:1]) == len(low):
		return &PasswordError{PasswordCommon}
	case name != "" && strings.Contains(low, strings.ToLower(strings.TrimSpace(name))) && len(low) < len(name)+4:
		return &PasswordError{PasswordName}
	}
	return nil
}

// SetPassword gives user name a new password and ends all their sessions.
// mustChange makes them choose another at their next sign-in (an admin's
// reset).
func (s *Store) SetPassword(ctx context.Context, name, password string, mustChange bool) error {
	name = strings.TrimSpace(name)
	if err := CheckPassword(name, password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("hash password of %s: %w", name, err)
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now()
		WHERE name = $1`, name, string(hash), mustChange)
	if err != nil {
		return fmt.Errorf("set the password of %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if _, err := s.Pool.Exec(ctx, `DELETE FROM web_sessions WHERE user_id = (SELECT id FROM users WHERE name = $1)`, name); err != nil {
		return fmt.Errorf("end sessions of %s: %w", name, err)
	}
	return nil
}

// ChangePassword is a user changing their own password: current must be
// right (else an error wrapping ErrBadCredentials), the new one must pass
// CheckPassword and differ. Every other session of the user ends; the one
// of keepToken (the browser asking) stays.
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, password, keepToken string) error {
	var name, hash string
	if err := s.Pool.QueryRow(ctx, `SELECT name, password_hash FROM users WHERE id = $1 AND disabled_at IS NULL`, userID).
		Scan(&name, &hash); err != nil {
		return fmt.Errorf("change password of user %d: %w", userID, err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		return ErrBadCredentials
	}
	if current == password {
		return &PasswordError{PasswordSame}
	}
	if err := CheckPassword(name, password); err != nil {
		return err
	}
	newHash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("hash password of %s: %w", name, err)
	}
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", name, err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = now()
		WHERE id = $1`, userID, string(newHash)); err != nil {
		return fmt.Errorf("change password of %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM web_sessions WHERE user_id = $1 AND token_hash <> $2`, userID, HashToken(keepToken)); err != nil {
		return fmt.Errorf("end other sessions of %s: %w", name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("change password of %s: %w", name, err)
	}
	return nil
}

// IsPasswordError returns the reason a password was refused, if it was.
func IsPasswordError(err error) (string, bool) {
	var pe *PasswordError
	if errors.As(err, &pe) {
		return pe.Reason, true
	}
	return "", false
}
