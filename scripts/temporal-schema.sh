#!/bin/sh
# Creates the Temporal server's two PostgreSQL databases if missing and
# brings their schemas to the version the server needs, with
# temporal-sql-tool (go.temporal.io/server's cmd/tools/sql, its schemas
# embedded). Safe on every start: create and setup do nothing when done,
# update applies only the missing versions. Used by `make cluster`
# (scripts/cluster.sh) and by docker-compose.yml's temporal-schema service.
#
# Environment: SQL_TOOL (temporal-sql-tool), TEMPORAL_DB_HOST,
# TEMPORAL_DB_PORT, TEMPORAL_DB_USER, TEMPORAL_DB_PASSWORD, TEMPORAL_DB,
# TEMPORAL_VISIBILITY_DB (defaults as in deploy/temporal/config/relance.yaml).
set -eu
tool="${SQL_TOOL:-temporal-sql-tool}"
export SQL_PASSWORD="${TEMPORAL_DB_PASSWORD:-temporal}"
set -- --plugin postgres12 --ep "${TEMPORAL_DB_HOST:-127.0.0.1}" -p "${TEMPORAL_DB_PORT:-5432}" -u "${TEMPORAL_DB_USER:-temporal}"
main="${TEMPORAL_DB:-temporal}"
vis="${TEMPORAL_VISIBILITY_DB:-temporal_visibility}"

quiet() { # runs the tool, prints its output only when it fails
  out="$("$tool" "$@" 2>&1)" || { echo "$out" >&2; return 1; }
}
for pair in "$main:temporal" "$vis:visibility"; do
  db="${pair%%:*}"; schema="${pair##*:}"
  quiet "$@" --db "$db" create-database
  quiet "$@" --db "$db" setup-schema -v 0.0
  quiet "$@" --db "$db" update-schema --schema-name "postgresql/v12/$schema"
  echo "database $db: schema postgresql/v12/$schema up to date"
done
