-- +goose Up

-- The company's working-day calendar: letters due on a Saturday, a Sunday
-- or a public holiday go out on the next working day at the send hour.
-- 'FR' (French public holidays), 'FR-AM' (plus Good Friday and 26 December,
-- Alsace-Moselle) or 'none' (weekends only). See calendar.Holidays.
ALTER TABLE companies ADD COLUMN IF NOT EXISTS holidays text NOT NULL DEFAULT 'FR'
    CHECK (holidays IN ('FR', 'FR-AM', 'none'));

-- Dunning per instalment: each instalment has its own workflow and level,
-- mirrored here as the invoice's are in invoices.dunning_*.
ALTER TABLE instalments ADD COLUMN IF NOT EXISTS dunning_level text;
ALTER TABLE instalments ADD COLUMN IF NOT EXISTS dunning_next_level text;
ALTER TABLE instalments ADD COLUMN IF NOT EXISTS dunning_status text;
ALTER TABLE instalments ADD COLUMN IF NOT EXISTS next_action_at timestamptz;

-- A letter row is one (invoice, instalment, level, sequence); 0 is the
-- invoice itself.
ALTER TABLE letters ADD COLUMN IF NOT EXISTS instalment int NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX IF NOT EXISTS letters_item_key ON letters (invoice_id, instalment, level_code, sequence);
ALTER TABLE letters DROP CONSTRAINT IF EXISTS letters_invoice_id_level_code_sequence_key;

-- History rows of an instalment's workflow say which instalment.
ALTER TABLE history ADD COLUMN IF NOT EXISTS instalment int NOT NULL DEFAULT 0;

-- ECB main refinancing rate in force on 1 January and 1 July of each
-- half-year from 2010 (source: ECB, "Key ECB interest rates", main
-- refinancing operations, date of change and fixed rate):
--   1.00 from 2009-05-13, 1.25 from 2011-04-13, 1.50 from 2011-07-13,
--   1.25 from 2011-11-09, 1.00 from 2011-12-14, 0.75 from 2012-07-11,
--   0.50 from 2013-05-08, 0.25 from 2013-11-13, 0.15 from 2014-06-11,
--   0.05 from 2014-09-10, 0.00 from 2016-03-16, 0.50 from 2022-07-27.
-- 2023 onwards shipped in 00002. The rate of the second half of 2026 is
-- not known to this release: add it with `starter rates set`.
INSERT INTO ecb_rates (valid_from, rate) VALUES
    ('2010-01-01', 1.00), ('2010-07-01', 1.00),
    ('2011-01-01', 1.00), ('2011-07-01', 1.25),
    ('2012-01-01', 1.00), ('2012-07-01', 1.00),
    ('2013-01-01', 0.75), ('2013-07-01', 0.50),
    ('2014-01-01', 0.25), ('2014-07-01', 0.15),
    ('2015-01-01', 0.05), ('2015-07-01', 0.05),
    ('2016-01-01', 0.05), ('2016-07-01', 0.00),
    ('2017-01-01', 0.00), ('2017-07-01', 0.00),
    ('2018-01-01', 0.00), ('2018-07-01', 0.00),
    ('2019-01-01', 0.00), ('2019-07-01', 0.00),
    ('2020-01-01', 0.00), ('2020-07-01', 0.00),
    ('2021-01-01', 0.00), ('2021-07-01', 0.00),
    ('2022-01-01', 0.00), ('2022-07-01', 0.00)
ON CONFLICT (valid_from) DO NOTHING;

-- +goose Down
ALTER TABLE history DROP COLUMN IF EXISTS instalment;
DROP INDEX IF EXISTS letters_item_key;
ALTER TABLE letters DROP COLUMN IF EXISTS instalment;
ALTER TABLE letters ADD CONSTRAINT letters_invoice_id_level_code_sequence_key UNIQUE (invoice_id, level_code, sequence);
ALTER TABLE instalments DROP COLUMN IF EXISTS dunning_level, DROP COLUMN IF EXISTS dunning_next_level,
    DROP COLUMN IF EXISTS dunning_status, DROP COLUMN IF EXISTS next_action_at;
ALTER TABLE companies DROP COLUMN IF EXISTS holidays;
