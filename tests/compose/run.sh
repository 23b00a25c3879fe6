#!/usr/bin/env bash
# End-to-end test of the images and docker-compose.yml: builds the images, brings the whole
# stack up with `docker compose`, and checks every communication case the course teaches.
#
#   tests/compose/run.sh            (after scripts/docker-prepare.sh on a registry-less machine)
#
# - Own compose project (-p goals-e2e, its own containers, network and volumes): a student's
#   `docker compose up` stack, volumes and images are never touched. One run at a time per
#   machine (a lock in /tmp); E2E_PROJECT names another project.
# - Non-default host ports (E2E_BACKEND_PORT 18080, E2E_FAVORITES_PORT 18081,
#   E2E_FRONTEND_PORT 18082, E2E_CASE2_PORT 18083, E2E_HOSTDB_PORT 27217).
# - A MongoDB password generated now (tests/compose/compose.test.yml passes it in); none is
#   committed. MongoDB is the CI stand-in (docker/ci/compose.ci.yml) unless
#   E2E_OFFICIAL_MONGO=1 (uses mongo:8, for machines with a registry).
# - Containers, networks and volumes it created are removed at the end, even after a failure;
#   images and the build cache stay, so the next run is fast.
# Prints each phase's duration and closes with `compose: N passed, M failed` (exit 1 on failure).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

PROJECT=${E2E_PROJECT:-goals-e2e}
export BACKEND_PORT=${E2E_BACKEND_PORT:-18080}
export FAVORITES_PORT=${E2E_FAVORITES_PORT:-18081}
export FRONTEND_PORT=${E2E_FRONTEND_PORT:-18082}
CASE2_PORT=${E2E_CASE2_PORT:-18083}
HOSTDB_PORT=${E2E_HOSTDB_PORT:-27217}
export SWAPI_BASE_URL=http://swapi:8000/api
# Test-only password, with characters that break hand-made URLs (proves none is built by hand).
E2E_MONGO_PASSWORD="e2e@:/%$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export E2E_MONGO_PASSWORD
unset E2E_BACKEND_PASSWORD
FILES=(-f docker-compose.yml)
[ "${E2E_OFFICIAL_MONGO:-0}" = 1 ] || FILES+=(-f docker/ci/compose.ci.yml)
FILES+=(-f tests/compose/compose.test.yml)
SERVICES=(backend favorites swapi frontend)   # ours (built here); plus mongodb
CASE2_NAME=$PROJECT-case2
TMP=$(mktemp -d /tmp/goals-e2e.XXXXXX)
HOSTDB_PID=

compose() { docker compose -p "$PROJECT" "${FILES[@]}" --profile offline "$@"; }

# One run at a time per project on a machine (a second run would tear down the first's stack).
exec 9>"/tmp/$PROJECT.lock"
if ! flock -n 9; then
  echo "[compose-e2e] another run of project $PROJECT is in progress: waiting for it"
  flock 9
fi

# ---------- reporting ----------
PASS=0; FAIL=0; PHASE=; PHASE_T0=0
now() { date +%s%N; }
T_START=$(now)
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", (b-a)/1e9}'; }
ok() { PASS=$((PASS + 1)); echo "  ok    $*"; }
bad() { FAIL=$((FAIL + 1)); echo "  FAIL  $*"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
end_phase() { [ -n "$PHASE" ] && echo "  -- $PHASE: $(secs "$PHASE_T0") s"; PHASE=; }
phase() { end_phase; PHASE=$1; PHASE_T0=$(now); echo "== $1"; }
fatal() { bad "$*"; echo "  (cannot go on: stack state below)"; compose ps -a 2>&1 | sed 's/^/    /'
          compose logs --no-color --tail 30 2>&1 | sed 's/^/    /'; exit 1; }

cleanup() {
  local rc=$?
  end_phase
  echo "== cleanup (containers, networks, volumes of $PROJECT; images and build cache kept)"
  docker rm -f "$CASE2_NAME" >/dev/null 2>&1
  compose down -v --remove-orphans --timeout 5 >/dev/null 2>&1
  if [ -n "$HOSTDB_PID" ]; then kill "$HOSTDB_PID" 2>/dev/null; wait "$HOSTDB_PID" 2>/dev/null; fi
  rm -rf "$TMP"
  [ "$rc" -ne 0 ] && [ "$FAIL" -eq 0 ] && FAIL=1
  echo "total: $(secs "$T_START") s"
  echo "compose: $PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ] && exit 0 || exit 1
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

# ---------- helpers ----------
# http METHOD URL [JSON] -> $STATUS, $BODY (and headers in $TMP/headers)
http() {
  local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' --max-time 10 -X "$1" "$2")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  STATUS=$(curl "${args[@]}" ${UA:+-A "$UA"} 2>/dev/null) || STATUS=000
  BODY=$(cat "$TMP/body" 2>/dev/null)
}
status_is() { [ "$STATUS" = "$1" ] || { echo "        got $STATUS: ${BODY:0:300}"; return 1; }; }
jq_true() { printf '%s' "$BODY" | jq -e "$1" >/dev/null 2>&1 || { echo "        jq '$1' false on: ${BODY:0:300}"; return 1; }; }
cid() { compose ps -q "$1" 2>/dev/null | head -1; }
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
volume_cat() { docker run --rm -v "${PROJECT}_$1:/v:ro" --entrypoint cat debian:bookworm-slim "/v/$2" 2>/dev/null; }
B=http://127.0.0.1:$BACKEND_PORT
F=http://127.0.0.1:$FAVORITES_PORT
W=http://127.0.0.1:$FRONTEND_PORT

# wait_or_tick PID SECONDS: 0 when PID has ended (its status is left for `wait`), 1 after SECONDS
wait_or_tick() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

# ==========================================================================================
phase "preflight"
docker info >/dev/null 2>&1 || fatal "a Docker engine answers (run scripts/docker-prepare.sh)"
docker compose version >/dev/null 2>&1 || fatal "Compose v2 is installed"
compose config -q || fatal "the compose files are valid"
ok "docker $(docker version -f '{{.Server.Version}}'), $(docker compose version --short), files ${FILES[*]}"
port_open 127.0.0.1 27017 && MONGO_PORT_BUSY=1 || MONGO_PORT_BUSY=0
compose down -v --remove-orphans --timeout 5 >/dev/null 2>&1   # leftovers of an aborted run
docker rm -f "$CASE2_NAME" >/dev/null 2>&1

phase "build (all images, cached stages reused)"
t=$(now)
# a cold build takes many minutes: a line of progress (the newest build step) every 30 s
compose build --progress=plain >"$TMP/build.log" 2>&1 &
BUILD_PID=$!
while ! wait_or_tick "$BUILD_PID" 30; do
  echo "  ... building ($(secs "$t") s): $(grep -E '^#[0-9]+ \[' "$TMP/build.log" | tail -1 | cut -c1-110)"
done
wait "$BUILD_PID" || { tail -40 "$TMP/build.log"; fatal "compose build"; }
ok "compose build: $(secs "$t") s"

phase "up -d --wait (offline profile: SWAPI stand-in)"
t=$(now)
compose up -d --wait >"$TMP/up.log" 2>&1 || { cat "$TMP/up.log"; fatal "compose up -d --wait"; }
UP_SECS=$(secs "$t")
ok "compose up -d --wait: all healthy in $UP_SECS s"

# ==========================================================================================
phase "goals CRUD through the published backend port ($BACKEND_PORT)"
http GET "$B/goals"
check "GET /goals on a fresh volume: 200, no goals" eval 'status_is 200 && jq_true ".goals == []"'
check "CORS: Access-Control-Allow-Origin: *" grep -qi '^access-control-allow-origin: \*' "$TMP/headers"
http POST "$B/goals" '{"text":"  Learn Docker  "}'
check "POST /goals: 201, stored trimmed" eval 'status_is 201 && jq_true ".goal.text == \"Learn Docker\" and (.goal.id | test(\"^[0-9a-f]{24}$\"))"'
ID1=$(printf '%s' "$BODY" | jq -r '.goal.id // empty')
http POST "$B/goals" '{"text":"e2e persists"}'
check "POST a second goal: 201" status_is 201
http GET "$B/goals"
check "GET /goals: both, in insertion order" eval 'status_is 200 && jq_true "[.goals[].text] == [\"Learn Docker\", \"e2e persists\"]"'
http DELETE "$B/goals/$ID1"
check "DELETE /goals/:id: 200 Deleted goal!" eval 'status_is 200 && jq_true ".message == \"Deleted goal!\""'
http GET "$B/goals"
check "the deleted goal is gone" eval 'status_is 200 && jq_true "[.goals[].text] == [\"e2e persists\"]"'
http POST "$B/goals" '{"text":"   "}'
check "POST blank text: 422 Invalid goal text." eval 'status_is 422 && jq_true ".message == \"Invalid goal text.\""'
http DELETE "$B/goals/not-an-id"
check "DELETE malformed id: 400" status_is 400

phase "frontend: server-side rendered page with the goals (fetched by service name)"
http GET "$W/"
check "GET / on the frontend ($FRONTEND_PORT): 200 with the goal in the HTML" eval 'status_is 200 && grep -q "e2e persists" "$TMP/body"'
check "the page is the Course Goals page" grep -q "Course Goals" "$TMP/body"
check "the browser gets the PUBLIC backend URL (http://localhost:$BACKEND_PORT)" grep -q "http://localhost:$BACKEND_PORT" "$TMP/body"
WASM=$(grep -o '[^"]*\.wasm' "$TMP/body" | head -1)
if [ -n "$WASM" ]; then
  curl -s -o /dev/null -D "$TMP/wasm-headers" --max-time 10 "$W/${WASM#/}"
  check "the wasm ($WASM) is served as application/wasm" grep -qi '^content-type: application/wasm' "$TMP/wasm-headers"
else
  bad "the page links the hydration wasm"
fi

phase "favorites: case 1 (SWAPI, here the offline stand-in) and case 3 (mongodb by name)"
http GET "$F/movies"
check "GET /movies through SWAPI_BASE_URL=http://swapi:8000/api: 200 with A New Hope" eval 'status_is 200 && jq_true "[.movies.results[].title] | index(\"A New Hope\") != null"'
http GET "$F/people"
check "GET /people: 200 with people" eval 'status_is 200 && jq_true ".people.results | length > 0"'
http POST "$F/favorites" '{"name":"A New Hope","type":"movie","url":"http://swapi:8000/api/films/1/"}'
check "POST /favorites: 201 (stored in mongodb, by service name, with auth)" status_is 201
http POST "$F/favorites" '{"name":"A New Hope","type":"movie","url":"http://swapi:8000/api/films/1/"}'
check "POST the same name again: 409" status_is 409
http GET "$F/favorites"
check "GET /favorites lists it" eval 'status_is 200 && jq_true "[.favorites[].name] == [\"A New Hope\"]"'

phase "network map: /connections and /network with the real service names"
http GET "$B/connections"
check "backend /connections: mongodb:27017 resolved, answering, case 3" \
  eval 'status_is 200 && jq_true ".in_container and (.connections[0] | .address == \"mongodb:27017\" and .case == 3 and .ok and (.resolved | length > 0))"'
check "X-Served-By names the replica (the container's host name)" eval 'grep -qi "^x-served-by: [0-9a-f]\{12\}" "$TMP/headers"'
http GET "$F/connections"
check "favorites /connections: the SWAPI stand-in reached as case 3, playing case 1" \
  eval 'status_is 200 && jq_true "(.connections[] | select(.upstream == \"SWAPI\")) | .address == \"http://swapi:8000/api\" and .case == 3 and .plays_case == 1 and .ok"'
check "no password in /connections" eval '! grep -qF "$E2E_MONGO_PASSWORD" "$TMP/body"'
http GET "$W/network"
check "/network is rendered on the server with the service names and cases" \
  eval 'status_is 200 && grep -q "http://backend" "$TMP/body" && grep -q "mongodb:27017" "$TMP/body" && grep -q "case 3: container → container" "$TMP/body"'

phase "case 3: mongodb reachable by service name only, not from the host"
MONGO_CID=$(cid mongodb)
check "backend is configured with MONGODB_HOST=mongodb (a service name, no IP)" \
  eval 'docker inspect -f "{{range .Config.Env}}{{println .}}{{end}}" "$(cid backend)" | grep -qx MONGODB_HOST=mongodb'
check "backend is ready, so it reached mongodb by name (GET /readyz 200)" eval 'http GET "$B/readyz"; status_is 200'
check "mongodb publishes no port (docker port is empty)" eval '[ -z "$(docker port "$MONGO_CID")" ]'
if [ "$MONGO_PORT_BUSY" = 0 ]; then
  check "nothing answers on the host's 127.0.0.1:27017" eval '! port_open 127.0.0.1 27017'
fi
check "mongodb is on the user-defined network goals-net" \
  eval 'docker inspect -f "{{range \$k, \$v := .NetworkSettings.Networks}}{{\$k}} {{end}}" "$MONGO_CID" | grep -qw "${PROJECT}_goals-net"'

phase "case 2: favorites reaches a MongoDB-compatible server on the HOST via host.docker.internal"
# What host.docker.internal (host-gateway) resolves to in a container: the host's docker0 address.
GATEWAY=$(docker run --rm --add-host host.docker.internal:host-gateway --entrypoint getent debian:bookworm-slim \
  hosts host.docker.internal 2>/dev/null | awk '{print $1; exit}')
[ -n "$GATEWAY" ] || GATEWAY=$(ip -4 -o addr show docker0 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
echo "        host.docker.internal -> ${GATEWAY:-?}"
if [ -z "$GATEWAY" ]; then
  bad "find the host's address for host.docker.internal"
elif scripts/mongo-test-server.sh install >"$TMP/hostdb-install.log" 2>&1; then
  VENV=${GOALS_CACHE:-$HOME/.cache/goals-stack}/secantus-venv
  mkdir -p "$TMP/hostdb"
  # host.docker.internal (host-gateway) is the host's address on docker0: listen there, not on 127.0.0.1
  "$VENV/bin/secantusd-py" --host "$GATEWAY" --port "$HOSTDB_PORT" --storage-path "$TMP/hostdb" \
    --standalone --log-level WARNING >"$TMP/hostdb.log" 2>&1 9>&- &
  HOSTDB_PID=$!
  for _ in $(seq 1 100); do port_open "$GATEWAY" "$HOSTDB_PORT" && break; sleep 0.1; done
  check "a SecantusDB without users listens on the host at $GATEWAY:$HOSTDB_PORT" port_open "$GATEWAY" "$HOSTDB_PORT"
  compose run -d --rm --no-deps --name "$CASE2_NAME" -p "127.0.0.1:$CASE2_PORT:3000" \
    -e "MONGODB_URL=mongodb://host.docker.internal:$HOSTDB_PORT/swfavorites" favorites >"$TMP/case2.log" 2>&1 \
    || { cat "$TMP/case2.log"; bad "compose run favorites with MONGODB_URL=mongodb://host.docker.internal:..."; }
  for _ in $(seq 1 60); do [ "$(health "$CASE2_NAME")" = healthy ] && break; sleep 0.5; done
  check "the one-off favorites container is healthy (its readiness pings the host's database)" eval '[ "$(health "$CASE2_NAME")" = healthy ]'
  C2=http://127.0.0.1:$CASE2_PORT
  http POST "$C2/favorites" '{"name":"Luke Skywalker","type":"character","url":"http://swapi:8000/api/people/1/"}'
  check "POST /favorites through it: 201" status_is 201
  http GET "$C2/favorites"
  check "it lists only the host database's favorite (not the compose mongodb's)" eval 'status_is 200 && jq_true "[.favorites[].name] == [\"Luke Skywalker\"]"'
  check "the document is in the host's database swfavorites" "$VENV/bin/python" - "$GATEWAY" "$HOSTDB_PORT" <<'PY'
import sys
from pymongo import MongoClient
db = MongoClient(sys.argv[1], int(sys.argv[2]), directConnection=True, serverSelectionTimeoutMS=3000).swfavorites
sys.exit(0 if any(db[c].find_one({"name": "Luke Skywalker"}) for c in db.list_collection_names()) else 1)
PY
  docker rm -f "$CASE2_NAME" >/dev/null 2>&1
  kill "$HOSTDB_PID" 2>/dev/null; wait "$HOSTDB_PID" 2>/dev/null; HOSTDB_PID=
else
  tail -5 "$TMP/hostdb-install.log"; bad "install SecantusDB on the host (scripts/mongo-test-server.sh install)"
fi

phase "access log: one combined-format line per request, in the logs volume"
UA="e2e-log-$RANDOM$RANDOM"; MARK=$UA
http GET "$B/goals"; http GET "$B/goals"; http GET "$B/goals?x=1"
http POST "$B/goals" '{"text":""}'
http GET "$B/no-such-route"
UA=
COMBINED='^[^ ]+ [^ ]+ [^ ]+ \[[^]]+\] "[A-Z]+ [^ ]+ HTTP/[0-9.]+" [0-9]{3} ([0-9]+|-) "[^"]*" "[^"]*"$'
MINE=0
for _ in $(seq 1 25); do
  volume_cat logs access.log >"$TMP/access.log"
  MINE=$(grep -cF "\"$MARK\"" "$TMP/access.log")
  [ "$MINE" -ge 5 ] && break
  sleep 0.2
done
check "5 requests -> 5 lines in \$LOG_DIR/access.log (read from the volume ${PROJECT}_logs): $MINE" eval '[ "$MINE" = 5 ]'
check "every line is Apache combined format ($(wc -l <"$TMP/access.log") lines)" eval '[ -s "$TMP/access.log" ] && ! grep -vE "$COMBINED" "$TMP/access.log" | grep -q .'
check "the statuses are logged (200, 422, 404)" \
  eval 'grep -F "$MARK" "$TMP/access.log" | grep -q "\" 200 " && grep -F "$MARK" "$TMP/access.log" | grep -q "\" 422 " && grep -F "$MARK" "$TMP/access.log" | grep -q "\" 404 "'
LOG_LINES=$(wc -l <"$TMP/access.log")
echo "        sample: $(grep -F "$MARK" "$TMP/access.log" | head -1)"

phase "persistence: down + up keeps goals; down -v wipes them"
t=$(now); compose down --timeout 5 >/dev/null 2>&1; DOWN_SECS=$(secs "$t")
check "compose down (volumes kept): $DOWN_SECS s" eval '[ -z "$(compose ps -q)" ]'
t=$(now)
compose up -d --wait >"$TMP/up2.log" 2>&1 || { cat "$TMP/up2.log"; fatal "compose up -d --wait (again)"; }
ok "compose up -d --wait on the kept volumes: $(secs "$t") s"
http GET "$B/goals"
check "the goal survived down/up (data volume)" eval 'status_is 200 && jq_true "[.goals[].text] == [\"e2e persists\"]"'
http GET "$F/favorites"
check "the favorite survived too" eval 'status_is 200 && jq_true "[.favorites[].name] == [\"A New Hope\"]"'
volume_cat logs access.log >"$TMP/access2.log"
check "the access log survived (logs volume) and grows" eval '[ "$(wc -l <"$TMP/access2.log")" -gt "$LOG_LINES" ]'
t=$(now); compose down -v --timeout 5 >/dev/null 2>&1
check "compose down -v: $(secs "$t") s, volumes removed" eval '! docker volume inspect "${PROJECT}_data" >/dev/null 2>&1'
t=$(now)
compose up -d --wait >"$TMP/up3.log" 2>&1 || { cat "$TMP/up3.log"; fatal "compose up -d --wait (after down -v)"; }
ok "compose up -d --wait on fresh volumes: $(secs "$t") s"
http GET "$B/goals"
check "after down -v the goals are gone" eval 'status_is 200 && jq_true ".goals == []"'

phase "images: no password in history, non-root, size"
for s in "${SERVICES[@]}"; do
  c=$(cid "$s"); img=$(docker inspect -f '{{.Image}}' "$c" 2>/dev/null)
  name=$(docker inspect -f '{{.Config.Image}}' "$c" 2>/dev/null)
  hist=$(docker history --no-trunc --format '{{.CreatedBy}}' "$img" 2>/dev/null)
  check "$name: docker history has no password" eval '[ -n "$hist" ] && ! grep -qF "$E2E_MONGO_PASSWORD" <<<"$hist" && ! grep -q "PASSWORD=" <<<"$hist"'
  check "$name: image ENV has no password variable" eval '! docker image inspect -f "{{range .Config.Env}}{{println .}}{{end}}" "$img" | grep -q PASSWORD'
  user=$(docker image inspect -f '{{.Config.User}}' "$img")
  check "$name: runs as a non-root user ($user)" eval '[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ]'
  uids=$(docker top "$c" -o uid,pid 2>/dev/null | awk 'NR > 1 {print $1}' | sort -u | tr '\n' ' ')
  check "$name: its processes run as uid ${uids% }" eval '[ -n "$uids" ] && ! grep -qw 0 <<<"$uids"'
  size=$(docker image inspect -f '{{.Size}}' "$img")
  mb=$(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}')
  check "$name: image size $mb MB (< 50 MB)" eval '[ "$size" -lt 50000000 ]'
done
check "the logs dir in the backend image belongs to the runtime user (65532)" \
  eval '[ "$(docker run --rm -v "${PROJECT}_logs:/v:ro" --entrypoint stat debian:bookworm-slim -c %u /v)" = 65532 ]'

phase "docker stop: each service stops at once on SIGTERM (< 2 s)"
for s in "${SERVICES[@]}" mongodb; do
  c=$(cid "$s"); t=$(now)
  docker stop "$c" >/dev/null 2>&1
  d=$(secs "$t"); code=$(docker inspect -f '{{.State.ExitCode}}' "$c")
  if [ "$s" = mongodb ]; then
    echo "        mongodb (not ours): stopped in $d s, exit $code"
  else
    check "$s: docker stop took $d s, exit code $code" eval 'awk -v d="$d" "BEGIN{exit !(d < 2)}" && [ "$code" = 0 ]'
  fi
done

phase "wrong password: backend stays unready, says why, does not crash"
export E2E_BACKEND_PASSWORD="wrong-$RANDOM"
compose up -d backend >"$TMP/up4.log" 2>&1 || { cat "$TMP/up4.log"; bad "compose up -d backend (wrong password)"; }
BC=$(cid backend)
for _ in $(seq 1 40); do docker logs "$BC" 2>&1 | grep -q "authentication failed" && break; sleep 0.5; done
check "the backend log says: authentication failed" eval 'docker logs "$BC" 2>&1 | grep -q "authentication failed"'
echo "        $(docker logs "$BC" 2>&1 | grep -m1 "authentication failed" | cut -c1-220)"
http GET "$B/readyz"
check "GET /readyz: 503" status_is 503
http GET "$B/healthz"
check "GET /healthz: 200 (the process serves)" status_is 200
sleep 3
check "not healthy: $(health "$BC")" eval '[ "$(health "$BC")" != healthy ]'
check "still running, RestartCount 0 (no crash loop)" \
  eval '[ "$(docker inspect -f "{{.State.Running}} {{.RestartCount}}" "$BC")" = "true 0" ]'
unset E2E_BACKEND_PASSWORD
