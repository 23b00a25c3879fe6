#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/orchestration/15-what-orchestrators-add.md: the course notes' list of what
# an orchestrator adds over one Docker host, each shown side by side: plain `docker run` /
# compose on this host versus a single-node Docker Swarm.
#   provisioning   docker run starts where you are / the scheduler picks a node with room
#                  (a service asking for more memory than any node has stays Pending)
#   redundancy     a killed `--restart no` container stays dead / a killed task is replaced
#   scaling        compose up --scale (and nobody restores the count) / docker service scale
#   a dead host    cannot be shown on one node: drain the node instead (tasks go Pending,
#                  nowhere to go), then active again. Only on a swarm this check created.
#   discovery      a container name is one container / tasks.<service> follows the tasks
#   health         an unhealthy container keeps running / Swarm replaces an unhealthy task
# The swarm: `docker swarm init` only when this engine is in no swarm (left again at the end).
# Names: ex-15-* (containers, the overlay network, services), compose project ex-15-one-host.
# Services use endpoint_mode dnsrr and publish no port: they work without IPVS.
. "$(dirname "$0")/../lib.sh"
ex_begin 15 "what an orchestrator adds: one Docker host vs a (single-node) Swarm |ko| 오케스트레이터가 더해 주는 것: Docker 호스트 하나와 (노드 하나짜리) Swarm 비교"
need_image "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT |ko| $EX_ROOT 폴더로 이동할 수 없습니다"

PLAIN=$(ex_name swapi-plain)           # docker run, --restart no
SICK_PLAIN=$(ex_name sick-plain)       # docker run with a healthcheck that always fails
PROJECT=$(ex_name one-host)            # compose project (exercises/orchestration/compose.swapi.yml)
COMPOSE_FILE_=exercises/orchestration/compose.swapi.yml
NET=$(ex_name net)                     # the overlay network
SVC=$(ex_name swapi)                   # the Swarm service
SICK=$(ex_name sick)                   # a Swarm service whose healthcheck always fails
BIG=$(ex_name big)                     # a Swarm service that asks for 1000 GB of memory
BOX=$(ex_name box)                     # a client on the overlay network
# The services get quick timings (the page leaves them out): --health-interval 1s (healthchecks
# every second), --restart-delay 1s (a restarted task after 1 s), --endpoint-mode dnsrr (no
# virtual IP: no IPVS needed).

export SWAPI_IMAGE

# wait_task_text SERVICE TEXT SECONDS: until `docker service ps SERVICE` shows TEXT (a state or
# an error); the listing is left in $OUT.
wait_task_text() {
  local svc="$1" text="$2" max="$3"
  _command_line "$(_m "repeated until it shows \"$text\", at most $max s" "\"$text\" 문구가 보일 때까지 반복, 최대 ${max}초")" \
    docker service ps "$svc" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}} {{.Error}}'
  _poll has "$text" "$max" 0.5 docker service ps --no-trunc "$svc" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}} {{.Error}}'
  _print_output
  printf '%s\n' "    $(_after)"
}
compose() { run docker compose -p "$PROJECT" -f "$COMPOSE_FILE_" "$@"; }

# ==========================================================================================
step "a swarm of one node (docker swarm init only if this engine is in none) |ko| 노드 하나짜리 스웜(이 엔진이 어떤 스웜에도 속해 있지 않을 때만 docker swarm init)"
run docker info -f '{{.Swarm.LocalNodeState}}'
SWARM_BEFORE=$OUT
OUR_SWARM=0
if [ "$SWARM_BEFORE" = inactive ]; then
  GWBRIDGE_BEFORE=$(docker network ls -q --filter name=^docker_gwbridge$)
  run_host ip -4 route get 1.1.1.1
  ADDR=$(printf '%s\n' "$OUT" | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1); ADDR=${ADDR:-127.0.0.1}
  run docker swarm init --advertise-addr "$ADDR"
  check_rc 0 "docker swarm init (this engine was in no swarm; it leaves again at the end) |ko| docker swarm init(이 엔진은 어떤 스웜에도 속해 있지 않았으므로, 끝날 때 스웜에서 다시 나옵니다)"
  [ "$RC" = 0 ] || fatal "no swarm: nothing to compare with |ko| 스웜이 없습니다. 비교할 대상이 없습니다"
  [ -z "$GWBRIDGE_BEFORE" ] && track cmd docker network rm docker_gwbridge
  track cmd docker swarm leave --force
  OUR_SWARM=1
elif [ "$SWARM_BEFORE" = active ]; then
  say "this engine is already in a swarm: using it, not leaving it; the drain step is skipped (it would stop your services) |ko| 이 엔진은 이미 스웜에 속해 있습니다. 그 스웜을 쓰고, 스웜에서 나오지 않습니다. drain 단계는 건너뜁니다(내 서비스들이 멈추기 때문입니다)"
else
  fatal "this engine's swarm state is \"$SWARM_BEFORE\": fix it (docker info) or leave that swarm first |ko| 이 엔진의 스웜 상태가 \"$SWARM_BEFORE\"입니다. 먼저 바로잡거나(docker info) 그 스웜에서 나오세요"
fi
run docker info -f '{{.Swarm.ControlAvailable}}'
[ "$OUT" = true ] || fatal "this engine is a swarm worker: services are created from a manager (run the exercise there) |ko| 이 엔진은 스웜의 워커입니다. 서비스는 매니저에서 만듭니다(실습은 매니저에서 실행하세요)"
run docker node ls
NODES=$(docker node ls -q 2>/dev/null | wc -l)
[ "$NODES" -le 1 ] || fatal "this swarm has $NODES nodes: the check expects all of the services on this one (its images are local, it inspects and kills local containers). Run it on an engine in no swarm, or in a swarm of one node |ko| 이 스웜에는 노드가 $NODES개 있습니다. 점검은 모든 서비스가 이 노드에 있다고 가정합니다(이미지가 이 노드에만 있고, 이 노드의 컨테이너를 검사하고 kill합니다). 어떤 스웜에도 속하지 않은 엔진이나 노드 하나짜리 스웜에서 실행하세요"
check_out_match 'Ready +Active +(Leader|Reachable)' "docker node ls: this node is Ready, Active, a manager |ko| docker node ls: 이 노드는 Ready, Active인 매니저입니다"
NODE_ID=$(docker info -f '{{.Swarm.NodeID}}')
NODE_NAME=$(docker info -f '{{.Name}}')
# undone newest first: the services, a wait until their containers are gone, the network
track cmd docker network rm "$NET"
WAIT_TASKS="until [ -z \"\$(docker ps -aq --filter name=^$EX_PREFIX- --filter label=com.docker.swarm.task.id)\" ]; do sleep 0.5; done"
track cmd timeout 60 sh -c "$WAIT_TASKS"
track cmd docker service rm "$SVC" "$SICK" "$BIG"

# ------------------------------------------------------------------ 1. provisioning
step "1. provisioning: docker run starts here; a service is placed by the scheduler |ko| 1. 프로비저닝: docker run은 이 호스트에서 시작, 서비스는 스케줄러가 배치"
run docker run -d --name "$PLAIN" --restart no --label "$EX_LABEL" "$SWAPI_IMAGE"
track container "$PLAIN"
check_rc 0 "docker run: one container, on the host your docker CLI talks to (you chose it) |ko| docker run: 컨테이너 하나, docker CLI가 연결된 호스트에서(그 호스트는 내가 고른 것)"
run docker network create -d overlay --attachable --label "$EX_LABEL" "$NET"
check_rc 0 "an overlay network for the service (it would span every node of the swarm) |ko| 서비스용 overlay 네트워크(스웜의 모든 노드에 걸칩니다)"
run docker service create -d --name "$SVC" --replicas 2 --network "$NET" --endpoint-mode dnsrr --health-interval 1s --restart-delay 1s --label "$EX_LABEL" "$SWAPI_IMAGE"
check_rc 0 "docker service create --replicas 2: a desired state, not a container |ko| docker service create --replicas 2: 컨테이너가 아니라 원하는 상태"
wait_replicas "$SVC" 2 60
check_rc 0 "2/2: the scheduler started two tasks |ko| 2/2: 스케줄러가 태스크 두 개를 시작했습니다"
run docker service ps "$SVC" --format '{{.Name}} {{.Node}} {{.CurrentState}}'
check_eq "$(printf '%s\n' "$OUT" | grep -c " $NODE_NAME Running")" 2 "each task was placed on a node (here the only one, $NODE_NAME) |ko| 태스크마다 노드에 배치되었습니다(여기서는 유일한 노드인 $NODE_NAME)"
run docker service create -d --name "$BIG" --reserve-memory 1000G --endpoint-mode dnsrr --health-interval 1s --restart-delay 1s --label "$EX_LABEL" "$SWAPI_IMAGE"
check_rc 0 "a service that asks for 1000 GB of memory |ko| 메모리를 1000 GB 요청하는 서비스"
wait_task_text "$BIG" "insufficient resources" 20
check_out_contains "Pending" "no node has room: the task stays Pending ... |ko| 자리가 있는 노드가 없습니다. 태스크는 Pending으로 남고 ..."
check_out_contains "insufficient resources" "... and docker service ps says why |ko| ... docker service ps가 이유를 알려 줍니다"
run docker service rm "$BIG"
check_rc 0 "docker service rm |ko| docker service rm으로 서비스를 지웁니다"

# ------------------------------------------------------------------ 2. redundancy
step "2. redundancy: a container that dies stays dead; a task that dies is replaced |ko| 2. 중복성: 죽은 컨테이너는 죽은 채로, 죽은 태스크는 대신할 태스크로"
run docker kill "$PLAIN"
check_rc 0 "docker kill the plain container |ko| 평범한 컨테이너를 docker kill합니다"
sleep 3
run docker inspect -f '{{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}' "$PLAIN"
check_eq "$OUT" "exited exit=137 restarts=0" "3 s later it is still exited: nobody watches it (--restart no) |ko| 3초 뒤에도 종료된 상태입니다. 아무도 지켜보지 않습니다(--restart no)"
run docker ps --filter "label=com.docker.swarm.service.name=$SVC" --format '{{.ID}} {{.Names}}'
VICTIM=$(task_containers "$SVC" | head -1)
run docker kill "$VICTIM"
check_rc 0 "docker kill one task container of the service |ko| 서비스의 태스크 컨테이너 하나를 docker kill합니다"
wait_task_text "$SVC" "non-zero exit (137)" 20
check_rc 0 "the task is marked Failed (exit 137) ... |ko| 태스크가 Failed(exit 137)로 표시되고 ..."
wait_replicas "$SVC" 2 30
check_rc 0 "... and a new task brings the service back to 2/2 |ko| ... 새 태스크가 서비스를 다시 2/2로 만듭니다"
check_true "the new task is a new container (the killed one is not restarted) |ko| 새 태스크는 새 컨테이너입니다(kill한 컨테이너를 다시 시작하지 않습니다)" -- lacks "$(task_containers "$SVC")" "$VICTIM"

# ------------------------------------------------------------------ 3. scaling
step "3. scaling: compose up --scale on one host; docker service scale keeps the count |ko| 3. 스케일: 호스트 하나에서 compose up --scale, 개수를 유지하는 docker service scale"
track cmd docker compose -p "$PROJECT" -f "$EX_ROOT/$COMPOSE_FILE_" down --timeout 5
compose up -d --wait --scale swapi=3
check_rc 0 "docker compose up -d --scale swapi=3: three containers, all on this host |ko| docker compose up -d --scale swapi=3: 컨테이너 세 개, 모두 이 호스트에서"
compose ps --format '{{.Name}} {{.State}}'
check_eq "$(printf '%s\n' "$OUT" | grep -c ' running$')" 3 "docker compose ps: 3 running |ko| docker compose ps: 3개 실행 중"
run docker run --rm --network "${PROJECT}_default" "$TOOLBOX_IMAGE" dig +short swapi
check_eq "$(printf '%s\n' "$OUT" | grep -cE '^[0-9.]+$')" 3 "on the project's network the name swapi gives the 3 containers |ko| 프로젝트의 네트워크에서 이름 swapi가 컨테이너 3개의 주소로 확인됩니다"
run docker kill "$PROJECT-swapi-1"
check_rc 0 "docker kill one of them |ko| 그중 하나를 docker kill합니다"
sleep 3
compose ps --format '{{.Name}} {{.State}}'
check_eq "$(printf '%s\n' "$OUT" | grep -c ' running$')" 2 "3 s later: 2 running; compose does not keep a count, it ran once |ko| 3초 뒤: 2개 실행 중. compose는 개수를 유지하지 않습니다. 한 번 실행했을 뿐입니다"
compose up -d --wait --scale swapi=3
check_eq "$RC" 0 "only when you run up again is the count restored (docker compose up ...) |ko| up을 다시 실행해야만 개수가 돌아옵니다(docker compose up ...)"
run docker service scale --detach "$SVC=3"
check_rc 0 "docker service scale: a new desired state, 3 |ko| docker service scale: 새로운 원하는 상태, 3"
wait_replicas "$SVC" 3 30
check_rc 0 "3/3: Swarm reaches it and then keeps it (step 2) |ko| 3/3: Swarm은 그 상태에 이른 뒤 계속 유지합니다(2단계)"

# ------------------------------------------------------------------ 4. service discovery
step "4. service discovery: one name for all the tasks, kept up to date |ko| 4. 서비스 디스커버리: 모든 태스크에 이름 하나, 늘 최신으로 유지"
run docker run -d --name "$PLAIN" --restart no --label "$EX_LABEL" "$SWAPI_IMAGE"
check_rc 125 "a container name is ONE container: a second $PLAIN is refused |ko| 컨테이너 이름은 컨테이너 하나입니다. 두 번째 $PLAIN 컨테이너는 거부됩니다"
check_out_contains "is already in use" "(Conflict: the name is taken) |ko| (Conflict: 이미 쓰고 있는 이름)"
run docker run -d --name "$BOX" --network "$NET" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "a toolbox container on the service's overlay network |ko| 서비스의 overlay 네트워크에 연결한 toolbox 컨테이너"
for _ in $(seq 20); do [ "$(addresses "tasks.$SVC")" = 3 ] && break; sleep 0.5; done
run docker exec "$BOX" dig +short "tasks.$SVC"
check_eq "$(addresses "tasks.$SVC")" 3 "tasks.$SVC: the 3 tasks' addresses, wherever they run |ko| tasks.$SVC: 어디서 실행되든 태스크 3개의 주소"
wait_http "http://$SVC:8000/healthz" 200 20 docker exec "$BOX"
curl_in "$BOX" "http://$SVC:8000/api/people/1/"
check_out_contains '"name":"Luke Skywalker"' "the service name answers (a different task each time the DNS rotates) |ko| 서비스 이름이 응답합니다(DNS가 순서를 돌릴 때마다 다른 태스크)"

# ------------------------------------------------------------------ 5. health
step "5. health: an unhealthy container keeps running; an unhealthy task is replaced |ko| 5. 상태: unhealthy 컨테이너는 계속 실행되고, unhealthy 태스크는 교체됨"
run docker run -d --name "$SICK_PLAIN" --health-cmd false --health-interval 1s --health-retries 2 --label "$EX_LABEL" "$TOOLBOX_IMAGE" sleep infinity
track container "$SICK_PLAIN"
check_rc 0 "docker run with a healthcheck that always fails (false) |ko| 항상 실패하는 헬스체크(false)를 단 docker run"
# sleep ignores SIGTERM: killed after the grace period, exit 137, so the task is Failed with
# its reason (a clean exit 0 would make it Complete, without one)
run docker service create -d --name "$SICK" --health-cmd false --health-interval 1s --health-retries 2 \
  --stop-grace-period 1s --endpoint-mode dnsrr --restart-delay 1s --label "$EX_LABEL" "$TOOLBOX_IMAGE" sleep infinity
check_rc 0 "docker service create with the same healthcheck |ko| 같은 헬스체크를 단 docker service create"
for _ in $(seq 30); do [ "$(inspect '{{.State.Health.Status}}' "$SICK_PLAIN")" = unhealthy ] && break; sleep 0.5; done
run docker ps --filter "name=^$SICK_PLAIN\$" --format '{{.Names}} {{.Status}}'
check_out_contains "(unhealthy)" "docker ps: the plain container is unhealthy ... |ko| docker ps: 평범한 컨테이너는 unhealthy이고 ..."
run docker inspect -f '{{.State.Status}} {{.State.Health.Status}} restarts={{.RestartCount}}' "$SICK_PLAIN"
check_eq "$OUT" "running unhealthy restarts=0" "... and keeps running: plain Docker only reports health |ko| ... 계속 실행됩니다. 평범한 Docker는 상태를 알려 주기만 합니다"
wait_task_text "$SICK" "unhealthy container" 30
check_rc 0 "Swarm stopped the unhealthy task (docker service ps: \"unhealthy container\") ... |ko| Swarm이 unhealthy 태스크를 멈췄고(docker service ps: \"unhealthy container\") ..."
sleep 3
run docker service ps "$SICK" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}}'
NTASKS=$(printf "%s\n" "$OUT" | grep -c .)
check_true "... and started another one in its place ($NTASKS tasks so far) |ko| ... 그 자리에 다른 태스크를 시작했습니다(지금까지 태스크 $NTASKS개)" -- test "$(printf "%s\n" "$OUT" | grep -c .)" -ge 2
run docker service rm "$SICK"
check_rc 0 "docker service rm (it would go on replacing it for ever) |ko| docker service rm(지우지 않으면 끝없이 교체를 계속합니다)"

# ------------------------------------------------------------------ 6. a dead host
step "6. a host dies: its tasks move. One node cannot show that; draining it comes closest |ko| 6. 호스트가 죽으면 태스크가 옮겨 갑니다. 노드 하나로는 보여 줄 수 없으니, drain이 가장 가깝습니다"
if [ "$OUR_SWARM" = 1 ]; then
  track cmd docker node update --availability active "$NODE_ID"
  run docker node update --availability drain "$NODE_ID"
  check_rc 0 "docker node update --availability drain: no tasks here any more |ko| docker node update --availability drain: 이제 이 노드에는 태스크가 없습니다"
  run docker node ls
  check_out_match 'Ready +Drain +(Leader|Reachable)' "docker node ls: AVAILABILITY Drain |ko| docker node ls: AVAILABILITY가 Drain입니다"
  wait_task_text "$SVC" "no suitable node" 30
  check_out_contains "Pending" "the tasks were stopped and their replacements are Pending ... |ko| 태스크들은 멈췄고, 그 자리를 대신할 태스크들은 Pending입니다 ..."
  check_out_contains "no suitable node" "... with no node to go to (with a second node they would run there) |ko| ... 갈 수 있는 노드가 없기 때문입니다(두 번째 노드가 있으면 거기서 실행됩니다)"
  # the old tasks take a moment to stop after the drain
  wait_replicas "$SVC" 0/3 30
  run docker service ls --filter "name=$SVC"
  check_out_match "$SVC +replicated +0/3" "docker service ls: 0/3 |ko| docker service ls: 0/3, 실행 중인 태스크 없음"
  run docker node update --availability active "$NODE_ID"
  check_rc 0 "docker node update --availability active: the node takes tasks again |ko| docker node update --availability active: 노드가 다시 태스크를 받습니다"
  untrack_cmd docker node update --availability active "$NODE_ID"
  wait_replicas "$SVC" 3 30
  check_rc 0 "the Pending tasks are placed at once: 3/3 |ko| Pending 태스크들이 바로 배치됩니다: 3/3"
else
  say "skipped: this engine was in a swarm before the check; draining its node would stop every |ko| 건너뜀: 이 엔진은 점검 전부터 스웜에 속해 있었고, 그 노드를 drain하면 내 서비스가 모두 멈춥니다."
  say "service of yours on it. The page shows the commands; try them on a swarm of your own. |ko| 명령은 페이지에 있습니다. 직접 만든 스웜에서 해 보세요."
fi

# ------------------------------------------------------------------ clean up
step "clean up: services, network, compose project |ko| 정리: 서비스, 네트워크, compose 프로젝트"
run docker rm -f "$BOX" "$PLAIN" "$SICK_PLAIN"
check_rc 0 "docker rm -f the plain containers |ko| 평범한 컨테이너들을 docker rm -f로 지웁니다"
run docker service rm "$SVC"
check_rc 0 "docker service rm |ko| docker service rm으로 서비스를 지웁니다"
untrack_cmd docker service rm "$SVC" "$SICK" "$BIG"
compose down --timeout 5
check_rc 0 "docker compose down |ko| docker compose down으로 내립니다"
[ "$RC" = 0 ] && untrack_cmd docker compose -p "$PROJECT" -f "$EX_ROOT/$COMPOSE_FILE_" down --timeout 5
run timeout 60 sh -c "$WAIT_TASKS"
untrack_cmd timeout 60 sh -c "$WAIT_TASKS"
run docker network rm "$NET"
check_rc 0 "docker network rm (once no task uses it) |ko| docker network rm(쓰는 태스크가 없어진 뒤)"
[ "$RC" = 0 ] && untrack_cmd docker network rm "$NET"
