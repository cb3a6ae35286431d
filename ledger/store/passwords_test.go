package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/ledger/store"
)

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, password, want string
	}{
		{"marie", "correct horse battery", ""},
		{"marie", "relance-demo-2026", ""},
		{"marie", "court", store.PasswordShort},
		{"marie", "ééééééééé", store.PasswordShort}, // 9 characters, 18 bytes
		{"marie", strings.Repeat("x", 40) + strings.Repeat("é", 20), store.PasswordLong},
		{"marie", "azertyuiop", store.PasswordCommon},
		{"marie", "Password123", store.PasswordCommon},
		{"marie", "1234567890", store.PasswordCommon},
		{"marie", "zzzzzzzzzzzz", store.PasswordCommon},
		{"marie-claire", "Marie-Claire", store.PasswordName},
		{"marie-claire", "marie-claire1", store.PasswordName},
	}
	for _, tt := range tests {
		err := store.CheckPassword(tt.name, tt.password)
		reason, _ := store.IsPasswordError(err)
		if reason != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want reason %q", tt.name, tt.password, err, tt.want)
		}
		if err != nil && !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CheckPassword(%q, %q) = %v, not ErrInvalid", tt.name, tt.password, err)
		}
	}
}

func TestPasswordChangeAndReset(t *testing.T) {
	t.Parallel()
	st := loaded(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "marie", "correct horse battery", store.RoleOperator, nil)
	if err != nil {
		t.Fatal(err)
	}
	here, _ := st.CreateSession(ctx, u.ID, "fr", time.Hour)
	there, _ := st.CreateSession(ctx, u.ID, "fr", time.Hour)

	// Changing one's own password needs the current one and ends the
	// other sessions only.
	if err := st.ChangePassword(ctx, u.ID, "wrong horse battery", "new staple battery", here); !errors.Is(err, store.ErrBadCredentials) {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := st.ChangePassword(ctx, u.ID, "correct horse battery", "correct horse battery", here); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("same password: %v", err)
	}
	if err := st.ChangePassword(ctx, u.ID, "correct horse battery", "qwertyuiop", here); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("common password: %v", err)
	}
	if err := st.ChangePassword(ctx, u.ID, "correct horse battery", "new staple battery", here); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByToken(ctx, here); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, err := st.SessionByToken(ctx, there); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the other session lives on: %v", err)
	}
	if _, err := st.Authenticate(ctx, "marie", "new staple battery"); err != nil {
		t.Errorf("new password refused: %v", err)
	}

	// An admin's reset ends every session and asks for a change.
	if err := st.SetPassword(ctx, "marie", "temporary horse 42", true); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByToken(ctx, here); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a session lives on after the reset: %v", err)
	}
	u, err = st.Authenticate(ctx, "marie", "temporary horse 42")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("after the reset: %+v %v", u, err)
	}
	s2, _ := st.CreateSession(ctx, u.ID, "fr", time.Hour)
	if err := st.ChangePassword(ctx, u.ID, "temporary horse 42", "her own horse 43", s2); err != nil {
		t.Fatal(err)
	}
	if u, _ = st.UserByName(ctx, "marie"); u.MustChangePassword {
		t.Error("still must change the password after changing it")
	}
	if err := st.SetPassword(ctx, "nobody", "temporary horse 42", false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reset of an unknown user: %v", err)
	}
}
