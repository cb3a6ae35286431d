// Package portallink makes and checks the private links letters carry to
// the customer's statement page: no account, a token in the URL that
// names the customer and the version of its links, expires, and is signed
// with HMAC-SHA256 under a server secret. Bumping the customer's version
// in the database revokes every link sent so far.
package portallink

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Errors of Verify.
var (
	ErrInvalid = errors.New("link not valid") // malformed or signature wrong
	ErrExpired = errors.New("link expired")
)

// MinSecret is the shortest secret Links accepts, in bytes.
const MinSecret = 32

// Path is where links point on the HTTP server: Path + token.
const Path = "/p/"

// Links signs and checks customer links.
type Links struct {
	secret []byte
	// BaseURL is the public address of the HTTP server, without a
	// trailing slash ("https://relance.example.com").
	BaseURL string
	// TTL is how long a link stays valid after its letter's date.
	TTL time.Duration
}

// New returns Links signing with secret (at least MinSecret bytes).
func New(secret []byte, baseURL string, ttl time.Duration) (*Links, error) {
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("portallink: the secret has %d bytes, at least %d are needed", len(secret), MinSecret)
	}
	if ttl <= 0 {
		ttl = 60 * 24 * time.Hour
	}
	return &Links{secret: append([]byte(nil), secret...), BaseURL: strings.TrimSuffix(baseURL, "/"), TTL: ttl}, nil
}

// FromEnv returns Links configured by RELANCE_PORTAL_SECRET (the secret,
// at least 32 bytes), RELANCE_PUBLIC_URL (the server's public address)
// and RELANCE_PORTAL_DAYS (how long a link lasts, default 60 days); nil
// and no error when no secret is set: letters then carry no link.
func FromEnv() (*Links, error) {
	secret := os.Getenv("RELANCE_PORTAL_SECRET")
	if secret == "" {
		return nil, nil
	}
	days := 60
	if v := os.Getenv("RELANCE_PORTAL_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 400 {
			return nil, fmt.Errorf("RELANCE_PORTAL_DAYS=%q: a number of days from 1 to 400", v)
		}
		days = n
	}
	base := os.Getenv("RELANCE_PUBLIC_URL")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	return New([]byte(secret), base, time.Duration(days)*24*time.Hour)
}

// Claims are what a token says.
type Claims struct {
	CustomerID int64
	Version    int
	Expires    time.Time
}

// Token returns the signed token of c.
func (l *Links) Token(c Claims) string {
	var b []byte
	b = binary.AppendUvarint(b, uint64(c.CustomerID))
	b = binary.AppendUvarint(b, uint64(c.Version))
	b = binary.AppendUvarint(b, uint64(c.Expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(b) + "." + base64.RawURLEncoding.EncodeToString(l.mac(b))
}

// URL returns the link to customer customerID's page, of link version
// version, valid TTL from issued.
func (l *Links) URL(customerID int64, version int, issued time.Time) string {
	return l.BaseURL + Path + l.Token(Claims{CustomerID: customerID, Version: version, Expires: issued.Add(l.TTL).Truncate(time.Second)})
}

// Verify checks token's signature and expiry at now and returns its
// claims. The caller still compares Version with the customer's.
func (l *Links) Verify(token string, now time.Time) (Claims, error) {
	body, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return Claims{}, ErrInvalid
	}
	b, err1 := base64.RawURLEncoding.DecodeString(body)
	s, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(s, l.mac(b)) {
		return Claims{}, ErrInvalid
	}
	var vals [3]uint64
	for i := range vals {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return Claims{}, ErrInvalid
		}
		vals[i], b = v, b[n:]
	}
	if len(b) != 0 || vals[0] > 1<<62 || vals[1] > 1<<30 || vals[2] > 1<<40 {
		return Claims{}, ErrInvalid
	}
	c := Claims{CustomerID: int64(vals[0]), Version: int(vals[1]), Expires: time.Unix(int64(vals[2]), 0)}
	if !now.Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}

func (l *Links) mac(b []byte) []byte {
	h := hmac.New(sha256.New, l.secret)
	h.Write([]byte("relance portal link v1\x00"))
	h.Write(b)
	return h.Sum(nil)[:18]
}
