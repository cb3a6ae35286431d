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

# -trimpath keeps the directory out of the build cache's keys: a fresh clone
# elsewhere on the machine reuses what an earlier run compiled. Test
# binaries (and the worker the fault tests build) link without DWARF (-w:
# stack traces keep their files and lines). In GOFLAGS, so that the go
# commands the tests run share the same cache entries.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath -ldflags=-w"
log "go vet"
go vet ./...

# The packages that take longest start first (go test starts them in the
# order given), and four run at a time: the fault and end-to-end tests
# mostly wait on demo days and restarts while the browser tests use the
# CPU. go test runs no vet of its own: go vet ran every analyzer above.
SLOW=(./tests/faults ./doors/web ./tests/e2e ./workflows ./doors/api ./activities)
mapfile -t REST < <(go list ./... | grep -vxF -f <(go list "${SLOW[@]}"))
log "go test"
go test -vet=off -count=1 -p 4 -timeout 15m "$@" "${SLOW[@]}" "${REST[@]}"
