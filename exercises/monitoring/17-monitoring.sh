#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/monitoring/17-monitoring.md: the course notes' monitoring example.
# Prometheus in a container scrapes an application on the host through host.docker.internal
# (case 2, --add-host on a Linux engine); a client in Grafana's place on the same network asks
# localhost:9090 (its own container: refused) and prometheus:9090 (Prometheus: works); the
# application stopping shows as a target down. Grafana itself cannot be pulled on the
# project's machines: where its image is here, its own health answers too; else the toolbox
# container stands in for it and the check says so.
# Needs only docker and sh here. "The application on the host" (the page's cargo run) is the
# backend image on the host's network (--network host, as exercise 02's "backend on your
# machine"), on a port free there (free_host_port); every request to it and to Prometheus, and
# the JSON of Prometheus's API and of `docker compose config` (jq), is made in the toolbox.
# On Docker Desktop that network is the VM's, not your machine's, where host.docker.internal
# leads: there the check points the name at the VM's address on the check's network.
# PROMETHEUS_IMAGE (default prom/prometheus:v2.53.1; without a registry the CI stand-in
# goals-ci-prometheus, built by scripts/docker-prepare.sh), GRAFANA_IMAGE (grafana/grafana:11.1.0).
. "$(dirname "$0")/../lib.sh"
ex_begin 17 "monitoring: Prometheus and Grafana in containers, the app on the host |ko| 모니터링: 컨테이너의 Prometheus와 Grafana, 호스트의 앱"
PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-prom/prometheus:v2.53.1}
GRAFANA_IMAGE=${GRAFANA_IMAGE:-grafana/grafana:11.1.0}
need_image "$TOOLBOX_IMAGE" "$BACKEND_IMAGE"
if ! docker image inspect "$PROMETHEUS_IMAGE" >/dev/null 2>&1; then
  _timeout 300 docker pull -q "$PROMETHEUS_IMAGE" >/dev/null 2>&1 \
    || fatal "the image $PROMETHEUS_IMAGE is not here and cannot be pulled: is this machine online (docker pull $PROMETHEUS_IMAGE)? PROMETHEUS_IMAGE names another Prometheus image |ko| $PROMETHEUS_IMAGE 이미지가 없고 받을 수도 없습니다. 인터넷에 연결되어 있는지 확인하세요(docker pull $PROMETHEUS_IMAGE). 다른 Prometheus 이미지는 PROMETHEUS_IMAGE로 지정합니다"
fi
NET=$(ex_name monitor-net)
PROM=$(ex_name prometheus)
GRAFANA=$(ex_name grafana)
APP=$(ex_name backend-on-host)
APP_PORT=$(free_host_port)
[ -n "$APP_PORT" ] || fatal "no free port on the Docker host (free_host_port: docker run -p 127.0.0.1::9 $TOOLBOX_IMAGE) |ko| Docker 호스트에서 빈 포트를 찾지 못했습니다(free_host_port: docker run -p 127.0.0.1::9 $TOOLBOX_IMAGE)"

# prom_query QUERY JQ: Prometheus's answer to QUERY (URL-encoded), asked from the Docker host's
# network, filtered by JQ (curl and jq in the toolbox there); nothing when it does not answer.
prom_query() {
  # shellcheck disable=SC2016  # expanded by the toolbox's shell
  docker exec "$EX_HOST" sh -c 'curl -s --max-time 5 "$1" | jq -r "$2"' sh \
    "http://localhost:$PROM_PORT/api/v1/query?query=$1" "$2" 2>/dev/null
}
# up_of JOB: the value of up{job=JOB} in Prometheus, or nothing
up_of() { prom_query "up%7Bjob%3D%22$1%22%7D" '.data.result[0].value[1] // empty'; }
# count_of: how many requests to /goals of the app on the host Prometheus has counted (0: none)
count_of() {
  prom_query 'sum(http_requests_total%7Bjob%3D%22host%22%2Croute%3D%22%2Fgoals%22%7D)' \
    '(.data.result[0].value[1] // "0") | tonumber | floor'
}
# poll_line QUERY WANT SECONDS: the line a poll of QUERY (as typed) shows before it starts.
poll_line() {
  printf '%s\n' "${C_CMD}\$ curl -s 'localhost:$PROM_PORT/api/v1/query?query=$1' | jq -r '.data.result[0].value[1]'${C_OFF}  ${C_DIM}# $(_m "repeated until $2, at most $3 s; on the Docker host's network: docker exec $EX_HOST ..." "결과가 $2 값이 될 때까지 반복, 최대 ${3}초. Docker 호스트의 네트워크에서: docker exec $EX_HOST ...")${C_OFF}"
}

step "the application on the host: the goals backend, serving /metrics on port $APP_PORT |ko| 호스트의 애플리케이션: 포트 $APP_PORT에서 /metrics를 제공하는 goals 백엔드"
say "the page types: PORT=8089 LOG_DIR=/tmp/goals-logs MONGODB_HOST=localhost cargo run -p backend |ko| 페이지에서는 이렇게 입력합니다: PORT=8089 LOG_DIR=/tmp/goals-logs MONGODB_HOST=localhost cargo run -p backend"
say "here: the backend image on the host's network, as in exercise 02 (--network host: the process |ko| 여기서는 실습 02에서처럼 백엔드 이미지를 호스트의 네트워크에서 실행합니다(--network host: 프로세스가"
say "shares the host's addresses, localhost included, like cargo run), on a port free there |ko| cargo run처럼 localhost를 포함한 호스트의 주소를 함께 씁니다). 포트는 호스트에서 비어 있는 포트를 씁니다"
say "(no database is needed for /metrics: without one it answers 503 to /goals, counted all the same) |ko| (/metrics에는 데이터베이스가 필요 없습니다. 데이터베이스가 없으면 /goals에 503으로 응답하지만, 그 요청도 똑같이 집계됩니다)"
run docker run -d --name "$APP" --label "$EX_LABEL" --network host -e PORT="$APP_PORT" \
  -e MONGODB_HOST=localhost -e MONGODB_PORT=1 -e MONGODB_USERNAME= "$BACKEND_IMAGE"
track container "$APP"
check_rc 0 "the backend starts on the host's network |ko| 백엔드가 호스트의 네트워크에서 시작됩니다"
if ! wait_http_host "http://localhost:$APP_PORT/healthz" 200; then
  LOGS=$(docker logs --tail 3 "$APP" 2>&1 | tr '\n' ' ')
  fatal "the backend on the host did not start: $LOGS |ko| 호스트의 백엔드가 시작되지 않았습니다: $LOGS"
fi
say "a metric shows once something was counted: the health checks above were |ko| 메트릭은 무언가가 집계된 뒤에 나타납니다. 위의 헬스체크 요청이 집계되었습니다"
curl_host "http://localhost:$APP_PORT/metrics"
check_out_contains "# TYPE http_requests_total counter" "the Prometheus text format, from the app on the host |ko| 호스트의 앱이 내놓는 Prometheus 텍스트 형식"

step "a network, and Prometheus on it (published on a port Docker picks; scraping host.docker.internal:$APP_PORT) |ko| 네트워크와 그 안의 Prometheus(Docker가 고른 포트에 게시, 수집 대상은 host.docker.internal:$APP_PORT)"
sed "s/host.docker.internal:8089/host.docker.internal:$APP_PORT/" \
  "$EX_ROOT/exercises/monitoring/prometheus.exercise.yml" >"$EX_TMP/prometheus.yml"
chmod 644 "$EX_TMP/prometheus.yml"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
check_rc 0 "docker network create |ko| docker network create 실행"
GW=
if on_desktop; then
  GW=$(inspect '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$NET")
fi
if [ -n "$GW" ]; then
  HOST_ENTRY=host.docker.internal:$GW
  desktop_note "host.docker.internal leads to your machine, but the check's backend runs on the Docker host (Desktop's VM): |ko| host.docker.internal은 호스트 머신으로 이어지지만, 점검의 백엔드는 Docker 호스트(Desktop의 VM)에서 실행됩니다."
  desktop_note "the check points the name at the VM's address on $NET ($GW). A backend run with cargo on your machine needs no such change |ko| 그래서 점검은 이 이름이 $NET 네트워크에서 본 VM의 주소($GW)를 가리키게 합니다. 호스트 머신에서 cargo run으로 실행한 백엔드라면 이렇게 바꿀 필요가 없습니다"
else
  HOST_ENTRY=host.docker.internal:host-gateway
  say "--add-host host.docker.internal:host-gateway: a Linux engine needs it (Docker Desktop has the name built in) |ko| --add-host host.docker.internal:host-gateway: Linux 엔진에는 필요합니다(Docker Desktop에는 이 이름이 기본으로 있습니다)"
fi
say "--network-alias prometheus: the name the page's --name prometheus gives (compose gives the service name) |ko| --network-alias prometheus: 페이지의 --name prometheus가 주는 이름입니다(compose는 서비스 이름을 줍니다)"
say "the page publishes 9090:9090; the check lets Docker pick a free port on 127.0.0.1 (127.0.0.1::9090) |ko| 페이지는 9090:9090으로 게시하지만, 점검은 127.0.0.1의 빈 포트를 Docker가 고르게 합니다(127.0.0.1::9090)"
run docker run -d --name "$PROM" --label "$EX_LABEL" --network "$NET" --network-alias prometheus -p 127.0.0.1::9090 \
  --add-host "$HOST_ENTRY" \
  -v "$EX_TMP/prometheus.yml:/etc/prometheus/prometheus.yml:ro" "$PROMETHEUS_IMAGE"
track container "$PROM"
check_rc 0 "Prometheus starts |ko| Prometheus가 시작됩니다"
PROM_PORT=$(published "$PROM" 9090)
if ! wait_http_host "http://localhost:$PROM_PORT/-/ready" 200; then
  LOGS=$(docker logs "$PROM" 2>&1 | tail -3 | tr '\n' ' ')
  fatal "Prometheus did not become ready: $LOGS |ko| Prometheus가 준비되지 않았습니다: $LOGS"
fi
curl_host "http://localhost:$PROM_PORT/-/ready"
check_http 200 "from the host, localhost:$PROM_PORT reaches Prometheus: the published port |ko| 호스트에서 localhost:$PROM_PORT 주소로 Prometheus에 접속됩니다: 게시된 포트"

step "Prometheus scrapes the app on the host (case 2): its target is up |ko| Prometheus가 호스트의 앱을 수집(case 2): 대상이 up 상태"
poll_line 'up{job="host"}' 1 30
_poll_until 1 30 0.5 up_of host
check_eq "$OUT" 1 "up{job=\"host\"} is 1: Prometheus, in a container, reached host.docker.internal:$APP_PORT |ko| up{job=\"host\"}가 1입니다. 컨테이너 안의 Prometheus가 host.docker.internal:$APP_PORT에 접속했습니다"
curl_host "http://localhost:$PROM_PORT/api/v1/targets"
check_out_contains "host.docker.internal:$APP_PORT" "the target's address is the host's name, not localhost |ko| 대상의 주소는 localhost가 아니라 호스트의 이름입니다"
run_host sh -c "for i in 1 2 3 4 5; do curl -s -o /dev/null localhost:$APP_PORT/goals; done"
poll_line 'sum(http_requests_total{job="host",route="/goals"})' 5 20
_poll_until 5 20 0.5 count_of
check_eq "$OUT" 5 "the five requests to the app on the host are counted in Prometheus |ko| 호스트의 앱에 보낸 요청 다섯 번이 Prometheus에 집계됩니다"

step "Grafana's side: it must ask prometheus:9090, never localhost:9090 |ko| Grafana 쪽: localhost:9090이 아니라 prometheus:9090에 요청해야 함"
GRAFANA_HERE=0
if docker image inspect "$GRAFANA_IMAGE" >/dev/null 2>&1; then
  run docker run -d --name "$GRAFANA" --label "$EX_LABEL" --network "$NET" "$GRAFANA_IMAGE"
  track container "$GRAFANA"
  check_rc 0 "Grafana starts on the same network |ko| Grafana가 같은 네트워크에서 시작됩니다"
  GRAFANA_HERE=1
  say "asked from inside the Grafana container, as its data source would |ko| 데이터 소스가 요청하듯이 Grafana 컨테이너 안에서 요청합니다"
else
  say "no $GRAFANA_IMAGE here (it cannot be pulled on this machine): a container of the toolbox image |ko| 여기에는 $GRAFANA_IMAGE 이미지가 없습니다(이 머신에서는 받을 수 없습니다). toolbox 이미지의 컨테이너가"
  say "stands in for Grafana and makes the very requests Grafana's data source would make |ko| Grafana를 대신해서, Grafana의 데이터 소스가 보낼 요청을 그대로 보냅니다"
fi
# client CMD...: CMD run where Grafana's data source runs (in Grafana, else in a toolbox there)
client() {
  if [ "$GRAFANA_HERE" = 1 ]; then run docker exec "$GRAFANA" "$@"
  else run docker run --rm --label "$EX_LABEL" --network "$NET" "$TOOLBOX_IMAGE" "$@"; fi
}
client curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://localhost:9090/-/ready
expect "no answer (000): localhost in that container is the container itself, not Prometheus |ko| 응답 없음(000): 그 컨테이너 안에서 localhost는 Prometheus가 아니라 그 컨테이너 자신입니다"
check_eq "$OUT" 000 "localhost:9090 from the Grafana side reaches nothing |ko| Grafana 쪽에서 localhost:9090으로는 아무것에도 닿지 않습니다"
client curl -s --max-time 5 http://prometheus:9090/-/ready
check_out_contains "Prometheus" "prometheus:9090, the service name on the network, reaches Prometheus |ko| 네트워크의 서비스 이름인 prometheus:9090으로 Prometheus에 접속됩니다"

step "the app on the host goes away: Prometheus shows its target down |ko| 호스트의 앱이 사라지면: Prometheus에서 대상이 down 상태로"
say "the page: Ctrl-C where cargo run runs; here docker stop (SIGTERM: the backend shuts down as on Ctrl-C) |ko| 페이지에서는 cargo run을 실행한 터미널에서 Ctrl-C를 누릅니다. 여기서는 docker stop입니다(SIGTERM: 백엔드가 Ctrl-C 때와 똑같이 종료됩니다)"
run docker stop "$APP"
check_rc 0 "the backend on the host is stopped (Ctrl-C on the page) |ko| 호스트의 백엔드를 멈췄습니다(페이지에서는 Ctrl-C)"
poll_line 'up{job="host"}' 0 30
_poll_until 0 30 0.5 up_of host
check_eq "$OUT" 0 "up{job=\"host\"} is 0 after the next scrape |ko| 다음 수집 뒤에는 up{job=\"host\"}가 0입니다"

step "the same in the project: the monitoring profile |ko| 프로젝트에서 같은 일: monitoring 프로필"
run_quiet docker compose -f "$EX_ROOT/docker-compose.yml" --profile monitoring config --format json
check_rc 0 "docker compose --profile monitoring config |ko| docker compose --profile monitoring config 실행"
printf '%s\n' "$OUT" >"$EX_TMP/compose.json"
say "the published ports and the frontend's PROMETHEUS_URL, read from that JSON with jq (in the toolbox) |ko| 게시된 포트와 프런트엔드의 PROMETHEUS_URL을 그 JSON에서 jq로 읽습니다(toolbox 안에서)"
# shellcheck disable=SC2016  # jq's $s and $n
PORTS_JQ='.services as $s | (("prometheus", "grafana") as $n | "\($n) \([$s[$n].ports[]? | "\(.published):\(.target)"] | join(" "))"), "frontend PROMETHEUS_URL \($s.frontend.environment.PROMETHEUS_URL)"'
run docker run --rm -i --label "$EX_LABEL" "$TOOLBOX_IMAGE" jq -r "$PORTS_JQ" <"$EX_TMP/compose.json"
check_out_contains "grafana 3030:3000" "Grafana listens on 3000 in its container, published on 3030 (the notes' port; 3000 is the frontend's) |ko| Grafana는 컨테이너 안에서 3000번 포트로 수신 대기(listen)하고 3030에 게시됩니다(노트의 포트이며, 3000은 프런트엔드가 씁니다)"
check_out_contains "prometheus 9090:9090" "Prometheus on 9090 |ko| Prometheus는 9090에 게시됩니다"
check_out_contains "PROMETHEUS_URL http://prometheus:9090" "the frontend asks Prometheus by its service name |ko| 프런트엔드는 서비스 이름으로 Prometheus에 요청합니다"

step "clean up: the containers, then the network |ko| 정리: 컨테이너, 그다음 네트워크"
if [ "$GRAFANA_HERE" = 1 ]; then
  run docker rm -f -v "$PROM" "$GRAFANA"
else
  run docker rm -f -v "$PROM"
fi
check_rc 0 "docker rm -f -v |ko| docker rm -f -v 실행"
run docker network rm "$NET"
check_rc 0 "docker network rm |ko| docker network rm 실행"
