-- +goose Up
-- What the renderer changed so that a letter prints (characters the font
-- lacks, names or address lines cut to fit the envelope window): field
-- and problem only, never the customer's text.
ALTER TABLE letters ADD COLUMN IF NOT EXISTS render_warnings text NOT NULL DEFAULT '';
ALTER TABLE customer_letters ADD COLUMN IF NOT EXISTS render_warnings text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE customer_letters DROP COLUMN IF EXISTS render_warnings;
ALTER TABLE letters DROP COLUMN IF EXISTS render_warnings;
