package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/doors/actions"
	"github.com/relance/relance/ledger/store"
)

// pageSize is how many invoices a page of the Relances screen shows.
const pageSize = 50

// screenParams are the Relances screen's own query parameters, kept from
// one request to the next beside the filter's (actions.FilterParams):
// sort, paging.
var screenParams = []string{"sort", "desc", "page", "after", "before"}

// filterLabels are the message keys of the filter's fields, by parameter:
// a refused value is reported under its field's label.
var filterLabels = map[string]string{
	actions.ParamTab: "f.tab", actions.ParamCustomer: "f.customer", actions.ParamFamily: "f.family",
	actions.ParamSalesRep: "f.salesRep", actions.ParamPaymentMethod: "f.method", actions.ParamOverdueDays: "f.overdue",
	actions.ParamOverCreditLimit: "f.overCredit", actions.ParamAvailableBelow: "f.availBelow",
}

// listQuery is the state of the Relances screen as read from the URL.
type listQuery struct {
	values url.Values
	filter store.InvoiceFilter
	page   int
	errors []string
}

// parseList reads the screen's parameters: the invoice filter of the three
// doors (actions.ParseFilter, its older names included), then sort and
// paging. A broken value is reported and left out, never fatal.
func parseList(lang string, q url.Values, co store.Company, codes []string, now time.Time) listQuery {
	// The page's size is the screen's: the filter's limit is not read.
	fq := url.Values{}
	for k, vs := range q {
		if k != actions.ParamLimit {
			fq[k] = vs
		}
	}
	lf := actions.ParseFilter(fq, actions.FilterOptions{Now: now, Company: co.Code, Levels: codes})
	lq := listQuery{values: lf.Values, page: 1}
	for _, p := range lf.Problems {
		if name, ok := p.Named()["name"]; ok {
			if param, known := actions.FilterParamOf(name); known && filterLabels[param.Name] != "" {
				p = actions.Renamed(p, tr(lang, filterLabels[param.Name]))
			}
		}
		lq.errors = append(lq.errors, p.In(lang))
	}
	for _, k := range screenParams {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			lq.values.Set(k, v)
		}
	}
	// Credit notes are rows of the list as in seed 000 (AV0021): in "Tous"
	// only, never in a level's tab, each counted once.
	f := lf.InvoiceFilter
	f.Limit, f.WithCredits = pageSize, true
	bad := func(k, label string) {
		lq.errors = append(lq.errors, tr(lang, "err.filter", label, q.Get(k)))
		lq.values.Del(k)
	}
	if v := lq.values.Get("sort"); v != "" {
		if _, ok := store.SortKeys[v]; ok {
			f.Sort = v
			f.Desc = lq.values.Get("desc") != ""
		} else {
			bad("sort", tr(lang, "f.sort"))
		}
	}
	if lq.values.Get("desc") != "" {
		lq.values.Set("desc", "1")
	}
	if v := lq.values.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			bad("page", tr(lang, "f.page"))
		} else {
			lq.page = n
		}
	}
	// In the default order, pages follow one another by key (after or
	// before a row); in the others, by number.
	for _, k := range []string{"after", "before"} {
		v := lq.values.Get(k)
		if v == "" {
			continue
		}
		c, err := store.ParseCursor(v)
		if err != nil || f.Sort != "" && f.Sort != "due" || f.Desc || f.After != nil || f.Before != nil {
			bad(k, tr(lang, "f.position"))
			continue
		}
		if k == "after" {
			f.After = &c
		} else {
			f.Before = &c
		}
		lq.values.Del("page")
		lq.page = 1
	}
	f.Offset = (lq.page - 1) * pageSize
	lq.filter = f
	return lq
}

// url returns the screen's address with some parameters changed ("" deletes).
func (lq listQuery) url(company string, set ...string) string {
	v := url.Values{}
	for k, vs := range lq.values {
		v[k] = vs
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			v.Del(set[i])
		} else {
			v.Set(set[i], set[i+1])
		}
	}
	u := "/c/" + url.PathEscape(company) + "/relances"
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u
}

type tabLink struct {
	Key, Label, Title, URL string
	Count                  int
	Active                 bool
}

type column struct {
	Key, Label, URL, Arrow string
	Right                  bool
	// Sub is a second sortable figure shown in the same column, under
	// the first (the next action's date under the next level).
	Sub *column
}

type relancesData struct {
	Rows       []store.InvoiceRow
	Tabs       []tabLink
	Columns    []column
	Values     url.Values
	From, To   int
	Total      int
	Prev, Next string
	First      string
	Shown      int // rows shown, when paging by key
	ExportXLSX string
	ExportCSV  string
	Back       string
	// Why says, per invoice number, why no dunning chases it or which
	// status holds it (store.WhyNotChased), in the reader's language.
	Why map[string]string
	// Statuses is the company's status table (seed 004), for the status
	// change of the selection and the status columns' titles.
	Statuses     []store.ReminderStatus
	StatusLabels map[string]string
}

// whySentence tells a store.Reason in lang.
func whySentence(lang string, r store.Reason) string {
	switch r.Code {
	case store.WhyNotDue:
		if d, err := parseDay(r.Param); err == nil {
			return tr(lang, "why."+r.Code, formatDate(lang, d))
		}
	case store.WhyCurrency, store.WhyStatus:
		return tr(lang, "why."+r.Code, r.Param)
	}
	return tr(lang, "why."+r.Code)
}

// whyNotChased tells, for the rows without a running dunning or held by a
// status, why.
func (s *Server) whyNotChased(ctx context.Context, lang string, co store.Company, rows []store.InvoiceRow) (map[string]string, error) {
	var numbers []string
	for _, r := range rows {
		if r.Status == "" || r.Status == "held" || r.Status == "paused" {
			numbers = append(numbers, r.Number)
		}
	}
	reasons, err := s.o.Store.WhyNotChased(ctx, co.Code, numbers, s.today(co))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(reasons))
	for n, r := range reasons {
		out[n] = whySentence(lang, r)
	}
	return out, nil
}

func (s *Server) relances(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	lad, err := s.o.Store.Ladder(r.Context(), co.ID)
	if err != nil {
		s.fault(w, r, "load ladder", err)
		return
	}
	codes := make([]string, len(lad))
	for i, l := range lad {
		codes[i] = l.Code
	}
	lang := ses.lang()
	lq := parseList(lang, r.URL.Query(), co, codes, s.o.Now())
	for _, e := range lq.errors {
		ses.flash = append(ses.flash, flash{Error: true, Text: e})
	}
	tabs, err := actions.Tabs(r.Context(), s.o.Store, lq.filter, codes)
	if err != nil {
		s.fault(w, r, "count invoices", err)
		return
	}
	f := lq.filter
	f.Limit = pageSize + 1 // one more: is there a page after?
	rows, err := s.o.Store.ListInvoices(r.Context(), f)
	if err != nil {
		s.fault(w, r, "list invoices", err)
		return
	}
	more := len(rows) > pageSize
	if more && f.Before != nil {
		rows = rows[1:]
	} else if more {
		rows = rows[:pageSize]
	}
	p := s.newPage(r, ses, co, "relances", tr(lang, "nav.relances")+" – "+co.Code, nil)
	d := relancesData{Rows: rows, Values: lq.values, Back: r.URL.RequestURI()}
	if d.Why, err = s.whyNotChased(r.Context(), lang, co, rows); err != nil {
		s.fault(w, r, "why not chased", err)
		return
	}
	if err := s.o.Store.AttachPositions(r.Context(), co.Code, rows, s.today(co)); err != nil {
		s.fault(w, r, "customer positions", err)
		return
	}
	if d.Statuses, err = s.o.Store.Statuses(r.Context(), co.ID); err != nil {
		s.fault(w, r, "status table", err)
		return
	}
	d.StatusLabels = make(map[string]string, len(d.Statuses))
	for _, st := range d.Statuses {
		d.StatusLabels[st.Code] = st.Label
	}
	tab := lq.filter.Tab
	addTab := func(key, label, title string, n int) {
		d.Tabs = append(d.Tabs, tabLink{Key: key, Label: label, Title: title, Count: n, Active: key == tab,
			URL: lq.url(co.Code, "tab", key, "page", "", "after", "", "before", "")})
		if key == tab {
			d.Total = n
		}
	}
	for _, t := range tabs {
		switch t.Key {
		case "":
			addTab(t.Key, tr(lang, "tab.all"), "", t.Count)
		case store.TabUnresolved, store.TabPaused:
			addTab(t.Key, tr(lang, "tab."+t.Key), "", t.Count)
		case store.TabHeld:
			addTab(t.Key, tr(lang, "tab.held"), tr(lang, "tab.held.title"), t.Count)
		default:
			addTab(t.Key, p.Level(t.Key), "", t.Count)
		}
	}
	for _, c := range []struct {
		key, label string
		right      bool
	}{
		{"level", "col.level", false}, {"issued", "col.issued", false}, {"number", "col.number", false},
		{"customer", "col.customer", false}, {"name", "col.name", false}, {"issue", "col.issue", false},
		{"due", "col.due", false}, {"balance", "col.balance", true}, {"customerBalance", "col.customerBalance", true},
		{"nextLevel", "col.nextLevel", false}, {"invoiceStatus", "col.invoiceStatus", false},
		{"customerStatus", "col.customerStatus", false}, {"nextAction", "col.nextAction", false}, {"comment", "col.comment", false},
	} {
		col := column{Key: c.key, Label: tr(lang, c.label), Right: c.right}
		if _, sortable := store.SortKeys[c.key]; !sortable {
			d.Columns = append(d.Columns, col)
			continue
		}
		cur := lq.filter.Sort
		if cur == "" {
			cur = "due"
		}
		desc := ""
		if cur == c.key {
			col.Arrow = "▲"
			if lq.filter.Desc {
				col.Arrow = "▼"
			} else {
				desc = "1"
			}
		}
		col.URL = lq.url(co.Code, "sort", c.key, "desc", desc, "page", "", "after", "", "before", "")
		d.Columns = append(d.Columns, col)
	}
	// The next action's date goes under the next level, the customer's
	// status under the invoice's: the list shows whole on a 1280 px
	// screen.
	d.Columns = underneath(d.Columns, "nextAction", "nextLevel")
	d.Columns = underneath(d.Columns, "customerStatus", "invoiceStatus")
	keyed := lq.filter.Sort == "" || lq.filter.Sort == "due" && !lq.filter.Desc
	switch {
	case keyed && len(rows) > 0:
		// By key: "Précédent" when this page does not start the list,
		// "Suivant" when rows follow.
		d.Shown = len(rows)
		first, last := store.CursorOf(rows[0]).String(), store.CursorOf(rows[len(rows)-1]).String()
		if lq.filter.After != nil || (lq.filter.Before != nil && more) {
			d.Prev = lq.url(co.Code, "before", first, "after", "", "page", "")
			d.First = lq.url(co.Code, "before", "", "after", "", "page", "")
		}
		if lq.filter.Before != nil || more {
			d.Next = lq.url(co.Code, "after", last, "before", "", "page", "")
		}
	case len(rows) > 0:
		d.From, d.To = lq.filter.Offset+1, lq.filter.Offset+len(rows)
		if lq.page > 1 {
			d.Prev = lq.url(co.Code, "page", strconv.Itoa(lq.page-1))
		}
		if more {
			d.Next = lq.url(co.Code, "page", strconv.Itoa(lq.page+1))
		}
	}
	exp := url.Values{}
	for k, vs := range lq.values {
		if k != "page" && k != "sort" && k != "desc" && k != "after" && k != "before" {
			exp[k] = vs
		}
	}
	d.ExportXLSX = "/c/" + url.PathEscape(co.Code) + "/export/invoices.xlsx?" + exp.Encode()
	d.ExportCSV = "/c/" + url.PathEscape(co.Code) + "/export/invoices.csv?" + exp.Encode()
	p.Data = d
	s.render(w, r, http.StatusOK, "relances", p)
}

// underneath moves the column sub into column into, as its second line.
func underneath(cols []column, sub, into string) []column {
	for i := range cols {
		if cols[i].Key != sub {
			continue
		}
		c := cols[i]
		cols = append(cols[:i], cols[i+1:]...)
		for j := range cols {
			if cols[j].Key == into {
				cols[j].Sub = &c
			}
		}
		break
	}
	return cols
}

// rowAction is an operator action of the Relances screen.
type rowAction struct {
	update string
	label  string // message key of the button
	done   string // message key of the success message
}

var rowActions = rowActionsOf(actions.OperatorUpdates)

// rowActionsOf gives each operator action its button and message keys
// (a.<name>, done.<name>).
func rowActionsOf(updates map[string]string) map[string]rowAction {
	out := make(map[string]rowAction, len(updates))
	for name, update := range updates {
		out[name] = rowAction{update: update, label: "a." + name, done: "done." + name}
	}
	return out
}

// maxText is the longest free text a form takes (comment, reason, call
// note), in characters: longer is refused with a message, never cut.
const maxText = 2000

// formText reads a free-text field, trimmed; msg is the message to show
// when it is longer than maxText.
func formText(lang string, r *http.Request, field string) (text, msg string) {
	text = strings.TrimSpace(r.PostFormValue(field))
	if n := utf8.RuneCountInString(text); n > maxText {
		return "", tr(lang, "err.tooLong", n, maxText)
	}
	return text, ""
}

// actionArg builds the update's payload from the form; a missing or
// over-long field gives the message to show.
func actionArg(lang, name, actor string, r *http.Request) (any, string) {
	reason, msg := formText(lang, r, "reason")
	if msg != "" {
		return nil, msg
	}
	in := actions.OperatorInput{Reason: reason}
	switch name {
	case "pause":
		if reason == "" {
			return nil, tr(lang, "err.reason")
		}
		if v := strings.TrimSpace(r.PostFormValue("until")); v != "" {
			d, err := parseDay(v)
			if err != nil {
				return nil, tr(lang, "err.date", v)
			}
			in.Until = d
		}
	case "comment":
		text, msg := formText(lang, r, "text")
		if msg != "" {
			return nil, msg
		}
		if text == "" {
			return nil, tr(lang, "err.text")
		}
		in.Text = text
	}
	if arg, ok := actions.OperatorRequest(name, actor, in); ok {
		return arg, ""
	}
	return nil, tr(lang, "err.action", name)
}

// act applies one operator action to one invoice (a row's button).
func (s *Server) act(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	name, number := r.PathValue("action"), strings.TrimSpace(r.PostFormValue("invoice"))
	target := co.Code + "/" + number
	lang := ses.lang()
	a, known := rowActions[name]
	if !known {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.action", name))
		return
	}
	if !s.allow(w, r, ses, store.RoleOperator, name, target) {
		return
	}
	to := back(r, "/c/"+url.PathEscape(co.Code)+"/relances")
	arg, msg := actionArg(lang, name, ses.User.Name, r)
	if msg != "" {
		s.audit(r, ses.User, name, target, store.AuditRefused, msg)
		s.done(w, r, ses, to, flash{Error: true, Text: number + " : " + msg})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	st, err := s.o.Ops.Act(formKey(ctx, r.PostFormValue("key"), name, number), co.Code, number, a.update, arg)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.audit(r, ses.User, name, target, store.AuditRefused, "unknown invoice")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.invoice", number, co.Code)})
	case errors.Is(err, actions.ErrNoWorkflow):
		s.audit(r, ses.User, name, target, store.AuditRefused, "no workflow")
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.noworkflow", number)})
	case errors.Is(err, actions.ErrRefused):
		s.audit(r, ses.User, name, target, store.AuditRefused, refusalReason(err))
		p := s.labelPage(r.Context(), lang, co)
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "refused", number, refusalShown(p, err))})
	case err != nil:
		s.audit(r, ses.User, name, target, store.AuditError, "")
		s.fault(w, r, "action "+name, err)
	default:
		s.audit(r, ses.User, name, target, store.AuditOK, actions.ActionDetail(arg))
		s.settle(ctx, co.Code, number, func(row store.InvoiceRow) bool {
			return row.Status == string(st.Status) && row.NextLevel == st.NextLevel
		})
		p := s.labelPage(r.Context(), lang, co)
		msg := tr(lang, a.done, number)
		if strings.Count(messages[a.done][0], "%s") == 2 {
			msg = tr(lang, a.done, number, p.Level(st.NextLevel))
		}
		s.done(w, r, ses, to, flash{Text: msg})
	}
}

// formKey gives an action the Temporal UpdateID made of the form's key
// (page.Key), the action and the invoice: the same form sent twice (a
// double click, a browser resending it) is applied once, and the second
// answer is the first one's. A form without a well-formed key acts as
// before.
func formKey(ctx context.Context, k, action, number string) context.Context {
	if id := formUpdateID(k, action, number); id != "" {
		return actions.WithUpdateID(ctx, id)
	}
	return ctx
}

// formUpdateID is the UpdateID of formKey, "" without a well-formed key.
func formUpdateID(k, action, number string) string {
	if len(k) == 0 || len(k) > 32 || strings.Trim(k, "0123456789abcdef") != "" {
		return ""
	}
	return "web:" + k + ":" + action + ":" + number
}

// bulk applies one action to the ticked invoices in the background and
// shows its progress, then a summary with each refusal's reason.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	name := r.PathValue("action")
	lang := ses.lang()
	if name == "status" {
		s.bulkStatus(w, r, ses, co)
		return
	}
	a, known := rowActions[name]
	if !known {
		s.errorPage(w, r, http.StatusNotFound, tr(lang, "err.action", name))
		return
	}
	if !s.allow(w, r, ses, store.RoleOperator, "bulk-"+name, co.Code+"/selection") {
		return
	}
	to := back(r, "/c/"+url.PathEscape(co.Code)+"/relances")
	if err := r.ParseForm(); err != nil {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.nothing")})
		return
	}
	var invoices []string
	for _, n := range r.PostForm["inv"] {
		if n = strings.TrimSpace(n); n != "" {
			invoices = append(invoices, n)
		}
	}
	if len(invoices) == 0 {
		s.done(w, r, ses, to, flash{Error: true, Text: tr(lang, "err.nothing")})
		return
	}
	arg, msg := actionArg(lang, name, ses.User.Name, r)
	if msg != "" {
		s.done(w, r, ses, to, flash{Error: true, Text: msg})
		return
	}
	j := &job{ID: newRef(), Company: co.Code, User: ses.User.Name, Action: name, Label: tr(lang, a.label),
		Total: len(invoices), Started: time.Now()}
	s.jobs.add(j)
	user := ses.User
	p := s.labelPage(r.Context(), lang, co)
	key := r.PostFormValue("key")
	// The selection goes on after the response; it ends with the server
	// (its context is the server's) or after ten minutes.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
	go func() {
		defer cancel()
		updateID := func(n string) string { return formUpdateID(key, name, n) }
		err := s.o.Ops.BulkEach(ctx, co.Code, invoices, a.update, arg, updateID, func(n string, err error) {
			target := co.Code + "/" + n
			switch {
			case err == nil:
				s.audit(r, user, "bulk-"+name, target, store.AuditOK, actions.ActionDetail(arg))
				s.jobs.update(j.ID, func(x *job) { x.OK++ })
			case errors.Is(err, actions.ErrNoWorkflow):
				s.audit(r, user, "bulk-"+name, target, store.AuditRefused, "no workflow")
				s.jobs.update(j.ID, func(x *job) { x.Refused = append(x.Refused, refusal{n, tr(lang, "err.noworkflow", n)}) })
			case errors.Is(err, actions.ErrRefused):
				s.audit(r, user, "bulk-"+name, target, store.AuditRefused, refusalReason(err))
				reason := refusalShown(p, err)
				s.jobs.update(j.ID, func(x *job) { x.Refused = append(x.Refused, refusal{n, reason}) })
			default:
				s.o.Log.Error("web: bulk action", "action", name, "err", err)
				s.audit(r, user, "bulk-"+name, target, store.AuditError, "")
				s.jobs.update(j.ID, func(x *job) { x.Refused = append(x.Refused, refusal{n, "internal error"}) })
			}
			s.jobs.update(j.ID, func(x *job) { x.Done++ })
		})
		if err != nil {
			s.jobs.update(j.ID, func(x *job) { x.Failed = err.Error() })
		}
		s.jobs.update(j.ID, func(x *job) { x.Ended = true })
	}()
	http.Redirect(w, r, "/c/"+url.PathEscape(co.Code)+"/jobs/"+j.ID+"?back="+url.QueryEscape(to), http.StatusSeeOther)
}

// jobStatus shows a selection's progress (polled by htmx every half
// second while it runs) and its summary when it ends.
func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	j, found := s.jobs.get(r.PathValue("id"))
	if !found || j.Company != co.Code || j.User != ses.User.Name {
		s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.notfound"))
		return
	}
	backTo := r.URL.Query().Get("back")
	if !strings.HasPrefix(backTo, "/") || strings.HasPrefix(backTo, "//") {
		backTo = "/c/" + url.PathEscape(co.Code) + "/relances"
	}
	p := s.newPage(r, ses, co, "relances", j.Label, map[string]any{"Job": j, "Back": backTo,
		"Self": r.URL.RequestURI(), "Percent": 100 * j.Done / max(j.Total, 1)})
	if r.Header.Get("HX-Request") != "" && r.Header.Get("HX-Boosted") == "" {
		// The polling fragment only.
		var b strings.Builder
		if err := s.pages["job"].ExecuteTemplate(&b, "progress", p); err != nil {
			s.fault(w, r, "render progress", err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(b.String()))
		return
	}
	s.render(w, r, http.StatusOK, "job", p)
}

// today is the working day in the company's time zone.
func (s *Server) today(co store.Company) calendar.Date {
	loc, err := time.LoadLocation(co.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return calendar.Of(s.o.Now().In(loc))
}

// levelLabels maps the company's level codes to their labels.
func (s *Server) levelLabels(ctx context.Context, co store.Company) map[string]string {
	m := map[string]string{}
	if l, err := s.o.Store.Ladder(ctx, co.ID); err == nil {
		for _, lv := range l {
			m[lv.Code] = lv.Label
		}
	}
	return m
}

// labelPage is a page for wording a flash or a summary in lang with the
// company's level labels (Level, refusalShown), outside any template.
func (s *Server) labelPage(ctx context.Context, lang string, co store.Company) *page {
	return &page{Lang: lang, levels: s.levelLabels(ctx, co)}
}

// settleWait bounds how long the page after an action waits for the
// database mirror to show what the workflow answered.
const settleWait = 3 * time.Second

// settle waits until the invoice's mirrored state satisfies done (the
// workflow writes its history and projection right after answering), so
// that the page shown after an action already lists the invoice where it
// now belongs. After settleWait the page shows anyway.
func (s *Server) settle(ctx context.Context, company, number string, done func(store.InvoiceRow) bool) {
	deadline := time.Now().Add(settleWait)
	for {
		row, err := s.o.Store.InvoiceSummary(ctx, company, number, s.o.Now())
		if err != nil || done(row) || time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}
