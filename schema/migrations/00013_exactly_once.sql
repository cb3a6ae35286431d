-- +goose Up
-- Exactly-once letters (docs/exactly-once.md).
--
-- round: the statement round a customer letter belongs to, its key up to
-- '#' (the rest is a digest of the items it lists). One round sends at
-- most one letter: a retried workflow task that drained more letters gets
-- another key in the same round, and finds the letter that went out.
ALTER TABLE customer_letters ADD COLUMN IF NOT EXISTS round text GENERATED ALWAYS AS (split_part(key, '#', 1)) STORED;
CREATE INDEX IF NOT EXISTS customer_letters_round ON customer_letters (round);
-- superseded: a letter that never left (pending or failed) replaced by
-- the same round's letter with other items.
ALTER TABLE customer_letters DROP CONSTRAINT IF EXISTS customer_letters_status_check;
ALTER TABLE customer_letters ADD CONSTRAINT customer_letters_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'queued_print', 'superseded'));
-- reference: printed on the letter and tagged on its SES message, to find
-- it again in SES's events (or the emulator's store).
ALTER TABLE customer_letters ADD COLUMN IF NOT EXISTS reference text NOT NULL DEFAULT '';
ALTER TABLE letters ADD COLUMN IF NOT EXISTS reference text NOT NULL DEFAULT '';
-- How an uncertain letter was settled: ses (SES confirmed it), resend
-- (SES never accepted it: sent again), or the operator's decision
-- (operator:sent, operator:resend); checked_at is the last look at SES.
ALTER TABLE customer_letters ADD COLUMN IF NOT EXISTS resolution text NOT NULL DEFAULT '';
ALTER TABLE customer_letters ADD COLUMN IF NOT EXISTS checked_at timestamptz;
ALTER TABLE letters ADD COLUMN IF NOT EXISTS resolution text NOT NULL DEFAULT '';
-- claimed_at: when the send was claimed (SES is asked about the letter
-- from then on).
ALTER TABLE customer_letters ADD COLUMN IF NOT EXISTS claimed_at timestamptz;
-- SES events received through SNS (letters/confirm): what SES did with
-- each message, found again by the letter reference in its tags.
CREATE TABLE IF NOT EXISTS ses_events (
    id          bigserial PRIMARY KEY,
    message_id  text NOT NULL,
    event_type  text NOT NULL,
    reference   text NOT NULL DEFAULT '',
    at          timestamptz,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (message_id, event_type)
);
CREATE INDEX IF NOT EXISTS ses_events_reference ON ses_events (reference) WHERE reference <> '';
CREATE INDEX IF NOT EXISTS customer_letters_uncertain ON customer_letters (id) WHERE status = 'uncertain';
CREATE INDEX IF NOT EXISTS letters_uncertain ON letters (id) WHERE status = 'uncertain';

-- +goose Down
DROP TABLE IF EXISTS ses_events;
ALTER TABLE customer_letters DROP COLUMN IF EXISTS claimed_at;
DROP INDEX IF EXISTS letters_uncertain;
DROP INDEX IF EXISTS customer_letters_uncertain;
ALTER TABLE letters DROP COLUMN IF EXISTS resolution;
ALTER TABLE customer_letters DROP COLUMN IF EXISTS checked_at;
ALTER TABLE customer_letters DROP COLUMN IF EXISTS resolution;
ALTER TABLE letters DROP COLUMN IF EXISTS reference;
ALTER TABLE customer_letters DROP COLUMN IF EXISTS reference;
ALTER TABLE customer_letters DROP CONSTRAINT IF EXISTS customer_letters_status_check;
ALTER TABLE customer_letters ADD CONSTRAINT customer_letters_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'queued_print'));
DROP INDEX IF EXISTS customer_letters_round;
ALTER TABLE customer_letters DROP COLUMN IF EXISTS round;
