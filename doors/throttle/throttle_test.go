package throttle_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/relance/relance/doors/throttle"
	"github.com/relance/relance/testkit/dbtest"
)

func TestClientAddress(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ remote, want string }{
		{"192.0.2.7:51234", "192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"[::1]:8080", "::/64"},
		{"not-an-address", "not-an-address"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if got := throttle.ClientAddress(r); got != tt.want {
			t.Errorf("ClientAddress(%q) = %q, want %q", tt.remote, got, tt.want)
		}
	}
}

// The limiter on PostgreSQL: the budgets of the three keys, the refusal
// with its retry time, the cells coming back, and a success clearing the
// account's failures from its address only.
func TestLimiter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := throttle.Policy{
		Pair:      throttle.Rule{Burst: 3, Every: time.Minute, Free: 1},
		Account:   throttle.Rule{Burst: 5, Every: time.Minute, Free: 5},
		Address:   throttle.Rule{Burst: 6, Every: time.Minute, Free: 6},
		BaseDelay: time.Second, MaxDelay: 3 * time.Second,
	}
	var waited []time.Duration
	l, err := throttle.New(st.ThrottleState(func() time.Time { return now }), p, func(_ context.Context, d time.Duration) { waited = append(waited, d) })
	if err != nil {
		t.Fatal(err)
	}
	a := throttle.Attempt{Door: "web", Account: "Marie", Address: "192.0.2.7"}
	fail := func(a throttle.Attempt) throttle.Verdict {
		t.Helper()
		if v, err := l.Check(ctx, a); err != nil || v.Refused() {
			t.Fatalf("check %+v: %+v %v", a, v, err)
		}
		v, err := l.Failed(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, want := range []time.Duration{0, time.Second, 2 * time.Second} {
		if v := fail(a); v.Delay != want || v.Failures != i+1 {
			t.Fatalf("failure %d: %+v, want delay %s", i+1, v, want)
		}
	}
	if len(waited) != 2 {
		t.Fatalf("waited %v", waited)
	}
	v, err := l.Check(ctx, throttle.Attempt{Door: "web", Account: " marie ", Address: "192.0.2.7"})
	if err != nil || !v.Refused() || v.RetryAfter != time.Minute || v.RetryAfterSeconds() != 60 {
		t.Fatalf("after the pair's budget: %+v %v, want refused for a minute", v, err)
	}
	// Other doors and other addresses have budgets of their own, but the
	// account's budget is shared by its addresses.
	if v, _ := l.Check(ctx, throttle.Attempt{Door: "api", Address: "192.0.2.7"}); v.Refused() {
		t.Fatal("the API door is refused by the web door's failures")
	}
	fail(throttle.Attempt{Door: "web", Account: "marie", Address: "198.51.100.1"})
	fail(throttle.Attempt{Door: "web", Account: "marie", Address: "198.51.100.2"})
	if v, _ := l.Check(ctx, throttle.Attempt{Door: "web", Account: "marie", Address: "198.51.100.3"}); !v.Refused() {
		t.Fatal("the account's budget does not span addresses")
	}
	if v, _ := l.Check(ctx, throttle.Attempt{Door: "web", Account: "paul", Address: "192.0.2.7"}); v.Refused() {
		t.Fatal("paul refused by marie's failures")
	}
	// A minute later one cell is back for the pair and the account.
	now = now.Add(time.Minute)
	fail(a)
	if v, _ := l.Check(ctx, a); !v.Refused() {
		t.Fatal("more than one cell back after a minute")
	}
	// Much later everything is back; a success clears the pair only.
	now = now.Add(time.Hour)
	fail(a)
	fail(a)
	if err := l.Succeeded(ctx, a); err != nil {
		t.Fatal(err)
	}
	if v := fail(a); v.Failures != 3 {
		t.Fatalf("after a success: %+v, want the account's 3 failures still counted", v)
	}
	if _, err := throttle.New(st.ThrottleState(nil), throttle.Policy{}, nil); err == nil {
		t.Error("an empty policy is accepted")
	}
}
