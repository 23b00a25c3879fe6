#!/bin/sh
# Check of exercises/networking/04-networks.md: docker network create / ls / inspect / connect /
# disconnect / rm / prune, publishing ports, port conflicts, docker exec, host -> container.
. "$(dirname "$0")/../lib.sh"
ex_begin 04 "networks: create, connect, exec, publish, remove |ko| 네트워크: create, connect, exec, publish, remove"
need_image "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
NET=$(ex_name net)
SPARE=$(ex_name spare)
API=$(ex_name swapi)
API2=$(ex_name swapi-2)
API3=$(ex_name swapi-3)
BOX=$(ex_name box)
# A label only this run's networks carry: the prune below is filtered by it, so it can
# never remove a network of yours (or of another exercise).
PRUNE_LABEL=course.exercise.prune=$EX_PREFIX-$$

step "create a network and look at it |ko| 네트워크를 만들고 살펴보기"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
check_rc 0 "docker network create prints the new network's id |ko| docker network create가 새 네트워크의 ID를 출력합니다"
run docker network ls --filter "label=$EX_LABEL"
check_out_contains "$NET" "docker network ls lists it (filtered by our label here) |ko| docker network ls에 나옵니다(여기서는 이 점검의 레이블로 걸러서 봄)"
run docker network inspect "$NET" -f '{{.Driver}} {{(index .IPAM.Config 0).Subnet}} {{(index .IPAM.Config 0).Gateway}}'
check_out_match '^bridge [0-9.]+/[0-9]+ [0-9.]+$' "driver bridge (the default), with its own subnet and gateway |ko| 드라이버는 bridge(기본값)이고, 자체 서브넷과 게이트웨이가 있습니다"
NET_SUBNET=$(printf '%s\n' "$OUT" | awk '{print $2}')
check_ne "$NET_SUBNET" "$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')" "its subnet is not the default bridge's |ko| 서브넷이 기본 브리지의 서브넷과 다릅니다"

step "a server published on the host (-p HOST:CONTAINER), and a toolbox on the new network |ko| 호스트에 포트를 게시한 서버(-p HOST:CONTAINER), 그리고 새 네트워크의 toolbox"
say "the page publishes 8000:8000; the check lets Docker pick the host port (-p 8000) |ko| 페이지에서는 8000:8000으로 게시하지만, 점검은 호스트 포트를 Docker가 고르게 합니다(-p 8000)"
run docker run -d --name "$API" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
track container "$API"
PORT=$(published "$API" 8000)
check_rc 0 "the SWAPI stand-in starts on the default bridge, port 8000 published as $PORT |ko| SWAPI 대체 서버가 기본 브리지에서 시작하고, 8000번 포트는 호스트 포트 ${PORT}에 게시됩니다"
run docker run -d --name "$BOX" --network "$NET" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "the toolbox starts on $NET and keeps running (for docker exec) |ko| toolbox가 $NET 네트워크에서 시작해 계속 실행됩니다(docker exec에 씀)"
wait_http_host "http://localhost:$PORT/healthz" 200 || fatal "the SWAPI stand-in did not become healthy |ko| SWAPI 대체 서버가 healthy 상태가 되지 않았습니다"

step "host -> container: by published port, and by the container's IP from the Docker host |ko| 호스트 → 컨테이너: 게시된 포트로, 그리고 Docker 호스트에서 컨테이너의 IP로"
curl_host "http://localhost:$PORT/api/films/1/"
check_http 200 "localhost:$PORT reaches the container's port 8000 |ko| localhost:$PORT 주소로 컨테이너의 8000번 포트에 접속됩니다"
check_out_contains '"title":"A New Hope"' "SWAPI data |ko| SWAPI 데이터"
run docker port "$API"
check_out_contains "8000/tcp -> 0.0.0.0:$PORT" "docker port shows the mapping |ko| docker port가 포트 매핑을 보여 줍니다"
API_IP=$(container_ip "$API" bridge)
if on_desktop; then
  desktop_note "your machine cannot reach $API_IP: the container's network is inside Desktop's VM |ko| 호스트 머신에서는 ${API_IP}에 접속할 수 없습니다. 컨테이너의 네트워크가 Desktop의 VM 안에 있기 때문입니다"
  desktop_note "(use published ports). The VM itself is on every bridge network: from a container on |ko| (게시한 포트를 사용하세요). VM 자체는 모든 브리지 네트워크에 연결되어 있으므로"
  desktop_note "the VM's network (docker run --rm --network host course-toolbox curl ...) it works. |ko| VM의 네트워크를 쓰는 컨테이너(docker run --rm --network host course-toolbox curl ...)에서는 접속됩니다."
  curl_host "http://$API_IP:8000/api/films/1/"
  check_http 200 "Docker Desktop: the VM (the Docker host) reaches the container at $API_IP:8000, no -p needed |ko| Docker Desktop: VM(Docker 호스트)에서 $API_IP:8000의 컨테이너에 접속됩니다. -p가 필요 없습니다"
else
  curl_host "http://$API_IP:8000/api/films/1/"
  expect "works on Linux: the host is on every bridge network (not on Docker Desktop, where Docker runs in a VM) |ko| Linux에서는 됩니다. 호스트가 모든 브리지 네트워크에 연결되어 있습니다(Docker가 VM에서 실행되는 Docker Desktop에서는 안 됩니다)"
  check_http 200 "the host reaches the container directly at $API_IP:8000, no -p needed |ko| 호스트에서 $API_IP:8000의 컨테이너에 직접 접속됩니다. -p가 필요 없습니다"
fi

step "docker exec: run a command inside a running container |ko| docker exec: 실행 중인 컨테이너 안에서 명령어 실행하기"
run docker exec "$BOX" ip -4 -o addr show eth0
check_out_contains "inet $(container_ip "$BOX" "$NET")/" "the toolbox has an address on $NET |ko| toolbox에 $NET 네트워크의 주소가 있습니다"
run docker exec "$API" sh -c 'echo hi'
expect 'an error: the service images are distroless (no shell): that is what the toolbox is for |ko| 오류: 서비스 이미지는 distroless입니다(셸 없음). 그래서 toolbox를 씁니다'
check_rc nonzero "no shell to exec in the service image |ko| 서비스 이미지에는 exec로 실행할 셸이 없습니다"

step "two networks are isolated from each other |ko| 두 네트워크는 서로 격리됨"
run docker exec "$BOX" getent hosts "$API"
check_rc 2 "the name $API does not resolve from $NET |ko| $NET 네트워크에서는 $API 이름이 확인(resolve)되지 않습니다"
run docker exec "$BOX" curl -s --max-time 3 -o /dev/null -w '%{http_code}' "http://$API_IP:8000/api/"
expect "no answer (000): Docker's firewall rules drop traffic between different bridge networks |ko| 응답 없음(000): Docker의 방화벽 규칙이 서로 다른 브리지 네트워크 사이의 트래픽을 차단합니다"
check_rc nonzero "not even by IP |ko| IP로도 접속되지 않습니다"

step "connect the RUNNING server to the network: now name and IP both work |ko| 실행 중인 서버를 네트워크에 연결(connect)하기: 이제 이름과 IP 모두 동작함"
run docker network connect "$NET" "$API"
check_rc 0 "docker network connect $NET $API |ko| docker network connect $NET $API 명령이 성공합니다"
run docker inspect -f '{{range $net, $v := .NetworkSettings.Networks}}{{$net}}={{$v.IPAddress}} {{end}}' "$API"
check_out_contains "$NET=" "the container is now on two networks |ko| 이제 컨테이너가 두 네트워크에 연결되어 있습니다"
check_out_contains "bridge=$API_IP" "and kept its default-bridge address |ko| 기본 브리지의 주소도 그대로입니다"
API_NET_IP=$(container_ip "$API" "$NET")
curl_in "$BOX" "http://$API:8000/api/films/1/"
check_http 200 "exec in the toolbox: curl by NAME http://$API:8000 |ko| toolbox에서 exec: 이름으로 curl http://$API:8000"
curl_in "$BOX" "http://$API_NET_IP:8000/api/films/1/"
check_http 200 "exec in the toolbox: curl by IP http://$API_NET_IP:8000 |ko| toolbox에서 exec: IP로 curl http://$API_NET_IP:8000"
run docker exec "$BOX" ping -c 1 -W 2 "$API"
check_rc 0 "ping by name |ko| 이름으로 ping이 성공합니다"
run docker run --rm --label "$EX_LABEL" "$TOOLBOX_IMAGE" ping -c 1 -W 2 "$API_IP"
check_rc 0 "on the default bridge a container pings another by IP (the notes' demo; no names there) |ko| 기본 브리지에서는 컨테이너가 다른 컨테이너에 IP로 ping합니다(노트의 데모. 기본 브리지에서는 이름을 쓸 수 없습니다)"
run docker network inspect "$NET" -f '{{range .Containers}}{{.Name}} {{end}}'
check_out_contains "$API" "docker network inspect lists the connected containers |ko| docker network inspect에 연결된 컨테이너가 나옵니다"

step "disconnect it again |ko| 다시 연결 해제(disconnect)하기"
run docker network disconnect "$NET" "$API"
check_rc 0 "docker network disconnect $NET $API |ko| docker network disconnect $NET $API 명령이 성공합니다"
run docker exec "$BOX" getent hosts "$API"
check_rc 2 "the name is gone from $NET |ko| $NET 네트워크에서 이름이 사라졌습니다"

step "publishing: a host port can be used once; the same container port many times |ko| 포트 게시: 호스트 포트는 한 번만, 같은 컨테이너 포트는 여러 번 쓸 수 있음"
run docker run -d --name "$API2" --label "$EX_LABEL" -p "$PORT:8000" "$SWAPI_IMAGE"
track container "$API2"
expect "an error: the host port $PORT is already taken by $API (the container is created but not started) |ko| 오류: 호스트의 ${PORT}번 포트는 이미 $API 컨테이너가 쓰고 있습니다(컨테이너는 만들어지지만 시작되지는 않습니다)"
check_rc 125 "a second -p $PORT:8000 fails |ko| 두 번째 -p $PORT:8000은 실패합니다"
check_out_match "already allocated|address already in use" "and says the port is in use |ko| 포트가 이미 사용 중이라고 알려 줍니다"
run docker inspect -f '{{.State.Status}}' "$API2"
check_eq "$OUT" created "the failed container stays behind, never started (docker rm it) |ko| 실패한 컨테이너는 시작되지 않은 채 남아 있습니다(docker rm으로 지우세요)"
run docker rm "$API2"
run docker run -d --name "$API3" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
track container "$API3"
PORT2=$(published "$API3" 8000)
check_rc 0 "another host port ($PORT2) for the same container port 8000 is fine |ko| 같은 컨테이너 포트 8000에 다른 호스트 포트($PORT2)를 쓰는 것은 문제없습니다"
wait_http_host "http://localhost:$PORT2/healthz" 200
check_rc 0 "both copies answer, each on its own host port |ko| 두 서버 모두 각자의 호스트 포트에서 응답합니다"

step "remove a network: not while containers use it |ko| 네트워크 삭제하기: 컨테이너가 쓰는 동안에는 안 됨"
run docker network rm "$NET"
expect "an error: the network has active endpoints ($BOX is still on it) |ko| 오류: 네트워크에 active endpoints가 있습니다($BOX 컨테이너가 아직 연결되어 있음)"
check_rc nonzero "docker network rm refuses while a container is attached |ko| 컨테이너가 연결되어 있는 동안에는 docker network rm이 거부됩니다"
check_out_contains "active endpoints" "and says why |ko| 그 이유도 알려 줍니다"
run docker rm -f "$BOX"
run docker network rm "$NET"
check_rc 0 "after the container is gone, docker network rm works |ko| 컨테이너를 지운 뒤에는 docker network rm이 성공합니다"

step "prune: remove unused networks, only ours (filtered by label) |ko| prune: 사용하지 않는 네트워크 삭제하기, 단 이 점검의 것만(레이블로 거름)"
say "a bare 'docker network prune' removes EVERY unused network on this machine, yours included |ko| 필터 없는 'docker network prune'은 이 머신에서 사용하지 않는 네트워크를 모두 삭제합니다. 여러분의 네트워크도 포함됩니다"
run docker network create --label "$EX_LABEL" --label "$PRUNE_LABEL" "$SPARE"
track network "$SPARE"
check_rc 0 "an unused network to prune |ko| prune으로 지울, 사용하지 않는 네트워크"
run docker network prune -f --filter "label=$PRUNE_LABEL"
check_out_contains "$SPARE" "docker network prune --filter label=... removed it |ko| docker network prune --filter label=... 명령이 그 네트워크를 삭제했습니다"
run docker network ls -q --filter "name=^$SPARE\$"
check_eq "$OUT" "" "it is gone |ko| 네트워크가 사라졌습니다"
