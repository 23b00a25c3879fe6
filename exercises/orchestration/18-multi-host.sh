#!/usr/bin/env bash
# Check of exercises/orchestration/18-multi-host.md: the notes' orchestration list on three
# Docker hosts (scripts/hosts.sh: three engines in containers, a network of their own, a
# registry, a swarm of one manager and two workers): the images pulled by each host from the
# registry; the course stack spread over the hosts, MongoDB on the manager; the overlay network
# on two hosts (docker network inspect) and a container on host 1 answered by a task on host 2
# by the service's name; a host killed and its tasks moved to the others; a host drained.
#
# The hosts: reused when they run already (the test command's multihost phase leaves them for
# this check), else started here and removed at the end. Machines without IPVS (the project's
# CI): the stack is deployed with the same override as exercise 13 (dnsrr, no published ports).
#
# Names: the stack ex-18-goals, the secret ex-18-mongo-password, the hosts goals-hosts-1..3
# and goals-hosts-registry (scripts/hosts.sh's defaults).
. "$(dirname "$0")/../lib.sh"
ex_begin 18 "Three Docker hosts: images from a registry, an overlay across hosts, a host lost, a host drained |ko| Docker 호스트 세 대: 레지스트리에서 받는 이미지, 여러 호스트에 걸친 overlay, 죽은 호스트, drain한 호스트"
IMAGE_TAG=${IMAGE_TAG:-latest}   # exercises/build-images.sh tags latest
OURS=(goals-backend goals-favorites goals-frontend goals-swapi)
need_image "$MONGO_IMAGE" "$TOOLBOX_IMAGE" "${OURS[@]/%/:$IMAGE_TAG}"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT |ko| $EX_ROOT 폴더로 이동할 수 없습니다"

export HOSTS_NAME=goals-hosts
H1=$HOSTS_NAME-1 H2=$HOSTS_NAME-2 H3=$HOSTS_NAME-3
D1=(docker exec "$H1" docker)   # `docker` on host 1, the manager
D2=(docker exec "$H2" docker)
STACK=$(ex_name goals)          # ex-18-goals
SECRET=$(ex_name mongo-password)
NET=${STACK}_goals-net
CONVERGE=${EX18_CONVERGE:-240}  # seconds for every replica of the stack to run
PASSWORD=ex18-$(date +%s)-$RANDOM

# pending: the services of the stack not running all their replicas, counted task by task
# (`docker service ls` still counts the tasks of a host just marked down); empty: none.
pending() {
  local svc wanted running
  for svc in $("${D1[@]}" stack services "$STACK" --format '{{.Name}}' 2>/dev/null); do
    wanted=$("${D1[@]}" service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$svc")
    running=$("${D1[@]}" service ps "$svc" --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running' || true)
    [ "$running" = "$wanted" ] || echo "$svc $running/$wanted"
  done
}
# on_node NODE: how many running tasks of the stack are on NODE.
on_node() {
  "${D1[@]}" node ps "$1" --filter desired-state=running --format '{{.Name}} {{.CurrentState}}' 2>/dev/null \
    | grep "^$STACK" | grep -c ' Running' || true
}
# settled NODE: prints "yes" when every replica runs and none on NODE (NODE empty: anywhere).
settled() {
  [ -z "$("${D1[@]}" stack services -q "$STACK" 2>/dev/null)" ] && { _m "no stack" "스택 없음"; echo; return; }
  local p; p=$(pending)
  [ -n "$p" ] && { echo "$p" | tr '\n' ' '; return; }
  [ -n "${1:-}" ] && [ "$(on_node "$1")" != 0 ] && { _m "tasks still on $1" "$1 노드에 아직 태스크가 있음"; echo; return; }
  echo yes
}
node_state() { "${D1[@]}" node inspect -f '{{.Status.State}}' "$1" 2>/dev/null; }
# backend_ids HOST: the container ids of the backend tasks on that host
backend_ids() { docker exec "$1" docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_backend"; }

# ==========================================================================================
step "three Docker hosts and a registry (scripts/hosts.sh) |ko| Docker 호스트 세 대와 레지스트리(scripts/hosts.sh)"
if [ "$(inspect '{{.State.Running}}' "$H1")" = true ]; then
  say "the hosts run already: using them, leaving them (scripts/hosts.sh down removes them) |ko| 호스트들이 이미 실행 중입니다. 그대로 쓰고, 끝나도 남겨 둡니다(지우려면 scripts/hosts.sh down)"
else
  track cmd bash scripts/hosts.sh down
fi
run bash scripts/hosts.sh up 3
check_rc 0 "three engines answer, host 1 a swarm manager, hosts 2 and 3 workers |ko| 엔진 세 개가 응답하고, 호스트 1은 스웜의 매니저, 호스트 2와 3은 워커입니다"
[ "$RC" = 0 ] || fatal "no hosts, nothing to do |ko| 호스트가 없어 할 수 있는 것이 없습니다"
run docker ps --filter "label=goals.hosts=$HOSTS_NAME" --format '{{.Names}}\t{{.Status}}'
run "${D1[@]}" node ls
check_eq "$(grep -cE ' Ready +Active' <<<"$OUT")" 3 "docker node ls: three nodes, Ready and Active |ko| docker node ls: 노드 세 개가 Ready, Active 상태입니다"
check_out_match "$H1 +Ready +Active +Leader" "host 1 is the leader (the manager) |ko| 호스트 1이 리더(매니저)입니다"
A1=$(container_ip "$H1"); A2=$(container_ip "$H2"); A3=$(container_ip "$H3")
say "host addresses: $H1 $A1, $H2 $A2, $H3 $A3 |ko| 호스트 주소: $H1 $A1, $H2 $A2, $H3 $A3"
check_true "each host has an address of its own |ko| 호스트마다 자기 주소가 있습니다" -- test "$A1" != "$A2" -a "$A2" != "$A3" -a -n "$A1"
# leftovers of an interrupted run
if "${D1[@]}" stack ls --format '{{.Name}}' 2>/dev/null | grep -qx "$STACK"; then
  run "${D1[@]}" stack rm "$STACK"
  run timeout 90 sh -c "until ! docker exec $H1 docker network inspect $NET >/dev/null 2>&1; do sleep 0.5; done"
fi
"${D1[@]}" secret inspect "$SECRET" >/dev/null 2>&1 && run "${D1[@]}" secret rm "$SECRET"

step "images into the registry; each host pulls them from there |ko| 레지스트리에 이미지 넣기, 호스트마다 거기서 받아 오기"
REG=$(bash scripts/hosts.sh registry)
run bash scripts/hosts.sh push "${OURS[@]/%/:$IMAGE_TAG}" "$MONGO_IMAGE" "$TOOLBOX_IMAGE"
check_rc 0 "the images are in the registry $REG |ko| 이미지가 레지스트리 $REG에 있습니다"
run "${D2[@]}" pull "$REG/goals-swapi:$IMAGE_TAG"
check_rc 0 "host 2 pulls goals-swapi from $REG |ko| 호스트 2가 $REG에서 goals-swapi를 받아 옵니다"
check_out_match "(Downloaded newer image|Image is up to date)" "docker pull on host 2 fetched it (or has it from an earlier run) |ko| 호스트 2의 docker pull이 이미지를 받아 왔습니다(또는 이전 실행에서 받아 둔 것이 있습니다)"

step "the course stack across the hosts |ko| 호스트들에 걸친 강의 스택"
printf '%s' "$PASSWORD" | docker exec -i "$H1" docker secret create "$SECRET" - >/dev/null
track cmd docker exec "$H1" docker secret rm "$SECRET"
say "the page types: printf 'secret' | docker secret create mongo_root_password -   (on host 1) |ko| 페이지에서 입력하는 명령: printf 'secret' | docker secret create mongo_root_password -   (호스트 1에서)"
run "${D1[@]}" secret ls --filter "name=$SECRET"
check_out_contains "$SECRET" "the secret is in the swarm |ko| 시크릿이 스웜에 있습니다"
awk -v dst="$EX_TMP/stack.yml" -f exercises/orchestration/stack-for-this-machine.awk deploy/swarm/stack.yml >/dev/null \
  || fatal "cannot write the stack file for this machine |ko| 이 머신용 스택 파일을 쓸 수 없습니다"
run docker cp "$EX_TMP/stack.yml" "$H1:/tmp/stack.yml"
MONGO_REF=$REG/${MONGO_IMAGE#*/}
track cmd timeout 90 sh -c "until ! docker exec $H1 docker network inspect $NET >/dev/null 2>&1; do sleep 0.5; done"
track cmd docker exec "$H1" docker stack rm "$STACK"
run docker exec -e IMAGE_PREFIX="$REG/goals" -e IMAGE_TAG="$IMAGE_TAG" -e MONGO_IMAGE="$MONGO_REF" \
  -e MONGO_SECRET="$SECRET" -e SWAPI_REPLICAS=1 -e SWAPI_BASE_URL=http://swapi:8000/api \
  "$H1" docker stack deploy -c /tmp/stack.yml "$STACK"
check_rc 0 "docker stack deploy on the manager, the images named by the registry |ko| 매니저에서 docker stack deploy를 실행합니다(이미지는 레지스트리 쪽 이름으로)"
[ "$RC" = 0 ] || fatal "the stack was not deployed |ko| 스택이 배포되지 않았습니다"
echo "${C_CMD}\$ $(_show "${D1[@]}" stack services "$STACK")${C_OFF}  ${C_DIM}# $(_m "repeated until every replica runs, at most $CONVERGE s" "모든 레플리카가 실행될 때까지 반복, 최대 ${CONVERGE}초")${C_OFF}"
_poll_until yes "$CONVERGE" 1 settled ""
check_rc 0 "every replica runs |ko| 모든 레플리카가 실행 중입니다"
[ "$RC" = 0 ] || { run "${D1[@]}" stack ps --no-trunc "$STACK"; fatal "the stack did not converge within $CONVERGE s |ko| 스택이 ${CONVERGE}초 안에 수렴하지 않았습니다"; }
run docker exec "$H1" docker stack ps "$STACK" --filter desired-state=running --format '{{.Name}} {{.Node}} {{.CurrentState}}'
check_out_match "^${STACK}_mongodb\.1 $H1 Running" "MongoDB runs on the manager (placement constraint node.role == manager) |ko| MongoDB는 매니저에서 실행됩니다(배치 제약 node.role == manager)"
check_eq "$(grep "^${STACK}_backend\." <<<"$OUT" | awk '{print $2}' | sort -u | wc -l)" 3 "the three backend replicas are spread over the three hosts |ko| 백엔드 레플리카 3개가 호스트 세 대에 나뉘어 있습니다"
run "${D2[@]}" image ls --format '{{.Repository}}:{{.Tag}}'
check_out_match "^$REG/goals-backend:" "host 2 pulled the backend's image from the registry (tag <none>: a stack pins the digest the manager resolved) |ko| 호스트 2가 레지스트리에서 백엔드 이미지를 받아 왔습니다(태그 <none>: 스택은 매니저가 알아낸 다이제스트로 이미지를 고정합니다)"

step "one overlay network over the hosts |ko| 호스트들에 걸친 overlay 네트워크 하나"
run "${D1[@]}" network inspect -f '{{.Id}} {{.Driver}} {{.Scope}}' "$NET"
NET_ID=$(awk '{print $1}' <<<"$OUT")
check_out_match "overlay swarm$" "an overlay network, swarm-wide |ko| 스웜 전체에 걸친 overlay 네트워크"
run "${D2[@]}" network inspect -f '{{.Id}} {{range .Peers}}{{.IP}} {{end}}' "$NET"
check_eq "$(awk '{print $1}' <<<"$OUT")" "$NET_ID" "host 2 has the same network (one ID on both hosts) |ko| 호스트 2에도 같은 네트워크가 있습니다(두 호스트에서 ID가 같음)"
check_true "host 2's peers on it include host 1 ($A1): the overlay's VXLAN tunnels run between the hosts' addresses |ko| 이 네트워크에서 호스트 2의 피어 목록에 호스트 1의 주소($A1)가 있습니다. overlay의 VXLAN 터널은 호스트들의 주소 사이를 잇습니다" -- grep -qw "$A1" <<<"$OUT"
say "a container on host 1 asks 'backend' 20 times; X-Served-By names the replica that answered |ko| 호스트 1의 컨테이너가 'backend'에 20번 요청합니다. X-Served-By는 응답한 레플리카의 이름입니다"
run docker exec "$H1" docker run --rm --network "$NET" "$REG/${TOOLBOX_IMAGE#*/}" sh -c \
  'for i in $(seq 20); do curl -s -o /dev/null -D - --max-time 5 http://backend/healthz | tr -d "\r" | sed -n "s/^[Xx]-[Ss]erved-[Bb]y: //p"; done | sort | uniq -c'
ON2=$(backend_ids "$H2" | head -1)
say "host 2's backend container: $ON2 |ko| 호스트 2의 백엔드 컨테이너: $ON2"
check_true "a replica on host 2 answered host 1's container, over the overlay |ko| 호스트 2의 레플리카가 overlay를 거쳐 호스트 1의 컨테이너에 응답했습니다" -- grep -q "${ON2:-none}" <<<"$OUT"

step "a host lost: its tasks move to the others |ko| 호스트를 잃었을 때: 그 태스크가 다른 호스트로 옮겨 감"
TASKS2=$(on_node "$H2")
say "host 2 runs $TASKS2 tasks of the stack |ko| 호스트 2에서 스택의 태스크 ${TASKS2}개가 실행 중입니다"
run docker kill "$H2"
check_rc 0 "host 2 is gone at once (its engine and every container on it) |ko| 호스트 2가 한순간에 사라집니다(엔진과 그 위의 모든 컨테이너)"
echo "${C_CMD}\$ $(_show "${D1[@]}" node ls)${C_OFF}  ${C_DIM}# $(_m "repeated until $H2 is Down, at most 60 s" "$H2 노드가 Down이 될 때까지 반복, 최대 60초")${C_OFF}"
_poll_until down 60 1 node_state "$H2"
check_rc 0 "the manager marks host 2 down (it stopped answering its heartbeats) |ko| 매니저가 호스트 2를 Down으로 표시합니다(하트비트가 끊겼습니다)"
echo "${C_CMD}\$ $(_show "${D1[@]}" stack ps "$STACK")${C_OFF}  ${C_DIM}# $(_m "repeated until every replica runs elsewhere, at most 90 s" "모든 레플리카가 다른 호스트에서 실행될 때까지 반복, 최대 90초")${C_OFF}"
_poll_until yes 90 1 settled "$H2"
check_rc 0 "every replica runs again, on hosts 1 and 3 |ko| 모든 레플리카가 호스트 1과 3에서 다시 실행됩니다"
run "${D1[@]}" service ps "${STACK}_backend" --format '{{.Name}} {{.Node}} {{.DesiredState}} {{.CurrentState}}'
check_out_match "$H2 Shutdown" "docker service ps: the task on host 2 is shut down, a new one took its place |ko| docker service ps: 호스트 2의 태스크는 Shutdown이고, 새 태스크가 그 자리를 대신했습니다"
run bash scripts/hosts.sh start 2
check_rc 0 "host 2 starts again |ko| 호스트 2가 다시 시작됩니다"
_poll_until ready 60 1 node_state "$H2"
check_rc 0 "host 2 rejoins the swarm by itself |ko| 호스트 2가 스스로 스웜에 다시 합류합니다"

step "draining a host: its tasks move, nothing new lands there |ko| 호스트 drain: 태스크가 옮겨 가고, 새 태스크는 그곳에 놓이지 않음"
BEFORE=$(on_node "$H3")
run "${D1[@]}" node update --availability drain "$H3"
track cmd docker exec "$H1" docker node update --availability active "$H3"
_poll_until yes 90 1 settled "$H3"
check_rc 0 "host 3's $BEFORE tasks run elsewhere |ko| 호스트 3에 있던 태스크 ${BEFORE}개가 다른 곳에서 실행됩니다"
run "${D1[@]}" node ls
check_out_match "$H3 +Ready +Drain" "docker node ls: host 3 Ready, Drain |ko| docker node ls: 호스트 3은 Ready, Drain"
run "${D1[@]}" node update --availability active "$H3"
check_rc 0 "host 3 active again (new tasks may land there; running ones stay where they are) |ko| 호스트 3이 다시 active입니다(새 태스크는 그곳에 놓일 수 있고, 실행 중인 태스크는 제자리에 머뭅니다)"
