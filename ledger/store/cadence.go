package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/relance/relance/domain/settings"
)

// Cadence is how often a customer may receive a letter, and when it last
// received one (docs/customer-side.md "Cadence").
type Cadence struct {
	// Days is the customer's period: its own override, else its
	// company's setting. 0 or 1: every working day.
	Days int
	// Override tells whether Days is the customer's own.
	Override bool
	// CompanyDays is the company's cadence: its setting, or the default
	// (settings.DefaultCadence) when CompanySet is false.
	CompanyDays int
	CompanySet  bool
	// LastSent is when the customer's last letter went out (sent, queued
	// for print, being sent or uncertain: a letter that may have left
	// counts); zero when none.
	LastSent time.Time
	// Clock of the company, to turn days into send slots.
	TimeZone   string
	SendHour   int
	Holidays   string
	DaySeconds int
}

// CustomerCadence returns the cadence of customer of company and when its
// last letter went out.
func (s *Store) CustomerCadence(ctx context.Context, company, customer string) (Cadence, error) {
	var c Cadence
	var companyDays, own, demo *int
	var last *time.Time
	err := s.Pool.QueryRow(ctx, `
		SELECT c.letter_cadence_days, cu.letter_cadence_days, c.time_zone, c.send_hour, c.holidays, c.demo_day_seconds,
		       (SELECT max(coalesce(l.sent_at, l.claimed_at, l.created_at)) FROM customer_letters l
		        WHERE l.customer_id = cu.id AND l.status IN ('sent', 'queued_print', 'sending', 'uncertain'))
		FROM customers cu JOIN companies c ON c.id = cu.company_id
		WHERE c.code = $1 AND cu.code = $2`, company, customer).Scan(
		&companyDays, &own, &c.TimeZone, &c.SendHour, &c.Holidays, &demo, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("customer %s of %s: %w", customer, company, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load the cadence of customer %s of %s: %w", customer, company, err)
	}
	if demo != nil {
		c.DaySeconds = *demo
	}
	c.CompanyDays = settings.DefaultCadence(c.DaySeconds > 0)
	if companyDays != nil {
		c.CompanyDays, c.CompanySet = *companyDays, true
	}
	c.Days = c.CompanyDays
	if own != nil {
		c.Days, c.Override = *own, true
	}
	if last != nil {
		c.LastSent = *last
	}
	return c, nil
}

// CompanyCadence returns company's cadence setting in days; nil when it
// has set none (settings.DefaultCadence applies).
func (s *Store) CompanyCadence(ctx context.Context, company string) (*int, error) {
	var days *int
	err := s.Pool.QueryRow(ctx, `SELECT letter_cadence_days FROM companies WHERE code = $1`, company).Scan(&days)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load the cadence of company %s: %w", company, err)
	}
	return days, nil
}

// checkCadence refuses a period outside 0..settings.MaxCadenceDays.
func checkCadence(days int) error {
	if days < 0 || days > settings.MaxCadenceDays {
		return Invalid(settings.NotCadence.With(days, settings.MaxCadenceDays))
	}
	return nil
}

// SetCompanyCadence sets company's cadence: at most one letter per
// customer every *days days (0 or 1: every working day); nil goes back to
// the default (settings.DefaultCadence).
func (s *Store) SetCompanyCadence(ctx context.Context, company string, days *int) error {
	if days != nil {
		if err := checkCadence(*days); err != nil {
			return err
		}
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE companies SET letter_cadence_days = $2 WHERE code = $1`, company, days)
	if err != nil {
		return fmt.Errorf("set the cadence of company %s: %w", company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("company %s: %w", company, ErrNotFound)
	}
	return nil
}

// SetCustomerCadence sets the cadence of customer of company; nil goes
// back to the company's.
func (s *Store) SetCustomerCadence(ctx context.Context, company, customer string, days *int) error {
	if days != nil {
		if err := checkCadence(*days); err != nil {
			return err
		}
	}
	tag, err := s.Pool.Exec(ctx, `
		UPDATE customers cu SET letter_cadence_days = $3 FROM companies c
		WHERE c.id = cu.company_id AND c.code = $1 AND cu.code = $2`, company, customer, days)
	if err != nil {
		return fmt.Errorf("set the cadence of customer %s of %s: %w", customer, company, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("customer %s of %s: %w", customer, company, ErrNotFound)
	}
	return nil
}
