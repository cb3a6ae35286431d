package confirm_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/relance/relance/letters/confirm"
)

type recorded struct{ events []confirm.Event }

func (r *recorded) RecordSESEvent(_ context.Context, e confirm.Event) error {
	r.events = append(r.events, e)
	return nil
}

func (r *recorded) SESEventsOf(_ context.Context, ref string) ([]confirm.Event, error) {
	var out []confirm.Event
	for _, e := range r.events {
		if e.Reference == ref {
			out = append(out, e)
		}
	}
	return out, nil
}

// TestSNSHandlerRecordsVerifiedSendEvents: an SES Send event delivered by
// SNS with a valid signature is recorded with the letter's reference, and
// Events then confirms the letter; a message whose signature does not
// verify, or whose certificate is not on an SNS host, is refused.
func TestSNSHandlerRecordsVerifiedSendEvents(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.amazonaws.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	const certURL = "https://sns.eu-west-3.amazonaws.com/SimpleNotificationService-x.pem"
	rec := &recorded{}
	h := &confirm.SNSHandler{Recorder: rec, TagName: "relance-letter", Fetch: func(_ context.Context, u string) ([]byte, error) {
		return certPEM, nil
	}}
	at := time.Date(2026, 12, 7, 9, 0, 2, 0, time.UTC)
	sesEvent, _ := json.Marshal(map[string]any{"eventType": "Send", "mail": map[string]any{
		"timestamp": at.Format(time.RFC3339), "messageId": "ses-42", "tags": map[string][]string{"relance-letter": {"CLI0001-20261207-R1-DBCEFD"}},
	}})
	msg := map[string]string{
		"Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:aws:sns:eu-west-3:1:relance", "Message": string(sesEvent),
		"Timestamp": "2026-12-07T09:00:03.000Z", "SignatureVersion": "2", "SigningCertURL": certURL,
	}
	sum := sha256.Sum256([]byte(confirm.StringToSign("Notification", msg)))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	msg["Signature"] = base64.StdEncoding.EncodeToString(sig)
	ctx := context.Background()

	tampered := map[string]string{}
	for k, v := range msg {
		tampered[k] = v
	}
	tampered["Message"] = `{"eventType":"Send","mail":{"messageId":"forged","tags":{"relance-letter":["X"]}}}`
	elsewhere := map[string]string{}
	for k, v := range msg {
		elsewhere[k] = v
	}
	elsewhere["SigningCertURL"] = "https://evil.example.com/cert.pem"
	for _, bad := range []map[string]string{tampered, elsewhere} {
		body, _ := json.Marshal(bad)
		if status, err := h.Handle(ctx, body); status != http.StatusForbidden || err == nil {
			t.Errorf("a message with a bad signature answered %d %v, want 403", status, err)
		}
	}
	body, _ := json.Marshal(msg)
	if status, err := h.Handle(ctx, body); status != http.StatusOK || err != nil {
		t.Fatalf("a signed Send event answered %d %v", status, err)
	}
	if len(rec.events) != 1 || rec.events[0].Reference != "CLI0001-20261207-R1-DBCEFD" || rec.events[0].Type != "Send" || !rec.events[0].At.Equal(at) {
		t.Fatalf("recorded %+v", rec.events)
	}
	f, err := confirm.Events{Log: rec, Settle: time.Hour}.Check(ctx, "CLI0001-20261207-R1-DBCEFD", at)
	if err != nil || f.Verdict != confirm.Accepted || f.MessageID != "ses-42" {
		t.Errorf("check: %+v %v, want accepted as ses-42", f, err)
	}
}
