-- +goose Up

-- What a company prints on its letters besides its identifiers (issue 11):
-- its legal form and share capital ("SAS au capital de 10 000 €") after
-- its name in the legal footer, a line under the letterhead, a line above
-- the legal footer, and its logo (PNG or JPEG, at most 200 KB; NULL: none).
ALTER TABLE companies ADD COLUMN IF NOT EXISTS legal_form text NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN IF NOT EXISTS letter_header text NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN IF NOT EXISTS letter_footer text NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN IF NOT EXISTS logo bytea;

-- +goose Down
ALTER TABLE companies DROP COLUMN IF EXISTS logo;
ALTER TABLE companies DROP COLUMN IF EXISTS letter_footer;
ALTER TABLE companies DROP COLUMN IF EXISTS letter_header;
ALTER TABLE companies DROP COLUMN IF EXISTS legal_form;
