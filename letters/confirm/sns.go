package confirm

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SNS SignatureVersion 1 is SHA1withRSA
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Event is one SES event about a message, as SNS delivered it.
type Event struct {
	MessageID string    // SES's message ID
	Type      string    // Send, Delivery, Bounce, Complaint, Reject, Rendering Failure, DeliveryDelay...
	Reference string    // the letter's reference (message tag mail.TagLetter), "" when none
	At        time.Time // when SES accepted the message (mail.timestamp)
}

// Recorder keeps the SES events the handler receives.
type Recorder interface {
	RecordSESEvent(ctx context.Context, e Event) error
}

// SNSHandler receives SES events through an SNS subscription (HTTPS):
// every message's signature is verified against the certificate SNS
// names (which must come from an sns.<region>.amazonaws.com host); a
// subscription is confirmed; a notification holding an SES event (event
// publishing: eventType; or a bounce/complaint notification:
// notificationType) is recorded with the letter reference its tags carry.
// The same endpoint serves the bounces and complaints.
type SNSHandler struct {
	Recorder Recorder
	Log      *slog.Logger
	// TagName is the message tag holding the reference (mail.TagLetter).
	TagName string
	// Fetch gets a URL SNS gave (its certificate, the subscription
	// confirmation); nil means an HTTP GET with a 10 s timeout. Tests
	// replace it.
	Fetch func(ctx context.Context, url string) ([]byte, error)
	// TopicARNs, when set, are the only topics accepted.
	TopicARNs []string

	mu    sync.Mutex
	certs map[string]*x509.Certificate
}

// snsMessage is an SNS HTTP(S) delivery.
type snsMessage struct {
	Type             string `json:"Type"`
	MessageID        string `json:"MessageId"`
	Token            string `json:"Token"`
	TopicArn         string `json:"TopicArn"`
	Subject          string `json:"Subject"`
	Message          string `json:"Message"`
	SubscribeURL     string `json:"SubscribeURL"`
	Timestamp        string `json:"Timestamp"`
	SignatureVersion string `json:"SignatureVersion"`
	Signature        string `json:"Signature"`
	SigningCertURL   string `json:"SigningCertURL"`
}

var snsHost = regexp.MustCompile(`^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// ErrSignature is returned for an SNS message whose signature does not verify.
var ErrSignature = errors.New("SNS signature does not verify")

// ServeHTTP implements http.Handler.
func (h *SNSHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 256<<10))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	status, err := h.Handle(r.Context(), body)
	if err != nil {
		h.log().Warn("SES event refused", "status", status, "err", err)
		http.Error(w, err.Error(), status)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// Handle processes one SNS delivery and returns the HTTP status to answer.
func (h *SNSHandler) Handle(ctx context.Context, body []byte) (int, error) {
	var m snsMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return http.StatusBadRequest, fmt.Errorf("not an SNS message: %w", err)
	}
	if len(h.TopicARNs) > 0 && !contains(h.TopicARNs, m.TopicArn) {
		return http.StatusForbidden, fmt.Errorf("SNS topic %q not accepted", m.TopicArn)
	}
	if err := h.verify(ctx, m); err != nil {
		return http.StatusForbidden, err
	}
	switch m.Type {
	case "SubscriptionConfirmation":
		if err := checkSNSURL(m.SubscribeURL); err != nil {
			return http.StatusBadRequest, err
		}
		if _, err := h.fetch(ctx, m.SubscribeURL); err != nil {
			return http.StatusBadGateway, fmt.Errorf("confirm the SNS subscription: %w", err)
		}
		h.log().Info("SNS subscription confirmed", "topic", m.TopicArn)
		return http.StatusOK, nil
	case "UnsubscribeConfirmation":
		return http.StatusOK, nil
	case "Notification":
		e, ok, err := ParseSESEvent([]byte(m.Message), h.TagName)
		if err != nil {
			return http.StatusBadRequest, err
		}
		if !ok {
			return http.StatusOK, nil // not an SES event: nothing to record
		}
		if err := h.Recorder.RecordSESEvent(ctx, e); err != nil {
			return http.StatusInternalServerError, err // SNS delivers it again
		}
		return http.StatusOK, nil
	}
	return http.StatusBadRequest, fmt.Errorf("unknown SNS message type %q", m.Type)
}

// ParseSESEvent reads an SES event (event publishing, or a bounce or
// complaint notification) from an SNS message body; ok is false when msg
// is not one. The reference is the first value of message tag tag.
func ParseSESEvent(msg []byte, tag string) (e Event, ok bool, err error) {
	var ev struct {
		EventType        string `json:"eventType"`
		NotificationType string `json:"notificationType"`
		Mail             struct {
			Timestamp time.Time           `json:"timestamp"`
			MessageID string              `json:"messageId"`
			Tags      map[string][]string `json:"tags"`
		} `json:"mail"`
	}
	if err := json.Unmarshal(msg, &ev); err != nil {
		return Event{}, false, fmt.Errorf("SES event: %w", err)
	}
	e.Type = ev.EventType
	if e.Type == "" {
		e.Type = ev.NotificationType
	}
	if e.Type == "" || ev.Mail.MessageID == "" {
		return Event{}, false, nil
	}
	e.MessageID, e.At = ev.Mail.MessageID, ev.Mail.Timestamp
	if v := ev.Mail.Tags[tag]; len(v) > 0 {
		e.Reference = v[0]
	}
	return e, true, nil
}

// verify checks m's signature with the certificate it names.
func (h *SNSHandler) verify(ctx context.Context, m snsMessage) error {
	if err := checkSNSURL(m.SigningCertURL); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	cert, err := h.cert(ctx, m.SigningCertURL)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: not an RSA certificate", ErrSignature)
	}
	text := []byte(StringToSign(m.Type, m.fields()))
	switch m.SignatureVersion {
	case "1":
		sum := sha1.Sum(text) //nolint:gosec
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig)
	case "2":
		sum := sha256.Sum256(text)
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	default:
		return fmt.Errorf("%w: unknown SignatureVersion %q", ErrSignature, m.SignatureVersion)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}

func (m snsMessage) fields() map[string]string {
	return map[string]string{
		"Message": m.Message, "MessageId": m.MessageID, "Subject": m.Subject, "SubscribeURL": m.SubscribeURL,
		"Timestamp": m.Timestamp, "Token": m.Token, "TopicArn": m.TopicArn, "Type": m.Type,
	}
}

// StringToSign is the text SNS signs for a message of type typ with
// fields (name → value), as AWS documents it.
func StringToSign(typ string, fields map[string]string) string {
	names := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if typ != "Notification" {
		names = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var b strings.Builder
	for _, n := range names {
		v, ok := fields[n]
		if n == "Subject" && (!ok || v == "") {
			continue
		}
		b.WriteString(n + "\n" + v + "\n")
	}
	return b.String()
}

func (h *SNSHandler) cert(ctx context.Context, u string) (*x509.Certificate, error) {
	h.mu.Lock()
	c, ok := h.certs[u]
	h.mu.Unlock()
	if ok {
		return c, nil
	}
	raw, err := h.fetch(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("get the SNS signing certificate: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, errors.New("the SNS signing certificate is not PEM")
	}
	c, err = x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the SNS signing certificate: %w", err)
	}
	h.mu.Lock()
	if h.certs == nil {
		h.certs = map[string]*x509.Certificate{}
	}
	h.certs[u] = c
	h.mu.Unlock()
	return c, nil
}

func (h *SNSHandler) fetch(ctx context.Context, u string) ([]byte, error) {
	if h.Fetch != nil {
		return h.Fetch(ctx, u)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<10))
}

// checkSNSURL accepts only https URLs of an SNS host.
func checkSNSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || !snsHost.MatchString(u.Hostname()) {
		return fmt.Errorf("URL %q is not an https URL of SNS", raw)
	}
	return nil
}

func (h *SNSHandler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
