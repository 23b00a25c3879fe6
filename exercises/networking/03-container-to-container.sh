#!/bin/sh
# Check of exercises/networking/03-container-to-container.md (case 3: container -> container):
# by IP (and why that breaks), by name on a user-defined network, and the legacy --link.
. "$(dirname "$0")/../lib.sh"
ex_begin 03 "case 3, container -> container: by IP, then by name |ko| Case 3, 컨테이너 → 컨테이너: IP 주소로, 그다음 이름으로"
need_image "$MONGO_IMAGE" "$FAVORITES_IMAGE" "$TOOLBOX_IMAGE"
DB=$(ex_name mongodb)
FAV=$(ex_name favorites)
OTHER=$(ex_name other)
NET=$(ex_name favorites-net)
LEGACY_DB=$(ex_name legacy-db)
LINKED=$(ex_name favorites-linked)
# save_favorite PORT: POST a favorite to the favorites published on the host's PORT
save_favorite() {
  curl_host "http://localhost:$1/favorites" -H 'Content-Type: application/json' \
    -d '{"name":"Luke Skywalker","type":"character","url":"https://swapi.dev/api/people/1/"}'
}

# ------------------------------------------------------------------ part A: by IP
step "A1. run MongoDB in its own container (default bridge network, no published port) |ko| A1. MongoDB를 별도의 컨테이너에서 실행하기(기본 브리지 네트워크, 게시한 포트 없음)"
run docker run -d --name "$DB" --label "$EX_LABEL" "$MONGO_IMAGE"
track container "$DB"
check_rc 0 "the database container starts |ko| 데이터베이스 컨테이너가 시작됩니다"

step "A2. find its IP address with docker container inspect |ko| A2. docker container inspect로 IP 주소 찾기"
run docker container inspect -f '{{.NetworkSettings.IPAddress}}' "$DB"
IP_A=$OUT
check_out_match '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' "the container has an IP address |ko| 컨테이너에 IP 주소가 있습니다"
run docker network inspect bridge -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{"\n"}}{{end}}'
check_out_contains "$DB $IP_A/" "the bridge network lists it with the same address |ko| bridge 네트워크의 목록에도 같은 주소로 나옵니다"

step "A3. run favorites with that IP in its database URL |ko| A3. 데이터베이스 URL에 그 IP를 넣어 favorites 실행하기"
run docker run -d --rm --name "$FAV" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_URL="mongodb://$IP_A:27017/swfavorites" "$FAVORITES_IMAGE"
track container "$FAV"
FAV_PORT=$(published "$FAV" 3000)
check_rc 0 "favorites starts |ko| favorites가 시작됩니다"
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites reaches the database at $IP_A:27017 (ready) |ko| favorites가 $IP_A:27017의 데이터베이스에 접속합니다(준비 상태)"
save_favorite "$FAV_PORT"
check_http 201 "a favorite is saved in the database container |ko| 즐겨찾기가 데이터베이스 컨테이너에 저장됩니다"

step "A4. why a hard-coded IP breaks: recreate the database container |ko| A4. 하드코딩한 IP가 문제가 되는 이유: 데이터베이스 컨테이너 다시 만들기"
run docker rm -f "$DB"
say "another container starts meanwhile (in real life: anything) and may take the old address |ko| 그 사이에 다른 컨테이너가 시작되어(실제로는 무엇이든) 예전 주소를 가져갈 수 있습니다"
run docker run -d --name "$OTHER" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$OTHER"
run docker run -d --name "$DB" --label "$EX_LABEL" "$MONGO_IMAGE"
run docker container inspect -f '{{.NetworkSettings.IPAddress}}' "$DB"
IP_B=$OUT
check_ne "$IP_B" "$IP_A" "the new database container got another address |ko| 새 데이터베이스 컨테이너는 다른 주소를 받았습니다"
wait_http_host "http://localhost:$FAV_PORT/readyz" 503 15
check_rc 0 "favorites, still configured with $IP_A, is no longer ready (503): new URL, new container needed |ko| 아직 $IP_A 주소로 설정된 favorites는 더 이상 준비 상태가 아닙니다(503): 새 URL로 새 컨테이너를 만들어야 합니다"

step "A5. no names on the default bridge network |ko| A5. 기본 브리지 네트워크에서는 이름을 쓸 수 없음"
run docker run --rm "$TOOLBOX_IMAGE" getent hosts "$DB"
expect "exit code 2, nothing printed: the default bridge has no DNS for container names |ko| 종료 코드 2, 출력 없음: 기본 브리지에는 컨테이너 이름을 위한 DNS가 없습니다"
check_rc 2 "the name $DB does not resolve on the default bridge |ko| 기본 브리지에서는 $DB 이름이 확인(resolve)되지 않습니다"
run docker rm -f "$FAV" "$DB" "$OTHER"
check_rc 0 "part A cleaned up |ko| 파트 A를 정리했습니다"

# ------------------------------------------------------------------ part B: by name
step "B1. create a network (Docker never creates one for you) |ko| B1. 네트워크 만들기(Docker가 대신 만들어 주지 않습니다)"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" "$MONGO_IMAGE"
track container "$DB"
expect "an error: network $NET not found (unlike volumes, networks are not created on the fly) |ko| 오류: network $NET not found(볼륨과 달리 네트워크는 필요할 때 자동으로 만들어지지 않습니다)"
check_rc 125 "docker run --network with a missing network fails |ko| 없는 네트워크로 docker run --network를 실행하면 실패합니다"
check_out_contains "not found" "and says why |ko| 이유도 알려 줍니다"
run docker rm -f "$DB"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
check_rc 0 "docker network create $NET |ko| docker network create $NET 명령이 성공합니다"
run docker network ls --filter "name=^$NET\$" --format '{{.Name}} {{.Driver}} {{.Scope}}'
check_eq "$OUT" "$NET bridge local" "it is a local bridge network |ko| local 범위의 bridge 네트워크입니다"

step "B2. the database joins the network; no -p: nothing is published on the host |ko| B2. 데이터베이스를 네트워크에 연결하기. -p 없음: 호스트에 아무것도 게시하지 않음"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" "$MONGO_IMAGE"
check_rc 0 "the database starts on $NET |ko| 데이터베이스가 $NET 네트워크에서 시작됩니다"
run docker port "$DB"
check_eq "$OUT" "" "docker port: no published ports |ko| docker port: 게시된 포트가 없습니다"

step "B3. favorites on the same network uses the container NAME as host |ko| B3. 같은 네트워크의 favorites는 컨테이너 이름을 호스트로 사용"
run docker run -d --rm --name "$FAV" --network "$NET" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_URL="mongodb://$DB:27017/swfavorites" "$FAVORITES_IMAGE"
track container "$FAV"
FAV_PORT=$(published "$FAV" 3000)
check_rc 0 "favorites starts on $NET (only favorites publishes a port: for us on the host) |ko| favorites가 $NET 네트워크에서 시작됩니다(포트를 게시하는 것은 favorites뿐이며, 호스트에서 접속하기 위한 것입니다)"
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites reaches mongodb://$DB:27017 by name |ko| favorites가 이름으로 mongodb://$DB:27017에 접속합니다"
save_favorite "$FAV_PORT"
check_http 201 "a favorite is saved |ko| 즐겨찾기가 저장됩니다"
curl_host "http://localhost:$FAV_PORT/favorites"
check_out_contains '"name":"Luke Skywalker"' "and listed |ko| 목록에도 나옵니다"

step "B4. who answers the name? Docker's DNS server inside the network |ko| B4. 이름에는 누가 응답하는가? 네트워크 안의 Docker DNS 서버"
run docker run --rm --network "$NET" "$TOOLBOX_IMAGE" cat /etc/resolv.conf
check_out_contains "nameserver 127.0.0.11" "containers on a user-defined network ask Docker's embedded DNS (127.0.0.11) |ko| 사용자 정의 네트워크의 컨테이너는 Docker의 내장 DNS 서버(127.0.0.11)에 요청합니다"
run docker run --rm --network "$NET" "$TOOLBOX_IMAGE" dig +short "$DB"
IP_NAME=$OUT
check_eq "$IP_NAME" "$(container_ip "$DB" "$NET")" "the name resolves to the database's address on $NET |ko| 이름이 $NET 네트워크에서의 데이터베이스 주소로 확인됩니다"

step "B5. names are resolved when a request is made: recreate the database, favorites follows |ko| B5. 이름은 요청할 때 확인됨: 데이터베이스를 다시 만들어도 favorites가 따라감"
STARTED=$(inspect '{{.State.StartedAt}}' "$FAV")
run docker rm -f "$DB"
curl_host "http://localhost:$FAV_PORT/readyz"
check_http 503 "database gone: favorites is not ready |ko| 데이터베이스가 사라졌으므로 favorites는 준비 상태가 아닙니다"
run docker run -d --name "$OTHER" --network "$NET" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$OTHER"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" "$MONGO_IMAGE"
check_ne "$(container_ip "$DB" "$NET")" "$IP_NAME" "the new database container has a new address |ko| 새 데이터베이스 컨테이너는 새 주소를 받았습니다"
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites is ready again by itself: the name now resolves to the new address |ko| favorites가 저절로 다시 준비 상태가 됩니다. 이제 이름이 새 주소로 확인됩니다"
check_eq "$(inspect '{{.State.StartedAt}}' "$FAV")" "$STARTED" "favorites was neither restarted nor reconfigured |ko| favorites는 재시작되지도, 설정이 바뀌지도 않았습니다"
say "(the saved favorite is gone with the old container: keeping data is what volumes are for) |ko| (저장했던 즐겨찾기는 예전 컨테이너와 함께 사라졌습니다. 데이터를 유지하려면 볼륨을 사용해야 합니다)"

# ------------------------------------------------------------------ part C: --link
step "C1. the legacy way on the default bridge: --link NAME:ALIAS writes /etc/hosts |ko| C1. 기본 브리지의 레거시 방식: --link NAME:ALIAS가 /etc/hosts에 기록"
run docker run -d --name "$LEGACY_DB" --label "$EX_LABEL" "$MONGO_IMAGE"
track container "$LEGACY_DB"
check_rc 0 "a database on the default bridge |ko| 기본 브리지에서 데이터베이스가 시작됩니다"
run docker run --rm --link "$LEGACY_DB:db" "$TOOLBOX_IMAGE" sh -c 'grep -w db /etc/hosts; env | grep ^DB_PORT= | sort'
check_out_match "^$(container_ip "$LEGACY_DB" bridge | sed 's/\./\\./g')[[:space:]](.*[[:space:]])?db([[:space:]]|\$)" "/etc/hosts has a line for the alias db |ko| /etc/hosts에 별칭(alias) db에 대한 줄이 있습니다"
check_out_match '^DB_PORT=tcp://' "and --link also injects environment variables (DB_PORT=tcp://...) |ko| --link는 환경 변수도 주입합니다(DB_PORT=tcp://...)"

step "C2. favorites linked to the database under the alias it expects: 'mongodb' |ko| C2. favorites가 찾는 별칭 'mongodb'로 데이터베이스에 링크하기"
run docker run -d --rm --name "$LINKED" --label "$EX_LABEL" --link "$LEGACY_DB:mongodb" -p 127.0.0.1::3000 \
  -e MONGODB_USERNAME= "$FAVORITES_IMAGE"
track container "$LINKED"
LINKED_PORT=$(published "$LINKED" 3000)
check_rc 0 "favorites starts with --link (its default MONGODB_HOST is mongodb) |ko| favorites가 --link로 시작됩니다(기본 MONGODB_HOST 값은 mongodb입니다)"
wait_http_host "http://localhost:$LINKED_PORT/readyz" 200
check_rc 0 "favorites reaches the database through the link alias |ko| favorites가 링크 별칭으로 데이터베이스에 접속합니다"
run docker inspect -f '{{.HostConfig.Links}}' "$LINKED"
check_out_contains "/$LEGACY_DB:/$LINKED/mongodb" "docker inspect shows the link |ko| docker inspect에 링크가 나옵니다"
say "links are deprecated: one-way, default bridge only, fixed when the container starts; use networks |ko| 링크는 더 이상 권장되지 않습니다(deprecated). 단방향이고, 기본 브리지에서만 동작하며, 컨테이너가 시작될 때 고정됩니다. 네트워크를 사용하세요"
