package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
)

// doorWorld is the web app on a fresh schema with one demo company, for
// the doors' browser tests: no Temporal, no SES (the sign-in, the user's
// page and the Relances list read the database only).
func doorWorld(t *testing.T, code string) *world {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: calendar.Of(time.Now().In(paris)), Code: code,
		EmailDomain: strings.ToLower(code) + ".example.com"}); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Ops: &actions.Ops{Store: st}, Store: st, InsecureCookies: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	shot := os.Getenv("RELANCE_SCREENSHOTS")
	if shot == "" {
		shot = filepath.Join(os.TempDir(), "relance-screenshots")
	}
	if err := os.MkdirAll(shot, 0o755); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return &world{st: st, base: "http://localhost:" + port, shot: shot}
}

// password signs in up to the second factor's form.
func (b *browser) passwordOnly(name, pw string) {
	b.t.Helper()
	b.open("/login", "#name")
	b.step("password of "+name, "#code",
		chromedp.SendKeys(css("#name"), name),
		chromedp.SendKeys(css("#password"), pw),
		chromedp.Click(css("#signin")))
}

// secondFactor types code in the second step of the sign-in and waits for
// sel.
func (b *browser) secondFactor(code, sel string) {
	b.t.Helper()
	b.step("second factor", sel, chromedp.SendKeys(css("#code"), code), chromedp.Click(css("#verify")))
}

// decodeQR reads the QR code of a data: URL (PNG).
func decodeQR(t *testing.T, src string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if err != nil {
		t.Fatalf("QR code image: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("QR code image: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode the QR code: %v", err)
	}
	return res.GetText()
}

// TestBrowserSecondFactorAndPasswordChange enrols a TOTP second factor
// from the QR code, signs in with a code, fails with a wrong one, signs in
// with a recovery code, then changes the password and sees the other
// browser's session ended.
func TestBrowserSecondFactorAndPasswordChange(t *testing.T) {
	t.Parallel()
	wd := doorWorld(t, "TFA")
	ctx := context.Background()
	wd.user(t, "olga", store.RoleOperator, "TFA")
	b := wd.browser(t)
	b.signIn("olga")

	// Enrolment on the user's page: a QR code and a code to confirm.
	b.step("my account", "#factor-card", chromedp.Click(css("#nav-account")))
	b.screenshot("21-account")
	b.step("turn on the second factor", "#qr", chromedp.Click(css("#tf-start")))
	b.screenshot("22-second-factor-qr")
	uri := decodeQR(t, evalJS[string](b, `document.querySelector("#qr").src`))
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		t.Fatalf("QR code %q: %v", uri, err)
	}
	if key.Issuer() != "relance" || key.AccountName() != "olga" || key.Secret() != b.text("#secret") {
		t.Fatalf("QR code %q: want issuer relance, account olga and the secret shown", uri)
	}
	code := func(at time.Time) string {
		c, err := totp.GenerateCode(key.Secret(), at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	b.step("confirm", "#recovery", chromedp.SendKeys(css("#tf-code"), code(time.Now())), chromedp.Click(css("#tf-confirm")))
	codes := evalJS[[]string](b, `[...document.querySelectorAll("#recovery code")].map(c => c.textContent)`)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	b.screenshot("23-recovery-codes")
	if u, _ := wd.st.UserByName(ctx, "olga"); !u.SecondFactor {
		t.Fatal("second factor not on after the confirmation")
	}

	// Sign in: the password, then a wrong code, then the right one (the
	// next time step: the enrolment spent the current one).
	b.signOut()
	b.passwordOnly("olga", password)
	b.screenshot("24-code-asked")
	wrong := "000000"
	if wrong == code(time.Now()) || wrong == code(time.Now().Add(30*time.Second)) {
		wrong = "999999"
	}
	b.secondFactor(wrong, ".flash.error")
	if msg := b.text(".flash.error"); !strings.Contains(msg, "Code incorrect") {
		t.Fatalf("wrong code: %q", msg)
	}
	b.screenshot("25-code-wrong")
	b.secondFactor(code(time.Now().Add(30*time.Second)), "#relances")

	// A recovery code works once.
	b.signOut()
	b.passwordOnly("olga", password)
	b.secondFactor(codes[0], "#relances")
	b.screenshot("26-signed-in-with-recovery-code")
	b.signOut()
	b.passwordOnly("olga", password)
	b.secondFactor(codes[0], ".flash.error")

	// A second browser signs in (with another recovery code); the first
	// changes the password: the second's session ends.
	b.secondFactor(strings.ToUpper(codes[1]), "#relances")
	other := wd.browser(t)
	other.passwordOnly("olga", password)
	other.secondFactor(codes[2], "#relances")
	b.step("my account", "#password-card", chromedp.Click(css("#nav-account")))
	b.step("change the password", ".flash",
		chromedp.SendKeys(css("#pw-current"), password),
		chromedp.SendKeys(css("#pw-new"), "un-tout-nouveau-secret"),
		chromedp.SendKeys(css("#pw-again"), "un-tout-nouveau-secret"),
		chromedp.Click(css("#pw-save")))
	if msg := b.text(".flash"); !strings.Contains(msg, "autres sessions sont fermées") {
		t.Fatalf("password change: %q", msg)
	}
	b.screenshot("27-password-changed")
	other.open("/c/TFA/relances", "#name")
	if msg := other.text(".flash.error"); !strings.Contains(msg, "session a expiré") {
		t.Fatalf("the other browser after the change: %q", msg)
	}
	other.screenshot("28-other-session-ended")
	b.open("/c/TFA/relances", "#relances") // the browser that changed it stays signed in

	// Each failure is in the audit log, without the code or the password.
	es, err := wd.st.AuditEntries(ctx, store.AuditFilter{Actor: "olga", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var wrongCodes int
	for _, e := range es {
		if strings.Contains(e.Detail, wrong) || strings.Contains(e.Detail, codes[0]) || strings.Contains(e.Detail, password) {
			t.Fatalf("audit entry with a secret: %+v", e)
		}
		if strings.HasPrefix(e.Detail, "wrong second-factor code") {
			wrongCodes++
		}
	}
	if wrongCodes != 2 {
		t.Errorf("%d wrong codes audited, want 2", wrongCodes)
	}
}
