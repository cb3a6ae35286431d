-- +goose Up

-- What an API token may call besides its role: NULL is the operator API
-- only (tokens made before the feed); 'dunning' the operator API (per
-- role), 'feed' the accounting feed (/v1/feed).
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS areas text[];

-- Payments on account: money a customer paid that the accounting system
-- has not applied to an invoice yet (an unapplied payment, a deposit).
-- The letters deduct the open ones. reference is the accounting system's
-- number: the feed and the CSV import upsert by it. amount is what is
-- still unapplied; closed when applied or missing from a full snapshot.
CREATE TABLE IF NOT EXISTS payments_on_account (
    id          bigserial PRIMARY KEY,
    company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    reference   text NOT NULL CHECK (reference <> ''),
    amount      numeric(14,2) NOT NULL CHECK (amount >= 0),
    currency    text NOT NULL,
    paid_on     date NOT NULL,
    method      text NOT NULL DEFAULT '',
    closed      boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, reference)
);
CREATE INDEX IF NOT EXISTS payments_on_account_open ON payments_on_account (customer_id) WHERE NOT closed AND amount > 0;

-- Why an invoice was closed (a full snapshot of the accounting feed, the
-- feed's own "closed"), for the record.
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS closed_reason text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE invoices DROP COLUMN IF EXISTS closed_reason;
DROP TABLE IF EXISTS payments_on_account;
ALTER TABLE api_tokens DROP COLUMN IF EXISTS areas;
