package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/throttle"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// clock is a test clock the throttle reads; a failure's delay moves it on
// instead of sleeping.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	delays []time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func (c *clock) sleep(_ context.Context, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delays = append(c.delays, d)
	c.now = c.now.Add(d)
}

// doorServer is the web app on a fresh schema with a throttle on clk.
func doorServer(t *testing.T, clk *clock) (*store.Store, string) {
	t.Helper()
	st, _ := dbtest.New(t)
	guard, err := throttle.New(st.ThrottleState(clk.Now), throttle.DefaultPolicy, clk.sleep)
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Ops: &actions.Ops{Store: st}, Store: st, InsecureCookies: true, Guard: guard,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return st, srv.URL
}

// signIn posts the sign-in form and returns the status, the Retry-After
// header and the body.
func signIn(t *testing.T, base, name, password string) (int, string, string) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
}

func TestSignInThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	st, base := doorServer(t, clk)
	for _, n := range []string{"marie", "paul"} {
		if _, err := st.CreateUser(ctx, n, password, store.RoleOperator, nil); err != nil {
			t.Fatal(err)
		}
	}

	// 30 wrong passwords for marie, as fast as the server answers.
	var statuses []int
	var retryAfter string
	for i := range 30 {
		status, ra, body := signIn(t, base, "marie", fmt.Sprintf("devine-%02d-secret", i))
		statuses = append(statuses, status)
		switch status {
		case http.StatusUnauthorized:
			if !strings.Contains(body, "Identifiant ou mot de passe incorrect.") {
				t.Fatalf("attempt %d: 401 without the failure message", i+1)
			}
		case http.StatusTooManyRequests:
			if ra == "" {
				t.Fatalf("attempt %d: 429 without Retry-After", i+1)
			}
			retryAfter = ra
			if !strings.Contains(body, "essais infructueux") {
				t.Fatalf("attempt %d: 429 without its message", i+1)
			}
		default:
			t.Fatalf("attempt %d: status %d", i+1, status)
		}
	}
	first429 := -1
	for i, s := range statuses {
		if s == http.StatusTooManyRequests && first429 < 0 {
			first429 = i
		}
		if first429 >= 0 && s != http.StatusTooManyRequests {
			t.Fatalf("attempt %d answered %d after a 429: %v", i+1, s, statuses)
		}
	}
	if first429 != throttle.DefaultPolicy.Pair.Burst {
		t.Fatalf("first 429 at attempt %d, want %d: %v", first429+1, throttle.DefaultPolicy.Pair.Burst+1, statuses)
	}
	// Slowed before being refused: no delay for the first failures, then
	// growing ones.
	d, free := clk.delays, throttle.DefaultPolicy.Pair.Free
	if len(d) != first429-free {
		t.Fatalf("%d delays for %d failures of which %d free: %v", len(d), first429, free, d)
	}
	for i, x := range d {
		if x <= 0 || (i > 0 && x < d[i-1]) {
			t.Fatalf("delays do not grow: %v", d)
		}
	}
	if d[len(d)-1] < 4*time.Second {
		t.Fatalf("last delay %s, want at least 4s: %v", d[len(d)-1], d)
	}
	secs, err := strconv.Atoi(retryAfter)
	if err != nil || secs < 1 || secs > 120 {
		t.Fatalf("Retry-After %q: want 1..120 seconds", retryAfter)
	}

	// The right password is refused too while the window lasts, with the
	// same answer whether the name exists or not.
	if status, _, _ := signIn(t, base, "marie", password); status != http.StatusTooManyRequests {
		t.Fatalf("right password inside the window: %d, want 429", status)
	}
	_, _, unknown := signIn(t, base, "personne", "devine-00-secret")
	if !strings.Contains(unknown, "Identifiant ou mot de passe incorrect.") {
		t.Fatal("an unknown name does not get the same message as a wrong password")
	}
	// Another account from the same address is not locked out.
	if status, _, _ := signIn(t, base, "paul", password); status != http.StatusSeeOther {
		t.Fatalf("paul from the same address: %d, want 303", status)
	}
	// Once the window has passed, the right password signs in.
	clk.Advance(time.Duration(secs) * time.Second)
	if status, _, _ := signIn(t, base, "marie", password); status != http.StatusSeeOther {
		t.Fatalf("right password after Retry-After: %d, want 303", status)
	}

	// Every failure and every throttle is audited, never with a password.
	es, err := st.AuditEntries(ctx, store.AuditFilter{Actor: "marie", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var failures, throttled, ok int
	for _, e := range es {
		if strings.Contains(e.Detail, "devine") || strings.Contains(e.Detail, password) {
			t.Fatalf("audit entry with a password: %+v", e)
		}
		switch {
		case e.Action != "web:sign-in":
		case e.Outcome == store.AuditOK:
			ok++
		case strings.HasPrefix(e.Detail, "bad credentials"):
			failures++
		case strings.HasPrefix(e.Detail, "throttled"):
			throttled++
		}
	}
	if failures != first429 || throttled != 30-first429+1 || ok != 1 {
		t.Fatalf("audit: %d failures, %d throttled, %d sign-ins; want %d, %d, 1", failures, throttled, ok, first429, 30-first429+1)
	}
}

// An admin's reset ends the user's sessions and sends them to their page
// to choose a new password before anything else.
func TestPasswordResetForcesChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	for _, u := range []struct {
		name string
		role store.Role
	}{{"alice", store.RoleAdmin}, {"marie", store.RoleOperator}} {
		if _, err := st.CreateUser(ctx, u.name, password, u.role, nil); err != nil {
			t.Fatal(err)
		}
	}
	admin := newAdminClient(t, st, "alice", password)
	marie := newAdminClient(t, st, "marie", password)
	if status, _ := marie.get("/account"); status != http.StatusOK {
		t.Fatalf("marie's page: %d", status)
	}
	admin.get("/admin/users")
	if status, body := admin.post("/admin/users/marie", url.Values{"op": {"password"}, "password": {"azertyuiop"}}); status != http.StatusOK ||
		!strings.Contains(body, "parmi les plus courants") {
		t.Fatalf("a common password is not refused: %d", status)
	}
	if status, body := admin.post("/admin/users/marie", url.Values{"op": {"password"}, "password": {"provisoire-2026"}}); status != http.StatusOK ||
		!strings.Contains(body, "réinitialisé") {
		t.Fatalf("reset: %d", status)
	}
	// marie's session has ended.
	if _, body := marie.get("/account"); !strings.Contains(body, `action="/login"`) {
		t.Fatal("marie's session lives on after the reset")
	}
	marie = newAdminClient(t, st, "marie", "provisoire-2026")
	for _, path := range []string{"/", "/admin/users"} {
		if _, body := marie.get(path); !strings.Contains(body, `id="must-change"`) {
			t.Fatalf("%s does not lead to the password change", path)
		}
	}
	// Changed, marie goes on to the home page (which tells her no company
	// is granted yet).
	if _, body := marie.post("/account/password", url.Values{"current": {"provisoire-2026"}, "password": {"le-mien-à-moi"}, "again": {"le-mien-à-moi"}}); strings.Contains(body, `id="must-change"`) ||
		!strings.Contains(body, "Aucune société") {
		t.Fatalf("change after the reset: %s", body)
	}
	if _, err := st.Authenticate(ctx, "marie", "le-mien-à-moi"); err != nil {
		t.Fatal(err)
	}
}

// When the installation requires it, an admin without a second factor
// sees only their page until they enrol one; an operator is free.
func TestAdminSecondFactorRequired(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	if _, err := st.CreateUser(ctx, "alice", password, store.RoleAdmin, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "olivier", password, store.RoleOperator, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Ops: &actions.Ops{Store: st}, Store: st, InsecureCookies: true, RequireAdminSecondFactor: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := func(name string) *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
		resp, err := c.PostForm(srv.URL+"/login", url.Values{"name": {name}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return c
	}
	get := func(c *http.Client, path string) string {
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	alice := client("alice")
	for _, path := range []string{"/", "/admin/users", "/admin/tokens"} {
		if body := get(alice, path); !strings.Contains(body, `id="need-factor"`) || !strings.Contains(body, `id="tf-start"`) {
			t.Errorf("%s: the admin is not sent to enrol a second factor", path)
		}
	}
	if body := get(client("olivier"), "/account"); strings.Contains(body, `id="need-factor"`) {
		t.Error("an operator is asked for a second factor")
	}
	for _, v := range []struct {
		in   string
		want bool
		bad  bool
	}{{"", false, false}, {"optional", false, false}, {"Required", true, false}, {"yes", false, true}} {
		got, err := web.ParseAdminSecondFactor(v.in)
		if got != v.want || (err != nil) != v.bad {
			t.Errorf("ParseAdminSecondFactor(%q) = %v, %v", v.in, got, err)
		}
	}
}
