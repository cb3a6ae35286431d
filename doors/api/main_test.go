package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/api"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/relance/relance/testkit/temporaltest"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
)

func TestMain(m *testing.M) {
	code := m.Run()
	temporaltest.StopShared()
	os.Exit(code)
}

const (
	sourceName = "bank"
	secret     = "bank-shared-secret-0123456789abcdef"
)

var today = calendar.Of(time.Now())

// fixture is one test's world: a fresh schema with the demo data under the
// test's company code, the API on a real HTTP server, its ops pointing at
// the shared Temporal dev server, in a namespace of its own.
type fixture struct {
	t       *testing.T
	company string
	st      *store.Store
	tc      client.Client
	srv     *httptest.Server
	logs    *bytes.Buffer
}

func newFixture(t *testing.T, company string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, _ := dbtest.New(t)
	if _, err := demo.Load(ctx, st, demo.Options{Today: today, Code: company, DaySeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetWebhookSource(ctx, sourceName, secret); err != nil {
		t.Fatal(err)
	}
	ts := temporaltest.Shared(t) // a namespace of the test's own: tests run in parallel
	tc, err := client.Dial(client.Options{HostPort: ts.Address, Namespace: ts.Namespace(t),
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	logs := &bytes.Buffer{}
	h := api.New(&actions.Ops{Store: st, Temporal: tc}, st, slog.New(slog.NewTextHandler(logs, nil)), time.Now)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fixture{t: t, company: company, st: st, tc: tc, srv: srv, logs: logs}
}

// answer is a decoded response.
type answer struct {
	status int
	body   map[string]any
	raw    string
}

func (a answer) str(key string) string {
	v, _ := a.body[key].(string)
	return v
}

func (f *fixture) do(req *http.Request) answer {
	f.t.Helper()
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// pay posts body to the webhook signed with secret at ts.
func (f *fixture) paySigned(body []byte, ts time.Time, key string) answer {
	f.t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/v1/payments", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderSource, sourceName)
	req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(api.HeaderSignature, api.Sign(key, ts.Unix(), body))
	return f.do(req)
}

func (f *fixture) pay(body []byte) answer { f.t.Helper(); return f.paySigned(body, time.Now(), secret) }

// payment is a webhook body for invoice of the fixture's company.
func (f *fixture) payment(invoice, amount, id string) []byte {
	b, _ := json.Marshal(map[string]any{"company": f.company, "invoice": invoice, "amount": amount,
		"currency": "EUR", "paidAt": today.String(), "externalId": id, "method": "transfer"})
	return b
}

// token creates a token and returns it.
func (f *fixture) token(name string, role store.Role) string {
	f.t.Helper()
	plain, _, err := f.st.CreateToken(context.Background(), name, role)
	if err != nil {
		f.t.Fatal(err)
	}
	return plain
}

// call sends an operator request with token.
func (f *fixture) call(method, path, token string, body any) answer {
	f.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			f.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return f.do(req)
}

func (f *fixture) balance(invoice string) string {
	f.t.Helper()
	ctx := context.Background()
	id, err := f.st.InvoiceID(ctx, f.company, invoice)
	if err != nil {
		f.t.Fatal(err)
	}
	chk, err := f.st.CheckInvoice(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return chk.Balance.StringFixed(2)
}

func (f *fixture) paymentsCount(externalID string) int {
	f.t.Helper()
	var n int
	if err := f.st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM payments WHERE external_id = $1`, externalID).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}
