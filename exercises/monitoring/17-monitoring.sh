#!/usr/bin/env bash
# Check of exercises/monitoring/17-monitoring.md: the course notes' monitoring example.
# Prometheus in a container scrapes an application on the host through host.docker.internal
# (case 2, --add-host on a Linux engine); a client in Grafana's place on the same network asks
# localhost:9090 (its own container: refused) and prometheus:9090 (Prometheus: works); the
# application stopping shows as a target down. Grafana itself cannot be pulled on the
# project's machines: where its image is here, its own health answers too; else the toolbox
# container stands in for it and the check says so.
# PROMETHEUS_IMAGE (default prom/prometheus:v2.53.1; without a registry the CI stand-in
# goals-ci-prometheus, built by scripts/docker-prepare.sh), GRAFANA_IMAGE (grafana/grafana:11.1.0).
. "$(dirname "$0")/../lib.sh"
ex_begin 17 "monitoring: Prometheus and Grafana in containers, the app on the host"
PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-prom/prometheus:v2.53.1}
GRAFANA_IMAGE=${GRAFANA_IMAGE:-grafana/grafana:11.1.0}
need_image "$TOOLBOX_IMAGE"
if ! docker image inspect "$PROMETHEUS_IMAGE" >/dev/null 2>&1; then
  timeout 300 docker pull -q "$PROMETHEUS_IMAGE" >/dev/null 2>&1 \
    || fatal "$(_m "the image $PROMETHEUS_IMAGE is not here and cannot be pulled: is this machine online (docker pull $PROMETHEUS_IMAGE)? PROMETHEUS_IMAGE names another Prometheus image" "이미지 $PROMETHEUS_IMAGE가 없고 받을 수도 없습니다. 인터넷에 연결되어 있는지 확인하세요(docker pull $PROMETHEUS_IMAGE). 다른 Prometheus 이미지는 PROMETHEUS_IMAGE로 지정합니다")"
fi
NET=$(ex_name monitor-net)
PROM=$(ex_name prometheus)
GRAFANA=$(ex_name grafana)
PROM_PORT=$(free_port)
APP_PORT=$(free_port)
BACKEND_BIN=$EX_ROOT/target/debug/backend

step "the application on the host: the goals backend, serving /metrics on port $APP_PORT"
if [ ! -x "$BACKEND_BIN" ]; then
  say "building it once (cargo build -p backend), as cargo run would"
  (cd "$EX_ROOT" && cargo build -q -p backend --bin backend) || fatal "cargo build -p backend failed"
fi
say "the page types: PORT=8089 LOG_DIR=/tmp/goals-logs MONGODB_HOST=localhost cargo run -p backend"
say "(no database is needed for /metrics: without one it answers 503 to /goals, counted all the same)"
mkdir -p "$EX_TMP/logs"
run_bg "$EX_TMP/app.log" env PORT="$APP_PORT" LOG_DIR="$EX_TMP/logs" MONGODB_HOST=localhost MONGODB_PORT=1 MONGODB_USERNAME= "$BACKEND_BIN"
APP_PID=$BG_PID
track cmd kill "$APP_PID"
wait_http "http://localhost:$APP_PORT/healthz" 200 "" || fatal "the backend on the host did not start: $(tail -3 "$EX_TMP/app.log")"
say "a metric shows once something was counted: the health checks above were"
run "${CURL[@]}" "http://localhost:$APP_PORT/metrics"
check_out_contains "# TYPE http_requests_total counter" "the Prometheus text format, from the app on the host"

step "a network, and Prometheus on it (published on $PROM_PORT; scraping host.docker.internal:$APP_PORT)"
sed "s/host.docker.internal:8089/host.docker.internal:$APP_PORT/" \
  "$EX_ROOT/exercises/monitoring/prometheus.exercise.yml" >"$EX_TMP/prometheus.yml"
chmod 644 "$EX_TMP/prometheus.yml"
run docker network create "${EX_LABEL_ARGS[@]}" "$NET"
track network "$NET"
check_rc 0 "docker network create"
say "--add-host host.docker.internal:host-gateway: a Linux engine needs it (Docker Desktop has the name built in)"
say "--network-alias prometheus: the name the page's --name prometheus gives (compose gives the service name)"
run docker run -d --name "$PROM" "${EX_LABEL_ARGS[@]}" --network "$NET" --network-alias prometheus -p "$PROM_PORT:9090" \
  --add-host host.docker.internal:host-gateway \
  -v "$EX_TMP/prometheus.yml:/etc/prometheus/prometheus.yml:ro" "$PROMETHEUS_IMAGE"
track container "$PROM"
check_rc 0 "Prometheus starts"
wait_http "http://localhost:$PROM_PORT/-/ready" 200 "" || fatal "Prometheus did not become ready: $(docker logs "$PROM" 2>&1 | tail -3)"
run "${CURL[@]}" "http://localhost:$PROM_PORT/-/ready"
check_http 200 "from the host, localhost:$PROM_PORT reaches Prometheus: the published port"

step "Prometheus scrapes the app on the host (case 2): its target is up"
up_of() { # JOB: the value of up{job=JOB} in Prometheus, or nothing
  curl -s --max-time 5 "http://localhost:$PROM_PORT/api/v1/query?query=up%7Bjob%3D%22$1%22%7D" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
echo "${C_CMD}\$ curl -s 'localhost:$PROM_PORT/api/v1/query?query=up{job=\"host\"}'${C_OFF}  ${C_DIM}# repeated until 1, at most 30 s${C_OFF}"
_poll_until 1 30 0.5 up_of host
check_eq "$OUT" 1 "up{job=\"host\"} is 1: Prometheus, in a container, reached host.docker.internal:$APP_PORT"
run "${CURL[@]}" "http://localhost:$PROM_PORT/api/v1/targets"
check_out_contains "host.docker.internal:$APP_PORT" "the target's address is the host's name, not localhost"
for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://localhost:$APP_PORT/goals"; done
count_of() {
  curl -s --max-time 5 "http://localhost:$PROM_PORT/api/v1/query?query=sum(http_requests_total%7Bjob%3D%22host%22%2Croute%3D%22%2Fgoals%22%7D)" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)'
}
echo "${C_CMD}\$ curl -s 'localhost:$PROM_PORT/api/v1/query?query=sum(http_requests_total{job=\"host\",route=\"/goals\"})'${C_OFF}  ${C_DIM}# repeated until 5${C_OFF}"
_poll_until 5 20 0.5 count_of
check_eq "$OUT" 5 "the five requests to the app on the host are counted in Prometheus"

step "Grafana's side: it must ask prometheus:9090, never localhost:9090"
if docker image inspect "$GRAFANA_IMAGE" >/dev/null 2>&1; then
  run docker run -d --name "$GRAFANA" "${EX_LABEL_ARGS[@]}" --network "$NET" "$GRAFANA_IMAGE"
  track container "$GRAFANA"
  check_rc 0 "Grafana starts on the same network"
  CLIENT=(docker exec "$GRAFANA")
  say "asked from inside the Grafana container, as its data source would"
else
  say "no $GRAFANA_IMAGE here (it cannot be pulled on this machine): a container of the toolbox image"
  say "stands in for Grafana and makes the very requests Grafana's data source would make"
  CLIENT=(docker run --rm --network "$NET" "$TOOLBOX_IMAGE")
fi
run "${CLIENT[@]}" curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://localhost:9090/-/ready
expect "no answer (000): localhost in that container is the container itself, not Prometheus"
check_eq "$OUT" 000 "localhost:9090 from the Grafana side reaches nothing"
run "${CLIENT[@]}" curl -s --max-time 5 http://prometheus:9090/-/ready
check_out_contains "Prometheus" "prometheus:9090, the service name on the network, reaches Prometheus"

step "the app on the host goes away: Prometheus shows its target down"
run kill "$APP_PID"
check_rc 0 "the backend on the host is stopped (Ctrl-C on the page)"
echo "${C_CMD}\$ curl -s 'localhost:$PROM_PORT/api/v1/query?query=up{job=\"host\"}'${C_OFF}  ${C_DIM}# repeated until 0, at most 30 s${C_OFF}"
_poll_until 0 30 0.5 up_of host
check_eq "$OUT" 0 "up{job=\"host\"} is 0 after the next scrape"

step "the same in the project: the monitoring profile"
run_quiet docker compose -f "$EX_ROOT/docker-compose.yml" --profile monitoring config --format json
check_rc 0 "docker compose --profile monitoring config"
printf '%s' "$OUT" >"$EX_TMP/compose.json"
OUT=$(python3 - "$EX_TMP/compose.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["services"]
for name in ("prometheus", "grafana"):
    ports = [f'{p.get("published")}:{p["target"]}' for p in s[name].get("ports", [])]
    print(name, " ".join(ports))
print("frontend PROMETHEUS_URL", s["frontend"]["environment"].get("PROMETHEUS_URL"))
PY
)
_print_output
check_out_contains "grafana 3030:3000" "Grafana listens on 3000 in its container, published on 3030 (the notes' port; 3000 is the frontend's)"
check_out_contains "prometheus 9090:9090" "Prometheus on 9090"
check_out_contains "PROMETHEUS_URL http://prometheus:9090" "the frontend asks Prometheus by its service name"

step "clean up: the containers, then the network"
if docker container inspect "$GRAFANA" >/dev/null 2>&1; then
  run docker rm -f "$PROM" "$GRAFANA"
else
  run docker rm -f "$PROM"
fi
check_rc 0 "docker rm -f"
run docker network rm "$NET"
check_rc 0 "docker network rm"
