package actions

import (
	"flag"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/ledger/store"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	levels := []string{"R1", "R2", "R3", "MED"}
	type want struct {
		filter   func(f store.InvoiceFilter) bool
		problems []messages.Code
		values   string // the canonical query, "" to skip
	}
	cases := []struct {
		name  string
		query string
		o     FilterOptions
		want  want
	}{
		{"names", "company=DEMO&tab=R2&level=r1&next-level=r2&status=Active&customer=CLI0009&family=GROS&sales-rep=JD" +
			"&payment-method=VIR&overdue-days=30&over-credit-limit=true&available-credit-below=1 000,50&limit=20",
			FilterOptions{Now: now, Levels: levels, Strict: true},
			want{func(f store.InvoiceFilter) bool {
				return f.Company == "DEMO" && f.Tab == "R2" && f.Level == "R1" && f.NextLevel == "R2" && f.Status == "active" &&
					f.Customer == "CLI0009" && f.Family == "GROS" && f.SalesRep == "JD" && f.PaymentMethod == "VIR" &&
					f.OverdueDays == 30 && f.OverCreditLimit && f.AvailableCreditBelow.String() == "1000.5" && f.Limit == 20 &&
					f.Now.Equal(now)
			}, nil, "available-credit-below=1+000%2C50&company=DEMO&customer=CLI0009&family=GROS&level=R1&limit=20" +
				"&next-level=R2&over-credit-limit=1&overdue-days=30&payment-method=VIR&sales-rep=JD&status=active&tab=R2"}},
		{"API aliases", "company=DEMO&nextLevel=R3&salesRep=JD&paymentMethod=VIR&overdueDays=40&overCreditLimit=1",
			FilterOptions{Strict: true},
			want{func(f store.InvoiceFilter) bool {
				return f.NextLevel == "R3" && f.SalesRep == "JD" && f.PaymentMethod == "VIR" && f.OverdueDays == 40 && f.OverCreditLimit
			}, nil, "company=DEMO&next-level=R3&over-credit-limit=1&overdue-days=40&payment-method=VIR&sales-rep=JD"}},
		{"snake aliases", "company=DEMO&next_level=R3&sales_rep=JD&payment_method=VIR&overdue_days=40&over_credit_limit=false",
			FilterOptions{Strict: true},
			want{func(f store.InvoiceFilter) bool {
				return f.NextLevel == "R3" && f.SalesRep == "JD" && f.PaymentMethod == "VIR" && f.OverdueDays == 40 && !f.OverCreditLimit
			}, nil, ""}},
		{"web aliases", "rep=JD&method=VIR&overdue=40&overcredit=on&avail=5000&sort=balance&page=2",
			FilterOptions{Company: "DEMO", Levels: levels},
			want{func(f store.InvoiceFilter) bool {
				return f.Company == "DEMO" && f.SalesRep == "JD" && f.PaymentMethod == "VIR" && f.OverdueDays == 40 &&
					f.OverCreditLimit && f.AvailableCreditBelow.String() == "5000"
			}, nil, "available-credit-below=5000&over-credit-limit=1&overdue-days=40&payment-method=VIR&sales-rep=JD"}},
		{"defaults", "company=DEMO", FilterOptions{},
			want{func(f store.InvoiceFilter) bool { return f.Limit == DefaultRows && f.OverdueDays == 0 && f.Tab == "" }, nil, "company=DEMO"}},
		{"export rows", "company=DEMO", FilterOptions{Rows: ExportRows},
			want{func(f store.InvoiceFilter) bool { return f.Limit == MaxExportRows }, nil, ""}},
		{"export limit", "company=DEMO&limit=150000", FilterOptions{Rows: ExportRows},
			want{func(f store.InvoiceFilter) bool { return f.Limit == 150000 }, nil, ""}},
		{"empty values are no filter", "company=DEMO&customer=&overdue-days=+&level=", FilterOptions{Strict: true},
			want{func(f store.InvoiceFilter) bool { return f.Customer == "" && f.OverdueDays == 0 && f.Level == "" }, nil, "company=DEMO"}},
		{"bounds", "company=DEMO&overdue-days=36500&limit=10000", FilterOptions{},
			want{func(f store.InvoiceFilter) bool { return f.OverdueDays == 36500 && f.Limit == 10000 }, nil, ""}},
		{"out of bounds", "company=DEMO&overdue-days=36501&limit=10001", FilterOptions{},
			want{func(f store.InvoiceFilter) bool { return f.OverdueDays == 0 && f.Limit == DefaultRows },
				[]messages.Code{FilterWhole, FilterWhole}, "company=DEMO"}},
		{"negative", "company=DEMO&overdueDays=-1&limit=0", FilterOptions{},
			want{nil, []messages.Code{FilterWhole, FilterWhole}, ""}},
		{"not numbers", "company=DEMO&overdue=abc&limit=x&avail=x&overCreditLimit=maybe", FilterOptions{},
			want{func(f store.InvoiceFilter) bool { return f.AvailableCreditBelow == nil && !f.OverCreditLimit },
				[]messages.Code{FilterWhole, FilterYesNo, FilterAmount, FilterWhole}, "company=DEMO"}},
		{"company required", "customer=X", FilterOptions{}, want{nil, []messages.Code{FilterRequired}, ""}},
		{"company of the path", "company=OTHER", FilterOptions{Company: "DEMO"},
			want{func(f store.InvoiceFilter) bool { return f.Company == "DEMO" }, []messages.Code{FilterChoice}, ""}},
		{"unknown, strict", "company=DEMO&colour=red&format=csv", FilterOptions{Strict: true, Others: []string{"format"}},
			want{nil, []messages.Code{FilterUnknown}, ""}},
		{"unknown, lenient", "company=DEMO&colour=red&sort=due", FilterOptions{}, want{nil, nil, "company=DEMO"}},
		{"status", "company=DEMO&status=sleeping", FilterOptions{}, want{nil, []messages.Code{FilterChoice}, ""}},
		{"levels of the ladder", "company=DEMO&level=R9&next-level=unresolved&tab=ZZ", FilterOptions{Levels: levels},
			want{func(f store.InvoiceFilter) bool { return f.Level == "" && f.NextLevel == "UNRESOLVED" && f.Tab == "" },
				[]messages.Code{FilterChoice, FilterChoice}, ""}},
		{"levels without the ladder", "company=DEMO&level=r9&tab=R9", FilterOptions{},
			want{func(f store.InvoiceFilter) bool { return f.Level == "R9" && f.Tab == "R9" }, nil, ""}},
		{"tabs", "company=DEMO&tab=held", FilterOptions{Levels: levels},
			want{func(f store.InvoiceFilter) bool { return f.Tab == store.TabHeld }, nil, ""}},
		{"lower-case tab without the ladder", "company=DEMO&tab=zz", FilterOptions{}, want{nil, []messages.Code{FilterChoice}, ""}},
		{"twice, same", "company=DEMO&rep=JD&sales-rep=JD", FilterOptions{},
			want{func(f store.InvoiceFilter) bool { return f.SalesRep == "JD" }, nil, ""}},
		{"twice, different", "company=DEMO&rep=JD&salesRep=AB", FilterOptions{},
			want{func(f store.InvoiceFilter) bool { return f.SalesRep == "" }, []messages.Code{FilterTwice}, "company=DEMO"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(strings.ReplaceAll(c.query, " ", "%20"))
			if err != nil {
				t.Fatal(err)
			}
			got := ParseFilter(q, c.o)
			var codes []messages.Code
			for _, p := range got.Problems {
				codes = append(codes, p.Code)
			}
			if !slices.Equal(codes, c.want.problems) {
				t.Errorf("problems %v, want %v", got.Problems, c.want.problems)
			}
			if c.want.filter != nil && !c.want.filter(got.InvoiceFilter) {
				t.Errorf("filter %+v", got.InvoiceFilter)
			}
			if c.want.values != "" && got.Values.Encode() != c.want.values {
				t.Errorf("values %s\nwant   %s", got.Values.Encode(), c.want.values)
			}
			if (got.Err() == nil) != (len(c.want.problems) == 0) {
				t.Errorf("Err() = %v", got.Err())
			}
		})
	}
}

// TestFilterProblemsSayTheName checks that a problem names the parameter
// as the caller wrote it, in both languages.
func TestFilterProblemsSayTheName(t *testing.T) {
	t.Parallel()
	f := ParseFilter(url.Values{"company": {"DEMO"}, "overdueDays": {"-1"}}, FilterOptions{})
	if len(f.Problems) != 1 {
		t.Fatalf("problems %v", f.Problems)
	}
	if en := f.Problems[0].In(messages.English); en != "overdueDays: -1 is not a whole number from 0 to 36500" {
		t.Errorf("en: %q", en)
	}
	if fr := f.Problems[0].In(messages.French); fr != "overdueDays : « -1 » n'est pas un nombre entier de 0 à 36500" {
		t.Errorf("fr: %q", fr)
	}
	if !strings.Contains(f.Err().Error(), "overdueDays: -1") {
		t.Errorf("Err: %v", f.Err())
	}
}

// TestFilterFlags checks that the flags are the parameters: the same
// names, in the same order, each read by ParseFilter.
func TestFilterFlags(t *testing.T) {
	t.Parallel()
	names := FilterNames()
	for _, c := range []string{ParamCompany, ParamTab, ParamLevel, ParamNextLevel, ParamStatus, ParamCustomer, ParamFamily,
		ParamSalesRep, ParamPaymentMethod, ParamOverdueDays, ParamOverCreditLimit, ParamAvailableBelow, ParamLimit} {
		if !slices.Contains(names, c) {
			t.Errorf("constant %s is not a parameter of %v", c, names)
		}
	}
	if len(names) != reflect.TypeOf(FilterFlags{}).NumField() || len(names) != 13 {
		t.Errorf("%d names for %d flags", len(names), reflect.TypeOf(FilterFlags{}).NumField())
	}
	for _, p := range FilterParams {
		if p.Help == "" || p.Name != strings.ToLower(p.Name) {
			t.Errorf("parameter %+v: want a lower-case name and a help", p)
		}
	}

	var ff FilterFlags
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	ff.Bind(fs)
	args := []string{"--company", "DEMO", "--tab", "R2", "--level", "r1", "--next-level", "R2", "--status", "active",
		"--customer", "C", "--family", "F", "--sales-rep", "JD", "--payment-method", "VIR", "--overdue-days", "30",
		"--over-credit-limit", "--available-credit-below", "500", "--limit", "20"}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n != len(names) {
		t.Errorf("%d flags bound, want %d", n, len(names))
	}
	got := ParseFilter(ff.Values(), FilterOptions{Strict: true})
	q := url.Values{}
	for i := 0; i < len(args); i++ {
		k := strings.TrimPrefix(args[i], "--")
		if k == ParamOverCreditLimit {
			q.Set(k, "true")
			continue
		}
		q.Set(k, args[i+1])
		i++
	}
	want := ParseFilter(q, FilterOptions{Strict: true})
	if len(got.Problems) > 0 || !reflect.DeepEqual(got.InvoiceFilter, want.InvoiceFilter) || got.Values.Encode() != want.Values.Encode() {
		t.Errorf("flags give %+v %v\nthe query %+v", got.InvoiceFilter, got.Problems, want.InvoiceFilter)
	}
}
