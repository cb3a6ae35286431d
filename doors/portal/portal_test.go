package portal_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/portal"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/letters/portallink"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// noWorkflows is a Temporal client for which no invoice has a dunning
// running: answers are recorded, nothing is paused.
type noWorkflows struct{ client.Client }

func (noWorkflows) UpdateWorkflow(context.Context, client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	return nil, serviceerror.NewNotFound("no workflow")
}

type fixture struct {
	st     *store.Store
	links  *portallink.Links
	srv    *httptest.Server
	c1, c2 int64 // customers
	inv2   int64 // C2's invoice
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, _ := dbtest.New(t)
	ctx := context.Background()
	co, err := st.CreateCompany(ctx, store.Company{Code: "ACME", LegalName: "ACME SAS", SenderEmail: "r@acme.example", IBAN: "FR7630006000011234567890189"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, now: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	for i, code := range []string{"C1", "C2"} {
		id, err := st.UpsertCustomer(ctx, co, store.Customer{Code: code, Name: "Client " + code, Emails: []string{code + "@x.example"}})
		if err != nil {
			t.Fatal(err)
		}
		inv, err := st.UpsertInvoice(ctx, co, store.NewInvoice{Number: "FA-" + code, Customer: code, IssueDate: calendar.New(2026, 10, 1),
			DueDate: calendar.New(2026, 10, 31), Amount: decimal.NewFromInt(int64(100 * (i + 1))), Balance: decimal.NewFromInt(int64(100 * (i + 1)))})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.c1 = id
		} else {
			f.c2, f.inv2 = id, inv
		}
	}
	f.links, _ = portallink.New([]byte(strings.Repeat("z", 32)), "http://portal.test", 30*24*time.Hour)
	p, err := portal.New(&actions.Ops{Store: st, Temporal: noWorkflows{}}, f.links, slog.Default(), func() time.Time { return f.now })
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(p.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) path(customer int64, version int, issued time.Time) string {
	return strings.TrimPrefix(f.links.URL(customer, version, issued), "http://portal.test")
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post sends an answer and returns where the page sent the browser back.
func post(t *testing.T, u string, form url.Values) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestLinkIsCheckedAndNothingOfAnotherCustomerShows: a tampered, expired
// or revoked link is refused; a good one shows its customer's items only;
// another customer's invoice cannot be reached nor answered about.
func TestLinkIsCheckedAndNothingOfAnotherCustomerShows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := f.path(f.c1, 1, f.now)
	code, body := get(t, f.srv.URL+good)
	if code != http.StatusOK || !strings.Contains(body, "FA-C1") || strings.Contains(body, "FA-C2") || !strings.Contains(body, "100,00") {
		t.Fatalf("good link: HTTP %d\n%s", code, body)
	}
	token := strings.TrimPrefix(good, "/p/")
	tampered := "/p/" + token[:len(token)-3] + "AAA"
	if token[len(token)-3:] == "AAA" {
		tampered = "/p/" + token[:len(token)-3] + "BBB"
	}
	for name, tt := range map[string]struct {
		path string
		want int
	}{
		"tampered":         {tampered, http.StatusNotFound},
		"expired":          {f.path(f.c1, 1, f.now.Add(-31*24*time.Hour)), http.StatusGone},
		"old version":      {f.path(f.c1, 0, f.now), http.StatusGone},
		"no token":         {"/p/", http.StatusNotFound},
		"other's invoice":  {good + "/invoices/" + itoa(f.inv2) + ".pdf", http.StatusNotFound},
		"other's letter":   {good + "/letters/1.pdf", http.StatusNotFound},
		"unknown customer": {f.path(999999, 1, f.now), http.StatusNotFound},
	} {
		if code, body := get(t, f.srv.URL+tt.path); code != tt.want || strings.Contains(body, "FA-C2") {
			t.Errorf("%s: HTTP %d, want %d", name, code, tt.want)
		}
	}
	// An answer naming C2's invoice through C1's link is refused.
	code, loc := post(t, f.srv.URL+good+"/answer", url.Values{"kind": {"dispute"}, "invoice": {itoa(f.inv2)}, "reason": {"Autre"}})
	if code != http.StatusSeeOther || !strings.Contains(loc, "error=err.items") {
		t.Errorf("answer about another customer's invoice: HTTP %d to %s", code, loc)
	}
	// Revoking the links of C1 turns the good link away.
	if err := f.st.RevokePortalLinks(context.Background(), "ACME", "C1"); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, f.srv.URL+good); code != http.StatusGone {
		t.Errorf("revoked link: HTTP %d", code)
	}
}

// TestAnswersAreCheckedAndLimited: hostile or wrong input is refused with
// a reason, good answers are recorded, and a customer's answers are
// limited per hour.
func TestAnswersAreCheckedAndLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := f.srv.URL + f.path(f.c1, 1, f.now) + "/answer"
	inv1, _ := f.st.InvoiceID(context.Background(), "ACME", "FA-C1")
	for name, tt := range map[string]struct {
		form url.Values
		want string
	}{
		"unknown kind":      {url.Values{"kind": {"drop table"}}, "error=err.form"},
		"future payment":    {url.Values{"kind": {"paid"}, "invoice": {itoa(inv1)}, "paid_on": {"2027-01-01"}, "amount": {"100"}}, "error=err.paiddate"},
		"bad amount":        {url.Values{"kind": {"paid"}, "invoice": {itoa(inv1)}, "paid_on": {"2026-12-01"}, "amount": {"1e9999"}}, "error=err.amount"},
		"no invoice":        {url.Values{"kind": {"paid"}, "paid_on": {"2026-12-01"}, "amount": {"100"}}, "error=err.noitems"},
		"reason not listed": {url.Values{"kind": {"dispute"}, "invoice": {itoa(inv1)}, "reason": {"<script>"}}, "error=err.reason"},
		"promise too far":   {url.Values{"kind": {"promise"}, "until": {"2027-06-01"}}, "error=err.promise"},
		"control chars":     {url.Values{"kind": {"message"}, "message": {"hi\x00there"}}, "error=err.text"},
		"bidi override":     {url.Values{"kind": {"message"}, "message": {"abc\u202edef"}}, "error=err.text"},
		"too long":          {url.Values{"kind": {"message"}, "message": {strings.Repeat("x", 2001)}}, "error=err.text"},
		"not an id":         {url.Values{"kind": {"message"}, "message": {"x"}, "invoice": {"1 OR 1=1"}}, "error=err.items"},
	} {
		if _, loc := post(t, good, tt.form); !strings.Contains(loc, tt.want) {
			t.Errorf("%s: sent back to %q, want %q", name, loc, tt.want)
		}
	}
	_, loc := post(t, good, url.Values{"kind": {"message"}, "message": {"<b>Bonjour</b>, appelez-moi"}})
	if !strings.Contains(loc, "done=message") {
		t.Fatalf("message: sent back to %q", loc)
	}
	_, loc = post(t, good, url.Values{"kind": {"promise"}, "until": {"2026-12-20"}})
	if !strings.Contains(loc, "done=promise") {
		t.Fatalf("promise: sent back to %q", loc)
	}
	answers, err := f.st.Answers(context.Background(), store.AnswerFilter{Company: "ACME"})
	if err != nil || len(answers) != 2 || answers[0].Kind != store.AnswerPromise || answers[1].Message != "<b>Bonjour</b>, appelez-moi" {
		t.Fatalf("answers = %+v, %v", answers, err)
	}
	if !strings.Contains(answers[0].Outcome, "no dunning running") || answers[0].Until != calendar.New(2026, 12, 20) {
		t.Errorf("promise outcome %q until %s", answers[0].Outcome, answers[0].Until)
	}
	_, page := get(t, f.srv.URL+f.path(f.c1, 1, f.now)+"?done=message")
	if strings.Contains(page, "<b>Bonjour") || !strings.Contains(page, "&lt;b&gt;Bonjour") {
		t.Error("the customer's message is not escaped on the page")
	}
	for i := 2; i < portal.MaxAnswersPerHour; i++ {
		post(t, good, url.Values{"kind": {"message"}, "message": {"again"}})
	}
	if _, loc := post(t, good, url.Values{"kind": {"message"}, "message": {"one too many"}}); !strings.Contains(loc, "error=err.toomany") {
		t.Errorf("answer over the hourly limit: sent back to %q", loc)
	}
}

func itoa(n int64) string { return decimal.NewFromInt(n).String() }

// TestPageUsesTheCompanysTimeZone: for a company in Nouméa, the page's
// "today" (days late) and the times of the answers are Nouméa's, not
// Paris's.
func TestPageUsesTheCompanysTimeZone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.st.Pool.Exec(ctx, `UPDATE companies SET time_zone = 'Pacific/Noumea' WHERE code = 'ACME'`); err != nil {
		t.Fatal(err)
	}
	f.now = time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC) // 8 December 07:00 in Nouméa, 7 December 21:00 in Paris
	if _, err := f.st.Pool.Exec(ctx, `INSERT INTO customer_answers (company_id, customer_id, kind, message, created_at)
		SELECT company_id, id, 'message', 'Bonjour', $2 FROM customers WHERE id = $1`, f.c1, f.now); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, f.srv.URL+f.path(f.c1, 1, f.now))
	if code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	for _, want := range []string{"08/12/2026 07:00", "38"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q (Nouméa's time)", want)
		}
	}
	if strings.Contains(body, "07/12/2026 21:00") {
		t.Error("page shows Paris's time")
	}
}
