#!/usr/bin/env bash
# Check of exercises/orchestration/13-swarm.md: the course stack (deploy/swarm/stack.yml) on a
# single-node Docker Swarm: swarm init (only when this engine is in no swarm; it leaves again
# at the end), the MongoDB password as a Docker secret, docker stack deploy / services / ps,
# overlay DNS (tasks.backend), requests spread over the replicas, docker service scale 3 -> 4
# -> 3, the secret as a file under /run/secrets and never in an environment, a killed task
# replaced by a new one, docker stack rm (the volume stays).
#
# Machines without IPVS (the project's CI): Swarm's virtual IPs and ingress ports need it, so
# the check deploys a copy of stack.yml made for them (as e2e/tests/swarm.rs does): every
# service `deploy.endpoint_mode: dnsrr`, no `ports:`; requests go from a toolbox container
# attached to the stack's overlay network.
#
# Names: the stack ex-13-goals (services ex-13-goals_*, network ex-13-goals_goals-net, volume
# ex-13-goals_data), the secret ex-13-mongo-password, the client ex-13-box: nothing collides
# with a stack of yours (goals) or with the project's test (goals-swarm-test).
. "$(dirname "$0")/../lib.sh"
ex_begin 13 "Docker Swarm: a stack, a secret, overlay DNS, scaling, a task replaced"
IMAGE_PREFIX=${IMAGE_PREFIX:-goals}
IMAGE_TAG=${IMAGE_TAG:-latest}   # exercises/build-images.sh tags latest
need_image "$MONGO_IMAGE" "$TOOLBOX_IMAGE" \
  "$IMAGE_PREFIX-backend:$IMAGE_TAG" "$IMAGE_PREFIX-favorites:$IMAGE_TAG" "$IMAGE_PREFIX-frontend:$IMAGE_TAG" "$IMAGE_PREFIX-swapi:$IMAGE_TAG"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT"

STACK=$(ex_name goals)                # ex-13-goals
SECRET=$(ex_name mongo-password)      # the Docker secret (the stack's MONGO_SECRET)
BOX=$(ex_name box)                    # the client on the overlay network
NET=${STACK}_goals-net
BACKEND=${STACK}_backend
MONGO=${STACK}_mongodb
VOLUME=${STACK}_data
CONVERGE=${EX13_CONVERGE:-180}        # seconds for every replica of the stack to run
PASSWORD=ex13-$(date +%s)-$RANDOM     # a fresh demo password (the page uses "secret")
STACK_FILE=$EX_TMP/stack.yml

# stack_pending: the services of the stack that do not run all their replicas (empty: none).
stack_pending() {
  docker stack services "$STACK" --format '{{.Name}} {{.Replicas}}' 2>/dev/null \
    | awk '{split($2, r, "/"); if (r[1] != r[2]) print}'
}
# wait_stack SECONDS: until every service of the stack runs all its replicas.
wait_stack() {
  local max=$1 t0 deadline pending listed
  t0=$(_now); deadline=$(( $(date +%s) + max ))
  echo "${C_CMD}\$ $(_show docker stack services "$STACK" --format '{{.Name}} {{.Replicas}}')${C_OFF}  ${C_DIM}# repeated until every service runs all its replicas, at most $max s${C_OFF}"
  while :; do
    listed=$(docker stack services -q "$STACK" 2>/dev/null | wc -l)
    pending=$(stack_pending)
    [ "$listed" -gt 0 ] && [ -z "$pending" ] && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 1
  done
  OUT=$(docker stack services "$STACK" --format '{{.Name}} {{.Replicas}}' 2>&1)
  _print_output
  echo "    ${C_DIM}(after $(_secs "$t0") s)${C_OFF}"
  [ "$listed" -gt 0 ] && [ -z "$pending" ] && RC=0 || RC=1
}
# addresses NAME: how many IPv4 addresses NAME resolves to, asked from the client container.
addresses() { docker exec "$BOX" dig +short "$1" 2>/dev/null | grep -cE '^[0-9]+(\.[0-9]+){3}$'; }
# wait_addresses NAME N SECONDS: until NAME resolves to N addresses (the DNS follows the tasks).
wait_addresses() {
  local deadline=$(( $(date +%s) + $3 ))
  until [ "$(addresses "$1")" = "$2" ]; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}
# task_containers SERVICE: the IDs of the running containers of a service's tasks.
task_containers() { docker ps -q --filter "label=com.docker.swarm.service.name=$1"; }
# each_in WORDS LINES: every word of WORDS is one of LINES. lacks TEXT PART: TEXT lacks PART.
each_in() { local w; for w in $1; do grep -qxF -- "$w" <<<"$2" || return 1; done; }
lacks() { [[ $1 != *"$2"* ]]; }
# stack_gone: no container of the stack is left and its network is removed.
stack_gone() {
  [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")" ] \
    && ! docker network inspect "$NET" >/dev/null 2>&1
}
WAIT_GONE=(timeout 90 sh -c "until [ -z \"\$(docker ps -aq --filter label=com.docker.stack.namespace=$STACK)\" ] && ! docker network inspect $NET >/dev/null 2>&1; do sleep 0.5; done")

# ==========================================================================================
step "a swarm of one node"
run docker info -f '{{.Swarm.LocalNodeState}}'
SWARM_BEFORE=$OUT
if [ "$SWARM_BEFORE" = inactive ]; then
  GWBRIDGE_BEFORE=$(docker network ls -q --filter name=^docker_gwbridge$)
  ADDR=$(host_ip); ADDR=${ADDR:-127.0.0.1}
  run docker swarm init --advertise-addr "$ADDR"
  check_rc 0 "docker swarm init (this engine was in no swarm; it leaves again at the end)"
  [ "$RC" = 0 ] || fatal "no swarm, no stack"
  # undone newest first: leave the swarm, then remove the docker_gwbridge network swarm init
  # created (unless it was there before)
  [ -z "$GWBRIDGE_BEFORE" ] && track cmd docker network rm docker_gwbridge
  track cmd docker swarm leave --force
elif [ "$SWARM_BEFORE" = active ]; then
  say "this engine is already in a swarm: using it, not leaving it (only $STACK is created and removed)"
else
  fatal "this engine's swarm state is \"$SWARM_BEFORE\": fix it (docker info) or leave that swarm first"
fi
run docker info -f '{{.Swarm.ControlAvailable}}'
[ "$OUT" = true ] || fatal "this engine is a swarm worker: stacks are deployed from a manager (run the exercise there)"
run docker node ls
NODES=$(docker node ls -q 2>/dev/null | wc -l)
[ "$NODES" -le 1 ] || fatal "this swarm has $NODES nodes: the check expects all of the stack on this one (its images are local, it inspects and kills local containers). Run it on an engine in no swarm, or in a swarm of one node"
check_out_match 'Ready +Active +(Leader|Reachable)' "docker node ls: a manager node, Ready and Active"
# leftovers of an interrupted run (kill -9: no trap ran)
if docker stack ls --format '{{.Name}}' 2>/dev/null | grep -qx "$STACK"; then
  say "a stack $STACK from an earlier run is still here: removing it first"
  run docker stack rm "$STACK"
  run "${WAIT_GONE[@]}"
fi
docker secret inspect "$SECRET" >/dev/null 2>&1 && run docker secret rm "$SECRET"
docker volume inspect "$VOLUME" >/dev/null 2>&1 && run docker volume rm "$VOLUME"

step "the MongoDB password as a Docker secret"
printf '%s' "$PASSWORD" >"$EX_TMP/password"
say "the page types: printf 'secret' | docker secret create mongo_root_password -"
run docker secret create --label "$EX_LABEL" "$SECRET" "$EX_TMP/password"
track cmd docker secret rm "$SECRET"
check_rc 0 "docker secret create (the value goes to the swarm's encrypted store)"
run docker secret ls --filter "name=$SECRET"
check_out_contains "$SECRET" "docker secret ls lists it"
run docker secret inspect "$SECRET"
check_out_lacks "$PASSWORD" "docker secret inspect never shows the value"

step "the stack file for a machine without IPVS: endpoint_mode dnsrr, no published ports"
say "the same transformation as e2e/tests/swarm.rs (a plain text edit: no YAML library needed)"
run python3 exercises/orchestration/stack-for-this-machine.py deploy/swarm/stack.yml "$STACK_FILE"
check_rc 0 "the copy is written ($STACK_FILE)"
N_SERVICES=$(awk '/^services:/{s=1; next} /^[^ #]/{s=0} s && /^  [A-Za-z0-9_.-]+: *$/{n++} END{print n+0}' "$STACK_FILE")
run diff deploy/swarm/stack.yml "$STACK_FILE"
check_eq "$(grep -c '^      endpoint_mode: dnsrr$' "$STACK_FILE")" "$N_SERVICES" "each of the $N_SERVICES services has endpoint_mode: dnsrr"
check_eq "$(grep -cE '^ +ports:' "$STACK_FILE")" 0 "no service publishes a port"
check_eq "$(grep -cE '"\$\{[A-Z_]+_PORT:-[0-9]+\}:[0-9]+"' "$STACK_FILE")" 0 "none of the port mappings is left"

step "docker stack deploy (the images are local: --resolve-image never)"
export IMAGE_PREFIX IMAGE_TAG MONGO_IMAGE MONGO_SECRET=$SECRET SWAPI_REPLICAS=1 SWAPI_BASE_URL=http://swapi:8000/api
echo "${C_CMD}\$ export IMAGE_PREFIX=$IMAGE_PREFIX IMAGE_TAG=$IMAGE_TAG MONGO_IMAGE=$MONGO_IMAGE MONGO_SECRET=$MONGO_SECRET SWAPI_REPLICAS=1 SWAPI_BASE_URL=$SWAPI_BASE_URL${C_OFF}"
# undone newest first: stack rm, wait until its containers and network are gone, the volume
track cmd docker volume rm "$VOLUME"
track cmd "${WAIT_GONE[@]}"
track cmd docker stack rm "$STACK"
run docker stack deploy --resolve-image never -c "$STACK_FILE" "$STACK"
check_rc 0 "docker stack deploy: network, services (and their tasks) created"
[ "$RC" = 0 ] || fatal "the stack was not deployed"
run docker stack ls
check_out_match "^$STACK +[0-9]+" "docker stack ls lists the stack"
wait_stack "$CONVERGE"
check_rc 0 "every service runs all its replicas"
[ "$RC" = 0 ] || { run docker stack ps --no-trunc "$STACK"; fatal "the stack did not converge within $CONVERGE s"; }
run docker stack services "$STACK"
check_out_match "${BACKEND}[[:space:]]+replicated[[:space:]]+3/3" "backend: replicated, 3/3"
check_out_match "${STACK}_favorites[[:space:]]+replicated[[:space:]]+2/2" "favorites: 2/2"
check_out_match "${STACK}_frontend[[:space:]]+replicated[[:space:]]+2/2" "frontend: 2/2"
check_out_match "${MONGO}[[:space:]]+replicated[[:space:]]+1/1" "mongodb: 1/1"
check_out_match "${STACK}_swapi[[:space:]]+replicated[[:space:]]+1/1" "swapi (SWAPI_REPLICAS=1): 1/1"
run docker stack ps "$STACK" --filter desired-state=running --format '{{.Name}} {{.Node}} {{.CurrentState}}'
check_eq "$(grep -c ' Running ' <<<"$OUT")" 9 "docker stack ps: 9 tasks Running (1 + 3 + 2 + 1 + 2)"
run docker service ps "$BACKEND" --format '{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}}'
check_eq "$(grep -c "^$BACKEND\.[123] .* Running Running" <<<"$OUT")" 3 "docker service ps: tasks .1 .2 .3 of the backend"

step "overlay DNS: a client on the stack's network finds the services by name"
run docker run -d --name "$BOX" --network "$NET" "${EX_LABEL_ARGS[@]}" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "a toolbox container on $NET (the network is attachable)"
run docker exec "$BOX" dig +short tasks.backend
check_eq "$(addresses tasks.backend)" 3 "tasks.backend: one address per task (3)"
run docker exec "$BOX" dig +short backend
say "endpoint_mode dnsrr: the service name gives the tasks' addresses too (with a virtual IP it gives one)"
check_eq "$(addresses backend)" 3 "backend: 3 addresses (dnsrr)"
wait_http http://backend/readyz 200 90 docker exec "$BOX"
check_rc 0 "the backend is ready: it logged in to mongodb with the password from the secret"
[ "$RC" = 0 ] || { run docker service logs --tail 10 "$BACKEND"; run docker service logs --tail 10 "$MONGO"; fatal "the backend never got ready"; }
run docker exec "$BOX" "${CURL[@]}" -H 'Content-Type: application/json' -d '{"text":"Learn Docker Swarm"}' http://backend/goals
check_http 201 "POST /goals through the service name"
# shellcheck disable=SC2016 # expanded by the container's shell
run docker exec "$BOX" sh -c 'for i in $(seq 20); do curl -s -o /dev/null -D - http://backend/goals | tr -d "\r" | sed -n "s/^x-served-by: //Ip"; done | sort | uniq -c'
SERVERS=$(awk '{print $2}' <<<"$OUT" | sed '/^$/d')
check_true "20 requests were answered by more than one replica ($(wc -l <<<"$SERVERS") different X-Served-By)" -- \
  test "$(wc -l <<<"$SERVERS")" -gt 1
TASKS=$(task_containers "$BACKEND" | cut -c1-12)
check_true "each X-Served-By is the ID of one of the backend's task containers" -- \
  each_in "$SERVERS" "$TASKS"
wait_http http://frontend:3000/readyz 200 60 docker exec "$BOX"
run_quiet docker exec "$BOX" "${CURL[@]}" http://frontend:3000/
check_out_contains "Learn Docker Swarm" "the frontend (2 replicas) renders the goal it got from http://backend"
run docker service logs --tail 2 "$BACKEND"
check_out_match "^${BACKEND}\.[123]\.[a-z0-9]+@" "docker service logs: the logs of every task, prefixed by the task"

step "the secret: a file under /run/secrets, never an environment variable"
run docker service inspect "$BACKEND" -f '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'
check_out_contains "MONGODB_PASSWORD_FILE=/run/secrets/mongo_root_password" "the backend is told where the file is"
check_out_lacks "$PASSWORD" "and the password is not in its environment"
for svc in mongodb favorites frontend swapi; do
  spec=$(docker service inspect "${STACK}_$svc" -f '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' 2>&1)
  check_true "${STACK}_$svc: no password in its environment either" -- lacks "$spec" "$PASSWORD"
done
run docker service inspect "$BACKEND" -f '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}}'
check_out_contains '"Name":"mongo_root_password"' "the secret is mounted as the file mongo_root_password"
check_out_contains "\"SecretName\":\"$SECRET\"" "from the Docker secret $SECRET (MONGO_SECRET)"
MONGO_C=$(task_containers "$MONGO" | head -1)
say "our images are distroless (no ls, no shell); the MongoDB image has both:"
run docker exec "$MONGO_C" ls -l /run/secrets
check_out_match '^-r--r--r-- .* mongo_root_password$' "/run/secrets/mongo_root_password: a read-only file in the container"
run docker exec "$MONGO_C" cat /run/secrets/mongo_root_password
check_eq "$OUT" "$PASSWORD" "it holds the secret's value (MONGO_INITDB_ROOT_PASSWORD_FILE reads it)"
run docker inspect "$(task_containers "$BACKEND" | head -1)" -f '{{json .Config.Env}}'
check_out_lacks "$PASSWORD" "docker inspect of a backend task container: no password"

step "scale: 3 -> 4 -> 3"
run docker service scale --detach "$BACKEND=4"
check_rc 0 "docker service scale ${BACKEND}=4"
wait_replicas "$BACKEND" 4 60
check_rc 0 "4/4: one more task started"
wait_addresses tasks.backend 4 15
run docker exec "$BOX" dig +short tasks.backend
check_eq "$(addresses tasks.backend)" 4 "tasks.backend follows: 4 addresses"
run docker service scale --detach "$BACKEND=3"
check_rc 0 "docker service scale ${BACKEND}=3"
wait_replicas "$BACKEND" 3 60
check_rc 0 "3/3 again"
wait_addresses tasks.backend 3 15
run docker exec "$BOX" dig +short tasks.backend
check_eq "$(addresses tasks.backend)" 3 "tasks.backend: 3 addresses again"

step "a task dies: Swarm starts a new one (the desired state is 3)"
run docker ps --filter "label=com.docker.swarm.service.name=$BACKEND" --format '{{.ID}} {{.Names}} {{.Status}}'
VICTIM=$(task_containers "$BACKEND" | head -1)
run docker kill "$VICTIM"
check_rc 0 "docker kill one backend task container ($VICTIM)"
# Swarm notices at once (the task Failed); a new task runs after the restart delay (2 s) and
# its first healthcheck (5 s)
for _ in $(seq 40); do
  docker service ps "$BACKEND" --format '{{.Error}}' | grep -q "non-zero exit" && break
  sleep 0.5
done
wait_replicas "$BACKEND" 3 60
check_rc 0 "the service is back to 3/3"
run docker service ps "$BACKEND" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}} {{.Error}}'
check_out_contains "non-zero exit (137)" "docker service ps: the killed task Failed (exit 137: SIGKILL) ..."
check_eq "$(grep -c ' Running Running' <<<"$OUT")" 3 "... and 3 tasks run, one of them new"
RUNNING=$(task_containers "$BACKEND")
check_true "the killed container is not one of them (Swarm does not restart a container: it makes a new task)" -- \
  lacks "$RUNNING" "$VICTIM"
wait_http http://backend/readyz 200 30 docker exec "$BOX"
run docker exec "$BOX" "${CURL[@]}" http://backend/goals
check_out_contains '"text":"Learn Docker Swarm"' "the goal is still there (it lives in mongodb's volume, not in a backend task)"

step "docker stack rm: services, tasks and network go; the volume stays"
run docker rm -f "$BOX"
run docker stack rm "$STACK"
check_rc 0 "docker stack rm"
run "${WAIT_GONE[@]}"
check_rc 0 "its containers and its network are gone"
stack_gone && { untrack_cmd docker stack rm "$STACK"; untrack_cmd "${WAIT_GONE[@]}"; }
run docker volume ls --filter "name=$VOLUME" --format '{{.Name}}'
check_out_contains "$VOLUME" "the data volume $VOLUME survived (deploy again: the goals are back)"
run docker volume rm "$VOLUME"
check_rc 0 "docker volume rm: now the data is gone"
[ "$RC" = 0 ] && untrack_cmd docker volume rm "$VOLUME"
run docker secret rm "$SECRET"
check_rc 0 "docker secret rm (an external secret: stack rm leaves it)"
[ "$RC" = 0 ] && untrack_cmd docker secret rm "$SECRET"
