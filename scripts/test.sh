#!/usr/bin/env bash
# The test command: installs what it needs, gives this run its own database,
# and runs every test (unit and integration, against real PostgreSQL, a real
# Temporal dev server and the SES emulator).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_tools
ensure_postgres
ensure_npm
ensure_temporal_cli
ensure_chromium

DB="relance_test_$(date +%s)_$$"
log "creating database $DB for this run"
psql_admin "CREATE DATABASE $DB"
trap 'psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
export RELANCE_TEST_DATABASE_URL="postgres://127.0.0.1:5432/$DB?sslmode=disable"
if ! psql -h 127.0.0.1 -d "$DB" -Atqc 'select 1' >/dev/null 2>&1; then
  export RELANCE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB?sslmode=disable"
fi

log "go vet"
go vet ./...
log "go test"
go test -count=1 -p 2 -timeout 15m "$@" ./...
