-- +goose Up
-- The customer's side: paying from the letter, the customer's page and its
-- answers, e-mail delivery (SES bounces and complaints).

-- The ISO 11649 RF creditor reference each letter carries (QR code and
-- payment instructions): the bank statement brings it back, and it names
-- the letter whose items it pays.
CREATE TABLE IF NOT EXISTS letter_payment_refs (
    reference          text PRIMARY KEY,                 -- "RF" + check digits + letter id, no spaces
    company_id         bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    customer_id        bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    customer_letter_id bigint UNIQUE REFERENCES customer_letters(id) ON DELETE CASCADE,
    letter_id          bigint UNIQUE REFERENCES letters(id) ON DELETE CASCADE,
    letter_reference   text NOT NULL,                    -- the reference printed on the letter
    amount             numeric(14,2) NOT NULL,           -- what the QR code asks for
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (customer_letter_id IS NOT NULL OR letter_id IS NOT NULL)
);

-- The private link to the customer's page: bumping the version revokes
-- every link sent so far.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS portal_version integer NOT NULL DEFAULT 1;

-- What the customer's answers do, per company: days an "already paid"
-- pauses the items it names, the furthest date a promise may name, the
-- reasons a dispute picks from.
ALTER TABLE companies ADD COLUMN IF NOT EXISTS paid_pause_days integer NOT NULL DEFAULT 10
    CHECK (paid_pause_days BETWEEN 1 AND 90);
ALTER TABLE companies ADD COLUMN IF NOT EXISTS promise_max_days integer NOT NULL DEFAULT 30
    CHECK (promise_max_days BETWEEN 1 AND 365);
ALTER TABLE companies ADD COLUMN IF NOT EXISTS dispute_reasons text[] NOT NULL
    DEFAULT ARRAY['Prestation non conforme', 'Marchandise non reçue', 'Erreur de montant', 'Facture déjà réglée', 'Autre'];

-- The customers' answers from their page ("Réponses clients").
CREATE TABLE IF NOT EXISTS customer_answers (
    id           bigserial PRIMARY KEY,
    company_id   bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    customer_id  bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('paid', 'dispute', 'promise', 'message')),
    invoice_ids  bigint[] NOT NULL DEFAULT '{}',
    paid_on      date,
    amount       numeric(14,2),
    reference    text NOT NULL DEFAULT '',
    reason       text NOT NULL DEFAULT '',
    message      text NOT NULL DEFAULT '',
    until        date,                                   -- paused until (paid, promise)
    outcome      text NOT NULL DEFAULT '',               -- what it did to the items, in English
    created_at   timestamptz NOT NULL DEFAULT now(),
    handled_at   timestamptz,
    handled_by   text NOT NULL DEFAULT '',
    handling     text NOT NULL DEFAULT ''                -- resume, extend, dispute, seen
);
CREATE INDEX IF NOT EXISTS customer_answers_company_created ON customer_answers (company_id, created_at DESC);
CREATE INDEX IF NOT EXISTS customer_answers_customer ON customer_answers (customer_id, created_at DESC);

-- Addresses SES reported as bouncing or complaining: letters to them go
-- to print.
CREATE TABLE IF NOT EXISTS undeliverable_addresses (
    email          text PRIMARY KEY,                     -- lower case
    kind           text NOT NULL CHECK (kind IN ('bounce', 'complaint')),
    detail         text NOT NULL DEFAULT '',
    ses_message_id text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE IF EXISTS undeliverable_addresses;
DROP TABLE IF EXISTS customer_answers;
ALTER TABLE companies DROP COLUMN IF EXISTS dispute_reasons;
ALTER TABLE companies DROP COLUMN IF EXISTS promise_max_days;
ALTER TABLE companies DROP COLUMN IF EXISTS paid_pause_days;
ALTER TABLE customers DROP COLUMN IF EXISTS portal_version;
DROP TABLE IF EXISTS letter_payment_refs;
