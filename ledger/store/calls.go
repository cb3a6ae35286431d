package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/calendar"
	"github.com/shopspring/decimal"
)

// Call is a line of a customer's call log (seed 003, "Liste des appels /
// opérations"): a phone call or any exchange with the debtor, and the
// promise to pay it brought, if any.
type Call struct {
	ID             int64            `json:"id"`
	Company        string           `json:"company"`
	Customer       string           `json:"customer"`
	At             time.Time        `json:"at"`
	Author         string           `json:"author"`            // who logged it (token name, login)
	Contact        string           `json:"contact,omitempty"` // who was reached at the customer
	Outcome        string           `json:"outcome,omitempty"` // e.g. "promesse", "injoignable", "litige"
	Note           string           `json:"note,omitempty"`
	PromisedOn     *calendar.Date   `json:"promisedOn,omitempty"`
	PromisedAmount *decimal.Decimal `json:"promisedAmount,omitempty"`
}

// NewCall is a call to log. A zero At means now.
type NewCall struct {
	At             time.Time
	Author         string
	Contact        string
	Outcome        string
	Note           string
	PromisedOn     calendar.Date    // zero: no date promised
	PromisedAmount *decimal.Decimal // nil: no amount promised
}

// MaxCallText is the longest contact, outcome or note accepted.
const MaxCallText = 4000

func (c NewCall) check() error {
	if strings.TrimSpace(c.Author) == "" {
		return Invalid(CallAuthor.With())
	}
	if strings.TrimSpace(c.Contact) == "" && strings.TrimSpace(c.Outcome) == "" && strings.TrimSpace(c.Note) == "" {
		return Invalid(CallEmpty.With())
	}
	for name, v := range map[string]string{"contact": c.Contact, "outcome": c.Outcome, "note": c.Note} {
		if len(v) > MaxCallText {
			return Invalid(CallTextLong.With(name, MaxCallText))
		}
	}
	if p := c.PromisedAmount; p != nil {
		if !p.IsPositive() {
			return Invalid(PromiseNotPositive.With(p))
		}
		if !p.Equal(p.Round(2)) {
			return Invalid(PromiseDecimals.With(p))
		}
	}
	return nil
}

// customerID finds customer code of company, or an error wrapping
// ErrNotFound.
func (s *Store) customerID(ctx context.Context, company, code string) (int64, error) {
	var id int64
	err := s.Pool.QueryRow(ctx, `
		SELECT cu.id FROM customers cu JOIN companies c ON c.id = cu.company_id
		WHERE c.code = $1 AND cu.code = $2`, company, code).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("customer %s of company %s: %w", code, company, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find customer %s of %s: %w", code, company, err)
	}
	return id, nil
}

const callSelect = `
	SELECT k.id, c.code, cu.code, k.at, k.author, k.contact, k.outcome, k.note, k.promised_on, k.promised_amount
	FROM customer_calls k JOIN customers cu ON cu.id = k.customer_id JOIN companies c ON c.id = cu.company_id`

func scanCall(r pgx.CollectableRow) (Call, error) {
	var c Call
	err := r.Scan(&c.ID, &c.Company, &c.Customer, &c.At, &c.Author, &c.Contact, &c.Outcome, &c.Note,
		&c.PromisedOn, &c.PromisedAmount)
	if c.PromisedOn != nil && c.PromisedOn.IsZero() {
		c.PromisedOn = nil
	}
	return c, err
}

// AddCall logs a call with customer of company and returns it as stored.
// An unknown customer is ErrNotFound, bad input ErrInvalid.
func (s *Store) AddCall(ctx context.Context, company, customer string, c NewCall) (Call, error) {
	if err := c.check(); err != nil {
		return Call{}, err
	}
	custID, err := s.customerID(ctx, company, customer)
	if err != nil {
		return Call{}, err
	}
	var at *time.Time
	if !c.At.IsZero() {
		at = &c.At
	}
	var id int64
	err = s.Pool.QueryRow(ctx, `
		INSERT INTO customer_calls (customer_id, at, author, contact, outcome, note, promised_on, promised_amount)
		VALUES ($1, COALESCE($2, now()), $3, $4, $5, $6, $7, $8) RETURNING id`,
		custID, at, strings.TrimSpace(c.Author), strings.TrimSpace(c.Contact), strings.TrimSpace(c.Outcome),
		strings.TrimSpace(c.Note), c.PromisedOn, c.PromisedAmount).Scan(&id)
	if err != nil {
		return Call{}, fmt.Errorf("log call with customer %s of %s: %w", customer, company, err)
	}
	rows, err := s.Pool.Query(ctx, callSelect+` WHERE k.id = $1`, id)
	if err != nil {
		return Call{}, fmt.Errorf("read call %d: %w", id, err)
	}
	call, err := pgx.CollectExactlyOneRow(rows, scanCall)
	if err != nil {
		return Call{}, fmt.Errorf("read call %d: %w", id, err)
	}
	return call, nil
}

// Calls returns the calls logged with customer of company, most recent
// first; deleted calls are left out. An unknown customer is ErrNotFound.
func (s *Store) Calls(ctx context.Context, company, customer string) ([]Call, error) {
	custID, err := s.customerID(ctx, company, customer)
	if err != nil {
		return nil, err
	}
	rows, err := s.Pool.Query(ctx, callSelect+`
		WHERE k.customer_id = $1 AND k.deleted_at IS NULL ORDER BY k.at DESC, k.id DESC`, custID)
	if err != nil {
		return nil, fmt.Errorf("list calls with customer %s of %s: %w", customer, company, err)
	}
	calls, err := pgx.CollectRows(rows, scanCall)
	if err != nil {
		return nil, fmt.Errorf("list calls with customer %s of %s: %w", customer, company, err)
	}
	return calls, nil
}

// DeleteCall marks call id of company deleted (the row stays, for the
// audit trail). customer, when not empty, must be the call's customer. A
// call that does not exist, belongs elsewhere or is already deleted is
// ErrNotFound.
func (s *Store) DeleteCall(ctx context.Context, company, customer string, id int64) error {
	tag, err := s.Pool.Exec(ctx, `
		UPDATE customer_calls k SET deleted_at = now()
		FROM customers cu JOIN companies c ON c.id = cu.company_id
		WHERE k.id = $1 AND k.customer_id = cu.id AND c.code = $2 AND ($3 = '' OR cu.code = $3)
		  AND k.deleted_at IS NULL`, id, company, customer)
	if err != nil {
		return fmt.Errorf("delete call %d of %s: %w", id, company, err)
	}
	if tag.RowsAffected() == 0 {
		who := company
		if customer != "" {
			who = "customer " + customer + " of " + company
		}
		return fmt.Errorf("call %d of %s: %w", id, who, ErrNotFound)
	}
	return nil
}

// UpdateCall rewrites call id of customer of company (contact, outcome,
// note, promise; its author and time stay). A call that does not exist,
// belongs elsewhere or is deleted is ErrNotFound; bad input ErrInvalid.
func (s *Store) UpdateCall(ctx context.Context, company, customer string, id int64, c NewCall) error {
	if err := c.check(); err != nil {
		return err
	}
	tag, err := s.Pool.Exec(ctx, `
		UPDATE customer_calls k SET contact = $4, outcome = $5, note = $6, promised_on = $7, promised_amount = $8
		FROM customers cu JOIN companies c ON c.id = cu.company_id
		WHERE k.id = $1 AND k.customer_id = cu.id AND c.code = $2 AND cu.code = $3 AND k.deleted_at IS NULL`,
		id, company, customer, strings.TrimSpace(c.Contact), strings.TrimSpace(c.Outcome), strings.TrimSpace(c.Note),
		c.PromisedOn, c.PromisedAmount)
	if err != nil {
		return fmt.Errorf("update call %d of %s: %w", id, company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("call %d of customer %s of %s: %w", id, customer, company, ErrNotFound)
	}
	return nil
}
