-- +goose Up

-- The scan's selection: the open invoices of a company (balance due, not
-- closed), in due-date order. Only open invoices are indexed, so the index
-- stays small however many paid invoices the ledger keeps, and the scan
-- reads it in order, in pages, without sorting (README "Scan at scale").
-- Its own name: invoices_open_due (00008) is the web list's index, on
-- COALESCE(due_date) for balances above zero, which the scan cannot use.
CREATE INDEX IF NOT EXISTS invoices_scan_due ON invoices (company_id, due_date, number)
    WHERE NOT closed AND balance_due <> 0;

-- +goose Down
DROP INDEX IF EXISTS invoices_scan_due;
