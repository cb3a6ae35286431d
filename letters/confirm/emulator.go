package confirm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf16"
)

// EmulatorStore confirms letters from the SES emulator's store
// (aws-ses-v2-local, GET /store): it keeps parsed fields only (subject,
// bodies, recipients, attachments), so a letter is found by the reference
// its PDF carries.
type EmulatorStore struct {
	// URL is the emulator's base URL (SES_ENDPOINT).
	URL string
	// Settle is how long after the claim a letter absent from the store
	// counts as never accepted: longer than a request may take to reach
	// the emulator.
	Settle time.Duration
	// Client is the HTTP client; nil means one with a 10 s timeout.
	Client *http.Client
}

// Check implements Checker.
func (e EmulatorStore) Check(ctx context.Context, reference string, since time.Time) (Finding, error) {
	client := e.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	url := fmt.Sprintf("%s/store?since=%d", strings.TrimRight(e.URL, "/"), since.Add(-time.Minute).Unix())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Finding{}, fmt.Errorf("confirm: read the SES emulator's store: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Finding{}, fmt.Errorf("confirm: read the SES emulator's store: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Finding{}, fmt.Errorf("confirm: read the SES emulator's store: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return Finding{}, fmt.Errorf("confirm: read the SES emulator's store: HTTP %d", resp.StatusCode)
	}
	var store struct {
		Emails []struct {
			MessageID   string `json:"messageId"`
			Subject     string `json:"subject"`
			Attachments []struct {
				Content string `json:"content"`
			} `json:"attachments"`
			At int64 `json:"at"`
		} `json:"emails"`
	}
	if err := json.Unmarshal(body, &store); err != nil {
		return Finding{}, fmt.Errorf("confirm: decode the SES emulator's store: %w", err)
	}
	for _, m := range store.Emails {
		found := strings.Contains(m.Subject, reference)
		for _, a := range m.Attachments {
			if found {
				break
			}
			data, err := base64.StdEncoding.DecodeString(a.Content)
			if err == nil && Carries(data, reference) {
				found = true
			}
		}
		if found {
			return Finding{Verdict: Accepted, At: time.Unix(m.At, 0), MessageID: m.MessageID,
				Detail: "found in the SES emulator's store"}, nil
		}
	}
	if time.Since(since) >= e.Settle {
		return Finding{Verdict: NeverAccepted, Detail: fmt.Sprintf("not in the SES emulator's store %s after the claim", e.Settle)}, nil
	}
	return Finding{Verdict: Unknown, Detail: "not in the SES emulator's store yet"}, nil
}

// Carries reports whether a letter's PDF carries reference: the document's
// Subject holds it, written as text or as UTF-16BE (with its byte-order
// mark) as the PDF library writes Unicode strings.
func Carries(pdf []byte, reference string) bool {
	if reference == "" {
		return false
	}
	if bytes.Contains(pdf, []byte("("+reference+")")) {
		return true
	}
	u := utf16.Encode([]rune(reference))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = binary.BigEndian.AppendUint16(b, c)
	}
	return bytes.Contains(pdf, b)
}
