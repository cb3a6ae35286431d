# Shared by dev.sh and test.sh: install what the project needs and start
# the local services. Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${RELANCE_RUN_DIR:-$ROOT/.run}"
mkdir -p "$RUN_DIR/bin"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# need_apt installs Debian packages whose command is missing.
# usage: need_apt COMMAND PACKAGE...
need_apt() {
  local cmd=$1; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  log "installing $* (for $cmd)"
  if [ ! -f "$RUN_DIR/.apt-updated" ]; then
    apt-get update -qq && touch "$RUN_DIR/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
  command -v go >/dev/null || { echo "Go is required (https://go.dev/dl)"; exit 1; }
  need_apt pdftotext poppler-utils
  need_apt unzip unzip
  need_apt pg_isready postgresql-client
  need_apt curl curl
  need_apt zbarimg zbar-tools
  if ! command -v npm >/dev/null 2>&1; then
    need_apt npm nodejs npm
  fi
}

# ensure_chromium installs Debian's chromium for the browser tests (web/)
# and exports RELANCE_CHROMIUM, its path.
ensure_chromium() {
  need_apt chromium chromium
  RELANCE_CHROMIUM="$(command -v chromium)"
  export RELANCE_CHROMIUM
}

# ensure_postgres starts the local PostgreSQL if it does not answer.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432; then return 0; fi
  if [ -d /etc/postgresql ]; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  else
    need_apt pg_ctlcluster postgresql
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  echo "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1
}

# psql_admin runs SQL as a superuser on the postgres database.
psql_admin() {
  if psql -h 127.0.0.1 -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"
  else
    psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"
  fi
}

# ensure_temporal_cli builds the pinned Temporal CLI (tools/go.mod) once per
# machine: the binary is kept in the user's cache under the hash of
# tools/go.mod and tools/go.sum, so a fresh clone links to it instead of
# building it again, and a change of version builds the new one.
ensure_temporal_cli() {
  TEMPORAL_BIN="$RUN_DIR/bin/temporal"
  local cache="${RELANCE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relance}"
  local key
  key="$(cat "$ROOT/tools/go.mod" "$ROOT/tools/go.sum" | sha256sum | cut -c1-16)"
  local built="$cache/temporal-$key"
  if [ ! -x "$built" ]; then
    log "building the Temporal CLI dev server from tools/go.mod (first time: a few minutes)"
    mkdir -p "$cache"
    (cd "$ROOT" && go build -modfile=tools/go.mod -o "$built.tmp.$$" github.com/temporalio/cli/cmd/temporal)
    mv -f "$built.tmp.$$" "$built"
  fi
  ln -sfn "$built" "$TEMPORAL_BIN"
  export RELANCE_TEMPORAL_BIN="$TEMPORAL_BIN"
}

# ensure_npm installs the SES emulator from package-lock.json.
ensure_npm() {
  if [ ! -x "$ROOT/node_modules/.bin/aws-ses-v2-local" ]; then
    log "installing the SES emulator (npm aws-ses-v2-local)"
    (cd "$ROOT" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  fi
}

# ensure_chromium installs Debian's chromium for the browser tests (web/)
# and exports RELANCE_CHROMIUM; no browser is downloaded by the tests.
ensure_chromium() {
  need_apt chromium chromium
  RELANCE_CHROMIUM="$(command -v chromium)"
  export RELANCE_CHROMIUM
}
