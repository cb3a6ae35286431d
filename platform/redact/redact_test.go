package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestEmails(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mail: send to paul@infodebutant.example.com, ap@lunapark.example.com: not sent", "mail: send to <e-mail>, <e-mail>: not sent"},
		{`to: "Paul" <paul.d+x@a-b.fr>: invalid`, `to: "Paul" <<e-mail>>: invalid`},
		{"no address here: 12 @ 3", "no address here: 12 @ 3"},
		{"worker 4242@build-host@ started", "worker 4242@build-host@ started"},
		{"to zorglub1@faults.example.com.", "to <e-mail>."},
		{"WorkerID 77@relance-worker-5d9f", "WorkerID 77@relance-worker-5d9f"},
		{"42@example.com", "<e-mail>"},
	}
	for _, tt := range tests {
		if got := Emails(tt.in); got != tt.want {
			t.Errorf("Emails(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHandlerScrubsEveryAttribute(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewTextHandler(&buf, nil))).With("to", "a@b.fr")
	log.Error("send to c@d.com failed", "err", errors.New("mail: send to e@f.org: refused"),
		slog.Group("g", "x", "g@h.io"), "n", 3)
	out := buf.String()
	if strings.Contains(out, "@") || !strings.Contains(out, "n=3") || !strings.Contains(out, Placeholder) {
		t.Errorf("log line: %s", out)
	}
}
