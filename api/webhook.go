package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/calendar"
	"github.com/relance/relance/dunning"
	"github.com/relance/relance/money"
	"github.com/relance/relance/store"
)

// PaymentRequest is the body of POST /v1/payments.
type PaymentRequest struct {
	Company    string          `json:"company"`
	Invoice    string          `json:"invoice"`
	Amount     json.RawMessage `json:"amount"` // decimal string ("1200.50"); a JSON number is accepted
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

	var req PaymentRequest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, jsonProblem(err).Error())
		return
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "malformed JSON: data after the object")
		return
	}
	p, err := req.payment(source)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), temporalTimeout)
	defer cancel()
	out, err := s.ops.Pay(ctx, req.Company, req.Invoice, p)
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown invoice %s of company %s: nothing recorded", req.Invoice, req.Company))
		return
	case errors.Is(err, store.ErrInvalid):
		writeError(w, http.StatusUnprocessableEntity, unwrapInvalid(err))
		return
	case err != nil:
		// The payment may be recorded and only the signal have failed:
		// a retry with the same externalId is safe (it counts once).
		id := info(r.Context()).id
		s.log.Error("api: payment", "request_id", id, "source", source, "err", err)
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf(
			"payment could not be fully processed (request %s): retry with the same externalId, it will count once", id))
		return
	}
	writeJSON(w, http.StatusOK, PaymentResponse{
		ExternalID: p.ExternalID, Company: req.Company, Invoice: req.Invoice,
		Balance: out.Result.Balance.StringFixed(2), Duplicate: out.Result.Duplicate,
		Overpaid: out.Result.Overpaid.StringFixed(2), Signalled: out.Signalled,
	})
}

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

// payment checks the request and says what is missing or wrong.
func (req PaymentRequest) payment(source string) (dunning.Payment, error) {
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
	text := string(req.Amount)
	if strings.HasPrefix(text, `"`) {
		if err := json.Unmarshal(req.Amount, &text); err != nil {
			return dunning.Payment{}, fmt.Errorf("amount: %v", err)
		}
	}
	amount, err := money.ParsePositive(text)
	if err != nil {
		return dunning.Payment{}, err
	}
	paid, err := calendar.Parse(req.PaidAt)
	if err != nil {
		return dunning.Payment{}, fmt.Errorf("paidAt: %v", err)
	}
	return dunning.Payment{
		ExternalID: req.ExternalID, Amount: amount, Currency: strings.ToUpper(strings.TrimSpace(req.Currency)),
		PaidOn: paid, Method: req.Method, Source: source,
	}, nil
}

// unwrapInvalid returns the rule's own words from a store error wrapping
// ErrInvalid ("record payment X on invoice id N: invalid: <reason>").
func unwrapInvalid(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, store.ErrInvalid.Error()+": "); i >= 0 {
		return msg[i+len(store.ErrInvalid.Error())+2:]
	}
	return msg
}
