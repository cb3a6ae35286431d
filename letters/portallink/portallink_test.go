package portallink

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	l, err := New([]byte(strings.Repeat("s", 32)), "https://relance.example/", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	u := l.URL(42, 3, now)
	if !strings.HasPrefix(u, "https://relance.example/p/") {
		t.Fatalf("URL = %s", u)
	}
	token := strings.TrimPrefix(u, "https://relance.example/p/")
	c, err := l.Verify(token, now.Add(time.Hour))
	if err != nil || c.CustomerID != 42 || c.Version != 3 {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
	other, _ := New([]byte(strings.Repeat("t", 32)), "", 0)
	body, sig, _ := strings.Cut(token, ".")
	forged := l.Token(Claims{CustomerID: 43, Version: 3, Expires: c.Expires})
	for name, tt := range map[string]struct {
		token string
		at    time.Time
		want  error
	}{
		"expired":          {token, now.Add(25 * time.Hour), ErrExpired},
		"other secret":     {strings.TrimPrefix(other.URL(42, 3, now), "/p/"), now, ErrInvalid},
		"customer swapped": {strings.Split(forged, ".")[0] + "." + sig, now, ErrInvalid},
		"signature cut":    {body + "." + sig[:10], now, ErrInvalid},
		"no signature":     {body, now, ErrInvalid},
		"garbage":          {"%%%.###", now, ErrInvalid},
		"empty":            {"", now, ErrInvalid},
		"long":             {strings.Repeat("A", 500), now, ErrInvalid},
	} {
		if _, err := l.Verify(tt.token, tt.at); !errors.Is(err, tt.want) {
			t.Errorf("%s: Verify = %v, want %v", name, err, tt.want)
		}
	}
	if _, err := New([]byte("short"), "", 0); err == nil {
		t.Error("a short secret was accepted")
	}
}
