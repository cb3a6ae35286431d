-- +goose Up

-- Who signs the letters (issue 7, legal wording): the name and title printed
-- under the closing formula. Empty: the accounts receivable department signs.
ALTER TABLE companies ADD COLUMN IF NOT EXISTS signatory_name text NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN IF NOT EXISTS signatory_title text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE companies DROP COLUMN IF EXISTS signatory_title;
ALTER TABLE companies DROP COLUMN IF EXISTS signatory_name;
