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
ex_begin 16 "hot reload: bind-mounted sources, cargo-watch, a volume shielding target/"
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
  local url="$1" text="$2" max="$3" t0 deadline
  host_probe
  t0=$(_now); deadline=$(( $(date +%s) + max ))
  printf '%s\n' "${C_CMD}\$ curl -s $url${C_OFF}  ${C_DIM}# repeated until the answer has \"$text\", at most $max s${C_OFF}"
  RC=1
  while :; do
    OUT=$(docker exec "$EX_HOST" curl -s --max-time 5 "$url" 2>/dev/null)
    case $OUT in *"$text"*) RC=0; break ;; esac
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 0.2
  done
  printf '%s\n' "    ${OUT:-(no answer)} ${C_DIM}(after $(_secs "$t0") s)${C_OFF}"
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
step "the development image and a copy of the tiny crate"
if ! docker image inspect "$DEV_IMAGE" >/dev/null 2>&1; then
  say "$DEV_IMAGE is missing: building it (the dev target of docker/Dockerfile; minutes the first time)"
  (cd "$EX_ROOT" && EX_CMD_TIMEOUT=${EX_BUILD_TIMEOUT:-900} run docker build -f docker/Dockerfile --target dev -t "$DEV_IMAGE" . \
    && [ "$RC" = 0 ]) || fatal "the image $DEV_IMAGE could not be built (output above)"
fi
run docker run --rm --name "$(ex_name tools)" --label "$EX_LABEL" "$DEV_IMAGE" cargo watch --version
check_out_contains cargo-watch "the image $DEV_IMAGE has cargo-watch"
run cp -r "$EX_ROOT/exercises/dev/hello" "$APP"
[ "$RC" = 0 ] || fatal "the crate exercises/dev/hello could not be copied"
rm -rf "$APP/target"   # in case someone built inside the checkout's copy
if [ "$(id -u)" = 0 ]; then chown -R 65534:65534 "$APP"; fi
SRC_UID=$(owner "$APP/src") SRC_GID=$(group "$APP/src")
cd "$APP" || fatal "cannot enter $APP"
# removes what the containers built in the copy, as root, through a container (even on failure)
track cmd docker run --rm --name "$(ex_name clean)" --label "$EX_LABEL" -v "$APP:/app" "$DEV_IMAGE" rm -rf /app/target
run grep 'const GREETING' src/main.rs
check_out_contains '"Hello from version 1"' "the crate answers one line, GREETING"

# ------------------------------------------------------------------------------------------
step "without a watcher: the bind mount updates the file, not the running process"
run docker run -d --init --name "$PLAIN" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target "$DEV_IMAGE" cargo run
track container "$PLAIN"
PORT=$(published "$PLAIN" 8080)
check_rc 0 "plain cargo run starts in the container"
wait_text "localhost:$PORT" "Hello from version 1" "$RELOAD_MAX"
check_rc 0 "it compiles and serves version 1"
run docker logs "$PLAIN"
# shellcheck disable=SC2016  # the literal text cargo prints, backquotes included
check_out_contains 'Running `target/debug/hello`' "docker logs: cargo compiled and ran the server"
edit "version 1" "version 2"
run docker exec "$PLAIN" grep 'const GREETING' src/main.rs
check_out_contains "version 2" "the container sees the saved file at once (it is the host's file)"
say "giving the server $NO_RELOAD_WAIT s: more than a rebuild of this crate takes, were anything watching"
sleep "$NO_RELOAD_WAIT"
served "localhost:$PORT"
expect "Hello from version 1: the process started before the save is still running the old binary"
check_out_contains "version 1" "the old text is still served"
check_out_lacks "version 2" "the saved edit is NOT served"
run docker restart "$PLAIN"
PORT=$(published "$PLAIN" 8080)   # Docker may pick another free port when it starts again
wait_text "localhost:$PORT" "Hello from version 2" "$RELOAD_MAX"
check_rc 0 "after docker restart, cargo run compiles the saved source and serves version 2"

step "the container's build output is in your folder, and it belongs to root"
run ls -ld target
if on_desktop; then
  desktop_note "Desktop's file sharing writes the container's files as you: target/ belongs to your user,"
  desktop_note "not to root, and you delete it without sudo. NOT CHECKED here: whom the files belong to"
  desktop_note "depends on Desktop's file sharing (macOS: you; WSL 2: root, as on Linux)"
else
  check_eq "$(owner target)" 0 "target/ on the host belongs to root (uid 0: the container's user), not to the sources' owner ($SRC_UID)"
fi
run ls target/debug/hello
check_rc 0 "the binary the container built is in the host folder"
run docker rm -f "$PLAIN"
run docker run --rm --name "$(ex_name rm)" --label "$EX_LABEL" -v "$APP:/app" "$DEV_IMAGE" rm -rf /app/target
check_true "a container (root inside) removed the root-owned target/, no sudo needed" -- test ! -e target
say "as yourself: --user makes the container write with your uid and gid"
run docker run --rm --name "$(ex_name as-me)" --label "$EX_LABEL" --user "$SRC_UID:$SRC_GID" -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target "$DEV_IMAGE" cargo build
check_rc 0 "cargo build with --user $SRC_UID:$SRC_GID"
run ls -ld target
check_eq "$(owner target/debug/hello)" "$SRC_UID" "the build output now belongs to the folder's owner"
run rm -rf target
check_true "and is removed without root" -- test ! -e target

# ------------------------------------------------------------------------------------------
step "cargo watch -x run, with a named volume over /app/target"
run docker volume create --label "$EX_LABEL" "$TARGET_VOL"
track volume "$TARGET_VOL"
run docker run -d --init --name "$WATCH" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target \
  -v "$TARGET_VOL:/app/target" "$DEV_IMAGE" cargo watch -x run
track container "$WATCH"
PORT=$(published "$WATCH" 8080)
check_rc 0 "cargo watch starts in the container"
wait_text "localhost:$PORT" "Hello from version 2" "$RELOAD_MAX"
check_rc 0 "it builds and serves the current source (version 2)"
T_SAVE=$(_now)
edit "version 2" "version 3"
wait_text "localhost:$PORT" "Hello from version 3" "$RELOAD_MAX"
check_rc 0 "cargo-watch saw the save, rebuilt and restarted the server: version 3 is served"
SAVED_TO_SERVED=$(_secs "$T_SAVE")
say "save -> new text served: $SAVED_TO_SERVED s (the bound: $RELOAD_MAX s)"
check_true "served within $RELOAD_MAX s of the save ($SAVED_TO_SERVED s)" -- \
  awk -v s="$SAVED_TO_SERVED" -v m="$RELOAD_MAX" 'BEGIN { exit !(s <= m) }'
run docker logs "$WATCH"
check_eq "$(printf "%s\n" "$OUT" | grep -c "^\[Running 'cargo run'\]")" 2 "docker logs: cargo-watch ran 'cargo run' twice (start, then the save)"
run ls -A target
check_eq "$OUT" "" "the host's target/ is empty: only the mount point Docker made, the build is not in your folder"
run docker run --rm --name "$(ex_name peek)" --label "$EX_LABEL" -v "$TARGET_VOL:/t:ro" "$DEV_IMAGE" ls /t/debug
check_out_match '^hello$' "the binary is in the volume $TARGET_VOL"
run docker rm -f "$WATCH"

step "the anonymous form, the notes' -v /app/node_modules: -v /app/target"
run docker run -d --init --name "$ANON" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target \
  -v /app/target "$DEV_IMAGE" cargo watch -x run
track container "$ANON"
PORT=$(published "$ANON" 8080)
ANON_VOL=$(inspect '{{range .Mounts}}{{if eq .Destination "/app/target"}}{{.Name}}{{end}}{{end}}' "$ANON")
[ -n "$ANON_VOL" ] && track volume "$ANON_VOL"
check_ne "$ANON_VOL" "" "the container has a volume at /app/target"
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{println}}{{end}}' "$ANON"
check_out_match '^volume [0-9a-f]{64} -> /app/target$' "docker inspect: a volume with a random 64-hex name at /app/target"
check_out_match '^bind +-> /app$' "and the bind mount at /app"
run docker volume ls --filter "name=$ANON_VOL"
check_out_contains "$ANON_VOL" "docker volume ls lists it while the container runs"
wait_text "localhost:$PORT" "Hello from version 3" "$RELOAD_MAX"
check_rc 0 "the container serves version 3"
run docker logs "$ANON"
check_out_contains "Compiling hello" "a new anonymous volume starts empty: cargo compiled the crate again"
run ls -A target
check_eq "$OUT" "" "the host's target/ is still empty"
run docker rm -f -v "$ANON"
check_rc 0 "docker rm -f -v removes the container"
run docker volume inspect "$ANON_VOL"
expect "Error: no such volume: -v removed the anonymous volume with its container"
check_rc nonzero "the anonymous volume is gone"
check_out_contains "no such volume" "docker volume inspect says so"

step "Docker Desktop's fallback: cargo watch --poll (file events that do not cross the bind mount)"
run docker run -d --init --name "$POLL" --label "$EX_LABEL" -p 127.0.0.1::8080 -v "$APP:/app" -w /app -e CARGO_TARGET_DIR=/app/target \
  -v "$TARGET_VOL:/app/target" "$DEV_IMAGE" cargo watch --poll -x run
track container "$POLL"
PORT=$(published "$POLL" 8080)
wait_text "localhost:$PORT" "Hello from version 3" "$RELOAD_MAX"
check_rc 0 "cargo watch --poll serves the current source"
T_SAVE=$(_now)
edit "version 3" "version 4"
wait_text "localhost:$PORT" "Hello from version 4" "$RELOAD_MAX"
check_rc 0 "polling notices the save too: version 4 is served"
say "save -> new text served with --poll: $(_secs "$T_SAVE") s"
run docker rm -f "$POLL"
run docker volume rm "$TARGET_VOL"
check_rc 0 "the named volume is removed once no container uses it"

# ------------------------------------------------------------------------------------------
step "the project's own dev stack mounts the same way (docker-compose.dev.yml)"
say "docker compose ... up --build compiles every service (minutes): here its configuration is read"
(cd "$EX_ROOT" && run_quiet docker compose -f docker-compose.yml -f docker-compose.dev.yml config --format json \
  && printf '%s' "$OUT" >"$EX_TMP/dev-stack.json")
check_true "docker compose config reads the dev stack" -- test -s "$EX_TMP/dev-stack.json"
say "(per service: its mounts, and whether it runs under cargo watch; jq in the toolbox)"
# shellcheck disable=SC2016  # jq's own \(...) and $s
OUT=$(docker run --rm -i "$TOOLBOX_IMAGE" jq -r '.services as $s | ("backend", "favorites", "frontend") as $n
  | "\($n): \([$s[$n].volumes[]? | "\(.type) \(.source // "") -> \(.target)"] | join("; ")); under cargo watch: \(if (($s[$n].command // []) | join(" ") | contains("cargo watch")) then "True" else "False" end)"' <"$EX_TMP/dev-stack.json")
_print_output
check_eq "$(printf '%s\n' "$OUT" | grep -c ': .*bind [^;]* -> /workspace;.*volume target -> /workspace/target;.*under cargo watch: True$')" 3 \
  "backend, favorites and frontend: the checkout at /workspace, the volume target over /workspace/target, cargo watch"
