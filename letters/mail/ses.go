package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// ErrRejected wraps errors where SES definitely did not accept the message
// (it answered with an error): safe to retry without risking a duplicate.
// IsPermanent tells whether retrying can help.
var ErrRejected = errors.New("rejected by SES")

// ErrNotSent wraps errors where the request provably never reached SES: the
// context was already done, credentials could not be had, the connection
// could not be opened (refused, DNS, TLS handshake). Safe to retry.
var ErrNotSent = errors.New("not sent to SES")

// ErrUncertain wraps errors after which the message may or may not have been
// accepted by SES: the connection broke or timed out after the request was
// written, or a success answer could not be read. Retrying may send the
// message twice.
var ErrUncertain = errors.New("SES outcome unknown")

// DefaultEmulatorRegion is the region used with an emulator endpoint when none
// is given.
const DefaultEmulatorRegion = "us-east-1"

// httpTimeout bounds one SendRawEmail call when the caller's context has no
// earlier deadline.
const httpTimeout = 60 * time.Second

// Sender sends messages.
type Sender interface {
	// Send sends m and returns the message ID given by the mail service.
	Send(ctx context.Context, m Message) (messageID string, err error)
}

// SES sends through Amazon SES SendRawEmail (aws-sdk-go-v2 service/ses, i.e.
// the SES v1 API), with the SDK's automatic retries disabled.
type SES struct {
	client *ses.Client

	// ConfigurationSet, if set, is passed as ConfigurationSetName (event
	// publishing of deliveries, bounces and complaints).
	ConfigurationSet string
}

var _ Sender = (*SES)(nil)

// NewSES builds an SES sender. endpoint "" means real AWS (default config
// chain; region "" takes the chain's region). A non-empty endpoint (the
// emulator, e.g. http://127.0.0.1:8005) sets BaseEndpoint, defaults the
// region to DefaultEmulatorRegion and, when neither AWS_ACCESS_KEY_ID nor
// AWS_PROFILE is set in the environment, uses static dummy credentials so that
// no credential provider (SSO, instance metadata) is consulted.
func NewSES(ctx context.Context, region, endpoint string) (*SES, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(httpTimeout)),
	}
	if endpoint != "" && region == "" {
		region = DefaultEmulatorRegion
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if endpoint != "" && os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider("relance-local", "relance-local", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: load AWS config: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("mail: no AWS region: pass one or set AWS_REGION")
	}
	return NewSESFromConfig(cfg, endpoint), nil
}

// NewSESFromConfig builds an SES sender from an existing AWS configuration;
// endpoint as for NewSES. The SDK's retries are disabled whatever cfg says.
func NewSESFromConfig(cfg aws.Config, endpoint string) *SES {
	client := ses.NewFromConfig(cfg, func(o *ses.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.Retryer = aws.NopRetryer{}
		o.RetryMaxAttempts = 0
	})
	return &SES{client: client}
}

// Send validates m, builds it with Raw and sends it with SendRawEmail. The
// envelope sender is From's address and the envelope recipients are the To
// addresses. It returns the SES message ID. Errors match exactly one of
// ErrInvalid, ErrNotSent, ErrRejected and ErrUncertain (see the package
// documentation).
func (s *SES) Send(ctx context.Context, m Message) (string, error) {
	raw, err := Raw(m)
	if err != nil {
		return "", fmt.Errorf("mail: send: %w", err)
	}
	if len(raw) > MaxRawSize {
		return "", fmt.Errorf("mail: send: %w: raw message is %d bytes, SES accepts at most %d", ErrInvalid, len(raw), MaxRawSize)
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil { // Raw validated it already
		return "", fmt.Errorf("mail: send: %w: from: %w", ErrInvalid, err)
	}
	dest := make([]string, 0, len(m.To))
	for _, to := range m.To {
		a, err := mail.ParseAddress(to)
		if err != nil {
			return "", fmt.Errorf("mail: send: %w: to: %w", ErrInvalid, err)
		}
		dest = append(dest, a.Address)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("mail: send to %s: %w: %w", strings.Join(dest, ", "), ErrNotSent, err)
	}

	in := &ses.SendRawEmailInput{
		RawMessage:   &sestypes.RawMessage{Data: raw},
		Source:       aws.String(from.Address),
		Destinations: dest,
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	in.Tags = messageTags(m.Tags)
	var transmitting atomic.Bool
	out, err := s.client.SendRawEmail(ctx, in, ses.WithAPIOptions(markTransmit(&transmitting)))
	if err != nil {
		return "", fmt.Errorf("mail: send to %s: %w", strings.Join(dest, ", "), classify(err, transmitting.Load()))
	}
	if out.MessageId == nil || *out.MessageId == "" {
		return "", fmt.Errorf("mail: send to %s: %w: SES answered without a message ID", strings.Join(dest, ", "), ErrUncertain)
	}
	return *out.MessageId, nil
}

// messageTags turns tags into SES message tags, sorted by name; characters
// SES refuses in a tag become '_'.
func messageTags(tags map[string]string) []sestypes.MessageTag {
	if len(tags) == 0 {
		return nil
	}
	names := make([]string, 0, len(tags))
	for n := range tags {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]sestypes.MessageTag, 0, len(names))
	for _, n := range names {
		out = append(out, sestypes.MessageTag{Name: aws.String(tagSafe(n)), Value: aws.String(tagSafe(tags[n]))})
	}
	return out
}

// tagSafe keeps the characters SES allows in message tags (ASCII letters,
// digits, '_' and '-'), at most 256 of them.
func tagSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) > 256 {
		b = b[:256]
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

// rejection is an error answer from SES.
type rejection struct {
	status    int    // HTTP status
	code      string // API error code, "" if the body could not be parsed
	permanent bool
	err       error
}

// Error describes the answer.
func (r *rejection) Error() string {
	kind := "retryable"
	if r.permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("%s (HTTP %d, %s): %v", ErrRejected, r.status, kind, r.err)
}

// Unwrap gives both ErrRejected and the SDK error.
func (r *rejection) Unwrap() []error { return []error{ErrRejected, r.err} }

// throttleCodes are the API error codes that mean "too fast, try later".
var throttleCodes = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "ThrottledException": true,
	"RequestThrottled": true, "RequestThrottledException": true,
	"TooManyRequestsException": true, "RequestLimitExceeded": true,
	"SlowDown": true, "BandwidthLimitExceeded": true,
	// A request the server gave up reading: not processed, worth a retry.
	"RequestTimeout": true, "RequestTimeoutException": true,
}

// markTransmit adds a middleware at the very end of the deserialize step,
// just before the HTTP client is called, that sets *flag. When it is still
// false after an error, the request failed while being prepared (endpoint,
// credentials, signing) and never left.
func markTransmit(flag *atomic.Bool) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("RelanceTransmitMarker",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
				middleware.DeserializeOutput, middleware.Metadata, error,
			) {
				flag.Store(true)
				return next.HandleDeserialize(ctx, in)
			}), middleware.After)
	}
}

// classify wraps an SDK error with ErrRejected, ErrNotSent or ErrUncertain.
// transmitting tells whether the request reached the HTTP client.
func classify(err error, transmitting bool) error {
	if !transmitting {
		return fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		// The SDK also wraps transport failures in a ResponseError, with
		// status 0: only a real HTTP answer counts.
		status := respErr.HTTPStatusCode()
		switch {
		case status == http.StatusGatewayTimeout:
			// A gateway gave up waiting for SES, which may have accepted it.
			return fmt.Errorf("%w: HTTP %d: %w", ErrUncertain, status, err)
		case status >= 300:
			r := &rejection{status: status, err: err}
			var apiErr smithy.APIError
			if errors.As(err, &apiErr) {
				r.code = apiErr.ErrorCode()
			}
			r.permanent = status < 500 && status != http.StatusTooManyRequests &&
				status != http.StatusRequestTimeout && !throttleCodes[r.code]
			return r
		case status >= 200:
			// SES said yes but the answer could not be read.
			return fmt.Errorf("%w: HTTP %d answer unreadable: %w", ErrUncertain, status, err)
		}
	}
	if notSent(err) {
		return fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	return fmt.Errorf("%w: %w", ErrUncertain, err)
}

// notSent reports whether a transport error proves that no request bytes
// reached SES: the connection could not be opened.
func notSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var certErr *tls.CertificateVerificationError
	return errors.As(err, &certErr)
}

// IsPermanent reports whether err is a failure that retrying will not fix:
// an invalid message, or an SES rejection with a 4xx status other than
// throttling (429, Throttling...) and request time-outs.
func IsPermanent(err error) bool {
	if errors.Is(err, ErrInvalid) {
		return true
	}
	var r *rejection
	return errors.As(err, &r) && r.permanent
}

// SafeToRetry reports whether sending the same message again can neither
// duplicate it (SES did not take it) nor be pointless (the failure is not
// permanent).
func SafeToRetry(err error) bool {
	if err == nil || IsPermanent(err) {
		return false
	}
	return errors.Is(err, ErrRejected) || errors.Is(err, ErrNotSent)
}
