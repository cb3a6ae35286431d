package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/dunning"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/platform/metrics"
)

// PaymentRequest is the body of POST /v1/payments.
type PaymentRequest struct {
	Company    string          `json:"company"`
	Invoice    string          `json:"invoice"`
	Amount     json.RawMessage `json:"amount"` // canonical decimal string ("1200.50"); numbers and other forms are refused
	Currency   string          `json:"currency"`
	PaidAt     string          `json:"paidAt"` // YYYY-MM-DD
	ExternalID string          `json:"externalId"`
	Method     string          `json:"method,omitempty"`
}

// PaymentResponse is the webhook's answer. A repeated delivery (same
// externalId) gets the same answer with duplicate set, and changes nothing.
type PaymentResponse struct {
	ExternalID string `json:"externalId"`
	Company    string `json:"company"`
	Invoice    string `json:"invoice"`
	Balance    string `json:"balance"`
	Duplicate  bool   `json:"duplicate"`
	Overpaid   string `json:"overpaid"`
	Signalled  bool   `json:"signalled"` // a running dunning workflow was told
}

// Sign returns the X-Relance-Signature header value of body sent at
// timestamp (unix seconds) with secret: "sha256=" and the hex HMAC-SHA256 of
// timestamp + "." + body.
func Sign(secret string, timestamp int64, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, strconv.FormatInt(timestamp, 10), body))
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// dummySecret is checked against when the source is unknown, so that an
// unknown source costs the same time as a wrong signature.
const dummySecret = "relance-unknown-source-0000000000"

func (s *server) payment(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	source, ok := s.verify(w, r, body)
	if !ok {
		return
	}
	info(r.Context()).actor = "source:" + source
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.webhookAnswer(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type must be application/json, not %q", r.Header.Get("Content-Type")))
		return
	}

	var req PaymentRequest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&req); err != nil {
		s.webhookAnswer(w, http.StatusBadRequest, jsonProblem(err).Error())
		return
	}
	if dec.More() {
		s.webhookAnswer(w, http.StatusBadRequest, "malformed JSON: data after the object")
		return
	}
	p, err := req.payment(source, calendar.Of(s.now()))
	if err != nil {
		s.webhookAnswer(w, http.StatusBadRequest, err.Error())
		return
	}
	scope, err := s.st.SourceScope(r.Context(), source)
	if err != nil {
		s.transient(w, r, source, err)
		return
	}
	if !scope.Allows(req.Company) {
		s.webhookAnswer(w, http.StatusForbidden, fmt.Sprintf("payment source %s may record payments of %s only, not of company %s", source, scope, req.Company))
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), temporalTimeout)
	defer cancel()
	out, err := s.ops.Pay(ctx, req.Company, req.Invoice, p)
	var conflict *store.PaymentConflict
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.webhookAnswer(w, http.StatusNotFound, fmt.Sprintf("unknown invoice %s of company %s: nothing recorded", req.Invoice, req.Company))
		return
	case errors.As(err, &conflict):
		writeJSON(w, http.StatusConflict, map[string]string{
			"error":  conflict.Error() + ": nothing recorded; send a new externalId for another payment",
			"source": source, "externalId": p.ExternalID,
			"recordedInvoice": conflict.RecordedInvoice, "recordedAmount": conflict.RecordedAmount.StringFixed(2),
			"invoice": req.Invoice, "amount": p.Amount.StringFixed(2),
		})
		return
	case errors.Is(err, store.ErrInvalid):
		s.webhookAnswer(w, http.StatusUnprocessableEntity, unwrapInvalid(err))
		return
	case permanent(err):
		// The database refused the data itself (a value out of range, a
		// character it cannot store): a retry would fail the same way.
		s.log.Warn("api: payment refused by the database", "request_id", info(r.Context()).id, "source", source, "err", err)
		s.webhookAnswer(w, http.StatusBadRequest, "the payment's data cannot be stored (a value out of range or an invalid character): nothing recorded")
		return
	case err != nil:
		s.transient(w, r, source, err)
		return
	}
	writeJSON(w, http.StatusOK, PaymentResponse{
		ExternalID: p.ExternalID, Company: req.Company, Invoice: req.Invoice,
		Balance: out.Result.Balance.StringFixed(2), Duplicate: out.Result.Duplicate,
		Overpaid: out.Result.Overpaid.StringFixed(2), Signalled: out.Signalled,
	})
	metrics.Payment(out.Result.Duplicate)
}

// transient answers 503 for a fault a retry can cure (database or Temporal
// unreachable). The payment may be recorded and only the signal have
// failed: a retry with the same externalId is safe (it counts once).
func (s *server) transient(w http.ResponseWriter, r *http.Request, source string, err error) {
	id := info(r.Context()).id
	s.log.Error("api: payment", "request_id", id, "source", source, "err", err)
	s.webhookAnswer(w, http.StatusServiceUnavailable, fmt.Sprintf(
		"payment could not be fully processed (request %s): retry with the same externalId, it will count once", id))
}

// webhookAnswer writes an error answer of the webhook.
func (s *server) webhookAnswer(w http.ResponseWriter, status int, msg string) {
	writeError(w, status, msg)
}

// countAnswers counts every answer of the webhook by status
// (relance_webhook_answers_total), refusals of the signature included.
func countAnswers(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() { metrics.WebhookAnswer(sw.status) }()
		h(sw, r)
	})
}

// permanent reports whether err is PostgreSQL refusing the data itself
// (class 22, data exception: numeric overflow, invalid text; class 23,
// integrity constraint), as opposed to a fault of the moment.
func permanent(err error) bool { return store.RefusedByDatabase(err) }

// verify checks the webhook headers and the body's signature and returns
// the payment source; it answers 401 and returns false otherwise.
func (s *server) verify(w http.ResponseWriter, r *http.Request, body []byte) (string, bool) {
	source := r.Header.Get(HeaderSource)
	ts := r.Header.Get(HeaderTimestamp)
	sig := r.Header.Get(HeaderSignature)
	var missing []string
	for _, h := range []struct{ name, v string }{{HeaderSource, source}, {HeaderTimestamp, ts}, {HeaderSignature, sig}} {
		if h.v == "" {
			missing = append(missing, h.name)
		}
	}
	if len(missing) > 0 {
		writeError(w, http.StatusUnauthorized, "missing header(s) "+strings.Join(missing, ", ")+": the payment webhook needs a signed request")
		return "", false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		writeError(w, http.StatusUnauthorized, HeaderTimestamp+" must be a Unix time in seconds")
		return "", false
	}
	if age := s.now().Sub(time.Unix(sec, 0)); age > SignatureTolerance || age < -SignatureTolerance {
		writeError(w, http.StatusUnauthorized, fmt.Sprintf("stale timestamp: %s is more than %s away from the server's clock", ts, SignatureTolerance))
		return "", false
	}
	got, err := hex.DecodeString(strings.TrimPrefix(sig, "sha256="))
	if !strings.HasPrefix(sig, "sha256=") || err != nil {
		writeError(w, http.StatusUnauthorized, HeaderSignature+` must be "sha256=" followed by the hex HMAC-SHA256 of timestamp + "." + body`)
		return "", false
	}
	secret, err := s.st.WebhookSecret(r.Context(), source)
	known := err == nil
	switch {
	case errors.Is(err, store.ErrNotFound):
		secret = dummySecret
	case err != nil:
		s.fault(w, r, "payment source look-up", err)
		return "", false
	}
	if !hmac.Equal(got, mac(secret, ts, body)) || !known {
		s.log.Warn("api: webhook signature refused", "request_id", info(r.Context()).id, "source_known", known)
		writeError(w, http.StatusUnauthorized, "signature refused: unknown source or wrong signature")
		return "", false
	}
	return source, true
}

// paidAtTolerance is how far in the future paidAt may be (time zones,
// value dates): one day.
const paidAtTolerance = 1

// payment checks the request and says what is missing or wrong. today is
// the server's date; paidAt may not be later than the next day.
func (req PaymentRequest) payment(source string, today calendar.Date) (dunning.Payment, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"company", req.Company}, {"invoice", req.Invoice}, {"externalId", req.ExternalID},
		{"amount", strings.TrimSpace(string(req.Amount))}, {"currency", req.Currency}, {"paidAt", req.PaidAt},
	} {
		if strings.TrimSpace(f.v) == "" || f.v == "null" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return dunning.Payment{}, fmt.Errorf("missing field(s): %s", strings.Join(missing, ", "))
	}
	for _, f := range []struct{ name, v string }{
		{"company", req.Company}, {"invoice", req.Invoice}, {"externalId", req.ExternalID},
		{"currency", req.Currency}, {"paidAt", req.PaidAt}, {"method", req.Method},
	} {
		if err := dunning.CheckText(f.name, f.v, dunning.MaxFieldLength); err != nil {
			return dunning.Payment{}, err
		}
	}
	amount, err := canonicalAmount(req.Amount)
	if err != nil {
		return dunning.Payment{}, err
	}
	paid, err := calendar.Parse(req.PaidAt)
	if err != nil {
		return dunning.Payment{}, fmt.Errorf("paidAt: %v", err)
	}
	if latest := today.AddDays(paidAtTolerance); paid.After(latest) {
		return dunning.Payment{}, fmt.Errorf("paidAt %s is in the future (today is %s): a payment is announced once made", paid, today)
	}
	return dunning.Payment{
		ExternalID: req.ExternalID, Amount: amount, Currency: strings.ToUpper(strings.TrimSpace(req.Currency)),
		PaidOn: paid, Method: req.Method, Source: source,
	}, nil
}

// canonicalAmount reads the amount field: a JSON string holding a
// canonical decimal (dunning.ParseAmount); a JSON number is refused.
func canonicalAmount(raw json.RawMessage) (decimal.Decimal, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return decimal.Decimal{}, fmt.Errorf(`amount must be a decimal string such as "1250.00" (a dot, at most two decimals, no thousands separator), not %s`, raw)
	}
	return dunning.ParseAmount(text)
}

// unwrapInvalid returns the rule's own words of a refusal of input, in
// English (store.ReasonText: the reason of the store.InvalidError in err's
// chain, which a messages.Problem says from the English catalog).
func unwrapInvalid(err error) string {
	return store.ReasonText(err)
}
