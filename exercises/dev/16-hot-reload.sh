#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/dev/16-hot-reload.md: a bind mount alone does not reload (plain
# `cargo run` keeps serving the old binary until a restart); the container's build output lands
# in the host folder, owned by root (or by you, with --user); `cargo watch -x run` rebuilds and
# restarts on a save (measured: save -> new text served); a named and an anonymous volume over
# /app/target keep the build out of the host folder; `docker rm -v` removes the anonymous one;
# `cargo watch --poll` (the Docker Desktop fallback); the project's dev stack mounts the same way.
#
# Works on a copy of exercises/dev/hello in its temp folder, never on the committed crate. The
# containers write into that copy as root: the check removes their files through a container
# (as the page does), so no sudo is needed even when it runs as a normal user. When it runs as
# root, the copy is first given to uid 65534 so "owned by root" tells the container's files
# apart from the sources.
. "$(dirname "$0")/../lib.sh"
ex_begin 16 "hot reload: bind-mounted sources, cargo-watch, a volume shielding target/ |ko| 핫 리로드: 바인드 마운트한 소스, cargo-watch, target/을 가리는 볼륨"
DEV_IMAGE=${DEV_IMAGE:-goals-dev}
RELOAD_MAX=${EX16_RELOAD_MAX:-60}     # seconds from a save to the new text being served
NO_RELOAD_WAIT=${EX16_NO_RELOAD_WAIT:-5}  # seconds the plain `cargo run` gets to (not) pick it up
APP=$EX_TMP/hot-demo
TARGET_VOL=$(ex_name target)
PLAIN=$(ex_name plain)
WATCH=$(ex_name watch)
ANON=$(ex_name anon)
POLL=$(ex_name poll)
# What every container of the page shares: the copy at /app (-v "$APP:/app" -w /app), cargo's
# target dir inside it (-e CARGO_TARGET_DIR=/app/target).

# wait_text URL TEXT SECONDS: polls `curl -s URL` until the answer contains TEXT (at most
# SECONDS). Printed as one command; OUT is the last answer, RC 0 when TEXT came.
# (curl runs on the Docker host's network: lib.sh's host_probe)
wait_text() {
  local url="$1" text="$2" max="$3"
  host_probe
  _command_line "$(_m "repeated until the answer has \"$text\", at most $max s" "응답에 \"$text\" 문구가 나올 때까지 반복, 최대 ${max}초")" curl -s "$url"
  _poll has "$text" "$max" 0.2 docker exec "$EX_HOST" curl -s --max-time 5 "$url"
  printf '%s\n' "    ${OUT:-$(_m "(no answer)" "(응답 없음)")} $(_after)"
}
# served URL: the text the server answers right now (one request).
served() { run_host curl -s --max-time 5 "$1"; }
# edit FROM TO: the student's save (sed -i 's/FROM/TO/' src/main.rs with GNU sed; sed -i '' on
# macOS), written into the same file as an editor does, with any sed.
edit() {
  run sh -c "sed 's/$1/$2/' src/main.rs >src/main.rs.new && cat src/main.rs.new >src/main.rs && rm src/main.rs.new"
}
# owner PATH / group PATH: the numeric owner (group) of PATH, as ls -ln shows it (stat's flags
# differ between GNU and BSD)
# shellcheck disable=SC2012
owner() { ls -ldn "$1" | awk '{print $3}'; }
# shellcheck disable=SC2012
group() { ls -ldn "$1" | awk '{print $4}'; }

# ------------------------------------------------------------------------------------------
step "the development image and a copy of the tiny crate |ko| 개발용 이미지와 작은 크레이트의 복사본"
if ! docker image inspect "$DEV_IMAGE" >/dev/null 2>&1; then
  say "$DEV_IMAGE is missing: building it (the dev target of docker/Dockerfile; minutes the first time) |ko| $DEV_IMAGE 이미지가 없어서 빌드합니다(docker/Dockerfile의 dev 타깃, 처음에는 몇 분 걸립니다)"
  (cd "$EX_ROOT" && EX_CMD_TIMEOUT=${EX_BUILD_TIMEOUT:-900} run docker build -f docker/Dockerfile --target dev -t "$DEV_IMAGE" . \
    && [ "$RC" = 0 ]) || fatal "the image $DEV_IMAGE could not be built (output above) |ko| $DEV_IMAGE 이미지를 빌드하지 못했습니다(출력은 위에 있습니다)"
fi
run docker run --rm --name "$(ex_name tools)" --label "$EX_LABEL" "$DEV_IMAGE" cargo watch --version
check_out_contains cargo-watch "the image $DEV_IMAGE has cargo-watch |ko| $DEV_IMAGE 이미지에 cargo-watch가 있습니다"
run cp -r "$EX_ROOT/exercises/dev/hello" "$APP"
[ "$RC" = 0 ] || fatal "the crate exercises/dev/hello could not be copied |ko| 크레이트 exercises/dev/hello를 복사하지 못했습니다"
rm -rf "$APP/target"   # in case someone built inside the checkout's copy
if [ "$(id -u)" = 0 ]; then chown -R 65534:65534 "$APP"; fi
SRC_UID=$(owner "$APP/src") SRC_GID=$(group "$APP/src")
cd "$APP" || fatal "cannot enter $APP |ko| $APP 폴더로 들어갈 수 없습니다"
# removes what the containers built in the copy, as root, through a container (even on failure)
track cmd docker run --rm --name "$(ex_name clean)" --label "$EX_LABEL" -v "$APP:/app" "$DEV_IMAGE" rm -rf /app/target
run grep 'const GREETING' src/main.rs
check_out_contains '"Hello from version 1"' "the crate answers one line, GREETING |ko| 크레이트는 한 줄, GREETING으로 응답합니다"

# ------------------------------------------------------------------------------------------
step "without a watcher: the bind mount updates the file, not the running process |ko| 파일 감시 도구 없이: 바인드 마운트로 파일은 바뀌어도 실행 중인 프로세스는 그대로"
run docker run -d --init --name "$PLAIN" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target "$DEV_IMAGE" cargo run
track container "$PLAIN"
PORT=$(published "$PLAIN" 8080)
check_rc 0 "plain cargo run starts in the container |ko| cargo run(감시 도구 없음)이 컨테이너에서 시작됩니다"
wait_text "localhost:$PORT" "Hello from version 1" "$RELOAD_MAX"
check_rc 0 "it compiles and serves version 1 |ko| 컴파일한 뒤 version 1로 응답합니다"
run docker logs "$PLAIN"
# shellcheck disable=SC2016  # the literal text cargo prints, backquotes included
check_out_contains 'Running `target/debug/hello`' "docker logs: cargo compiled and ran the server |ko| docker logs: cargo가 서버를 컴파일해서 실행했습니다"
edit "version 1" "version 2"
run docker exec "$PLAIN" grep 'const GREETING' src/main.rs
check_out_contains "version 2" "the container sees the saved file at once (it is the host's file) |ko| 컨테이너는 저장한 파일을 바로 봅니다(호스트의 파일 그 자체입니다)"
say "giving the server $NO_RELOAD_WAIT s: more than a rebuild of this crate takes, were anything watching |ko| 서버에 ${NO_RELOAD_WAIT}초를 줍니다. 무언가 감시하고 있었다면 이 크레이트를 다시 빌드하고도 남을 시간입니다"
sleep "$NO_RELOAD_WAIT"
served "localhost:$PORT"
expect "Hello from version 1: the process started before the save is still running the old binary |ko| Hello from version 1: 저장하기 전에 시작한 프로세스가 아직 예전 바이너리를 실행하고 있습니다"
check_out_contains "version 1" "the old text is still served |ko| 여전히 예전 텍스트로 응답합니다"
check_out_lacks "version 2" "the saved edit is NOT served |ko| 저장한 수정은 응답에 반영되지 않습니다"
run docker restart "$PLAIN"
PORT=$(published "$PLAIN" 8080)   # Docker may pick another free port when it starts again
wait_text "localhost:$PORT" "Hello from version 2" "$RELOAD_MAX"
check_rc 0 "after docker restart, cargo run compiles the saved source and serves version 2 |ko| docker restart 뒤에는 cargo run이 저장한 소스를 컴파일해서 version 2로 응답합니다"

step "the container's build output is in your folder, and it belongs to root |ko| 컨테이너가 빌드한 결과물이 root 소유로 내 폴더에 생깁니다"
run ls -ld target
if on_desktop; then
  desktop_note "Desktop's file sharing writes the container's files as you: target/ belongs to your user, |ko| Desktop의 파일 공유는 컨테이너의 파일을 내 사용자로 기록하므로, target/은 root가 아니라 내 소유입니다."
  desktop_note "not to root, and you delete it without sudo. NOT CHECKED here: whom the files belong to |ko| 그래서 sudo 없이 지울 수 있습니다. 파일의 소유자는 여기서 확인하지 않습니다(NOT CHECKED)."
  desktop_note "depends on Desktop's file sharing (macOS: you; WSL 2: root, as on Linux) |ko| 소유자는 Desktop의 파일 공유 방식에 따라 다릅니다(macOS: 내 소유, WSL 2: Linux처럼 root 소유)."
else
  check_eq "$(owner target)" 0 "target/ on the host belongs to root (uid 0: the container's user), not to the sources' owner ($SRC_UID) |ko| 호스트의 target/은 소스의 소유자($SRC_UID)가 아니라 root(uid 0: 컨테이너의 사용자) 소유입니다"
fi
run ls target/debug/hello
check_rc 0 "the binary the container built is in the host folder |ko| 컨테이너가 빌드한 바이너리가 호스트 폴더에 있습니다"
run docker rm -f "$PLAIN"
run docker run --rm --name "$(ex_name rm)" --label "$EX_LABEL" -v "$APP:/app" "$DEV_IMAGE" rm -rf /app/target
check_true "a container (root inside) removed the root-owned target/, no sudo needed |ko| 컨테이너(안에서는 root)가 root 소유의 target/을 지웠습니다. sudo가 필요 없습니다" -- test ! -e target
say "as yourself: --user makes the container write with your uid and gid |ko| 내 사용자로: --user를 주면 컨테이너가 내 uid와 gid로 파일을 씁니다"
run docker run --rm --name "$(ex_name as-me)" --label "$EX_LABEL" --user "$SRC_UID:$SRC_GID" -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target "$DEV_IMAGE" cargo build
check_rc 0 "cargo build with --user $SRC_UID:$SRC_GID |ko| --user $SRC_UID:$SRC_GID 옵션을 준 cargo build"
run ls -ld target
check_eq "$(owner target/debug/hello)" "$SRC_UID" "the build output now belongs to the folder's owner |ko| 이제 빌드 결과물의 소유자가 폴더의 소유자와 같습니다"
run rm -rf target
check_true "and is removed without root |ko| root 없이도 지울 수 있습니다" -- test ! -e target

# ------------------------------------------------------------------------------------------
step "cargo watch -x run, with a named volume over /app/target |ko| cargo watch -x run과 /app/target을 가리는 명명된 볼륨"
run docker volume create --label "$EX_LABEL" "$TARGET_VOL"
track volume "$TARGET_VOL"
run docker run -d --init --name "$WATCH" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target \
  -v "$TARGET_VOL:/app/target" "$DEV_IMAGE" cargo watch -x run
track container "$WATCH"
PORT=$(published "$WATCH" 8080)
check_rc 0 "cargo watch starts in the container |ko| cargo watch가 컨테이너에서 시작됩니다"
wait_text "localhost:$PORT" "Hello from version 2" "$RELOAD_MAX"
check_rc 0 "it builds and serves the current source (version 2) |ko| 현재 소스를 빌드해서 응답합니다(version 2)"
T_SAVE=$(_now)
edit "version 2" "version 3"
wait_text "localhost:$PORT" "Hello from version 3" "$RELOAD_MAX"
check_rc 0 "cargo-watch saw the save, rebuilt and restarted the server: version 3 is served |ko| cargo-watch가 저장을 알아채고 다시 빌드해서 서버를 재시작했습니다. version 3으로 응답합니다"
SAVED_TO_SERVED=$(_secs "$T_SAVE")
say "save -> new text served: $SAVED_TO_SERVED s (the bound: $RELOAD_MAX s) |ko| 저장 -> 새 텍스트로 응답: ${SAVED_TO_SERVED}초(상한: ${RELOAD_MAX}초)"
check_true "served within $RELOAD_MAX s of the save ($SAVED_TO_SERVED s) |ko| 저장하고 ${RELOAD_MAX}초 안에 응답에 반영되었습니다(${SAVED_TO_SERVED}초)" -- \
  awk -v s="$SAVED_TO_SERVED" -v m="$RELOAD_MAX" 'BEGIN { exit !(s <= m) }'
run docker logs "$WATCH"
check_eq "$(printf "%s\n" "$OUT" | grep -c "^\[Running 'cargo run'\]")" 2 "docker logs: cargo-watch ran 'cargo run' twice (start, then the save) |ko| docker logs: cargo-watch가 'cargo run'을 두 번 실행했습니다(시작할 때, 그리고 저장한 뒤)"
run ls -A target
check_eq "$OUT" "" "the host's target/ is empty: only the mount point Docker made, the build is not in your folder |ko| 호스트의 target/은 비어 있습니다. Docker가 만든 마운트 지점일 뿐이고, 빌드 결과물은 내 폴더에 없습니다"
run docker run --rm --name "$(ex_name peek)" --label "$EX_LABEL" -v "$TARGET_VOL:/t:ro" "$DEV_IMAGE" ls /t/debug
check_out_match '^hello$' "the binary is in the volume $TARGET_VOL |ko| 바이너리는 $TARGET_VOL 볼륨에 있습니다"
run docker rm -f "$WATCH"

step "the anonymous form, the notes' -v /app/node_modules: -v /app/target |ko| 익명 볼륨 형식, 노트의 -v /app/node_modules에 해당하는 -v /app/target"
run docker run -d --init --name "$ANON" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target \
  -v /app/target "$DEV_IMAGE" cargo watch -x run
track container "$ANON"
PORT=$(published "$ANON" 8080)
ANON_VOL=$(inspect '{{range .Mounts}}{{if eq .Destination "/app/target"}}{{.Name}}{{end}}{{end}}' "$ANON")
[ -n "$ANON_VOL" ] && track volume "$ANON_VOL"
check_ne "$ANON_VOL" "" "the container has a volume at /app/target |ko| 컨테이너의 /app/target에 볼륨이 있습니다"
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{println}}{{end}}' "$ANON"
check_out_match '^volume [0-9a-f]{64} -> /app/target$' "docker inspect: a volume with a random 64-hex name at /app/target |ko| docker inspect: /app/target에 64자리 16진수 무작위 이름의 볼륨"
check_out_match '^bind +-> /app$' "and the bind mount at /app |ko| 그리고 /app에 바인드 마운트"
run docker volume ls --filter "name=$ANON_VOL"
check_out_contains "$ANON_VOL" "docker volume ls lists it while the container runs |ko| 컨테이너가 실행 중인 동안 docker volume ls에 그 볼륨이 나옵니다"
wait_text "localhost:$PORT" "Hello from version 3" "$RELOAD_MAX"
check_rc 0 "the container serves version 3 |ko| 컨테이너가 version 3으로 응답합니다"
run docker logs "$ANON"
check_out_contains "Compiling hello" "a new anonymous volume starts empty: cargo compiled the crate again |ko| 새 익명 볼륨은 비어 있는 채로 시작합니다. cargo가 크레이트를 다시 컴파일했습니다"
run ls -A target
check_eq "$OUT" "" "the host's target/ is still empty |ko| 호스트의 target/은 여전히 비어 있습니다"
run docker rm -f -v "$ANON"
check_rc 0 "docker rm -f -v removes the container |ko| docker rm -f -v가 컨테이너를 지웁니다"
run docker volume inspect "$ANON_VOL"
expect "Error: no such volume: -v removed the anonymous volume with its container |ko| Error: no such volume: -v가 익명 볼륨을 컨테이너와 함께 지웠습니다"
check_rc nonzero "the anonymous volume is gone |ko| 익명 볼륨이 없어졌습니다"
check_out_contains "no such volume" "docker volume inspect says so |ko| docker volume inspect가 그렇게 알려 줍니다"

step "Docker Desktop's fallback: cargo watch --poll (file events that do not cross the bind mount) |ko| Docker Desktop의 대안: cargo watch --poll(파일 이벤트가 바인드 마운트를 건너오지 못할 때)"
run docker run -d --init --name "$POLL" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target \
  -v "$TARGET_VOL:/app/target" "$DEV_IMAGE" cargo watch --poll -x run
track container "$POLL"
PORT=$(published "$POLL" 8080)
wait_text "localhost:$PORT" "Hello from version 3" "$RELOAD_MAX"
check_rc 0 "cargo watch --poll serves the current source |ko| cargo watch --poll이 현재 소스로 응답합니다"
T_SAVE=$(_now)
edit "version 3" "version 4"
wait_text "localhost:$PORT" "Hello from version 4" "$RELOAD_MAX"
check_rc 0 "polling notices the save too: version 4 is served |ko| 폴링으로도 저장을 알아챕니다. version 4로 응답합니다"
POLL_TOOK=$(_secs "$T_SAVE")
say "save -> new text served with --poll: $POLL_TOOK s |ko| --poll로 저장 -> 새 텍스트로 응답: ${POLL_TOOK}초"
run docker rm -f "$POLL"
run docker volume rm "$TARGET_VOL"
check_rc 0 "the named volume is removed once no container uses it |ko| 쓰는 컨테이너가 없으면 명명된 볼륨을 지울 수 있습니다"

# ------------------------------------------------------------------------------------------
step "the project's own dev stack mounts the same way (docker-compose.dev.yml) |ko| 이 프로젝트의 개발 스택도 같은 방식으로 마운트합니다(docker-compose.dev.yml)"
say "docker compose ... up --build compiles every service (minutes): here its configuration is read |ko| docker compose ... up --build는 모든 서비스를 컴파일합니다(몇 분): 여기서는 그 설정만 읽습니다"
(cd "$EX_ROOT" && run_quiet docker compose -f docker-compose.yml -f docker-compose.dev.yml config --format json \
  && printf '%s' "$OUT" >"$EX_TMP/dev-stack.json")
check_true "docker compose config reads the dev stack |ko| docker compose config가 개발 스택의 설정을 읽습니다" -- test -s "$EX_TMP/dev-stack.json"
say "(per service: its mounts, and whether it runs under cargo watch; jq in the toolbox) |ko| (서비스마다: 마운트, 그리고 cargo watch로 실행되는지. toolbox의 jq로 봅니다)"
# shellcheck disable=SC2016  # jq's own \(...) and $s
OUT=$(docker run --rm -i "$TOOLBOX_IMAGE" jq -r '.services as $s | ("backend", "favorites", "frontend") as $n
  | "\($n): \([$s[$n].volumes[]? | "\(.type) \(.source // "") -> \(.target)"] | join("; ")); under cargo watch: \(if (($s[$n].command // []) | join(" ") | contains("cargo watch")) then "True" else "False" end)"' <"$EX_TMP/dev-stack.json")
_print_output
check_eq "$(printf '%s\n' "$OUT" | grep -c ': .*bind [^;]* -> /workspace;.*volume target -> /workspace/target;.*under cargo watch: True$')" 3 \
  "backend, favorites and frontend: the checkout at /workspace, the volume target over /workspace/target, cargo watch |ko| backend, favorites, frontend: /workspace에 체크아웃, /workspace/target을 가리는 볼륨 target, cargo watch"
