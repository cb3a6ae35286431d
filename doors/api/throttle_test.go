package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/api"
	"github.com/relance/relance/doors/throttle"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// Wrong bearer tokens from one address are slowed, then answered 429
// with Retry-After; the right token works again once the window has
// passed; each failure is audited without the token.
func TestWrongTokensThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var slept time.Duration
	guard, err := throttle.New(st.ThrottleState(clock), throttle.DefaultPolicy, func(_ context.Context, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		slept += d // recorded, not waited: the clock stands still
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(&actions.Ops{Store: st}, st, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), time.Now, api.WithGuard(guard)))
	t.Cleanup(srv.Close)
	good, _, err := st.CreateToken(ctx, "alice", store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	call := func(token string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/audit", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	burst := throttle.DefaultPolicy.Address.Burst
	for i := range burst {
		if resp := call("rlc_wrong-" + strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i+1, resp.StatusCode)
		}
	}
	if slept == 0 {
		t.Fatal("wrong tokens were not slowed")
	}
	resp := call("rlc_wrong-again")
	secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || secs < 1 {
		t.Fatalf("after %d wrong tokens: %d Retry-After %q, want 429 with a delay", burst, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	mu.Lock()
	now = now.Add(time.Duration(secs) * time.Second)
	mu.Unlock()
	if resp := call(good); resp.StatusCode != http.StatusOK {
		t.Fatalf("right token after the window: %d", resp.StatusCode)
	}
	es, err := st.AuditEntries(ctx, store.AuditFilter{Actor: "(unknown token)", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != burst+1 {
		t.Fatalf("%d audit entries, want %d", len(es), burst+1)
	}
	for _, e := range es {
		if strings.Contains(e.Detail, "rlc_") {
			t.Fatalf("audit entry with a token: %+v", e)
		}
	}
}
