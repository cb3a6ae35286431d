#!/usr/bin/env bash
# The bench command (README "Bench"): installs what it needs like the
# tests, then runs `relance-dev bench` on a throw-away database of the local
# PostgreSQL. `make bench N=1000` for a shorter run; SERVER=postgres runs
# it on `make cluster`'s Temporal server (own ports and databases) instead
# of the dev server; BENCH_FLAGS passes more flags (e.g.
# BENCH_FLAGS="-scan-rows 0 -letter-bench=false").
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_tools
ensure_postgres
ensure_npm
ensure_temporal_cli

ADMIN_URL="${BENCH_DATABASE_URL:-postgres://127.0.0.1:5432/postgres?sslmode=disable}"
if ! psql "$ADMIN_URL" -Atqc 'select 1' >/dev/null 2>&1; then
  ADMIN_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
fi
log "bench: ${N:-10000} invoices on the ${SERVER:-dev} server (throw-away database on $(echo "$ADMIN_URL" | sed 's#//[^@]*@#//#'))"
BIN="$(mktemp -d)"
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/relance-dev" ./devtools/relance-dev
go build -o "$BIN/worker" ./worker
# shellcheck disable=SC2086
DATABASE_URL="$ADMIN_URL" "$BIN/relance-dev" bench -n "${N:-10000}" -server "${SERVER:-dev}" -worker "$BIN/worker" ${BENCH_FLAGS:-}
