-- +goose Up

-- Operator API tokens. The token itself (32 random bytes, shown once when
-- created) is never stored: only its SHA-256. A name has at most one token
-- in force; revoking keeps the row for the audit trail.
CREATE TABLE api_tokens (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (name <> ''),
    token_hash  bytea NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- Payment systems that may call the payment webhook, each with the shared
-- secret its requests are signed with (HMAC-SHA256).
CREATE TABLE webhook_sources (
    name        text PRIMARY KEY CHECK (name <> ''),
    secret      text NOT NULL CHECK (length(secret) >= 16),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Who did what through the API: every operator action, accepted or not.
CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,
    role     text NOT NULL DEFAULT '',
    action   text NOT NULL,
    target   text NOT NULL DEFAULT '',
    detail   text NOT NULL DEFAULT '',
    outcome  text NOT NULL CHECK (outcome IN ('ok', 'refused', 'error'))
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target, at);

-- +goose Down
DROP TABLE audit_log, webhook_sources, api_tokens;
