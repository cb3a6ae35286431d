package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// OnAccount is a payment on account: money a customer paid that the
// accounting system has not applied to an invoice yet. The letters deduct
// the open ones (Statement.Unapplied).
type OnAccount struct {
	Reference string          `json:"reference"` // the accounting system's number: the key
	Customer  string          `json:"customer"`  // customer code
	Amount    decimal.Decimal `json:"amount"`    // still unapplied
	Currency  string          `json:"currency"`
	PaidOn    calendar.Date   `json:"paidOn"`
	Method    string          `json:"method,omitempty"`
	Closed    bool            `json:"closed,omitempty"`
	// Source is where it came from (UnappliedFeed, UnappliedCSV,
	// UnappliedWeb), shown on the customer record.
	Source string `json:"-"`
}

// UpsertOnAccount inserts or updates payment on account p of company
// companyID, keyed by its reference; created says whether it is new.
func (s *Store) UpsertOnAccount(ctx context.Context, companyID int64, p OnAccount) (created bool, err error) {
	err = s.Pool.QueryRow(ctx, `
		INSERT INTO payments_on_account (company_id, customer_id, reference, amount, currency, paid_on, method, closed, source)
		VALUES ($1, (SELECT id FROM customers WHERE company_id = $1 AND code = $2), $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (company_id, reference) DO UPDATE SET customer_id = EXCLUDED.customer_id, amount = EXCLUDED.amount,
		    currency = EXCLUDED.currency, paid_on = EXCLUDED.paid_on, method = EXCLUDED.method, closed = EXCLUDED.closed,
		    source = CASE WHEN EXCLUDED.source = '' THEN payments_on_account.source ELSE EXCLUDED.source END,
		    updated_at = now()
		RETURNING (xmax = 0)`,
		companyID, p.Customer, p.Reference, p.Amount, p.Currency, p.PaidOn, p.Method, p.Closed, p.Source).Scan(&created)
	if err != nil {
		if notNull(err, "customer_id") {
			return false, Invalid(OnAccountNoCustomer.With(p.Reference, p.Customer))
		}
		return false, fmt.Errorf("save payment on account %s: %w", p.Reference, err)
	}
	return created, nil
}

// OnAccountOf returns the open payments on account of customer
// customerID in currency, by date.
func (s *Store) OnAccountOf(ctx context.Context, customerID int64, currency string) ([]OnAccount, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT p.reference, c.code, p.amount, p.currency, p.paid_on, p.method, p.closed
		FROM payments_on_account p JOIN customers c ON c.id = p.customer_id
		WHERE p.customer_id = $1 AND p.currency = $2 AND NOT p.closed AND p.amount > 0
		ORDER BY p.paid_on, p.reference`, customerID, currency)
	if err != nil {
		return nil, fmt.Errorf("payments on account of customer id %d: %w", customerID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OnAccount, error) {
		var p OnAccount
		err := r.Scan(&p.Reference, &p.Customer, &p.Amount, &p.Currency, &p.PaidOn, &p.Method, &p.Closed)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("payments on account of customer id %d: %w", customerID, err)
	}
	return out, nil
}

// FeedResult is what an upsert of the accounting feed did to an invoice.
type FeedResult struct {
	ID      int64
	Created bool
	// Tell is set when a known invoice's balance or closed flag changed:
	// its running workflows are to look again at once.
	Tell bool
	// Instalments are the invoice's instalment sequences after the upsert.
	Instalments []int
}

// FeedInvoice inserts invoice in of company companyID or updates the
// columns the item carries (as ImportInvoice), replaces its instalments
// when it has some, and sets its closed flag (closed: the accounting
// system settled or cancelled it).
func (s *Store) FeedInvoice(ctx context.Context, companyID int64, in NewInvoice, columns []string, closed bool) (FeedResult, error) {
	var res FeedResult
	var before struct {
		balance decimal.Decimal
		closed  bool
	}
	err := s.Pool.QueryRow(ctx, `SELECT balance_due, closed FROM invoices WHERE company_id = $1 AND number = $2`,
		companyID, in.Number).Scan(&before.balance, &before.closed)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		res.Created = true
	case err != nil:
		return res, fmt.Errorf("read invoice %s: %w", in.Number, err)
	}
	if res.ID, err = s.ImportInvoice(ctx, companyID, in, columns); err != nil {
		return res, err
	}
	if len(in.Instalments) > 0 {
		if err := s.SetInstalments(ctx, res.ID, in.Instalments); err != nil {
			return res, err
		}
	}
	reason := ""
	if closed {
		reason = "closed by the accounting feed"
	}
	var after decimal.Decimal
	if err := s.Pool.QueryRow(ctx, `
		UPDATE invoices SET closed = $2, closed_reason = CASE WHEN closed = $2 THEN closed_reason ELSE $3 END
		WHERE id = $1 RETURNING balance_due`, res.ID, closed, reason).Scan(&after); err != nil {
		return res, fmt.Errorf("close invoice %s: %w", in.Number, err)
	}
	res.Tell = !res.Created && (!after.Equal(before.balance) || closed != before.closed)
	list, err := s.Instalments(ctx, res.ID)
	if err != nil {
		return res, err
	}
	for _, n := range list {
		res.Instalments = append(res.Instalments, n.Seq)
	}
	return res, nil
}

// SetInvoicePDF keeps pdf as invoice number's own PDF, attached to its
// letters.
func (s *Store) SetInvoicePDF(ctx context.Context, companyID int64, number string, pdf []byte) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE invoices SET pdf = $3 WHERE company_id = $1 AND number = $2`, companyID, number, pdf)
	if err != nil {
		return fmt.Errorf("save the PDF of invoice %s: %w", number, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("invoice %s: %w", number, ErrNotFound)
	}
	return nil
}

// Open item kinds (OpenItem.Kind).
const (
	ItemInvoice    = "invoice"
	ItemCreditNote = "credit_note"
	ItemOnAccount  = "payment_on_account"
)

// OpenItem is an item of a company still open in the ledger: an invoice
// or credit note with a balance, or an unapplied payment on account.
type OpenItem struct {
	Kind     string          `json:"kind"`
	Number   string          `json:"number"` // invoice number, or payment on account reference
	Customer string          `json:"customer"`
	Balance  decimal.Decimal `json:"balance"`
	Currency string          `json:"currency"`
	// Instalments are the invoice's instalment sequences (their workflows
	// are told when it closes).
	Instalments []int `json:"-"`
}

// OpenItems lists the open items of company companyID: invoices and
// credit notes not closed with a balance other than zero, payments on
// account not closed with an amount, by kind and number.
func (s *Store) OpenItems(ctx context.Context, companyID int64) ([]OpenItem, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT i.kind, i.number, c.code, i.balance_due, i.currency,
		       COALESCE((SELECT array_agg(n.seq ORDER BY n.seq) FROM instalments n WHERE n.invoice_id = i.id), '{}')
		FROM invoices i JOIN customers c ON c.id = i.customer_id
		WHERE i.company_id = $1 AND NOT i.closed AND i.balance_due <> 0
		UNION ALL
		SELECT 'payment_on_account', p.reference, c.code, p.amount, p.currency, '{}'::int[]
		FROM payments_on_account p JOIN customers c ON c.id = p.customer_id
		WHERE p.company_id = $1 AND NOT p.closed AND p.amount > 0
		ORDER BY 1, 2`, companyID)
	if err != nil {
		return nil, fmt.Errorf("open items of company id %d: %w", companyID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpenItem, error) {
		var it OpenItem
		var seqs []int32
		err := r.Scan(&it.Kind, &it.Number, &it.Customer, &it.Balance, &it.Currency, &seqs)
		for _, q := range seqs {
			it.Instalments = append(it.Instalments, int(q))
		}
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("open items of company id %d: %w", companyID, err)
	}
	return out, nil
}

// CloseItems closes the open items listed (OpenItem.Kind and Number) of
// company companyID, with reason; items closed meanwhile are left as they
// are. It returns the items it closed.
func (s *Store) CloseItems(ctx context.Context, companyID int64, items []OpenItem, reason string) ([]OpenItem, error) {
	var closed []OpenItem
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		closed = nil
		for _, it := range items {
			var tag interface{ RowsAffected() int64 }
			var err error
			if it.Kind == ItemOnAccount {
				tag, err = tx.Exec(ctx, `UPDATE payments_on_account SET closed = true, updated_at = now()
					WHERE company_id = $1 AND reference = $2 AND NOT closed`, companyID, it.Number)
			} else {
				tag, err = tx.Exec(ctx, `UPDATE invoices SET closed = true, closed_reason = $3
					WHERE company_id = $1 AND number = $2 AND NOT closed`, companyID, it.Number, reason)
			}
			if err != nil {
				return fmt.Errorf("close %s %s: %w", it.Kind, it.Number, err)
			}
			if tag.RowsAffected() > 0 {
				closed = append(closed, it)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return closed, nil
}

// CustomerExists reports whether company companyID has customer code.
func (s *Store) CustomerExists(ctx context.Context, companyID int64, code string) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE company_id = $1 AND code = $2)`, companyID, code).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look up customer %s: %w", code, err)
	}
	return ok, nil
}

// InvoiceKey returns the company code and the number of invoice id.
func (s *Store) InvoiceKey(ctx context.Context, id int64) (company, number string, err error) {
	err = s.Pool.QueryRow(ctx, `SELECT c.code, i.number FROM invoices i JOIN companies c ON c.id = i.company_id WHERE i.id = $1`, id).
		Scan(&company, &number)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", fmt.Errorf("invoice id %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("look up invoice id %d: %w", id, err)
	}
	return company, number, nil
}
