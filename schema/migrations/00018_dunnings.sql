-- +goose Up

-- The ledger's record of every dunning workflow (one per invoice, or per
-- instalment): when it started and when and how it ended. The daily scan
-- starts only the invoices without a live dunning, so a morning with a
-- million running dunnings and fifty thousand newly due invoices makes
-- fifty thousand start calls, not a million.
--   started_at   the scan's start, or the workflow's first history event
--   ended_at     the workflow's final event (paid, closed), or what the
--                reconciliation with Temporal's visibility found
--   outcome      paid, closed, completed, failed, terminated, canceled,
--                timed_out, not_found
--   restartable  the workflow ended in a way Temporal lets the scan start
--                again (failed, terminated, canceled, timed out, gone):
--                the next scan starts it. A dunning that ended paid or
--                closed never restarts (the workflow ID's reuse policy).
CREATE TABLE IF NOT EXISTS dunnings (
    invoice_id   bigint NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    instalment   integer NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    outcome      text,
    restartable  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (invoice_id, instalment)
);

-- The last reconciliation of each company's dunnings with Temporal's
-- visibility (the scheduled scan reconciles when it is a week old).
CREATE TABLE IF NOT EXISTS dunning_reconciles (
    company_id   bigint PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
    at           timestamptz NOT NULL,
    running      integer NOT NULL,
    recorded     integer NOT NULL,
    ended        integer NOT NULL
);

-- +goose Down
DROP TABLE IF EXISTS dunning_reconciles;
DROP TABLE IF EXISTS dunnings;
