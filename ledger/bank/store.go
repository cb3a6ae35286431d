package bank

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// Transaction statuses (bank_transactions.status).
const (
	StatusNew       = "new"
	StatusMatched   = "matched"
	StatusException = "exception"
	StatusIgnored   = "ignored"
	StatusDebit     = "debit"
	StatusReversal  = "reversal"
	StatusReversed  = "reversed"
)

// PaymentSource is the source of the payments bank credits record
// (payments.source); their external ID is "bank:<allocation id>".
const PaymentSource = "bank"

// ExternalID is the payment external ID of allocation id.
func ExternalID(allocation int64) string { return fmt.Sprintf("bank:%d", allocation) }

// Ledger keeps bank transactions in PostgreSQL.
type Ledger struct {
	st *store.Store
}

// NewLedger returns the bank ledger of st.
func NewLedger(st *store.Store) *Ledger { return &Ledger{st: st} }

// ImportOptions say where a file comes from.
type ImportOptions struct {
	// Company, when set, is the only company whose statements are taken:
	// a statement of another account is rejected.
	Company string
	// Scope limits the companies (an API token's); nil means every one.
	Scope    store.Scope
	FileName string
	Channel  string // web, cli, api
	Actor    string
}

// ImportReport says what a file brought: entries new, already known (an
// earlier import had them) and rejected (unreadable, or of an account that
// is no company's), then what matching did with the new ones.
type ImportReport struct {
	ImportIDs  []int64   `json:"importIds"`
	Format     string    `json:"format"`
	Version    string    `json:"version,omitempty"`
	Statements int       `json:"statements"`
	New        int       `json:"new"`
	Known      int       `json:"known"`
	Rejected   int       `json:"rejected"`
	Problems   []Problem `json:"problems"`
	Companies  []string  `json:"companies"`
	// Filled by the reconciliation that follows.
	Matched    int      `json:"matched"`
	Exceptions int      `json:"exceptions"`
	Reversals  int      `json:"reversals"`
	Debits     int      `json:"debits"`
	Failed     []string `json:"failed,omitempty"`
}

// ErrNothing is returned (wrapped) by Import when a file has no entry of
// any company that may be imported.
var ErrNothing = errors.New("no entry imported")

type companyAccount struct {
	id   int64
	code string
}

// Import reads a statement file and keeps its booked entries, each once
// under its identity. It returns what it did; reconcile the companies
// afterwards (actions.Ops.Reconcile) to match the new entries.
func (l *Ledger) Import(ctx context.Context, data []byte, opts ImportOptions) (ImportReport, error) {
	var rep ImportReport
	f, err := Parse(data)
	if err != nil {
		return rep, err
	}
	rep.Format, rep.Version, rep.Statements, rep.Problems = f.Format, f.Version, len(f.Statements), f.Problems
	rep.Rejected = len(f.Problems)
	accounts, err := l.accounts(ctx)
	if err != nil {
		return rep, err
	}
	sum := sha256.Sum256(data)
	byCompany := map[int64][]Entry{}
	var order []companyAccount
	for _, s := range f.Statements {
		co, ok := accounts[s.Account]
		reason := ""
		switch {
		case !ok:
			reason = fmt.Sprintf("account %s is the account of no company (set the company's IBAN)", maskIBAN(s.Account))
		case opts.Company != "" && co.code != opts.Company:
			reason = fmt.Sprintf("account %s belongs to company %s, not %s", maskIBAN(s.Account), co.code, opts.Company)
		case !opts.Scope.Allows(co.code):
			reason = fmt.Sprintf("account %s belongs to company %s, outside this token's companies", maskIBAN(s.Account), co.code)
		}
		if reason != "" {
			rep.Rejected += len(s.Entries)
			rep.Problems = append(rep.Problems, Problem{Line: firstLine(s), Reason: fmt.Sprintf("statement %s: %s; its %d entries are not imported", s.ID, reason, len(s.Entries))})
			continue
		}
		if _, seen := byCompany[co.id]; !seen {
			order = append(order, co)
		}
		byCompany[co.id] = append(byCompany[co.id], s.Entries...)
	}
	for _, co := range order {
		id, n, k, err := l.store(ctx, co, byCompany[co.id], f, hex.EncodeToString(sum[:]), opts)
		if err != nil {
			return rep, err
		}
		rep.ImportIDs = append(rep.ImportIDs, id)
		rep.New += n
		rep.Known += k
		rep.Companies = append(rep.Companies, co.code)
	}
	if len(order) == 0 {
		return rep, fmt.Errorf("%w: %d problems, first: %s", ErrNothing, len(rep.Problems), firstProblem(rep.Problems))
	}
	return rep, nil
}

func firstProblem(ps []Problem) string {
	if len(ps) == 0 {
		return "the file has no booked entry"
	}
	return ps[0].String()
}

func firstLine(s Statement) int {
	if len(s.Entries) > 0 {
		return s.Entries[0].Line
	}
	return 0
}

// maskIBAN shows an account's country, bank and last digits only (logs
// and messages).
func maskIBAN(iban string) string {
	if len(iban) < 12 {
		return iban
	}
	return iban[:9] + strings.Repeat("*", len(iban)-13) + iban[len(iban)-4:]
}

func (l *Ledger) accounts(ctx context.Context) (map[string]companyAccount, error) {
	rows, err := l.st.Pool.Query(ctx, `SELECT id, code, iban FROM companies WHERE iban <> ''`)
	if err != nil {
		return nil, fmt.Errorf("company accounts: %w", err)
	}
	defer rows.Close()
	out := map[string]companyAccount{}
	for rows.Next() {
		var c companyAccount
		var iban string
		if err := rows.Scan(&c.id, &c.code, &iban); err != nil {
			return nil, err
		}
		out[NormalizeIBAN(iban)] = c
	}
	return out, rows.Err()
}

func (l *Ledger) store(ctx context.Context, co companyAccount, entries []Entry, f File, sum string, opts ImportOptions) (id int64, fresh, known int, err error) {
	err = pgx.BeginFunc(ctx, l.st.Pool, func(tx pgx.Tx) error {
		problems, _ := json.Marshal(f.Problems)
		if err := tx.QueryRow(ctx, `
			INSERT INTO bank_imports (company_id, file_name, file_sha256, format, channel, actor, problems, rejected_count)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
			co.id, clean(opts.FileName, 200), sum, f.Format, opts.Channel, clean(opts.Actor, 200), problems, len(f.Problems)).Scan(&id); err != nil {
			return err
		}
		for _, e := range entries {
			ident := e.Identity()
			var txID int64
			err := tx.QueryRow(ctx, `
				INSERT INTO bank_transactions (company_id, account, bank_ref, booking_date, value_date, amount, currency,
					content_hash, reversal, bank_code, label, end_to_end_id, payer_name, payer_iban, remittance, creditor_refs, import_id)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
				ON CONFLICT (account, bank_ref, booking_date, amount, content_hash) DO NOTHING RETURNING id`,
				co.id, ident.Account, ident.BankRef, ident.BookingDate, nullDate(e.ValueDate), e.Amount, e.Currency,
				ident.ContentHash, e.Reversal, e.BankCode, e.Label, e.EndToEndID, e.PayerName, NormalizeIBAN(e.PayerIBAN),
				strings.Join(e.Remittance, " | "), nonNil(e.CreditorRefs), id).Scan(&txID)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				known++
			case err != nil:
				return fmt.Errorf("entry %s: %w", ident, err)
			default:
				fresh++
			}
		}
		_, err := tx.Exec(ctx, `UPDATE bank_imports SET new_count = $2, known_count = $3 WHERE id = $1`, id, fresh, known)
		return err
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("import statement of %s: %w", co.code, err)
	}
	return id, fresh, known, nil
}

func nullDate(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Transaction is a bank transaction as kept.
type Transaction struct {
	ID           int64           `json:"id"`
	CompanyID    int64           `json:"-"`
	Company      string          `json:"company"`
	Account      string          `json:"account"`
	BankRef      string          `json:"bankRef"`
	BookingDate  calendar.Date   `json:"bookingDate"`
	Amount       decimal.Decimal `json:"amount"`
	Currency     string          `json:"currency"`
	Reversal     bool            `json:"reversal"`
	BankCode     string          `json:"bankCode"`
	Label        string          `json:"label"`
	EndToEndID   string          `json:"endToEndId"`
	PayerName    string          `json:"payerName"`
	PayerIBAN    string          `json:"payerIban"`
	Remittance   string          `json:"remittance"`
	CreditorRefs []string        `json:"creditorRefs"`
	Status       string          `json:"status"`
	Reason       string          `json:"reason"`
	CustomerID   *int64          `json:"customerId,omitempty"`
	CustomerCode string          `json:"customer,omitempty"`
	CustomerName string          `json:"customerName,omitempty"`
	ReversesID   *int64          `json:"reversesId,omitempty"`
	Suggestions  []Suggestion    `json:"suggestions"`
	DecidedBy    string          `json:"decidedBy"`
	DecidedAt    *time.Time      `json:"decidedAt,omitempty"`
}

// Entry gives back the transaction as an entry, for matching.
func (t Transaction) Entry() Entry {
	e := Entry{Account: t.Account, BankRef: t.BankRef, BookingDate: t.BookingDate, Amount: t.Amount, Currency: t.Currency,
		Reversal: t.Reversal, BankCode: t.BankCode, Label: t.Label, EndToEndID: t.EndToEndID, PayerName: t.PayerName,
		PayerIBAN: t.PayerIBAN, CreditorRefs: t.CreditorRefs}
	if t.Remittance != "" {
		e.Remittance = strings.Split(t.Remittance, " | ")
	}
	return e
}

const txColumns = `t.id, t.company_id, c.code, t.account, t.bank_ref, t.booking_date, t.amount, t.currency, t.reversal, t.bank_code,
	t.label, t.end_to_end_id, t.payer_name, t.payer_iban, t.remittance, t.creditor_refs, t.status, t.reason, t.customer_id,
	COALESCE(cu.code, ''), COALESCE(cu.name, ''), t.reverses_id, t.suggestions, t.decided_by, t.decided_at`

const txFrom = ` FROM bank_transactions t JOIN companies c ON c.id = t.company_id LEFT JOIN customers cu ON cu.id = t.customer_id `

func scanTx(r pgx.CollectableRow) (Transaction, error) {
	var t Transaction
	var sugg []byte
	err := r.Scan(&t.ID, &t.CompanyID, &t.Company, &t.Account, &t.BankRef, &t.BookingDate, &t.Amount, &t.Currency, &t.Reversal,
		&t.BankCode, &t.Label, &t.EndToEndID, &t.PayerName, &t.PayerIBAN, &t.Remittance, &t.CreditorRefs, &t.Status, &t.Reason,
		&t.CustomerID, &t.CustomerCode, &t.CustomerName, &t.ReversesID, &sugg, &t.DecidedBy, &t.DecidedAt)
	if err == nil && len(sugg) > 0 {
		err = json.Unmarshal(sugg, &t.Suggestions)
	}
	return t, err
}

func (l *Ledger) query(ctx context.Context, where string, args ...any) ([]Transaction, error) {
	rows, err := l.st.Pool.Query(ctx, `SELECT `+txColumns+txFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("bank transactions: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanTx)
	if err != nil {
		return nil, fmt.Errorf("bank transactions: %w", err)
	}
	return out, nil
}

// Waiting returns the transactions of company that matching has not looked
// at yet, in the order they were booked.
func (l *Ledger) Waiting(ctx context.Context, companyID int64) ([]Transaction, error) {
	return l.query(ctx, `WHERE t.company_id = $1 AND t.status = 'new' ORDER BY t.booking_date, t.id`, companyID)
}

// Transaction returns transaction id of company.
func (l *Ledger) Transaction(ctx context.Context, company string, id int64) (Transaction, error) {
	ts, err := l.query(ctx, `WHERE c.code = $1 AND t.id = $2`, company, id)
	if err != nil {
		return Transaction{}, err
	}
	if len(ts) == 0 {
		return Transaction{}, fmt.Errorf("bank transaction %d of %s: %w", id, company, store.ErrNotFound)
	}
	return ts[0], nil
}

// List returns company's transactions of status (every status when ""),
// newest first, at most limit.
func (l *Ledger) List(ctx context.Context, company, status string, limit int) ([]Transaction, error) {
	return l.query(ctx, `WHERE c.code = $1 AND ($2 = '' OR t.status = $2) ORDER BY t.booking_date DESC, t.id DESC LIMIT $3`,
		company, status, limit)
}

// ForCustomer returns the transactions matched to a customer, newest
// first.
func (l *Ledger) ForCustomer(ctx context.Context, customerID int64, limit int) ([]Transaction, error) {
	return l.query(ctx, `WHERE t.customer_id = $1 ORDER BY t.booking_date DESC, t.id DESC LIMIT $2`, customerID, limit)
}

// Counts returns how many transactions of company are in each status.
func (l *Ledger) Counts(ctx context.Context, company string) (map[string]int, error) {
	rows, err := l.st.Pool.Query(ctx, `SELECT t.status, count(*) FROM bank_transactions t JOIN companies c ON c.id = t.company_id
		WHERE c.code = $1 GROUP BY t.status`, company)
	if err != nil {
		return nil, fmt.Errorf("count bank transactions: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// AllocationRow is an allocation as kept, with its invoice's number.
type AllocationRow struct {
	ID            int64           `json:"id"`
	TransactionID int64           `json:"transactionId"`
	CustomerID    int64           `json:"customerId"`
	InvoiceID     *int64          `json:"invoiceId,omitempty"`
	Number        string          `json:"number,omitempty"`
	Amount        decimal.Decimal `json:"amount"`
	Currency      string          `json:"currency"`
	Paid          bool            `json:"paid"`
	Reversed      bool            `json:"reversed"`
	Company       string          `json:"company"`
}

// Allocations returns what transaction id paid.
func (l *Ledger) Allocations(ctx context.Context, id int64) ([]AllocationRow, error) {
	return l.allocations(ctx, `WHERE a.transaction_id = $1 ORDER BY a.id`, id)
}

// Unsettled returns company's allocations to invoices whose payment is not
// yet recorded (a crash between the decision and the payment leaves some:
// they are paid at the next reconciliation).
func (l *Ledger) Unsettled(ctx context.Context, companyID int64) ([]AllocationRow, error) {
	return l.allocations(ctx, `JOIN bank_transactions t ON t.id = a.transaction_id
		WHERE t.company_id = $1 AND a.paid_at IS NULL AND a.reversed_at IS NULL ORDER BY a.id`, companyID)
}

func (l *Ledger) allocations(ctx context.Context, where string, args ...any) ([]AllocationRow, error) {
	rows, err := l.st.Pool.Query(ctx, `
		SELECT a.id, a.transaction_id, a.customer_id, a.invoice_id, COALESCE(i.number, ''), a.amount, a.currency,
		       a.paid_at IS NOT NULL, a.reversed_at IS NOT NULL, co.code
		FROM bank_allocations a JOIN customers cu ON cu.id = a.customer_id JOIN companies co ON co.id = cu.company_id
		LEFT JOIN invoices i ON i.id = a.invoice_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("bank allocations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AllocationRow, error) {
		var a AllocationRow
		err := r.Scan(&a.ID, &a.TransactionID, &a.CustomerID, &a.InvoiceID, &a.Number, &a.Amount, &a.Currency, &a.Paid, &a.Reversed, &a.Company)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("bank allocations: %w", err)
	}
	return out, nil
}

// MarkPaid records that allocation id's payment is in the ledger and its
// workflow was told.
func (l *Ledger) MarkPaid(ctx context.Context, id int64) error {
	_, err := l.st.Pool.Exec(ctx, `UPDATE bank_allocations SET paid_at = now() WHERE id = $1 AND paid_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("mark bank allocation %d paid: %w", id, err)
	}
	return nil
}

// ErrDecided is returned (wrapped) when a transaction was decided by
// someone else in the meantime.
var ErrDecided = errors.New("transaction already decided")

// Record keeps matching's decision on transaction id. from is the status
// the transaction must still have (new for automatic matching, exception
// for a decision by hand). A matched credit's payer IBAN is learned for
// its customer.
func (l *Ledger) Record(ctx context.Context, id int64, from string, d Decision, actor string) error {
	err := pgx.BeginFunc(ctx, l.st.Pool, func(tx pgx.Tx) error {
		var company int64
		var currency, iban string
		var amount decimal.Decimal
		err := tx.QueryRow(ctx, `SELECT company_id, currency, payer_iban, amount FROM bank_transactions WHERE id = $1 AND status = $2 FOR UPDATE`, id, from).
			Scan(&company, &currency, &iban, &amount)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("bank transaction %d: %w", id, ErrDecided)
		}
		if err != nil {
			return err
		}
		total := decimal.Zero
		for _, a := range d.Allocations {
			if !a.Amount.IsPositive() {
				return store.Invalidf("allocation of %s", a.Amount)
			}
			total = total.Add(a.Amount)
		}
		if d.Status == StatusMatched && !total.Equal(amount) {
			return store.Invalidf("allocations total %s, the transaction is %s", total, amount)
		}
		sugg, _ := json.Marshal(nonNilS(d.Suggestions))
		var cust any
		if d.CustomerID != 0 {
			cust = d.CustomerID
		}
		decided := any(nil)
		if d.Status != StatusException {
			decided = time.Now()
		} else {
			actor = ""
		}
		if _, err := tx.Exec(ctx, `UPDATE bank_transactions SET status = $2, reason = $3, customer_id = $4, suggestions = $5,
			decided_by = $6, decided_at = $7 WHERE id = $1`, id, d.Status, d.Reason(), cust, sugg, clean(actor, 200), decided); err != nil {
			return err
		}
		for _, a := range d.Allocations {
			var inv any
			if a.InvoiceID != 0 {
				inv = a.InvoiceID
			}
			// An allocation to the customer's account is settled at once.
			if _, err := tx.Exec(ctx, `INSERT INTO bank_allocations (transaction_id, customer_id, invoice_id, amount, currency, paid_at)
				VALUES ($1, $2, $3, $4, $5, CASE WHEN $3::bigint IS NULL THEN now() END)
				`, id, a.CustomerID, inv, a.Amount, currency); err != nil {
				return err
			}
		}
		if d.Status == StatusMatched && iban != "" && d.CustomerID != 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO bank_payer_accounts (company_id, iban, customer_id) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, company, iban, d.CustomerID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record decision on bank transaction %d: %w", id, err)
	}
	return nil
}

func nonNilS(s []Suggestion) []Suggestion {
	if s == nil {
		return []Suggestion{}
	}
	return s
}

// LoadBook reads what matching needs of company: its invoices, customers
// and the payer accounts learned; letters' RF references are looked up in
// the store (FindLetters, MatchLetters).
func (l *Ledger) LoadBook(ctx context.Context, companyID int64) (*Book, error) {
	b := &Book{Currency: "EUR", Customers: map[int64]*Customer{}, PayerIBANs: map[string][]int64{},
		CompanyID: companyID, Letters: l.st}
	rows, err := l.st.Pool.Query(ctx, `SELECT id, code, name FROM customers WHERE company_id = $1`, companyID)
	if err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	for rows.Next() {
		c := &Customer{}
		if err := rows.Scan(&c.ID, &c.Code, &c.Name); err != nil {
			rows.Close()
			return nil, err
		}
		b.Customers[c.ID] = c
	}
	rows.Close()
	rows, err = l.st.Pool.Query(ctx, `SELECT id, number, customer_id, kind, due_date, balance_due, currency, closed
		FROM invoices WHERE company_id = $1 ORDER BY id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("load invoices: %w", err)
	}
	b.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) {
		var it Item
		var due *calendar.Date
		err := r.Scan(&it.InvoiceID, &it.Number, &it.CustomerID, &it.Kind, &due, &it.Balance, &it.Currency, &it.Closed)
		if due != nil {
			it.DueDate = *due
		}
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("load invoices: %w", err)
	}
	// Items in another currency than the company's are not matched.
	for i := range b.Items {
		if b.Items[i].Currency != b.Currency {
			b.Items[i].Closed = true
		}
	}
	rows, err = l.st.Pool.Query(ctx, `SELECT iban, customer_id FROM bank_payer_accounts WHERE company_id = $1 ORDER BY customer_id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("load payer accounts: %w", err)
	}
	for rows.Next() {
		var iban string
		var id int64
		if err := rows.Scan(&iban, &id); err != nil {
			rows.Close()
			return nil, err
		}
		b.PayerIBANs[iban] = append(b.PayerIBANs[iban], id)
	}
	rows.Close()
	b.Index()
	return b, nil
}

// SameInOtherFormat finds an earlier transaction that is likely the same
// booked entry read from a statement in another format (CAMT.053 and
// CFONB 120 number entries differently, so their identities differ):
// same account, booking date and amount, and the same remittance text or
// end-to-end ID.
func (l *Ledger) SameInOtherFormat(ctx context.Context, t Transaction) (int64, bool, error) {
	var id int64
	err := l.st.Pool.QueryRow(ctx, `
		SELECT o.id FROM bank_transactions o
		JOIN bank_imports io ON io.id = o.import_id
		JOIN bank_transactions n ON n.id = $1
		JOIN bank_imports inew ON inew.id = n.import_id
		WHERE o.company_id = n.company_id AND o.account = n.account AND o.booking_date = n.booking_date AND o.amount = n.amount
		  AND o.id < n.id AND io.format <> inew.format AND o.status <> 'ignored'
		  AND ((o.end_to_end_id <> '' AND o.end_to_end_id = n.end_to_end_id)
		       OR (o.remittance <> '' AND upper(left(regexp_replace(o.remittance, '[^[:alnum:]]', '', 'g'), 50))
		                                = upper(left(regexp_replace(n.remittance, '[^[:alnum:]]', '', 'g'), 50)))
		       OR (o.remittance = '' AND n.remittance = '' AND o.creditor_refs = n.creditor_refs))
		ORDER BY o.id LIMIT 1`, t.ID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look for the same entry in another format: %w", err)
	}
	return id, true, nil
}

// Reopened is an invoice whose payment a reversal took back.
type Reopened struct {
	Company string
	Number  string
	Balance decimal.Decimal
}

// FindReversed finds the credit that reversal t takes back: the credit
// whose bank reference t's text quotes, else the only credit of the same
// amount from the same payer account (or name) in the 90 days before.
func (l *Ledger) FindReversed(ctx context.Context, t Transaction) (int64, bool, error) {
	amount := t.Amount.Abs()
	refs := []string{}
	for _, tok := range strings.FieldsFunc(t.Remittance+" "+t.Label, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') }) {
		if len(tok) >= 5 {
			refs = append(refs, tok)
		}
	}
	var ids []int64
	find := func(q string, args ...any) error {
		rows, err := l.st.Pool.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	}
	base := `SELECT id FROM bank_transactions WHERE company_id = $1 AND account = $2 AND amount = $3
		AND status IN ('matched', 'exception', 'new', 'ignored') AND booking_date <= $4 AND booking_date >= $4::date - 90 AND id <> $5 `
	args := []any{t.CompanyID, t.Account, amount, t.BookingDate, t.ID}
	if len(refs) > 0 {
		if err := find(base+`AND bank_ref = ANY($6)`, append(args, refs)...); err != nil {
			return 0, false, fmt.Errorf("find reversed credit: %w", err)
		}
		if len(ids) == 1 {
			return ids[0], true, nil
		}
	}
	if t.PayerIBAN != "" {
		if err := find(base+`AND payer_iban = $6`, append(args, t.PayerIBAN)...); err != nil {
			return 0, false, fmt.Errorf("find reversed credit: %w", err)
		}
		if len(ids) == 1 {
			return ids[0], true, nil
		}
	}
	name := strings.Join(nameWords(t.PayerName), " ")
	if name == "" {
		name = strings.Join(nameWords(payerFromReturnLabel(t.Label)), " ")
	}
	if name != "" {
		if err := find(base+`ORDER BY id`, args...); err != nil {
			return 0, false, fmt.Errorf("find reversed credit: %w", err)
		}
		var same []int64
		for _, id := range ids {
			var payer string
			if err := l.st.Pool.QueryRow(ctx, `SELECT payer_name FROM bank_transactions WHERE id = $1`, id).Scan(&payer); err != nil {
				return 0, false, err
			}
			if strings.Join(nameWords(payer), " ") == name {
				same = append(same, id)
			}
		}
		if len(same) == 1 {
			return same[0], true, nil
		}
	}
	return 0, false, nil
}

// payerFromReturnLabel reads the payer's name in a return's label
// ("RETOUR VIR SOROTEX SA").
func payerFromReturnLabel(label string) string {
	up := strings.ToUpper(label)
	for _, p := range []string{"RETOUR VIREMENT ", "RETOUR VIR SEPA ", "RETOUR VIR ", "REJET VIR ", "REJET PRLV ", "IMPAYE PRLV "} {
		if strings.HasPrefix(up, p) {
			return label[len(p):]
		}
	}
	return ""
}

// Reverse applies reversal t to credit orig: every payment orig made is
// taken back (the invoice's balance and instalments are raised again, the
// payment is marked reversed), its payments on account are cancelled,
// orig becomes reversed and t a reversal. It returns the invoices
// reopened, whose workflows must be told.
func (l *Ledger) Reverse(ctx context.Context, t Transaction, orig int64, actor string) ([]Reopened, error) {
	var out []Reopened
	err := pgx.BeginFunc(ctx, l.st.Pool, func(tx pgx.Tx) error {
		var status string
		var customer *int64
		if err := tx.QueryRow(ctx, `SELECT status, customer_id FROM bank_transactions WHERE id = $1 FOR UPDATE`, orig).Scan(&status, &customer); err != nil {
			return err
		}
		if status == StatusReversed || status == StatusReversal || status == StatusDebit {
			return fmt.Errorf("%w: transaction %d is %s", ErrDecided, orig, status)
		}
		tag, err := tx.Exec(ctx, `UPDATE bank_transactions SET status = 'reversal', reason = $2, reverses_id = $3, customer_id = $4,
			decided_by = $5, decided_at = now() WHERE id = $1 AND status IN ('new', 'exception')`, t.ID, ReasonReversalOf, orig, customer, clean(actor, 200))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("bank transaction %d: %w", t.ID, ErrDecided)
		}
		if _, err := tx.Exec(ctx, `UPDATE bank_transactions SET status = 'reversed', decided_at = now() WHERE id = $1`, orig); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT a.id, a.invoice_id FROM bank_allocations a WHERE a.transaction_id = $1 AND a.reversed_at IS NULL ORDER BY a.id FOR UPDATE`, orig)
		if err != nil {
			return err
		}
		type alloc struct {
			id      int64
			invoice *int64
		}
		allocs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (alloc, error) {
			var a alloc
			return a, r.Scan(&a.id, &a.invoice)
		})
		if err != nil {
			return err
		}
		for _, a := range allocs {
			if _, err := tx.Exec(ctx, `UPDATE bank_allocations SET reversed_at = now() WHERE id = $1`, a.id); err != nil {
				return err
			}
			if a.invoice == nil {
				continue
			}
			r, ok, err := reversePayment(ctx, tx, ExternalID(a.id))
			if err != nil {
				return err
			}
			if ok {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reverse bank transaction %d: %w", orig, err)
	}
	return out, nil
}

// reversePayment takes back the bank payment externalID if it was
// recorded: the part it applied goes back on the invoice's balance and on
// its instalments, latest due first.
func reversePayment(ctx context.Context, tx pgx.Tx, externalID string) (Reopened, bool, error) {
	var r Reopened
	var invoice int64
	var amount, overpaid decimal.Decimal
	err := tx.QueryRow(ctx, `SELECT invoice_id, amount, overpaid FROM payments WHERE source = $1 AND external_id = $2 AND reversed_at IS NULL FOR UPDATE`,
		PaymentSource, externalID).Scan(&invoice, &amount, &overpaid)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil // never recorded: nothing to take back
	}
	if err != nil {
		return r, false, err
	}
	applied := amount.Sub(overpaid)
	if _, err := tx.Exec(ctx, `UPDATE payments SET reversed_at = now() WHERE source = $1 AND external_id = $2`, PaymentSource, externalID); err != nil {
		return r, false, err
	}
	if err := tx.QueryRow(ctx, `UPDATE invoices i SET balance_due = balance_due + $2 FROM companies c
		WHERE i.id = $1 AND c.id = i.company_id RETURNING c.code, i.number, i.balance_due`, invoice, applied).Scan(&r.Company, &r.Number, &r.Balance); err != nil {
		return r, false, err
	}
	rows, err := tx.Query(ctx, `SELECT seq, amount - balance_due FROM instalments WHERE invoice_id = $1 AND balance_due < amount
		ORDER BY due_date DESC, seq DESC FOR UPDATE`, invoice)
	if err != nil {
		return r, false, err
	}
	type part struct {
		seq  int
		paid decimal.Decimal
	}
	parts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (part, error) {
		var p part
		return p, row.Scan(&p.seq, &p.paid)
	})
	if err != nil {
		return r, false, err
	}
	left := applied
	for _, p := range parts {
		if !left.IsPositive() {
			break
		}
		give := decimal.Min(left, p.paid)
		left = left.Sub(give)
		if _, err := tx.Exec(ctx, `UPDATE instalments SET balance_due = balance_due + $3 WHERE invoice_id = $1 AND seq = $2`, invoice, p.seq, give); err != nil {
			return r, false, err
		}
	}
	return r, true, nil
}

// OnAccount returns what customer id holds on account from bank credits
// (excesses and credits put on its account), in currency.
func (l *Ledger) OnAccount(ctx context.Context, customerID int64, currency string) (decimal.Decimal, error) {
	var v decimal.Decimal
	err := l.st.Pool.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM bank_allocations
		WHERE customer_id = $1 AND invoice_id IS NULL AND reversed_at IS NULL AND currency = $2`, customerID, currency).Scan(&v)
	if err != nil {
		return v, fmt.Errorf("payments on account of customer %d: %w", customerID, err)
	}
	return v, nil
}
