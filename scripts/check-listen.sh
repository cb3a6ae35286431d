#!/usr/bin/env bash
# Checks that what `make dev` started listens only where it should: every
# TCP socket listening in the process groups of .run/*.pid (the Temporal
# dev server, its UI, the SES emulator, the worker, the web app), and
# whatever listens on the ports make dev uses (PostgreSQL included), must
# be bound to 127.0.0.1 or ::1, or to RELANCE_BIND when it was set on
# purpose. Prints each socket and fails (exit 1) on one bound elsewhere.
#
#   bash scripts/check-listen.sh        after make dev
#
# Environment: RELANCE_BIND, TEMPORAL_PORT, UI_PORT, SES_PORT, WEB_PORT
# (as for make dev), RELANCE_RUN_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${RELANCE_RUN_DIR:-$ROOT/.run}"
BIND="${RELANCE_BIND:-127.0.0.1}"
PORTS=" ${TEMPORAL_PORT:-7233} ${UI_PORT:-8233} ${SES_PORT:-8005} ${WEB_PORT:-8080} 5432 "

command -v ss >/dev/null 2>&1 || { echo "check-listen: ss (iproute2) is required" >&2; exit 2; }

# The sessions started by make dev (start_bg and ses-emulator.sh use
# setsid: a service's session id is the pid in its pid file).
sessions=" "
for f in "$RUN_DIR"/*.pid; do
	[ -f "$f" ] || continue
	pid="$(cat "$f" 2>/dev/null || true)"
	[[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && sessions+="$pid "
done
ours=" "
while read -r pid sid; do
	[[ "$sessions" == *" $sid "* || "$sessions" == *" $pid "* ]] && ours+="$pid "
done < <(ps -e -o pid=,sid=)

allowed() {
	case "$1" in
	127.0.0.1:* | "[::1]":* | "[::ffff:127.0.0.1]":*) return 0 ;;
	esac
	[ "$BIND" != 127.0.0.1 ] && [[ "$1" == "$BIND":* || "$1" == "[$BIND]":* || "$BIND" == 0.0.0.0 || "$BIND" == "::" ]]
}

bad=0 seen=0
while read -r _state _recv _send local _peer proc; do
	port="${local##*:}"
	pids="$(grep -o 'pid=[0-9]*' <<<"$proc" | cut -d= -f2 | tr '\n' ' ' || true)"
	mine=0
	for p in $pids; do [[ "$ours" == *" $p "* ]] && mine=1; done
	[[ "$PORTS" == *" $port "* ]] && mine=1
	[ "$mine" = 1 ] || continue
	seen=$((seen + 1))
	name="$(grep -o '(("[^"]*"' <<<"$proc" | head -n1 | tr -d '("' || true)"
	if allowed "$local"; then
		printf 'check-listen: ok      %-24s %s\n' "$local" "${name:-?}"
	else
		printf 'check-listen: EXPOSED %-24s %s (set RELANCE_BIND to expose on purpose)\n' "$local" "${name:-?}"
		bad=1
	fi
done < <(ss -ltnpH)

if [ "$seen" = 0 ]; then
	echo "check-listen: nothing of make dev is listening (is it running?)" >&2
	exit 1
fi
if [ "$bad" = 1 ]; then
	echo "check-listen: some services listen beyond $BIND" >&2
	exit 1
fi
echo "check-listen: $seen listening socket(s), all on ${BIND/127.0.0.1/127.0.0.1 or ::1}"
