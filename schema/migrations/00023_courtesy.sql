-- +goose Up
-- Before and after: an optional courtesy reminder a few days before an
-- invoice falls due, and an optional thank-you once an invoice that had a
-- letter is fully paid (docs/customer-side.md, "Before and after").

-- courtesy_days: days before the due date the courtesy reminder goes
-- (0: no courtesy reminder); thanks_enabled: thank the customer once a
-- reminded invoice is paid.
ALTER TABLE companies ADD COLUMN IF NOT EXISTS courtesy_days integer NOT NULL DEFAULT 0
    CHECK (courtesy_days BETWEEN 0 AND 30);
ALTER TABLE companies ADD COLUMN IF NOT EXISTS thanks_enabled boolean NOT NULL DEFAULT false;

-- The company's own texts of these mails, per kind, language and customer
-- kind ('' = every customer); without one, the embedded default.
CREATE TABLE IF NOT EXISTS courtesy_templates (
    company_id    bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('before', 'thanks')),
    language      text NOT NULL CHECK (language <> ''),
    customer_kind text NOT NULL DEFAULT '' CHECK (customer_kind IN ('', 'business', 'individual')),
    subject       text NOT NULL,
    body          text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, kind, language, customer_kind)
);

-- One row per mail (a customer's invoices of one kind on one day), claimed
-- before it is sent, as letters are (docs/exactly-once.md); skipped mails
-- keep their reason.
CREATE TABLE IF NOT EXISTS courtesy_mails (
    id             bigserial PRIMARY KEY,
    key            text NOT NULL UNIQUE,
    company_id     bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    customer_id    bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('before', 'thanks')),
    status         text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
    reason         text NOT NULL DEFAULT '',
    recipients     text[] NOT NULL DEFAULT '{}',
    subject        text NOT NULL DEFAULT '',
    ses_message_id text,
    error          text,
    attempts       int NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz
);
CREATE INDEX IF NOT EXISTS courtesy_mails_customer ON courtesy_mails (customer_id, created_at DESC);

-- Each invoice is in at most one mail of each kind: the unique key that
-- makes a second run, or a retry, send nothing twice.
CREATE TABLE IF NOT EXISTS courtesy_items (
    invoice_id bigint NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('before', 'thanks')),
    mail_id    bigint NOT NULL REFERENCES courtesy_mails(id) ON DELETE CASCADE,
    PRIMARY KEY (invoice_id, kind)
);
CREATE INDEX IF NOT EXISTS courtesy_items_mail ON courtesy_items (mail_id);

-- +goose Down
DROP TABLE IF EXISTS courtesy_items;
DROP TABLE IF EXISTS courtesy_mails;
DROP TABLE IF EXISTS courtesy_templates;
ALTER TABLE companies DROP COLUMN IF EXISTS thanks_enabled;
ALTER TABLE companies DROP COLUMN IF EXISTS courtesy_days;
