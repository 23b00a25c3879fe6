#!/bin/sh
# Check of exercises/networking/02-container-to-host.md (case 2: container -> host machine).
# Needs only docker and sh here. "A database on your machine" is a MongoDB-compatible server
# (MONGO_IMAGE, no users, as the course's local mongod) in a container whose port is published
# on every address of the Docker host: for other containers it is a server on the host, reached
# through the host's address as a mongod there would be. "The backend on your machine" (§6) is
# the backend image on the host's network (--network host): the same network a `cargo run`
# there would have. On Docker Desktop the outcomes of §1, §4 and §5 differ (the page says why).
. "$(dirname "$0")/../lib.sh"
ex_begin 02 "case 2, container -> host: favorites uses a MongoDB on the host |ko| Case 2, 컨테이너 → 호스트: 호스트의 MongoDB를 쓰는 favorites"
MONGOSH=$(mongosh_image)
need_image "$FAVORITES_IMAGE" "$BACKEND_IMAGE" "$SWAPI_IMAGE" "$TOOLBOX_IMAGE" "$MONGO_IMAGE" "$MONGOSH"
HOST_DB=$(ex_name host-db)
LOCAL_DB=$(ex_name host-db-local)
FAV=$(ex_name favorites)
FAV_NO_HOST=$(ex_name favorites-no-add-host)
MDB=$(ex_name mongodb)
BACKEND=$(ex_name backend-on-host)

step "a MongoDB-compatible server on the host, listening on every address (0.0.0.0) |ko| 호스트에서 모든 주소(0.0.0.0)로 수신 대기(listen)하는 MongoDB 호환 서버"
say "the page: mongod --bind_ip_all --port 27017 (no users: no auth). Here: a server whose port |ko| 페이지에서는 mongod --bind_ip_all --port 27017을 실행합니다(사용자 없음: 인증 없음)."
say "is published on every address of the Docker host, on a port Docker picks (-p 27017) |ko| 여기서는 Docker 호스트의 모든 주소에, Docker가 고른 포트로 게시한 서버를 씁니다(-p 27017)"
run docker run -d --name "$HOST_DB" --label "$EX_LABEL" -p 27017 "$MONGO_IMAGE"
track container "$HOST_DB"
check_rc 0 "the host's database starts |ko| 호스트의 데이터베이스가 시작됩니다"
DB_PORT=$(published "$HOST_DB" 27017)
wait_tcp_host "$DB_PORT"
check_rc 0 "it accepts connections on the host's port $DB_PORT |ko| 호스트의 포트 $DB_PORT에서 연결을 받습니다"
[ "$RC" = 0 ] || { HOST_DB_LOGS=$(docker logs "$HOST_DB" 2>&1 | tail -3); fatal "the host database did not start: $HOST_DB_LOGS |ko| 호스트의 데이터베이스가 시작되지 않았습니다: $HOST_DB_LOGS"; }

step "what host.docker.internal is |ko| host.docker.internal이란?"
run docker run --rm "$TOOLBOX_IMAGE" ip route
GATEWAY=$(printf '%s\n' "$OUT" | sed -n 's/^default via \([0-9.]*\) .*/\1/p')
run docker run --rm "$TOOLBOX_IMAGE" getent hosts host.docker.internal
if on_desktop; then
  expect "an address: Docker Desktop defines the name in every container (on Linux: nothing, exit code 2) |ko| 주소 하나: Docker Desktop은 모든 컨테이너에 이 이름을 정의해 둡니다(Linux에서는 출력 없음, 종료 코드 2)"
  check_rc 0 "Docker Desktop: the name resolves without --add-host |ko| Docker Desktop: --add-host 없이도 이름이 확인(resolve)됩니다"
  DESKTOP_HOST=$(printf '%s\n' "$OUT" | awk '{print $1; exit}')
else
  expect "nothing, exit code 2: on Linux the name does not exist unless you add it (Docker Desktop adds it for you) |ko| 출력 없음, 종료 코드 2: Linux에서는 직접 추가하지 않으면 이 이름이 없습니다(Docker Desktop은 알아서 추가해 줍니다)"
  check_rc 2 "without --add-host the name does not resolve |ko| --add-host 없이는 이름이 확인(resolve)되지 않습니다"
fi
run docker run --rm --add-host host.docker.internal:host-gateway "$TOOLBOX_IMAGE" getent hosts host.docker.internal
HOST_GW=$(printf '%s\n' "$OUT" | awk '{print $1; exit}')
check_rc 0 "with --add-host host.docker.internal:host-gateway it resolves |ko| --add-host host.docker.internal:host-gateway를 붙이면 이름이 확인됩니다"
if on_desktop; then
  expect "the same address as without --add-host: host-gateway is your machine, seen from Desktop's VM |ko| --add-host 없이 얻은 것과 같은 주소: host-gateway는 Desktop의 VM에서 본 호스트 머신입니다"
  check_eq "$HOST_GW" "$DESKTOP_HOST" "Docker Desktop: host-gateway is the address Desktop's own name gives |ko| Docker Desktop: host-gateway는 Desktop이 정의한 이름이 주는 주소와 같습니다"
  check_ne "$HOST_GW" "$GATEWAY" "Docker Desktop: your machine is not the containers' gateway (that is the VM, on docker0) |ko| Docker Desktop: 호스트 머신은 컨테이너의 게이트웨이가 아닙니다(게이트웨이는 docker0에 있는 VM입니다)"
else
  run_host ip -4 -o addr show docker0
  check_out_contains "inet $HOST_GW/" "host-gateway is the host's own address on the docker0 bridge |ko| host-gateway는 docker0 브리지에 있는 호스트 자신의 주소입니다"
  check_eq "$GATEWAY" "$HOST_GW" "the same address is every container's default gateway |ko| 같은 주소가 모든 컨테이너의 기본 게이트웨이입니다"
fi

step "a container reaches the host's database port through host.docker.internal |ko| 컨테이너에서 host.docker.internal로 호스트의 데이터베이스 포트에 접속하기"
run docker run --rm --add-host host.docker.internal:host-gateway "$TOOLBOX_IMAGE" nc -zv -w 3 host.docker.internal "$DB_PORT"
check_rc 0 "TCP connection from a container to host.docker.internal:$DB_PORT |ko| 컨테이너에서 host.docker.internal:$DB_PORT에 TCP로 연결됩니다"
run docker run --rm "$TOOLBOX_IMAGE" nc -zv -w 3 localhost "$DB_PORT"
expect "refused: inside a container, localhost is the container itself, not your machine |ko| 거부됨: 컨테이너 안에서 localhost는 호스트 머신이 아니라 컨테이너 자기 자신입니다"
check_rc nonzero "localhost:$DB_PORT from a container does not reach the host |ko| 컨테이너에서 localhost:$DB_PORT에 연결하면 호스트에 닿지 않습니다"

step "run favorites against the host's database |ko| 호스트의 데이터베이스를 사용하도록 favorites 실행하기"
URL=mongodb://host.docker.internal:$DB_PORT/swfavorites
run docker run -d --rm --name "$FAV" --label "$EX_LABEL" --add-host host.docker.internal:host-gateway \
  -p 127.0.0.1::3000 -e MONGODB_URL="$URL" "$FAVORITES_IMAGE"
track container "$FAV"
check_rc 0 "favorites starts |ko| favorites가 시작됩니다"
FAV_PORT=$(published "$FAV" 3000)
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites becomes ready: /readyz pings the database on the host |ko| favorites가 준비 상태가 됩니다. /readyz는 호스트의 데이터베이스에 ping을 보냅니다"
curl_host "http://localhost:$FAV_PORT/favorites" -H 'Content-Type: application/json' \
  -d '{"name":"A New Hope","type":"movie","url":"https://swapi.dev/api/films/1/"}'
check_http 201 "POST /favorites saves a favorite |ko| POST /favorites가 즐겨찾기를 저장합니다"
check_out_contains '"message":"Favorite saved!"' "with the course's message |ko| 강의와 같은 메시지가 나옵니다"
curl_host "http://localhost:$FAV_PORT/favorites"
check_http 200 "GET /favorites answers |ko| GET /favorites가 응답합니다"
check_out_contains '"name":"A New Hope"' "the favorite is listed |ko| 즐겨찾기가 목록에 나옵니다"

step "the document is in the database on the host (look from the host side) |ko| 문서가 호스트의 데이터베이스에 있는지 확인하기(호스트 쪽에서)"
say "the page: mongosh --port 27017 swfavorites --eval 'db.favorites.find()' on your machine; here |ko| 페이지에서는 호스트 머신에서 mongosh --port 27017 swfavorites --eval 'db.favorites.find()' 명령을 실행합니다."
say "mongosh from the image $MONGOSH, on the host's network |ko| 여기서는 $MONGOSH 이미지의 mongosh를 호스트의 네트워크에서 실행합니다"
run docker run --rm --network host "$MONGOSH" mongosh --quiet --port "$DB_PORT" swfavorites --eval 'db.favorites.find({}, {_id: 0})'
check_out_contains "A New Hope" "the favorite is stored in the host's database |ko| 즐겨찾기가 호스트의 데이터베이스에 저장되어 있습니다"

step "an HTTP API on the host, reached the same way |ko| 같은 방법으로 접속하는 호스트의 HTTP API"
say "the offline SWAPI, published on every address of the host, stands in for an API you run there |ko| 호스트의 모든 주소에 게시한 오프라인 SWAPI가 호스트 머신에서 실행하는 API를 대신합니다"
SWAPI_HOST=$(ex_name swapi-on-host)
FAV_API=$(ex_name favorites-api)
run docker run -d --name "$SWAPI_HOST" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
track container "$SWAPI_HOST"
check_rc 0 "the API runs, published on the host |ko| API가 실행되고 호스트에 게시됩니다"
API_PORT=$(published "$SWAPI_HOST" 8000)
run docker run -d --rm --name "$FAV_API" --label "$EX_LABEL" --add-host host.docker.internal:host-gateway \
  -p 127.0.0.1::3000 -e MONGODB_USERNAME= -e SWAPI_BASE_URL="http://host.docker.internal:$API_PORT/api" "$FAVORITES_IMAGE"
track container "$FAV_API"
check_rc 0 "a second favorites starts, its SWAPI at host.docker.internal:$API_PORT |ko| 두 번째 favorites가 시작됩니다. 이 컨테이너가 쓰는 SWAPI의 주소는 host.docker.internal:$API_PORT입니다"
FAV_API_PORT=$(published "$FAV_API" 3000)
wait_http_host "http://localhost:$FAV_API_PORT/healthz" 200 || fatal "the second favorites did not start serving |ko| 두 번째 favorites가 요청을 처리하기 시작하지 않았습니다"
wait_http_host "http://localhost:$API_PORT/healthz" 200 || fatal "the API on the host did not start serving |ko| 호스트의 API가 요청을 처리하기 시작하지 않았습니다"
curl_host "http://localhost:$FAV_API_PORT/movies"
check_http 200 "GET /movies: favorites fetched the films from the API on the host |ko| GET /movies: favorites가 호스트의 API에서 영화 목록을 가져왔습니다"
check_out_contains '"title":"A New Hope"' "the films came through host.docker.internal |ko| 영화 목록은 host.docker.internal을 거쳐 왔습니다"
run docker rm -f "$SWAPI_HOST"
check_rc 0 "docker rm -f: the API goes (it was started without --rm) |ko| docker rm -f: API가 삭제됩니다(--rm 없이 시작했기 때문입니다)"

step "forget --add-host |ko| --add-host를 빠뜨렸을 때"
run docker run -d --rm --name "$FAV_NO_HOST" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_URL="$URL" "$FAVORITES_IMAGE"
track container "$FAV_NO_HOST"
check_rc 0 "favorites starts anyway (it waits for its database) |ko| 그래도 favorites는 시작됩니다(데이터베이스를 기다립니다)"
NO_HOST_PORT=$(published "$FAV_NO_HOST" 3000)
wait_http_host "http://localhost:$NO_HOST_PORT/healthz" 200 || fatal "favorites did not start serving |ko| favorites가 요청을 처리하기 시작하지 않았습니다"
if on_desktop; then
  expect "ready: on Docker Desktop the name resolves without --add-host (on Linux: 503, not ready) |ko| 준비 상태: Docker Desktop에서는 --add-host 없이도 이름이 확인됩니다(Linux에서는 503, 준비되지 않음)"
  wait_http_host "http://localhost:$NO_HOST_PORT/readyz" 200
  check_rc 0 "Docker Desktop: /readyz is ready without --add-host |ko| Docker Desktop: --add-host 없이도 /readyz가 준비 상태입니다"
  curl_host "http://localhost:$NO_HOST_PORT/favorites" -H 'Content-Type: application/json' \
    -d '{"name":"Luke Skywalker","type":"character","url":"https://swapi.dev/api/people/1/"}'
  check_http 201 "Docker Desktop: POST /favorites saves |ko| Docker Desktop: POST /favorites가 저장에 성공합니다"
else
  curl_host "http://localhost:$NO_HOST_PORT/readyz"
  expect 'HTTP 503 {"message":"Database unavailable."} (the driver gives up after 3 s) |ko| HTTP 503 {"message":"Database unavailable."}(드라이버는 3초 뒤에 포기합니다)'
  check_http 503 "/readyz: not ready |ko| /readyz: 준비되지 않음"
  curl_host "http://localhost:$NO_HOST_PORT/favorites" -H 'Content-Type: application/json' \
    -d '{"name":"Luke Skywalker","type":"character","url":"https://swapi.dev/api/people/1/"}'
  check_http 503 "POST /favorites: 503, nothing hangs |ko| POST /favorites: 503, 응답 없이 멈추는 일은 없습니다"
  check_out_contains "Database unavailable." "with a clear message |ko| 분명한 메시지가 함께 옵니다"
  run docker logs "$FAV_NO_HOST"
  check_out_contains "database not reachable" "docker logs: the service says why |ko| docker logs: 서비스가 이유를 알려 줍니다"
fi

step "a server that listens on the host's 127.0.0.1 only |ko| 호스트의 127.0.0.1에서만 수신 대기하는 서버"
say "here: a server published on 127.0.0.1 only (-p 127.0.0.1::27017) |ko| 여기서는 127.0.0.1에만 게시한 서버를 씁니다(-p 127.0.0.1::27017)"
run docker run -d --name "$LOCAL_DB" --label "$EX_LABEL" -p 127.0.0.1::27017 "$MONGO_IMAGE"
track container "$LOCAL_DB"
LOCAL_PORT=$(published "$LOCAL_DB" 27017)
wait_tcp_host "$LOCAL_PORT"
check_rc 0 "from the host itself it answers on 127.0.0.1:$LOCAL_PORT |ko| 호스트 자체에서 접속하면 127.0.0.1:$LOCAL_PORT에서 응답합니다"
run docker run --rm --add-host host.docker.internal:host-gateway "$TOOLBOX_IMAGE" nc -zv -w 3 host.docker.internal "$LOCAL_PORT"
if on_desktop; then
  expect "connected: Docker Desktop's network proxy makes host.docker.internal connections on your machine's loopback (on Linux: refused) |ko| 연결됨: Docker Desktop의 네트워크 프록시가 host.docker.internal로 오는 연결을 호스트 머신의 루프백으로 이어 줍니다(Linux에서는 거부됨)"
  check_rc 0 "Docker Desktop: a container reaches a server bound to your machine's 127.0.0.1 |ko| Docker Desktop: 컨테이너가 호스트 머신의 127.0.0.1에 바인딩된 서버에 접속합니다"
else
  expect "refused: host.docker.internal is $HOST_GW, and nothing listens on that address at port $LOCAL_PORT |ko| 거부됨: host.docker.internal의 주소는 $HOST_GW입니다. 그 주소의 포트 $LOCAL_PORT에서는 아무것도 수신 대기하지 않습니다"
  check_rc nonzero "a container cannot reach a server bound to 127.0.0.1 |ko| 컨테이너는 127.0.0.1에 바인딩된 서버에 접속할 수 없습니다"
fi

step "the other way round: MongoDB in a container, published with -p, the backend on the host |ko| 반대 방향: MongoDB는 컨테이너에서(-p로 게시), 백엔드는 호스트에서"
say "the page publishes 27017:27017; the check publishes a port Docker picks (-p 27017) |ko| 페이지는 27017:27017로 게시하지만, 점검은 Docker가 고른 포트에 게시합니다(-p 27017)"
run docker run --name "$MDB" --rm -d --label "$EX_LABEL" -p 27017 "$MONGO_IMAGE"
track container "$MDB"
check_rc 0 "MongoDB runs in a container (no users, as in the course) |ko| MongoDB가 컨테이너에서 실행됩니다(강의에서처럼 사용자 없음)"
MDB_PORT=$(published "$MDB" 27017)
run docker port "$MDB"
check_out_match "^27017/tcp -> 0\.0\.0\.0:$MDB_PORT\$" "docker port: the container's 27017 is published on the host's port $MDB_PORT |ko| docker port: 컨테이너의 27017번 포트가 호스트의 포트 $MDB_PORT에 게시되어 있습니다"
wait_tcp_host "$MDB_PORT"
check_rc 0 "the published port accepts connections on the host |ko| 게시된 포트가 호스트에서 연결을 받습니다"
say "the page: cargo run -p backend on your machine; here the backend image on the host's network |ko| 페이지에서는 호스트 머신에서 cargo run -p backend를 실행합니다. 여기서는 백엔드 이미지를 호스트의 네트워크에서 실행합니다"
say "(--network host: the process shares the host's addresses, localhost included, like cargo run; |ko| (--network host: cargo run처럼 프로세스가 localhost를 포함한 호스트의 주소를 함께 씁니다."
say "MONGODB_USERNAME= : no login, the image's default user root is for the compose stack) |ko| MONGODB_USERNAME= : 로그인하지 않습니다. 이미지의 기본 사용자 root는 compose 스택용입니다)"
BE_PORT=$(free_host_port)
run docker run -d --name "$BACKEND" --label "$EX_LABEL" --network host -e PORT="$BE_PORT" \
  -e MONGODB_USERNAME= -e MONGODB_HOST=localhost -e MONGODB_PORT="$MDB_PORT" "$BACKEND_IMAGE"
track container "$BACKEND"
check_rc 0 "the backend starts on the host's network |ko| 백엔드가 호스트의 네트워크에서 시작됩니다"
wait_http_host "http://localhost:$BE_PORT/readyz" 200
check_rc 0 "the backend on the host is ready: it reached the database at localhost:$MDB_PORT |ko| 호스트의 백엔드가 준비 상태가 됩니다. localhost:$MDB_PORT의 데이터베이스에 접속했습니다"
[ "$RC" = 0 ] || { OUT=$(docker logs "$BACKEND" 2>&1 | tail -5); _print_output; }
curl_host "http://localhost:$BE_PORT/goals" -H 'Content-Type: application/json' -d '{"text":"Learn Docker"}'
check_http 201 "POST /goals: a goal saved |ko| POST /goals: 목표(goal)가 저장됩니다"
curl_host "http://localhost:$BE_PORT/goals"
check_out_contains '"text":"Learn Docker"' "GET /goals lists it |ko| GET /goals의 목록에 나옵니다"
say "the page: mongosh course-goals --eval 'db.goals.find()' on your machine |ko| 페이지에서는 호스트 머신에서 mongosh course-goals --eval 'db.goals.find()' 명령을 실행합니다"
run docker run --rm --network host "$MONGOSH" mongosh --quiet --port "$MDB_PORT" course-goals --eval 'db.goals.find({}, {_id: 0})'
check_out_contains "Learn Docker" "the goal is stored in the container's database, reached through the published port |ko| 게시된 포트로 접속한 컨테이너의 데이터베이스에 목표가 저장되어 있습니다"
