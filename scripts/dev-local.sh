#!/usr/bin/env bash
# The whole stack on this machine, without Docker, for working on the frontend:
#   MongoDB test server (SecantusDB, test-support's mongo-test-server)  127.0.0.1:27117
#   swapi-standin (offline SWAPI)                                    http://localhost:$SWAPI_PORT   (8000)
#   backend (goals API)                                              http://localhost:$BACKEND_PORT (8081)
#   favorites                                                        http://localhost:$FAVORITES_PORT (3001)
#   frontend                                                         http://localhost:$FRONTEND_PORT (3000)
# Builds what is needed first (debug), runs everything in the foreground; Ctrl-C stops it all.
# Logs: $DEV_DIR/*.log (/tmp/goals-dev-local). The goals go to database "dev-local".
# LIVE_RELOAD=1 is passed on to the frontend (open pages reload when it is restarted); for
# rebuild-on-save use the development stack (docker-compose.dev.yml, README).
#
#   scripts/dev-local.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SWAPI_PORT=${SWAPI_PORT:-8000}
BACKEND_PORT=${BACKEND_PORT:-8081}
FAVORITES_PORT=${FAVORITES_PORT:-3001}
FRONTEND_PORT=${FRONTEND_PORT:-3000}
DEV_DIR=${DEV_DIR:-/tmp/goals-dev-local}
BIN=$ROOT/target/debug
say() { echo "[dev-local] $*" >&2; }

for port in "$SWAPI_PORT" "$BACKEND_PORT" "$FAVORITES_PORT" "$FRONTEND_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    say "port $port is taken: stop what uses it or set SWAPI_PORT/BACKEND_PORT/FAVORITES_PORT/FRONTEND_PORT"; exit 1
  fi
done

cargo run -q -p test-support --bin mongo-test-server -- start
while IFS='=' read -r key value; do
  case $key in MONGO_TEST_*) printf -v "$key" '%s' "$value" ;; esac
done < <(cargo run -q -p test-support --bin mongo-test-server -- env)

say "building (debug)"
cargo build -p backend -p favorites --bins
bash scripts/build-frontend.sh

mkdir -p "$DEV_DIR/logs"
PIDS=()
# shellcheck disable=SC2317  # reached through the trap below, which shellcheck does not follow
stop() {
  local rc=$?
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit "$rc"
}
trap stop INT TERM EXIT

start() { # name env... -- binary
  local name=$1; shift
  env "$@" >"$DEV_DIR/$name.log" 2>&1 &
  PIDS+=($!)
}
ready() { # name port path
  for _ in $(seq 1 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2$3" 2>/dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  say "$1 did not become ready; its log:"; tail -20 "$DEV_DIR/$1.log" >&2; exit 1
}
MONGO=(MONGODB_HOST="$MONGO_TEST_HOST" MONGODB_PORT="$MONGO_TEST_PORT"
       MONGODB_USERNAME="$MONGO_TEST_USERNAME" MONGODB_PASSWORD="$MONGO_TEST_PASSWORD")

start swapi-standin PORT="$SWAPI_PORT" "$BIN/swapi-standin"
start backend "${MONGO[@]}" MONGODB_DATABASE=dev-local LOG_DIR="$DEV_DIR/logs" PORT="$BACKEND_PORT" "$BIN/backend"
start favorites "${MONGO[@]}" SWAPI_BASE_URL="http://127.0.0.1:$SWAPI_PORT/api" PORT="$FAVORITES_PORT" "$BIN/favorites"
start frontend PORT="$FRONTEND_PORT" LIVE_RELOAD="${LIVE_RELOAD:-}" \
  BACKEND_INTERNAL_URL="http://127.0.0.1:$BACKEND_PORT" BACKEND_PUBLIC_URL="http://localhost:$BACKEND_PORT" \
  FAVORITES_INTERNAL_URL="http://127.0.0.1:$FAVORITES_PORT" FAVORITES_PUBLIC_URL="http://localhost:$FAVORITES_PORT" \
  "$BIN/frontend"
ready swapi-standin "$SWAPI_PORT" /healthz
ready backend "$BACKEND_PORT" /readyz
ready favorites "$FAVORITES_PORT" /readyz
ready frontend "$FRONTEND_PORT" /readyz

say "ready: open http://localhost:$FRONTEND_PORT  (goals API :$BACKEND_PORT, favorites :$FAVORITES_PORT, SWAPI stand-in :$SWAPI_PORT)"
say "logs in $DEV_DIR; Ctrl-C stops everything"
wait -n "${PIDS[@]}" || true
say "a service exited; see the logs in $DEV_DIR"
exit 1
