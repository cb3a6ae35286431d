-- +goose Up

-- Call log per customer (seed 003, "Liste des appels / opérations"): who
-- called whom, what came of it, and any promise to pay. Deleting a call
-- only marks it (deleted_at) so the record of what was said stays
-- available to an audit.
CREATE TABLE customer_calls (
    id              bigserial PRIMARY KEY,
    customer_id     bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    at              timestamptz NOT NULL DEFAULT now(),
    author          text NOT NULL CHECK (author <> ''),
    contact         text NOT NULL DEFAULT '',
    outcome         text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    promised_on     date,
    promised_amount numeric(14,2) CHECK (promised_amount > 0),
    deleted_at      timestamptz
);
CREATE INDEX customer_calls_customer ON customer_calls (customer_id, at) WHERE deleted_at IS NULL;

-- +goose Down
DROP TABLE customer_calls;
