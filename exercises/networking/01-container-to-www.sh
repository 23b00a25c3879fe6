#!/bin/sh
# Check of exercises/networking/01-container-to-www.md (case 1: container -> WWW).
# EX_SWAPI=auto (default: use https://swapi.dev/api when a container reaches it, else the
# offline stand-in), online (always swapi.dev; fails without internet), offline (stand-in).
# Needs only docker and sh here; on Docker Desktop the host side is Desktop's VM (see lib.sh).
. "$(dirname "$0")/../lib.sh"
ex_begin 01 "case 1, container -> WWW: favorites fetches SWAPI |ko| Case 1, 컨테이너 → WWW: SWAPI에서 데이터를 가져오는 favorites"
need_image "$FAVORITES_IMAGE" "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
FAV=$(ex_name favorites)
STANDIN=$(ex_name swapi)
FAV_DOWN=$(ex_name favorites-swapi-down)
MODE=${EX_SWAPI:-auto}
REAL_SWAPI=${EX_SWAPI_URL:-https://swapi.dev/api}

step "what a container gets for talking to the outside world |ko| 컨테이너가 바깥과 통신하려고 받는 것"
say "no --network flag: the container joins the default 'bridge' network (docker0 on the Docker host) |ko| --network 플래그 없음: 컨테이너는 기본 네트워크 'bridge'(Docker 호스트의 docker0)에 연결됩니다"
run docker run --rm "$TOOLBOX_IMAGE" ip route
expect "a default route via a gateway: every address outside the container goes there |ko| 게이트웨이를 거치는 기본 경로(default route): 컨테이너 바깥의 주소로 가는 트래픽은 모두 그리로 갑니다"
check_out_match '^default via [0-9.]+ dev eth0' "the container has a default route |ko| 컨테이너에 기본 경로(default route)가 있습니다"
GATEWAY=$(printf '%s\n' "$OUT" | sed -n 's/^default via \([0-9.]*\) .*/\1/p')
if on_desktop; then
  desktop_note "your machine has no docker0: Docker runs in a VM, and docker0 is the VM's. Look at it |ko| 호스트 머신에는 docker0가 없습니다. Docker는 VM 안에서 실행되고, docker0는 그 VM에 있습니다."
  desktop_note "from a container on the VM's network: docker run --rm --network host course-toolbox ip -4 -o addr show docker0 |ko| VM의 네트워크를 쓰는 컨테이너에서 확인하세요: docker run --rm --network host course-toolbox ip -4 -o addr show docker0"
fi
run_host ip -4 -o addr show docker0
expect "the gateway $GATEWAY is the Docker host's own address on docker0: the host forwards (NATs) the traffic to the internet |ko| 게이트웨이($GATEWAY)는 docker0에 있는 Docker 호스트 자신의 주소입니다. Docker 호스트가 트래픽을 인터넷으로 전달합니다(NAT)"
check_out_contains "inet $GATEWAY/" "the container's gateway is the Docker host, on docker0 |ko| 컨테이너의 게이트웨이는 docker0에 있는 Docker 호스트입니다"
run docker run --rm "$TOOLBOX_IMAGE" cat /etc/resolv.conf
expect "a nameserver: Docker gives containers the Docker host's DNS settings, so public names resolve |ko| nameserver 줄: Docker가 컨테이너에 Docker 호스트의 DNS 설정을 주므로 공개된 이름도 확인(resolve)됩니다"
check_out_match '^nameserver ' "the container has a DNS server |ko| 컨테이너에 DNS 서버가 있습니다"

step "is SWAPI on the internet reachable from a container? |ko| 컨테이너에서 인터넷의 SWAPI에 접속할 수 있는가?"
run docker run --rm "$TOOLBOX_IMAGE" curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$REAL_SWAPI/films/"
if [ "$MODE" = online ] || { [ "$MODE" = auto ] && [ "$OUT" = 200 ]; }; then
  SWAPI_URL=$REAL_SWAPI
  say "yes: favorites will use $SWAPI_URL, like in the course |ko| 접속됩니다. 강의에서처럼 favorites가 $SWAPI_URL 주소를 사용합니다"
  [ "$MODE" = online ] && check_eq "$OUT" 200 "swapi.dev answers from a container (EX_SWAPI=online) |ko| 컨테이너에서 swapi.dev가 응답합니다(EX_SWAPI=online)"
else
  say "no answer (no internet, or swapi.dev is down: it often is). Stand-in: the offline SWAPI |ko| 응답이 없습니다(인터넷이 안 되거나, 자주 그렇듯 swapi.dev가 다운되었습니다). 대신 오프라인 SWAPI 대체 서버를 씁니다."
  say "published on the Docker host and reached at the host's main address, an address outside |ko| 이 서버는 Docker 호스트에 게시하고, 어떤 Docker 네트워크에도 속하지 않는 호스트 자체의 IP 주소로 접속합니다."
  say "any docker network: the request leaves the container by the same default route as above. |ko| 그래서 요청은 위에서 본 것과 같은 기본 경로를 따라 컨테이너를 나갑니다."
  run_host ip -4 route get 1.1.1.1
  HOST_IP=$(printf '%s\n' "$OUT" | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1)
  [ -n "$HOST_IP" ] || HOST_IP=$GATEWAY
  run docker run -d --name "$STANDIN" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
  track container "$STANDIN"
  check_rc 0 "the offline SWAPI stand-in starts, its port 8000 published on a port Docker picks |ko| 오프라인 SWAPI 대체 서버가 시작되고, 8000번 포트는 Docker가 고른 호스트 포트에 게시됩니다"
  SWAPI_PORT=$(published "$STANDIN" 8000)
  wait_http_host "http://localhost:$SWAPI_PORT/healthz" 200 || fatal "the SWAPI stand-in did not become healthy |ko| SWAPI 대체 서버가 healthy 상태가 되지 않았습니다"
  SWAPI_URL=http://$HOST_IP:$SWAPI_PORT/api
  run docker run --rm "$TOOLBOX_IMAGE" curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$SWAPI_URL/films/"
  check_eq "$OUT" 200 "a container reaches the stand-in at $SWAPI_URL (outside its network) |ko| 컨테이너가 자기 네트워크 바깥에 있는 대체 서버($SWAPI_URL)에 접속합니다"
fi

step "run favorites detached, publish its port, point it at SWAPI |ko| favorites를 분리(detached) 모드로 실행하고, 포트를 게시하고, SWAPI를 가리키게 하기"
say "MONGODB_USERNAME= (empty): no database login; /movies and /people need no database |ko| MONGODB_USERNAME=(빈 값): 데이터베이스 로그인을 하지 않습니다. /movies와 /people에는 데이터베이스가 필요 없습니다"
say "the page publishes 3000:3000; the check lets Docker pick a free port on 127.0.0.1 (127.0.0.1::3000) |ko| 페이지는 3000:3000으로 게시하지만, 점검은 127.0.0.1의 빈 포트를 Docker가 고르게 합니다(127.0.0.1::3000)"
run docker run -d --rm --name "$FAV" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_USERNAME= -e SWAPI_BASE_URL="$SWAPI_URL" "$FAVORITES_IMAGE"
track container "$FAV"
check_rc 0 "favorites starts (-d prints the new container's id and returns) |ko| favorites가 시작됩니다(-d는 새 컨테이너의 ID를 출력하고 바로 돌아옵니다)"
check_out_match '^[0-9a-f]{64}$' "the output is the container id |ko| 출력은 컨테이너 ID입니다"
FAV_PORT=$(published "$FAV" 3000)
wait_http_host "http://localhost:$FAV_PORT/healthz" 200 \
  || { FAV_LOGS=$(docker logs "$FAV" 2>&1 | tail -3); fatal "favorites did not start serving: $FAV_LOGS |ko| favorites가 요청을 처리하기 시작하지 않았습니다: $FAV_LOGS"; }

step "ask favorites for films and people: it fetches them from SWAPI |ko| favorites에 영화와 인물 요청하기: SWAPI에서 가져옴"
curl_host "http://localhost:$FAV_PORT/movies"
expect 'HTTP 200 and {"movies": <SWAPI /films/ response>} with "A New Hope" in it |ko| HTTP 200과 "A New Hope"가 들어 있는 {"movies": <SWAPI /films/ 응답>}'
check_http 200 "GET /movies answers |ko| GET /movies가 응답합니다"
check_out_contains '"title":"A New Hope"' "the films came from SWAPI |ko| 영화 목록은 SWAPI에서 왔습니다"
# shellcheck disable=SC2016  # the inner sh expands $1 and $2, not this one
check_true "the body is {\"movies\":{\"results\":[...]}} with at least 6 films (jq, in the toolbox) |ko| 본문은 영화가 6편 이상 든 {\"movies\":{\"results\":[...]}}입니다(toolbox의 jq로 확인)" -- \
  sh -c 'printf "%s" "$1" | docker run --rm -i "$2" jq -e ".movies.results | length >= 6"' _ "$(http_body)" "$TOOLBOX_IMAGE"
curl_host "http://localhost:$FAV_PORT/people"
check_http 200 "GET /people answers |ko| GET /people이 응답합니다"
check_out_contains '"name":"Luke Skywalker"' "the people came from SWAPI |ko| 인물 목록은 SWAPI에서 왔습니다"

step "nothing special was needed: inspect the container |ko| 특별한 설정이 필요 없었음을 확인하기: 컨테이너 살펴보기"
run docker inspect -f '{{range $net, $v := .NetworkSettings.Networks}}{{$net}} {{end}}' "$FAV"
expect "only the default network 'bridge' |ko| 기본 네트워크 'bridge'만 나옵니다"
check_eq "${OUT% }" bridge "favorites is only on the default bridge network |ko| favorites는 기본 네트워크 bridge에만 연결되어 있습니다"
run docker inspect -f '{{.HostConfig.ExtraHosts}} {{.HostConfig.Links}}' "$FAV"
check_eq "$OUT" "[] []" "no --add-host, no --link: a plain URL is enough for the WWW |ko| --add-host도 --link도 없습니다. WWW에는 평범한 URL이면 충분합니다"

step "when SWAPI is down, favorites says so (it does not hang or crash) |ko| SWAPI가 다운되었을 때: favorites가 알려 줌(멈추거나 죽지 않음)"
DOWN_URL=http://${HOST_IP:-$GATEWAY}:9/api
say "$DOWN_URL: nothing listens there (port 9; like swapi.dev on a bad day) |ko| $DOWN_URL: 그곳에서는 아무것도 수신 대기(listen)하지 않습니다(9번 포트. 상태가 나쁜 날의 swapi.dev처럼)"
run docker run -d --rm --name "$FAV_DOWN" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_USERNAME= -e SWAPI_BASE_URL="$DOWN_URL" "$FAVORITES_IMAGE"
track container "$FAV_DOWN"
check_rc 0 "a second favorites starts |ko| 두 번째 favorites가 시작됩니다"
DOWN_PORT=$(published "$FAV_DOWN" 3000)
wait_http_host "http://localhost:$DOWN_PORT/healthz" 200 || fatal "the second favorites did not start serving |ko| 두 번째 favorites가 요청을 처리하기 시작하지 않았습니다"
curl_host "http://localhost:$DOWN_PORT/movies"
expect 'HTTP 502 {"message": "..."} (504 when SWAPI is slow instead of down) |ko| HTTP 502 {"message": "..."}(SWAPI가 다운된 것이 아니라 느리기만 할 때는 504)'
check_http 502 "an unreachable SWAPI gives 502 Bad Gateway |ko| SWAPI에 접속할 수 없으면 502 Bad Gateway로 응답합니다"
check_out_contains '"message"' "with a JSON message |ko| JSON 메시지가 함께 옵니다"
curl_host "http://localhost:$DOWN_PORT/healthz"
check_http 200 "favorites itself is still up |ko| favorites 자체는 여전히 실행 중입니다"
