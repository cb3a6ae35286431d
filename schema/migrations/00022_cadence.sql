-- +goose Up
-- Cadence (docs/customer-side.md "Cadence"): at most one letter per
-- customer every letter_cadence_days days (0 or 1: every working day).
-- The company's setting (NULL: the default, 7 days; one demo day for a
-- company whose days last seconds) and a per-customer override (NULL: the
-- company's).
ALTER TABLE companies ADD COLUMN IF NOT EXISTS letter_cadence_days int
    CHECK (letter_cadence_days IS NULL OR letter_cadence_days BETWEEN 0 AND 90);
ALTER TABLE customers ADD COLUMN IF NOT EXISTS letter_cadence_days int
    CHECK (letter_cadence_days IS NULL OR letter_cadence_days BETWEEN 0 AND 90);
-- The last letter of a customer, found fast.
CREATE INDEX IF NOT EXISTS customer_letters_customer_sent ON customer_letters (customer_id, sent_at);

-- +goose Down
DROP INDEX IF EXISTS customer_letters_customer_sent;
ALTER TABLE customers DROP COLUMN IF EXISTS letter_cadence_days;
ALTER TABLE companies DROP COLUMN IF EXISTS letter_cadence_days;
