-- +goose Up
-- A skipped courtesy mail keeps its reason as a code with parameters (the
-- message catalogs say it in French and English); reason stays the
-- English sentence, for the logs.
ALTER TABLE courtesy_mails ADD COLUMN IF NOT EXISTS reason_code text NOT NULL DEFAULT '';
ALTER TABLE courtesy_mails ADD COLUMN IF NOT EXISTS reason_params text[] NOT NULL DEFAULT '{}';

-- The reasons recorded before, as the codes they are.
UPDATE courtesy_mails SET reason_code = 'courtesy.skip.named'
 WHERE reason_code = '' AND reason = 'every invoice already named by another mail of this kind';
UPDATE courtesy_mails SET reason_code = 'courtesy.skip.gone'
 WHERE reason_code = '' AND reason = 'no invoice left to name (paid, due, held or reopened meanwhile)';
UPDATE courtesy_mails SET reason_code = 'courtesy.skip.no-email'
 WHERE reason_code = '' AND reason = 'no deliverable e-mail address (courtesy mails are not printed)';
-- "a letter went to the customer on 2026-12-06, within the 7-day cadence"
UPDATE courtesy_mails SET reason_code = 'courtesy.skip.cadence',
       reason_params = ARRAY[rtrim(split_part(reason, ' ', 8), ','), split_part(split_part(reason, ' ', 11), '-', 1)]
 WHERE reason_code = '' AND reason LIKE 'a letter went to the customer on %, within the %-day cadence';

-- +goose Down
ALTER TABLE courtesy_mails DROP COLUMN IF EXISTS reason_params;
ALTER TABLE courtesy_mails DROP COLUMN IF EXISTS reason_code;
