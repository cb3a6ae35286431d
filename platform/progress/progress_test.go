package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func TestRender(t *testing.T) {
	tests := []struct {
		n, total, width int
		want            string
	}{
		{0, 40, 10, "[>         ]"},
		{12, 40, 10, "[===>      ]"},
		{39, 40, 10, "[=========>]"},
		{40, 40, 10, "[==========]"},
		{55, 40, 10, "[==========]"},
		{-3, 40, 10, "[>         ]"},
		{3, 0, 4, "[????]"},
	}
	for _, tt := range tests {
		if got := Render(tt.n, tt.total, tt.width); got != tt.want {
			t.Errorf("Render(%d, %d, %d) = %q, want %q", tt.n, tt.total, tt.width, got, tt.want)
		}
	}
}

// clock is a fake time that moves when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestTerminalBarRedrawsInPlace(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	b := NewStyled(&out, 40, "scan DEMO", true)
	b.Now = c.now
	for i := 0; i < 40; i++ {
		c.t = c.t.Add(30 * time.Millisecond)
		b.Add(1)
	}
	b.Done()
	s := out.String()
	if strings.Count(s, "\n") != 2 {
		t.Errorf("a terminal bar ends with one line break then the summary: %q", s)
	}
	// Redraws are throttled to one per 50 ms, the last one always drawn.
	if n := strings.Count(s, "\r"); n < 15 || n > 30 {
		t.Errorf("%d redraws, want about 20", n)
	}
	// Steps every 30 ms, redraws every 50 ms: the odd counts are drawn.
	if !strings.Contains(s, "\r[========>                     ] 11/40 scan DEMO\x1b[K") {
		t.Errorf("no intermediate bar: %q", s)
	}
	if !strings.Contains(s, "\r["+strings.Repeat("=", Width)+"] 40/40 scan DEMO") {
		t.Errorf("no full bar: %q", s)
	}
	if !strings.HasSuffix(s, "scan DEMO: 40/40 done in 1.2s\n") {
		t.Errorf("summary: %q", s[strings.LastIndex(s[:len(s)-1], "\n")+1:])
	}
}

func TestPlainOutputPrintsLinesNowAndThen(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	b := New(&out, 200, "export DEMO") // a buffer is not a terminal
	b.Now = c.now
	for i := 0; i < 200; i++ {
		b.Add(1)
	}
	b.Done()
	b.Done()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if strings.Contains(out.String(), "\r") {
		t.Errorf("plain output has carriage returns: %q", out.String())
	}
	// One line per tenth (1/200 opens the first), then the summary.
	if len(lines) != 12 || lines[0] != "1/200 export DEMO" || lines[1] != "20/200 export DEMO" ||
		lines[10] != "200/200 export DEMO" || lines[11] != "export DEMO: 200/200 done in 0s" {
		t.Errorf("lines = %q", lines)
	}

	// Unknown total: a line every Interval.
	out.Reset()
	b = New(&out, 0, "fetch")
	b.Now, b.Interval = c.now, time.Second
	for i := 0; i < 10; i++ {
		c.t = c.t.Add(300 * time.Millisecond)
		b.Add(1)
	}
	b.Done()
	if got := out.String(); got != "1 fetch\n5 fetch\n9 fetch\nfetch: 10 done in 2.7s\n" {
		t.Errorf("unknown total: %q", got)
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal?")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is a terminal?")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !IsTerminal(tty) {
			t.Error("/dev/tty is not a terminal?")
		}
	}
	if IsTerminal(nil) {
		t.Error("nil is a terminal?")
	}
}
