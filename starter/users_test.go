package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// TestUsersPassword sets the first admin's password from standard input
// (no variable set), then from RELANCE_PASSWORD, and refuses a common one.
func TestUsersPassword(t *testing.T) {
	st, url := dbtest.New(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("RELANCE_PASSWORD", "")
	ctx := context.Background()
	if _, err := st.CreateUser(ctx, "admin", "first horse battery", "admin", nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin = os.Stdin })

	stdin = strings.NewReader("second horse battery\n")
	var out bytes.Buffer
	if err := dispatch(ctx, []string{"users", "password", "--name", "admin"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "password set") {
		t.Errorf("output %q", out.String())
	}
	if _, err := st.Authenticate(ctx, "admin", "second horse battery"); err != nil {
		t.Fatalf("password from standard input not set: %v", err)
	}

	t.Setenv("RELANCE_PASSWORD", "third horse battery")
	if err := dispatch(ctx, []string{"users", "password", "--name", "admin", "--must-change"}, &out); err != nil {
		t.Fatal(err)
	}
	u, err := st.Authenticate(ctx, "admin", "third horse battery")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("password from RELANCE_PASSWORD: %+v %v", u, err)
	}

	t.Setenv("RELANCE_PASSWORD", "azertyuiop")
	if err := dispatch(ctx, []string{"users", "password", "--name", "admin"}, &out); err == nil || !strings.Contains(err.Error(), "most common") {
		t.Errorf("common password: %v", err)
	}
	t.Setenv("RELANCE_PASSWORD", "")
	stdin = strings.NewReader("")
	if err := dispatch(ctx, []string{"users", "password", "--name", "admin"}, &out); err == nil || !strings.Contains(err.Error(), "no password") {
		t.Errorf("no password: %v", err)
	}
	// The password never reaches the audit log.
	es, err := st.AuditEntries(ctx, store.AuditFilter{Limit: 100})
	if err != nil || len(es) == 0 {
		t.Fatalf("audit: %d entries, %v", len(es), err)
	}
	for _, e := range es {
		if strings.Contains(e.Detail+e.Target, "horse") || strings.Contains(e.Detail+e.Target, "azerty") {
			t.Errorf("audit entry with a password: %+v", e)
		}
	}
}
