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
ex_begin 15 "what an orchestrator adds: one Docker host vs a (single-node) Swarm"
need_image "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT"

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
  local svc="$1" text="$2" max="$3" t0 deadline
  t0=$(_now); deadline=$(( $(date +%s) + max ))
  printf '%s\n' "${C_CMD}\$ $(_show docker service ps "$svc" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}} {{.Error}}')${C_OFF}  ${C_DIM}# repeated until it shows \"$text\", at most $max s${C_OFF}"
  while :; do
    OUT=$(docker service ps --no-trunc "$svc" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}} {{.Error}}' 2>&1)
    case $OUT in *"$text"*) break ;; esac
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 0.5
  done
  _print_output
  printf '%s\n' "    ${C_DIM}(after $(_secs "$t0") s)${C_OFF}"
  case $OUT in *"$text"*) RC=0 ;; *) RC=1 ;; esac
}
task_containers() { docker ps -q --filter "label=com.docker.swarm.service.name=$1"; }
addresses() { docker exec "$BOX" dig +short "$1" 2>/dev/null | grep -cE '^[0-9]+(\.[0-9]+){3}$'; }
lacks() { case $1 in *"$2"*) return 1 ;; *) return 0 ;; esac; }
compose() { run docker compose -p "$PROJECT" -f "$COMPOSE_FILE_" "$@"; }

# ==========================================================================================
step "a swarm of one node (docker swarm init only if this engine is in none)"
run docker info -f '{{.Swarm.LocalNodeState}}'
SWARM_BEFORE=$OUT
OUR_SWARM=0
if [ "$SWARM_BEFORE" = inactive ]; then
  GWBRIDGE_BEFORE=$(docker network ls -q --filter name=^docker_gwbridge$)
  run_host ip -4 route get 1.1.1.1
  ADDR=$(printf '%s\n' "$OUT" | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1); ADDR=${ADDR:-127.0.0.1}
  run docker swarm init --advertise-addr "$ADDR"
  check_rc 0 "docker swarm init (this engine was in no swarm; it leaves again at the end)"
  [ "$RC" = 0 ] || fatal "no swarm: nothing to compare with"
  [ -z "$GWBRIDGE_BEFORE" ] && track cmd docker network rm docker_gwbridge
  track cmd docker swarm leave --force
  OUR_SWARM=1
elif [ "$SWARM_BEFORE" = active ]; then
  say "this engine is already in a swarm: using it, not leaving it; the drain step is skipped (it would stop your services)"
else
  fatal "this engine's swarm state is \"$SWARM_BEFORE\": fix it (docker info) or leave that swarm first"
fi
run docker info -f '{{.Swarm.ControlAvailable}}'
[ "$OUT" = true ] || fatal "this engine is a swarm worker: services are created from a manager (run the exercise there)"
run docker node ls
NODES=$(docker node ls -q 2>/dev/null | wc -l)
[ "$NODES" -le 1 ] || fatal "this swarm has $NODES nodes: the check expects all of the services on this one (its images are local, it inspects and kills local containers). Run it on an engine in no swarm, or in a swarm of one node"
check_out_match 'Ready +Active +(Leader|Reachable)' "docker node ls: this node is Ready, Active, a manager"
NODE_ID=$(docker info -f '{{.Swarm.NodeID}}')
NODE_NAME=$(docker info -f '{{.Name}}')
# undone newest first: the services, a wait until their containers are gone, the network
track cmd docker network rm "$NET"
WAIT_TASKS="until [ -z \"\$(docker ps -aq --filter name=^$EX_PREFIX- --filter label=com.docker.swarm.task.id)\" ]; do sleep 0.5; done"
track cmd timeout 60 sh -c "$WAIT_TASKS"
track cmd docker service rm "$SVC" "$SICK" "$BIG"

# ------------------------------------------------------------------ 1. provisioning
step "1. provisioning: docker run starts here; a service is placed by the scheduler"
run docker run -d --name "$PLAIN" --restart no --label "$EX_LABEL" "$SWAPI_IMAGE"
track container "$PLAIN"
check_rc 0 "docker run: one container, on the host your docker CLI talks to (you chose it)"
run docker network create -d overlay --attachable --label "$EX_LABEL" "$NET"
check_rc 0 "an overlay network for the service (it would span every node of the swarm)"
run docker service create -d --name "$SVC" --replicas 2 --network "$NET" --endpoint-mode dnsrr --health-interval 1s --restart-delay 1s --label "$EX_LABEL" "$SWAPI_IMAGE"
check_rc 0 "docker service create --replicas 2: a desired state, not a container"
wait_replicas "$SVC" 2 60
check_rc 0 "2/2: the scheduler started two tasks"
run docker service ps "$SVC" --format '{{.Name}} {{.Node}} {{.CurrentState}}'
check_eq "$(printf '%s\n' "$OUT" | grep -c " $NODE_NAME Running")" 2 "each task was placed on a node (here the only one, $NODE_NAME)"
run docker service create -d --name "$BIG" --reserve-memory 1000G --endpoint-mode dnsrr --health-interval 1s --restart-delay 1s --label "$EX_LABEL" "$SWAPI_IMAGE"
check_rc 0 "a service that asks for 1000 GB of memory"
wait_task_text "$BIG" "insufficient resources" 20
check_out_contains "Pending" "no node has room: the task stays Pending ..."
check_out_contains "insufficient resources" "... and docker service ps says why"
run docker service rm "$BIG"
check_rc 0 "docker service rm"

# ------------------------------------------------------------------ 2. redundancy
step "2. redundancy: a container that dies stays dead; a task that dies is replaced"
run docker kill "$PLAIN"
check_rc 0 "docker kill the plain container"
sleep 3
run docker inspect -f '{{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}' "$PLAIN"
check_eq "$OUT" "exited exit=137 restarts=0" "3 s later it is still exited: nobody watches it (--restart no)"
run docker ps --filter "label=com.docker.swarm.service.name=$SVC" --format '{{.ID}} {{.Names}}'
VICTIM=$(task_containers "$SVC" | head -1)
run docker kill "$VICTIM"
check_rc 0 "docker kill one task container of the service"
wait_task_text "$SVC" "non-zero exit (137)" 20
check_rc 0 "the task is marked Failed (exit 137) ..."
wait_replicas "$SVC" 2 30
check_rc 0 "... and a new task brings the service back to 2/2"
check_true "the new task is a new container (the killed one is not restarted)" -- lacks "$(task_containers "$SVC")" "$VICTIM"

# ------------------------------------------------------------------ 3. scaling
step "3. scaling: compose up --scale on one host; docker service scale keeps the count"
track cmd docker compose -p "$PROJECT" -f "$EX_ROOT/$COMPOSE_FILE_" down --timeout 5
compose up -d --wait --scale swapi=3
check_rc 0 "docker compose up -d --scale swapi=3: three containers, all on this host"
compose ps --format '{{.Name}} {{.State}}'
check_eq "$(printf '%s\n' "$OUT" | grep -c ' running$')" 3 "docker compose ps: 3 running"
run docker run --rm --network "${PROJECT}_default" "$TOOLBOX_IMAGE" dig +short swapi
check_eq "$(printf '%s\n' "$OUT" | grep -cE '^[0-9.]+$')" 3 "on the project's network the name swapi gives the 3 containers"
run docker kill "$PROJECT-swapi-1"
check_rc 0 "docker kill one of them"
sleep 3
compose ps --format '{{.Name}} {{.State}}'
check_eq "$(printf '%s\n' "$OUT" | grep -c ' running$')" 2 "3 s later: 2 running; compose does not keep a count, it ran once"
compose up -d --wait --scale swapi=3
check_eq "$RC" 0 "only when you run up again is the count restored (docker compose up ...)"
run docker service scale --detach "$SVC=3"
check_rc 0 "docker service scale: a new desired state, 3"
wait_replicas "$SVC" 3 30
check_rc 0 "3/3: Swarm reaches it and then keeps it (step 2)"

# ------------------------------------------------------------------ 4. service discovery
step "4. service discovery: one name for all the tasks, kept up to date"
run docker run -d --name "$PLAIN" --restart no --label "$EX_LABEL" "$SWAPI_IMAGE"
check_rc 125 "a container name is ONE container: a second $PLAIN is refused"
check_out_contains "is already in use" "(Conflict: the name is taken)"
run docker run -d --name "$BOX" --network "$NET" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "a toolbox container on the service's overlay network"
for _ in $(seq 20); do [ "$(addresses "tasks.$SVC")" = 3 ] && break; sleep 0.5; done
run docker exec "$BOX" dig +short "tasks.$SVC"
check_eq "$(addresses "tasks.$SVC")" 3 "tasks.$SVC: the 3 tasks' addresses, wherever they run"
wait_http "http://$SVC:8000/healthz" 200 20 docker exec "$BOX"
curl_in "$BOX" "http://$SVC:8000/api/people/1/"
check_out_contains '"name":"Luke Skywalker"' "the service name answers (a different task each time the DNS rotates)"

# ------------------------------------------------------------------ 5. health
step "5. health: an unhealthy container keeps running; an unhealthy task is replaced"
run docker run -d --name "$SICK_PLAIN" --health-cmd false --health-interval 1s --health-retries 2 --label "$EX_LABEL" "$TOOLBOX_IMAGE" sleep infinity
track container "$SICK_PLAIN"
check_rc 0 "docker run with a healthcheck that always fails (false)"
# sleep ignores SIGTERM: killed after the grace period, exit 137, so the task is Failed with
# its reason (a clean exit 0 would make it Complete, without one)
run docker service create -d --name "$SICK" --health-cmd false --health-interval 1s --health-retries 2 \
  --stop-grace-period 1s --endpoint-mode dnsrr --restart-delay 1s --label "$EX_LABEL" "$TOOLBOX_IMAGE" sleep infinity
check_rc 0 "docker service create with the same healthcheck"
for _ in $(seq 30); do [ "$(inspect '{{.State.Health.Status}}' "$SICK_PLAIN")" = unhealthy ] && break; sleep 0.5; done
run docker ps --filter "name=^$SICK_PLAIN\$" --format '{{.Names}} {{.Status}}'
check_out_contains "(unhealthy)" "docker ps: the plain container is unhealthy ..."
run docker inspect -f '{{.State.Status}} {{.State.Health.Status}} restarts={{.RestartCount}}' "$SICK_PLAIN"
check_eq "$OUT" "running unhealthy restarts=0" "... and keeps running: plain Docker only reports health"
wait_task_text "$SICK" "unhealthy container" 30
check_rc 0 "Swarm stopped the unhealthy task (docker service ps: \"unhealthy container\") ..."
sleep 3
run docker service ps "$SICK" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}}'
check_true "... and started another one in its place ($(printf "%s\n" "$OUT" | grep -c .) tasks so far)" -- test "$(printf "%s\n" "$OUT" | grep -c .)" -ge 2
run docker service rm "$SICK"
check_rc 0 "docker service rm (it would go on replacing it for ever)"

# ------------------------------------------------------------------ 6. a dead host
step "6. a host dies: its tasks move. One node cannot show that; draining it comes closest"
if [ "$OUR_SWARM" = 1 ]; then
  track cmd docker node update --availability active "$NODE_ID"
  run docker node update --availability drain "$NODE_ID"
  check_rc 0 "docker node update --availability drain: no tasks here any more"
  run docker node ls
  check_out_match 'Ready +Drain +(Leader|Reachable)' "docker node ls: AVAILABILITY Drain"
  wait_task_text "$SVC" "no suitable node" 30
  check_out_contains "Pending" "the tasks were stopped and their replacements are Pending ..."
  check_out_contains "no suitable node" "... with no node to go to (with a second node they would run there)"
  # the old tasks take a moment to stop after the drain
  wait_replicas "$SVC" 0/3 30
  run docker service ls --filter "name=$SVC"
  check_out_match "$SVC +replicated +0/3" "docker service ls: 0/3"
  run docker node update --availability active "$NODE_ID"
  check_rc 0 "docker node update --availability active: the node takes tasks again"
  untrack_cmd docker node update --availability active "$NODE_ID"
  wait_replicas "$SVC" 3 30
  check_rc 0 "the Pending tasks are placed at once: 3/3"
else
  say "skipped: this engine was in a swarm before the check; draining its node would stop every"
  say "service of yours on it. The page shows the commands; try them on a swarm of your own."
fi

# ------------------------------------------------------------------ clean up
step "clean up: services, network, compose project"
run docker rm -f "$BOX" "$PLAIN" "$SICK_PLAIN"
check_rc 0 "docker rm -f the plain containers"
run docker service rm "$SVC"
check_rc 0 "docker service rm"
untrack_cmd docker service rm "$SVC" "$SICK" "$BIG"
compose down --timeout 5
check_rc 0 "docker compose down"
[ "$RC" = 0 ] && untrack_cmd docker compose -p "$PROJECT" -f "$EX_ROOT/$COMPOSE_FILE_" down --timeout 5
run timeout 60 sh -c "$WAIT_TASKS"
untrack_cmd timeout 60 sh -c "$WAIT_TASKS"
run docker network rm "$NET"
check_rc 0 "docker network rm (once no task uses it)"
[ "$RC" = 0 ] && untrack_cmd docker network rm "$NET"
