#!/bin/sh
# Check of exercises/networking/05-network-drivers.md: bridge (docker0, veth pairs), host, none,
# container:<name>, and overlay on a single-node swarm.
# The swarm part runs `docker swarm init` only when this engine is in no swarm, and then leaves
# it again at the end; EX_SWARM=0 skips that part.
. "$(dirname "$0")/../lib.sh"
ex_begin 05 "network drivers and modes: bridge, host, none, container:, overlay |ko| 네트워크 드라이버와 모드: bridge, host, none, container:, overlay"
need_image "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
API=$(ex_name swapi)
HOSTNET=$(ex_name swapi-host)
HOSTNET2=$(ex_name swapi-host-2)
OVERLAY=$(ex_name overlay)
OV_API=$(ex_name overlay-swapi)
OV_BOX=$(ex_name overlay-box)

# ------------------------------------------------------------------ bridge
step "bridge: the default network is the Linux bridge docker0 |ko| bridge: 기본 네트워크는 Linux 브리지 docker0"
run docker network inspect bridge -f '{{.Driver}} {{index .Options "com.docker.network.bridge.name"}} {{(index .IPAM.Config 0).Subnet}}'
read -r DRIVER BRIDGE SUBNET <<EOF
$OUT
EOF
check_eq "$DRIVER $BRIDGE" "bridge docker0" "network 'bridge' uses the bridge driver on the interface docker0 |ko| 'bridge' 네트워크는 인터페이스 docker0 위에서 bridge 드라이버를 사용합니다"
say "(172.17.0.0/16 by default; Docker picks another range when that one is taken) |ko| (기본값은 172.17.0.0/16입니다. 그 대역이 이미 쓰이고 있으면 Docker가 다른 대역을 고릅니다)"
if on_desktop; then
  desktop_note "docker0 and the veth pairs below are in Desktop's VM, not on your machine: look at them |ko| docker0와 아래의 veth 쌍은 호스트 머신이 아니라 Desktop의 VM 안에 있습니다."
  desktop_note "from a container on the VM's network (docker run --rm --network host course-toolbox ip ...) |ko| VM의 네트워크를 쓰는 컨테이너에서 살펴보세요(docker run --rm --network host course-toolbox ip ...)"
fi
run_host ip -4 -o addr show docker0
GATEWAY=$(printf '%s\n' "$OUT" | sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p')
check_true "docker0 on the Docker host has an address ($GATEWAY) inside $SUBNET: the containers' gateway |ko| Docker 호스트의 docker0에 $SUBNET 대역 안의 주소($GATEWAY)가 있습니다. 컨테이너들의 게이트웨이입니다" -- \
  ip_in_subnet "$GATEWAY" "$SUBNET"

step "bridge: each container is one end of a veth pair, the other end is plugged into docker0 |ko| bridge: 각 컨테이너는 veth 쌍의 한쪽 끝이고, 다른 쪽 끝은 docker0에 연결됨"
run docker run -d --name "$API" --label "$EX_LABEL" "$SWAPI_IMAGE"
track container "$API"
check_rc 0 "a container on the default bridge |ko| 기본 브리지에 연결된 컨테이너"
run docker run --rm --network "container:$API" "$TOOLBOX_IMAGE" ip -o link show eth0
PEER=$(printf '%s\n' "$OUT" | sed -n 's/.*eth0@if\([0-9]*\).*/\1/p')
check_out_match 'eth0@if[0-9]+' "the container's eth0 is paired with interface #$PEER of the host |ko| 컨테이너의 eth0은 호스트의 ${PEER}번 인터페이스와 쌍을 이룹니다"
run_host ip -o link show master docker0
check_out_match "^$PEER: veth[0-9a-f]+@if[0-9]+: .* master docker0" "host interface #$PEER is a veth attached to docker0 |ko| 호스트의 ${PEER}번 인터페이스는 docker0에 연결된 veth입니다"

# ------------------------------------------------------------------ container:<name>
step "container:<name>: share another container's network namespace |ko| container:<name>: 다른 컨테이너의 네트워크 네임스페이스 공유하기"
run docker run --rm --network "container:$API" "$TOOLBOX_IMAGE" curl -s --max-time 10 -w '\nHTTP %{http_code}\n' http://localhost:8000/api/films/1/
check_http 200 "the toolbox reaches the SWAPI stand-in as localhost:8000 |ko| toolbox가 localhost:8000으로 SWAPI 대체 서버에 접속됩니다"
check_out_contains '"title":"A New Hope"' "the answer comes from the other container |ko| 응답은 다른 컨테이너에서 옵니다"
run docker run --rm --network "container:$API" "$TOOLBOX_IMAGE" hostname -i
check_eq "$OUT" "$(container_ip "$API" bridge)" "same IP address as $API |ko| $API 컨테이너와 같은 IP 주소"
run docker run -d --rm --name "$(ex_name sidecar)" --network "container:$API" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$(ex_name sidecar)"
run docker inspect -f '{{.HostConfig.NetworkMode}}' "$(ex_name sidecar)"
check_out_match '^container:[0-9a-f]{64}$' "docker inspect: NetworkMode container:<id of $API> |ko| docker inspect: NetworkMode container:<$API의 id>"
run docker run --rm --network "container:$API" -p 9999:9999 "$TOOLBOX_IMAGE" true
check_rc nonzero "-p is refused: the namespace (and its ports) belong to $API |ko| -p는 거부됩니다. 네임스페이스와 그 포트는 $API 컨테이너의 것입니다"

# ------------------------------------------------------------------ host
step "host: no network namespace of its own, the host's interfaces and ports |ko| host: 자체 네트워크 네임스페이스 없이 호스트의 인터페이스와 포트를 씀"
run docker run --rm --network host "$TOOLBOX_IMAGE" ip -o link show docker0
check_rc 0 "inside a host-network container the host's docker0 is visible |ko| host 네트워크의 컨테이너 안에서는 호스트의 docker0가 보입니다"
on_desktop && desktop_note "the host here is Desktop's VM: a host-network container's ports are the VM's, not your machine's (Desktop 4.29+ has host networking as an opt-in beta) |ko| 여기서 호스트는 Desktop의 VM입니다. host 네트워크 컨테이너의 포트는 호스트 머신이 아니라 VM의 포트입니다(Desktop 4.29부터는 호스트 네트워킹을 베타 기능으로 켤 수 있습니다)"
say "the services run as a non-root user, which may not bind port 80 of the host: PORT moves them |ko| 서비스는 root가 아닌 사용자로 실행되므로 호스트의 80번 포트에 바인딩하지 못할 수 있습니다. PORT로 포트를 옮깁니다"
HOST_PORT=$(free_host_port)
run docker run -d --name "$HOSTNET" --network host --label "$EX_LABEL" -e PORT="$HOST_PORT" "$SWAPI_IMAGE"
track container "$HOSTNET"
check_rc 0 "the SWAPI stand-in on the host network, listening on $HOST_PORT |ko| host 네트워크의 SWAPI 대체 서버가 ${HOST_PORT}번 포트에서 수신 대기(listen)합니다"
wait_http_host "http://localhost:$HOST_PORT/api/films/1/" 200
check_rc 0 "the host reaches it on localhost:$HOST_PORT without any -p |ko| 호스트에서 -p 없이 localhost:$HOST_PORT 주소로 접속됩니다"
[ "$RC" = 0 ] || run docker logs --tail 5 "$HOSTNET"   # why not: what the server said
say "two host-network containers share one localhost: another one reaches it there too |ko| host 네트워크의 컨테이너들은 localhost 하나를 공유합니다. 다른 컨테이너도 localhost로 접속됩니다"
run docker run --rm --network host "$TOOLBOX_IMAGE" curl -s -o /dev/null -w '%{http_code}' "http://localhost:$HOST_PORT/api/films/1/"
check_eq "$OUT" 200 "a second --network host container reaches the first at localhost:$HOST_PORT |ko| 두 번째 --network host 컨테이너가 localhost:$HOST_PORT 주소로 첫 번째 컨테이너에 접속됩니다"
run docker inspect -f 'ip=[{{.NetworkSettings.Networks.host.IPAddress}}] ports=[{{range $p, $b := .NetworkSettings.Ports}}{{$p}}{{end}}]' "$HOSTNET"
check_eq "$OUT" "ip=[] ports=[]" "no own IP address, no port mappings |ko| 자체 IP 주소도 포트 매핑도 없습니다"
run docker run --rm --network host -p 9999:9999 "$TOOLBOX_IMAGE" true
check_out_contains "Published ports are discarded when using host network mode" "-p is ignored in host mode (a warning) |ko| host 모드에서는 -p가 무시됩니다(경고가 나옴)"
run docker run --name "$HOSTNET2" --network host --label "$EX_LABEL" -e PORT="$HOST_PORT" "$SWAPI_IMAGE"
track container "$HOSTNET2"
expect "the second copy cannot listen: the port belongs to the first one (host ports are shared) |ko| 두 번째 인스턴스는 수신 대기할 수 없습니다. 포트를 첫 번째 인스턴스가 쓰고 있습니다(호스트 포트는 공유됩니다)"
check_rc 1 "a second container on the same host port exits with an error |ko| 같은 호스트 포트를 쓰는 두 번째 컨테이너는 오류와 함께 종료됩니다"
check_out_contains "cannot listen on 0.0.0.0:$HOST_PORT" "and says so |ko| 출력에도 그렇게 나옵니다"

# ------------------------------------------------------------------ none
step "none: a network namespace with only loopback |ko| none: 루프백만 있는 네트워크 네임스페이스"
run docker run --rm --network none "$TOOLBOX_IMAGE" ip -o link
check_out_match '^1: lo:' "there is lo |ko| lo가 있습니다"
check_out_lacks "eth0" "and no eth0 |ko| eth0은 없습니다"
run docker run --rm --network none "$TOOLBOX_IMAGE" curl -s --max-time 3 "http://$(container_ip "$API" bridge):8000/api/"
check_rc nonzero "nothing outside is reachable |ko| 바깥의 어느 곳에도 접속되지 않습니다"

# ------------------------------------------------------------------ overlay
step "overlay: one network across the hosts of a swarm (here, a swarm of one) |ko| overlay: 스웜의 여러 호스트에 걸친 네트워크 하나(여기서는 노드 하나짜리 스웜)"
if [ "${EX_SWARM:-1}" = 0 ]; then
  say "EX_SWARM=0: skipped |ko| EX_SWARM=0: 건너뜁니다"
else
  run docker info -f '{{.Swarm.LocalNodeState}}'
  SWARM_BEFORE=$OUT
  if [ "$SWARM_BEFORE" = inactive ]; then
    GWBRIDGE_BEFORE=$(docker network ls -q --filter name=^docker_gwbridge$)
    run_host ip -4 route get 1.1.1.1
    ADDR=$(printf '%s\n' "$OUT" | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1); ADDR=${ADDR:-127.0.0.1}
    run docker swarm init --advertise-addr "$ADDR"
    check_rc 0 "docker swarm init (this engine was in no swarm; it leaves again at the end) |ko| docker swarm init(이 엔진은 어떤 스웜에도 속해 있지 않았으므로 마지막에 스웜에서 다시 나옵니다)"
    # undone newest first: leave the swarm, then remove the docker_gwbridge network swarm init
    # created (unless it was there before)
    [ -z "$GWBRIDGE_BEFORE" ] && track cmd docker network rm docker_gwbridge
    track cmd docker swarm leave --force
  else
    say "this engine is already in a swarm ($SWARM_BEFORE): using it, not leaving it |ko| 이 엔진은 이미 스웜에 속해 있습니다($SWARM_BEFORE). 그 스웜을 그대로 쓰고, 마지막에 나오지 않습니다"
  fi
  run docker network create -d overlay --attachable --label "$EX_LABEL" "$OVERLAY"
  track network "$OVERLAY"
  check_rc 0 "an attachable overlay network (plain containers may join it) |ko| attachable overlay 네트워크(일반 컨테이너도 연결할 수 있음)"
  run docker network inspect "$OVERLAY" -f '{{.Driver}} {{.Scope}}'
  check_eq "$OUT" "overlay swarm" "driver overlay, scope swarm (not local) |ko| 드라이버 overlay, 범위 swarm(local이 아님)"
  run docker run -d --name "$OV_API" --network "$OVERLAY" --label "$EX_LABEL" "$SWAPI_IMAGE"
  track container "$OV_API"
  check_rc 0 "the SWAPI stand-in on the overlay |ko| overlay 네트워크의 SWAPI 대체 서버"
  run docker run -d --name "$OV_BOX" --network "$OVERLAY" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
  track container "$OV_BOX"
  wait_http "http://$OV_API:8000/healthz" 200 "" docker exec "$OV_BOX"
  check_rc 0 "the toolbox reaches it BY NAME over the overlay |ko| toolbox가 overlay 네트워크를 거쳐 이름으로 접속됩니다"
  curl_in "$OV_BOX" "http://$OV_API:8000/api/people/1/"
  check_out_contains '"name":"Luke Skywalker"' "SWAPI data over VXLAN |ko| VXLAN을 거쳐 온 SWAPI 데이터"
  run docker exec "$OV_BOX" ip -4 -o addr show
  check_out_match 'eth1 .*inet ' "an overlay container also gets eth1 on docker_gwbridge (its way out) |ko| overlay 컨테이너는 docker_gwbridge에 연결된 eth1도 받습니다(바깥으로 나가는 길)"
fi
