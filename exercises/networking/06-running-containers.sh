#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/networking/06-running-containers.md: attached vs detached, docker start -a,
# docker logs -f, --rm, -it, with the goals app (MongoDB + the goals API).
# Where the page says "press Ctrl-C", the check sends SIGINT to the docker command, which is
# what Ctrl-C does; where it says "type", the check types into a pseudo-terminal made by
# script(1) (util-linux's on Linux, BSD's on macOS; where there is none, that part says so).
. "$(dirname "$0")/../lib.sh"
ex_begin 06 "running containers: attached, detached, start -a, logs -f, --rm, -it |ko| 컨테이너 실행하기: attached, detached, start -a, logs -f, --rm, -it"
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
  echo "    ${C_DIM}($(_m "the terminal is now attached; pressing Ctrl-C" "이제 터미널이 컨테이너에 연결되어 있습니다. Ctrl-C를 누릅니다"))${C_OFF}"
  kill -INT "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid"
  RC=$?
  OUT=$(_plain <"$log")
  _print_output
  echo "    ${C_DIM}($(_m "exit code" "종료 코드") $RC)${C_OFF}"
}

step "the goals app's database and network |ko| goals 앱의 데이터베이스와 네트워크"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
run docker run -d --name "$DB" --network "$NET" --label "$EX_LABEL" -e MONGO_INITDB_ROOT_USERNAME=root -e MONGO_INITDB_ROOT_PASSWORD=secret "$MONGO_IMAGE"
track container "$DB"
check_rc 0 "MongoDB starts detached, with a root user |ko| MongoDB가 분리 모드로 시작합니다(root 사용자 포함)"

step "detached (-d): docker run prints the container id and gives the terminal back |ko| 분리 모드(-d): docker run이 컨테이너 ID를 출력하고 터미널을 돌려줌"
T0=$(_now)
run docker run -d --name "$BE" --network "$NET" --label "$EX_LABEL" -p "127.0.0.1:$BE_PORT:80" -e "MONGODB_HOST=$DB" -e MONGODB_PASSWORD=secret "$BACKEND_IMAGE"
TOOK=$(_secs "$T0")
track container "$BE"
check_rc 0 "the backend starts in the background |ko| 백엔드가 백그라운드에서 시작합니다"
check_out_match '^[0-9a-f]{64}$' "all we see is its id (in $TOOK s) |ko| 보이는 것은 컨테이너 ID뿐입니다(${TOOK}초 걸림)"
run docker ps --filter "name=^$BE\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BE Up " "docker ps: it is running |ko| docker ps: 실행 중입니다"
if ! wait_http_host "http://localhost:$BE_PORT/readyz" 200; then
  BE_LOGS=$(docker logs "$BE" 2>&1 | tail -3)
  fatal "the backend did not become ready: $BE_LOGS |ko| 백엔드가 준비 상태가 되지 않았습니다: $BE_LOGS"
fi
curl_host "http://localhost:$BE_PORT/goals" -H 'Content-Type: application/json' -d '{"text":"Learn Docker"}'
check_http 201 "a goal is saved |ko| 목표(goal)가 저장됩니다"

step "docker logs: what a detached container printed |ko| docker logs: 분리 모드 컨테이너가 출력한 내용 보기"
run docker logs "$BE"
check_out_contains "listening" "the start-up lines |ko| 시작할 때 출력한 줄"
check_out_contains "goal saved" "and the line of the goal we just saved |ko| 방금 저장한 목표에 대한 줄도 있습니다"

step "attached (no -d): the container's output comes to your terminal; Ctrl-C stops it |ko| 연결 모드(-d 없이): 컨테이너의 출력이 터미널에 나오고, Ctrl-C로 멈춤"
attached docker run --name "$ATT" --network "$NET" --label "$EX_LABEL" -e "MONGODB_HOST=$DB" -e MONGODB_PASSWORD=secret "$BACKEND_IMAGE"
track container "$ATT"
check_out_contains "listening" "its log lines appeared in the terminal |ko| 로그 줄이 터미널에 나타났습니다"
check_out_contains "stop signal received" "Ctrl-C reached the backend (docker forwards it) |ko| Ctrl-C가 백엔드에 전달되었습니다(docker가 전달합니다)"
check_rc 0 "the backend stopped cleanly and docker run returned its exit code |ko| 백엔드가 정상적으로 종료되었고, docker run이 그 종료 코드를 돌려주었습니다"
run docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$ATT"
check_eq "$OUT" "exited 0" "the container stays, exited (no --rm) |ko| 컨테이너는 exited 상태로 남아 있습니다(--rm 없음)"

step "docker start: restarts a stopped container, DETACHED by default |ko| docker start: 중지된 컨테이너를 다시 시작함, 기본은 분리 모드"
run docker start "$ATT"
check_rc 0 "docker start prints the name and returns |ko| docker start가 이름을 출력하고 바로 돌아옵니다"
check_eq "$OUT" "$ATT" "nothing else is printed |ko| 그 밖에는 아무것도 출력하지 않습니다"
run docker inspect -f '{{.State.Status}}' "$ATT"
check_eq "$OUT" running "it runs in the background |ko| 백그라운드에서 실행됩니다"
run docker stop "$ATT"
check_rc 0 "docker stop |ko| docker stop으로 중지합니다"

step "docker start -a: start and attach |ko| docker start -a: 연결 모드로 시작하기"
attached docker start -a "$ATT"
check_out_contains "listening" "with -a the output comes to the terminal |ko| -a를 붙이면 출력이 터미널에 나옵니다"
check_rc 0 "Ctrl-C stops it again |ko| Ctrl-C로 다시 멈춥니다"

step "docker logs -f: follow the output of a detached container |ko| docker logs -f: 분리 모드 컨테이너의 출력 따라가기"
echo "${C_CMD}\$ docker logs -f --tail 0 $BE &${C_OFF}   ${C_DIM}# --tail 0: $(_m "only new lines" "새 줄만")${C_OFF}"
docker logs -f --tail 0 "$BE" >"$EX_TMP/follow.log" 2>&1 &
FOLLOW=$!
track pid "$FOLLOW"
sleep 0.3
curl_host "http://localhost:$BE_PORT/goals" -H 'Content-Type: application/json' -d '{"text":"Follow the logs"}'
check_http 201 "another goal |ko| 목표를 하나 더 저장합니다"
for _ in $(seq 50); do grep -q "goal saved" "$EX_TMP/follow.log" && break; sleep 0.1; done
OUT=$(_plain <"$EX_TMP/follow.log"); _print_output
check_out_contains "goal saved" "the new line showed up while following |ko| 따라가는 동안 새 줄이 나타났습니다"
check_true "docker logs -f is still following |ko| docker logs -f가 아직 따라가고 있습니다" -- kill -0 "$FOLLOW"
run docker stop "$BE"
for _ in $(seq 50); do kill -0 "$FOLLOW" 2>/dev/null || break; sleep 0.1; done
check_true "docker logs -f ended by itself when the container stopped |ko| 컨테이너가 중지되자 docker logs -f가 저절로 끝났습니다" -- sh -c "! kill -0 $FOLLOW"
OUT=$(_plain <"$EX_TMP/follow.log")
check_out_contains "stop signal received" "its last lines are the backend shutting down |ko| 마지막 줄은 백엔드가 종료되는 내용입니다"

step "without --rm a stopped container stays (docker ps -a) and can be started again |ko| --rm이 없으면 중지된 컨테이너가 남고(docker ps -a) 다시 시작할 수 있음"
run docker ps -a --filter "name=^$BE\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BE Exited \(0\)" "docker ps -a: Exited (0) |ko| docker ps -a: Exited (0) 상태입니다"
run docker start "$BE"
wait_http_host "http://localhost:$BE_PORT/readyz" 200
check_rc 0 "started again, same container, same published port |ko| 같은 컨테이너가 같은 게시 포트로 다시 시작했습니다"
curl_host "http://localhost:$BE_PORT/goals"
check_out_contains '"text":"Follow the logs"' "the goals are still there: they live in MongoDB, not in the backend |ko| 목표가 그대로 있습니다. 목표는 백엔드가 아니라 MongoDB에 있습니다"

step "--rm: the container is removed as soon as it stops |ko| --rm: 컨테이너가 중지되면 바로 삭제됨"
run docker run -d --rm --name "$TMPC" --network "$NET" --label "$EX_LABEL" -p 127.0.0.1::80 -e "MONGODB_HOST=$DB" -e MONGODB_PASSWORD=secret "$BACKEND_IMAGE"
track container "$TMPC"
TMP_PORT=$(published "$TMPC" 80)
wait_http_host "http://localhost:$TMP_PORT/readyz" 200
check_rc 0 "a throw-away backend serves |ko| 일회용 백엔드가 요청에 응답합니다"
run docker stop "$TMPC"
for _ in $(seq 50); do docker inspect "$TMPC" >/dev/null 2>&1 || break; sleep 0.1; done
run docker ps -a --filter "name=^$TMPC\$" --format '{{.Names}} {{.Status}}'
check_eq "$OUT" "" "docker ps -a: gone |ko| docker ps -a: 사라졌습니다"

step "-i keeps STDIN open, -t gives a terminal; -it for interactive programs |ko| -i는 STDIN을 열어 두고 -t는 터미널을 할당함, 대화형 프로그램에는 -it"
run sh -c "echo 'echo hello from \$(hostname)' | docker run --rm $TOOLBOX_IMAGE bash"
check_eq "$OUT" "" "without -i the container never sees what we pipe in |ko| -i가 없으면 파이프로 넣은 입력이 컨테이너에 전달되지 않습니다"
run sh -c "echo 'echo hello from \$(hostname)' | docker run -i --rm $TOOLBOX_IMAGE bash"
check_out_match '^hello from [0-9a-f]{12}$' "with -i it reads STDIN |ko| -i가 있으면 STDIN을 읽습니다"
run docker run --rm "$TOOLBOX_IMAGE" tty
check_out_contains "not a tty" "without -t there is no terminal inside |ko| -t가 없으면 컨테이너 안에 터미널이 없습니다"
run docker run --rm -t "$TOOLBOX_IMAGE" tty
check_out_match '^/dev/pts/[0-9]+' "with -t there is one |ko| -t가 있으면 터미널이 있습니다"
say "now as in a terminal: docker run -it gives a prompt, we type two lines once it is there |ko| 이제 터미널에서처럼: docker run -it가 프롬프트를 띄우면 두 줄을 입력합니다"
SHELLC=$(ex_name shell)
# PTY: how script(1) runs "$1" in a pseudo-terminal (stdin passed on), util-linux's (Linux,
# WSL) or BSD's (macOS); empty when there is none
# shellcheck disable=SC2016  # $1 is expanded by the sh -c that runs it
if script -qec true /dev/null >/dev/null 2>&1; then PTY='script -qec "$1" /dev/null'
elif script -q /dev/null true >/dev/null 2>&1; then PTY='script -q /dev/null sh -c "$1"'
else PTY=; fi
if [ -z "$PTY" ]; then
  say "NOT CHECKED here: this machine has no script(1) to give docker a terminal; type it yourself: |ko| 여기서는 점검하지 않음: 이 머신에는 docker에 터미널을 줄 script(1)가 없습니다. 직접 입력해 보세요:"
  say "docker run -it --rm $TOOLBOX_IMAGE bash, then: echo typed-in-\$((6*7)); exit 3; echo \$? |ko| docker run -it --rm $TOOLBOX_IMAGE bash를 실행한 뒤 입력: echo typed-in-\$((6*7)); exit 3; echo \$?"
else
  say "(script provides the terminal; the keys come from $EX_TMP/keys) |ko| (터미널은 script가 제공하고, 입력은 $EX_TMP/keys에서 옵니다)"
  mkfifo "$EX_TMP/keys"
  # shellcheck disable=SC2016  # $((6*7)) is typed into the container's shell, which expands it
  ( for _ in $(seq 100); do
      [ "$(inspect '{{.State.Running}}' "$SHELLC")" = true ] && break; sleep 0.1
    done
    sleep 0.5; printf 'echo typed-in-$((6*7))\n'; sleep 0.3; printf 'exit 3\n' ) >"$EX_TMP/keys" &
  CMD="docker run -it --rm --name $SHELLC --label $EX_LABEL $TOOLBOX_IMAGE bash"
  printf '%s\n' "${C_CMD}\$ $CMD${C_OFF}  ${C_DIM}# $(_m "in a terminal (script)" "터미널에서(script)")${C_OFF}"
  _capture sh -c "$PTY" _ "$CMD" <"$EX_TMP/keys"
  _print_output; _report_rc
  track container "$SHELLC"
  check_out_match 'typed-in-42$' "the typed command ran in the container's shell |ko| 입력한 명령이 컨테이너의 셸에서 실행되었습니다"
  check_rc 3 "'exit 3' left the shell, and docker run -it returned its exit code |ko| 'exit 3'으로 셸을 나왔고, docker run -it가 그 종료 코드를 돌려주었습니다"
  printf '%s\n' "${C_CMD}\$ docker exec -it $BE sh${C_OFF}  ${C_DIM}# $(_m "in a terminal (script)" "터미널에서(script)")${C_OFF}"
  _capture sh -c "$PTY" _ "docker exec -it $BE sh" </dev/null
  _print_output; _report_rc
  expect "no shell in the service images (distroless): docker exec -it into the toolbox instead |ko| 서비스 이미지에는 셸이 없습니다(distroless). 대신 toolbox에 docker exec -it를 하세요"
  check_rc nonzero "docker exec -it $BE sh fails |ko| docker exec -it $BE sh는 실패합니다"
  check_out_contains "executable file not found" "there is no sh in the image |ko| 이미지에 sh가 없습니다"
fi

step "a name is taken until its container is removed: docker rm first |ko| 컨테이너를 삭제할 때까지 그 이름은 다시 쓸 수 없음: 먼저 docker rm"
BOX=$(ex_name box)
run docker run -d --name "$BOX" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BOX"
check_rc 0 "a container named $BOX starts |ko| 이름이 ${BOX}인 컨테이너가 시작합니다"
run docker stop "$BOX"
check_rc 0 "stopped, not removed (no --rm) |ko| 중지되었을 뿐 삭제되지 않았습니다(--rm 없음)"
run docker run -d --name "$BOX" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
expect "a conflict: the stopped container still holds the name |ko| 충돌(Conflict): 중지된 컨테이너가 아직 그 이름을 가지고 있습니다"
check_rc 125 "a second container with the same name is refused (docker's own error: 125) |ko| 같은 이름의 두 번째 컨테이너는 거부됩니다(docker 자체의 오류: 125)"
check_out_match "The container name \"/$BOX\" is already in use by container \"[0-9a-f]{64}\"" "the error says which container holds the name |ko| 오류 메시지에 그 이름을 가진 컨테이너가 나옵니다"
run docker rm "$BOX"
check_rc 0 "docker rm removes the stopped container |ko| docker rm으로 중지된 컨테이너를 삭제합니다"
run docker run -d --name "$BOX" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
check_rc 0 "now the name is free: the same command works |ko| 이제 이름이 비었으므로 같은 명령이 성공합니다"

step "stop and remove many containers, but only yours: a label filter, docker compose down |ko| 여러 컨테이너를 한꺼번에 중지하고 삭제하기, 단 내 것만: 레이블 필터, docker compose down"
BYSTANDER=$(ex_name bystander)
GROUP=group=$(ex_name boxes)
BOXES=$(ex_name boxes)
BOXES_FILE=$EX_ROOT/exercises/networking/compose.boxes.yml
say "the bystander stands for a container of another project: it carries no group label |ko| bystander는 다른 프로젝트의 컨테이너 역할입니다. group 레이블이 없습니다"
run docker run -d --name "$BYSTANDER" --label "$EX_LABEL" "$TOOLBOX_IMAGE"
track container "$BYSTANDER"
check_rc 0 "the bystander runs |ko| bystander가 실행됩니다"
BYSTANDER_ID=$(inspect '{{.Id}}' "$BYSTANDER" | cut -c1-12)
run_quiet docker ps -a -q
ALL_COUNT=$(printf "%s\n" "$OUT" | grep -c .)
check_out_contains "$BYSTANDER_ID" "docker ps -a -q lists every container on the machine ($ALL_COUNT here), the bystander too: the notes' docker stop \$(docker ps -a -q) would stop it |ko| docker ps -a -q는 이 머신의 모든 컨테이너를 나열합니다(여기서는 ${ALL_COUNT}개). bystander도 나오므로 노트의 docker stop \$(docker ps -a -q)는 bystander까지 중지합니다"
for n in 1 2; do
  run docker run -d --name "$(ex_name "box-$n")" --label "$EX_LABEL" --label "$GROUP" "$TOOLBOX_IMAGE"
  track container "$(ex_name "box-$n")"
done
run docker ps -q --filter "label=$GROUP"
check_eq "$(printf "%s\n" "$OUT" | grep -c .)" 2 "the label filter lists our two boxes |ko| 레이블 필터에는 이 점검의 box 두 개만 나옵니다"
check_out_lacks "$BYSTANDER_ID" "and not the bystander |ko| bystander는 나오지 않습니다"
run sh -c "docker stop \$(docker ps -q --filter label=$GROUP)"
check_rc 0 "docker stop \$(docker ps -q --filter label=...) stops the two |ko| docker stop \$(docker ps -q --filter label=...) 명령으로 그 둘을 중지합니다"
run sh -c "docker rm \$(docker ps -a -q --filter label=$GROUP)"
check_rc 0 "docker rm \$(docker ps -a -q --filter label=...) removes them |ko| docker rm \$(docker ps -a -q --filter label=...) 명령으로 그 둘을 삭제합니다"
run docker ps -a -q --filter "label=$GROUP"
check_eq "$OUT" "" "no container with the label is left |ko| 그 레이블이 붙은 컨테이너는 남아 있지 않습니다"
run docker ps --filter "name=^$BYSTANDER\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BYSTANDER Up " "the bystander still runs |ko| bystander는 여전히 실행 중입니다"
say "a compose project: compose labels its containers and down removes exactly those |ko| compose 프로젝트: compose는 자기 컨테이너에 레이블을 붙이고, down은 정확히 그것만 삭제합니다"
track cmd docker compose -p "$BOXES" -f "$BOXES_FILE" down --timeout 2
run docker compose -p "$BOXES" -f "$BOXES_FILE" up -d
check_rc 0 "docker compose up -d: the project's two containers |ko| docker compose up -d: 프로젝트의 컨테이너 두 개가 시작됩니다"
run docker ps -q --filter "label=com.docker.compose.project=$BOXES"
check_eq "$(printf "%s\n" "$OUT" | grep -c .)" 2 "two containers carry the project's label |ko| 컨테이너 두 개에 프로젝트의 레이블이 붙어 있습니다"
run docker compose -p "$BOXES" -f "$BOXES_FILE" down
check_rc 0 "docker compose down |ko| docker compose down이 성공합니다"
check_out_contains "Network ${BOXES}_default  Removed" "its network went too |ko| 프로젝트의 네트워크도 삭제되었습니다"
run docker ps -a -q --filter "label=com.docker.compose.project=$BOXES"
check_eq "$OUT" "" "no container of the project is left |ko| 프로젝트의 컨테이너는 남아 있지 않습니다"
run docker ps --filter "name=^$BYSTANDER\$" --format '{{.Names}} {{.Status}}'
check_out_match "^$BYSTANDER Up " "the bystander still runs |ko| bystander는 여전히 실행 중입니다"
