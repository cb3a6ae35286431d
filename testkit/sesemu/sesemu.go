// Package sesemu runs the aws-ses-v2-local SES emulator (npm, pinned in the
// repository's package.json) for integration tests, and reads back what was
// sent to it.
//
// The emulator keeps what it receives in memory. Its GET /store answers JSON
// that it has already parsed with mailparser, not raw MIME:
//
//	{"templates": {}, "emails": [{"messageId", "from", "replyTo": [...],
//	  "destination": {"to": [...], "cc": [...], "bcc": [...]},
//	  "subject", "body": {"text", "html"},
//	  "attachments": [{"filename", "contentType", "size", "content" (base64), ...}],
//	  "at" (Unix seconds)}]}
//
// where each destination entry is the text of one whole header (several
// addresses joined with ", "). Messages turns that into StoredMessage values.
package sesemu

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// ErrNoNode is returned by Start when node or npm is not on the PATH.
var ErrNoNode = errors.New("sesemu: node and npm are needed to run aws-ses-v2-local")

// startTimeout bounds how long Start waits for the emulator to listen.
const startTimeout = 30 * time.Second

// installTimeout bounds the npm install run by Start when the emulator is
// missing.
const installTimeout = 5 * time.Minute

// binName is the emulator's command in node_modules/.bin.
const binName = "aws-ses-v2-local"

// Emulator is a running aws-ses-v2-local.
type Emulator struct {
	// URL is the emulator's base URL, e.g. http://127.0.0.1:41234: the SES
	// endpoint to give to mail.NewSES.
	URL string

	cmd      *exec.Cmd
	logPath  string
	tmpDir   string
	done     chan struct{} // closed when the process has exited
	stopOnce sync.Once
	client   *http.Client
}

// StoredMessage is one e-mail held by the emulator.
type StoredMessage struct {
	// MessageID is the ID the emulator answered to the sender.
	MessageID string
	// From is the From header as text, e.g. "Relances <r@example.com>".
	From string
	// FromAddress is the bare address of From.
	FromAddress string
	// To, Cc, Bcc and ReplyTo are bare addresses read from the headers.
	To, Cc, Bcc, ReplyTo []string
	// Subject is the decoded subject.
	Subject string
	// Text is the plain-text body ("" if none).
	Text string
	// HTML is the HTML body ("" if none).
	HTML string
	// Attachments are the attached files, in order.
	Attachments []StoredAttachment
	// Inline are the parts the HTML body shows by content ID (inline,
	// with a Content-ID), apart from Attachments.
	Inline []StoredAttachment
	// At is when the emulator received the message (second precision).
	At time.Time
}

// StoredAttachment is one attached file of a StoredMessage.
type StoredAttachment struct {
	// Filename is the decoded file name.
	Filename string
	// ContentType is the media type without parameters, e.g. "application/pdf".
	ContentType string
	// Data is the decoded content.
	Data []byte
}

// StartT starts an emulator for a test and stops it when the test ends. It
// skips the test when node or npm is missing and fails it on any other error.
func StartT(t testing.TB) *Emulator {
	t.Helper()
	e, err := Start(context.Background())
	if errors.Is(err, ErrNoNode) {
		t.Skipf("SES emulator unavailable: %v", err)
	}
	if err != nil {
		t.Fatalf("start SES emulator: %v", err)
	}
	t.Cleanup(e.Stop)
	return e
}

// Start starts the emulator on a free port of 127.0.0.1, using
// node_modules/.bin/aws-ses-v2-local under the repository root (found by
// walking up from the working directory to go.mod; npm installs it there
// first if it is missing), waits until it answers, and returns it. Stop kills
// it. It returns an error wrapping ErrNoNode when node or npm is missing.
func Start(ctx context.Context) (*Emulator, error) { return start(ctx, false) }

// StartDraining starts the emulator like Start, but its store hands each
// message out once: every Messages returns what arrived since the previous
// read and forgets it, atomically (sesemu/drain.cjs). (MessagesSince would
// forget the older messages without returning them.)
// Its memory stays flat however many messages it receives: the bench counts
// 100 000 letters with it.
func StartDraining(ctx context.Context) (*Emulator, error) { return start(ctx, true) }

func start(ctx context.Context, drain bool) (*Emulator, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoNode, err)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoNode, err)
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	bin, err := ensureInstalled(ctx, root)
	if err != nil {
		return nil, err
	}

	tmp, err := os.MkdirTemp("", "sesemu-")
	if err != nil {
		return nil, fmt.Errorf("sesemu: temp dir: %w", err)
	}
	logPath := filepath.Join(tmp, "emulator.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("sesemu: log file: %w", err)
	}
	// Port 0: the kernel picks a free port and the emulator prints it, so no
	// other process can take it between choosing and listening.
	name, args := bin, []string{"--host", "127.0.0.1", "--port", "0"}
	if drain {
		name, args = "node", append([]string{filepath.Join(root, "testkit", "sesemu", "drain.cjs")}, args...)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = root
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Env = append(os.Environ(), "SMTP_TRANSPORT=")
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("sesemu: start %s: %w", bin, err)
	}
	_ = logFile.Close() // the child has its own descriptor

	e := &Emulator{
		cmd:     cmd,
		logPath: logPath,
		tmpDir:  tmp,
		done:    make(chan struct{}),
		client:  &http.Client{Timeout: 10 * time.Second},
	}
	go func() {
		_ = cmd.Wait()
		close(e.done)
	}()

	if err := e.waitReady(ctx); err != nil {
		log := e.logTail()
		e.Stop()
		return nil, fmt.Errorf("sesemu: %w; emulator output:\n%s", err, log)
	}
	return e, nil
}

// portLine is what the emulator prints once it listens.
var portLine = regexp.MustCompile(`server running at https?://[^\s]*:(\d+)`)

// waitReady waits until the emulator has printed its port and answers
// GET /health-check.
func (e *Emulator) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if e.URL == "" {
			if data, err := os.ReadFile(e.logPath); err == nil {
				if m := portLine.FindSubmatch(data); m != nil {
					e.URL = "http://" + net.JoinHostPort("127.0.0.1", string(m[1]))
				}
			}
		}
		if e.URL != "" {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/health-check", nil)
			if err != nil {
				return fmt.Errorf("health-check request: %w", err)
			}
			if resp, err := e.client.Do(req); err == nil {
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return nil
				}
			}
		}
		select {
		case <-e.done:
			return fmt.Errorf("emulator exited before it was ready (%v)", e.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("emulator not ready: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// logTail returns the end of the emulator's output, for error messages.
func (e *Emulator) logTail() string {
	data, err := os.ReadFile(e.logPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// Stop kills the emulator and its process group and waits for it to exit. It
// may be called more than once.
func (e *Emulator) Stop() {
	if e.cmd == nil {
		return // Connect: not ours to stop
	}
	e.stopOnce.Do(func() {
		terminate(e.cmd, false)
		select {
		case <-e.done:
		case <-time.After(5 * time.Second):
			terminate(e.cmd, true)
			<-e.done
		}
		_ = os.RemoveAll(e.tmpDir)
	})
}

// Clear empties the emulator's store.
func (e *Emulator) Clear(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+"/clear-store", nil)
	if err != nil {
		return fmt.Errorf("sesemu: clear store: %w", err)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("sesemu: clear store: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
		return fmt.Errorf("sesemu: clear store: HTTP %d: %s", resp.StatusCode, body)
	}
	return nil
}

// storeJSON is the shape of GET /store.
type storeJSON struct {
	Emails []struct {
		MessageID   string   `json:"messageId"`
		From        string   `json:"from"`
		ReplyTo     []string `json:"replyTo"`
		Destination struct {
			To  []string `json:"to"`
			Cc  []string `json:"cc"`
			Bcc []string `json:"bcc"`
		} `json:"destination"`
		Subject string `json:"subject"`
		Body    struct {
			Text string `json:"text"`
			HTML string `json:"html"`
		} `json:"body"`
		Attachments []struct {
			Filename    string `json:"filename"`
			ContentType string `json:"contentType"`
			Content     string `json:"content"`
			Size        int    `json:"size"`
			CID         string `json:"cid"`
			Disposition string `json:"contentDisposition"`
		} `json:"attachments"`
		At int64 `json:"at"`
	} `json:"emails"`
}

// Connect returns an Emulator for one already running at url (started by
// scripts/ses-emulator.sh, say); Stop does nothing on it.
func Connect(url string) *Emulator {
	return &Emulator{URL: strings.TrimRight(url, "/"), client: &http.Client{Timeout: 10 * time.Second}}
}

// Messages returns what the emulator's store holds, oldest first.
func (e *Emulator) Messages(ctx context.Context) ([]StoredMessage, error) {
	return e.messages(ctx, e.URL+"/store")
}

// MessagesSince returns the messages received at or after since (the
// emulator keeps whole seconds), oldest first: a caller that polls a busy
// emulator reads each message about once instead of the whole store.
func (e *Emulator) MessagesSince(ctx context.Context, since time.Time) ([]StoredMessage, error) {
	return e.messages(ctx, fmt.Sprintf("%s/store?since=%d", e.URL, since.Unix()))
}

func (e *Emulator) messages(ctx context.Context, url string) ([]StoredMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("sesemu: read store: %w", err)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sesemu: read store: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("sesemu: read store: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sesemu: read store: HTTP %d: %s", resp.StatusCode, truncate(body, 1000))
	}
	return parseStore(body)
}

// parseStore decodes a GET /store answer.
func parseStore(body []byte) ([]StoredMessage, error) {
	var st storeJSON
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&st); err != nil {
		return nil, fmt.Errorf("sesemu: decode store: %w", err)
	}
	out := make([]StoredMessage, 0, len(st.Emails))
	for i, em := range st.Emails {
		m := StoredMessage{
			MessageID: em.MessageID,
			From:      em.From,
			Subject:   em.Subject,
			Text:      em.Body.Text,
			HTML:      em.Body.HTML,
			At:        time.Unix(em.At, 0),
		}
		var err error
		if m.To, err = addresses(em.Destination.To); err != nil {
			return nil, fmt.Errorf("sesemu: email %d: to: %w", i, err)
		}
		if m.Cc, err = addresses(em.Destination.Cc); err != nil {
			return nil, fmt.Errorf("sesemu: email %d: cc: %w", i, err)
		}
		if m.Bcc, err = addresses(em.Destination.Bcc); err != nil {
			return nil, fmt.Errorf("sesemu: email %d: bcc: %w", i, err)
		}
		if m.ReplyTo, err = addresses(em.ReplyTo); err != nil {
			return nil, fmt.Errorf("sesemu: email %d: reply-to: %w", i, err)
		}
		if from, err := addresses([]string{em.From}); err == nil && len(from) == 1 {
			m.FromAddress = from[0]
		}
		for j, a := range em.Attachments {
			data, err := base64.StdEncoding.DecodeString(a.Content)
			if err != nil {
				return nil, fmt.Errorf("sesemu: email %d: attachment %d: %w", i, j, err)
			}
			ct := a.ContentType
			if k := strings.IndexByte(ct, ';'); k >= 0 {
				ct = strings.TrimSpace(ct[:k])
			}
			sa := StoredAttachment{
				Filename:    a.Filename,
				ContentType: ct,
				Data:        data,
			}
			if a.CID != "" && a.Disposition == "inline" {
				m.Inline = append(m.Inline, sa)
				continue
			}
			m.Attachments = append(m.Attachments, sa)
		}
		out = append(out, m)
	}
	return out, nil
}

// addresses turns header texts ("A <a@x>, b@y") into bare addresses.
func addresses(headers []string) ([]string, error) {
	var out []string
	for _, h := range headers {
		if strings.TrimSpace(h) == "" {
			continue
		}
		list, err := mail.ParseAddressList(h)
		if err != nil {
			return nil, fmt.Errorf("parse %q: %w", h, err)
		}
		for _, a := range list {
			out = append(out, a.Address)
		}
	}
	return out, nil
}

// truncate returns at most n bytes of b as a string.
func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// RepoRoot returns the directory holding go.mod, walking up from the working
// directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("sesemu: working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("sesemu: no go.mod above the working directory")
		}
		dir = parent
	}
}

// ensureInstalled returns the emulator's command under root, running npm
// first if it is missing. A file lock keeps test binaries of several packages
// from installing at the same time.
func ensureInstalled(ctx context.Context, root string) (string, error) {
	bin := filepath.Join(root, "node_modules", ".bin", binName)
	if isExecutable(bin) {
		return bin, nil
	}
	unlock, err := lockInstall(root)
	if err != nil {
		return "", err
	}
	defer unlock()
	if isExecutable(bin) { // installed by another process meanwhile
		return bin, nil
	}

	ctx, cancel := context.WithTimeout(ctx, installTimeout)
	defer cancel()
	args := []string{"install", "--no-audit", "--no-fund"}
	if _, err := os.Stat(filepath.Join(root, "package-lock.json")); err == nil {
		args = []string{"ci", "--no-audit", "--no-fund"}
	}
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("sesemu: npm %s in %s: %w\n%s", args[0], root, err, truncate(out, 4000))
	}
	if !isExecutable(bin) {
		return "", fmt.Errorf("sesemu: npm %s in %s did not install %s (is it in package.json?)", args[0], root, bin)
	}
	return bin, nil
}

// isExecutable reports whether path is an executable file (following links).
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// errorf formats an error with the package prefix.
func errorf(format string, args ...any) error {
	return fmt.Errorf("sesemu: "+format, args...)
}
