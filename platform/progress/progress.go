// Package progress shows how far a long command has got: a bar redrawn in
// place on a terminal ("\r[=====>    ] 12/40 scan DEMO"), plain lines now
// and then when the output is a file or a pipe (logs stay readable), and a
// summary line at the end.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Width is the number of cells of the bar between the brackets.
const Width = 30

// Bar reports progress towards a total. Its methods may be called from
// several goroutines. The zero value is not usable: call New.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	label string
	total int
	n     int
	start time.Time
	done  bool

	// Plain output: a line when the tenths done change, or after Interval.
	lastStep  int
	lastPrint time.Time
	// Terminal output: redraws at most every redraw.
	lastDraw time.Time

	// Interval is the longest wait between two plain lines while work goes
	// on (default 5 s); set it before the first Add.
	Interval time.Duration
	// Now is the clock (time.Now by default); tests set it.
	Now func() time.Time
}

// New returns a bar for total steps (0 or less when the total is unknown)
// labelled label, writing to w. Whether w is a terminal decides the style.
func New(w io.Writer, total int, label string) *Bar {
	return newBar(w, total, label, IsTerminal(w))
}

// NewStyled is New with the style chosen by the caller: tty true draws the
// bar in place.
func NewStyled(w io.Writer, total int, label string, tty bool) *Bar {
	return newBar(w, total, label, tty)
}

func newBar(w io.Writer, total int, label string, tty bool) *Bar {
	if w == nil {
		w = io.Discard
	}
	return &Bar{w: w, tty: tty, label: label, total: total, Interval: 5 * time.Second, Now: time.Now, lastStep: -1}
}

// IsTerminal reports whether w is a character device (a terminal), as
// opposed to a file, a pipe or a buffer.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// SetTotal changes the total, for work whose size is learnt on the way.
func (b *Bar) SetTotal(total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total = total
}

// SetLabel changes what the bar says it is doing ("fetch", "write").
func (b *Bar) SetLabel(label string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.label = label
	b.show(true)
}

// Add records n more steps done.
func (b *Bar) Add(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n += n
	b.show(false)
}

// Set records that n steps are done in all.
func (b *Bar) Set(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n = n
	b.show(false)
}

// Done ends the bar with a summary line ("scan DEMO: 40/40 done in 1.2s").
// Calling it again does nothing.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	elapsed := b.elapsed()
	if b.tty {
		b.draw()
		fmt.Fprint(b.w, "\n")
	}
	fmt.Fprintf(b.w, "%s: %s done in %s\n", b.label, b.count(), elapsed)
}

func (b *Bar) elapsed() time.Duration {
	if b.start.IsZero() {
		return 0
	}
	d := b.Now().Sub(b.start)
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}

func (b *Bar) count() string {
	if b.total > 0 {
		return fmt.Sprintf("%d/%d", b.n, b.total)
	}
	return fmt.Sprint(b.n)
}

// show writes the progress if it is time to.
func (b *Bar) show(force bool) {
	if b.done {
		return
	}
	now := b.Now()
	if b.start.IsZero() {
		b.start = now
	}
	if b.tty {
		finished := b.total > 0 && b.n >= b.total
		if force || finished || b.lastDraw.IsZero() || now.Sub(b.lastDraw) >= 50*time.Millisecond {
			b.lastDraw = now
			b.draw()
		}
		return
	}
	step := -1
	if b.total > 0 {
		step = min(b.n, b.total) * 10 / b.total
	}
	if force || (step >= 0 && step != b.lastStep) || b.lastPrint.IsZero() || now.Sub(b.lastPrint) >= b.Interval {
		b.lastStep, b.lastPrint = step, now
		fmt.Fprintf(b.w, "%s %s\n", b.count(), b.label)
	}
}

// draw writes the bar over the current terminal line.
func (b *Bar) draw() {
	fmt.Fprintf(b.w, "\r%s %s %s\x1b[K", Render(b.n, b.total, Width), b.count(), b.label)
}

// Render returns the bar for n of total in width cells: "[=====>    ]".
// An unknown total (0 or less) gives a bar of "?".
func Render(n, total, width int) string {
	if width < 1 {
		width = 1
	}
	if total <= 0 {
		return "[" + strings.Repeat("?", width) + "]"
	}
	n = max(0, min(n, total))
	filled := n * width / total
	if filled >= width {
		return "[" + strings.Repeat("=", width) + "]"
	}
	return "[" + strings.Repeat("=", filled) + ">" + strings.Repeat(" ", width-filled-1) + "]"
}
