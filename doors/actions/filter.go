package actions

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/domain/messages"
	"github.com/relance/relance/domain/money"
	"github.com/relance/relance/ledger/store"
)

// The invoice filter of the three doors: the command line's flags
// (starter list, starter export), the API's query (/v1/invoices,
// /v1/exports/invoices.*) and the Relances screen's form read the same
// parameters, under the same names, with the same bounds, through
// ParseFilter. The names are FilterParams'; the older spellings of the API
// (camelCase, snake_case) and of the web form (rep, method, overdue...)
// are aliases that go on working.

// The parameters of the invoice filter.
const (
	ParamCompany         = "company"
	ParamTab             = "tab"
	ParamLevel           = "level"
	ParamNextLevel       = "next-level"
	ParamStatus          = "status"
	ParamCustomer        = "customer"
	ParamFamily          = "family"
	ParamSalesRep        = "sales-rep"
	ParamPaymentMethod   = "payment-method"
	ParamOverdueDays     = "overdue-days"
	ParamOverCreditLimit = "over-credit-limit"
	ParamAvailableBelow  = "available-credit-below"
	ParamLimit           = "limit"
)

// Bounds of the filter's numbers.
const (
	MaxOverdueDays = 36500   // a hundred years
	DefaultRows    = 1000    // a list's rows when no limit is given
	MaxListRows    = 10000   // a list's rows at most (API, command line)
	MaxExportRows  = 200_000 // a spreadsheet's rows at most, and by default
)

// FilterParam is one parameter of the invoice filter.
type FilterParam struct {
	Name    string   // the name in flags, queries and forms
	Aliases []string // older names, still read
	Help    string   // what it selects, for the command line's help
}

// FilterParams are the filter's parameters, in the order of the help,
// read from FilterFlags' tags (name, help, old): the one declaration.
var FilterParams = filterParams()

func filterParams() []FilterParam {
	t := reflect.TypeOf(FilterFlags{})
	out := make([]FilterParam, t.NumField())
	for i := range out {
		tag := t.Field(i).Tag
		out[i] = FilterParam{Name: tag.Get("name"), Help: tag.Get("help")}
		if old := tag.Get("old"); old != "" {
			out[i].Aliases = strings.Split(old, ",")
		}
	}
	return out
}

// Statuses a filter may ask for (dunning.Status values).
var filterStatuses = []string{"active", "paused", "held", "unresolved", "paid", "closed"}

// Problems of a filter, in the catalogs (domain/messages). Each names the
// parameter as the caller wrote it (name).
var (
	// FilterUnknown is a parameter the filter does not take.
	FilterUnknown = messages.Declare("filter.unknown", "name", "known")
	// FilterRequired is a required parameter left out or empty.
	FilterRequired = messages.Declare("filter.required", "name")
	// FilterTwice is a parameter given under two names, or twice with
	// different values.
	FilterTwice = messages.Declare("filter.twice", "name", "other")
	// FilterWhole is a number that is not whole or out of its bounds.
	FilterWhole = messages.Declare("filter.whole", "name", "value", "min", "max")
	// FilterYesNo is a yes-or-no parameter with another value.
	FilterYesNo = messages.Declare("filter.yes-no", "name", "value")
	// FilterAmount is an amount that does not read.
	FilterAmount = messages.Declare("filter.amount", "name", "value")
	// FilterChoice is a value outside the parameter's choices.
	FilterChoice = messages.Declare("filter.choice", "name", "value", "choices")
)

// Rows bounds the limit parameter of one use of the filter.
type Rows struct {
	Default, Max int
}

// ListRows and ExportRows are the bounds of a list and of a spreadsheet.
var (
	ListRows   = Rows{Default: DefaultRows, Max: MaxListRows}
	ExportRows = Rows{Default: MaxExportRows, Max: MaxExportRows}
)

// FilterOptions say how a door reads the filter.
type FilterOptions struct {
	// Now is the instant "overdue" counts from.
	Now time.Time
	// Company, when the door knows it otherwise (the web app's path),
	// is the filter's company; a company parameter must then name it.
	Company string
	// Levels are the company's level codes: given, the tab, level and
	// next level must be one of them (or their other choices).
	Levels []string
	// Rows bounds the limit (ListRows when zero).
	Rows Rows
	// Strict refuses the parameters that are neither the filter's nor
	// in Others (the API); else they are left to the door (the web app's
	// sort and page).
	Strict bool
	// Others are the door's own parameters, accepted beside the
	// filter's when Strict (the API list's format).
	Others []string
}

// Filter is a filter as read from a door.
type Filter struct {
	store.InvoiceFilter
	// Values are the filter's parameters under their names (aliases
	// read as names), problems left out: what a link to the same list
	// carries.
	Values url.Values
	// Problems are the parameters refused, in FilterParams order (the
	// unknown ones first); each refused parameter is left out of the
	// filter.
	Problems []messages.Problem
}

// Err returns the first problem as an error, nil without any.
func (f Filter) Err() error {
	if len(f.Problems) == 0 {
		return nil
	}
	return store.Invalid(f.Problems[0])
}

// FilterParamOf returns the parameter that name is the name or an alias
// of.
func FilterParamOf(name string) (FilterParam, bool) {
	for _, p := range FilterParams {
		if p.Name == name || slices.Contains(p.Aliases, name) {
			return p, true
		}
	}
	return FilterParam{}, false
}

// FilterNames are the names of the filter's parameters.
func FilterNames() []string {
	out := make([]string, len(FilterParams))
	for i, p := range FilterParams {
		out[i] = p.Name
	}
	return out
}

// ParseFilter reads the invoice filter from q (a query, a form, or flags
// through FilterFlags.Values). A parameter given under an alias reads as
// its name; a value is trimmed, and an empty one is no filter. A refused
// parameter is a Problem and stays out of the filter: a door may show the
// list without it (the web app) or refuse the request (the API, the
// command line).
func ParseFilter(q url.Values, o FilterOptions) Filter {
	if o.Rows == (Rows{}) {
		o.Rows = ListRows
	}
	out := Filter{InvoiceFilter: store.InvoiceFilter{Company: o.Company, Now: o.Now, Limit: o.Rows.Default}, Values: url.Values{}}
	f := &out.InvoiceFilter
	var problems []messages.Problem
	if o.Strict {
		known := strings.Join(append(FilterNames(), o.Others...), ", ")
		var unknown []string
		for k := range q {
			if _, ok := FilterParamOf(k); !ok && !slices.Contains(o.Others, k) {
				unknown = append(unknown, k)
			}
		}
		slices.Sort(unknown)
		for _, k := range unknown {
			out.Problems = append(out.Problems, FilterUnknown.With(k, known))
		}
	}
	for _, p := range FilterParams {
		// The value, and the name the caller gave it under; the same
		// parameter given twice must say the same thing.
		name, v, given, twice := "", "", false, false
		for _, k := range append([]string{p.Name}, p.Aliases...) {
			for _, x := range q[k] {
				x = strings.TrimSpace(x)
				switch {
				case !given:
					name, v, given = k, x, true
				case x != v && !twice:
					problems = append(problems, FilterTwice.With(k, name))
					twice = true
				}
			}
		}
		if twice {
			continue
		}
		if p.Name == ParamCompany && o.Company != "" {
			if v != "" && v != o.Company {
				problems = append(problems, FilterChoice.With(name, v, o.Company))
			}
			continue
		}
		if v == "" {
			if p.Name == ParamCompany {
				problems = append(problems, FilterRequired.With(p.Name))
			}
			continue
		}
		if prob, ok := setParam(f, p.Name, name, v, o); !ok {
			problems = append(problems, prob)
			continue
		}
		if c := canonical(p.Name, v, f); c != "" {
			out.Values.Set(p.Name, c)
		}
	}
	out.Problems = append(out.Problems, problems...)
	return out
}

// canonical is the value a link carries for a parameter accepted ("":
// none, for a yes-or-no parameter that says no).
func canonical(name, v string, f *store.InvoiceFilter) string {
	switch name {
	case ParamOverCreditLimit:
		if f.OverCreditLimit {
			return "1"
		}
		return ""
	case ParamLevel:
		return f.Level
	case ParamNextLevel:
		return f.NextLevel
	case ParamStatus:
		return f.Status
	}
	return v
}

// setParam sets one parameter (name) given under given to v.
func setParam(f *store.InvoiceFilter, name, given, v string, o FilterOptions) (messages.Problem, bool) {
	levels := func(extra ...string) []string { return append(slices.Clone(o.Levels), extra...) }
	choose := func(v string, choices []string) (messages.Problem, bool) {
		if slices.Contains(choices, v) {
			return messages.Problem{}, true
		}
		return FilterChoice.With(given, v, strings.Join(choices, ", ")), false
	}
	switch name {
	case ParamCompany:
		f.Company = v
	case ParamTab:
		// Without the ladder, a level code is a word in capitals.
		choices := levels(store.TabUnresolved, store.TabPaused, store.TabHeld)
		if !slices.Contains(choices, v) && (o.Levels != nil || strings.ToUpper(v) != v) {
			return FilterChoice.With(given, v, strings.Join(choices, ", ")), false
		}
		f.Tab = v
	case ParamLevel:
		v = strings.ToUpper(v)
		if p, ok := choose(v, levels("NONE")); o.Levels != nil && !ok {
			return p, false
		}
		f.Level = v
	case ParamNextLevel:
		v = strings.ToUpper(v)
		if p, ok := choose(v, levels("UNRESOLVED")); o.Levels != nil && !ok {
			return p, false
		}
		f.NextLevel = v
	case ParamStatus:
		v = strings.ToLower(v)
		if !slices.Contains(filterStatuses, v) {
			return FilterChoice.With(given, v, strings.Join(filterStatuses, ", ")), false
		}
		f.Status = v
	case ParamCustomer:
		f.Customer = v
	case ParamFamily:
		f.Family = v
	case ParamSalesRep:
		f.SalesRep = v
	case ParamPaymentMethod:
		f.PaymentMethod = v
	case ParamOverdueDays:
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxOverdueDays {
			return FilterWhole.With(given, v, 0, MaxOverdueDays), false
		}
		f.OverdueDays = n
	case ParamOverCreditLimit:
		b, ok := yesNo(v)
		if !ok {
			return FilterYesNo.With(given, v), false
		}
		f.OverCreditLimit = b
	case ParamAvailableBelow:
		d, err := money.Parse(v)
		if err != nil {
			return FilterAmount.With(given, v), false
		}
		f.AvailableCreditBelow = &d
	case ParamLimit:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > o.Rows.Max {
			return FilterWhole.With(given, v, 1, o.Rows.Max), false
		}
		f.Limit = n
	}
	return messages.Problem{}, true
}

// yesNo reads a yes-or-no value: true, false, 1, 0 (strconv.ParseBool),
// and a checkbox's on, yes, off, no.
func yesNo(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "on", "yes", "oui":
		return true, true
	case "off", "no", "non":
		return false, true
	}
	b, err := strconv.ParseBool(v)
	return b, err == nil
}

// FilterFlags are the filter's parameters as command-line flags, tagged
// for kong: name and help, and old for the older names the API and the
// web form still read (not flags). FilterParams is read from these tags,
// in this order. The numbers are strings so that their bounds are
// checked, and worded, by ParseFilter as for the other doors; Values hands
// the flags to it.
type FilterFlags struct {
	Company              string `name:"company" help:"company code (required)"`
	Tab                  string `name:"tab" help:"tab of the Relances screen: a level code (next letter), unresolved, paused or held"`
	Level                string `name:"level" help:"last level reached: R1, R2, R3, MED... (NONE: no letter yet)"`
	NextLevel            string `name:"next-level" old:"nextLevel,next_level" help:"next letter: R1, R2... or UNRESOLVED"`
	Status               string `name:"status" help:"active, paused, held, unresolved, paid or closed (paid and closed list settled invoices)"`
	Customer             string `name:"customer" help:"customer code"`
	Family               string `name:"family" help:"customer family"`
	SalesRep             string `name:"sales-rep" old:"salesRep,sales_rep,rep" help:"sales representative"`
	PaymentMethod        string `name:"payment-method" old:"paymentMethod,payment_method,method" help:"customer's payment method"`
	OverdueDays          string `name:"overdue-days" old:"overdueDays,overdue_days,overdue" placeholder:"DAYS" help:"only invoices due at least this many days ago (0 to 36500)"`
	OverCreditLimit      bool   `name:"over-credit-limit" old:"overCreditLimit,over_credit_limit,overcredit" help:"only customers whose open balance exceeds their credit limit"`
	AvailableCreditBelow string `name:"available-credit-below" old:"availableCreditBelow,available_credit_below,avail" placeholder:"AMOUNT" help:"only customers whose available credit (credit limit minus open balance) is below this amount"`
	Limit                string `name:"limit" placeholder:"N" help:"at most this many invoices (1 to 10000; exports: 1 to 200000, all by default)"`
}

// Values returns the flags set, by parameter name, for ParseFilter.
func (ff FilterFlags) Values() url.Values {
	q := url.Values{}
	v := reflect.ValueOf(ff)
	for i, p := range FilterParams {
		switch x := v.Field(i).Interface().(type) {
		case string:
			if x != "" {
				q.Set(p.Name, x)
			}
		case bool:
			if x {
				q.Set(p.Name, "true")
			}
		}
	}
	return q
}

// FlagSet is what FilterFlags.Bind needs of a flag set (the standard
// library's *flag.FlagSet).
type FlagSet interface {
	StringVar(p *string, name, value, usage string)
	BoolVar(p *bool, name string, value bool, usage string)
}

// Bind declares the flags on fs (a standard library flag set), named and
// helped as FilterParams.
func (ff *FilterFlags) Bind(fs FlagSet) {
	v := reflect.ValueOf(ff).Elem()
	for i, p := range FilterParams {
		switch x := v.Field(i).Addr().Interface().(type) {
		case *string:
			fs.StringVar(x, p.Name, "", p.Help)
		case *bool:
			fs.BoolVar(x, p.Name, false, p.Help)
		}
	}
}

// Renamed returns p, a problem of the filter, naming its parameter name:
// a door's own word for it (a field's label, a flag's --name).
func Renamed(p messages.Problem, name string) messages.Problem {
	i := slices.Index(p.Code.Params(), "name")
	if i < 0 || i >= len(p.Args) {
		return p
	}
	args := slices.Clone(p.Args)
	args[i] = name
	return messages.Problem{Code: p.Code, Args: args}
}

// ReadFilter reads the invoice filter of q for a company of st, whose
// ladder bounds the tab and the levels (ParseFilter with o.Levels). The
// company is o.Company, else q's; an unknown company is store.ErrNotFound
// (wrapped), a missing one a problem of the filter.
func ReadFilter(ctx context.Context, st *store.Store, q url.Values, o FilterOptions) (store.Company, Filter, error) {
	code := o.Company
	if code == "" {
		code = strings.TrimSpace(q.Get(ParamCompany))
	}
	if code == "" {
		return store.Company{}, ParseFilter(q, o), nil
	}
	co, err := st.CompanyByCode(ctx, code)
	if err != nil {
		return co, Filter{}, err
	}
	lad, err := st.Ladder(ctx, co.ID)
	if err != nil {
		return co, Filter{}, err
	}
	o.Levels = make([]string, len(lad))
	for i, l := range lad {
		o.Levels[i] = l.Code
	}
	return co, ParseFilter(q, o), nil
}

// Tab is a tab of the Relances screen and how many invoices it holds.
type Tab struct {
	Key   string // "" (all), a level code, store.TabUnresolved, TabPaused, TabHeld
	Count int
}

// Tabs are the Relances screen's tabs in their order (all, each level of
// the ladder by next letter, unresolved, paused, held) with their counts
// under f (store.CountTabs; f's tab, level, next level and status are
// not applied: the tabs choose among the rows they would keep).
func Tabs(ctx context.Context, st *store.Store, f store.InvoiceFilter, levels []string) ([]Tab, error) {
	f.Tab, f.Level, f.NextLevel, f.Status = "", "", "", ""
	counts, err := st.CountTabs(ctx, f)
	if err != nil {
		return nil, err
	}
	tabs := []Tab{{"", counts.All}}
	for _, l := range levels {
		tabs = append(tabs, Tab{l, counts.Levels[l]})
	}
	return append(tabs, Tab{store.TabUnresolved, counts.Unresolved}, Tab{store.TabPaused, counts.Paused},
		Tab{store.TabHeld, counts.Held}), nil
}
