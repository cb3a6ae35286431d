-- +goose Up

-- A payment's idempotency key is (source, external_id): two payment
-- systems may use the same IDs. The old global key goes.
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_external_id_key;
CREATE UNIQUE INDEX IF NOT EXISTS payments_source_external_id ON payments (source, external_id);

-- API tokens and payment sources act on the companies listed here only;
-- NULL means every company of the installation (set explicitly with
-- --all-companies; rows created before this migration keep that reach).
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS companies text[];
ALTER TABLE webhook_sources ADD COLUMN IF NOT EXISTS companies text[];

-- +goose Down
ALTER TABLE webhook_sources DROP COLUMN IF EXISTS companies;
ALTER TABLE api_tokens DROP COLUMN IF EXISTS companies;
DROP INDEX IF EXISTS payments_source_external_id;
ALTER TABLE payments ADD CONSTRAINT payments_external_id_key UNIQUE (external_id);
