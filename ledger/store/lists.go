package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// InvoiceFilter selects invoices of one company for the operators' lists
// (seed 000: by level, overdue by X days, credit limit exceeded; seed 001:
// by customer, family, sales rep, payment method). Empty fields match
// everything.
type InvoiceFilter struct {
	Company       string // required
	Level         string // last step taken: NONE, R1, R2...
	NextLevel     string // next letter, or UNRESOLVED
	Status        string // active, paused, held, unresolved, paid, closed; set, it also lists settled invoices
	Customer      string // customer code
	Family        string
	SalesRep      string
	PaymentMethod string
	// OverCreditLimit keeps customers whose open balance exceeds their
	// credit limit.
	OverCreditLimit bool
	// AvailableCreditBelow, when set, keeps customers whose available
	// credit (credit limit minus open balance) is below it (seed 000).
	AvailableCreditBelow *decimal.Decimal
	// OverdueDays keeps invoices due at least this many days ago.
	OverdueDays int
	// Tab selects a tab of the Relances screen: "" (every open invoice), a
	// level code (the invoices whose next letter is that level), or
	// TabUnresolved, TabPaused, TabHeld.
	Tab string
	// Sort is a SortKeys key (default: due date), Desc reverses it.
	Sort string
	Desc bool
	// Offset skips that many rows (paging by page number, any sort).
	Offset int
	// After and Before page by key in the default order (due date, then
	// number): the rows after or before the cursor, without counting the
	// rows skipped, so the last page costs what the first does.
	After, Before *Cursor
	// IncludeSettled also lists paid and closed invoices (the customer
	// record's "Inclure les lignes soldées").
	IncludeSettled bool
	// WithCredits also lists the open credit notes (negative balance, not
	// closed) beside the open invoices: the customer record's statement,
	// whose open balance deducts them as the letters do.
	WithCredits bool
	// Now is the instant "overdue" is counted from, in the company's time
	// zone.
	Now time.Time
	// Limit caps the rows; 0 means 1000.
	Limit int
}

// InvoiceRow is a line of an invoices list: the invoice, its customer and
// where its dunning stands (the workflow's projection).
type InvoiceRow struct {
	Company       string          `json:"company"`
	Number        string          `json:"invoice"`
	Kind          string          `json:"kind"`
	Customer      string          `json:"customer"`
	CustomerName  string          `json:"customerName"`
	Family        string          `json:"family,omitempty"`
	SalesRep      string          `json:"salesRep,omitempty"`
	PaymentMethod string          `json:"paymentMethod,omitempty"`
	IssueDate     calendar.Date   `json:"issueDate"`
	DueDate       calendar.Date   `json:"dueDate,omitempty"`
	DaysOverdue   int             `json:"daysOverdue"`
	Amount        decimal.Decimal `json:"amount"`
	Currency      string          `json:"currency"`
	Balance       decimal.Decimal `json:"balance"`
	Closed        bool            `json:"closed"`
	DoNotRemind   bool            `json:"doNotRemind"` // on the invoice or its customer
	Level         string          `json:"level"`
	NextLevel     string          `json:"nextLevel"`
	Status        string          `json:"status"` // empty when no workflow ever ran
	NextActionAt  *time.Time      `json:"nextActionAt,omitempty"`
	Comment       string          `json:"comment,omitempty"` // the latest comment of its history
	// InvoiceStatus is the reminder status set on the invoice itself (seed
	// 004's "Statut de relance" of an invoice: CTX, NPR...), "" for none.
	InvoiceStatus string `json:"invoiceStatus,omitempty"`
	// CustomerStatus and CustomerPrevious are the customer's reminder
	// status and the one it replaced (seed 004's "Statut précédent").
	CustomerStatus   string `json:"customerStatus,omitempty"`
	CustomerPrevious string `json:"customerPreviousStatus,omitempty"`
	// Issued is seed 001's "Éditée": the letter of the invoice's current
	// level went out (sent, or queued for the post), read from the
	// ledger's letters.
	Issued bool `json:"issued"`
	// CustomerBalance and CustomerOwed are the customer's Position in
	// the invoice's currency (seed 001's "Solde comptable", and what its
	// letter claims): set by AttachPositions, nil until then.
	CustomerBalance *decimal.Decimal `json:"customerBalance,omitempty"`
	CustomerOwed    *decimal.Decimal `json:"customerOwed,omitempty"`
}

// Cursor is a position in the default order of a list: a due date (zero
// for invoices without one, which come last) and an invoice number.
type Cursor struct {
	Due    calendar.Date
	Number string
}

// CursorOf is the position of row in the default order.
func CursorOf(row InvoiceRow) Cursor { return Cursor{Due: row.DueDate, Number: row.Number} }

// String writes c for a URL: 2026-11-23~FA0168, or infinity~FA0192.
func (c Cursor) String() string {
	d := "infinity"
	if !c.Due.IsZero() {
		d = c.Due.String()
	}
	return d + "~" + c.Number
}

// ParseCursor reads what Cursor.String wrote.
func ParseCursor(s string) (Cursor, error) {
	d, n, ok := strings.Cut(s, "~")
	if !ok || n == "" {
		return Cursor{}, Invalidf("position %q is not DATE~NUMBER", s)
	}
	if d == "infinity" {
		return Cursor{Number: n}, nil
	}
	day, err := calendar.Parse(d)
	if err != nil {
		return Cursor{}, Invalidf("position %q: %v", s, err)
	}
	return Cursor{Due: day, Number: n}, nil
}

func (c Cursor) dueArg() string {
	if c.Due.IsZero() {
		return "infinity"
	}
	return c.Due.String()
}

// dueOrder is the default order's key: invoices without a due date last.
// The indexes invoices_open_due, _next_level and _status hold it.
const dueOrder = "COALESCE(i.due_date, 'infinity'::date)"

// Tabs of the Relances screen besides "" (all) and the level codes.
const (
	TabUnresolved = "unresolved" // past the last level ("Non soldé")
	TabPaused     = "paused"     // paused by an operator ("En pause")
	TabHeld       = "held"       // held by a status: litigation, do-not-remind ("Contentieux")
)

// tabWhere is the condition of a tab.
func tabWhere(tab string, add func(cond string, v any), where *[]string) {
	switch tab {
	case "":
	case TabUnresolved, TabPaused, TabHeld:
		add("i.dunning_status = ?", tab)
	default:
		*where = append(*where, "i.dunning_status = 'active'")
		add("i.dunning_next_level = ?", tab)
	}
}

// SortKeys maps the sortable columns of the Relances screen to SQL.
var SortKeys = map[string]string{
	"level":      "i.dunning_level",
	"number":     "i.number",
	"customer":   "cu.code",
	"name":       "cu.name",
	"due":        dueOrder,
	"balance":    "i.balance_due",
	"nextLevel":  "i.dunning_next_level",
	"nextAction": "i.next_action_at",
	"comment":    "i.last_comment",
	"issue":      "i.issue_date",
	// seed 004's status columns
	"invoiceStatus":  "i.reminder_status",
	"customerStatus": "cu.reminder_status",
}

// nullable are the sort columns that may be NULL: ascending, NULLs go last.
var nullable = map[string]bool{"level": true, "nextLevel": true, "nextAction": true, "invoiceStatus": true, "customerStatus": true}

const invoiceRowSelect = `
	SELECT c.code, i.number, i.kind, cu.code, cu.name, cu.family, cu.sales_rep, cu.payment_method,
	       i.issue_date, i.due_date,
	       COALESCE((($1::timestamptz AT TIME ZONE c.time_zone)::date - i.due_date), 0),
	       i.amount, i.currency, i.balance_due, i.closed, (i.do_not_remind OR cu.do_not_remind),
	       COALESCE(i.dunning_level, ''), COALESCE(i.dunning_next_level, ''), COALESCE(i.dunning_status, ''),
	       i.next_action_at, i.last_comment,
	       COALESCE(i.reminder_status, ''), COALESCE(cu.reminder_status, ''), COALESCE(cu.previous_status, ''),
	       EXISTS (SELECT 1 FROM letters l WHERE l.invoice_id = i.id AND l.level_code = i.dunning_level
	                 AND l.status IN ('sent', 'queued_print'))
	FROM invoices i JOIN companies c ON c.id = i.company_id JOIN customers cu ON cu.id = i.customer_id`

func scanInvoiceRow(r pgx.CollectableRow) (InvoiceRow, error) {
	var x InvoiceRow
	var due *calendar.Date
	err := r.Scan(&x.Company, &x.Number, &x.Kind, &x.Customer, &x.CustomerName, &x.Family, &x.SalesRep, &x.PaymentMethod,
		&x.IssueDate, &due, &x.DaysOverdue, &x.Amount, &x.Currency, &x.Balance, &x.Closed, &x.DoNotRemind,
		&x.Level, &x.NextLevel, &x.Status, &x.NextActionAt, &x.Comment,
		&x.InvoiceStatus, &x.CustomerStatus, &x.CustomerPrevious, &x.Issued)
	if due != nil {
		x.DueDate = *due
	}
	return x, err
}

// ListInvoices returns the invoices of f.Company that match f, oldest due
// date first unless f.Sort says otherwise. Without a status filter only
// open invoices are listed (balance due > 0, not closed).
func (s *Store) ListInvoices(ctx context.Context, f InvoiceFilter) ([]InvoiceRow, error) {
	q, args, err := f.listQuery()
	if err != nil {
		return nil, err
	}
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list invoices of %s: %w", f.Company, err)
	}
	list, err := pgx.CollectRows(rows, scanInvoiceRow)
	if err != nil {
		return nil, fmt.Errorf("list invoices of %s: %w", f.Company, err)
	}
	if f.Before != nil {
		slices.Reverse(list)
	}
	return list, nil
}

// listQuery is the SQL of ListInvoices and its arguments.
func (f InvoiceFilter) listQuery() (string, []any, error) {
	where, args, err := f.where(true)
	if err != nil {
		return "", nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	key := f.Sort
	if key == "" {
		key = "due"
	}
	order, ok := SortKeys[key]
	if !ok {
		return "", nil, Invalidf("list invoices: unknown sort %q", f.Sort)
	}
	// The orders match the indexes (forward or backward): ascending puts
	// NULLs last, descending first.
	dir := ""
	switch {
	case f.Desc:
		dir = " DESC"
	case nullable[key]:
		order += " NULLS LAST"
	}
	if f.Offset < 0 {
		return "", nil, Invalidf("list invoices: the offset must not be negative")
	}
	if f.After != nil || f.Before != nil {
		if key != "due" || f.Desc || f.Offset > 0 || (f.After != nil && f.Before != nil) {
			return "", nil, Invalidf("list invoices: a position goes with the default order only")
		}
		c, op := f.After, ">"
		if f.Before != nil {
			// The rows before, nearest first; ListInvoices puts them back
			// in order.
			c, op, dir = f.Before, "<", " DESC"
		}
		args = append(args, c.dueArg(), c.Number)
		where = append(where, fmt.Sprintf("(%s, i.number) %s ($%d::date, $%d)", dueOrder, op, len(args)-1, len(args)))
	}
	args = append(args, f.Limit, f.Offset)
	q := invoiceRowSelect + "\n\tWHERE " + strings.Join(where, " AND ") +
		fmt.Sprintf("\n\tORDER BY %s%s, i.number%s LIMIT $%d OFFSET $%d", order, dir, dir, len(args)-1, len(args))
	return q, args, nil
}

// countQuery is the SQL of CountTabs and its arguments.
func (f InvoiceFilter) countQuery() (string, []any, error) {
	where, args, err := f.where(false)
	if err != nil {
		return "", nil, err
	}
	// The customers join only when a filter needs it: the counts are then
	// an index-only scan of invoices_open_tabs.
	from := "invoices i JOIN companies c ON c.id = i.company_id"
	needCustomers := false
	for _, w := range where {
		if !strings.HasPrefix(w, "cu.company_id = ") && strings.Contains(w, "cu.") {
			needCustomers = true
		}
	}
	kept := where
	if needCustomers {
		from += " JOIN customers cu ON cu.id = i.customer_id"
	} else {
		kept = nil
		for _, w := range where {
			if !strings.HasPrefix(w, "cu.company_id = ") {
				kept = append(kept, w)
			}
		}
	}
	return `
	SELECT COALESCE(i.dunning_status, ''), COALESCE(i.dunning_next_level, ''), count(*)
	FROM ` + from + `
	WHERE ` + strings.Join(kept, " AND ") + ` AND $1::timestamptz IS NOT NULL
	GROUP BY i.dunning_status, i.dunning_next_level`, args, nil
}

// ExplainInvoices returns the plans PostgreSQL chose, and ran, for the two
// queries of a list page under f: the page's rows (ListInvoices) and the
// tabs' counts (CountTabs). For benchmarks and slow-page investigations.
func (s *Store) ExplainInvoices(ctx context.Context, f InvoiceFilter) (list, counts string, err error) {
	explain := func(q string, args []any) (string, error) {
		rows, err := s.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+q, args...)
		if err != nil {
			return "", fmt.Errorf("explain: %w", err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return "", fmt.Errorf("explain: %w", err)
		}
		return strings.Join(lines, "\n"), nil
	}
	q, args, err := f.listQuery()
	if err != nil {
		return "", "", err
	}
	if list, err = explain(q, args); err != nil {
		return "", "", err
	}
	q, args, err = f.countQuery()
	if err != nil {
		return "", "", err
	}
	counts, err = explain(q, args)
	return list, counts, err
}

// where returns the conditions and arguments of f ($1 is f.Now, $2 the
// company); withTab adds the tab's condition.
func (f *InvoiceFilter) where(withTab bool) ([]string, []any, error) {
	if f.Company == "" {
		return nil, nil, Invalidf("list invoices: the company is required")
	}
	if f.OverdueDays < 0 {
		return nil, nil, Invalidf("list invoices: overdue days must not be negative")
	}
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	args := []any{f.Now, f.Company}
	// The company's id as a value (an InitPlan), so that the indexes that
	// start with company_id give the order and the page directly.
	where := []string{"c.code = $2", "i.company_id = (SELECT id FROM companies WHERE code = $2)",
		"cu.company_id = (SELECT id FROM companies WHERE code = $2)"}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Status == "" && !f.IncludeSettled && f.WithCredits {
		where = append(where, "NOT i.closed AND (i.balance_due > 0 OR i.kind = 'credit_note' AND i.balance_due < 0)")
	} else if f.Status == "" && !f.IncludeSettled {
		where = append(where, "i.balance_due > 0 AND NOT i.closed")
	} else if f.Status != "" {
		add("i.dunning_status = ?", f.Status)
	}
	if withTab {
		tabWhere(f.Tab, add, &where)
	}
	if f.Level != "" {
		add("i.dunning_level = ?", f.Level)
	}
	if f.NextLevel != "" {
		add("i.dunning_next_level = ?", f.NextLevel)
	}
	if f.Customer != "" {
		add("cu.code = ?", f.Customer)
	}
	if f.Family != "" {
		add("cu.family = ?", f.Family)
	}
	if f.SalesRep != "" {
		add("cu.sales_rep = ?", f.SalesRep)
	}
	if f.PaymentMethod != "" {
		add("cu.payment_method = ?", f.PaymentMethod)
	}
	if f.OverdueDays > 0 {
		// Today in the company's zone, computed once (an InitPlan).
		add("i.due_date <= ($1::timestamptz AT TIME ZONE (SELECT time_zone FROM companies WHERE code = $2))::date - ?::int", f.OverdueDays)
	}
	// Customers' open balances against their credit limits: the balance
	// is kept on the customer (customers.open_balance, by a trigger).
	if f.OverCreditLimit {
		where = append(where, "cu.credit_limit IS NOT NULL AND cu.open_balance > cu.credit_limit")
	}
	if f.AvailableCreditBelow != nil {
		add("cu.credit_limit IS NOT NULL AND cu.credit_limit - cu.open_balance < ?::numeric", f.AvailableCreditBelow.String())
	}
	return where, args, nil
}

// TabCounts is how many invoices each tab of the Relances screen holds
// under a filter: All, then per level code (next letter), Unresolved,
// Paused, Held.
type TabCounts struct {
	All        int
	Levels     map[string]int
	Unresolved int
	Paused     int
	Held       int
}

// CountTabs counts the invoices of each tab that match f (f.Tab, f.Sort
// and paging are ignored), in one query.
func (s *Store) CountTabs(ctx context.Context, f InvoiceFilter) (TabCounts, error) {
	out := TabCounts{Levels: map[string]int{}}
	q, args, err := f.countQuery()
	if err != nil {
		return out, err
	}
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return out, fmt.Errorf("count invoices of %s: %w", f.Company, err)
	}
	defer rows.Close()
	for rows.Next() {
		var status, next string
		var n int
		if err := rows.Scan(&status, &next, &n); err != nil {
			return out, fmt.Errorf("count invoices of %s: %w", f.Company, err)
		}
		out.All += n
		switch status {
		case TabUnresolved:
			out.Unresolved += n
		case TabPaused:
			out.Paused += n
		case TabHeld:
			out.Held += n
		case "active":
			out.Levels[next] += n
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("count invoices of %s: %w", f.Company, err)
	}
	return out, nil
}

// InvoiceSummary returns one invoice as a list line: where its dunning
// stands according to the database mirror.
func (s *Store) InvoiceSummary(ctx context.Context, company, number string, now time.Time) (InvoiceRow, error) {
	rows, err := s.Pool.Query(ctx, invoiceRowSelect+` WHERE c.code = $2 AND i.number = $3`, now, company, number)
	if err != nil {
		return InvoiceRow{}, fmt.Errorf("load invoice %s of %s: %w", number, company, err)
	}
	x, err := pgx.CollectExactlyOneRow(rows, scanInvoiceRow)
	if errors.Is(err, pgx.ErrNoRows) {
		return x, fmt.Errorf("invoice %s of %s: %w", number, company, ErrNotFound)
	}
	if err != nil {
		return x, fmt.Errorf("load invoice %s of %s: %w", number, company, err)
	}
	return x, nil
}
