#!/bin/sh
# Check of exercises/networking/04-networks.md: docker network create / ls / inspect / connect /
# disconnect / rm / prune, publishing ports, port conflicts, docker exec, host -> container.
. "$(dirname "$0")/../lib.sh"
ex_begin 04 "networks: create, connect, exec, publish, remove"
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

step "create a network and look at it"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
check_rc 0 "docker network create prints the new network's id"
run docker network ls --filter "label=$EX_LABEL"
check_out_contains "$NET" "docker network ls lists it (filtered by our label here)"
run docker network inspect "$NET" -f '{{.Driver}} {{(index .IPAM.Config 0).Subnet}} {{(index .IPAM.Config 0).Gateway}}'
check_out_match '^bridge [0-9.]+/[0-9]+ [0-9.]+$' "driver bridge (the default), with its own subnet and gateway"
NET_SUBNET=$(printf '%s\n' "$OUT" | awk '{print $2}')
check_ne "$NET_SUBNET" "$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')" "its subnet is not the default bridge's"

step "a server published on the host (-p HOST:CONTAINER), and a toolbox on the new network"
say "the page publishes 8000:8000; the check lets Docker pick the host port (-p 8000)"
run docker run -d --name "$API" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
track container "$API"
PORT=$(published "$API" 8000)
check_rc 0 "the SWAPI stand-in starts on the default bridge, port 8000 published as $PORT"
run docker run -d --name "$BOX" --network "$NET" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "the toolbox starts on $NET and keeps running (for docker exec)"
wait_http_host "http://localhost:$PORT/healthz" 200 || fatal "the SWAPI stand-in did not become healthy"

step "host -> container: by published port, and by the container's IP from the Docker host"
curl_host "http://localhost:$PORT/api/films/1/"
check_http 200 "localhost:$PORT reaches the container's port 8000"
check_out_contains '"title":"A New Hope"' "SWAPI data"
run docker port "$API"
check_out_contains "8000/tcp -> 0.0.0.0:$PORT" "docker port shows the mapping"
API_IP=$(container_ip "$API" bridge)
if on_desktop; then
  desktop_note "your machine cannot reach $API_IP: the container's network is inside Desktop's VM"
  desktop_note "(use published ports). The VM itself is on every bridge network: from a container on"
  desktop_note "the VM's network (docker run --rm --network host course-toolbox curl ...) it works."
  curl_host "http://$API_IP:8000/api/films/1/"
  check_http 200 "Docker Desktop: the VM (the Docker host) reaches the container at $API_IP:8000, no -p needed"
else
  curl_host "http://$API_IP:8000/api/films/1/"
  expect "works on Linux: the host is on every bridge network (not on Docker Desktop, where Docker runs in a VM)"
  check_http 200 "the host reaches the container directly at $API_IP:8000, no -p needed"
fi

step "docker exec: run a command inside a running container"
run docker exec "$BOX" ip -4 -o addr show eth0
check_out_contains "inet $(container_ip "$BOX" "$NET")/" "the toolbox has an address on $NET"
run docker exec "$API" sh -c 'echo hi'
expect 'an error: the service images are distroless (no shell): that is what the toolbox is for'
check_rc nonzero "no shell to exec in the service image"

step "two networks are isolated from each other"
run docker exec "$BOX" getent hosts "$API"
check_rc 2 "the name $API does not resolve from $NET"
run docker exec "$BOX" curl -s --max-time 3 -o /dev/null -w '%{http_code}' "http://$API_IP:8000/api/"
expect "no answer (000): Docker's firewall rules drop traffic between different bridge networks"
check_rc nonzero "not even by IP"

step "connect the RUNNING server to the network: now name and IP both work"
run docker network connect "$NET" "$API"
check_rc 0 "docker network connect $NET $API"
run docker inspect -f '{{range $net, $v := .NetworkSettings.Networks}}{{$net}}={{$v.IPAddress}} {{end}}' "$API"
check_out_contains "$NET=" "the container is now on two networks"
check_out_contains "bridge=$API_IP" "and kept its default-bridge address"
API_NET_IP=$(container_ip "$API" "$NET")
curl_in "$BOX" "http://$API:8000/api/films/1/"
check_http 200 "exec in the toolbox: curl by NAME http://$API:8000"
curl_in "$BOX" "http://$API_NET_IP:8000/api/films/1/"
check_http 200 "exec in the toolbox: curl by IP http://$API_NET_IP:8000"
run docker exec "$BOX" ping -c 1 -W 2 "$API"
check_rc 0 "ping by name"
run docker run --rm --label "$EX_LABEL" "$TOOLBOX_IMAGE" ping -c 1 -W 2 "$API_IP"
check_rc 0 "on the default bridge a container pings another by IP (the notes' demo; no names there)"
run docker network inspect "$NET" -f '{{range .Containers}}{{.Name}} {{end}}'
check_out_contains "$API" "docker network inspect lists the connected containers"

step "disconnect it again"
run docker network disconnect "$NET" "$API"
check_rc 0 "docker network disconnect $NET $API"
run docker exec "$BOX" getent hosts "$API"
check_rc 2 "the name is gone from $NET"

step "publishing: a host port can be used once; the same container port many times"
run docker run -d --name "$API2" --label "$EX_LABEL" -p "$PORT:8000" "$SWAPI_IMAGE"
track container "$API2"
expect "an error: the host port $PORT is already taken by $API (the container is created but not started)"
check_rc 125 "a second -p $PORT:8000 fails"
check_out_match "already allocated|address already in use" "and says the port is in use"
run docker inspect -f '{{.State.Status}}' "$API2"
check_eq "$OUT" created "the failed container stays behind, never started (docker rm it)"
run docker rm "$API2"
run docker run -d --name "$API3" --label "$EX_LABEL" -p 8000 "$SWAPI_IMAGE"
track container "$API3"
PORT2=$(published "$API3" 8000)
check_rc 0 "another host port ($PORT2) for the same container port 8000 is fine"
wait_http_host "http://localhost:$PORT2/healthz" 200
check_rc 0 "both copies answer, each on its own host port"

step "remove a network: not while containers use it"
run docker network rm "$NET"
expect "an error: the network has active endpoints ($BOX is still on it)"
check_rc nonzero "docker network rm refuses while a container is attached"
check_out_contains "active endpoints" "and says why"
run docker rm -f "$BOX"
run docker network rm "$NET"
check_rc 0 "after the container is gone, docker network rm works"

step "prune: remove unused networks, only ours (filtered by label)"
say "a bare 'docker network prune' removes EVERY unused network on this machine, yours included"
run docker network create --label "$EX_LABEL" --label "$PRUNE_LABEL" "$SPARE"
track network "$SPARE"
check_rc 0 "an unused network to prune"
run docker network prune -f --filter "label=$PRUNE_LABEL"
check_out_contains "$SPARE" "docker network prune --filter label=... removed it"
run docker network ls -q --filter "name=^$SPARE\$"
check_eq "$OUT" "" "it is gone"
