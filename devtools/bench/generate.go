// Package bench measures relance against a floor: the same Temporal server
// running the least a durable per-invoice workflow can do (one timer, one
// no-op activity). It generates a throw-away ledger, runs the floor and
// relance one after the other on one dev server, and reports throughput,
// engine work, CPU and memory as ratios to the floor (README "Bench").
package bench

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/ledger/store"
	"github.com/shopspring/decimal"
)

// Ledger describes the invoices Generate writes.
type Ledger struct {
	// Company is the company code to create.
	Company string
	// Due is the number of open invoices past their due date: one customer
	// each, so each makes one letter.
	Due int
	// NotDue is the number of open invoices not yet due.
	NotDue int
	// Closed is the number of paid invoices the ledger keeps.
	Closed int
	// DaySeconds makes a ladder day last this many seconds (0: real days).
	DaySeconds int
	// EmailDomain is the domain of the customers' addresses.
	EmailDomain string
	// Today is the working date the invoices are aged from.
	Today calendar.Date
}

// DueNumber is the invoice number of the i-th due invoice (from 0).
func DueNumber(i int) string { return fmt.Sprintf("D%08d", i) }

// CustomerEmail is the address of the i-th customer, the one of the i-th
// due invoice.
func (l Ledger) CustomerEmail(i int) string { return fmt.Sprintf("c%08d@%s", i, l.EmailDomain) }

// Generate creates the company (with the default ladder and statuses) and
// writes its customers and invoices with COPY.
func Generate(ctx context.Context, st *store.Store, l Ledger) error {
	if l.Due < 1 {
		return fmt.Errorf("generate: at least one due invoice, got %d", l.Due)
	}
	if l.EmailDomain == "" {
		l.EmailDomain = "bench.example.com"
	}
	companyID, err := st.CreateCompany(ctx, store.Company{
		Code: l.Company, LegalName: "Banc d'essai SAS", AddressLines: []string{"1 rue du Test", "75001 Paris"},
		City: "Paris", SIRET: "552 100 554 00025", VATNumber: "FR 12 552100554", RCS: "RCS Paris B 552 100 554",
		IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPPXXX",
		SenderEmail: "relances@bench.example.com", TimeZone: "Europe/Paris", Language: "fr", SendHour: 9,
		DemoDaySeconds: l.DaySeconds,
	})
	if err != nil {
		return fmt.Errorf("generate company %s: %w", l.Company, err)
	}
	_, err = st.Pool.CopyFrom(ctx, pgx.Identifier{"customers"},
		[]string{"company_id", "code", "name", "emails", "address_lines", "language", "kind"},
		pgx.CopyFromSlice(l.Due, func(i int) ([]any, error) {
			return []any{companyID, fmt.Sprintf("C%08d", i), fmt.Sprintf("Client %d SARL", i),
				[]string{l.CustomerEmail(i)}, []string{fmt.Sprintf("%d rue des Essais", i%200+1), "75011 Paris"},
				"fr", "business"}, nil
		}))
	if err != nil {
		return fmt.Errorf("generate customers of %s: %w", l.Company, err)
	}
	var firstCustomer int64
	if err := st.Pool.QueryRow(ctx, `SELECT min(id) FROM customers WHERE company_id = $1`, companyID).Scan(&firstCustomer); err != nil {
		return fmt.Errorf("generate: customers of %s: %w", l.Company, err)
	}
	var contiguous bool
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) = $3 FROM customers WHERE company_id = $1 AND id BETWEEN $2 AND $2 + $3 - 1`,
		companyID, firstCustomer, l.Due).Scan(&contiguous); err != nil || !contiguous {
		return fmt.Errorf("generate: customers of %s were not numbered in one run (another writer?): %v", l.Company, err)
	}
	total := l.Due + l.NotDue + l.Closed
	_, err = st.Pool.CopyFrom(ctx, pgx.Identifier{"invoices"},
		[]string{"company_id", "customer_id", "number", "issue_date", "due_date", "amount", "currency", "balance_due", "closed"},
		pgx.CopyFromSlice(total, func(i int) ([]any, error) {
			amount := decimal.New(int64(10000+i%90000), -2) // 100,00 to 999,99
			balance, closed := amount, false
			var number string
			var due calendar.Date
			switch {
			case i < l.Due:
				number, due = DueNumber(i), l.Today.AddDays(-(1 + i%60))
			case i < l.Due+l.NotDue:
				number, due = fmt.Sprintf("N%08d", i), l.Today.AddDays(1+i%60)
			default:
				number, due = fmt.Sprintf("P%08d", i), l.Today.AddDays(-(1 + i%700))
				balance, closed = decimal.Zero, true
			}
			return []any{companyID, firstCustomer + int64(i%l.Due), number, due.AddDays(-30), due, amount, "EUR", balance, closed}, nil
		}))
	if err != nil {
		return fmt.Errorf("generate invoices of %s: %w", l.Company, err)
	}
	if _, err := st.Pool.Exec(ctx, `ANALYZE invoices; ANALYZE customers`); err != nil {
		return fmt.Errorf("generate: analyze: %w", err)
	}
	return nil
}
