package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

func TestTokensCreateLookUpRevoke(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	plain, tok, err := st.CreateToken(ctx, "marie", store.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "rlc_") || len(plain) < 40 {
		t.Errorf("token %q does not look like 32 random bytes", plain)
	}
	var stored []byte
	if err := st.Pool.QueryRow(ctx, `SELECT token_hash FROM api_tokens WHERE id = $1`, tok.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte(plain)) || !bytes.Equal(stored, store.HashToken(plain)) {
		t.Error("the token must be stored as its SHA-256 only")
	}
	got, err := st.TokenByHash(ctx, store.HashToken(plain))
	if err != nil || got.Name != "marie" || got.Role != store.RoleOperator {
		t.Fatalf("look up: %+v %v", got, err)
	}
	if _, _, err := st.CreateToken(ctx, "marie", store.RoleAdmin); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("second token in force for the same name: err = %v, want ErrInvalid", err)
	}
	if _, _, err := st.CreateToken(ctx, "paul", "boss"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown role: err = %v", err)
	}
	if err := st.RevokeToken(ctx, "marie"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenByHash(ctx, store.HashToken(plain)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: err = %v, want ErrNotFound", err)
	}
	if err := st.RevokeToken(ctx, "marie"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoke twice: err = %v, want ErrNotFound", err)
	}
	// After revoking, the name may get a new token.
	if _, _, err := st.CreateToken(ctx, "marie", store.RoleViewer); err != nil {
		t.Fatal(err)
	}
	list, err := st.Tokens(ctx)
	if err != nil || len(list) != 2 || list[0].RevokedAt == nil || list[1].RevokedAt != nil {
		t.Errorf("tokens = %+v %v", list, err)
	}
}

func TestRoleAllows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		have, need store.Role
		ok         bool
	}{
		{store.RoleViewer, store.RoleViewer, true},
		{store.RoleViewer, store.RoleOperator, false},
		{store.RoleOperator, store.RoleViewer, true},
		{store.RoleOperator, store.RoleAdmin, false},
		{store.RoleAdmin, store.RoleOperator, true},
		{"", store.RoleViewer, false},
	}
	for _, tt := range tests {
		if got := tt.have.Allows(tt.need); got != tt.ok {
			t.Errorf("%q allows %q = %v, want %v", tt.have, tt.need, got, tt.ok)
		}
	}
}

func TestWebhookSources(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	if _, err := st.WebhookSecret(ctx, "bank"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown source: err = %v", err)
	}
	if err := st.SetWebhookSource(ctx, "bank", "short"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("short secret: err = %v", err)
	}
	for _, secret := range []string{"first-secret-0123456789", "second-secret-0123456789"} {
		if err := st.SetWebhookSource(ctx, "bank", secret); err != nil {
			t.Fatal(err)
		}
		got, err := st.WebhookSecret(ctx, "bank")
		if err != nil || got != secret {
			t.Errorf("secret = %q %v, want %q", got, err, secret)
		}
	}
}
