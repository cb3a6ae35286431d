package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/relance/relance/domain/calendar"
	"github.com/relance/relance/domain/fees"
	"github.com/shopspring/decimal"
)

// ecbRateMin and ecbRateMax bound the ECB rates SetECBRate accepts, in
// percent: anything outside is a typo (the rate has never left 0-5 %).
var (
	ecbRateMin = decimal.NewFromInt(-5)
	ecbRateMax = decimal.NewFromInt(30)
)

// ECBRates returns every ECB main refinancing rate recorded (table
// ecb_rates), oldest first: the table fees.Interest reads the half-year
// rates from.
func (s *Store) ECBRates(ctx context.Context) (fees.RateTable, error) {
	rows, err := s.Pool.Query(ctx, `SELECT valid_from, rate FROM ecb_rates ORDER BY valid_from`)
	if err != nil {
		return nil, fmt.Errorf("load ECB rates: %w", err)
	}
	defer rows.Close()
	var t fees.RateTable
	for rows.Next() {
		var r fees.Rate
		if err := rows.Scan(&r.From, &r.ECB); err != nil {
			return nil, fmt.Errorf("load ECB rates: %w", err)
		}
		t = append(t, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load ECB rates: %w", err)
	}
	return t, nil
}

// SetECBRate records rate (percent) as the ECB main refinancing rate in
// force on from, which must be 1 January or 1 July, replacing any rate
// recorded for that day. A rate outside -5..30 % or with more than three
// decimals is refused (ErrInvalid).
func (s *Store) SetECBRate(ctx context.Context, from calendar.Date, rate decimal.Decimal) error {
	if from.IsZero() || from.Day != 1 || (from.Month != time.January && from.Month != time.July) {
		return Invalid(ECBRateDay.With(strconv.Quote(from.String())))
	}
	if rate.LessThan(ecbRateMin) || rate.GreaterThan(ecbRateMax) {
		return Invalid(ECBRateRange.With(rate, ecbRateMin, ecbRateMax))
	}
	if !rate.Equal(rate.Round(3)) {
		return Invalid(ECBRateDecimals.With(rate))
	}
	_, err := s.Pool.Exec(ctx, `
		INSERT INTO ecb_rates (valid_from, rate) VALUES ($1, $2)
		ON CONFLICT (valid_from) DO UPDATE SET rate = EXCLUDED.rate`, from, rate)
	if err != nil {
		return fmt.Errorf("set ECB rate from %s: %w", from, err)
	}
	return nil
}
