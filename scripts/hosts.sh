#!/usr/bin/env bash
# Several Docker hosts on this one machine, for the multi-host phase and exercise 18: each host
# a Docker engine in a container of docker/ci/dind (Debian's docker.io), with an address of its
# own on a network of its own, beside a registry (docker/ci/registry) from which they pull.
#   scripts/hosts.sh up [N]          N hosts (default 3) and the registry; with HOSTS_SWARM=1
#                                    (default) a swarm: host 1 its manager, the others workers,
#                                    each node labelled zone=ITS NAME.
#                                    Reuses hosts that already run (prints "reused").
#   scripts/hosts.sh push IMAGE...   copies local images into the registry; each is then
#                                    REGISTRY/NAME:TAG for the hosts (REGISTRY: see `registry`)
#   scripts/hosts.sh registry        the registry's name as the hosts write it (NAME-registry:5000)
#   scripts/hosts.sh docker I ARGS   `docker ARGS` on host I (1..N)
#   scripts/hosts.sh kill I          stops host I without warning (SIGKILL: its engine and every
#                                    container on it end at once, as when a machine loses power)
#   scripts/hosts.sh start I         starts host I again (its engine's state is in its volume:
#                                    a swarm node rejoins by itself)
#   scripts/hosts.sh engine-flags    the `docker run` flags an engine container needs here, one a
#                                    line (bench/cold-build.sh starts its engine with them)
#   scripts/hosts.sh down            removes the hosts, their volumes, the registry, the network
#   scripts/hosts.sh status          what runs
# Environment: HOSTS_NAME (default goals-hosts: containers NAME-1.., NAME-registry, volumes
# NAME-I-data, network NAME), HOSTS_SWARM (1).
# Each host sees this checkout at /course (read-only: the stack file for `docker stack deploy`).
# A host's engine is reached from this machine through its container (`docker exec NAME-I docker
# …`), or with DOCKER_HOST=unix://$HOSTS_STATE/NAME-I/docker.sock (HOSTS_STATE, default
# /tmp/NAME: the folder each engine also opens its socket in).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=${HOSTS_NAME:-goals-hosts}
STATE=${HOSTS_STATE:-/tmp/$NAME}
REGISTRY=$NAME-registry:5000
NODE_IMAGE=goals-ci-dind
REGISTRY_IMAGE=goals-ci-registry
LABEL=goals.hosts=$NAME
t0=$SECONDS
say() { echo "[hosts] $((SECONDS - t0))s $*" >&2; }
die() { echo "[hosts] error: $*" >&2; exit 1; }
# shellcheck source=scripts/engine-lib.sh
. "$ROOT/scripts/engine-lib.sh"

# The capabilities of a privileged container, without the ones this machine's engine cannot
# give (a privileged container fails to start where the engine's own bounding set lacks one).
node_security() {
  local bnd
  bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  SECURITY=(--cap-add ALL --security-opt seccomp=unconfined --security-opt apparmor=unconfined
    --security-opt systempaths=unconfined --device-cgroup-rule 'a *:* rwm')
  # CAP_SYS_RESOURCE is bit 24
  if [ $(( 0x$bnd >> 24 & 1 )) = 0 ]; then SECURITY+=(--cap-drop SYS_RESOURCE); fi
}

images() {
  docker image inspect "$NODE_IMAGE" >/dev/null 2>&1 \
    || { say "building $NODE_IMAGE (docker/ci/dind)"; docker build -q -t "$NODE_IMAGE" "$ROOT/docker/ci/dind" >/dev/null; }
  docker image inspect "$REGISTRY_IMAGE" >/dev/null 2>&1 \
    || { say "building $REGISTRY_IMAGE (docker/ci/registry)"; docker build -q -t "$REGISTRY_IMAGE" "$ROOT/docker/ci/registry" >/dev/null; }
}

# The network, with a subnet of its own (fixed addresses: a host that starts again keeps its
# address, which its swarm knows it by).

address() { # I: host I's address on the network (.11, .12, …; 0: the registry's, .10)
  local subnet
  subnet=$(docker network inspect -f '{{(index .IPAM.Config 0).Subnet}}' "$NAME")
  echo "${subnet%.*}.$((10 + $1))"
}


# Each host finds the registry by a hosts-file entry, not by Docker's embedded DNS (127.0.0.11
# in the host's container): when this machine's own engine joins and leaves a swarm (exercises
# 13 and 15 do), the containers that were running stop getting answers from it ("lookup
# goals-hosts-registry on 127.0.0.11:53: no such host"; seen in CI, then reproduced with a bare
# `docker swarm init` + `docker swarm leave --force`).
start_node() { # I
  local c=$NAME-$1
  if [ "$(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" = true ]; then
    say "$c reused ($(address "$1"))"
    return
  fi
  docker rm -f -v "$c" >/dev/null 2>&1 || true
  node_security
  mkdir -p "$STATE/$c"
  docker run -d --name "$c" --hostname "$c" --label "$LABEL" "${SECURITY[@]}" \
    --network "$NAME" --ip "$(address "$1")" --add-host "$NAME-registry:$(address 0)" \
    -v "$c-data:/var/lib/docker" -v "$STATE/$c:/run/outer" -e DOCKERD_SOCKET_DIR=/run/outer \
    -v "$ROOT:/course:ro" \
    "$NODE_IMAGE" --insecure-registry "$REGISTRY" >/dev/null
  say "$c started ($(address "$1"))"
}

registry_port() { docker port "$NAME-registry" 5000/tcp | head -1 | sed 's/.*://'; }

start_registry() {
  local c=$NAME-registry
  if [ "$(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" != true ]; then
    docker rm -f -v "$c" >/dev/null 2>&1 || true
    docker run -d --name "$c" --label "$LABEL" --network "$NAME" --ip "$(address 0)" -p 127.0.0.1::5000 \
      "$REGISTRY_IMAGE" >/dev/null
  fi
  local port deadline=$((SECONDS + 30))
  port=$(registry_port)
  until curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; do
    [ $SECONDS -lt "$deadline" ] || die "the registry does not answer on 127.0.0.1:$port"
    sleep 0.3
  done
  say "registry $REGISTRY (from this machine: 127.0.0.1:$port)"
}

swarm() { # N
  local manager=$NAME-1 state token i
  state=$(docker exec "$manager" docker info -f '{{.Swarm.LocalNodeState}}')
  if [ "$state" != active ]; then
    docker exec "$manager" docker swarm init --advertise-addr "$(address 1)" >/dev/null
    say "swarm: $manager is its manager"
  fi
  token=$(docker exec "$manager" docker swarm join-token -q worker)
  for i in $(seq 2 "$1"); do
    state=$(docker exec "$NAME-$i" docker info -f '{{.Swarm.LocalNodeState}}')
    [ "$state" = active ] && continue
    docker exec "$NAME-$i" docker swarm join --advertise-addr "$(address "$i")" --token "$token" \
      "$(address 1):2377" >/dev/null
    say "swarm: $NAME-$i joined as a worker"
  done
  # a zone a host, as a cloud's nodes are labelled (the stack spreads its replicas over zones)
  for i in $(seq 1 "$1"); do
    docker exec "$manager" docker node update --label-add "zone=$NAME-$i" "$NAME-$i" >/dev/null
  done
  local deadline=$((SECONDS + 60)) ready
  while :; do
    ready=$(docker exec "$manager" docker node ls --format '{{.Status}}' | grep -c '^Ready$' || true)
    [ "$ready" -ge "$1" ] && break
    [ $SECONDS -lt "$deadline" ] || { docker exec "$manager" docker node ls >&2; die "only $ready of $1 nodes are Ready"; }
    sleep 0.5
  done
  say "swarm: $1 nodes Ready"
}

up() {
  local n=${1:-3} i
  [ "$n" -ge 1 ] || die "up N: N is at least 1"
  docker info >/dev/null 2>&1 || die "no Docker engine answers on this machine (docker info)"
  images
  engine_network "$NAME" "$LABEL" 172.29.213.0/24 192.168.213.0/24 10.213.13.0/24 172.28.113.0/24
  start_registry
  for i in $(seq 1 "$n"); do start_node "$i"; done
  for i in $(seq 1 "$n"); do engine_ready "$NAME-$i" 60; done
  say "$n engines answer"
  [ "${HOSTS_SWARM:-1}" = 1 ] && swarm "$n"
  say "up"
}

push() {
  local port image target
  port=$(registry_port) || die "the registry does not run: scripts/hosts.sh up first"
  for image in "$@"; do
    docker image inspect "$image" >/dev/null 2>&1 || die "no image $image on this machine"
    target=127.0.0.1:$port/${image#*/}
    docker tag "$image" "$target"
    docker push -q "$target" >/dev/null || die "pushing $image failed"
    docker rmi "$target" >/dev/null
    say "pushed $image -> $REGISTRY/${image#*/}"
  done
}

down() {
  local c
  for c in $(docker ps -aq --filter "label=$LABEL"); do docker rm -f -v "$c" >/dev/null; done
  for c in $(docker volume ls -q | grep -E "^$NAME-[0-9]+-data$" || true); do docker volume rm "$c" >/dev/null; done
  docker network rm "$NAME" >/dev/null 2>&1 || true
  rm -rf "$STATE"
  say "removed"
}

case ${1:-} in
  up) shift; up "$@" ;;
  push) shift; push "$@" ;;
  registry) echo "$REGISTRY" ;;
  docker) i=${2:?usage: hosts.sh docker I ARGS}; shift 2; exec docker exec "$NAME-$i" docker "$@" ;;
  kill) docker kill "$NAME-${2:?usage: hosts.sh kill I}" >/dev/null; say "$NAME-$2 killed" ;;
  start) start_node_again=$NAME-${2:?usage: hosts.sh start I}
    docker start "$start_node_again" >/dev/null
    engine_ready "$start_node_again" 60
    say "$start_node_again started again" ;;
  engine-flags) node_security; printf '%s\n' "${SECURITY[@]}" ;;
  down) down ;;
  status) docker ps -a --filter "label=$LABEL" --format '{{.Names}}\t{{.Status}}' ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
