#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/networking/06-running-containers.md: attached vs detached, docker start -a,
# docker logs -f, --rm, -it, with the goals app (MongoDB + the goals API).
# Where the page says "press Ctrl-C", the check sends SIGINT to the docker command, which is
# what Ctrl-C does; where it says "type", the check types into a pseudo-terminal made by
# script(1) (util-linux's on Linux, BSD's on macOS; where there is none, that part says so).
. "$(dirname "$0")/../lib.sh"
ex_begin 06 "running containers: attached, detached, start -a, logs -f, --rm, -it"
need_image "$MONGO_IMAGE" "$BACKEND_IMAGE" "$TOOLBOX_IMAGE"
NET=$(ex_name goals-net)
DB=$(ex_name mongodb)
BE=$(ex_name backend)
ATT=$(ex_name backend-attached)
TMPC=$(ex_name backend-rm)
# the backend is started again later and keeps its port: a fixed one, free on the Docker host
BE_PORT=$(free_host_port)

# attached COMMAND...: runs an attached docker command as if in a terminal: its output shows
# up as it comes; once LOG has "listening", Ctrl-C (SIGINT) goes to the docker command.
# Sets $OUT (the whole output) and $RC (the docker command's exit code).
attached() {
  local log="$EX_TMP/attached.log" pid deadline waited=0
  printf '%s\n' "${C_CMD}\$ $(_show "$@")${C_OFF}"
  "$@" >"$log" 2>&1 &
  pid=$!
  deadline=$(( $(date +%s) + EX_WAIT ))
  until grep -q listening "$log" 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "    ${C_DIM}(the terminal is now attached; pressing Ctrl-C)${C_OFF}"
  kill -INT "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid"
  RC=$?
  OUT=$(_plain <"$log")
  _print_output
  echo "    ${C_DIM}(exit code $RC)${C_OFF}"
}

step "the goals app's database and network"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" -e MONGO_INITDB_ROOT_USERNAME=root -e MONGO_INITDB_ROOT_PASSWORD=secret "$MONGO_IMAGE"
track container "$DB"
check_rc 0 "MongoDB starts detached, with a root user"

step "detached (-d): docker run prints the container id and gives the terminal back"
T0=$(_now)
run docker run -d --name "$BE" --network "$NET" --label "$EX_LABEL" -p "127.0.0.1:$BE_PORT:80" -e "MONGODB_HOST=$DB" -e MONGODB_PASSWORD=secret "$BACKEND_IMAGE"
TOOK=$(_secs "$T0")
track container "$BE"
check_rc 0 "the backend starts in the background"
check_out_match '^[0-9a-f]{64}$' "all we see is its id (in $TOOK s)"
run docker ps --filter "name=^$BE\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BE Up " "docker ps: it is running"
wait_http_host "http://localhost:$BE_PORT/readyz" 200 || fatal "the backend did not become ready: $(docker logs "$BE" 2>&1 | tail -3)"
curl_host "http://localhost:$BE_PORT/goals" -H 'Content-Type: application/json' -d '{"text":"Learn Docker"}'
check_http 201 "a goal is saved"

step "docker logs: what a detached container printed"
run docker logs "$BE"
check_out_contains "listening" "the start-up lines"
check_out_contains "goal saved" "and the line of the goal we just saved"

step "attached (no -d): the container's output comes to your terminal; Ctrl-C stops it"
attached docker run --name "$ATT" --network "$NET" --label "$EX_LABEL" -e "MONGODB_HOST=$DB" -e MONGODB_PASSWORD=secret "$BACKEND_IMAGE"
track container "$ATT"
check_out_contains "listening" "its log lines appeared in the terminal"
check_out_contains "stop signal received" "Ctrl-C reached the backend (docker forwards it)"
check_rc 0 "the backend stopped cleanly and docker run returned its exit code"
run docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$ATT"
check_eq "$OUT" "exited 0" "the container stays, exited (no --rm)"

step "docker start: restarts a stopped container, DETACHED by default"
run docker start "$ATT"
check_rc 0 "docker start prints the name and returns"
check_eq "$OUT" "$ATT" "nothing else is printed"
run docker inspect -f '{{.State.Status}}' "$ATT"
check_eq "$OUT" running "it runs in the background"
run docker stop "$ATT"
check_rc 0 "docker stop"

step "docker start -a: start and attach"
attached docker start -a "$ATT"
check_out_contains "listening" "with -a the output comes to the terminal"
check_rc 0 "Ctrl-C stops it again"

step "docker logs -f: follow the output of a detached container"
echo "${C_CMD}\$ docker logs -f --tail 0 $BE &${C_OFF}   ${C_DIM}# --tail 0: only new lines${C_OFF}"
docker logs -f --tail 0 "$BE" >"$EX_TMP/follow.log" 2>&1 &
FOLLOW=$!
track pid "$FOLLOW"
sleep 0.3
curl_host "http://localhost:$BE_PORT/goals" -H 'Content-Type: application/json' -d '{"text":"Follow the logs"}'
check_http 201 "another goal"
for _ in $(seq 50); do grep -q "goal saved" "$EX_TMP/follow.log" && break; sleep 0.1; done
OUT=$(_plain <"$EX_TMP/follow.log"); _print_output
check_out_contains "goal saved" "the new line showed up while following"
check_true "docker logs -f is still following" -- kill -0 "$FOLLOW"
run docker stop "$BE"
for _ in $(seq 50); do kill -0 "$FOLLOW" 2>/dev/null || break; sleep 0.1; done
check_true "docker logs -f ended by itself when the container stopped" -- sh -c "! kill -0 $FOLLOW"
OUT=$(_plain <"$EX_TMP/follow.log")
check_out_contains "stop signal received" "its last lines are the backend shutting down"

step "without --rm a stopped container stays (docker ps -a) and can be started again"
run docker ps -a --filter "name=^$BE\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BE Exited \(0\)" "docker ps -a: Exited (0)"
run docker start "$BE"
wait_http_host "http://localhost:$BE_PORT/readyz" 200
check_rc 0 "started again, same container, same published port"
curl_host "http://localhost:$BE_PORT/goals"
check_out_contains '"text":"Follow the logs"' "the goals are still there: they live in MongoDB, not in the backend"

step "--rm: the container is removed as soon as it stops"
run docker run -d --rm --name "$TMPC" --network "$NET" --label "$EX_LABEL" -p 127.0.0.1::80 -e "MONGODB_HOST=$DB" -e MONGODB_PASSWORD=secret "$BACKEND_IMAGE"
track container "$TMPC"
TMP_PORT=$(published "$TMPC" 80)
wait_http_host "http://localhost:$TMP_PORT/readyz" 200
check_rc 0 "a throw-away backend serves"
run docker stop "$TMPC"
for _ in $(seq 50); do docker inspect "$TMPC" >/dev/null 2>&1 || break; sleep 0.1; done
run docker ps -a --filter "name=^$TMPC\$" --format '{{.Names}} {{.Status}}'
check_eq "$OUT" "" "docker ps -a: gone"

step "-i keeps STDIN open, -t gives a terminal; -it for interactive programs"
run sh -c "echo 'echo hello from \$(hostname)' | docker run --rm $TOOLBOX_IMAGE bash"
check_eq "$OUT" "" "without -i the container never sees what we pipe in"
run sh -c "echo 'echo hello from \$(hostname)' | docker run -i --rm $TOOLBOX_IMAGE bash"
check_out_match '^hello from [0-9a-f]{12}$' "with -i it reads STDIN"
run docker run --rm "$TOOLBOX_IMAGE" tty
check_out_contains "not a tty" "without -t there is no terminal inside"
run docker run --rm -t "$TOOLBOX_IMAGE" tty
check_out_match '^/dev/pts/[0-9]+' "with -t there is one"
say "now as in a terminal: docker run -it gives a prompt, we type two lines once it is there"
SHELLC=$(ex_name shell)
# PTY: how script(1) runs "$1" in a pseudo-terminal (stdin passed on), util-linux's (Linux,
# WSL) or BSD's (macOS); empty when there is none
# shellcheck disable=SC2016  # $1 is expanded by the sh -c that runs it
if script -qec true /dev/null >/dev/null 2>&1; then PTY='script -qec "$1" /dev/null'
elif script -q /dev/null true >/dev/null 2>&1; then PTY='script -q /dev/null sh -c "$1"'
else PTY=; fi
if [ -z "$PTY" ]; then
  say "NOT CHECKED here: this machine has no script(1) to give docker a terminal; type it yourself:"
  say "docker run -it --rm $TOOLBOX_IMAGE bash, then: echo typed-in-\$((6*7)); exit 3; echo \$?"
else
  say "(script provides the terminal; the keys come from $EX_TMP/keys)"
  mkfifo "$EX_TMP/keys"
  # shellcheck disable=SC2016  # $((6*7)) is typed into the container's shell, which expands it
  ( for _ in $(seq 100); do
      [ "$(inspect '{{.State.Running}}' "$SHELLC")" = true ] && break; sleep 0.1
    done
    sleep 0.5; printf 'echo typed-in-$((6*7))\n'; sleep 0.3; printf 'exit 3\n' ) >"$EX_TMP/keys" &
  CMD="docker run -it --rm --name $SHELLC --label $EX_LABEL $TOOLBOX_IMAGE bash"
  printf '%s\n' "${C_CMD}\$ $CMD${C_OFF}  ${C_DIM}# in a terminal (script)${C_OFF}"
  _capture sh -c "$PTY" _ "$CMD" <"$EX_TMP/keys"
  _print_output; _report_rc
  track container "$SHELLC"
  check_out_match 'typed-in-42$' "the typed command ran in the container's shell"
  check_rc 3 "'exit 3' left the shell, and docker run -it returned its exit code"
  printf '%s\n' "${C_CMD}\$ docker exec -it $BE sh${C_OFF}  ${C_DIM}# in a terminal (script)${C_OFF}"
  _capture sh -c "$PTY" _ "docker exec -it $BE sh" </dev/null
  _print_output; _report_rc
  expect "no shell in the service images (distroless): docker exec -it into the toolbox instead"
  check_rc nonzero "docker exec -it $BE sh fails"
  check_out_contains "executable file not found" "there is no sh in the image"
fi

step "a name is taken until its container is removed: docker rm first"
BOX=$(ex_name box)
run docker run -d --name "$BOX" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "a container named $BOX starts"
run docker stop "$BOX"
check_rc 0 "stopped, not removed (no --rm)"
run docker run -d --name "$BOX" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
expect "a conflict: the stopped container still holds the name"
check_rc 125 "a second container with the same name is refused (docker's own error: 125)"
check_out_match "The container name \"/$BOX\" is already in use by container \"[0-9a-f]{64}\"" "the error says which container holds the name"
run docker rm "$BOX"
check_rc 0 "docker rm removes the stopped container"
run docker run -d --name "$BOX" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
check_rc 0 "now the name is free: the same command works"

step "stop and remove many containers, but only yours: a label filter, docker compose down"
BYSTANDER=$(ex_name bystander)
GROUP=group=$(ex_name boxes)
BOXES=$(ex_name boxes)
BOXES_FILE=$EX_ROOT/exercises/networking/compose.boxes.yml
say "the bystander stands for a container of another project: it carries no group label"
run docker run -d --name "$BYSTANDER" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BYSTANDER"
check_rc 0 "the bystander runs"
BYSTANDER_ID=$(inspect '{{.Id}}' "$BYSTANDER" | cut -c1-12)
run_quiet docker ps -a -q
check_out_contains "$BYSTANDER_ID" "docker ps -a -q lists every container on the machine ($(printf "%s\n" "$OUT" | grep -c .) here), the bystander too: the notes' docker stop \$(docker ps -a -q) would stop it"
for n in 1 2; do
  run docker run -d --name "$(ex_name "box-$n")" --label "$EX_LABEL" --label "$GROUP" "$TOOLBOX_IMAGE"
  track container "$(ex_name "box-$n")"
done
run docker ps -q --filter "label=$GROUP"
check_eq "$(printf "%s\n" "$OUT" | grep -c .)" 2 "the label filter lists our two boxes"
check_out_lacks "$BYSTANDER_ID" "and not the bystander"
run sh -c "docker stop \$(docker ps -q --filter label=$GROUP)"
check_rc 0 "docker stop \$(docker ps -q --filter label=...) stops the two"
run sh -c "docker rm \$(docker ps -a -q --filter label=$GROUP)"
check_rc 0 "docker rm \$(docker ps -a -q --filter label=...) removes them"
run docker ps -a -q --filter "label=$GROUP"
check_eq "$OUT" "" "no container with the label is left"
run docker ps --filter "name=^$BYSTANDER\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BYSTANDER Up " "the bystander still runs"
say "a compose project: compose labels its containers and down removes exactly those"
track cmd docker compose -p "$BOXES" -f "$BOXES_FILE" down --timeout 2
run docker compose -p "$BOXES" -f "$BOXES_FILE" up -d
check_rc 0 "docker compose up -d: the project's two containers"
run docker ps -q --filter "label=com.docker.compose.project=$BOXES"
check_eq "$(printf "%s\n" "$OUT" | grep -c .)" 2 "two containers carry the project's label"
run docker compose -p "$BOXES" -f "$BOXES_FILE" down
check_rc 0 "docker compose down"
check_out_contains "Network ${BOXES}_default  Removed" "its network went too"
run docker ps -a -q --filter "label=com.docker.compose.project=$BOXES"
check_eq "$OUT" "" "no container of the project is left"
run docker ps --filter "name=^$BYSTANDER\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BYSTANDER Up " "the bystander still runs"
