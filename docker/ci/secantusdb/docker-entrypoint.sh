#!/bin/bash
# Entrypoint of the CI-only MongoDB stand-in (SecantusDB), after the official mongo image's:
# - MONGO_INITDB_ROOT_USERNAME + MONGO_INITDB_ROOT_PASSWORD (or their _FILE forms) on an EMPTY /data/db: start once
#   without auth on localhost only, create the root user (SCRAM-SHA-1 and -256), stop the server
#   and wait until it has exited (WiredTiger locks the directory), then start for real.
# - A username set: always --auth. No username: no authentication.
# - The server is exec'd: it is PID 1 and stops cleanly on SIGTERM (it handles it).
# Extra arguments are passed to secantusd-py.
set -euo pipefail
DATA=${MONGO_DATA_DIR:-/data/db}
BIN=/opt/secantus/bin/secantusd-py
PY=/opt/secantus/bin/python
say() { echo "[entrypoint] $*" >&2; }

# NAME or NAME_FILE (the path of a file holding it: Docker and Kubernetes secrets), as the
# official image reads them; both set is an error.
from_env_or_file() { # NAME
  local var=$1 file_var="$1_FILE"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    say "error: both $var and $file_var are set (set one of them)"; exit 1
  fi
  if [ -n "${!file_var:-}" ]; then
    [ -r "${!file_var}" ] || { say "error: $file_var: cannot read ${!file_var}"; exit 1; }
    cat "${!file_var}"
  else
    printf '%s' "${!var:-}"
  fi
}
user=$(from_env_or_file MONGO_INITDB_ROOT_USERNAME)
pass=$(from_env_or_file MONGO_INITDB_ROOT_PASSWORD)
if [ -n "$user" ] && [ -z "$pass" ]; then
  say "error: MONGO_INITDB_ROOT_USERNAME is set but MONGO_INITDB_ROOT_PASSWORD is not (set both, or neither)"
  exit 1
fi
if [ -z "$user" ] && [ -n "$pass" ]; then
  say "error: MONGO_INITDB_ROOT_PASSWORD is set but MONGO_INITDB_ROOT_USERNAME is not (set both, or neither)"
  exit 1
fi
mkdir -p "$DATA"

if [ -n "$user" ] && [ -z "$(ls -A "$DATA")" ]; then
  say "empty $DATA: creating the root user '$user'"
  "$BIN" --host 127.0.0.1 --port 27018 --storage-path "$DATA" --standalone --log-level WARNING &
  pid=$!
  MONGO_INIT_USER=$user MONGO_INIT_PASS=$pass "$PY" - <<'PY'
import os, sys, time
from pymongo import MongoClient
from pymongo.errors import PyMongoError
deadline = time.monotonic() + 60
while True:
    try:
        c = MongoClient("127.0.0.1", 27018, directConnection=True, serverSelectionTimeoutMS=2000)
        c.admin.command("ping")
        break
    except PyMongoError as e:
        if time.monotonic() > deadline:
            sys.exit(f"[entrypoint] init server did not answer: {e}")
        time.sleep(0.2)
c.admin.command("createUser", os.environ["MONGO_INIT_USER"], pwd=os.environ["MONGO_INIT_PASS"],
                roles=[{"role": "root", "db": "admin"}], mechanisms=["SCRAM-SHA-1", "SCRAM-SHA-256"])
PY
  kill -TERM "$pid"
  wait "$pid" || true          # returns only when the process has exited: the directory is free
  say "root user created"
fi

args=(--host 0.0.0.0 --port 27017 --storage-path "$DATA" --standalone)
[ -n "$user" ] && args+=(--auth)
say "starting secantusd-py ${args[*]} $*"
exec "$BIN" "${args[@]}" "$@"
