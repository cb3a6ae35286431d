package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// customerImportColumns maps an import file's customer columns to the
// table's; the code is the key and is never updated.
var customerImportColumns = map[string]string{
	"name": "name", "contact": "contact", "emails": "emails", "address": "address_lines", "language": "language",
	"kind": "kind", "channel": "channel", "family": "family", "sales_rep": "sales_rep",
	"payment_method": "payment_method", "credit_limit": "credit_limit",
}

// invoiceImportColumns maps an import file's invoice columns to the
// table's; the number is the key and the customer never changes.
var invoiceImportColumns = map[string]string{
	"kind": "kind", "issue_date": "issue_date", "due_date": "due_date", "amount": "amount",
	"currency": "currency", "balance_due": "balance_due",
}

// updateSet is the ON CONFLICT assignment of the columns a file carries,
// in a fixed order; "" when it carries none.
func updateSet(allowed map[string]string, columns []string) string {
	var set []string
	for _, c := range columns {
		if col, ok := allowed[strings.ToLower(c)]; ok {
			set = append(set, col+" = EXCLUDED."+col)
		}
	}
	return strings.Join(set, ", ")
}

// ImportCustomer inserts customer c of company, or updates only the
// columns an import file carries (columns: the file's header): a re-import
// of a file with fewer columns never erases what it does not carry.
func (s *Store) ImportCustomer(ctx context.Context, companyID int64, c Customer, columns []string) (int64, error) {
	if c.Language == "" {
		c.Language = "fr"
	}
	if c.Kind == "" {
		c.Kind = "business"
	}
	if c.Channel == "" {
		c.Channel = "email"
	}
	onConflict := "DO NOTHING"
	if set := updateSet(customerImportColumns, columns); set != "" {
		onConflict = "DO UPDATE SET " + set
	}
	var id int64
	err := s.Pool.QueryRow(ctx, `
		WITH up AS (
		    INSERT INTO customers (company_id, code, name, contact, emails, address_lines, language, kind, channel,
		                           family, sales_rep, payment_method, credit_limit)
		    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		    ON CONFLICT (company_id, code) `+onConflict+`
		    RETURNING id)
		SELECT id FROM up UNION ALL SELECT id FROM customers WHERE company_id = $1 AND code = $2 LIMIT 1`,
		companyID, c.Code, c.Name, c.Contact, nonNil(c.Emails), nonNil(c.AddressLines), c.Language, c.Kind, c.Channel,
		c.Family, c.SalesRep, c.PaymentMethod, c.CreditLimit).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save customer %s: %w", c.Code, err)
	}
	return id, nil
}

// ImportInvoice inserts invoice in of company, or updates only the columns
// an import file carries: a file without balance_due never resets a
// balance to the amount, one without due_date never erases a due date.
func (s *Store) ImportInvoice(ctx context.Context, companyID int64, in NewInvoice, columns []string) (int64, error) {
	if in.Kind == "" {
		in.Kind = "invoice"
	}
	if in.Currency == "" {
		in.Currency = "EUR"
	}
	onConflict := "DO NOTHING"
	if set := updateSet(invoiceImportColumns, columns); set != "" {
		onConflict = "DO UPDATE SET " + set
	}
	var id int64
	err := s.Pool.QueryRow(ctx, `
		WITH up AS (
		    INSERT INTO invoices (company_id, customer_id, number, kind, issue_date, due_date, amount, currency, balance_due)
		    VALUES ($1, (SELECT id FROM customers WHERE company_id = $1 AND code = $2), $3, $4, $5, $6, $7, $8, $9)
		    ON CONFLICT (company_id, number) `+onConflict+`
		    RETURNING id)
		SELECT id FROM up UNION ALL SELECT id FROM invoices WHERE company_id = $1 AND number = $3 LIMIT 1`,
		companyID, in.Customer, in.Number, in.Kind, in.IssueDate, in.DueDate, in.Amount, in.Currency, in.Balance).Scan(&id)
	if err != nil {
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "23502" && pg.ColumnName == "customer_id" {
			return 0, Invalid(InvoiceNoCustomer.With(in.Number, in.Customer))
		}
		return 0, fmt.Errorf("save invoice %s: %w", in.Number, err)
	}
	return id, nil
}
