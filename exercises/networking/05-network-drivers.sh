#!/bin/sh
# Check of exercises/networking/05-network-drivers.md: bridge (docker0, veth pairs), host, none,
# container:<name>, and overlay on a single-node swarm.
# The swarm part runs `docker swarm init` only when this engine is in no swarm, and then leaves
# it again at the end; EX_SWARM=0 skips that part.
. "$(dirname "$0")/../lib.sh"
ex_begin 05 "network drivers and modes: bridge, host, none, container:, overlay"
need_image "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
API=$(ex_name swapi)
HOSTNET=$(ex_name swapi-host)
HOSTNET2=$(ex_name swapi-host-2)
OVERLAY=$(ex_name overlay)
OV_API=$(ex_name overlay-swapi)
OV_BOX=$(ex_name overlay-box)

# ------------------------------------------------------------------ bridge
step "bridge: the default network is the Linux bridge docker0"
run docker network inspect bridge -f '{{.Driver}} {{index .Options "com.docker.network.bridge.name"}} {{(index .IPAM.Config 0).Subnet}}'
read -r DRIVER BRIDGE SUBNET <<EOF
$OUT
EOF
check_eq "$DRIVER $BRIDGE" "bridge docker0" "network 'bridge' uses the bridge driver on the interface docker0"
say "(172.17.0.0/16 by default; Docker picks another range when that one is taken)"
if on_desktop; then
  desktop_note "docker0 and the veth pairs below are in Desktop's VM, not on your machine: look at them"
  desktop_note "from a container on the VM's network (docker run --rm --network host course-toolbox ip ...)"
fi
run_host ip -4 -o addr show docker0
GATEWAY=$(printf '%s\n' "$OUT" | sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p')
check_true "docker0 on the Docker host has an address ($GATEWAY) inside $SUBNET: the containers' gateway" -- \
  ip_in_subnet "$GATEWAY" "$SUBNET"

step "bridge: each container is one end of a veth pair, the other end is plugged into docker0"
run docker run -d --name "$API" --label "$EX_LABEL" "$SWAPI_IMAGE"
track container "$API"
check_rc 0 "a container on the default bridge"
run docker run --rm --network "container:$API" "$TOOLBOX_IMAGE" ip -o link show eth0
PEER=$(printf '%s\n' "$OUT" | sed -n 's/.*eth0@if\([0-9]*\).*/\1/p')
check_out_match 'eth0@if[0-9]+' "the container's eth0 is paired with interface #$PEER of the host"
run_host ip -o link show master docker0
check_out_match "^$PEER: veth[0-9a-f]+@if[0-9]+: .* master docker0" "host interface #$PEER is a veth attached to docker0"

# ------------------------------------------------------------------ container:<name>
step "container:<name>: share another container's network namespace"
run docker run --rm --network "container:$API" "$TOOLBOX_IMAGE" curl -s --max-time 10 -w '\nHTTP %{http_code}\n' http://localhost:8000/api/films/1/
check_http 200 "the toolbox reaches the SWAPI stand-in as localhost:8000"
check_out_contains '"title":"A New Hope"' "the answer comes from the other container"
run docker run --rm --network "container:$API" "$TOOLBOX_IMAGE" hostname -i
check_eq "$OUT" "$(container_ip "$API" bridge)" "same IP address as $API"
run docker run -d --rm --name "$(ex_name sidecar)" --network "container:$API" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$(ex_name sidecar)"
run docker inspect -f '{{.HostConfig.NetworkMode}}' "$(ex_name sidecar)"
check_out_match '^container:[0-9a-f]{64}$' "docker inspect: NetworkMode container:<id of $API>"
run docker run --rm --network "container:$API" -p 9999:9999 "$TOOLBOX_IMAGE" true
check_rc nonzero "-p is refused: the namespace (and its ports) belong to $API"

# ------------------------------------------------------------------ host
step "host: no network namespace of its own, the host's interfaces and ports"
run docker run --rm --network host "$TOOLBOX_IMAGE" ip -o link show docker0
check_rc 0 "inside a host-network container the host's docker0 is visible"
on_desktop && desktop_note "the host here is Desktop's VM: a host-network container's ports are the VM's, not your machine's (Desktop 4.29+ has host networking as an opt-in beta)"
say "the services run as a non-root user, which may not bind port 80 of the host: PORT moves them"
HOST_PORT=$(free_host_port)
run docker run -d --name "$HOSTNET" --network host --label "$EX_LABEL" -e PORT="$HOST_PORT" "$SWAPI_IMAGE"
track container "$HOSTNET"
check_rc 0 "the SWAPI stand-in on the host network, listening on $HOST_PORT"
wait_http_host "http://localhost:$HOST_PORT/api/films/1/" 200
check_rc 0 "the host reaches it on localhost:$HOST_PORT without any -p"
say "two host-network containers share one localhost: another one reaches it there too"
run docker run --rm --network host "$TOOLBOX_IMAGE" curl -s -o /dev/null -w '%{http_code}' "http://localhost:$HOST_PORT/api/films/1/"
check_eq "$OUT" 200 "a second --network host container reaches the first at localhost:$HOST_PORT"
run docker inspect -f 'ip=[{{.NetworkSettings.Networks.host.IPAddress}}] ports=[{{range $p, $b := .NetworkSettings.Ports}}{{$p}}{{end}}]' "$HOSTNET"
check_eq "$OUT" "ip=[] ports=[]" "no own IP address, no port mappings"
run docker run --rm --network host -p 9999:9999 "$TOOLBOX_IMAGE" true
check_out_contains "Published ports are discarded when using host network mode" "-p is ignored in host mode (a warning)"
run docker run --name "$HOSTNET2" --network host --label "$EX_LABEL" -e PORT="$HOST_PORT" "$SWAPI_IMAGE"
track container "$HOSTNET2"
expect "the second copy cannot listen: the port belongs to the first one (host ports are shared)"
check_rc 1 "a second container on the same host port exits with an error"
check_out_contains "cannot listen on 0.0.0.0:$HOST_PORT" "and says so"

# ------------------------------------------------------------------ none
step "none: a network namespace with only loopback"
run docker run --rm --network none "$TOOLBOX_IMAGE" ip -o link
check_out_match '^1: lo:' "there is lo"
check_out_lacks "eth0" "and no eth0"
run docker run --rm --network none "$TOOLBOX_IMAGE" curl -s --max-time 3 "http://$(container_ip "$API" bridge):8000/api/"
check_rc nonzero "nothing outside is reachable"

# ------------------------------------------------------------------ overlay
step "overlay: one network across the hosts of a swarm (here, a swarm of one)"
if [ "${EX_SWARM:-1}" = 0 ]; then
  say "EX_SWARM=0: skipped"
else
  run docker info -f '{{.Swarm.LocalNodeState}}'
  SWARM_BEFORE=$OUT
  if [ "$SWARM_BEFORE" = inactive ]; then
    GWBRIDGE_BEFORE=$(docker network ls -q --filter name=^docker_gwbridge$)
    run_host ip -4 route get 1.1.1.1
    ADDR=$(printf '%s\n' "$OUT" | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1); ADDR=${ADDR:-127.0.0.1}
    run docker swarm init --advertise-addr "$ADDR"
    check_rc 0 "docker swarm init (this engine was in no swarm; it leaves again at the end)"
    # undone newest first: leave the swarm, then remove the docker_gwbridge network swarm init
    # created (unless it was there before)
    [ -z "$GWBRIDGE_BEFORE" ] && track cmd docker network rm docker_gwbridge
    track cmd docker swarm leave --force
  else
    say "this engine is already in a swarm ($SWARM_BEFORE): using it, not leaving it"
  fi
  run docker network create -d overlay --attachable --label "$EX_LABEL" "$OVERLAY"
  track network "$OVERLAY"
  check_rc 0 "an attachable overlay network (plain containers may join it)"
  run docker network inspect "$OVERLAY" -f '{{.Driver}} {{.Scope}}'
  check_eq "$OUT" "overlay swarm" "driver overlay, scope swarm (not local)"
  run docker run -d --name "$OV_API" --network "$OVERLAY" --label "$EX_LABEL" "$SWAPI_IMAGE"
  track container "$OV_API"
  check_rc 0 "the SWAPI stand-in on the overlay"
  run docker run -d --name "$OV_BOX" --network "$OVERLAY" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
  track container "$OV_BOX"
  wait_http "http://$OV_API:8000/healthz" 200 "" docker exec "$OV_BOX"
  check_rc 0 "the toolbox reaches it BY NAME over the overlay"
  curl_in "$OV_BOX" "http://$OV_API:8000/api/people/1/"
  check_out_contains '"name":"Luke Skywalker"' "SWAPI data over VXLAN"
  run docker exec "$OV_BOX" ip -4 -o addr show
  check_out_match 'eth1 .*inet ' "an overlay container also gets eth1 on docker_gwbridge (its way out)"
fi
