#!/bin/sh
# Check of exercises/networking/02-container-to-host.md (case 2: container -> host machine).
# Needs only docker and sh here. "A database on your machine" is a MongoDB-compatible server
# (MONGO_IMAGE, no users, as the course's local mongod) in a container whose port is published
# on every address of the Docker host: for other containers it is a server on the host, reached
# through the host's address as a mongod there would be. "The backend on your machine" (§6) is
# the backend image on the host's network (--network host): the same network a `cargo run`
# there would have. On Docker Desktop the outcomes of §1, §4 and §5 differ (the page says why).
. "$(dirname "$0")/../lib.sh"
ex_begin 02 "case 2, container -> host: favorites uses a MongoDB on the host"
MONGOSH=$(mongosh_image)
need_image "$FAVORITES_IMAGE" "$BACKEND_IMAGE" "$SWAPI_IMAGE" "$TOOLBOX_IMAGE" "$MONGO_IMAGE" "$MONGOSH"
HOST_DB=$(ex_name host-db)
LOCAL_DB=$(ex_name host-db-local)
FAV=$(ex_name favorites)
FAV_NO_HOST=$(ex_name favorites-no-add-host)
MDB=$(ex_name mongodb)
BACKEND=$(ex_name backend-on-host)

step "a MongoDB-compatible server on the host, listening on every address (0.0.0.0)"
say "the page: mongod --bind_ip_all --port 27017 (no users: no auth). Here: a server whose port"
say "is published on every address of the Docker host, on a port Docker picks (-p 27017)"
run docker run -d --name "$HOST_DB" --label "$EX_LABEL" -p 27017 "$MONGO_IMAGE"
track container "$HOST_DB"
check_rc 0 "the host's database starts"
DB_PORT=$(published "$HOST_DB" 27017)
run_host sh -c "for i in \$(seq 150); do nc -z 127.0.0.1 $DB_PORT && exit 0; sleep 0.2; done; exit 1"
check_rc 0 "it accepts connections on the host's port $DB_PORT"
[ "$RC" = 0 ] || fatal "the host database did not start: $(docker logs "$HOST_DB" 2>&1 | tail -3)"

step "what host.docker.internal is"
run docker run --rm "$TOOLBOX_IMAGE" ip route
GATEWAY=$(printf '%s\n' "$OUT" | sed -n 's/^default via \([0-9.]*\) .*/\1/p')
run docker run --rm "$TOOLBOX_IMAGE" getent hosts host.docker.internal
if on_desktop; then
  expect "an address: Docker Desktop defines the name in every container (on Linux: nothing, exit code 2)"
  check_rc 0 "Docker Desktop: the name resolves without --add-host"
  DESKTOP_HOST=$(printf '%s\n' "$OUT" | awk '{print $1; exit}')
else
  expect "nothing, exit code 2: on Linux the name does not exist unless you add it (Docker Desktop adds it for you)"
  check_rc 2 "without --add-host the name does not resolve"
fi
run docker run --rm --add-host host.docker.internal:host-gateway "$TOOLBOX_IMAGE" getent hosts host.docker.internal
HOST_GW=$(printf '%s\n' "$OUT" | awk '{print $1; exit}')
check_rc 0 "with --add-host host.docker.internal:host-gateway it resolves"
if on_desktop; then
  expect "the same address as without --add-host: host-gateway is your machine, seen from Desktop's VM"
  check_eq "$HOST_GW" "$DESKTOP_HOST" "Docker Desktop: host-gateway is the address Desktop's own name gives"
  check_ne "$HOST_GW" "$GATEWAY" "Docker Desktop: your machine is not the containers' gateway (that is the VM, on docker0)"
else
  run_host ip -4 -o addr show docker0
  check_out_contains "inet $HOST_GW/" "host-gateway is the host's own address on the docker0 bridge"
  check_eq "$GATEWAY" "$HOST_GW" "the same address is every container's default gateway"
fi

step "a container reaches the host's database port through host.docker.internal"
run docker run --rm --add-host host.docker.internal:host-gateway "$TOOLBOX_IMAGE" nc -zv -w 3 host.docker.internal "$DB_PORT"
check_rc 0 "TCP connection from a container to host.docker.internal:$DB_PORT"
run docker run --rm "$TOOLBOX_IMAGE" nc -zv -w 3 localhost "$DB_PORT"
expect "refused: inside a container, localhost is the container itself, not your machine"
check_rc nonzero "localhost:$DB_PORT from a container does not reach the host"

step "run favorites against the host's database"
URL=mongodb://host.docker.internal:$DB_PORT/swfavorites
run docker run -d --rm --name "$FAV" --label "$EX_LABEL" --add-host host.docker.internal:host-gateway \
  -p 127.0.0.1::3000 -e MONGODB_URL="$URL" "$FAVORITES_IMAGE"
track container "$FAV"
check_rc 0 "favorites starts"
FAV_PORT=$(published "$FAV" 3000)
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites becomes ready: /readyz pings the database on the host"
curl_host "http://localhost:$FAV_PORT/favorites" -H 'Content-Type: application/json' \
  -d '{"name":"A New Hope","type":"movie","url":"https://swapi.dev/api/films/1/"}'
check_http 201 "POST /favorites saves a favorite"
check_out_contains '"message":"Favorite saved!"' "with the course's message"
curl_host "http://localhost:$FAV_PORT/favorites"
check_http 200 "GET /favorites answers"
check_out_contains '"name":"A New Hope"' "the favorite is listed"

step "the document is in the database on the host (look from the host side)"
say "the page: mongosh --port 27017 swfavorites --eval 'db.favorites.find()' on your machine; here"
say "mongosh from the image $MONGOSH, on the host's network"
run docker run --rm --network host "$MONGOSH" mongosh --quiet --port "$DB_PORT" swfavorites --eval 'db.favorites.find({}, {_id: 0})'
check_out_contains "A New Hope" "the favorite is stored in the host's database"

step "an HTTP API on the host, reached the same way"
say "the offline SWAPI, published on every address of the host, stands in for an API you run there"
SWAPI_HOST=$(ex_name swapi-on-host)
FAV_API=$(ex_name favorites-api)
run docker run -d --name "$SWAPI_HOST" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
track container "$SWAPI_HOST"
check_rc 0 "the API runs, published on the host"
API_PORT=$(published "$SWAPI_HOST" 8000)
run docker run -d --rm --name "$FAV_API" --label "$EX_LABEL" --add-host host.docker.internal:host-gateway \
  -p 127.0.0.1::3000 -e MONGODB_USERNAME= -e SWAPI_BASE_URL="http://host.docker.internal:$API_PORT/api" "$FAVORITES_IMAGE"
track container "$FAV_API"
check_rc 0 "a second favorites starts, its SWAPI at host.docker.internal:$API_PORT"
FAV_API_PORT=$(published "$FAV_API" 3000)
wait_http_host "http://localhost:$FAV_API_PORT/healthz" 200 || fatal "the second favorites did not start serving"
wait_http_host "http://localhost:$API_PORT/healthz" 200 || fatal "the API on the host did not start serving"
curl_host "http://localhost:$FAV_API_PORT/movies"
check_http 200 "GET /movies: favorites fetched the films from the API on the host"
check_out_contains '"title":"A New Hope"' "the films came through host.docker.internal"
run docker rm -f "$SWAPI_HOST"
check_rc 0 "docker rm -f: the API goes (it was started without --rm)"

step "forget --add-host"
run docker run -d --rm --name "$FAV_NO_HOST" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_URL="$URL" "$FAVORITES_IMAGE"
track container "$FAV_NO_HOST"
check_rc 0 "favorites starts anyway (it waits for its database)"
NO_HOST_PORT=$(published "$FAV_NO_HOST" 3000)
wait_http_host "http://localhost:$NO_HOST_PORT/healthz" 200 || fatal "favorites did not start serving"
if on_desktop; then
  expect "ready: on Docker Desktop the name resolves without --add-host (on Linux: 503, not ready)"
  wait_http_host "http://localhost:$NO_HOST_PORT/readyz" 200
  check_rc 0 "Docker Desktop: /readyz is ready without --add-host"
  curl_host "http://localhost:$NO_HOST_PORT/favorites" -H 'Content-Type: application/json' \
    -d '{"name":"Luke Skywalker","type":"character","url":"https://swapi.dev/api/people/1/"}'
  check_http 201 "Docker Desktop: POST /favorites saves"
else
  curl_host "http://localhost:$NO_HOST_PORT/readyz"
  expect 'HTTP 503 {"message":"Database unavailable."} (the driver gives up after 3 s)'
  check_http 503 "/readyz: not ready"
  curl_host "http://localhost:$NO_HOST_PORT/favorites" -H 'Content-Type: application/json' \
    -d '{"name":"Luke Skywalker","type":"character","url":"https://swapi.dev/api/people/1/"}'
  check_http 503 "POST /favorites: 503, nothing hangs"
  check_out_contains "Database unavailable." "with a clear message"
  run docker logs "$FAV_NO_HOST"
  check_out_contains "database not reachable" "docker logs: the service says why"
fi

step "a server that listens on the host's 127.0.0.1 only"
say "here: a server published on 127.0.0.1 only (-p 127.0.0.1::27017)"
run docker run -d --name "$LOCAL_DB" --label "$EX_LABEL" -p 127.0.0.1::27017 "$MONGO_IMAGE"
track container "$LOCAL_DB"
LOCAL_PORT=$(published "$LOCAL_DB" 27017)
run_host sh -c "for i in \$(seq 150); do nc -z 127.0.0.1 $LOCAL_PORT && echo connected && exit 0; sleep 0.2; done; exit 1"
check_rc 0 "from the host itself it answers on 127.0.0.1:$LOCAL_PORT"
run docker run --rm --add-host host.docker.internal:host-gateway "$TOOLBOX_IMAGE" nc -zv -w 3 host.docker.internal "$LOCAL_PORT"
if on_desktop; then
  expect "connected: Docker Desktop's network proxy makes host.docker.internal connections on your machine's loopback (on Linux: refused)"
  check_rc 0 "Docker Desktop: a container reaches a server bound to your machine's 127.0.0.1"
else
  expect "refused: host.docker.internal is $HOST_GW, and nothing listens on that address at port $LOCAL_PORT"
  check_rc nonzero "a container cannot reach a server bound to 127.0.0.1"
fi

step "the other way round: MongoDB in a container, published with -p, the backend on the host"
say "the page publishes 27017:27017; the check publishes a port Docker picks (-p 27017)"
run docker run --name "$MDB" --rm -d --label "$EX_LABEL" -p 27017 "$MONGO_IMAGE"
track container "$MDB"
check_rc 0 "MongoDB runs in a container (no users, as in the course)"
MDB_PORT=$(published "$MDB" 27017)
run docker port "$MDB"
check_out_match "^27017/tcp -> 0\.0\.0\.0:$MDB_PORT\$" "docker port: the container's 27017 is published on the host's port $MDB_PORT"
run_host sh -c "for i in \$(seq 150); do nc -z 127.0.0.1 $MDB_PORT && exit 0; sleep 0.2; done; exit 1"
check_rc 0 "the published port accepts connections on the host"
say "the page: cargo run -p backend on your machine; here the backend image on the host's network"
say "(--network host: the process shares the host's addresses, localhost included, like cargo run;"
say "MONGODB_USERNAME= : no login, the image's default user root is for the compose stack)"
BE_PORT=$(free_host_port)
run docker run -d --name "$BACKEND" --label "$EX_LABEL" --network host -e PORT="$BE_PORT" \
  -e MONGODB_USERNAME= -e MONGODB_HOST=localhost -e MONGODB_PORT="$MDB_PORT" "$BACKEND_IMAGE"
track container "$BACKEND"
check_rc 0 "the backend starts on the host's network"
wait_http_host "http://localhost:$BE_PORT/readyz" 200
check_rc 0 "the backend on the host is ready: it reached the database at localhost:$MDB_PORT"
[ "$RC" = 0 ] || { OUT=$(docker logs "$BACKEND" 2>&1 | tail -5); _print_output; }
curl_host "http://localhost:$BE_PORT/goals" -H 'Content-Type: application/json' -d '{"text":"Learn Docker"}'
check_http 201 "POST /goals: a goal saved"
curl_host "http://localhost:$BE_PORT/goals"
check_out_contains '"text":"Learn Docker"' "GET /goals lists it"
say "the page: mongosh course-goals --eval 'db.goals.find()' on your machine"
run docker run --rm --network host "$MONGOSH" mongosh --quiet --port "$MDB_PORT" course-goals --eval 'db.goals.find({}, {_id: 0})'
check_out_contains "Learn Docker" "the goal is stored in the container's database, reached through the published port"
