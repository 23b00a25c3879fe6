#!/usr/bin/env bash
# The MongoDB-compatible server the tests use: SecantusDB (PyPI), a real wire-protocol
# server, with authentication ON and a root user. Idempotent: already running -> reused.
#
#   scripts/mongo-test-server.sh start    install if needed, start (or reuse), print where
#   scripts/mongo-test-server.sh stop     stop the shared instance
#   scripts/mongo-test-server.sh status   exit 0 when it answers
#   scripts/mongo-test-server.sh env      print the state file (host, port, user, password)
#   scripts/mongo-test-server.sh version  print the SecantusDB version the project pins (the one
#                                         place it is written; the CI image is built with it)
#   scripts/mongo-test-server.sh serve DIR PORT [--no-auth]
#                                         run a server in the foreground on DIR (a copy of the
#                                         template data: the root user) and 127.0.0.1:PORT; the
#                                         tests' own instances are started this way
#
# Where things go (override by env):
#   GOALS_CACHE      ~/.cache/goals-stack      venv + an authenticated template data dir (kept)
#   MONGO_TEST_DIR   /tmp/goals-stack-mongo    the running instance: data, log, pid, env file
#   MONGO_TEST_PORT  27117
# The root password is generated once per template (random, with @ : / % in it, so every
# test also proves such passwords work) and kept only in $GOALS_CACHE and the env file.
set -euo pipefail
SECANTUS_VERSION=0.7.0b3
CACHE=${GOALS_CACHE:-$HOME/.cache/goals-stack}
VENV=$CACHE/secantus-venv
TEMPLATE=$CACHE/secantus-template
STATE=${MONGO_TEST_DIR:-/tmp/goals-stack-mongo}
PORT=${MONGO_TEST_PORT:-27117}
HOST=127.0.0.1
BIN=$VENV/bin/secantusd-py
PY=$VENV/bin/python

say() { echo "[mongo-test] $*" >&2; }
die() { echo "[mongo-test] error: $*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { # host port seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do port_open "$1" "$2" && return 0; sleep 0.1; done
  return 1
}
wait_exit() { # pid
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

install() {
  if [ -x "$BIN" ] && "$PY" -c "import importlib.metadata as m; assert m.version('SecantusDB') == '$SECANTUS_VERSION'" 2>/dev/null; then
    return
  fi
  say "installing SecantusDB $SECANTUS_VERSION into $VENV (once; ~15 s)"
  mkdir -p "$CACHE"
  rm -rf "$VENV"
  python3 -m venv "$VENV" 2>/dev/null || {
    say "python3 -m venv failed: installing python3-venv"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
  }
  "$VENV/bin/pip" install -q --disable-pip-version-check "SecantusDB==$SECANTUS_VERSION" || die "pip install SecantusDB failed"
}

# A data dir that already has the root user, made once: start without --auth, createUser, stop.
make_template() {
  if [ -f "$TEMPLATE/credentials" ] && [ -d "$TEMPLATE/data" ]; then return; fi
  say "creating the template data dir with a root user (once; ~5 s)"
  rm -rf "$TEMPLATE"; mkdir -p "$TEMPLATE/data"
  local password port pid
  password="t@st:/%$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  serve "$TEMPLATE/data" "$port" --no-auth >"$TEMPLATE/init.log" 2>&1 9>&- &
  pid=$!
  wait_port "$HOST" "$port" 30 || { cat "$TEMPLATE/init.log" >&2; die "template server did not start"; }
  ROOT_PASSWORD="$password" "$PY" - "$HOST" "$port" <<'PY'
import os, sys
from pymongo import MongoClient
c = MongoClient(sys.argv[1], int(sys.argv[2]), directConnection=True, serverSelectionTimeoutMS=10000)
c.admin.command("createUser", "root", pwd=os.environ["ROOT_PASSWORD"],
                roles=[{"role": "root", "db": "admin"}], mechanisms=["SCRAM-SHA-1", "SCRAM-SHA-256"])
PY
  kill "$pid"; wait_exit "$pid"
  ( umask 077; printf '%s' "$password" > "$TEMPLATE/credentials" )
}

# The one definition of how a server runs: bound to loopback, standalone (drivers must not
# follow a replica-set address), authentication on unless --no-auth. Replaces this shell.
serve() { # DIR PORT [--no-auth]
  local auth=(--auth)
  [ "${3:-}" = --no-auth ] && auth=()
  exec "$BIN" --host "$HOST" --port "$2" --storage-path "$1" --standalone "${auth[@]}" --log-level WARNING
}

write_env() {
  ( umask 077
    { echo "MONGO_TEST_HOST=$HOST"; echo "MONGO_TEST_PORT=$PORT"; echo "MONGO_TEST_USERNAME=root"
      echo "MONGO_TEST_PASSWORD=$(cat "$TEMPLATE/credentials")"
      echo "MONGO_TEST_TEMPLATE=$TEMPLATE/data"; } > "$STATE/env.tmp"
    mv "$STATE/env.tmp" "$STATE/env" )
}

running() { [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null && port_open "$HOST" "$PORT"; }

start() {
  mkdir -p "$STATE"
  exec 9>"$STATE.lock"; flock 9
  if running; then say "reusing the server on $HOST:$PORT (pid $(cat "$STATE/pid"))"; write_env; return; fi
  install
  make_template
  if port_open "$HOST" "$PORT"; then die "port $PORT is taken by another program: set MONGO_TEST_PORT"; fi
  rm -rf "$STATE/data"; cp -a "$TEMPLATE/data" "$STATE/data"
  local t0=$SECONDS
  (serve "$STATE/data" "$PORT" </dev/null >"$STATE/server.log" 2>&1 9>&- &
   echo $! > "$STATE/pid")
  wait_port "$HOST" "$PORT" 30 || { tail -20 "$STATE/server.log" >&2; die "server did not open port $PORT"; }
  write_env
  say "started SecantusDB on $HOST:$PORT with --auth (pid $(cat "$STATE/pid"), $((SECONDS - t0)) s); state in $STATE/env"
}

stop() {
  if [ -f "$STATE/pid" ]; then
    local pid; pid=$(cat "$STATE/pid")
    kill "$pid" 2>/dev/null && wait_exit "$pid" && say "stopped pid $pid"
    rm -f "$STATE/pid"
  else
    say "not running"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) running && { say "running on $HOST:$PORT"; exit 0; } || { say "not running"; exit 1; } ;;
  env) cat "$STATE/env" ;;
  install) install; make_template ;;
  version) echo "$SECANTUS_VERSION" ;;
  serve) [ $# -ge 3 ] || { echo "usage: $0 serve DIR PORT [--no-auth]" >&2; exit 2; }
         install >&2; serve "$2" "$3" "${4:-}" ;;
  *) echo "usage: $0 [start|stop|status|env|install|version|serve DIR PORT [--no-auth]]" >&2; exit 2 ;;
esac
