#!/bin/sh
# Check of exercises/networking/03-container-to-container.md (case 3: container -> container):
# by IP (and why that breaks), by name on a user-defined network, and the legacy --link.
. "$(dirname "$0")/../lib.sh"
ex_begin 03 "case 3, container -> container: by IP, then by name"
need_image "$MONGO_IMAGE" "$FAVORITES_IMAGE" "$TOOLBOX_IMAGE"
DB=$(ex_name mongodb)
FAV=$(ex_name favorites)
OTHER=$(ex_name other)
NET=$(ex_name favorites-net)
LEGACY_DB=$(ex_name legacy-db)
LINKED=$(ex_name favorites-linked)
# save_favorite PORT: POST a favorite to the favorites published on the host's PORT
save_favorite() {
  curl_host "http://localhost:$1/favorites" -H 'Content-Type: application/json' \
    -d '{"name":"Luke Skywalker","type":"character","url":"https://swapi.dev/api/people/1/"}'
}

# ------------------------------------------------------------------ part A: by IP
step "A1. run MongoDB in its own container (default bridge network, no published port)"
run docker run -d --name "$DB" --label "$EX_LABEL" "$MONGO_IMAGE"
track container "$DB"
check_rc 0 "the database container starts"

step "A2. find its IP address with docker container inspect"
run docker container inspect -f '{{.NetworkSettings.IPAddress}}' "$DB"
IP_A=$OUT
check_out_match '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' "the container has an IP address"
run docker network inspect bridge -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{"\n"}}{{end}}'
check_out_contains "$DB $IP_A/" "the bridge network lists it with the same address"

step "A3. run favorites with that IP in its database URL"
run docker run -d --rm --name "$FAV" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_URL="mongodb://$IP_A:27017/swfavorites" "$FAVORITES_IMAGE"
track container "$FAV"
FAV_PORT=$(published "$FAV" 3000)
check_rc 0 "favorites starts"
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites reaches the database at $IP_A:27017 (ready)"
save_favorite "$FAV_PORT"
check_http 201 "a favorite is saved in the database container"

step "A4. why a hard-coded IP breaks: recreate the database container"
run docker rm -f "$DB"
say "another container starts meanwhile (in real life: anything) and may take the old address"
run docker run -d --name "$OTHER" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$OTHER"
run docker run -d --name "$DB" --label "$EX_LABEL" "$MONGO_IMAGE"
run docker container inspect -f '{{.NetworkSettings.IPAddress}}' "$DB"
IP_B=$OUT
check_ne "$IP_B" "$IP_A" "the new database container got another address"
wait_http_host "http://localhost:$FAV_PORT/readyz" 503 15
check_rc 0 "favorites, still configured with $IP_A, is no longer ready (503): new URL, new container needed"

step "A5. no names on the default bridge network"
run docker run --rm "$TOOLBOX_IMAGE" getent hosts "$DB"
expect "exit code 2, nothing printed: the default bridge has no DNS for container names"
check_rc 2 "the name $DB does not resolve on the default bridge"
run docker rm -f "$FAV" "$DB" "$OTHER"
check_rc 0 "part A cleaned up"

# ------------------------------------------------------------------ part B: by name
step "B1. create a network (Docker never creates one for you)"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" "$MONGO_IMAGE"
track container "$DB"
expect "an error: network $NET not found (unlike volumes, networks are not created on the fly)"
check_rc 125 "docker run --network with a missing network fails"
check_out_contains "not found" "and says why"
run docker rm -f "$DB"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
check_rc 0 "docker network create $NET"
run docker network ls --filter "name=^$NET\$" --format '{{.Name}} {{.Driver}} {{.Scope}}'
check_eq "$OUT" "$NET bridge local" "it is a local bridge network"

step "B2. the database joins the network; no -p: nothing is published on the host"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" "$MONGO_IMAGE"
check_rc 0 "the database starts on $NET"
run docker port "$DB"
check_eq "$OUT" "" "docker port: no published ports"

step "B3. favorites on the same network uses the container NAME as host"
run docker run -d --rm --name "$FAV" --network "$NET" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e MONGODB_URL="mongodb://$DB:27017/swfavorites" "$FAVORITES_IMAGE"
track container "$FAV"
FAV_PORT=$(published "$FAV" 3000)
check_rc 0 "favorites starts on $NET (only favorites publishes a port: for us on the host)"
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites reaches mongodb://$DB:27017 by name"
save_favorite "$FAV_PORT"
check_http 201 "a favorite is saved"
curl_host "http://localhost:$FAV_PORT/favorites"
check_out_contains '"name":"Luke Skywalker"' "and listed"

step "B4. who answers the name? Docker's DNS server inside the network"
run docker run --rm --network "$NET" "$TOOLBOX_IMAGE" cat /etc/resolv.conf
check_out_contains "nameserver 127.0.0.11" "containers on a user-defined network ask Docker's embedded DNS (127.0.0.11)"
run docker run --rm --network "$NET" "$TOOLBOX_IMAGE" dig +short "$DB"
IP_NAME=$OUT
check_eq "$IP_NAME" "$(container_ip "$DB" "$NET")" "the name resolves to the database's address on $NET"

step "B5. names are resolved when a request is made: recreate the database, favorites follows"
STARTED=$(inspect '{{.State.StartedAt}}' "$FAV")
run docker rm -f "$DB"
curl_host "http://localhost:$FAV_PORT/readyz"
check_http 503 "database gone: favorites is not ready"
run docker run -d --name "$OTHER" --network "$NET" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$OTHER"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" "$MONGO_IMAGE"
check_ne "$(container_ip "$DB" "$NET")" "$IP_NAME" "the new database container has a new address"
wait_http_host "http://localhost:$FAV_PORT/readyz" 200
check_rc 0 "favorites is ready again by itself: the name now resolves to the new address"
check_eq "$(inspect '{{.State.StartedAt}}' "$FAV")" "$STARTED" "favorites was neither restarted nor reconfigured"
say "(the saved favorite is gone with the old container: keeping data is what volumes are for)"

# ------------------------------------------------------------------ part C: --link
step "C1. the legacy way on the default bridge: --link NAME:ALIAS writes /etc/hosts"
run docker run -d --name "$LEGACY_DB" --label "$EX_LABEL" "$MONGO_IMAGE"
track container "$LEGACY_DB"
check_rc 0 "a database on the default bridge"
run docker run --rm --link "$LEGACY_DB:db" "$TOOLBOX_IMAGE" sh -c 'grep -w db /etc/hosts; env | grep ^DB_PORT= | sort'
check_out_match "^$(container_ip "$LEGACY_DB" bridge | sed 's/\./\\./g')[[:space:]](.*[[:space:]])?db([[:space:]]|\$)" "/etc/hosts has a line for the alias db"
check_out_match '^DB_PORT=tcp://' "and --link also injects environment variables (DB_PORT=tcp://...)"

step "C2. favorites linked to the database under the alias it expects: 'mongodb'"
run docker run -d --rm --name "$LINKED" --label "$EX_LABEL" --link "$LEGACY_DB:mongodb" -p 127.0.0.1::3000 \
  -e MONGODB_USERNAME= "$FAVORITES_IMAGE"
track container "$LINKED"
LINKED_PORT=$(published "$LINKED" 3000)
check_rc 0 "favorites starts with --link (its default MONGODB_HOST is mongodb)"
wait_http_host "http://localhost:$LINKED_PORT/readyz" 200
check_rc 0 "favorites reaches the database through the link alias"
run docker inspect -f '{{.HostConfig.Links}}' "$LINKED"
check_out_contains "/$LEGACY_DB:/$LINKED/mongodb" "docker inspect shows the link"
say "links are deprecated: one-way, default bridge only, fixed when the container starts; use networks"
