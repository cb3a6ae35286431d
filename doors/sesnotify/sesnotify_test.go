package sesnotify_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/activities"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/sesnotify"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/mail"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/workflows/wire"
	"github.com/shopspring/decimal"
)

// signer is an SNS signing certificate made in the test, served over
// HTTPS by certServer.
type signer struct {
	key     *rsa.PrivateKey
	certURL string
	server  *httptest.Server
}

func newSigner(t *testing.T) *signer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pemCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cert.pem" {
			w.Write(pemCert)
			return
		}
		w.WriteHeader(http.StatusOK) // subscription confirmed
	}))
	t.Cleanup(srv.Close)
	return &signer{key: key, certURL: srv.URL + "/cert.pem", server: srv}
}

func (s *signer) sign(t *testing.T, m sesnotify.Message, version string) []byte {
	t.Helper()
	m.SignatureVersion, m.SigningCertURL = version, s.certURL
	var sig []byte
	var err error
	if version == "1" {
		sum := sha1.Sum([]byte(m.StringToSign())) //nolint:gosec
		sig, err = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA1, sum[:])
	} else {
		sum := sha256.Sum256([]byte(m.StringToSign()))
		sig, err = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	}
	if err != nil {
		t.Fatal(err)
	}
	m.Signature = base64.StdEncoding.EncodeToString(sig)
	b, _ := json.Marshal(m)
	return b
}

func bounce(address, bounceType string) sesnotify.Message {
	inner, _ := json.Marshal(map[string]any{
		"notificationType": "Bounce",
		"bounce": map[string]any{"bounceType": bounceType, "bouncedRecipients": []map[string]string{
			{"emailAddress": address, "diagnosticCode": "smtp; 550 5.1.1 user unknown"}}},
		"mail": map[string]string{"messageId": "0100-ses-1"},
	})
	return sesnotify.Message{Type: "Notification", MessageID: "sns-1", TopicArn: "arn:aws:sns:eu-west-3:1:ses",
		Message: string(inner), Timestamp: "2026-12-07T09:00:00.000Z"}
}

// TestBounceTurnsTheNextLetterToPrint: a signed SNS bounce notification
// marks the customer's address undeliverable, and the customer's next
// statement goes to print instead of SES. Unsigned, tampered or
// untrusted messages change nothing.
func TestBounceTurnsTheNextLetterToPrint(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	coID, err := st.CreateCompany(ctx, store.Company{Code: "ACME", LegalName: "ACME SAS", SenderEmail: "r@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertCustomer(ctx, coID, store.Customer{Code: "C1", Name: "Bistrot", Emails: []string{"Chef@Bistrot.example"}}); err != nil {
		t.Fatal(err)
	}
	invID, err := st.UpsertInvoice(ctx, coID, store.NewInvoice{Number: "FA1", Customer: "C1", IssueDate: calendar.New(2026, 10, 1),
		DueDate: calendar.New(2026, 10, 31), Amount: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100)})
	if err != nil {
		t.Fatal(err)
	}
	s := newSigner(t)
	u, _ := url.Parse(s.server.URL)
	h := &sesnotify.Handler{Store: st, Log: slog.Default(), Client: s.server.Client(),
		TrustedHost: func(host string) bool { return host == u.Hostname() }}
	post := func(body []byte) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, sesnotify.Path, bytes.NewReader(body)))
		return rec.Code
	}
	tampered := s.sign(t, bounce("chef@bistrot.example", "Permanent"), "2")
	tampered = bytes.Replace(tampered, []byte("chef@bistrot"), []byte("boss@bistrot"), 1)
	aws := &sesnotify.Handler{Store: st, Client: s.server.Client()} // production: only sns.*.amazonaws.com
	rec := httptest.NewRecorder()
	aws.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, sesnotify.Path, bytes.NewReader(s.sign(t, bounce("chef@bistrot.example", "Permanent"), "1"))))
	for name, code := range map[string]int{
		"tampered":         post(tampered),
		"untrusted host":   rec.Code,
		"not JSON":         post([]byte("<xml/>")),
		"transient bounce": post(s.sign(t, bounce("chef@bistrot.example", "Transient"), "2")),
		"subscription":     post(s.sign(t, sesnotify.Message{Type: "SubscriptionConfirmation", MessageID: "s", Token: "tok", TopicArn: "arn", Message: "confirm", Timestamp: "t", SubscribeURL: s.server.URL + "/confirm"}, "2")),
	} {
		want := map[string]int{"tampered": 403, "untrusted host": 403, "not JSON": 400, "transient bounce": 204, "subscription": 204}[name]
		if code != want {
			t.Errorf("%s: HTTP %d, want %d", name, code, want)
		}
	}
	subj, _ := st.LetterSubjectOf(ctx, invID)
	if len(subj.Customer.Emails) != 1 {
		t.Fatalf("an address was marked by a refused or transient notification: %v", subj.Customer.Emails)
	}
	if code := post(s.sign(t, bounce("chef@bistrot.example", "Permanent"), "1")); code != http.StatusNoContent {
		t.Fatalf("signed bounce: HTTP %d", code)
	}
	box := &mailbox{}
	a := &activities.Activities{Store: st, Mailer: box, Log: slog.Default()}
	lad, _ := st.Ladder(ctx, coID)
	res, err := a.SendStatement(ctx, wire.CustomerLetterRequest{Key: "letters/ACME/C1/2026-12-07/run/1", Company: "ACME", Customer: "C1",
		Date: calendar.New(2026, 12, 7), Items: []wire.LetterItem{{InvoiceID: invID, Invoice: "FA1", Level: lad[0], Sequence: 1, WorkflowID: "w"}}})
	if err != nil || len(res) != 1 || res[0].Status != wire.LetterPrint || len(box.sent) != 0 {
		t.Fatalf("next letter: %+v, %v, %d e-mails: want a print letter", res, err, len(box.sent))
	}
	cust, _ := st.CustomerByCode(ctx, "ACME", "C1")
	bad, _ := st.UndeliverableOf(ctx, cust.ID)
	if len(bad) != 1 || !strings.Contains(bad[0].Detail, "550") {
		t.Errorf("customer record shows %+v", bad)
	}
}

type mailbox struct{ sent []mail.Message }

func (m *mailbox) Send(_ context.Context, msg mail.Message) (string, error) {
	m.sent = append(m.sent, msg)
	return "id", nil
}
