#!/usr/bin/env bash
# make dev: on a fresh machine, build the Temporal dev server, start
# PostgreSQL, the SES emulator, the worker; create the database, apply the
# schema, load the demo company, scan it, and show letters going out.
# `make stop` (scripts/dev.sh stop) stops what it started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
UI_PORT="${UI_PORT:-8233}"
SES_PORT="${SES_PORT:-8005}"
DB_NAME="${RELANCE_DB:-relance}"
DAY_SECONDS="${DEMO_DAY_SECONDS:-4}"
WATCH_SECONDS="${WATCH_SECONDS:-150}"
WEB_PORT="${WEB_PORT:-8080}"
DEMO_ADMIN="${DEMO_ADMIN:-admin}"
DEMO_PASSWORD="${DEMO_PASSWORD:-relance-demo-2026}"
# Every service started here listens on RELANCE_BIND only: 127.0.0.1 by
# default, so that nobody else on the network reaches the Temporal server
# (no authentication), the SES emulator or the web app. Set it to a LAN
# address or 0.0.0.0 to expose them on purpose (docs/security.md).
BIND="${RELANCE_BIND:-127.0.0.1}"
case "$BIND" in
0.0.0.0 | "::" | "[::]") CONNECT_HOST=127.0.0.1 ;;
::1) CONNECT_HOST="[::1]" ;;
*) CONNECT_HOST="$BIND" ;;
esac
WEB_FLAGS=()
case "$BIND" in
127.0.0.1 | localhost | ::1) ;;
*)
  log "RELANCE_BIND=$BIND: the Temporal server, its UI, the SES emulator and the web app listen beyond this machine"
  WEB_FLAGS=(-insecure-cookies) # plain HTTP on an address other than localhost
  ;;
esac

stop_pid() {
  local f="$RUN_DIR/$1.pid"
  if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
    kill -- "-$(cat "$f")" 2>/dev/null || kill "$(cat "$f")" 2>/dev/null || true
    echo "stopped $1"
  fi
  rm -f "$f"
}

if [ "${1:-}" = "stop" ]; then
  stop_pid web; stop_pid worker; stop_pid temporal; stop_pid ses-emulator
  exit 0
fi

# start_bg NAME COMMAND...: run in its own process group, log to .run/NAME.log
start_bg() {
  local name=$1; shift
  setsid "$@" >"$RUN_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

ensure_tools
ensure_postgres
ensure_npm
ensure_temporal_cli
ensure_chromium

export TEMPORAL_ADDRESS="$CONNECT_HOST:$TEMPORAL_PORT"
export SES_ENDPOINT="http://$CONNECT_HOST:$SES_PORT"
export AWS_REGION="${AWS_REGION:-eu-west-3}"
if psql -h 127.0.0.1 -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  export DATABASE_URL="${DATABASE_URL:-postgres://127.0.0.1:5432/$DB_NAME?sslmode=disable}"
else
  export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB_NAME?sslmode=disable}"
fi

log "building worker and starter"
go build -o "$RUN_DIR/bin/worker" ./worker
go build -o "$RUN_DIR/bin/starter" ./starter
go build -o "$RUN_DIR/bin/server" ./server
go build -o "$RUN_DIR/bin/relance-dev" ./devtools/relance-dev
STARTER="$RUN_DIR/bin/starter"

if ! "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  log "starting the Temporal dev server (gRPC $TEMPORAL_PORT, UI http://localhost:$UI_PORT)"
  # shellcheck disable=SC2046
  start_bg temporal "$TEMPORAL_BIN" server start-dev --ip "$BIND" --port "$TEMPORAL_PORT" --ui-port "$UI_PORT" \
    --db-filename "$RUN_DIR/temporal.db" --log-level warn $("$STARTER" search-attributes --flags)
  for _ in $(seq 1 60); do
    "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 && break
    sleep 1
  done
fi
"$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null || { tail -20 "$RUN_DIR/temporal.log"; exit 1; }

SES_PORT="$SES_PORT" SES_HOST="$BIND" bash "$ROOT/scripts/ses-emulator.sh"

if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  log "creating database $DB_NAME"
  psql_admin "CREATE DATABASE $DB_NAME"
fi

log "applying the schema and loading the demo company (one ladder day = ${DAY_SECONDS}s)"
"$STARTER" migrate
"$STARTER" demo --day-seconds "$DAY_SECONDS"

stop_pid worker >/dev/null
log "starting the worker (log: .run/worker.log)"
METRICS_ADDR="${WORKER_METRICS_ADDR:-127.0.0.1:9464}" start_bg worker "$RUN_DIR/bin/worker"  # /metrics and /readyz

if ! "$STARTER" users list | awk 'NR > 1 {print $1}' | grep -qx "$DEMO_ADMIN"; then
  log "creating the demo admin $DEMO_ADMIN (web app sign-in)"
  RELANCE_PASSWORD="$DEMO_PASSWORD" "$STARTER" users add --name "$DEMO_ADMIN" --role admin --company DEMO
fi
stop_pid web >/dev/null
log "web app and API on http://localhost:$WEB_PORT: sign in as $DEMO_ADMIN / $DEMO_PASSWORD (log: .run/web.log)"
TEMPORAL_UI_URL="http://localhost:$UI_PORT" start_bg web "$RUN_DIR/bin/server" -addr "$BIND:$WEB_PORT" "${WEB_FLAGS[@]}"

log "scanning overdue invoices"
"$STARTER" scan
"$STARTER" schedule --company DEMO --at 07:00

RELANCE_BIND="$BIND" bash "$ROOT/scripts/check-listen.sh" || true

log "letters going out (SES emulator $SES_ENDPOINT/store), for ${WATCH_SECONDS}s; Ctrl-C stops watching, services keep running"
"$RUN_DIR/bin/relance-dev" outbox --endpoint "$SES_ENDPOINT" --follow --for "${WATCH_SECONDS}s" || true

cat <<MSG

relance is running:
  web app         http://localhost:$WEB_PORT  (sign in: $DEMO_ADMIN / $DEMO_PASSWORD; first screen: Relances of DEMO)
  Temporal UI     http://localhost:$UI_PORT  (filter: DunningLevel = "R2" AND ExecutionStatus = "Running")
  SES emulator    $SES_ENDPOINT  (sent mail: $SES_ENDPOINT/store)
  worker log      .run/worker.log  (probes: http://127.0.0.1:9464/readyz, /metrics; web app: /readyz, /metrics)
  operator CLI    $STARTER status --company DEMO --invoice FA0168   (env: TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS DATABASE_URL=$DATABASE_URL)
  stop            make stop
MSG
