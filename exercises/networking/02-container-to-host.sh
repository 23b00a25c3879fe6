#!/usr/bin/env bash
# Check of exercises/networking/02-container-to-host.md (case 2: container -> host machine).
# The "MongoDB on your machine" is SecantusDB (a MongoDB-compatible server from PyPI, installed
# by the project's test server command into ~/.cache/goals-stack), started here without
# users, as the course's local mongod.
. "$(dirname "$0")/../lib.sh"
ex_begin 02 "case 2, container -> host: favorites uses a MongoDB on the host"
need_image "$FAVORITES_IMAGE" "$TOOLBOX_IMAGE" "$MONGO_IMAGE"
FAV=$(ex_name favorites)
FAV_NO_HOST=$(ex_name favorites-no-add-host)
ADD_HOST=(--add-host host.docker.internal:host-gateway)
DB_PORT=$(free_port)
LOCAL_ONLY_PORT=$(free_port)
FAV_PORT=$(free_port)
FAV_NO_HOST_PORT=$(free_port)

step "start a MongoDB-compatible server on the host, listening on every address (0.0.0.0)"
SECANTUSD=$(cd "$EX_ROOT" && cargo run -q -p test-support --bin mongo-test-server -- install 2>"$EX_TMP/install.log")
[ -x "$SECANTUSD" ] || { sed 's/^/    /' "$EX_TMP/install.log"; fatal "SecantusDB could not be installed (cargo run -p test-support --bin mongo-test-server -- install)"; }
say "with a real mongod: mongod --bind_ip_all --port $DB_PORT --dbpath <dir> (no users: no auth)"
mkdir -p "$EX_TMP/db" "$EX_TMP/db-local"
run_bg "$EX_TMP/db.log" "$SECANTUSD" --host 0.0.0.0 --port "$DB_PORT" --storage-path "$EX_TMP/db" --standalone
track pid "$BG_PID"
wait_port 127.0.0.1 "$DB_PORT" 30
RC=$?; OUT=$(tail -3 "$EX_TMP/db.log")
check_rc 0 "the host's database accepts connections on port $DB_PORT"
[ "$RC" = 0 ] || fatal "the host database did not start"

step "what host.docker.internal is, on Linux"
run docker run --rm "$TOOLBOX_IMAGE" getent hosts host.docker.internal
expect "nothing, exit code 2: on Linux the name does not exist unless you add it (Docker Desktop adds it for you)"
check_rc 2 "without --add-host the name does not resolve"
run docker run --rm "${ADD_HOST[@]}" "$TOOLBOX_IMAGE" getent hosts host.docker.internal
HOST_GW=$(awk '{print $1}' <<<"$OUT")
check_rc 0 "with --add-host host.docker.internal:host-gateway it resolves"
run ip -4 -o addr show docker0
check_out_contains "inet $HOST_GW/" "host-gateway is the host's own address on the docker0 bridge"
run docker run --rm "$TOOLBOX_IMAGE" ip route
check_out_contains "default via $HOST_GW " "the same address is every container's default gateway"

step "a container reaches the host's database port through host.docker.internal"
run docker run --rm "${ADD_HOST[@]}" "$TOOLBOX_IMAGE" nc -zv -w 3 host.docker.internal "$DB_PORT"
check_rc 0 "TCP connection from a container to host.docker.internal:$DB_PORT"
run docker run --rm "$TOOLBOX_IMAGE" nc -zv -w 3 localhost "$DB_PORT"
expect "refused: inside a container, localhost is the container itself, not your machine"
check_rc nonzero "localhost:$DB_PORT from a container does not reach the host"

step "run favorites against the host's database"
URL=mongodb://host.docker.internal:$DB_PORT/swfavorites
run docker run -d --rm --name "$FAV" "${EX_LABEL_ARGS[@]}" "${ADD_HOST[@]}" -p "$FAV_PORT:3000" \
  -e MONGODB_URL="$URL" "$FAVORITES_IMAGE"
track container "$FAV"
check_rc 0 "favorites starts"
wait_http "http://localhost:$FAV_PORT/readyz" 200 ""
check_rc 0 "favorites becomes ready: /readyz pings the database on the host"
run "${CURL[@]}" -H 'Content-Type: application/json' \
  -d '{"name":"A New Hope","type":"movie","url":"https://swapi.dev/api/films/1/"}' "http://localhost:$FAV_PORT/favorites"
check_http 201 "POST /favorites saves a favorite"
check_out_contains '"message":"Favorite saved!"' "with the course's message"
run "${CURL[@]}" "http://localhost:$FAV_PORT/favorites"
check_http 200 "GET /favorites answers"
check_out_contains '"name":"A New Hope"' "the favorite is listed"

step "the document is in the database on the host (look from the host side)"
say "mongosh equivalent: mongosh --port $DB_PORT swfavorites --eval 'db.favorites.find()'"
run "$(dirname "$SECANTUSD")/python" -c "import sys; from pymongo import MongoClient
for d in MongoClient('127.0.0.1', $DB_PORT, directConnection=True).swfavorites.favorites.find({}, {'_id': 0}): print(d)"
check_out_contains "'name': 'A New Hope'" "the favorite is stored in the host's database"

step "forget --add-host and the name does not resolve: favorites is not ready"
run docker run -d --rm --name "$FAV_NO_HOST" "${EX_LABEL_ARGS[@]}" -p "$FAV_NO_HOST_PORT:3000" \
  -e MONGODB_URL="$URL" "$FAVORITES_IMAGE"
track container "$FAV_NO_HOST"
check_rc 0 "favorites starts anyway (it waits for its database)"
wait_http "http://localhost:$FAV_NO_HOST_PORT/healthz" 200 "" || fatal "favorites did not start serving"
run "${CURL[@]}" "http://localhost:$FAV_NO_HOST_PORT/readyz"
expect 'HTTP 503 {"message":"Database unavailable."} (the driver gives up after 3 s)'
check_http 503 "/readyz: not ready"
run "${CURL[@]}" -H 'Content-Type: application/json' \
  -d '{"name":"Luke Skywalker","type":"character","url":"https://swapi.dev/api/people/1/"}' "http://localhost:$FAV_NO_HOST_PORT/favorites"
check_http 503 "POST /favorites: 503, nothing hangs"
check_out_contains "Database unavailable." "with a clear message"

step "a server that listens on 127.0.0.1 only is out of reach from containers"
run_bg "$EX_TMP/db-local.log" "$SECANTUSD" --host 127.0.0.1 --port "$LOCAL_ONLY_PORT" --storage-path "$EX_TMP/db-local" --standalone
track pid "$BG_PID"
wait_port 127.0.0.1 "$LOCAL_ONLY_PORT" 30 || fatal "the second host database did not start"
run timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$LOCAL_ONLY_PORT && echo connected"
check_rc 0 "from the host itself it answers on 127.0.0.1:$LOCAL_ONLY_PORT"
run docker run --rm "${ADD_HOST[@]}" "$TOOLBOX_IMAGE" nc -zv -w 3 host.docker.internal "$LOCAL_ONLY_PORT"
expect "refused: host.docker.internal is $HOST_GW, and nothing listens on that address at port $LOCAL_ONLY_PORT"
check_rc nonzero "a container cannot reach a server bound to 127.0.0.1"

step "the other way round: MongoDB in a container, published with -p, the backend on the host"
MDB=$(ex_name mongodb)
MDB_PORT=$(free_port)
BE_HOST_PORT=$(free_port)
BACKEND_BIN=$EX_ROOT/target/debug/backend
[ -x "$BACKEND_BIN" ] || fatal "the backend's host binary $BACKEND_BIN is missing: build it with 'cargo build -p backend' (scripts/test.sh build does)"
say "the page publishes 27017:27017; the check publishes a free host port ($MDB_PORT) instead"
run docker run --name "$MDB" --rm -d "${EX_LABEL_ARGS[@]}" -p "$MDB_PORT:27017" "$MONGO_IMAGE"
track container "$MDB"
check_rc 0 "MongoDB runs in a container (no users, as in the course)"
run docker port "$MDB"
check_out_contains "27017/tcp -> 0.0.0.0:$MDB_PORT" "docker port: the container's 27017 is published on the host's port $MDB_PORT"
wait_port 127.0.0.1 "$MDB_PORT" "$EX_WAIT"
RC=$?; OUT=
check_rc 0 "the published port accepts connections on the host"
say "cargo run -p backend builds and starts this binary; the check starts the one the build made"
mkdir -p "$EX_TMP/backend-logs"
run_bg "$EX_TMP/backend.log" env PORT="$BE_HOST_PORT" LOG_DIR="$EX_TMP/backend-logs" \
  MONGODB_HOST=localhost MONGODB_PORT="$MDB_PORT" "$BACKEND_BIN"
track pid "$BG_PID"
wait_http "http://localhost:$BE_HOST_PORT/readyz" 200 ""
check_rc 0 "the backend on the host is ready: it reached the database at localhost:$MDB_PORT"
[ "$RC" = 0 ] || { OUT=$(tail -5 "$EX_TMP/backend.log"); _print_output; }
run "${CURL[@]}" -H 'Content-Type: application/json' -d '{"text":"Learn Docker"}' "http://localhost:$BE_HOST_PORT/goals"
check_http 201 "POST /goals: a goal saved"
run "${CURL[@]}" "http://localhost:$BE_HOST_PORT/goals"
check_out_contains '"text":"Learn Docker"' "GET /goals lists it"
say "mongosh equivalent: mongosh --port $MDB_PORT course-goals --eval 'db.goals.find()'"
run "$(dirname "$SECANTUSD")/python" -c "from pymongo import MongoClient
for d in MongoClient('127.0.0.1', $MDB_PORT, directConnection=True)['course-goals'].goals.find({}, {'_id': 0}): print(d)"
check_out_contains "'text': 'Learn Docker'" "the goal is stored in the container's database, reached through the published port"
