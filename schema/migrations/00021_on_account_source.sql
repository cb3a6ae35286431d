-- +goose Up

-- Where a payment on account came from, for the customer record: feed (the
-- accounting feed API), csv (the import), web (recorded by hand on the
-- customer record). Rows made before this column say '' (the feed or the
-- import).
ALTER TABLE payments_on_account ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payments_on_account DROP COLUMN IF EXISTS source;
