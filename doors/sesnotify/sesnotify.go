// Package sesnotify receives Amazon SES bounce and complaint notifications
// delivered by Amazon SNS over HTTPS, checks their signature against the
// SNS signing certificate, and marks the addresses undeliverable: the
// customer's next letter goes to print (store.MarkUndeliverable).
//
// Set the SES configuration set (SES_CONFIGURATION_SET on the worker) to
// publish Bounce and Complaint events to an SNS topic, or the identity's
// bounce and complaint notifications, and subscribe
// https://<server>/v1/ses/notifications to the topic: the subscription is
// confirmed by itself.
package sesnotify

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SNS signature version 1 is SHA1withRSA
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
	"strings"
	"sync"
	"time"

	"github.com/relance/relance/ledger/store"
)

// Path is where SNS posts.
const Path = "/v1/ses/notifications"

// maxBody bounds a notification (SNS messages are at most 256 KB).
const maxBody = 300 << 10

// Marker records undeliverable addresses (the store).
type Marker interface {
	MarkUndeliverable(ctx context.Context, email, kind, detail, messageID string) error
}

// Handler receives SNS messages.
type Handler struct {
	Store Marker
	Log   *slog.Logger
	// Client fetches signing certificates and confirms subscriptions.
	Client *http.Client
	// TrustedHost reports whether a certificate or subscription URL's host
	// may be fetched; nil means an SNS host of AWS ("sns.<region>.
	// amazonaws.com"). Tests serve their own certificate.
	TrustedHost func(host string) bool
	// Insecure allows http:// certificate URLs (tests only).
	Insecure bool

	mu    sync.Mutex
	certs map[string]*x509.Certificate
}

// AWSHost is the default TrustedHost: sns.<region>.amazonaws.com (and
// the China partition's amazonaws.com.cn).
func AWSHost(host string) bool {
	return strings.HasPrefix(host, "sns.") && (strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn"))
}

// Message is an SNS message as posted over HTTP.
type Message struct {
	Type             string `json:"Type"`
	MessageID        string `json:"MessageId"`
	Token            string `json:"Token,omitempty"`
	TopicArn         string `json:"TopicArn"`
	Subject          string `json:"Subject,omitempty"`
	Message          string `json:"Message"`
	Timestamp        string `json:"Timestamp"`
	SignatureVersion string `json:"SignatureVersion"`
	Signature        string `json:"Signature"`
	SigningCertURL   string `json:"SigningCertURL"`
	SubscribeURL     string `json:"SubscribeURL,omitempty"`
}

// StringToSign is what SNS signs for m (its documented field order).
func (m Message) StringToSign() string {
	var b strings.Builder
	add := func(k, v string) { b.WriteString(k + "\n" + v + "\n") }
	add("Message", m.Message)
	add("MessageId", m.MessageID)
	if m.Type == "Notification" {
		if m.Subject != "" {
			add("Subject", m.Subject)
		}
	} else {
		add("SubscribeURL", m.SubscribeURL)
	}
	add("Timestamp", m.Timestamp)
	if m.Type != "Notification" {
		add("Token", m.Token)
	}
	add("TopicArn", m.TopicArn)
	add("Type", m.Type)
	return b.String()
}

// Errors of Verify.
var (
	ErrUntrustedURL = errors.New("certificate URL not trusted")
	ErrSignature    = errors.New("signature does not verify")
)

// ServeHTTP takes one SNS message: 204 when done, 400 for a message that
// cannot be read, 403 for a signature that does not verify (nothing is
// recorded then).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	log := h.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "unreadable or too large", http.StatusBadRequest)
		return
	}
	var m Message
	if err := json.Unmarshal(body, &m); err != nil || m.Type == "" {
		log.Warn("SES notification refused: not an SNS message")
		http.Error(w, "not an SNS message", http.StatusBadRequest)
		return
	}
	if err := h.Verify(r.Context(), m); err != nil {
		log.Warn("SES notification refused", "sns_message", m.MessageID, "err", err)
		http.Error(w, "signature refused", http.StatusForbidden)
		return
	}
	switch m.Type {
	case "SubscriptionConfirmation":
		if err := h.confirm(r.Context(), m.SubscribeURL); err != nil {
			log.Error("SNS subscription not confirmed", "topic", m.TopicArn, "err", err)
			http.Error(w, "confirmation failed", http.StatusBadGateway)
			return
		}
		log.Info("SNS subscription confirmed", "topic", m.TopicArn)
	case "Notification":
		n, err := h.record(r.Context(), m)
		if err != nil {
			log.Error("SES notification not recorded", "sns_message", m.MessageID, "err", err)
			http.Error(w, "not recorded", http.StatusInternalServerError) // SNS retries
			return
		}
		log.Info("SES notification", "sns_message", m.MessageID, "undeliverable_addresses", n)
	}
	w.WriteHeader(http.StatusNoContent)
}

// Verify checks m's signature with the certificate its SigningCertURL
// names, which must be an HTTPS URL of a trusted host.
func (h *Handler) Verify(ctx context.Context, m Message) error {
	cert, err := h.cert(ctx, m.SigningCertURL)
	if err != nil {
		return err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: not an RSA certificate", ErrSignature)
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	var hash crypto.Hash
	var sum []byte
	switch m.SignatureVersion {
	case "1":
		s := sha1.Sum([]byte(m.StringToSign())) //nolint:gosec
		hash, sum = crypto.SHA1, s[:]
	case "2":
		s := sha256.Sum256([]byte(m.StringToSign()))
		hash, sum = crypto.SHA256, s[:]
	default:
		return fmt.Errorf("%w: signature version %q", ErrSignature, m.SignatureVersion)
	}
	if err := rsa.VerifyPKCS1v15(pub, hash, sum, sig); err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return nil
}

func (h *Handler) trusted(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(h.Insecure && u.Scheme == "http")) {
		return nil, fmt.Errorf("%w: %q", ErrUntrustedURL, raw)
	}
	trust := h.TrustedHost
	if trust == nil {
		trust = AWSHost
	}
	if !trust(u.Hostname()) {
		return nil, fmt.Errorf("%w: host %q", ErrUntrustedURL, u.Hostname())
	}
	return u, nil
}

func (h *Handler) client() *http.Client {
	if h.Client != nil {
		return h.Client
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// cert returns the certificate at raw, fetched once.
func (h *Handler) cert(ctx context.Context, raw string) (*x509.Certificate, error) {
	u, err := h.trusted(raw)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	c, ok := h.certs[u.String()]
	h.mu.Unlock()
	if ok {
		return c, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := h.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch signing certificate: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch signing certificate: HTTP %d %v", resp.StatusCode, err)
	}
	block, _ := pem.Decode(body)
	if block == nil {
		return nil, fmt.Errorf("%w: signing certificate is not PEM", ErrSignature)
	}
	c, err = x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: signing certificate: %v", ErrSignature, err)
	}
	h.mu.Lock()
	if h.certs == nil {
		h.certs = map[string]*x509.Certificate{}
	}
	h.certs[u.String()] = c
	h.mu.Unlock()
	return c, nil
}

// confirm visits a subscription's SubscribeURL.
func (h *Handler) confirm(ctx context.Context, raw string) error {
	u, err := h.trusted(raw)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := h.client().Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// sesNotification is the part of an SES notification (or event) read.
type sesNotification struct {
	NotificationType string `json:"notificationType"` // identity notifications
	EventType        string `json:"eventType"`        // configuration-set events
	Bounce           struct {
		BounceType        string `json:"bounceType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
	} `json:"bounce"`
	Complaint struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		FeedbackType string `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Mail struct {
		MessageID string `json:"messageId"`
	} `json:"mail"`
}

// record marks the addresses a bounce (permanent only: a transient one is
// a full mailbox, tried again next time) or a complaint names, and
// returns how many.
func (h *Handler) record(ctx context.Context, m Message) (int, error) {
	var n sesNotification
	if err := json.Unmarshal([]byte(m.Message), &n); err != nil {
		return 0, nil // another kind of message on the topic: nothing to do
	}
	kind := n.NotificationType
	if kind == "" {
		kind = n.EventType
	}
	count := 0
	switch kind {
	case "Bounce":
		if n.Bounce.BounceType != "Permanent" {
			return 0, nil
		}
		for _, r := range n.Bounce.BouncedRecipients {
			if err := h.Store.MarkUndeliverable(ctx, bare(r.EmailAddress), store.UndeliverableBounce, r.DiagnosticCode, n.Mail.MessageID); err != nil {
				return count, err
			}
			count++
		}
	case "Complaint":
		for _, r := range n.Complaint.ComplainedRecipients {
			if err := h.Store.MarkUndeliverable(ctx, bare(r.EmailAddress), store.UndeliverableComplaint, n.Complaint.FeedbackType, n.Mail.MessageID); err != nil {
				return count, err
			}
			count++
		}
	}
	return count, nil
}

// bare is the address of "Name <a@b>" or "a@b".
func bare(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		s = strings.TrimSuffix(s[i+1:], ">")
	}
	return strings.TrimSpace(s)
}
