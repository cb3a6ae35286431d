package sesemu

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"
)

// storeSample is a GET /store answer recorded from aws-ses-v2-local 2.10.2
// after one SendRawEmail.
const storeSample = `{"templates":{},"emails":[{"messageId":"ses-780823095",
"from":"\"Soci\u00e9t\u00e9\" <relances@example.com>","replyTo":["r@example.com"],
"destination":{"to":["\"Zo\u00e9\" <a@example.org>, b@example.org"],"cc":[],"bcc":[]},
"subject":"Relev\u00e9 \u2013 2\u00e8me relance","body":{"text":"Facture F-1\n","html":"<p>F-1</p>"},
"attachments":[{"type":"attachment","content":"JVBERi0xLjQgeA==","contentType":"application/pdf",
"partId":"2","release":null,"contentDisposition":"attachment","filename":"Relev\u00e9.pdf",
"headers":{},"checksum":"64db84159331a83ceeabcff6006c403c","size":10}],"at":1795437612}]}`

func TestParseStore(t *testing.T) {
	msgs, err := parseStore([]byte(storeSample))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	checks := []struct{ name, got, want string }{
		{"MessageID", m.MessageID, "ses-780823095"},
		{"From", m.From, `"Société" <relances@example.com>`},
		{"FromAddress", m.FromAddress, "relances@example.com"},
		{"Subject", m.Subject, "Relevé – 2ème relance"},
		{"Text", m.Text, "Facture F-1\n"},
		{"HTML", m.HTML, "<p>F-1</p>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(m.To) != 2 || m.To[0] != "a@example.org" || m.To[1] != "b@example.org" {
		t.Errorf("To = %v", m.To)
	}
	if len(m.ReplyTo) != 1 || m.ReplyTo[0] != "r@example.com" || len(m.Cc) != 0 || len(m.Bcc) != 0 {
		t.Errorf("ReplyTo %v Cc %v Bcc %v", m.ReplyTo, m.Cc, m.Bcc)
	}
	if !m.At.Equal(time.Unix(1795437612, 0)) {
		t.Errorf("At = %v", m.At)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	a := m.Attachments[0]
	if a.Filename != "Relevé.pdf" || a.ContentType != "application/pdf" || !bytes.Equal(a.Data, []byte("%PDF-1.4 x")) {
		t.Errorf("attachment = %q %q %q", a.Filename, a.ContentType, a.Data)
	}

	if _, err := parseStore([]byte(`{"emails":[{"attachments":[{"content":"%%%"}]}]}`)); err == nil {
		t.Error("bad base64 accepted")
	}
	if _, err := parseStore([]byte(`<html>`)); err == nil {
		t.Error("non-JSON accepted")
	}
}

func TestStartStop(t *testing.T) {
	e := StartT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	msgs, err := e.Messages(ctx)
	if err != nil || len(msgs) != 0 {
		t.Fatalf("fresh emulator: %d messages, %v", len(msgs), err)
	}
	if err := e.Clear(ctx); err != nil {
		t.Fatalf("Clear: %v", err)
	}

	// A second emulator gets its own port.
	e2, err := Start(ctx)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	if e2.URL == e.URL {
		t.Errorf("both emulators at %s", e.URL)
	}
	pid := e2.cmd.Process.Pid
	e2.Stop()
	e2.Stop() // idempotent

	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("emulator process %d still exists after Stop (kill 0: %v)", pid, err)
	}
	if _, err := os.Stat(e2.tmpDir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s left behind", e2.tmpDir)
	}
	client := &http.Client{Timeout: 2 * time.Second}
	if resp, err := client.Get(e2.URL + "/store"); err == nil {
		_ = resp.Body.Close()
		t.Errorf("stopped emulator still answers at %s", e2.URL)
	}
	if _, err := e.Messages(ctx); err != nil {
		t.Errorf("first emulator after stopping the second: %v", err)
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root + "/go.mod"); err != nil {
		t.Errorf("no go.mod in %s", root)
	}
	if _, err := os.Stat(root + "/package.json"); err != nil {
		t.Errorf("no package.json in %s: %v", root, err)
	}
}
