-- +goose Up

-- People who sign in to the web app. The password is stored only as a
-- bcrypt hash. name is the sign-in name and the actor recorded in
-- histories and the audit log. A disabled user cannot sign in and loses
-- their sessions.
CREATE TABLE IF NOT EXISTS users (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (name <> ''),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

-- The companies a user may see and act on (a user sees nothing else).
CREATE TABLE IF NOT EXISTS user_companies (
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    company_id bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, company_id)
);

-- Web sessions, kept server-side: the cookie holds a random token whose
-- SHA-256 is the key here; csrf_token goes into every form of the session.
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    language   text NOT NULL DEFAULT 'fr',
    -- messages for the next page shown (after an action's redirect), JSON
    flash      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_expires ON web_sessions (expires_at);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions (user_id);

-- The Relances screen lists open invoices of a company by tab (next level
-- or status), sorted by any column, a page at a time, with the count of
-- each tab. These partial indexes hold only open invoices so that the
-- list, its counts and its pages stay fast at 100 000 invoices (see the
-- plans in the README, "Web app").
-- The default order puts invoices without a due date last, as a value (not
-- NULL) so that pages can follow one another by key (date, number).
CREATE INDEX IF NOT EXISTS invoices_open_due ON invoices (company_id, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE balance_due > 0 AND NOT closed;
CREATE INDEX IF NOT EXISTS invoices_open_next_level ON invoices (company_id, dunning_next_level, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE balance_due > 0 AND NOT closed;
CREATE INDEX IF NOT EXISTS invoices_open_status ON invoices (company_id, dunning_status, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE balance_due > 0 AND NOT closed;
CREATE INDEX IF NOT EXISTS invoices_open_tabs ON invoices (company_id, dunning_status, dunning_next_level)
    WHERE balance_due > 0 AND NOT closed;
CREATE INDEX IF NOT EXISTS invoices_open_balance ON invoices (company_id, balance_due, number)
    WHERE balance_due > 0 AND NOT closed;
CREATE INDEX IF NOT EXISTS invoices_open_next_action ON invoices (company_id, next_action_at, number)
    WHERE balance_due > 0 AND NOT closed;
CREATE INDEX IF NOT EXISTS invoices_open_number ON invoices (company_id, number)
    WHERE balance_due > 0 AND NOT closed;
-- A customer's open balance (credit limit filters, customer record), and
-- its invoices when the list is sorted by customer.
CREATE INDEX IF NOT EXISTS invoices_customer_open ON invoices (customer_id, balance_due)
    WHERE NOT closed;
CREATE INDEX IF NOT EXISTS customers_name ON customers (company_id, name);

-- The latest comment of an invoice (seed 000's "Commentaire" column), kept
-- by a trigger on the history mirror so that the list can show it and sort
-- on it without reading the history of every invoice.
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS last_comment text NOT NULL DEFAULT '';
UPDATE invoices i SET last_comment = h.detail
FROM (SELECT DISTINCT ON (invoice_id) invoice_id, detail FROM history WHERE kind = 'commented'
      ORDER BY invoice_id, at DESC, id DESC) h
WHERE h.invoice_id = i.id;
CREATE INDEX IF NOT EXISTS invoices_open_comment ON invoices (company_id, last_comment, number)
    WHERE balance_due > 0 AND NOT closed;

-- A customer's open balance (sum of the balances of its invoices not
-- closed, credit notes included), kept by a trigger on invoices, so that
-- the credit limit filters (seed 000: "encours autorisé dépassé",
-- "encours disponible inférieur à") read one value per customer.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS open_balance numeric(14,2) NOT NULL DEFAULT 0;
UPDATE customers cu SET open_balance = COALESCE((SELECT sum(i.balance_due) FROM invoices i
    WHERE i.customer_id = cu.id AND NOT i.closed), 0);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION customers_keep_open_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.closed THEN
        UPDATE customers SET open_balance = open_balance - OLD.balance_due WHERE id = OLD.customer_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW.closed THEN
        UPDATE customers SET open_balance = open_balance + NEW.balance_due WHERE id = NEW.customer_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS invoices_open_balance ON invoices;
CREATE TRIGGER invoices_open_balance AFTER INSERT OR DELETE OR UPDATE OF balance_due, closed, customer_id ON invoices
    FOR EACH ROW EXECUTE FUNCTION customers_keep_open_balance();

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION invoices_keep_last_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'commented' THEN
        UPDATE invoices SET last_comment = NEW.detail WHERE id = NEW.invoice_id;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS history_last_comment ON history;
CREATE TRIGGER history_last_comment AFTER INSERT ON history
    FOR EACH ROW EXECUTE FUNCTION invoices_keep_last_comment();

-- +goose Down
DROP TRIGGER IF EXISTS invoices_open_balance ON invoices;
DROP FUNCTION IF EXISTS customers_keep_open_balance();
ALTER TABLE customers DROP COLUMN IF EXISTS open_balance;
DROP TRIGGER IF EXISTS history_last_comment ON history;
DROP FUNCTION IF EXISTS invoices_keep_last_comment();
DROP INDEX IF EXISTS invoices_open_comment;
ALTER TABLE invoices DROP COLUMN IF EXISTS last_comment;
DROP INDEX IF EXISTS customers_name;
DROP INDEX IF EXISTS invoices_open_number;
DROP INDEX IF EXISTS invoices_open_next_action;
DROP INDEX IF EXISTS invoices_open_tabs;
DROP INDEX IF EXISTS invoices_customer_open;
DROP INDEX IF EXISTS invoices_open_balance;
DROP INDEX IF EXISTS invoices_open_status;
DROP INDEX IF EXISTS invoices_open_next_level;
DROP INDEX IF EXISTS invoices_open_due;
DROP TABLE IF EXISTS web_sessions, user_companies, users;
