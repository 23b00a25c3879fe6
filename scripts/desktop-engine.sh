#!/usr/bin/env bash
# An engine that behaves like Docker Desktop's, on this Linux machine, for the `desktop` phase
# (Docker Desktop itself cannot run here). What a student's machine shows with Desktop, and how
# this engine reproduces it:
#   - the engine runs elsewhere (Desktop: a VM; here: the engine container docker/ci/dind, on a
#     network of its own): this machine has no docker0 and no route to the containers' networks
#     (its own addresses 10.213.64.0/18 are nowhere on this machine);
#   - `docker info` says "Docker Desktop" (operating system) and "docker-desktop" (name);
#   - every container resolves host.docker.internal (and gateway.docker.internal) to this
#     machine, without --add-host (a dnsmasq in the engine container, see docker/ci/dind), and
#     --add-host NAME:host-gateway gives the same address (dockerd --host-gateway-ip);
#   - a published port is a port on this machine's own addresses, 127.0.0.1 included (a
#     forwarder follows the engine's `docker events` and listens here for each published port);
#   - the checkout and /tmp are shared at the same paths (Desktop's file sharing: /Users, /tmp...).
# What it does not reproduce: the VM's file-sharing speed and its inotify events, Desktop's own
# network proxy in full (host.docker.internal reaches a server on the host's 127.0.0.1 only here
# when it is a port this engine published there, not any process of this machine), Desktop's
# settings and its Kubernetes.
#   scripts/desktop-engine.sh up            starts it (reuses a running one); prints the DOCKER_HOST
#   scripts/desktop-engine.sh host          the DOCKER_HOST that talks to it
#   scripts/desktop-engine.sh load IMAGE... copies images from this machine's engine into it
#   scripts/desktop-engine.sh prove         checks what the simulation claims (exit 1 if not)
#   scripts/desktop-engine.sh down          removes it (engine, its volume, network, forwarder)
# Environment: DESKTOP_NAME (default goals-desktop).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=${DESKTOP_NAME:-goals-desktop}
STATE=/tmp/$NAME
SOCK=$STATE/engine/docker.sock
LABEL=goals.desktop=$NAME
INNER_BIP=10.213.64.1/24
INNER_POOL=10.213.96.0/19
t0=$SECONDS
say() { echo "[desktop-engine] $((SECONDS - t0))s $*" >&2; }
die() { echo "[desktop-engine] error: $*" >&2; exit 1; }
inner() { DOCKER_HOST=unix://$SOCK docker "$@"; }
# shellcheck source=scripts/engine-lib.sh
. "$ROOT/scripts/engine-lib.sh"


# this machine's address on the network (the subnets above are /24s: the engine gives .1 to the host)
gateway() {
  local subnet
  subnet=$(docker network inspect -f '{{(index .IPAM.Config 0).Subnet}}' "$NAME")
  echo "${subnet%.*}.1"
}
engine_ip() { docker inspect -f "{{(index .NetworkSettings.Networks \"$NAME\").IPAddress}}" "$NAME"; }

up() {
  docker info >/dev/null 2>&1 || die "no Docker engine answers on this machine (docker info)"
  docker image inspect goals-ci-dind >/dev/null 2>&1 \
    || { say "building goals-ci-dind (docker/ci/dind)"; docker build -q -t goals-ci-dind "$ROOT/docker/ci/dind" >/dev/null; }
  command -v socat >/dev/null || die "socat is missing (the port forwarder): apt-get install socat"
  engine_network "$NAME" "$LABEL" 172.29.214.0/24 192.168.214.0/24 10.214.13.0/24
  if [ "$(docker inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" = true ]; then
    say "$NAME reused"
  else
    docker rm -f "$NAME" >/dev/null 2>&1 || true
    mkdir -p "$STATE/engine"
    local flags
    mapfile -t flags < <(bash "$ROOT/scripts/hosts.sh" engine-flags)
    docker run -d --name "$NAME" --hostname docker-desktop --label "$LABEL" "${flags[@]}" \
      --network "$NAME" -e DIND_DESKTOP_HOST_IP="$(gateway)" \
      -v "$NAME-data:/var/lib/docker" -v "$STATE/engine:/run/outer" -e DOCKERD_SOCKET_DIR=/run/outer \
      -v "$ROOT:$ROOT" -v /tmp:/tmp \
      goals-ci-dind --bip "$INNER_BIP" --default-address-pool "base=$INNER_POOL,size=24" \
      --host-gateway-ip "$(gateway)" >/dev/null
    say "$NAME started"
  fi
  engine_ready "$NAME" 60
  start_forwarder
  say "up: DOCKER_HOST=unix://$SOCK ($(inner info -f '{{.OperatingSystem}} / {{.Name}}'))"
  echo "unix://$SOCK"
}

# ------------------------------------------------------------------ the port forwarder
# For each port a container of the engine publishes (docker port: 0.0.0.0:P, 127.0.0.1:P), a
# socat here listens on the same address and port and connects to the engine container: to its
# address for ports on every address, through `docker exec` for ports on its loopback. A port on
# the loopback is also served on this machine's address on the engine's network, where the
# engine's containers reach host.docker.internal: Desktop's network proxy makes their
# connections to host.docker.internal on the host's loopback.
start_forwarder() {
  if [ -f "$STATE/forwarder.pid" ] && kill -0 "$(cat "$STATE/forwarder.pid")" 2>/dev/null; then return; fi
  nohup bash "$0" forward >"$STATE/forwarder.log" 2>&1 &
  echo $! >"$STATE/forwarder.pid"
  local deadline=$((SECONDS + 10))
  until [ -f "$STATE/forwarder.ready" ]; do
    [ $SECONDS -lt "$deadline" ] || { cat "$STATE/forwarder.log" >&2; die "the port forwarder did not start"; }
    sleep 0.1
  done
  say "port forwarder running (log: $STATE/forwarder.log)"
}

# FWD_GATEWAY, FWD_ENGINE_IP: this machine's and the engine's addresses on the engine's network,
# looked up once when the forwarder starts (forward)
listen() { # CONTAINER-ID ADDRESS PORT
  local id=$1 addr=$2 port=$3 target
  [ "$addr" = "::" ] && return   # the IPv4 listener serves it
  if [ "$addr" = 127.0.0.1 ]; then target="EXEC:docker exec -i $NAME socat - TCP\\:127.0.0.1\\:$port"
  else target=TCP:$FWD_ENGINE_IP:$port; fi
  mkdir -p "$STATE/ports/$id"
  socat "TCP-LISTEN:$port,bind=$addr,reuseaddr,fork" "$target" &
  echo $! >"$STATE/ports/$id/$addr-$port"
  echo "forward $addr:$port -> $NAME ($id)"
  if [ "$addr" = 127.0.0.1 ]; then
    socat "TCP-LISTEN:$port,bind=$FWD_GATEWAY,reuseaddr,fork" "$target" &
    echo $! >"$STATE/ports/$id/$FWD_GATEWAY-$port"
    echo "forward $FWD_GATEWAY:$port -> $NAME ($id): host.docker.internal to the loopback"
  fi
}

forward_container() { # ID
  local line addr port
  inner port "$1" 2>/dev/null | while read -r line; do
    addr=${line##*-> }; port=${addr##*:}; addr=${addr%:*}; addr=${addr#[}; addr=${addr%]}
    listen "$1" "$addr" "$port"
  done
}

unforward_container() { # ID
  local f
  for f in "$STATE/ports/$1"/*; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null && echo "stop ${f##*/} ($1)"
  done
  rm -rf "${STATE:?}/ports/$1"
}

unforward_all() {
  local d
  for d in "$STATE"/ports/*; do [ -d "$d" ] && unforward_container "${d##*/}"; done
}

forward() {
  local id action
  trap 'unforward_all; exit 0' TERM INT
  FWD_GATEWAY=$(gateway)
  FWD_ENGINE_IP=$(engine_ip)
  for id in $(inner ps -q --no-trunc); do forward_container "$id"; done
  touch "$STATE/forwarder.ready"
  inner events --filter type=container --filter event=start --filter event=die --format '{{.ID}} {{.Action}}' \
    | while read -r id action; do
        case $action in
          start) forward_container "$id" ;;
          die) unforward_container "$id" ;;
        esac
      done
}

# ------------------------------------------------------------------ proof
prove() {
  local fails=0 ip box port out
  ok() { echo "  ok   $*"; }
  bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
  out=$(inner info -f '{{.OperatingSystem}}|{{.Name}}')
  if [[ $out == *"Docker Desktop"*"|docker-desktop" ]]; then ok "docker info: $out"; else bad "docker info says $out, not Docker Desktop / docker-desktop"; fi
  inner image inspect course-toolbox >/dev/null 2>&1 || die "load course-toolbox first (scripts/desktop-engine.sh load course-toolbox)"
  box=$NAME-proof
  inner rm -f "$box" >/dev/null 2>&1 || true
  inner run -d --name "$box" -p 127.0.0.1::8000 course-toolbox \
    sh -c 'while :; do printf "HTTP/1.0 200 OK\r\n\r\ndesktop-proof\n" | nc -l -q 1 8000; done' >/dev/null
  ip=$(inner inspect -f '{{.NetworkSettings.IPAddress}}' "$box")
  port=$(inner port "$box" 8000/tcp | head -1 | sed 's/.*://')
  if ip route get "$ip" 2>/dev/null | grep -q "dev docker0\|dev br-"; then bad "this machine routes $ip to one of its own bridges"; else ok "no route to the inner bridge here: $(ip route get "$ip" 2>&1 | head -1)"; fi
  if ip -o addr 2>/dev/null | grep -q " ${INNER_BIP%/*}/"; then bad "this machine has the inner bridge's address ${INNER_BIP%/*}"; else ok "the inner bridge's address ${INNER_BIP%/*} is not one of this machine's"; fi
  # (a proxy on this machine's default route may answer any address: what counts is who answers)
  out=$(curl -s --max-time 3 "http://$ip:8000/" 2>&1 || true)
  if [ "$out" = desktop-proof ]; then bad "this machine reached the inner container at $ip:8000"; else ok "this machine cannot reach the inner container at $ip:8000 (answer: '${out:-none}')"; fi
  local deadline=$((SECONDS + 10))
  until out=$(curl -s --max-time 3 "http://127.0.0.1:$port/") && [ "$out" = desktop-proof ]; do
    [ $SECONDS -lt "$deadline" ] || break; sleep 0.3
  done
  if [ "$out" = desktop-proof ]; then ok "its published port 127.0.0.1:$port answers on this machine's localhost (the forwarder)"
  else bad "127.0.0.1:$port does not answer here (forwarder log: $STATE/forwarder.log)"; fi
  out=$(inner run --rm course-toolbox getent hosts host.docker.internal 2>&1 || true)
  if [ "${out%% *}" = "$(gateway)" ]; then ok "host.docker.internal resolves without --add-host: $out"
  else bad "host.docker.internal: '$out', expected $(gateway)"; fi
  out=$(inner run --rm -v "$ROOT:/c:ro" course-toolbox head -1 /c/README.md 2>&1 || true)
  if [ "$out" = "$(head -1 "$ROOT/README.md")" ]; then ok "the checkout is shared at its own path"
  else bad "the checkout is not shared: $out"; fi
  inner rm -f "$box" >/dev/null
  [ "$fails" = 0 ] || die "$fails claim(s) of the simulation do not hold"
  say "the simulation holds"
}

load() {
  local img
  for img in "$@"; do
    docker image inspect "$img" >/dev/null 2>&1 || die "no image $img on this machine"
    if [ "$(inner image inspect -f '{{.Id}}' "$img" 2>/dev/null)" = "$(docker image inspect -f '{{.Id}}' "$img")" ]; then
      say "$img already there"; continue
    fi
    docker save "$img" | inner load -q >/dev/null || die "loading $img failed"
    say "loaded $img"
  done
}

down() {
  if [ -f "$STATE/forwarder.pid" ]; then kill "$(cat "$STATE/forwarder.pid")" 2>/dev/null || true; fi
  local f
  for f in "$STATE"/ports/*/*; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  docker rm -f -v "$NAME" >/dev/null 2>&1 || true
  docker volume rm "$NAME-data" >/dev/null 2>&1 || true
  docker network rm "$NAME" >/dev/null 2>&1 || true
  rm -rf "$STATE"
  say "removed"
}

case ${1:-} in
  up) up ;;
  host) echo "unix://$SOCK" ;;
  load) shift; load "$@" ;;
  prove) prove ;;
  forward) forward ;;
  down) down ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
