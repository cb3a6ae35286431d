-- +goose Up

-- Bank statement files received (uploaded, imported from the command line,
-- posted by an EBICS client): what each brought.
CREATE TABLE bank_imports (
    id             bigserial PRIMARY KEY,
    company_id     bigint REFERENCES companies(id) ON DELETE CASCADE,
    file_name      text NOT NULL DEFAULT '',
    file_sha256    text NOT NULL,
    format         text NOT NULL,
    channel        text NOT NULL,
    actor          text NOT NULL DEFAULT '',
    new_count      int NOT NULL DEFAULT 0,
    known_count    int NOT NULL DEFAULT 0,
    rejected_count int NOT NULL DEFAULT 0,
    problems       jsonb NOT NULL DEFAULT '[]',
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per booked entry of a company's account, kept once under its
-- identity (account, bank reference, booking date, amount, and a hash of
-- its content when the bank gives no reference): a statement imported
-- twice, or two overlapping statements, add nothing.
-- status: new (not looked at yet), matched (allocated to invoices or to
-- the customer's account), exception (waiting on the Rapprochement
-- screen), ignored (not a customer payment), debit (money out, not a
-- return), reversal (a return or reversal, applied), reversed (a credit
-- that a reversal cancelled).
CREATE TABLE bank_transactions (
    id            bigserial PRIMARY KEY,
    company_id    bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    account       text NOT NULL,
    bank_ref      text NOT NULL DEFAULT '',
    booking_date  date NOT NULL,
    value_date    date,
    amount        numeric(14,2) NOT NULL CHECK (amount <> 0),
    currency      text NOT NULL,
    content_hash  text NOT NULL DEFAULT '',
    reversal      boolean NOT NULL DEFAULT false,
    bank_code     text NOT NULL DEFAULT '',
    label         text NOT NULL DEFAULT '',
    end_to_end_id text NOT NULL DEFAULT '',
    payer_name    text NOT NULL DEFAULT '',
    payer_iban    text NOT NULL DEFAULT '',
    remittance    text NOT NULL DEFAULT '',
    creditor_refs text[] NOT NULL DEFAULT '{}',
    import_id     bigint REFERENCES bank_imports(id) ON DELETE SET NULL,
    status        text NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'matched', 'exception', 'ignored', 'debit', 'reversal', 'reversed')),
    -- why it was matched (automatic rule codes, or "manual") or why it waits
    reason        text NOT NULL DEFAULT '',
    customer_id   bigint REFERENCES customers(id),
    reverses_id   bigint REFERENCES bank_transactions(id),
    suggestions   jsonb NOT NULL DEFAULT '[]',
    decided_by    text NOT NULL DEFAULT '',
    decided_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account, bank_ref, booking_date, amount, content_hash)
);
CREATE INDEX bank_transactions_status ON bank_transactions (company_id, status, booking_date);
CREATE INDEX bank_transactions_customer ON bank_transactions (customer_id) WHERE customer_id IS NOT NULL;
-- The same entry from a statement in the other format, a return's credit.
CREATE INDEX bank_transactions_day ON bank_transactions (company_id, booking_date, amount);

-- What a credit paid: an invoice (a payment recorded through the payment
-- path, external id bank:<allocation id>), or the customer's account when
-- invoice_id is NULL (a payment on account, deducted from the letters).
-- paid_at is set once the payment is in the ledger and its workflow told;
-- reversed_at when a reversal took it back.
CREATE TABLE bank_allocations (
    id             bigserial PRIMARY KEY,
    transaction_id bigint NOT NULL REFERENCES bank_transactions(id) ON DELETE CASCADE,
    customer_id    bigint NOT NULL REFERENCES customers(id),
    invoice_id     bigint REFERENCES invoices(id),
    amount         numeric(14,2) NOT NULL CHECK (amount > 0),
    currency       text NOT NULL,
    paid_at        timestamptz,
    reversed_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bank_allocations_tx ON bank_allocations (transaction_id);
CREATE INDEX bank_allocations_customer ON bank_allocations (customer_id) WHERE invoice_id IS NULL AND reversed_at IS NULL;

-- Payers' accounts learned from certain matches: an IBAN known for one
-- customer identifies the payer of the next transfers.
CREATE TABLE bank_payer_accounts (
    company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    iban        text NOT NULL,
    customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    learned_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, iban, customer_id)
);

-- A payment taken back by a bank reversal stays for the record; the
-- invoice's balance is raised again.
ALTER TABLE payments ADD COLUMN IF NOT EXISTS reversed_at timestamptz;

-- +goose Down
ALTER TABLE payments DROP COLUMN IF EXISTS reversed_at;
DROP TABLE bank_payer_accounts, bank_allocations, bank_transactions, bank_imports;
