#!/usr/bin/env bash
# End-to-end test of the hot-reload development stack (docker-compose.dev.yml):
#   1. copy the sources to a temporary directory (never the checkout itself)
#   2. bring backend + favorites up under cargo-watch (project name $DEV_PROJECT, default
#      goals-dev-e2e)
#   3. change a handler's response text in the bind-mounted copy, poll until the new text is
#      served, and report the seconds from the save to the changed response; restore, again
#   4. bring the frontend up under cargo-watch (scripts/build-frontend.sh: server + wasm, then
#      the server, with LIVE_RELOAD=1); change a visible text of a page, poll until the
#      server-rendered HTML has it (save -> served seconds) and the live-reload boot id has
#      changed; restore, again (DEV_FRONTEND=0 leaves the frontend out)
#   5. check that the host's target/ (a marker file) and every other file of the copy are untouched
# Containers, networks and the database volume are removed at the end, even on failure; the
# target/ and cargo-registry volumes are kept as build caches (remove them with
# `docker volume rm goals-dev-e2e_target goals-dev-e2e_cargo-home`, or with $DEV_PROJECT).
# Needs a Docker engine with Compose v2; uses docker/ci/compose.ci.yml for the database
# where no registry has the `mongo` image (MONGO_OVERRIDE=none to use the official one).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROJECT=${DEV_PROJECT:-goals-dev-e2e}
FRONTEND=${DEV_FRONTEND:-1}
FE_LIMIT=${DEV_FRONTEND_LIMIT:-600}   # seconds a frontend rebuild may take before the test fails
PASS=0; FAIL=0
t_start=$SECONDS
say() { echo "[dev-e2e $(printf '%4ds' $((SECONDS - t_start)))] $*"; }
ok() { PASS=$((PASS + 1)); say "PASS $*"; }
bad() { FAIL=$((FAIL + 1)); say "FAIL $*"; }

docker info >/dev/null 2>&1 || { echo "dev-e2e: no Docker engine answers (docker info failed): start one first" >&2; echo "dev-e2e: 0 passed, 1 failed"; exit 1; }
docker compose version >/dev/null 2>&1 || { echo "dev-e2e: Docker Compose v2 (docker compose) is missing" >&2; echo "dev-e2e: 0 passed, 1 failed"; exit 1; }

WORK=$(mktemp -d /dev/shm/goals-dev-e2e.XXXXXX 2>/dev/null || mktemp -d)
# the tracked and the new (not ignored) files, as they are in the working tree
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
  | (cd "$ROOT" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$WORK" -xf -
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export BACKEND_PORT=${BACKEND_PORT:-$(free_port)} FAVORITES_PORT=${FAVORITES_PORT:-$(free_port)} FRONTEND_PORT=$(free_port)
FILES=(-f "$WORK/docker-compose.yml" -f "$WORK/docker-compose.dev.yml")
[ "${MONGO_OVERRIDE:-ci}" = none ] || FILES+=(-f "$WORK/docker/ci/compose.ci.yml")
dc() { docker compose -p "$PROJECT" --project-directory "$WORK" "${FILES[@]}" "$@"; }

cleanup() {
  local rc=$?
  if [ "$FAIL" -gt 0 ] || [ $rc -ne 0 ]; then dc logs --no-color --tail 60 backend favorites frontend 2>/dev/null | tail -120 || true; fi
  dc down --remove-orphans >/dev/null 2>&1 || true
  docker volume rm "${PROJECT}_data" "${PROJECT}_logs" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

snapshot() { (cd "$WORK" && find . -path ./target -prune -o -type f -print0 | sort -z | xargs -0 sha256sum); }
snapshot > "$WORK.before"
# stands for the host's own build output: the containers must leave it as it is
mkdir -p "$WORK/target" && echo "host build output" > "$WORK/target/HOST_MARKER"

say "building the development image and the database image"
dc build backend mongodb 2>&1 | tail -3
say "starting mongodb, backend and favorites under cargo-watch (backend on :$BACKEND_PORT)"
dc up -d mongodb backend favorites 2>&1 | tail -3

ANSWER=$(mktemp)
probe() { curl -s -m 5 -X DELETE "http://127.0.0.1:$BACKEND_PORT/goals/000000000000000000000000" -o "$ANSWER" 2>/dev/null && cat "$ANSWER"; }
page() { curl -s -m 5 "http://127.0.0.1:$FRONTEND_PORT/" -o "$ANSWER" 2>/dev/null && cat "$ANSWER"; }
wait_text() { # wait_text TEXT SECONDS [PROBE] -> prints elapsed seconds (decimal) when seen
  local text=$1 limit=$2 get=${3:-probe} t0 now
  t0=$(date +%s.%N)
  while :; do
    if "$get" | grep -qF "$text"; then now=$(date +%s.%N); awk -v a="$t0" -v b="$now" 'BEGIN{printf "%.1f", b-a}'; return 0; fi
    now=$(date +%s.%N)
    if awk -v a="$t0" -v b="$now" -v l="$limit" 'BEGIN{exit !(b-a>l)}'; then return 1; fi
    sleep 0.1
  done
}

wait_healthy() { # wait_healthy SERVICE LIMIT -> PASS/FAIL lines; shows the build's progress
  local svc=$1 limit=$2 t0=$SECONDS
  until [ "$(docker inspect -f '{{.State.Health.Status}}' "$(dc ps -q "$svc")" 2>/dev/null)" = healthy ]; do
    [ $((SECONDS - t0)) -lt "$limit" ] || { bad "$svc did not become healthy within $limit s"; return 1; }
    [ -n "$(dc ps -q "$svc")" ] || { bad "$svc container is gone"; return 1; }
    if dc logs --no-color --tail 1 "$svc" 2>/dev/null | grep -q 'Exit status: [1-9]'; then
      bad "the first build of $svc failed inside the container:"; dc logs --no-color --tail 30 "$svc" | grep -v Compiling; return 1
    fi
    [ $(( (SECONDS - t0) % 30 )) -ne 0 ] || say "  still building ($((SECONDS - t0)) s): $(dc logs --no-color --tail 1 "$svc" 2>/dev/null | sed "s/\x1b\[[0-9;]*[A-Za-z]//g" | cut -c1-120)"
    sleep 1
  done
  ok "$svc healthy under cargo-watch after $((SECONDS - t0)) s"
}

say "waiting for the first build inside the container (it compiles every dependency once)"
wait_healthy backend 1200 || true

if [ "$FAIL" -eq 0 ]; then
  if probe | grep -qF '"Goal not found."'; then ok "the original handler answers \"Goal not found.\""; else bad "unexpected answer: $(probe)"; fi

  FILE="$WORK/backend/src/routes.rs"
  MARK="Goal not found (hot reload $RANDOM)."
  cp "$FILE" "$WORK.routes.orig"
  sed -i "s/\"Goal not found.\"/\"$MARK\"/" "$FILE"
  grep -qF "$MARK" "$FILE" || bad "the edit did not apply"
  if secs=$(wait_text "$MARK" 300); then
    ok "edited handler served ${secs} s after the save"
    RELOAD1=$secs
  else
    bad "the edited text was not served within 300 s"
  fi
  cp "$WORK.routes.orig" "$FILE"
  if secs=$(wait_text '"Goal not found."' 300); then
    ok "restored handler served ${secs} s after the save"
    RELOAD2=$secs
  else
    bad "the restored text was not served within 300 s"
  fi
  rm -f "$WORK.routes.orig"

  # favorites shares the target volume: its dependencies are built by now
  wait_healthy favorites 600 || true

fi

steps() { # the last build-frontend.sh step times in the frontend's log, on one line
  dc logs --no-color frontend 2>/dev/null | grep -F '[build-frontend]' | grep -E 'done in|total:' | tail -6 \
    | sed 's/.*\[build-frontend\] //' | paste -sd ';' -
}

if [ "$FAIL" -eq 0 ] && [ "$FRONTEND" = 1 ]; then
  # Started only now: cargo takes turns on the shared target volume, and the frontend's first
  # build (server + wasm) would otherwise hold it while the backend's reload is measured.
  say "starting the frontend under cargo-watch (scripts/build-frontend.sh, LIVE_RELOAD=1) on :$FRONTEND_PORT"
  dc up -d frontend 2>&1 | tail -3
  t_fe=$SECONDS
  if wait_healthy frontend 1500; then
    FE_FIRST=$((SECONDS - t_fe))
    built=$(dc logs --no-color frontend 2>/dev/null | grep -F '[build-frontend] total:' | tail -1 | sed 's/.*total: //')
    say "  the frontend's first build: ${built:-?} (scripts/build-frontend.sh, in the container's log): $(steps)"
    LEAD="What do you want to learn in this course?"
    if page | grep -qF "$LEAD"; then ok "the server-rendered page has the original text"; else bad "the page lacks \"$LEAD\": $(page | head -c 300)"; fi
    if page | grep -qF 'id="live-reload"'; then ok "the page carries the live-reload script (LIVE_RELOAD=1)"; else bad "no live-reload script in the page"; fi
    boot1=$(curl -s -m 5 "http://127.0.0.1:$FRONTEND_PORT/__live-reload" || true)
    if [ -n "$boot1" ]; then ok "the server answers its boot id at /__live-reload ($boot1)"; else bad "no boot id at /__live-reload"; fi

    FILE="$WORK/frontend/src/goals.rs"
    NEWLEAD="What do you want to learn in this course (hot reload $RANDOM)?"
    cp "$FILE" "$WORK.app.orig"
    sed -i "s/\"$LEAD/\"$NEWLEAD/" "$FILE"
    grep -qF "$NEWLEAD" "$FILE" || bad "the edit of frontend/src/goals.rs did not apply"
    if secs=$(wait_text "$NEWLEAD" "$FE_LIMIT" page); then
      ok "edited page served ${secs} s after the save (server + wasm rebuilt, server restarted)"
      say "  the rebuild's steps: $(steps)"
      FE_RELOAD1=$secs
      boot2=$(curl -s -m 5 "http://127.0.0.1:$FRONTEND_PORT/__live-reload" || true)
      if [ -n "$boot2" ] && [ "$boot2" != "$boot1" ]; then ok "the new server has a new boot id (open pages reload)"; else bad "the boot id did not change ($boot1 -> $boot2)"; fi
    else
      bad "the edited page text was not served within $FE_LIMIT s"
    fi
    cp "$WORK.app.orig" "$FILE"
    if secs=$(wait_text "$LEAD" "$FE_LIMIT" page); then
      ok "restored page served ${secs} s after the save"
      FE_RELOAD2=$secs
    else
      bad "the restored page text was not served within $FE_LIMIT s"
    fi
    rm -f "$WORK.app.orig"
    if dc exec -T frontend test -f /workspace/target/debug/site/pkg/frontend.wasm; then ok "the frontend's site (wasm) is in the target volume"; else bad "no site in the target volume"; fi
  fi
fi

if [ "$FAIL" -eq 0 ]; then
  # the build output lives in the volume, not in the bind-mounted sources
  left=$(cd "$WORK/target" && find . -mindepth 1 | sort | tr '\n' ' ')
  if [ "$left" = "./HOST_MARKER " ] && [ "$(cat "$WORK/target/HOST_MARKER")" = "host build output" ]; then
    ok "the host's target/ is untouched (the volume shields it)"
  else
    bad "the host's target/ was changed by the containers: $left"
  fi
  snapshot > "$WORK.after"
  if diff -q "$WORK.before" "$WORK.after" >/dev/null; then ok "no file of the bind-mounted sources was changed by the containers"
  else bad "files changed by the containers: $(diff "$WORK.before" "$WORK.after" | grep '^>' | head -5)"; fi
  if dc exec -T backend test -x /workspace/target/debug/backend; then ok "the binary is in the target volume"; else bad "no binary in the target volume"; fi
fi
rm -f "$WORK.before" "$WORK.after" "$ANSWER"

echo
[ -n "${RELOAD1:-}" ] && echo "hot reload: save -> changed response served in ${RELOAD1} s (edit) and ${RELOAD2:-?} s (restore); goal: under 5 s"
[ -n "${FE_FIRST:-}" ] && echo "frontend: first build + start ${FE_FIRST} s (build-frontend.sh ${built:-?}); save -> changed page served in ${FE_RELOAD1:-?} s (edit) and ${FE_RELOAD2:-?} s (restore)"
echo "dev-e2e: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
