#!/bin/sh
# Check of exercises/networking/01-container-to-www.md (case 1: container -> WWW).
# EX_SWAPI=auto (default: use https://swapi.dev/api when a container reaches it, else the
# offline stand-in), online (always swapi.dev; fails without internet), offline (stand-in).
# Needs only docker and sh here; on Docker Desktop the host side is Desktop's VM (see lib.sh).
. "$(dirname "$0")/../lib.sh"
ex_begin 01 "case 1, container -> WWW: favorites fetches SWAPI"
need_image "$FAVORITES_IMAGE" "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
FAV=$(ex_name favorites)
STANDIN=$(ex_name swapi)
FAV_DOWN=$(ex_name favorites-swapi-down)
MODE=${EX_SWAPI:-auto}
REAL_SWAPI=${EX_SWAPI_URL:-https://swapi.dev/api}

step "what a container gets for talking to the outside world"
say "no --network flag: the container joins the default 'bridge' network (docker0 on the Docker host)"
run docker run --rm "$TOOLBOX_IMAGE" ip route
expect "a default route via a gateway: every address outside the container goes there"
check_out_match '^default via [0-9.]+ dev eth0' "the container has a default route"
GATEWAY=$(printf '%s\n' "$OUT" | sed -n 's/^default via \([0-9.]*\) .*/\1/p')
if on_desktop; then
  desktop_note "your machine has no docker0: Docker runs in a VM, and docker0 is the VM's. Look at it"
  desktop_note "from a container on the VM's network: docker run --rm --network host course-toolbox ip -4 -o addr show docker0"
fi
run_host ip -4 -o addr show docker0
expect "the gateway $GATEWAY is the Docker host's own address on docker0: the host forwards (NATs) the traffic to the internet"
check_out_contains "inet $GATEWAY/" "the container's gateway is the Docker host, on docker0"
run docker run --rm "$TOOLBOX_IMAGE" cat /etc/resolv.conf
expect "a nameserver: Docker gives containers the Docker host's DNS settings, so public names resolve"
check_out_match '^nameserver ' "the container has a DNS server"

step "is SWAPI on the internet reachable from a container?"
run docker run --rm "$TOOLBOX_IMAGE" curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$REAL_SWAPI/films/"
if [ "$MODE" = online ] || { [ "$MODE" = auto ] && [ "$OUT" = 200 ]; }; then
  SWAPI_URL=$REAL_SWAPI
  say "yes: favorites will use $SWAPI_URL, like in the course"
  [ "$MODE" = online ] && check_eq "$OUT" 200 "swapi.dev answers from a container (EX_SWAPI=online)"
else
  say "no answer (no internet, or swapi.dev is down: it often is). Stand-in: the offline SWAPI"
  say "published on the Docker host and reached at the host's main address, an address outside"
  say "any docker network: the request leaves the container by the same default route as above."
  run_host ip -4 route get 1.1.1.1
  HOST_IP=$(printf '%s\n' "$OUT" | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1)
  [ -n "$HOST_IP" ] || HOST_IP=$GATEWAY
  run docker run -d --name "$STANDIN" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
  track container "$STANDIN"
  check_rc 0 "the offline SWAPI stand-in starts, its port 8000 published on a port Docker picks"
  SWAPI_PORT=$(published "$STANDIN" 8000)
  wait_http_host "http://localhost:$SWAPI_PORT/healthz" 200 || fatal "the SWAPI stand-in did not become healthy"
  SWAPI_URL=http://$HOST_IP:$SWAPI_PORT/api
  run docker run --rm "$TOOLBOX_IMAGE" curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$SWAPI_URL/films/"
  check_eq "$OUT" 200 "a container reaches the stand-in at $SWAPI_URL (outside its network)"
fi

step "run favorites detached, publish its port, point it at SWAPI"
say "MONGODB_USERNAME= (empty): no database login; /movies and /people need no database"
say "the page publishes 3000:3000; the check lets Docker pick a free port on 127.0.0.1 (127.0.0.1::3000)"
run docker run -d --rm --name "$FAV" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_USERNAME= -e SWAPI_BASE_URL="$SWAPI_URL" "$FAVORITES_IMAGE"
track container "$FAV"
check_rc 0 "favorites starts (-d prints the new container's id and returns)"
check_out_match '^[0-9a-f]{64}$' "the output is the container id"
FAV_PORT=$(published "$FAV" 3000)
wait_http_host "http://localhost:$FAV_PORT/healthz" 200 || fatal "favorites did not start serving: $(docker logs "$FAV" 2>&1 | tail -3)"

step "ask favorites for films and people: it fetches them from SWAPI"
curl_host "http://localhost:$FAV_PORT/movies"
expect 'HTTP 200 and {"movies": <SWAPI /films/ response>} with "A New Hope" in it'
check_http 200 "GET /movies answers"
check_out_contains '"title":"A New Hope"' "the films came from SWAPI"
# shellcheck disable=SC2016  # the inner sh expands $1 and $2, not this one
check_true "the body is {\"movies\":{\"results\":[...]}} with at least 6 films (jq, in the toolbox)" -- \
  sh -c 'printf "%s" "$1" | docker run --rm -i "$2" jq -e ".movies.results | length >= 6"' _ "$(http_body)" "$TOOLBOX_IMAGE"
curl_host "http://localhost:$FAV_PORT/people"
check_http 200 "GET /people answers"
check_out_contains '"name":"Luke Skywalker"' "the people came from SWAPI"

step "nothing special was needed: inspect the container"
run docker inspect -f '{{range $net, $v := .NetworkSettings.Networks}}{{$net}} {{end}}' "$FAV"
expect "only the default network 'bridge'"
check_eq "${OUT% }" bridge "favorites is only on the default bridge network"
run docker inspect -f '{{.HostConfig.ExtraHosts}} {{.HostConfig.Links}}' "$FAV"
check_eq "$OUT" "[] []" "no --add-host, no --link: a plain URL is enough for the WWW"

step "when SWAPI is down, favorites says so (it does not hang or crash)"
DOWN_URL=http://${HOST_IP:-$GATEWAY}:9/api
say "$DOWN_URL: nothing listens there (port 9; like swapi.dev on a bad day)"
run docker run -d --rm --name "$FAV_DOWN" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_USERNAME= -e SWAPI_BASE_URL="$DOWN_URL" "$FAVORITES_IMAGE"
track container "$FAV_DOWN"
check_rc 0 "a second favorites starts"
DOWN_PORT=$(published "$FAV_DOWN" 3000)
wait_http_host "http://localhost:$DOWN_PORT/healthz" 200 || fatal "the second favorites did not start serving"
curl_host "http://localhost:$DOWN_PORT/movies"
expect 'HTTP 502 {"message": "..."} (504 when SWAPI is slow instead of down)'
check_http 502 "an unreachable SWAPI gives 502 Bad Gateway"
check_out_contains '"message"' "with a JSON message"
curl_host "http://localhost:$DOWN_PORT/healthz"
check_http 200 "favorites itself is still up"
