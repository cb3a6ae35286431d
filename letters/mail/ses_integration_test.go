package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"

	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/sesemu"
)

// isolateAWSEnv makes the AWS config chain see no credentials, profile or
// config file, so that NewSES takes its emulator path and never looks for
// real credentials.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "",
		"AWS_SECRET_ACCESS_KEY":       "",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_DEFAULT_PROFILE":         "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_SES":        "",
		"AWS_MAX_ATTEMPTS":            "",
		"AWS_RETRY_MODE":              "",
	} {
		t.Setenv(k, v)
	}
}

// newSES builds a sender for endpoint with an isolated environment.
func newSES(t *testing.T, endpoint string) *mail.SES {
	t.Helper()
	isolateAWSEnv(t)
	s, err := mail.NewSES(context.Background(), "eu-west-3", endpoint)
	if err != nil {
		t.Fatalf("NewSES: %v", err)
	}
	return s
}

// letterPDF is a small but well-formed one-page PDF.
var letterPDF = []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" +
	"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" +
	"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n" +
	"trailer<</Root 1 0 R>>\n%%EOF\n")

// letter returns a typical reminder e-mail.
func letter() mail.Message {
	return mail.Message{
		From:    "Service Recouvrement <relances@example.com>",
		To:      []string{"Client Démo <client@example.org>"},
		ReplyTo: "compta@example.com",
		Subject: "Relevé de factures impayées – 2ème relance",
		Text:    "Bonjour,\n\nSauf erreur de notre part, la facture F-2025-0042 de 1 234,56 € reste impayée.\n",
		HTML:    "<p>Bonjour,</p><p>Sauf erreur de notre part, la facture <b>F-2025-0042</b> de 1&nbsp;234,56&nbsp;€ reste impayée.</p>",
		Attachments: []mail.Attachment{
			{Filename: "Relance F-2025-0042.pdf", ContentType: "application/pdf", Data: letterPDF},
		},
		Headers: map[string]string{"X-Relance-Letter": "F-2025-0042/R2/1"},
	}
}

func TestSESWithEmulator(t *testing.T) {
	emu := sesemu.StartT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sender := newSES(t, emu.URL)

	id, err := sender.Send(ctx, letter())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id == "" {
		t.Fatal("empty message ID")
	}

	second := letter()
	second.To = []string{"a@example.org", "Bé <b@example.org>"}
	second.Subject = "R3 – mise en demeure"
	second.Attachments = nil
	second.HTML = ""
	if _, err := sender.Send(ctx, second); err != nil {
		t.Fatalf("Send second: %v", err)
	}

	msgs, err := emu.Messages(ctx)
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	if len(msgs) != 2 {
		t.Fatalf("%d messages stored, want 2: %+v", len(msgs), msgs)
	}

	got := msgs[0]
	if got.MessageID != id {
		t.Errorf("MessageID = %q, want %q", got.MessageID, id)
	}
	if got.Subject != "Relevé de factures impayées – 2ème relance" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if got.FromAddress != "relances@example.com" || !strings.Contains(got.From, "Service Recouvrement") {
		t.Errorf("From = %q (%q)", got.From, got.FromAddress)
	}
	if len(got.To) != 1 || got.To[0] != "client@example.org" {
		t.Errorf("To = %v", got.To)
	}
	if len(got.ReplyTo) != 1 || got.ReplyTo[0] != "compta@example.com" {
		t.Errorf("ReplyTo = %v", got.ReplyTo)
	}
	if !strings.Contains(got.Text, "F-2025-0042") || !strings.Contains(got.Text, "1 234,56 €") {
		t.Errorf("Text = %q", got.Text)
	}
	if !strings.Contains(got.HTML, "<b>F-2025-0042</b>") {
		t.Errorf("HTML = %q", got.HTML)
	}
	if len(got.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(got.Attachments))
	}
	att := got.Attachments[0]
	if att.Filename != "Relance F-2025-0042.pdf" || att.ContentType != "application/pdf" {
		t.Errorf("attachment = %q %q", att.Filename, att.ContentType)
	}
	if !bytes.Equal(att.Data, letterPDF) {
		t.Errorf("attachment bytes differ: got %d bytes, want %d", len(att.Data), len(letterPDF))
	}
	if time.Since(got.At) > time.Minute || time.Until(got.At) > time.Minute {
		t.Errorf("At = %v", got.At)
	}

	two := msgs[1]
	if strings.Join(two.To, ",") != "a@example.org,b@example.org" {
		t.Errorf("second To = %v", two.To)
	}
	if two.Subject != "R3 – mise en demeure" || two.HTML != "" || len(two.Attachments) != 0 {
		t.Errorf("second message = %+v", two)
	}

	if err := emu.Clear(ctx); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if msgs, err := emu.Messages(ctx); err != nil || len(msgs) != 0 {
		t.Errorf("after Clear: %d messages, %v", len(msgs), err)
	}

	// An invalid message is refused before anything reaches SES.
	bad := letter()
	bad.To = nil
	if _, err := sender.Send(ctx, bad); !errors.Is(err, mail.ErrInvalid) {
		t.Errorf("Send without recipient: %v, want ErrInvalid", err)
	}
	if msgs, _ := emu.Messages(ctx); len(msgs) != 0 {
		t.Errorf("invalid message reached the emulator")
	}
}

// sesError is an SES (query protocol) error body.
func sesError(kind, code, message string) string {
	return fmt.Sprintf(`<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">
  <Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>7e3b9c51-0000-4000-8000-000000000000</RequestId>
</ErrorResponse>`, kind, code, message)
}

// fakeSES is an httptest.Server that imitates SES with a fixed behaviour
// and counts the requests it gets.
type fakeSES struct {
	*httptest.Server
	requests atomic.Int32
	lastForm atomic.Pointer[url.Values]
}

// newFakeSES starts a server whose handler runs after the request body has
// been read and recorded.
func newFakeSES(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) *fakeSES {
	t.Helper()
	f := &fakeSES{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		if err := r.ParseForm(); err == nil {
			form := r.PostForm
			f.lastForm.Store(&form)
		}
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// answer returns a handler writing status and body as XML.
func answer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func TestSendOutcomes(t *testing.T) {
	const okBody = `<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>0100-fake-id</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></SendRawEmailResponse>`

	type want struct {
		id        string
		sentinel  error // nil for success
		permanent bool
		code      string // API error code reachable with errors.As, if any
	}
	tests := []struct {
		name    string
		handler func(http.ResponseWriter, *http.Request)
		timeout time.Duration
		want    want
	}{
		{"accepted", answer(200, okBody), 0, want{id: "0100-fake-id"}},
		{"message rejected 400", answer(400, sesError("Sender", "MessageRejected", "Email address is not verified.")), 0,
			want{sentinel: mail.ErrRejected, permanent: true, code: "MessageRejected"}},
		{"validation error 400", answer(400, sesError("Sender", "InvalidParameterValue", "Missing final '@domain'")), 0,
			want{sentinel: mail.ErrRejected, permanent: true, code: "InvalidParameterValue"}},
		{"signature 403", answer(403, sesError("Sender", "SignatureDoesNotMatch", "bad signature")), 0,
			want{sentinel: mail.ErrRejected, permanent: true, code: "SignatureDoesNotMatch"}},
		{"throttling 400", answer(400, sesError("Sender", "Throttling", "Maximum sending rate exceeded.")), 0,
			want{sentinel: mail.ErrRejected, code: "Throttling"}},
		{"too many requests 429", answer(429, "slow down"), 0, want{sentinel: mail.ErrRejected}},
		{"internal failure 500", answer(500, sesError("Receiver", "InternalFailure", "oops")), 0,
			want{sentinel: mail.ErrRejected, code: "InternalFailure"}},
		{"unavailable 503 HTML", answer(503, "<html><body>Service Unavailable</body></html>"), 0,
			want{sentinel: mail.ErrRejected}},
		{"gateway timeout 504", answer(504, "<html>Gateway Timeout</html>"), 0, want{sentinel: mail.ErrUncertain}},
		{"unreadable success 200", answer(200, "<not xml"), 0, want{sentinel: mail.ErrUncertain}},
		{"connection closed after request", func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}, 0, want{sentinel: mail.ErrUncertain}},
		{"timeout", func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, 300 * time.Millisecond, want{sentinel: mail.ErrUncertain}},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeSES(t, tc.handler)
			sender := newSES(t, srv.URL)
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			id, err := sender.Send(ctx, letter())

			if n := srv.requests.Load(); n != 1 {
				t.Errorf("server got %d requests, want exactly 1 (no SDK retries)", n)
			}
			if tc.want.sentinel == nil {
				if err != nil || id != tc.want.id {
					t.Fatalf("Send = %q, %v; want %q", id, err, tc.want.id)
				}
				checkForm(t, srv.lastForm.Load())
				return
			}
			if err == nil {
				t.Fatalf("Send succeeded with id %q, want an error", id)
			}
			t.Logf("error: %v", err)
			for _, s := range []error{mail.ErrInvalid, mail.ErrNotSent, mail.ErrRejected, mail.ErrUncertain} {
				if errors.Is(err, s) != (s == tc.want.sentinel) {
					t.Errorf("errors.Is(err, %q) = %v", s, errors.Is(err, s))
				}
			}
			if got := mail.IsPermanent(err); got != tc.want.permanent {
				t.Errorf("IsPermanent = %v, want %v", got, tc.want.permanent)
			}
			wantSafe := tc.want.sentinel == mail.ErrRejected && !tc.want.permanent
			if got := mail.SafeToRetry(err); got != wantSafe {
				t.Errorf("SafeToRetry = %v, want %v", got, wantSafe)
			}
			if tc.want.code != "" && !strings.Contains(err.Error(), tc.want.code) {
				t.Errorf("error does not name the API code %s", tc.want.code)
			}
			if tc.want.code == "MessageRejected" {
				var mr *sestypes.MessageRejected
				if !errors.As(err, &mr) {
					t.Errorf("errors.As(*types.MessageRejected) failed")
				}
			}
		})
	}
}

// checkForm checks the SendRawEmail request the fake server received.
func checkForm(t *testing.T, form *url.Values) {
	t.Helper()
	if form == nil {
		t.Fatal("no form recorded")
	}
	f := *form
	if f.Get("Action") != "SendRawEmail" {
		t.Errorf("Action = %q", f.Get("Action"))
	}
	if f.Get("Source") != "relances@example.com" {
		t.Errorf("Source = %q", f.Get("Source"))
	}
	if f.Get("Destinations.member.1") != "client@example.org" || f.Has("Destinations.member.2") {
		t.Errorf("Destinations = %v", f)
	}
	raw, err := base64.StdEncoding.DecodeString(f.Get("RawMessage.Data"))
	if err != nil {
		t.Fatalf("RawMessage.Data: %v", err)
	}
	if !bytes.Contains(raw, []byte("X-Relance-Letter: F-2025-0042/R2/1\r\n")) {
		t.Errorf("raw message lacks the letter header:\n%s", raw)
	}
}

func TestSendNotSent(t *testing.T) {
	// A port that nothing listens on: the connection is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	sender := newSES(t, "http://"+addr)

	_, err = sender.Send(context.Background(), letter())
	if !errors.Is(err, mail.ErrNotSent) || errors.Is(err, mail.ErrRejected) || errors.Is(err, mail.ErrUncertain) {
		t.Errorf("connection refused: %v, want ErrNotSent only", err)
	}
	if !mail.SafeToRetry(err) || mail.IsPermanent(err) {
		t.Errorf("connection refused: SafeToRetry %v, IsPermanent %v", mail.SafeToRetry(err), mail.IsPermanent(err))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sender.Send(ctx, letter()); !errors.Is(err, mail.ErrNotSent) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v, want ErrNotSent and context.Canceled", err)
	}
}

func TestSendCredentialsMissing(t *testing.T) {
	// A sender built from a config without credentials fails before sending.
	srv := newFakeSES(t, answer(200, "unused"))
	isolateAWSEnv(t)
	cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("", "", "")}
	sender := mail.NewSESFromConfig(cfg, srv.URL)
	_, err := sender.Send(context.Background(), letter())
	if !errors.Is(err, mail.ErrNotSent) {
		t.Errorf("missing credentials: %v, want ErrNotSent", err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestSendTooLarge(t *testing.T) {
	srv := newFakeSES(t, answer(200, "unused"))
	sender := newSES(t, srv.URL)
	m := letter()
	m.Attachments = []mail.Attachment{{Filename: "big.pdf", ContentType: "application/pdf", Data: make([]byte, 8<<20)}}
	_, err := sender.Send(context.Background(), m)
	if !errors.Is(err, mail.ErrInvalid) || !mail.IsPermanent(err) {
		t.Errorf("oversized message: %v, want ErrInvalid", err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

// TestSESWithDrainingEmulator: the bench's emulator hands each message out
// once, so 100 000 letters never sit in its memory together.
func TestSESWithDrainingEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	emu, err := sesemu.StartDraining(ctx)
	if errors.Is(err, sesemu.ErrNoNode) {
		t.Skipf("SES emulator unavailable: %v", err)
	}
	if err != nil {
		t.Fatalf("StartDraining: %v", err)
	}
	t.Cleanup(emu.Stop)
	sender := newSES(t, emu.URL)

	send := func(subject string) string {
		m := letter()
		m.Subject = subject
		id, err := sender.Send(ctx, m)
		if err != nil {
			t.Fatalf("Send %s: %v", subject, err)
		}
		return id
	}
	read := func() []string {
		msgs, err := emu.Messages(ctx)
		if err != nil {
			t.Fatalf("Messages: %v", err)
		}
		var subjects []string
		for _, m := range msgs {
			subjects = append(subjects, m.Subject)
		}
		return subjects
	}

	send("un")
	send("deux")
	if got := read(); fmt.Sprint(got) != "[un deux]" {
		t.Fatalf("first read = %v, want [un deux]", got)
	}
	if got := read(); len(got) != 0 {
		t.Fatalf("second read = %v, want nothing: a message handed out twice", got)
	}
	send("trois")
	if got := read(); fmt.Sprint(got) != "[trois]" {
		t.Fatalf("third read = %v, want [trois]", got)
	}
}
