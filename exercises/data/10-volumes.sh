#!/usr/bin/env bash
# Check of exercises/data/10-volumes.md: anonymous, named, bind and read-only mounts; what
# survives a container's removal; a named volume shielding part of a bind mount (target/);
# docker volume ls / inspect / rm; prune limited by label (engine 20.10 and 23+).
#
# Anonymous volumes have no name we could choose: each one is tracked by its id right after
# the container that made it is created, and those made with --mount also carry our label
# (volume-label=...), so the cleanup removes exactly them and never a volume of yours.
. "$(dirname "$0")/../lib.sh"
ex_begin 10 "volumes: anonymous, named, bind, read-only, shielding, prune by label"
IMG=${EX10_IMAGE:-debian:bookworm-slim}
need_image "$IMG"
DATA=$(ex_name data)          # the named volume
TARGET=$(ex_name target)      # the named volume that shields /workspace/target
SPARE=$(ex_name spare)        # a named volume for prune
W1=$(ex_name writer-1)
W2=$(ex_name writer-2)
A1=$(ex_name anon-1)
A2=$(ex_name anon-2)
A3=$(ex_name anon-3)
A4=$(ex_name anon-rm)
KEEP=$(ex_name keeper)
P1=$(ex_name prune-anon)
# A label only this run's prune candidates carry: the prune below is filtered by it.
PRUNE_LABEL=course.exercise.prune=$EX_PREFIX-$$
ANON_LABEL_MOUNT=volume-label=$EX_LABEL

# anon_volume CONTAINER: the name (a 64-hex id) of the volume mounted at /data, tracked for
# the cleanup at once.
anon_volume() {
  local v
  v=$(inspect '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Name}}{{end}}{{end}}' "$1")
  [ -n "$v" ] && track volume "$v"
  echo "$v"
}
volume_exists() { docker volume inspect "$1" >/dev/null 2>&1; }

# A small project, copied to a temp dir: the bind mount and the shielding use this copy.
PROJ=$EX_TMP/project
mkdir -p "$PROJ/src" "$PROJ/target"
cp "$EX_ROOT/common/Cargo.toml" "$PROJ/"
cp "$EX_ROOT/common/src/config.rs" "$PROJ/src/"
echo "left by a build on the host" >"$PROJ/target/HOST-ONLY.txt"

# ------------------------------------------------------------------------------------------
step "anonymous volume (-v /data): belongs to one container, gone for the next one"
run docker run --name "$A1" "${EX_LABEL_ARGS[@]}" -v /data "$IMG" sh -c 'echo from-anon-1 > /data/note; cat /data/note'
track container "$A1"
check_out_contains from-anon-1 "the container writes to its anonymous volume"
V1=$(anon_volume "$A1")
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}' "$A1"
check_out_match '^volume [0-9a-f]{64} -> /data$' "docker inspect: a volume with a random 64-hex name at /data"
run docker rm "$A1"
check_rc 0 "docker rm (without -v) removes the container"
run docker volume inspect -f '{{.Name}}' "$V1"
check_rc 0 "... but its anonymous volume is still there, dangling (nobody will reuse it)"
run docker run --name "$A2" "${EX_LABEL_ARGS[@]}" -v /data "$IMG" sh -c 'cat /data/note 2>&1; true'
track container "$A2"
V2=$(anon_volume "$A2")
expect "No such file or directory: the same -v /data in a new container is a NEW, empty volume"
check_out_contains "No such file or directory" "the new container does not see the old data"
check_ne "$V2" "$V1" "a different anonymous volume"
run docker rm -v "$A2"
check_true "docker rm -v removed the container's anonymous volume too" -- bash -c "! docker volume inspect '$V2'"
run docker volume rm "$V1"
check_rc 0 "the dangling one is removed by hand (docker volume rm ID)"

step "--rm removes the anonymous volume with the container"
run docker run -d --rm --name "$A3" "${EX_LABEL_ARGS[@]}" -v /data "$IMG" sleep 60
track container "$A3"
V3=$(anon_volume "$A3")
check_true "a running --rm container has its anonymous volume $V3" -- volume_exists "$V3"
run docker stop -t 0 "$A3"
for _ in $(seq 50); do volume_exists "$V3" || break; sleep 0.1; done
run docker volume inspect "$V3"
expect "Error response from daemon: get ID: no such volume: with --rm, Docker removes the anonymous volumes with the container"
check_rc nonzero "the anonymous volume went with the container"

step "labelled anonymous volumes (--mount ... volume-label=...): findable by label"
run docker run --name "$A4" "${EX_LABEL_ARGS[@]}" --mount "type=volume,dst=/data,$ANON_LABEL_MOUNT" "$IMG" true
track container "$A4"
V4=$(anon_volume "$A4")
run docker volume ls --filter "label=$EX_LABEL" --format '{{.Name}}'
check_out_contains "$V4" "docker volume ls --filter label=... lists it (it has no name of its own)"
run docker rm -v "$A4"
check_true "docker rm -v removed it" -- bash -c "! docker volume inspect '$V4'"

# ------------------------------------------------------------------------------------------
step "named volume (-v NAME:/data): survives the container"
run docker volume create "${EX_LABEL_ARGS[@]}" "$DATA"
track volume "$DATA"
check_eq "$OUT" "$DATA" "docker volume create prints the name"
run docker run --name "$W1" "${EX_LABEL_ARGS[@]}" -v "$DATA:/data" "$IMG" sh -c 'echo "goal: learn volumes" > /data/goals.txt'
track container "$W1"
check_rc 0 "a container writes into the named volume"
run docker rm "$W1"
run docker run --rm --name "$W2" "${EX_LABEL_ARGS[@]}" -v "$DATA:/data" "$IMG" cat /data/goals.txt
track container "$W2"
check_out_contains "goal: learn volumes" "a NEW container with the same -v $DATA:/data sees the data"

step "docker volume ls / inspect"
run docker volume ls --filter "label=$EX_LABEL" --filter "name=$DATA"
check_out_match "^local +$DATA\$" "docker volume ls: driver local, name $DATA"
run docker volume inspect "$DATA"
check_out_contains "\"Mountpoint\": \"" "docker volume inspect shows where the data lives on the host (Mountpoint)"
check_out_contains "\"course.exercise\": \"1\"" "and its Labels"
MP=$(docker volume inspect -f '{{.Mountpoint}}' "$DATA")
say "Mountpoint: $MP (on Linux a folder on this machine, readable as root; on Docker Desktop inside its VM)"
if [ -r "$MP/goals.txt" ]; then
  run cat "$MP/goals.txt"
  check_out_contains "goal: learn volumes" "the file is in the Mountpoint folder on the host"
else
  say "(not root: $MP is not readable here, skipped)"
fi

step "docker volume rm: refused while a container uses the volume"
run docker run -d --name "$KEEP" "${EX_LABEL_ARGS[@]}" -v "$DATA:/data" "$IMG" sleep 60
track container "$KEEP"
run docker volume rm "$DATA"
expect "Error response from daemon: remove $DATA: volume is in use - [container id]"
check_rc nonzero "docker volume rm fails"
check_out_contains "volume is in use" "and says why"
run docker rm -f "$KEEP"
run docker volume rm "$DATA"
check_rc 0 "once no container (running or stopped) uses it, it can be removed"
check_true "it is gone" -- bash -c "! docker volume inspect '$DATA'"

# ------------------------------------------------------------------------------------------
step "bind mount (-v /ABSOLUTE/host/path:/workspace): the container sees the host folder, live"
run ls "$PROJ"
run docker run --rm --name "$(ex_name bind)" "${EX_LABEL_ARGS[@]}" -v "$PROJ:/workspace" -w /workspace "$IMG" \
  sh -c 'ls; echo "written in the container" > from-container.txt'
check_out_contains Cargo.toml "the container sees the host's files"
run cat "$PROJ/from-container.txt"
check_out_contains "written in the container" "what the container writes is on the host at once"
rm -f "$PROJ/from-container.txt"

step "read-only (:ro): the container can read but not write"
run docker run --rm --name "$(ex_name ro)" "${EX_LABEL_ARGS[@]}" -v "$PROJ:/workspace:ro" "$IMG" \
  sh -c 'head -1 /workspace/Cargo.toml && touch /workspace/new-file'
check_out_contains "[package]" "reading works"
expect "touch: cannot touch '/workspace/new-file': Read-only file system"
check_rc nonzero "writing fails"
check_out_contains "Read-only file system" "with \"Read-only file system\""
check_true "nothing was created on the host" -- test ! -e "$PROJ/new-file"

# ------------------------------------------------------------------------------------------
step "the more specific path wins: a named volume shields /workspace/target of the bind mount"
say "the course: -v \$(pwd):/app -v /app/node_modules; here the Rust build output, target/"
run docker volume create "${EX_LABEL_ARGS[@]}" "$TARGET"
track volume "$TARGET"
SHIELD=$(ex_name shield)
run docker run --name "$SHIELD" "${EX_LABEL_ARGS[@]}" \
  -v "$PROJ:/workspace" -v "$TARGET:/workspace/target" -w /workspace "$IMG" \
  sh -c 'echo "ls target:"; ls -A target; echo "binary" > target/app; echo "ls src:"; ls src'
track container "$SHIELD"
check_rc 0 "the container runs with both mounts"
check_out_lacks HOST-ONLY.txt "the host's target/ content is hidden in the container (the volume is mounted over it)"
check_out_contains config.rs "the rest of the project comes from the bind mount"
run ls -A "$PROJ/target"
check_eq "$OUT" HOST-ONLY.txt "the host's target/ is untouched: no 'app' there"
run docker run --rm --name "$(ex_name shield-2)" "${EX_LABEL_ARGS[@]}" -v "$TARGET:/t:ro" "$IMG" cat /t/app
check_out_contains binary "what the container wrote to /workspace/target is in the volume $TARGET"
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Source}} -> {{.Destination}}{{println}}{{end}}' "$SHIELD"
check_out_contains "bind $PROJ -> /workspace" "docker inspect: the bind mount at /workspace"
check_out_match "^volume .*/$TARGET/_data -> /workspace/target\$" "and the volume at the deeper path /workspace/target"
run docker rm "$SHIELD"

# ------------------------------------------------------------------------------------------
step "prune, limited by label (and what changed in Docker Engine 23)"
API=$(docker version -f '{{.Server.APIVersion}}' 2>/dev/null)
SERVER=$(docker version -f '{{.Server.Version}}' 2>/dev/null)
if awk -v v="$API" 'BEGIN { split(v, p, "."); exit !(p[1] > 1 || (p[1] == 1 && p[2] >= 42)) }'; then NEW_PRUNE=1; else NEW_PRUNE=0; fi
say "engine $SERVER, API $API: $([ "$NEW_PRUNE" = 1 ] && echo "23+ (API 1.42+): prune removes ANONYMOUS volumes only, unless --all" || echo "before 23 (API < 1.42): prune removes every unused volume, named ones too")"
run docker volume create "${EX_LABEL_ARGS[@]}" --label "$PRUNE_LABEL" "$SPARE"
track volume "$SPARE"
check_rc 0 "an unused NAMED volume with the prune label"
run docker run --name "$P1" "${EX_LABEL_ARGS[@]}" \
  --mount "type=volume,dst=/data,$ANON_LABEL_MOUNT,volume-label=$PRUNE_LABEL" "$IMG" true
track container "$P1"
PV=$(anon_volume "$P1")
run docker rm "$P1"
check_true "an unused ANONYMOUS volume with the prune label ($PV)" -- volume_exists "$PV"
run docker volume prune -f --filter "label=$PRUNE_LABEL"
check_out_contains "$PV" "docker volume prune --filter label=... removed the anonymous one"
check_true "it is gone" -- bash -c "! docker volume inspect '$PV'"
if [ "$NEW_PRUNE" = 1 ]; then
  check_true "engine 23+: the named one is kept by a plain prune" -- volume_exists "$SPARE"
  run docker volume prune -f --all --filter "label=$PRUNE_LABEL"
  check_out_contains "$SPARE" "docker volume prune --all removes the named one too"
else
  check_out_contains "$SPARE" "engine before 23: the same prune removed the named one too"
  say "(--all/-a exists only from API 1.42; this engine does not need it)"
fi
check_true "the named prune candidate is gone" -- bash -c "! docker volume inspect '$SPARE'"
run docker volume ls --filter "label=$PRUNE_LABEL" -q
check_eq "$OUT" "" "nothing with the prune label is left"
