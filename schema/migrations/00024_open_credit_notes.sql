-- +goose Up

-- The Relances list shows the open credit notes beside the open invoices
-- (seed 000 lists AV0021): its partial indexes hold both, so that the list,
-- its counts and its pages stay index scans. A query on open invoices only
-- (balance_due > 0 AND NOT closed) implies the wider predicate and still
-- uses them.
DROP INDEX IF EXISTS invoices_open_due;
CREATE INDEX invoices_open_due ON invoices (company_id, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);
DROP INDEX IF EXISTS invoices_open_next_level;
CREATE INDEX invoices_open_next_level ON invoices (company_id, dunning_next_level, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);
DROP INDEX IF EXISTS invoices_open_status;
CREATE INDEX invoices_open_status ON invoices (company_id, dunning_status, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);
DROP INDEX IF EXISTS invoices_open_tabs;
CREATE INDEX invoices_open_tabs ON invoices (company_id, dunning_status, dunning_next_level)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);
DROP INDEX IF EXISTS invoices_open_balance;
CREATE INDEX invoices_open_balance ON invoices (company_id, balance_due, number)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);
DROP INDEX IF EXISTS invoices_open_next_action;
CREATE INDEX invoices_open_next_action ON invoices (company_id, next_action_at, number)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);
DROP INDEX IF EXISTS invoices_open_number;
CREATE INDEX invoices_open_number ON invoices (company_id, number)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);
DROP INDEX IF EXISTS invoices_open_comment;
CREATE INDEX invoices_open_comment ON invoices (company_id, last_comment, number)
    WHERE NOT closed AND (balance_due > 0 OR kind = 'credit_note' AND balance_due < 0);

-- +goose Down
DROP INDEX IF EXISTS invoices_open_due;
CREATE INDEX invoices_open_due ON invoices (company_id, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE balance_due > 0 AND NOT closed;
DROP INDEX IF EXISTS invoices_open_next_level;
CREATE INDEX invoices_open_next_level ON invoices (company_id, dunning_next_level, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE balance_due > 0 AND NOT closed;
DROP INDEX IF EXISTS invoices_open_status;
CREATE INDEX invoices_open_status ON invoices (company_id, dunning_status, (COALESCE(due_date, 'infinity'::date)), number)
    WHERE balance_due > 0 AND NOT closed;
DROP INDEX IF EXISTS invoices_open_tabs;
CREATE INDEX invoices_open_tabs ON invoices (company_id, dunning_status, dunning_next_level)
    WHERE balance_due > 0 AND NOT closed;
DROP INDEX IF EXISTS invoices_open_balance;
CREATE INDEX invoices_open_balance ON invoices (company_id, balance_due, number)
    WHERE balance_due > 0 AND NOT closed;
DROP INDEX IF EXISTS invoices_open_next_action;
CREATE INDEX invoices_open_next_action ON invoices (company_id, next_action_at, number)
    WHERE balance_due > 0 AND NOT closed;
DROP INDEX IF EXISTS invoices_open_number;
CREATE INDEX invoices_open_number ON invoices (company_id, number)
    WHERE balance_due > 0 AND NOT closed;
DROP INDEX IF EXISTS invoices_open_comment;
CREATE INDEX invoices_open_comment ON invoices (company_id, last_comment, number)
    WHERE balance_due > 0 AND NOT closed;
