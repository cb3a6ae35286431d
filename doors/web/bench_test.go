package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/doors/web"
	"github.com/relance/relance/ledger/demo"
	"github.com/relance/relance/ledger/store"
	"github.com/relance/relance/testkit/dbtest"
	"github.com/shopspring/decimal"
)

// benchPages are the list pages measured: tabs, sorts, deep pages, filters.
var benchPages = []string{
	"",
	"tab=R2",
	"tab=paused",
	"tab=unresolved",
	"sort=name",
	"sort=balance&desc=1",
	"sort=comment",
	"sort=nextAction&tab=R1",
	"sort=balance&page=20",
	"after=", // filled in: the page after the 60 000th row (paging by key)
	"overcredit=1",
	"avail=5000",
	"customer=B00042",
	"family=EXPORT&rep=JD",
	"overdue=200",
}

// BenchmarkRelancesPage serves the Relances screen of a company with
// 100 000 invoices (2 000 customers, generated with generate_series) and
// reports the 95th percentile per page; -v prints each list query's plan.
//
//	go test -run '^$' -bench RelancesPage -benchtime 300x ./web/
func BenchmarkRelancesPage(b *testing.B) {
	if b.N == 1 {
		// The testing package's first probe: the setup (100 000 rows) is
		// for the measured run only. Use -benchtime Nx with N > 1.
		return
	}
	ctx := context.Background()
	st, _ := dbtest.New(b)
	if _, err := demo.Load(ctx, st, demo.Options{Code: "BENCH", Today: calendar.Of(time.Now())}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := generate(ctx, st, "BENCH", 2000, 100_000); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated 100 000 invoices in %s", time.Since(start).Round(time.Millisecond))
	if _, err := st.CreateUser(ctx, "bench", password, store.RoleOperator, []string{"BENCH"}); err != nil {
		b.Fatal(err)
	}
	u, _ := st.UserByName(ctx, "bench")
	token, err := st.CreateSession(ctx, u.ID, "fr", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(web.Options{Ops: &actions.Ops{Store: st}, Store: st, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// The deep page: after the 60 000th row in the default order.
	deep, err := st.ListInvoices(ctx, store.InvoiceFilter{Company: "BENCH", Limit: 1, Offset: 59_999})
	if err != nil || len(deep) != 1 {
		b.Fatalf("deep row: %v", err)
	}
	for i, p := range benchPages {
		if p == "after=" {
			benchPages[i] = "after=" + url.QueryEscape(store.CursorOf(deep[0]).String())
		}
	}
	// The plans, once.
	co, _ := st.CompanyByCode(ctx, "BENCH")
	for _, p := range benchPages {
		f := filterOf(p, co.Code)
		list, counts, err := st.ExplainInvoices(ctx, f)
		if err != nil {
			b.Fatalf("%s: %v", p, err)
		}
		b.Logf("\n=== %q: list query\n%s\n=== %q: tab counts\n%s", p, list, p, counts)
	}

	get := func(p string) time.Duration {
		req, _ := http.NewRequest("GET", srv.URL+"/c/BENCH/relances?"+p, nil)
		req.AddCookie(&http.Cookie{Name: "relance_session", Value: token})
		t0 := time.Now()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(t0)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="relances"`) {
			b.Fatalf("%s: status %d", p, resp.StatusCode)
		}
		return d
	}
	for _, p := range benchPages { // warm the caches
		get(p)
	}
	times := map[string][]time.Duration{}
	var all []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := benchPages[i%len(benchPages)]
		d := get(p)
		times[p] = append(times[p], d)
		all = append(all, d)
	}
	b.StopTimer()
	for _, p := range benchPages {
		if len(times[p]) > 0 {
			b.Logf("%-28q p50 %6.1f ms  p95 %6.1f ms  (%d requests)", p, ms(pct(times[p], 50)), ms(pct(times[p], 95)), len(times[p]))
		}
	}
	b.ReportMetric(ms(pct(all, 95)), "p95-ms")
	b.ReportMetric(ms(pct(all, 50)), "p50-ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100]
}

// filterOf is the filter the page p asks for (as parseList reads it).
func filterOf(p, company string) store.InvoiceFilter {
	q, _ := url.ParseQuery(p)
	f := store.InvoiceFilter{Company: company, Now: time.Now(), Limit: 51, Tab: q.Get("tab"), Sort: q.Get("sort"),
		Desc: q.Get("desc") != "", Customer: q.Get("customer"), Family: q.Get("family"), SalesRep: q.Get("rep"),
		OverCreditLimit: q.Get("overcredit") != ""}
	if v := q.Get("page"); v != "" {
		var n int
		fmt.Sscan(v, &n)
		f.Offset = (n - 1) * 50
	}
	if v := q.Get("after"); v != "" {
		c, _ := store.ParseCursor(v)
		f.After = &c
	}
	if v := q.Get("overdue"); v != "" {
		fmt.Sscan(v, &f.OverdueDays)
	}
	if v := q.Get("avail"); v != "" {
		d := decimal.RequireFromString(v)
		f.AvailableCreditBelow = &d
	}
	return f
}

// generate adds customers and invoices to company with generate_series:
// every level and status, due dates over 400 days, one in five with a
// comment, one in ten paid.
func generate(ctx context.Context, st *store.Store, company string, customers, invoices int) error {
	var id int64
	if err := st.Pool.QueryRow(ctx, `SELECT id FROM companies WHERE code = $1`, company).Scan(&id); err != nil {
		return err
	}
	steps := []string{
		`INSERT INTO customers (company_id, code, name, family, sales_rep, payment_method, credit_limit)
		 SELECT $1, 'B' || lpad(g::text, 5, '0'), 'Client ' || g, (ARRAY['GROS','DETAIL','EXPORT'])[1 + g % 3],
		        (ARRAY['JD','MR','AL','PB'])[1 + g % 4], (ARRAY['virement','cheque','LCR'])[1 + g % 3],
		        CASE WHEN g % 5 = 0 THEN NULL ELSE (20000 + (g % 50) * 2000)::numeric END
		 FROM generate_series(1, $2::int) g`,
		`INSERT INTO invoices (company_id, customer_id, number, issue_date, due_date, amount, balance_due,
		        dunning_level, dunning_next_level, dunning_status, next_action_at)
		 SELECT $1, cu.id, 'BF' || lpad(g::text, 7, '0'), x.d - 30, x.d, x.amt, CASE WHEN g % 10 = 0 THEN 0 ELSE x.amt END,
		        x.lv, x.nx, x.st, now() + (g % 30) * interval '1 day'
		 FROM generate_series(1, $2::int) g
		 CROSS JOIN LATERAL (SELECT current_date - (g % 400) AS d, (100 + (g % 9000))::numeric(14,2) AS amt,
		        (ARRAY['NONE','R1','R2','R3','MED'])[1 + g % 5] AS lv, (ARRAY['R1','R2','R3','MED','UNRESOLVED'])[1 + g % 5] AS nx,
		        CASE WHEN g % 5 = 4 THEN 'unresolved' WHEN g % 17 = 0 THEN 'paused' WHEN g % 23 = 0 THEN 'held' ELSE 'active' END AS st) x
		 JOIN customers cu ON cu.company_id = $1 AND cu.code = 'B' || lpad((1 + g % $3::int)::text, 5, '0')`,
		`INSERT INTO history (invoice_id, workflow_id, seq, at, kind, level_code, detail, actor)
		 SELECT i.id, 'bench/' || i.id, 1, now() - (i.id % 100) * interval '1 hour', 'commented', '', 'Commentaire ' || i.id, 'bench'
		 FROM invoices i WHERE i.company_id = $1 AND i.id % 5 = 0`,
		`VACUUM ANALYZE customers`,
		`VACUUM ANALYZE invoices`,
		`VACUUM ANALYZE history`,
	}
	args := [][]any{{id, customers}, {id, invoices, customers}, {id}, nil, nil, nil}
	for i, q := range steps {
		if _, err := st.Pool.Exec(ctx, q, args[i]...); err != nil {
			return fmt.Errorf("generate step %d: %w", i+1, err)
		}
	}
	return nil
}
