// Package throttle slows down and then refuses repeated failures at the
// doors: the sign-in form and its second factor, the API's bearer tokens,
// and any future check of a secret (the customer's page links). Failures
// are counted per account, per client address, and per account from one
// address, with the generic cell-rate algorithm of
// github.com/throttled/throttled: every failure spends a cell, cells come
// back one at a time, so a door is never closed for good; it is only
// closed for as long as guessing goes on. The state lives in PostgreSQL
// (store.ThrottleState) so that every server process shares it.
//
// A door asks Check before it looks at the secret (refused: answer 429
// with Retry-After), then Failed or Succeeded. Failed waits a growing
// delay once a key has failed a few times, before the door answers.
package throttle

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/throttled/throttled/v2"
)

// Guard is what a door asks about an attempt. Limiter implements it.
type Guard interface {
	// Check tells whether the attempt may be looked at now; a refused
	// verdict says when to retry.
	Check(ctx context.Context, a Attempt) (Verdict, error)
	// Failed counts a failed attempt and waits the delay it earns.
	Failed(ctx context.Context, a Attempt) (Verdict, error)
	// Succeeded forgets the failures of the account from this address.
	Succeeded(ctx context.Context, a Attempt) error
}

// Attempt is one try at a door: which door, the account named (empty when
// the secret names none, as an API token), and the client's address.
type Attempt struct {
	Door    string // "web", "api", "link"...
	Account string
	Address string
}

// Verdict is the answer of the guard.
type Verdict struct {
	// RetryAfter, when positive, refuses the attempt: the door answers
	// 429 and the client may try again after it.
	RetryAfter time.Duration
	// Delay is how long Failed waited before the door answers.
	Delay time.Duration
	// Failures is the most failures counted on one of the attempt's keys.
	Failures int
}

// Refused reports whether the attempt is refused for now.
func (v Verdict) Refused() bool { return v.RetryAfter > 0 }

// RetryAfterSeconds is the Retry-After header's value: whole seconds,
// rounded up, at least 1.
func (v Verdict) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(v.RetryAfter.Seconds())))
}

// SetRetryAfter sets the Retry-After header of a refused attempt's 429.
func SetRetryAfter(w http.ResponseWriter, v Verdict) {
	w.Header().Set("Retry-After", strconv.Itoa(v.RetryAfterSeconds()))
}

// Rule is the budget of one kind of key: Burst failures at once, then one
// more every Every; the first Free failures cost no delay.
type Rule struct {
	Burst int
	Every time.Duration
	Free  int
}

// Policy is the budgets of the three keys and the delays.
type Policy struct {
	Pair    Rule // one account from one address
	Account Rule // one account from anywhere
	Address Rule // one address, any account
	// BaseDelay is the delay of the first failure past a key's free ones;
	// it doubles with each failure, up to MaxDelay.
	BaseDelay, MaxDelay time.Duration
}

// DefaultPolicy is the installation's policy: 10 failures of one account
// from one address, then one a minute; 30 of one account from anywhere,
// then one every 2 minutes (a slow distributed guess); 50 from one
// address on any accounts, then one every 30 seconds. Delays start at the
// 4th failure of a key with half a second and double up to 8 seconds.
var DefaultPolicy = Policy{
	Pair:      Rule{Burst: 10, Every: time.Minute, Free: 3},
	Account:   Rule{Burst: 30, Every: 2 * time.Minute, Free: 10},
	Address:   Rule{Burst: 50, Every: 30 * time.Second, Free: 10},
	BaseDelay: 500 * time.Millisecond,
	MaxDelay:  8 * time.Second,
}

// State is where the limiter keeps its counts (store.ThrottleState).
type State interface {
	throttled.GCRAStoreCtx
	// Forget drops a key.
	Forget(ctx context.Context, key string) error
}

// Limiter is the Guard of the doors.
type Limiter struct {
	st    State
	p     Policy
	pair  *throttled.GCRARateLimiterCtx
	acct  *throttled.GCRARateLimiterCtx
	addr  *throttled.GCRARateLimiterCtx
	sleep func(context.Context, time.Duration)
}

// New returns a limiter with policy p on st. sleep waits a failure's delay
// (nil: a timer that ends early when ctx does); tests pass one that only
// records.
func New(st State, p Policy, sleep func(context.Context, time.Duration)) (*Limiter, error) {
	l := &Limiter{st: st, p: p, sleep: sleep}
	if l.sleep == nil {
		l.sleep = wait
	}
	var err error
	for _, x := range []struct {
		r   Rule
		dst **throttled.GCRARateLimiterCtx
	}{{p.Pair, &l.pair}, {p.Account, &l.acct}, {p.Address, &l.addr}} {
		if x.r.Burst < 1 || x.r.Every <= 0 {
			return nil, fmt.Errorf("throttle: a rule needs a burst of at least 1 and a period: %+v", x.r)
		}
		if *x.dst, err = throttled.NewGCRARateLimiterCtx(st, throttled.RateQuota{
			MaxRate: throttled.PerDuration(1, x.r.Every), MaxBurst: x.r.Burst - 1,
		}); err != nil {
			return nil, fmt.Errorf("throttle: %w", err)
		}
	}
	return l, nil
}

func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// maxAccount is the longest account name kept in a key, in bytes.
const maxAccount = 128

type keyed struct {
	key  string
	rule Rule
	lim  *throttled.GCRARateLimiterCtx
}

// keys are the attempt's keys: the pair and the account when an account
// is named, the address always.
func (l *Limiter) keys(a Attempt) []keyed {
	acct := strings.ToLower(strings.TrimSpace(a.Account))
	if len(acct) > maxAccount {
		acct = acct[:maxAccount] // a name that long is no user's: keep the key small
	}
	var ks []keyed
	if acct != "" {
		ks = append(ks,
			keyed{a.Door + ":pair:" + acct + "@" + a.Address, l.p.Pair, l.pair},
			keyed{a.Door + ":account:" + acct, l.p.Account, l.acct})
	}
	return append(ks, keyed{a.Door + ":address:" + a.Address, l.p.Address, l.addr})
}

// Check peeks at the attempt's keys without spending a cell.
func (l *Limiter) Check(ctx context.Context, a Attempt) (Verdict, error) {
	var v Verdict
	for _, k := range l.keys(a) {
		_, res, err := k.lim.RateLimitCtx(ctx, k.key, 0)
		if err != nil {
			return v, fmt.Errorf("throttle %s: %w", a.Door, err)
		}
		v.Failures = max(v.Failures, res.Limit-res.Remaining)
		if res.RetryAfter > v.RetryAfter {
			v.RetryAfter = res.RetryAfter
		}
	}
	return v, nil
}

// Failed spends a cell of each key and waits the delay the most failing
// key has earned.
func (l *Limiter) Failed(ctx context.Context, a Attempt) (Verdict, error) {
	var v Verdict
	for _, k := range l.keys(a) {
		limited, res, err := k.lim.RateLimitCtx(ctx, k.key, 1)
		if err != nil {
			return v, fmt.Errorf("throttle %s: %w", a.Door, err)
		}
		used := res.Limit - res.Remaining
		if limited {
			used = res.Limit + 1
		}
		v.Failures = max(v.Failures, used)
		if d := l.delay(used - k.rule.Free); d > v.Delay {
			v.Delay = d
		}
	}
	if v.Delay > 0 {
		l.sleep(ctx, v.Delay)
	}
	return v, nil
}

func (l *Limiter) delay(over int) time.Duration {
	if over <= 0 || l.p.BaseDelay <= 0 {
		return 0
	}
	d := l.p.BaseDelay << min(over-1, 20)
	return min(d, l.p.MaxDelay)
}

// Succeeded forgets the failures of the account from this address (those
// of the account from anywhere and of the address stay: a success does
// not excuse guesses at other accounts).
func (l *Limiter) Succeeded(ctx context.Context, a Attempt) error {
	ks := l.keys(a)
	if len(ks) < 3 {
		return nil
	}
	return l.st.Forget(ctx, ks[0].key)
}

// ClientAddress is the address a request came from, as a throttle key:
// the IP of the connection (an IPv6 address counts by its /64, which one
// client usually owns whole). A proxy in front must be counted on to
// limit on its side, or the server listens behind it on 127.0.0.1 only.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
