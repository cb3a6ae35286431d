-- +goose Up
-- Company settings editable from the command line and the web app: the
-- sender's display name and reply-to address of the e-mails, and archiving
-- (an archived company is kept with its history but no longer scanned).
ALTER TABLE companies ADD COLUMN IF NOT EXISTS sender_name text NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN IF NOT EXISTS reply_to    text NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN IF NOT EXISTS archived_at timestamptz;

-- +goose Down
ALTER TABLE companies DROP COLUMN IF EXISTS archived_at;
ALTER TABLE companies DROP COLUMN IF EXISTS reply_to;
ALTER TABLE companies DROP COLUMN IF EXISTS sender_name;
