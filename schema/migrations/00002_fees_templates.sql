-- +goose Up

-- ECB main refinancing rate (percent) in force on each 1 January and
-- 1 July: the late-payment penalty rate for that half-year is this rate
-- + 10 points (Code de commerce L. 441-10 II; see package fees). Add the
-- new half-year's rate with `starter rates set --from YYYY-07-01 --rate R`
-- before letters claiming interest go out in it.
CREATE TABLE ecb_rates (
    valid_from date PRIMARY KEY
               CHECK (extract(day FROM valid_from) = 1 AND extract(month FROM valid_from) IN (1, 7)),
    rate       numeric(6,3) NOT NULL CHECK (rate BETWEEN -5 AND 30)
);

INSERT INTO ecb_rates (valid_from, rate) VALUES
    ('2023-01-01', 2.50),
    ('2023-07-01', 4.00),
    ('2024-01-01', 4.50),
    ('2024-07-01', 4.25),
    ('2025-01-01', 3.15),
    ('2025-07-01', 2.15),
    ('2026-01-01', 2.15);

-- A company's own letter templates, edited without recompiling (starter
-- templates set). Each one replaces the embedded default for one level and
-- language, optionally only for one kind of customer ('' = every customer)
-- and only from a number of days overdue. source holds the same
-- {{define "subject"}}... blocks as letter/templates/<lang>/<LEVEL>.tmpl and
-- was validated (letter.ValidateTemplate) before it was saved.
CREATE TABLE letter_templates (
    company_id       bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    level_code       text NOT NULL CHECK (level_code <> ''),
    language         text NOT NULL CHECK (language <> ''),
    customer_kind    text NOT NULL DEFAULT '' CHECK (customer_kind IN ('', 'business', 'individual')),
    min_days_overdue int NOT NULL DEFAULT 0 CHECK (min_days_overdue >= 0),
    source           text NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, level_code, language, customer_kind, min_days_overdue)
);

-- +goose Down
DROP TABLE letter_templates, ecb_rates;
