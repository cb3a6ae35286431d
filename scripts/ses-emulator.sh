#!/usr/bin/env bash
# Runs the aws-ses-v2-local SES emulator (pinned in package.json) in the
# background for development.
#
#   scripts/ses-emulator.sh [start]   install if needed, start, wait until ready
#   scripts/ses-emulator.sh stop      stop the emulator this script started
#   scripts/ses-emulator.sh status    say whether it answers
#
# Environment: SES_PORT (default 8005), SES_HOST (default RELANCE_BIND, else
# 127.0.0.1: only this machine reaches it; docs/security.md),
# RELANCE_RUN_DIR (default .run, relative to the repository root) for the
# log file ses-emulator.log and the pid file ses-emulator.pid.
# Point the programs at it with SES_ENDPOINT=http://127.0.0.1:8005;
# GET /store shows what was sent, POST /clear-store empties it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${SES_PORT:-8005}"
HOST="${SES_HOST:-${RELANCE_BIND:-127.0.0.1}}"
RUN_DIR="${RELANCE_RUN_DIR:-.run}"
case "$RUN_DIR" in
/*) ;;
*) RUN_DIR="$ROOT/$RUN_DIR" ;;
esac
LOG="$RUN_DIR/ses-emulator.log"
PIDFILE="$RUN_DIR/ses-emulator.pid"
BIN="$ROOT/node_modules/.bin/aws-ses-v2-local"
URL="http://$HOST:$PORT"
WAIT_SECONDS=30

log() { printf 'ses-emulator: %s\n' "$*" >&2; }

# answers: true when something at $URL answers GET /store with HTTP 200.
answers() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsS -o /dev/null --max-time 2 "$URL/store" 2>/dev/null
	else
		node -e '
			const req = require("http").get(process.argv[1] + "/store", { timeout: 2000 }, (res) => {
				res.resume();
				process.exit(res.statusCode === 200 ? 0 : 1);
			});
			req.on("timeout", () => req.destroy());
			req.on("error", () => process.exit(1));
		' "$URL" 2>/dev/null
	fi
}

# our_pid: prints the pid from the pid file if that process is still alive.
our_pid() {
	local pid
	[[ -f "$PIDFILE" ]] || return 1
	pid="$(cat "$PIDFILE" 2>/dev/null || true)"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	printf '%s\n' "$pid"
}

install() {
	if [[ -x "$BIN" ]]; then
		return 0
	fi
	command -v npm >/dev/null 2>&1 || {
		log "npm is not installed: install Node.js (with npm) first"
		exit 1
	}
	log "installing aws-ses-v2-local into $ROOT/node_modules"
	if [[ -f package-lock.json ]]; then
		npm ci --no-audit --no-fund >&2
	else
		npm install --no-audit --no-fund >&2
	fi
	[[ -x "$BIN" ]] || {
		log "npm did not install $BIN"
		exit 1
	}
}

wait_ready() {
	local pid="$1" deadline=$((SECONDS + WAIT_SECONDS))
	until answers; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "the emulator exited; last lines of $LOG:"
			tail -n 20 "$LOG" >&2 || true
			rm -f "$PIDFILE"
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			log "no answer at $URL/store after ${WAIT_SECONDS}s; last lines of $LOG:"
			tail -n 20 "$LOG" >&2 || true
			exit 1
		fi
		sleep 0.2
	done
}

start() {
	if answers; then
		log "already answering at $URL"
		return 0
	fi
	local pid
	if pid="$(our_pid)"; then
		log "process $pid from $PIDFILE is starting; waiting for it"
		wait_ready "$pid"
		log "ready at $URL (pid $pid)"
		return 0
	fi
	install
	mkdir -p "$RUN_DIR"
	log "starting on $URL (log $LOG)"
	# setsid gives it its own session, so it survives the shell that started it.
	if command -v setsid >/dev/null 2>&1; then
		nohup setsid "$BIN" --host "$HOST" --port "$PORT" >>"$LOG" 2>&1 </dev/null &
	else
		nohup "$BIN" --host "$HOST" --port "$PORT" >>"$LOG" 2>&1 </dev/null &
	fi
	pid=$!
	printf '%s\n' "$pid" >"$PIDFILE"
	wait_ready "$pid"
	log "ready at $URL (pid $pid)"
}

stop() {
	local pid
	if ! pid="$(our_pid)"; then
		rm -f "$PIDFILE"
		if answers; then
			log "something answers at $URL but was not started by this script; leaving it"
		else
			log "not running"
		fi
		return 0
	fi
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
	log "stopped (pid $pid)"
}

status() {
	if answers; then
		log "answering at $URL"
	else
		log "not answering at $URL"
		return 1
	fi
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
	log "usage: $0 [start|stop|status]"
	exit 2
	;;
esac
