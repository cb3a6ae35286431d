-- +goose Up

-- The creditors. Several companies can share one installation.
CREATE TABLE companies (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE,
    legal_name       text NOT NULL,
    address_lines    text[] NOT NULL DEFAULT '{}',
    city             text NOT NULL DEFAULT '',
    siret            text NOT NULL DEFAULT '',
    vat_number       text NOT NULL DEFAULT '',
    rcs              text NOT NULL DEFAULT '',
    iban             text NOT NULL DEFAULT '',
    bic              text NOT NULL DEFAULT '',
    sender_email     text NOT NULL DEFAULT '',
    phone            text NOT NULL DEFAULT '',
    time_zone        text NOT NULL DEFAULT 'Europe/Paris',
    language         text NOT NULL DEFAULT 'fr',
    send_hour        int  NOT NULL DEFAULT 9 CHECK (send_hour BETWEEN 0 AND 23),
    -- For demonstrations only: when set, one ladder "day" lasts this many
    -- seconds. NULL in production.
    demo_day_seconds int CHECK (demo_day_seconds > 0),
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Reminder statuses (seed 004): R1..MED, litigation, do-not-remind...
-- inherited statuses set on a customer apply to all its open and future
-- invoices; independent ones are informational on the customer.
CREATE TABLE reminder_statuses (
    company_id      bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    code            text NOT NULL,
    label           text NOT NULL,
    escalation_code text,
    propagation     text NOT NULL CHECK (propagation IN ('inherited', 'independent')),
    blocks_reminders boolean NOT NULL DEFAULT false,
    PRIMARY KEY (company_id, code)
);

-- The ladder: ordered levels per company. delay_days counts from the due
-- date for the first level, from the previous step for the others.
CREATE TABLE ladder_levels (
    company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    position    int NOT NULL CHECK (position >= 1),
    code        text NOT NULL,
    label       text NOT NULL,
    delay_days  int NOT NULL CHECK (delay_days >= 0),
    channel     text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'print', 'both')),
    claim_fees  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (company_id, position),
    UNIQUE (company_id, code)
);

CREATE TABLE customers (
    id               bigserial PRIMARY KEY,
    company_id       bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    code             text NOT NULL,
    name             text NOT NULL,
    contact          text NOT NULL DEFAULT '',
    emails           text[] NOT NULL DEFAULT '{}',
    address_lines    text[] NOT NULL DEFAULT '{}',
    language         text NOT NULL DEFAULT 'fr',
    kind             text NOT NULL DEFAULT 'business' CHECK (kind IN ('business', 'individual')),
    channel          text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'print')),
    family           text NOT NULL DEFAULT '',
    sales_rep        text NOT NULL DEFAULT '',
    payment_method   text NOT NULL DEFAULT '',
    credit_limit     numeric(14,2),
    reminder_status  text,
    previous_status  text,
    do_not_remind    boolean NOT NULL DEFAULT false,
    UNIQUE (company_id, code)
);

-- Invoices and credit notes. Amounts are exact decimals. Rows arrive from
-- the accounting system as they are (a missing due date, a negative amount,
-- an unknown currency): the scan reports the bad ones instead of refusing
-- them here.
CREATE TABLE invoices (
    id              bigserial PRIMARY KEY,
    company_id      bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    customer_id     bigint NOT NULL REFERENCES customers(id),
    number          text NOT NULL,
    kind            text NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    issue_date      date NOT NULL,
    due_date        date,
    amount          numeric(14,2) NOT NULL,
    currency        text NOT NULL DEFAULT 'EUR',
    balance_due     numeric(14,2) NOT NULL,
    reminder_status text,
    do_not_remind   boolean NOT NULL DEFAULT false,
    closed          boolean NOT NULL DEFAULT false,
    pdf_path        text,
    pdf             bytea,
    -- Projection of the invoice's dunning workflow, written with each
    -- batch of history events, for lists and reports.
    dunning_level      text,
    dunning_next_level text,
    dunning_status     text,
    next_action_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, number)
);
CREATE INDEX invoices_dunning ON invoices (company_id, dunning_status, dunning_level);

-- Instalments: when an invoice has some, dunning is per instalment.
CREATE TABLE instalments (
    invoice_id  bigint NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    seq         int NOT NULL,
    due_date    date NOT NULL,
    amount      numeric(14,2) NOT NULL,
    balance_due numeric(14,2) NOT NULL,
    PRIMARY KEY (invoice_id, seq)
);

-- Payments. external_id is the payment system's idempotency key.
CREATE TABLE payments (
    id          bigserial PRIMARY KEY,
    external_id text NOT NULL UNIQUE,
    invoice_id  bigint NOT NULL REFERENCES invoices(id),
    amount      numeric(14,2) NOT NULL CHECK (amount > 0),
    currency    text NOT NULL,
    paid_on     date NOT NULL,
    method      text NOT NULL DEFAULT '',
    source      text NOT NULL DEFAULT '',
    overpaid    numeric(14,2) NOT NULL DEFAULT 0,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Customer letters: one e-mail (and one PDF) that covers every invoice of
-- a customer reaching a level on the same day. key is the collecting
-- workflow's run and round, so a retry finds the same row.
CREATE TABLE customer_letters (
    id             bigserial PRIMARY KEY,
    key            text NOT NULL UNIQUE,
    customer_id    bigint NOT NULL REFERENCES customers(id),
    channel        text NOT NULL CHECK (channel IN ('email', 'print', 'both')),
    status         text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'queued_print')),
    recipients     text[] NOT NULL DEFAULT '{}',
    subject        text NOT NULL DEFAULT '',
    pdf            bytea,
    ses_message_id text,
    error          text,
    attempts       int NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz
);

-- Letters: one row per (invoice, level, sequence), written before the
-- e-mail goes out and marked sent after. A row left in 'sending' means a
-- crash between the two: it is never sent again (see README).
CREATE TABLE letters (
    id            bigserial PRIMARY KEY,
    invoice_id    bigint NOT NULL REFERENCES invoices(id),
    level_code    text NOT NULL,
    sequence      int NOT NULL,
    channel       text NOT NULL CHECK (channel IN ('email', 'print', 'both')),
    status        text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'queued_print')),
    -- the customer letter that covered this invoice, when letters are grouped
    customer_letter_id bigint REFERENCES customer_letters(id),
    recipients    text[] NOT NULL DEFAULT '{}',
    subject       text NOT NULL DEFAULT '',
    pdf           bytea,
    ses_message_id text,
    error         text,
    attempts      int NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    UNIQUE (invoice_id, level_code, sequence)
);

-- History: every step done, skipped, reverted, paused, commented, paid;
-- mirrored from the workflow, one row per workflow event.
CREATE TABLE history (
    id          bigserial PRIMARY KEY,
    invoice_id  bigint NOT NULL REFERENCES invoices(id),
    workflow_id text NOT NULL,
    seq         int NOT NULL,
    at          timestamptz NOT NULL,
    kind        text NOT NULL,
    level_code  text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '',
    actor       text NOT NULL DEFAULT '',
    UNIQUE (workflow_id, seq)
);
CREATE INDEX history_invoice ON history (invoice_id, at);

-- +goose Down
DROP TABLE history, letters, customer_letters, payments, instalments, invoices, customers, ladder_levels, reminder_statuses, companies;
