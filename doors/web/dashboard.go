package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// The dashboard for people (viewer role and up): store.CompanyDashboard's
// figures drawn as inline SVG on the server (no script, no charting
// library), each chart with its table under it and a CSV export.

// dashChart is one chart of the dashboard.
type dashChart struct {
	ID    string // aging, levels, letters, after, promises, dso
	Title string
	Help  string
	SVG   template.HTML
	Head  []string
	Rows  [][]string
	Num   []bool // which columns are numbers (right-aligned)
}

type dashData struct {
	On     calendar.Date
	Charts []dashChart
	Other  int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	lang := ses.lang()
	on, ok := s.dayParam(w, r, ses, co)
	if !ok {
		return
	}
	d, err := s.o.Store.CompanyDashboard(r.Context(), co.Code, on)
	if err != nil {
		s.fault(w, r, "dashboard", err)
		return
	}
	p := s.newPage(r, ses, co, "dashboard", tr(lang, "dash.title", co.Code), nil)
	p.Data = dashData{On: on, Charts: dashCharts(p, d), Other: d.OtherCurrencies}
	s.render(w, r, http.StatusOK, "dashboard", p)
}

// dashboardCSV is one chart's table as CSV (";" and decimal comma in
// French, as Excel opens it there).
func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request, ses *session) {
	co, ok := s.company(w, r, ses)
	if !ok {
		return
	}
	id := strings.TrimSuffix(r.PathValue("chart"), ".csv")
	on, ok := s.dayParam(w, r, ses, co)
	if !ok {
		return
	}
	d, err := s.o.Store.CompanyDashboard(r.Context(), co.Code, on)
	if err != nil {
		s.fault(w, r, "dashboard", err)
		return
	}
	// Exports carry plain numbers (1234.56 / 1234,56), not formatted text.
	p := s.newPage(r, ses, co, "dashboard", "", nil)
	p.Lang = "csv-" + ses.lang()
	for _, c := range dashCharts(p, d) {
		if c.ID != id {
			continue
		}
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		if ses.lang() == langFR {
			cw.Comma = ';'
			buf.WriteString("\ufeff") // Excel reads UTF-8 with a BOM
		}
		p.Lang = ses.lang()
		_ = cw.Write(c.Head)
		for _, row := range c.Rows {
			_ = cw.Write(row)
		}
		cw.Flush()
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+co.Code+"-"+id+"-"+on.String()+`.csv"`)
		_, _ = w.Write(buf.Bytes())
		return
	}
	s.errorPage(w, r, http.StatusNotFound, tr(ses.lang(), "err.notfound"))
}

// dashCharts builds the six charts. When p.Lang starts with "csv-",
// amounts are plain numbers for a spreadsheet.
func dashCharts(p *page, d store.Dashboard) []dashChart {
	lang := strings.TrimPrefix(p.Lang, "csv-")
	forCSV := strings.HasPrefix(p.Lang, "csv-")
	T := func(k string, a ...any) string { return tr(lang, k, a...) }
	money := func(v decimal.Decimal) string {
		if forCSV {
			s := v.StringFixed(2)
			if lang == langFR {
				s = strings.Replace(s, ".", ",", 1)
			}
			return s
		}
		return formatMoney(lang, v, "EUR")
	}
	day := func(c calendar.Date) string {
		if forCSV {
			return c.String()
		}
		return formatDate(lang, c)
	}
	level := func(code string) string {
		switch code {
		case "NONE", "":
			return T("dash.nolevel")
		case "UNRESOLVED":
			return T("tab.unresolved")
		}
		return p.Level(code)
	}
	var out []dashChart

	// Aging.
	aging := dashChart{ID: "aging", Title: T("dash.aging"), Help: T("dash.aging.help"),
		Head: []string{T("dash.bucket"), T("col.invoices"), T("col.amount")}, Num: []bool{false, true, true}}
	var bars []bar
	total, count := decimal.Zero, 0
	for _, b := range d.Aging {
		label := T("dash.age." + b.Label)
		aging.Rows = append(aging.Rows, []string{label, strconv.Itoa(b.Count), money(b.Amount)})
		bars = append(bars, bar{Label: label, Value: b.Amount, Text: formatMoney(lang, b.Amount, "EUR"), Color: ageColor(b.Label)})
		total, count = total.Add(b.Amount), count+b.Count
	}
	// The buckets add up to the customers' balances (credit notes and
	// payments on account deducted once, as the letters do).
	aging.Rows = append(aging.Rows, []string{T("dash.age.total"), strconv.Itoa(count), money(total)})
	aging.SVG = columnChart(bars)
	out = append(out, aging)

	// Amount and count per level.
	levels := dashChart{ID: "levels", Title: T("dash.levels"), Help: T("dash.levels.help"),
		Head: []string{T("col.level"), T("col.invoices"), T("col.amount")}, Num: []bool{false, true, true}}
	bars = nil
	for _, l := range d.Levels {
		levels.Rows = append(levels.Rows, []string{level(l.Level), strconv.Itoa(l.Count), money(l.Amount)})
		bars = append(bars, bar{Label: level(l.Level), Value: l.Amount, Text: formatMoney(lang, l.Amount, "EUR") + " · " + strconv.Itoa(l.Count), Color: "#2563a8"})
	}
	levels.SVG = rowChart(bars)
	out = append(out, levels)

	// Letters per day by outcome.
	letters := dashChart{ID: "letters", Title: T("dash.letters"), Help: T("dash.letters.help"),
		Head: []string{T("col.date"), T("dash.sent"), T("dash.print"), T("dash.uncertain"), T("dash.failed")}, Num: []bool{false, true, true, true, true}}
	var stacks []stack
	for _, l := range d.Letters {
		stacks = append(stacks, stack{Label: fmt.Sprintf("%02d/%02d", l.Day.Day, int(l.Day.Month)), Parts: []int{l.Sent, l.Print, l.Uncertain, l.Failed}})
		if l.Sent+l.Print+l.Uncertain+l.Failed > 0 {
			letters.Rows = append(letters.Rows, []string{day(l.Day), strconv.Itoa(l.Sent), strconv.Itoa(l.Print), strconv.Itoa(l.Uncertain), strconv.Itoa(l.Failed)})
		}
	}
	letters.SVG = stackChart(stacks, []string{T("dash.sent"), T("dash.print"), T("dash.uncertain"), T("dash.failed")},
		[]string{"#2f7a45", "#2563a8", "#d69e2e", "#b42318"})
	out = append(out, letters)

	// Payments after each level.
	after := dashChart{ID: "after", Title: T("dash.after"), Help: T("dash.after.help"),
		Head: []string{T("col.level"), T("dash.reminded"), T("dash.paidAfter"), T("dash.rate"), T("dash.amountPaid")}, Num: []bool{false, true, true, true, true}}
	bars = nil
	for _, a := range d.AfterLevel {
		rate := "–"
		if a.Reminded > 0 {
			rate = strconv.Itoa(a.PaidAfter*100/a.Reminded) + " %"
		}
		after.Rows = append(after.Rows, []string{level(a.Level), strconv.Itoa(a.Reminded), strconv.Itoa(a.PaidAfter), rate, money(a.AmountPaid)})
		bars = append(bars, bar{Label: level(a.Level), Value: a.AmountPaid, Text: formatMoney(lang, a.AmountPaid, "EUR") + " · " + rate, Color: "#2f7a45"})
	}
	after.SVG = columnChart(bars)
	out = append(out, after)

	// Promises to pay of the week.
	promises := dashChart{ID: "promises", Title: T("dash.promises"), Help: T("dash.promises.help"),
		Head: []string{T("col.customer"), T("col.name"), T("col.date"), T("col.amount")}, Num: []bool{false, false, false, true}}
	bars = nil
	for _, pr := range d.Promises {
		promises.Rows = append(promises.Rows, []string{pr.Customer, pr.Name, day(pr.On), money(pr.Amount)})
		bars = append(bars, bar{Label: formatDate(lang, pr.On) + " " + pr.Customer, Value: pr.Amount, Text: formatMoney(lang, pr.Amount, "EUR"), Color: "#7a5af8"})
	}
	promises.SVG = rowChart(bars)
	out = append(out, promises)

	// DSO over 12 months.
	dso := dashChart{ID: "dso", Title: T("dash.dso"), Help: T("dash.dso.help"),
		Head: []string{T("dash.month"), T("dash.receivables"), T("dash.days")}, Num: []bool{false, true, true}}
	var pts []point
	for _, m := range d.DSO {
		label := fmt.Sprintf("%02d/%d", int(m.Month.Month), m.Month.Year)
		days := m.Days.StringFixed(1)
		if lang == langFR {
			days = strings.Replace(days, ".", ",", 1)
		}
		dso.Rows = append(dso.Rows, []string{label, money(m.Receivables), days})
		pts = append(pts, point{Label: fmt.Sprintf("%02d/%02d", int(m.Month.Month), m.Month.Year%100), Value: m.Days, Text: days})
	}
	dso.SVG = lineChart(pts, T("dash.days"))
	out = append(out, dso)
	// Each chart is named for screen readers by its title; its figures
	// are in the table under it.
	for i := range out {
		out[i].SVG = template.HTML(strings.Replace(string(out[i].SVG), "<svg ", `<svg aria-label="`+esc(out[i].Title)+`" `, 1))
	}
	return out
}

func ageColor(label string) string {
	switch label {
	case "not due":
		return "#98a2b3"
	case "1-30":
		return "#f5c451"
	case "31-60":
		return "#f0953a"
	case "61-90":
		return "#e0623a"
	case "credits":
		return "#2f7a45"
	}
	return "#b42318"
}

// Chart geometry: every chart is drawn in a 560 x 220 box and scales to
// its column's width.
const (
	chartW = 560
	chartH = 220
	padL   = 10
	padR   = 10
	padT   = 22
	padB   = 34
)

type bar struct {
	Label string
	Value decimal.Decimal
	Text  string
	Color string
}

type stack struct {
	Label string
	Parts []int
}

type point struct {
	Label string
	Value decimal.Decimal
	Text  string
}

// scale returns v / max as a fraction for drawing (0 when max is 0).
func scale(v, max decimal.Decimal) float64 {
	if !max.IsPositive() || !v.IsPositive() {
		return 0
	}
	return v.Div(max).InexactFloat64()
}

func svgOpen(b *strings.Builder, h int) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,DejaVu Sans,sans-serif" font-size="11">`, chartW, h)
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// columnChart draws vertical bars with their value above and label under.
func columnChart(bars []bar) template.HTML {
	if len(bars) == 0 {
		return emptyChart()
	}
	var b strings.Builder
	svgOpen(&b, chartH)
	max := decimal.Zero
	for _, x := range bars {
		max = decimal.Max(max, x.Value)
	}
	plotH := float64(chartH - padT - padB)
	slot := float64(chartW-padL-padR) / float64(len(bars))
	bw := slot * 0.6
	base := float64(chartH - padB)
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#98a2b3"/>`, padL, base, chartW-padR, base)
	for i, x := range bars {
		h := plotH * scale(decimal.Max(x.Value, decimal.Zero), max) // a negative bucket (credits) stays on the axis
		cx := float64(padL) + slot*float64(i) + slot/2
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
			cx-bw/2, base-h, bw, h, x.Color, esc(x.Label), esc(x.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#1d2733">%s</text>`, cx, base-h-5, esc(x.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#475467">%s</text>`, cx, base+16, esc(x.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// rowChart draws horizontal bars, label on the left, value on the right.
func rowChart(bars []bar) template.HTML {
	if len(bars) == 0 {
		return emptyChart()
	}
	const rowH, labelW, textW = 24, 130, 150
	h := padT + rowH*len(bars) + 6
	var b strings.Builder
	svgOpen(&b, h)
	max := decimal.Zero
	for _, x := range bars {
		max = decimal.Max(max, x.Value)
	}
	plotW := float64(chartW - padL - labelW - textW)
	for i, x := range bars {
		y := float64(padT + rowH*i)
		w := plotW * scale(x.Value, max)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" fill="#475467">%s</text>`, padL, y+15, esc(truncate(x.Label, 22)))
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`,
			padL+labelW, y+3, w, rowH-8, x.Color, esc(x.Label), esc(x.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#1d2733">%s</text>`, float64(padL+labelW)+w+6, y+15, esc(x.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// stackChart draws one stacked column per day with a legend.
func stackChart(stacks []stack, names, colors []string) template.HTML {
	total := 0
	max := 0
	for _, s := range stacks {
		n := 0
		for _, p := range s.Parts {
			n += p
		}
		total += n
		if n > max {
			max = n
		}
	}
	if len(stacks) == 0 || total == 0 {
		return emptyChart()
	}
	var b strings.Builder
	svgOpen(&b, chartH)
	plotH := float64(chartH - padT - padB)
	slot := float64(chartW-padL-padR-24) / float64(len(stacks))
	bw := slot * 0.7
	base := float64(chartH - padB)
	x0 := float64(padL + 24)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%d" y2="%.1f" stroke="#98a2b3"/>`, x0, base, chartW-padR, base)
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" fill="#475467">%d</text><text x="%d" y="%.1f" fill="#475467">0</text>`, padL, base-plotH+4, max, padL, base)
	for i, s := range stacks {
		x := x0 + slot*float64(i) + (slot-bw)/2
		y := base
		for j, p := range s.Parts {
			if p == 0 {
				continue
			}
			h := plotH * float64(p) / float64(max)
			y -= h
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d</title></rect>`, x, y, bw, h, colors[j], esc(s.Label), esc(names[j]), p)
		}
		if i%5 == 0 || i == len(stacks)-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#475467">%s</text>`, x+bw/2, base+14, esc(s.Label))
		}
	}
	lx := float64(padL + 24)
	for j, n := range names {
		fmt.Fprintf(&b, `<rect x="%.1f" y="4" width="10" height="10" fill="%s"/><text x="%.1f" y="13" fill="#1d2733">%s</text>`, lx, colors[j], lx+14, esc(n))
		lx += 14 + float64(len([]rune(n)))*6.5 + 16
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// lineChart draws the DSO months as a line with a dot and value per month.
func lineChart(pts []point, unit string) template.HTML {
	if len(pts) == 0 {
		return emptyChart()
	}
	var b strings.Builder
	svgOpen(&b, chartH)
	max := decimal.Zero
	for _, p := range pts {
		max = decimal.Max(max, p.Value)
	}
	if !max.IsPositive() {
		max = decimal.NewFromInt(1)
	}
	max = max.Mul(decimal.NewFromFloat(1.15))
	plotH := float64(chartH - padT - padB)
	base := float64(chartH - padB)
	step := float64(chartW-padL-padR-20) / float64(max2(len(pts)-1, 1))
	x0 := float64(padL + 10)
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#98a2b3"/>`, padL, base, chartW-padR, base)
	var path strings.Builder
	for i, p := range pts {
		x := x0 + step*float64(i)
		y := base - plotH*scale(p.Value, max)
		if i == 0 {
			fmt.Fprintf(&path, "M%.1f %.1f", x, y)
		} else {
			fmt.Fprintf(&path, " L%.1f %.1f", x, y)
		}
	}
	fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#2563a8" stroke-width="2"/>`, path.String())
	for i, p := range pts {
		x := x0 + step*float64(i)
		y := base - plotH*scale(p.Value, max)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="#2563a8"><title>%s: %s %s</title></circle>`, x, y, esc(p.Label), esc(p.Text), esc(unit))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#1d2733" font-size="10">%s</text>`, x, y-7, esc(p.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#475467" font-size="10">%s</text>`, x, base+14, esc(p.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func emptyChart() template.HTML {
	return template.HTML(`<svg class="chart empty" viewBox="0 0 560 60" width="100%" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,DejaVu Sans,sans-serif" font-size="12"><text x="280" y="34" text-anchor="middle" fill="#98a2b3">–</text></svg>`)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
