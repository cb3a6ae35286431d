#!/usr/bin/env bash
# make test-cluster: the test through a real Temporal server
# (tests/cluster): builds the server like `make cluster` (once, in .run/bin),
# starts it on free ports with databases of its own, and runs the demo
# ladder through it, restarting the server mid-ladder.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_tools
ensure_postgres
ensure_npm
ensure_temporal_cli

DB="relance_cluster_$(date +%s)_$$"
psql_admin "CREATE DATABASE $DB"
trap 'psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
export RELANCE_TEST_DATABASE_URL="postgres://127.0.0.1:5432/$DB?sslmode=disable"
if ! psql -h 127.0.0.1 -d "$DB" -Atqc 'select 1' >/dev/null 2>&1; then
  export RELANCE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB?sslmode=disable"
fi
log "test through a real Temporal server (tests/cluster)"
RELANCE_CLUSTER=1 go test -count=1 -timeout 10m "$@" ./tests/cluster/...
