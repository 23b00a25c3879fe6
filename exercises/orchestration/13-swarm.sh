#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/orchestration/13-swarm.md: the course stack (deploy/swarm/stack.yml) on a
# single-node Docker Swarm: swarm init (only when this engine is in no swarm; it leaves again
# at the end), the MongoDB password as a Docker secret, docker stack deploy / services / ps,
# overlay DNS (tasks.backend), requests spread over the replicas, docker service scale 3 -> 4
# -> 3, the secret as a file under /run/secrets and never in an environment, a killed task
# replaced by a new one, docker stack rm (the volume stays).
# Needs only docker and sh here: the swarm's address comes from the toolbox on the host's
# network (run_host), every request and DNS lookup is made from a toolbox container.
#
# Machines without IPVS (the project's CI): Swarm's virtual IPs and ingress ports need it, so
# the check deploys a copy of stack.yml made for them (as e2e/tests/swarm.rs does): every
# service `deploy.endpoint_mode: dnsrr`, no `ports:`; requests go from a toolbox container
# attached to the stack's overlay network. The copy is a text edit in POSIX awk
# (stack-for-this-machine.awk), so no Python is needed.
#
# Names: the stack ex-13-goals (services ex-13-goals_*, network ex-13-goals_goals-net, volume
# ex-13-goals_data), the secret ex-13-mongo-password, the client ex-13-box: nothing collides
# with a stack of yours (goals) or with the project's test (goals-swarm-test).
. "$(dirname "$0")/../lib.sh"
ex_begin 13 "Docker Swarm: a stack, a secret, overlay DNS, scaling, a task replaced |ko| Docker Swarm: 스택, 시크릿, overlay DNS, 스케일링, 태스크 교체"
IMAGE_PREFIX=${IMAGE_PREFIX:-goals}
IMAGE_TAG=${IMAGE_TAG:-latest}   # exercises/build-images.sh tags latest
need_image "$MONGO_IMAGE" "$TOOLBOX_IMAGE" \
  "$IMAGE_PREFIX-backend:$IMAGE_TAG" "$IMAGE_PREFIX-favorites:$IMAGE_TAG" "$IMAGE_PREFIX-frontend:$IMAGE_TAG" "$IMAGE_PREFIX-swapi:$IMAGE_TAG"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT |ko| $EX_ROOT 폴더로 이동할 수 없습니다"

STACK=$(ex_name goals)                # ex-13-goals
SECRET=$(ex_name mongo-password)      # the Docker secret (the stack's MONGO_SECRET)
BOX=$(ex_name box)                    # the client on the overlay network
NET=${STACK}_goals-net
BACKEND=${STACK}_backend
MONGO=${STACK}_mongodb
VOLUME=${STACK}_data
CONVERGE=${EX13_CONVERGE:-180}        # seconds for every replica of the stack to run
PASSWORD=ex13-$(date +%s)-$$          # a fresh demo password (the page uses "secret")
STACK_FILE=$EX_TMP/stack.yml

# stack_pending: the services of the stack that do not run all their replicas (empty: none).
stack_pending() {
  docker stack services "$STACK" --format '{{.Name}} {{.Replicas}}' 2>/dev/null \
    | awk '{split($2, r, "/"); if (r[1] != r[2]) print}'
}
# wait_stack SECONDS: until every service of the stack runs all its replicas.
wait_stack() {
  local max="$1" t0 deadline pending listed
  t0=$(_now); deadline=$(( $(date +%s) + max ))
  printf '%s\n' "${C_CMD}\$ $(_show docker stack services "$STACK" --format '{{.Name}} {{.Replicas}}')${C_OFF}  ${C_DIM}# $(_m "repeated until every service runs all its replicas, at most $max s" "모든 서비스가 레플리카를 전부 실행할 때까지 반복, 최대 ${max}초")${C_OFF}"
  while :; do
    listed=$(docker stack services -q "$STACK" 2>/dev/null | wc -l | tr -d ' ')
    pending=$(stack_pending)
    [ "$listed" -gt 0 ] && [ -z "$pending" ] && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 1
  done
  OUT=$(docker stack services "$STACK" --format '{{.Name}} {{.Replicas}}' 2>&1)
  _print_output
  printf '%s\n' "    ${C_DIM}($(_m "after $(_secs "$t0") s" "$(_secs "$t0")초 뒤"))${C_OFF}"
  if [ "$listed" -gt 0 ] && [ -z "$pending" ]; then RC=0; else RC=1; fi
}
# addresses NAME: how many IPv4 addresses NAME resolves to, asked from the client container.
# wait_addresses NAME N SECONDS: until NAME resolves to N addresses (the DNS follows the tasks).
wait_addresses() {
  local deadline=$(( $(date +%s) + $3 ))
  until [ "$(addresses "$1")" = "$2" ]; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}
# task_containers SERVICE: the IDs of the running containers of a service's tasks.
# count_lines REGEX: how many lines of $OUT match REGEX (grep -E).
count_lines() { printf '%s\n' "$OUT" | grep -cE -- "$1"; }
# each_in WORDS LINES: every word of WORDS is one of LINES. lacks TEXT PART: TEXT lacks PART.
each_in() {
  local w
  for w in $1; do printf '%s\n' "$2" | grep -qxF -- "$w" || return 1; done
}
# stack_gone: no container of the stack is left and its network is removed.
stack_gone() {
  [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")" ] \
    && ! docker network inspect "$NET" >/dev/null 2>&1
}
# the same, as one shell command (for `run` and the cleanup): waits at most 90 s (180 x 0.5 s)
WAIT_GONE="n=0; until [ -z \"\$(docker ps -aq --filter label=com.docker.stack.namespace=$STACK)\" ] && ! docker network inspect $NET >/dev/null 2>&1; do n=\$((n + 1)); [ \$n -le 180 ] || exit 1; sleep 0.5; done"

# ==========================================================================================
step "a swarm of one node |ko| 노드 하나짜리 스웜"
run docker info -f '{{.Swarm.LocalNodeState}}'
SWARM_BEFORE=$OUT
if [ "$SWARM_BEFORE" = inactive ]; then
  GWBRIDGE_BEFORE=$(docker network ls -q --filter name=^docker_gwbridge$)
  run_host ip -4 route get 1.1.1.1
  ADDR=$(printf '%s\n' "$OUT" | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1); ADDR=${ADDR:-127.0.0.1}
  run docker swarm init --advertise-addr "$ADDR"
  check_rc 0 "docker swarm init (this engine was in no swarm; it leaves again at the end) |ko| docker swarm init(이 엔진은 어떤 스웜에도 속해 있지 않았으므로, 끝날 때 스웜에서 다시 나옵니다)"
  [ "$RC" = 0 ] || fatal "no swarm, no stack |ko| 스웜이 없으니 스택도 배포할 수 없습니다"
  # undone newest first: leave the swarm, then remove the docker_gwbridge network swarm init
  # created (unless it was there before)
  [ -z "$GWBRIDGE_BEFORE" ] && track cmd docker network rm docker_gwbridge
  track cmd docker swarm leave --force
elif [ "$SWARM_BEFORE" = active ]; then
  say "this engine is already in a swarm: using it, not leaving it (only $STACK is created and removed) |ko| 이 엔진은 이미 스웜에 속해 있습니다. 그 스웜을 그대로 쓰고 스웜에서 나오지 않습니다(만들고 지우는 것은 스택 $STACK뿐입니다)"
else
  fatal "this engine's swarm state is \"$SWARM_BEFORE\": fix it (docker info) or leave that swarm first |ko| 이 엔진의 스웜 상태가 \"$SWARM_BEFORE\"입니다. 먼저 바로잡거나(docker info) 그 스웜에서 나오세요"
fi
run docker info -f '{{.Swarm.ControlAvailable}}'
[ "$OUT" = true ] || fatal "this engine is a swarm worker: stacks are deployed from a manager (run the exercise there) |ko| 이 엔진은 스웜의 워커입니다. 스택은 매니저에서 배포합니다(실습은 매니저에서 실행하세요)"
run docker node ls
NODES=$(docker node ls -q 2>/dev/null | wc -l | tr -d ' ')
[ "$NODES" -le 1 ] || fatal "this swarm has $NODES nodes: the check expects all of the stack on this one (its images are local, it inspects and kills local containers). Run it on an engine in no swarm, or in a swarm of one node |ko| 이 스웜에는 노드가 $NODES개 있습니다. 점검은 스택 전체가 이 노드에 있다고 가정합니다(이미지가 이 노드에만 있고, 이 노드의 컨테이너를 검사하고 kill합니다). 어떤 스웜에도 속하지 않은 엔진이나 노드 하나짜리 스웜에서 실행하세요"
check_out_match 'Ready +Active +(Leader|Reachable)' "docker node ls: a manager node, Ready and Active |ko| docker node ls: Ready, Active 상태인 매니저 노드"
# leftovers of an interrupted run (kill -9: no trap ran)
if docker stack ls --format '{{.Name}}' 2>/dev/null | grep -qx "$STACK"; then
  say "a stack $STACK from an earlier run is still here: removing it first |ko| 이전 실행에서 남은 스택 $STACK부터 지웁니다"
  run docker stack rm "$STACK"
  run sh -c "$WAIT_GONE"
fi
docker secret inspect "$SECRET" >/dev/null 2>&1 && run docker secret rm "$SECRET"
docker volume inspect "$VOLUME" >/dev/null 2>&1 && run docker volume rm "$VOLUME"

step "the MongoDB password as a Docker secret |ko| MongoDB 비밀번호를 Docker 시크릿으로"
printf '%s' "$PASSWORD" >"$EX_TMP/password"
say "the page types: printf 'secret' | docker secret create mongo_root_password - |ko| 페이지에서는 이렇게 입력합니다: printf 'secret' | docker secret create mongo_root_password -"
run docker secret create --label "$EX_LABEL" "$SECRET" "$EX_TMP/password"
track cmd docker secret rm "$SECRET"
check_rc 0 "docker secret create (the value goes to the swarm's encrypted store) |ko| docker secret create(값은 스웜의 암호화된 저장소에 들어갑니다)"
run docker secret ls --filter "name=$SECRET"
check_out_contains "$SECRET" "docker secret ls lists it |ko| docker secret ls 목록에 있습니다"
run docker secret inspect "$SECRET"
check_out_lacks "$PASSWORD" "docker secret inspect never shows the value |ko| docker secret inspect는 값을 절대 보여 주지 않습니다"

step "the stack file for a machine without IPVS: endpoint_mode dnsrr, no published ports |ko| IPVS가 없는 머신용 스택 파일: endpoint_mode dnsrr, 게시 포트 없음"
say "the same transformation as e2e/tests/swarm.rs (a plain text edit in POSIX awk: no YAML library, no Python needed) |ko| e2e/tests/swarm.rs가 하는 것과 같은 변환입니다(POSIX awk로 하는 단순한 텍스트 편집이라 YAML 라이브러리도 Python도 필요 없습니다)"
run awk -v dst="$STACK_FILE" -f exercises/orchestration/stack-for-this-machine.awk deploy/swarm/stack.yml
check_rc 0 "the copy is written ($STACK_FILE) |ko| 사본이 만들어졌습니다($STACK_FILE)"
N_SERVICES=$(awk '/^services:/{s=1; next} /^[^ #]/{s=0} s && /^  [A-Za-z0-9_.-]+: *$/{n++} END{print n+0}' "$STACK_FILE")
run diff deploy/swarm/stack.yml "$STACK_FILE"
check_eq "$(grep -c '^      endpoint_mode: dnsrr$' "$STACK_FILE")" "$N_SERVICES" "each of the $N_SERVICES services has endpoint_mode: dnsrr |ko| 서비스 $N_SERVICES개 모두에 endpoint_mode: dnsrr가 있습니다"
check_eq "$(grep -cE '^ +ports:' "$STACK_FILE")" 0 "no service publishes a port |ko| 포트를 게시하는 서비스가 없습니다"
check_eq "$(grep -cE '"\$\{[A-Z_]+_PORT:-[0-9]+\}:[0-9]+"' "$STACK_FILE")" 0 "none of the port mappings is left |ko| 포트 매핑이 하나도 남지 않았습니다"

step "docker stack deploy (the images are local: --resolve-image never) |ko| docker stack deploy(이미지가 로컬에 있으므로 --resolve-image never)"
MONGO_SECRET=$SECRET SWAPI_REPLICAS=1 SWAPI_BASE_URL=http://swapi:8000/api
export IMAGE_PREFIX IMAGE_TAG MONGO_IMAGE MONGO_SECRET SWAPI_REPLICAS SWAPI_BASE_URL
printf '%s\n' "${C_CMD}\$ export IMAGE_PREFIX=$IMAGE_PREFIX IMAGE_TAG=$IMAGE_TAG MONGO_IMAGE=$MONGO_IMAGE MONGO_SECRET=$MONGO_SECRET SWAPI_REPLICAS=1 SWAPI_BASE_URL=$SWAPI_BASE_URL${C_OFF}"
# undone newest first: stack rm, wait until its containers and network are gone, the volume
track cmd docker volume rm "$VOLUME"
track cmd sh -c "$WAIT_GONE"
track cmd docker stack rm "$STACK"
run docker stack deploy --resolve-image never -c "$STACK_FILE" "$STACK"
check_rc 0 "docker stack deploy: network, services (and their tasks) created |ko| docker stack deploy: 네트워크와 서비스(그리고 그 태스크)가 만들어졌습니다"
[ "$RC" = 0 ] || fatal "the stack was not deployed |ko| 스택이 배포되지 않았습니다"
run docker stack ls
check_out_match "^$STACK +[0-9]+" "docker stack ls lists the stack |ko| docker stack ls 목록에 스택이 있습니다"
wait_stack "$CONVERGE"
check_rc 0 "every service runs all its replicas |ko| 모든 서비스가 레플리카를 전부 실행합니다"
[ "$RC" = 0 ] || { run docker stack ps --no-trunc "$STACK"; fatal "the stack did not converge within $CONVERGE s |ko| 스택이 ${CONVERGE}초 안에 수렴하지 않았습니다"; }
run docker stack services "$STACK"
check_out_match "${BACKEND}[[:space:]]+replicated[[:space:]]+3/3" "backend: replicated, 3/3 |ko| backend: replicated 모드, 레플리카 3/3"
check_out_match "${STACK}_favorites[[:space:]]+replicated[[:space:]]+2/2" "favorites: 2/2 |ko| favorites: 레플리카 2/2"
check_out_match "${STACK}_frontend[[:space:]]+replicated[[:space:]]+2/2" "frontend: 2/2 |ko| frontend: 레플리카 2/2"
check_out_match "${MONGO}[[:space:]]+replicated[[:space:]]+1/1" "mongodb: 1/1 |ko| mongodb: 레플리카 1/1"
check_out_match "${STACK}_swapi[[:space:]]+replicated[[:space:]]+1/1" "swapi (SWAPI_REPLICAS=1): 1/1 |ko| swapi(SWAPI_REPLICAS=1): 레플리카 1/1"
run docker stack ps "$STACK" --filter desired-state=running --format '{{.Name}} {{.Node}} {{.CurrentState}}'
check_eq "$(count_lines ' Running ')" 9 "docker stack ps: 9 tasks Running (1 + 3 + 2 + 1 + 2) |ko| docker stack ps: Running 상태인 태스크 9개(1 + 3 + 2 + 1 + 2)"
run docker service ps "$BACKEND" --format '{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}}'
check_eq "$(count_lines "^$BACKEND\.[123] .* Running Running")" 3 "docker service ps: tasks .1 .2 .3 of the backend |ko| docker service ps: backend의 태스크 .1 .2 .3"

step "overlay DNS: a client on the stack's network finds the services by name |ko| overlay DNS: 스택의 네트워크에 연결한 클라이언트에서 이름으로 서비스 찾기"
run docker run -d --name "$BOX" --network "$NET" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "a toolbox container on $NET (the network is attachable) |ko| $NET 네트워크에 연결한 toolbox 컨테이너(이 네트워크는 attachable입니다)"
run docker exec "$BOX" dig +short tasks.backend
check_eq "$(addresses tasks.backend)" 3 "tasks.backend: one address per task (3) |ko| tasks.backend: 태스크마다 주소 하나(3개)"
run docker exec "$BOX" dig +short backend
say "endpoint_mode dnsrr: the service name gives the tasks' addresses too (with a virtual IP it gives one) |ko| endpoint_mode dnsrr: 서비스 이름도 태스크들의 주소로 확인(resolve)됩니다(가상 IP라면 주소 하나)"
check_eq "$(addresses backend)" 3 "backend: 3 addresses (dnsrr) |ko| backend: 주소 3개(dnsrr)"
wait_http http://backend/readyz 200 90 docker exec "$BOX"
check_rc 0 "the backend is ready: it logged in to mongodb with the password from the secret |ko| 백엔드가 준비되었습니다. 시크릿의 비밀번호로 mongodb에 로그인했습니다"
[ "$RC" = 0 ] || { run docker service logs --tail 10 "$BACKEND"; run docker service logs --tail 10 "$MONGO"; fatal "the backend never got ready |ko| 백엔드가 끝내 준비되지 않았습니다"; }
curl_in "$BOX" http://backend/goals -H 'Content-Type: application/json' -d '{"text":"Learn Docker Swarm"}'
check_http 201 "POST /goals through the service name |ko| 서비스 이름으로 POST /goals를 보냅니다"
# shellcheck disable=SC2016 # expanded by the container's shell
run docker exec "$BOX" sh -c 'for i in $(seq 20); do curl -s -o /dev/null -D - http://backend/goals | tr -d "\r" | sed -n "s/^x-served-by: //Ip"; done | sort | uniq -c'
SERVERS=$(printf '%s\n' "$OUT" | awk 'NF >= 2 {print $2}')
N_SERVERS=$(printf '%s\n' "$SERVERS" | grep -c .)
check_true "20 requests were answered by more than one replica ($N_SERVERS different X-Served-By) |ko| 요청 20개에 레플리카 둘 이상이 응답했습니다(서로 다른 X-Served-By $N_SERVERS개)" -- \
  test "$N_SERVERS" -gt 1
TASKS=$(task_containers "$BACKEND" | cut -c1-12)
check_true "each X-Served-By is the ID of one of the backend's task containers |ko| 모든 X-Served-By가 backend 태스크 컨테이너 가운데 하나의 ID입니다" -- \
  each_in "$SERVERS" "$TASKS"
wait_http http://frontend:3000/readyz 200 60 docker exec "$BOX"
run_quiet docker exec "$BOX" curl -s --max-time 10 -w '\nHTTP %{http_code}\n' http://frontend:3000/
check_out_contains "Learn Docker Swarm" "the frontend (2 replicas) renders the goal it got from http://backend |ko| 프런트엔드(레플리카 2개)가 http://backend에서 받은 목표를 렌더링합니다"
run docker service logs --tail 2 "$BACKEND"
check_out_match "^${BACKEND}\.[123]\.[a-z0-9]+@" "docker service logs: the logs of every task, prefixed by the task |ko| docker service logs: 모든 태스크의 로그, 줄마다 앞에 태스크 이름이 붙습니다"

step "the secret: a file under /run/secrets, never an environment variable |ko| 시크릿: 환경 변수가 아니라 /run/secrets 아래의 파일"
run docker service inspect "$BACKEND" -f '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'
check_out_contains "MONGODB_PASSWORD_FILE=/run/secrets/mongo_root_password" "the backend is told where the file is |ko| 백엔드는 파일의 위치를 전달받습니다"
check_out_lacks "$PASSWORD" "and the password is not in its environment |ko| 그리고 환경 변수에는 비밀번호가 없습니다"
for svc in mongodb favorites frontend swapi; do
  spec=$(docker service inspect "${STACK}_$svc" -f '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' 2>&1)
  check_true "${STACK}_$svc: no password in its environment either |ko| ${STACK}_$svc: 이 서비스의 환경 변수에도 비밀번호가 없습니다" -- lacks "$spec" "$PASSWORD"
done
run docker service inspect "$BACKEND" -f '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}}'
check_out_contains '"Name":"mongo_root_password"' "the secret is mounted as the file mongo_root_password |ko| 시크릿이 mongo_root_password 파일로 마운트됩니다"
check_out_contains "\"SecretName\":\"$SECRET\"" "from the Docker secret $SECRET (MONGO_SECRET) |ko| Docker 시크릿 $SECRET에서 옵니다(MONGO_SECRET)"
MONGO_C=$(task_containers "$MONGO" | head -1)
say "our images are distroless (no ls, no shell); the MongoDB image has both: |ko| 이 프로젝트의 이미지는 distroless입니다(ls도 셸도 없음). MongoDB 이미지에는 둘 다 있습니다:"
run docker exec "$MONGO_C" ls -l /run/secrets
check_out_match '^-r--r--r-- .* mongo_root_password$' "/run/secrets/mongo_root_password: a read-only file in the container |ko| /run/secrets/mongo_root_password: 컨테이너 안의 읽기 전용 파일"
run docker exec "$MONGO_C" cat /run/secrets/mongo_root_password
check_eq "$OUT" "$PASSWORD" "it holds the secret's value (MONGO_INITDB_ROOT_PASSWORD_FILE reads it) |ko| 파일에 시크릿의 값이 들어 있습니다(MONGO_INITDB_ROOT_PASSWORD_FILE로 지정한 이 파일을 MongoDB 이미지가 읽습니다)"
BACKEND_C=$(task_containers "$BACKEND" | head -1)
run docker inspect "$BACKEND_C" -f '{{json .Config.Env}}'
check_out_lacks "$PASSWORD" "docker inspect of a backend task container: no password |ko| backend 태스크 컨테이너의 docker inspect: 비밀번호 없음"

step "scale: 3 -> 4 -> 3 |ko| 스케일: 3 -> 4 -> 3"
run docker service scale --detach "$BACKEND=4"
check_rc 0 "docker service scale ${BACKEND}=4 |ko| docker service scale ${BACKEND}=4 실행"
wait_replicas "$BACKEND" 4 60
check_rc 0 "4/4: one more task started |ko| 4/4: 태스크 하나가 더 시작되었습니다"
wait_addresses tasks.backend 4 15
run docker exec "$BOX" dig +short tasks.backend
check_eq "$(addresses tasks.backend)" 4 "tasks.backend follows: 4 addresses |ko| tasks.backend도 따라 바뀝니다: 주소 4개"
run docker service scale --detach "$BACKEND=3"
check_rc 0 "docker service scale ${BACKEND}=3 |ko| docker service scale ${BACKEND}=3 실행"
wait_replicas "$BACKEND" 3 60
check_rc 0 "3/3 again |ko| 다시 3/3"
wait_addresses tasks.backend 3 15
run docker exec "$BOX" dig +short tasks.backend
check_eq "$(addresses tasks.backend)" 3 "tasks.backend: 3 addresses again |ko| tasks.backend: 다시 주소 3개"

step "a task dies: Swarm starts a new one (the desired state is 3) |ko| 태스크가 죽으면 Swarm이 새 태스크를 시작함(원하는 상태는 3)"
run docker ps --filter "label=com.docker.swarm.service.name=$BACKEND" --format '{{.ID}} {{.Names}} {{.Status}}'
VICTIM=$(task_containers "$BACKEND" | head -1)
run docker kill "$VICTIM"
check_rc 0 "docker kill one backend task container ($VICTIM) |ko| backend 태스크 컨테이너 하나를 docker kill로 죽였습니다($VICTIM)"
# Swarm notices at once (the task Failed); a new task runs after the restart delay (2 s) and
# its first healthcheck (5 s)
i=0
while [ "$i" -lt 40 ]; do
  docker service ps "$BACKEND" --format '{{.Error}}' | grep -q "non-zero exit" && break
  sleep 0.5; i=$((i + 1))
done
wait_replicas "$BACKEND" 3 60
check_rc 0 "the service is back to 3/3 |ko| 서비스가 다시 3/3이 되었습니다"
run docker service ps "$BACKEND" --format '{{.Name}} {{.DesiredState}} {{.CurrentState}} {{.Error}}'
check_out_contains "non-zero exit (137)" "docker service ps: the killed task Failed (exit 137: SIGKILL) ... |ko| docker service ps: kill한 태스크는 Failed(종료 코드 137: SIGKILL) ..."
check_eq "$(count_lines ' Running Running')" 3 "... and 3 tasks run, one of them new |ko| ... 그리고 태스크 3개가 실행 중이며, 그중 하나는 새 태스크입니다"
RUNNING=$(task_containers "$BACKEND")
check_true "the killed container is not one of them (Swarm does not restart a container: it makes a new task) |ko| kill한 컨테이너는 그중에 없습니다(Swarm은 컨테이너를 다시 시작하지 않고 새 태스크를 만듭니다)" -- \
  lacks "$RUNNING" "$VICTIM"
wait_http http://backend/readyz 200 30 docker exec "$BOX"
curl_in "$BOX" http://backend/goals
check_out_contains '"text":"Learn Docker Swarm"' "the goal is still there (it lives in mongodb's volume, not in a backend task) |ko| 목표가 그대로 있습니다(backend 태스크가 아니라 mongodb의 볼륨에 있습니다)"

step "docker stack rm: services, tasks and network go; the volume stays |ko| docker stack rm: 서비스, 태스크, 네트워크는 사라지고 볼륨은 남음"
run docker rm -f "$BOX"
run docker stack rm "$STACK"
check_rc 0 "docker stack rm |ko| docker stack rm 실행"
run sh -c "$WAIT_GONE"
check_rc 0 "its containers and its network are gone |ko| 스택의 컨테이너와 네트워크가 사라졌습니다"
stack_gone && { untrack_cmd docker stack rm "$STACK"; untrack_cmd sh -c "$WAIT_GONE"; }
run docker volume ls --filter "name=$VOLUME" --format '{{.Name}}'
check_out_contains "$VOLUME" "the data volume $VOLUME survived (deploy again: the goals are back) |ko| 데이터 볼륨($VOLUME)이 남아 있습니다(다시 배포하면 목표가 돌아옵니다)"
run docker volume rm "$VOLUME"
check_rc 0 "docker volume rm: now the data is gone |ko| docker volume rm: 이제 데이터가 사라졌습니다"
[ "$RC" = 0 ] && untrack_cmd docker volume rm "$VOLUME"
run docker secret rm "$SECRET"
check_rc 0 "docker secret rm (an external secret: stack rm leaves it) |ko| docker secret rm(외부 시크릿이라 stack rm이 지우지 않습니다)"
[ "$RC" = 0 ] && untrack_cmd docker secret rm "$SECRET"
