#!/usr/bin/env bash
# make cluster: a real Temporal server on the local PostgreSQL, without
# Docker. Builds go.temporal.io/server's cmd/server and cmd/tools/sql at the
# version pinned in tools/go.mod, creates the temporal and
# temporal_visibility databases and brings their schemas up to date, starts
# the server (frontend, history, matching and worker services) with
# deploy/temporal/config/relance.yaml in the background, creates the
# namespace and registers relance's search attributes. The worker, the
# starter and the web server then connect to TEMPORAL_ADDRESS unchanged.
#
#   scripts/cluster.sh [start]   build, set up, start (idempotent)
#   scripts/cluster.sh stop      stop the server processes
#   scripts/cluster.sh status    the cluster's health and processes
#
# Environment (defaults): TEMPORAL_PORT (7233, the frontend; the other
# ports follow it; below 32000: membership ports are stored as smallint), TEMPORAL_DB (temporal), TEMPORAL_VISIBILITY_DB
# (temporal_visibility), TEMPORAL_DB_USER (temporal), TEMPORAL_HISTORY_SHARDS
# (16, fixed at creation), TEMPORAL_NAMESPACE (default), CLUSTER_SPLIT=1
# (each service in its own process: the shape of a real cluster),
# CLUSTER_DIR (.run/cluster: logs and pids).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

CLUSTER_DIR="${CLUSTER_DIR:-$RUN_DIR/cluster}"
mkdir -p "$CLUSTER_DIR"
export TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
export TEMPORAL_DB="${TEMPORAL_DB:-temporal}"
export TEMPORAL_VISIBILITY_DB="${TEMPORAL_VISIBILITY_DB:-${TEMPORAL_DB}_visibility}"
export TEMPORAL_DB_USER="${TEMPORAL_DB_USER:-temporal}"
export TEMPORAL_DB_PASSWORD="${TEMPORAL_DB_PASSWORD:-temporal}"
export TEMPORAL_DB_HOST="${TEMPORAL_DB_HOST:-127.0.0.1}"
export TEMPORAL_DB_PORT="${TEMPORAL_DB_PORT:-5432}"
export TEMPORAL_BIND_IP="${TEMPORAL_BIND_IP:-127.0.0.1}"
export TEMPORAL_DYNAMIC_CONFIG="${TEMPORAL_DYNAMIC_CONFIG:-$ROOT/deploy/temporal/dynamicconfig.yaml}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ADDRESS="$TEMPORAL_BIND_IP:$TEMPORAL_PORT"
SERVER_BIN="$RUN_DIR/bin/temporal-server"
SQL_BIN="$RUN_DIR/bin/temporal-sql-tool"
SERVICES=(history matching frontend worker)

stop_cluster() {
  local f pid
  for f in "$CLUSTER_DIR"/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 -- "-$pid" 2>/dev/null || true
      echo "stopped $(basename "$f" .pid)"
    fi
    rm -f "$f"
  done
}

healthy() { "$TEMPORAL_BIN" operator cluster health --address "$ADDRESS" >/dev/null 2>&1; }

case "${1:-start}" in
  stop) stop_cluster; exit 0 ;;
  status)
    ensure_temporal_cli
    for f in "$CLUSTER_DIR"/*.pid; do
      [ -e "$f" ] && echo "$(basename "$f" .pid): pid $(cat "$f")"
    done
    healthy && echo "cluster at $ADDRESS: SERVING" || { echo "cluster at $ADDRESS: not answering"; exit 1; }
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]"; exit 2 ;;
esac

ensure_tools
ensure_postgres
ensure_temporal_cli

if [ ! -x "$SERVER_BIN" ] || [ "$ROOT/tools/go.sum" -nt "$SERVER_BIN" ]; then
  log "building the Temporal server and temporal-sql-tool from tools/go.mod (first time: a few minutes)"
  go build -modfile=tools/go.mod -o "$SERVER_BIN" go.temporal.io/server/cmd/server
  go build -modfile=tools/go.mod -o "$SQL_BIN" go.temporal.io/server/cmd/tools/sql
fi
go build -o "$RUN_DIR/bin/starter" ./starter

log "PostgreSQL role $TEMPORAL_DB_USER, databases $TEMPORAL_DB and $TEMPORAL_VISIBILITY_DB"
psql_admin "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TEMPORAL_DB_USER') THEN
    CREATE ROLE $TEMPORAL_DB_USER LOGIN CREATEDB PASSWORD '$TEMPORAL_DB_PASSWORD';
  END IF; END \$\$" >/dev/null
SQL_TOOL="$SQL_BIN" sh scripts/temporal-schema.sh

# start_bg NAME COMMAND...: own process group, log in CLUSTER_DIR/NAME.log
start_bg() {
  local name=$1; shift
  setsid "$@" >>"$CLUSTER_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$CLUSTER_DIR/$name.pid"
}

if healthy; then
  log "a Temporal server already answers on $ADDRESS"
else
  stop_cluster >/dev/null
  if [ "${CLUSTER_SPLIT:-0}" = 1 ]; then
    log "starting ${SERVICES[*]} as four processes (logs: $CLUSTER_DIR/<service>.log)"
    i=0
    for svc in "${SERVICES[@]}"; do
      TEMPORAL_METRICS_PORT=$((TEMPORAL_PORT + 767 + i)) start_bg "$svc" "$SERVER_BIN" --root "$ROOT" \
        --config deploy/temporal/config --env relance --allow-no-auth start --service "$svc"
      i=$((i + 1))
    done
  else
    log "starting the Temporal server on $ADDRESS (log: $CLUSTER_DIR/temporal.log)"
    start_bg temporal "$SERVER_BIN" --root "$ROOT" --config deploy/temporal/config --env relance --allow-no-auth start
  fi
  for _ in $(seq 1 120); do
    healthy && break
    for f in "$CLUSTER_DIR"/*.pid; do kill -0 "$(cat "$f")" 2>/dev/null || break 2; done
    sleep 1
  done
  healthy || { tail -n 30 "$CLUSTER_DIR"/*.log; echo "the Temporal server did not come up on $ADDRESS"; exit 1; }
fi

if ! "$TEMPORAL_BIN" operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  log "creating namespace $NAMESPACE (retention 30 days after a dunning closes)"
  "$TEMPORAL_BIN" operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention 720h >/dev/null
fi
# relance's search attributes (`starter search-attributes`), those missing;
# the namespace reaches every service's cache within seconds: retry.
for i in $(seq 1 60); do
  if have="$("$TEMPORAL_BIN" operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>&1)"; then break; fi
  [ "$i" = 60 ] && { echo "$have"; exit 1; }
  sleep 1
done
added=0
while read -r name type; do
  grep -qw "$name" <<<"$have" && continue
  "$TEMPORAL_BIN" operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$name" --type "$type" >/dev/null
  added=$((added + 1))
done < <("$RUN_DIR/bin/starter" search-attributes)
echo "search attributes: $added registered now"
if [ "$added" -gt 0 ]; then
  # The frontend validates a start against its namespace cache, refreshed
  # every 10 s (namespace registry): a start before then is refused with
  # "no mapping defined for search attribute".
  sleep 12
fi

cat <<MSG
Temporal server (go.temporal.io/server, PostgreSQL $TEMPORAL_DB_HOST:$TEMPORAL_DB_PORT/$TEMPORAL_DB) is running:
  address      TEMPORAL_ADDRESS=$ADDRESS TEMPORAL_NAMESPACE=$NAMESPACE
  metrics      http://$TEMPORAL_BIND_IP:$((TEMPORAL_PORT + 767))/metrics (split: one port per service from there)
  logs         $CLUSTER_DIR/
  stop         make cluster-stop
MSG
