-- +goose Up

-- Failed attempts at the doors (sign-in form, second factor, API tokens,
-- customer links), one row per throttled key: the GCRA state of package
-- throttle (theoretical arrival time, in Unix nanoseconds) shared by every
-- server process. A row past expires_at is as good as absent.
CREATE TABLE IF NOT EXISTS door_throttle (
    key        text PRIMARY KEY,
    tat        bigint NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS door_throttle_expires ON door_throttle (expires_at);

-- Passwords: when one was last set, and whether the user must choose a new
-- one at the next sign-in (after an admin's reset).
ALTER TABLE users ADD COLUMN IF NOT EXISTS password_changed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE users ADD COLUMN IF NOT EXISTS must_change_password boolean NOT NULL DEFAULT false;

-- Second factor (TOTP, RFC 6238): the secret once confirmed, the one being
-- enrolled, and the last time step accepted (a code is good once).
ALTER TABLE users ADD COLUMN IF NOT EXISTS totp_secret text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS totp_pending text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS totp_enabled_at timestamptz;
ALTER TABLE users ADD COLUMN IF NOT EXISTS totp_last_step bigint NOT NULL DEFAULT 0;

-- Recovery codes of the second factor, shown once, stored as SHA-256; a
-- code used is spent.
CREATE TABLE IF NOT EXISTS user_recovery_codes (
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- A session between the password and the second factor: it opens no page
-- but the code's.
ALTER TABLE web_sessions ADD COLUMN IF NOT EXISTS second_factor_pending boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE web_sessions DROP COLUMN IF EXISTS second_factor_pending;
DROP TABLE IF EXISTS user_recovery_codes;
ALTER TABLE users DROP COLUMN IF EXISTS totp_last_step;
ALTER TABLE users DROP COLUMN IF EXISTS totp_enabled_at;
ALTER TABLE users DROP COLUMN IF EXISTS totp_pending;
ALTER TABLE users DROP COLUMN IF EXISTS totp_secret;
ALTER TABLE users DROP COLUMN IF EXISTS must_change_password;
ALTER TABLE users DROP COLUMN IF EXISTS password_changed_at;
DROP TABLE IF EXISTS door_throttle;
