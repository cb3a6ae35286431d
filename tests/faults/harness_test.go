package faults_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cutProxy is a TCP proxy in front of PostgreSQL that can be cut: every
// connection dropped and new ones refused until Restore, as when the
// database goes away, without touching the server the other tests use.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.Cut() })
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *cutProxy) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// Cut drops every connection and refuses new ones.
func (p *cutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
}

// Restore accepts connections again.
func (p *cutProxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// mailed is one SendRawEmail the SES endpoint received.
type mailed struct {
	reference string // X-Relance-Letter
	to        string
	at        time.Time // when it reached the endpoint
	pdf       []byte    // the letter's PDF (the first PDF attached)
}

// sesRecorder is an HTTP proxy in front of the SES emulator that keeps
// every SendRawEmail it receives (the emulator drops custom headers), and
// can hold requests: they are received and kept, and forwarded when
// released, as a slow SES does while the worker is killed or stopped.
type sesRecorder struct {
	srv      *httptest.Server
	upstream string
	mu       sync.Mutex
	mails    []mailed
	holding  bool
	held     int
	release  chan struct{}
	// onSend, when set, runs for each SendRawEmail before it is forwarded
	// (the request has left the worker; its answer waits for onSend).
	onSend func(m mailed)
}

func newSESRecorder(t *testing.T, upstream string) *sesRecorder {
	r := &sesRecorder{upstream: upstream, release: make(chan struct{})}
	r.srv = httptest.NewServer(http.HandlerFunc(r.handle))
	t.Cleanup(func() { r.Release(); r.srv.Close() })
	return r
}

func (r *sesRecorder) handle(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return
	}
	form, _ := url.ParseQuery(string(body))
	if form.Get("Action") == "SendRawEmail" {
		m := mailed{at: time.Now()}
		if raw, err := base64.StdEncoding.DecodeString(form.Get("RawMessage.Data")); err == nil {
			if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
				m.reference = msg.Header.Get("X-Relance-Letter")
				m.to = msg.Header.Get("To")
				m.pdf = firstPDF(msg.Header.Get("Content-Type"), msg.Body)
			}
		}
		r.mu.Lock()
		r.mails = append(r.mails, m)
		hold, release, onSend := r.holding, r.release, r.onSend
		if hold {
			r.held++
		}
		r.mu.Unlock()
		if onSend != nil {
			onSend(m)
		}
		if hold {
			<-release // the request has left the worker: it reaches SES whatever happens to the worker
		}
	}
	fwd, err := http.NewRequestWithContext(context.Background(), req.Method, r.upstream+req.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), 502)
		return
	}
	fwd.Header = req.Header.Clone()
	resp, err := http.DefaultClient.Do(fwd)
	if err != nil {
		http.Error(w, err.Error(), 502)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// OnSend sets (or, with nil, removes) the hook run for each SendRawEmail.
func (r *sesRecorder) OnSend(fn func(m mailed)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.onSend = fn
}

// firstPDF returns the first application/pdf part of a MIME body.
func firstPDF(contentType string, body io.Reader) []byte {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		ct := p.Header.Get("Content-Type")
		if pmt, _, _ := mime.ParseMediaType(ct); strings.HasPrefix(pmt, "multipart/") {
			if pdf := firstPDF(ct, p); pdf != nil {
				return pdf
			}
			continue
		}
		if pmt, _, _ := mime.ParseMediaType(ct); pmt == "application/pdf" {
			data, err := io.ReadAll(p)
			if err != nil {
				return nil
			}
			if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
				dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
				if err != nil {
					return nil
				}
				data = dec
			}
			return data
		}
	}
}

// Hold makes the next SendRawEmail requests wait for Release.
func (r *sesRecorder) Hold() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.holding, r.held, r.release = true, 0, make(chan struct{})
}

// Held is how many requests wait.
func (r *sesRecorder) Held() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.held
}

// Release forwards the held requests and stops holding.
func (r *sesRecorder) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.holding {
		r.holding = false
		close(r.release)
	}
}

// Mails returns what was received so far.
func (r *sesRecorder) Mails() []mailed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mailed(nil), r.mails...)
}

// workerProc is the real worker binary, run as its own process.
type workerProc struct {
	t    *testing.T
	bin  string
	env  []string
	cmd  *exec.Cmd
	done chan error
	logs *syncBuffer
}

// syncBuffer collects a process's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// buildWorker compiles ./worker once for the test.
func buildWorker(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "worker")
	cmd := exec.Command("go", "build", "-o", bin, "./worker")
	cmd.Dir = "../.." // the repository root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build worker: %v\n%s", err, out)
	}
	return bin
}

// start starts the worker and waits until it polls (its "Started Worker"
// log line).
func (w *workerProc) start() {
	w.t.Helper()
	before := len(w.logLines("Started Worker"))
	defer waitFor(w.t, 30*time.Second, "the worker started", func() bool { return len(w.logLines("Started Worker")) > before })
	cmd := exec.Command(w.bin)
	cmd.Env = append(os.Environ(), w.env...)
	cmd.Stdout, cmd.Stderr = w.logs, w.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		w.t.Fatalf("start worker: %v", err)
	}
	w.cmd, w.done = cmd, make(chan error, 1)
	go func() { w.done <- cmd.Wait() }()
}

// stop sends sig and waits for the process to end; it returns the exit
// error (nil for a clean exit).
func (w *workerProc) stop(sig syscall.Signal, within time.Duration) error {
	w.t.Helper()
	_ = w.cmd.Process.Signal(sig)
	select {
	case err := <-w.done:
		return err
	case <-time.After(within):
		_ = w.cmd.Process.Kill()
		<-w.done
		w.t.Fatalf("worker did not stop within %s after %v", within, sig)
		return nil
	}
}

// logLines returns the worker's log lines containing s.
func (w *workerProc) logLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(w.logs.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			out = append(out, sc.Text())
		}
	}
	return out
}

// waitFor polls cond every 200 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool, onTimeout ...func()) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			for _, f := range onTimeout {
				f()
			}
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func hostPort(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(fmt.Sprintf("bad URL %q", rawURL))
	}
	return u.Host
}
