#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/data/10-volumes.md: anonymous, named, bind and read-only mounts; what
# survives a container's removal; a named volume shielding part of a bind mount (target/);
# docker volume ls / inspect / rm; prune limited by label (engine 20.10 and 23+); without a
# volume, the container's writable layer (docker diff, stop/start, a new container); the VOLUME
# line of a Dockerfile (always an anonymous volume).
#
# Anonymous volumes have no name we could choose: each one is tracked by its id right after
# the container that made it is created, and those made with --mount also carry our label
# (volume-label=...), so the cleanup removes exactly them and never a volume of yours.
. "$(dirname "$0")/../lib.sh"
ex_begin 10 "volumes: anonymous, named, bind, read-only, shielding, prune by label, writable layer, VOLUME"
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
cp "$EX_ROOT/service-kit/Cargo.toml" "$PROJ/"
cp "$EX_ROOT/service-kit/src/config.rs" "$PROJ/src/"
echo "left by a build on the host" >"$PROJ/target/HOST-ONLY.txt"

# ------------------------------------------------------------------------------------------
step "anonymous volume (-v /data): belongs to one container, gone for the next one"
run docker run --name "$A1" --label "$EX_LABEL" -v /data "$IMG" sh -c 'echo from-anon-1 > /data/note; cat /data/note'
track container "$A1"
check_out_contains from-anon-1 "the container writes to its anonymous volume"
V1=$(anon_volume "$A1")
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}' "$A1"
check_out_match '^volume [0-9a-f]{64} -> /data$' "docker inspect: a volume with a random 64-hex name at /data"
run docker rm "$A1"
check_rc 0 "docker rm (without -v) removes the container"
run docker volume inspect -f '{{.Name}}' "$V1"
check_rc 0 "... but its anonymous volume is still there, dangling (nobody will reuse it)"
run docker run --name "$A2" --label "$EX_LABEL" -v /data "$IMG" sh -c 'cat /data/note 2>&1; true'
track container "$A2"
V2=$(anon_volume "$A2")
expect "No such file or directory: the same -v /data in a new container is a NEW, empty volume"
check_out_contains "No such file or directory" "the new container does not see the old data"
check_ne "$V2" "$V1" "a different anonymous volume"
run docker rm -v "$A2"
check_true "docker rm -v removed the container's anonymous volume too" -- sh -c "! docker volume inspect '$V2'"
run docker volume rm "$V1"
check_rc 0 "the dangling one is removed by hand (docker volume rm ID)"

step "--rm removes the anonymous volume with the container"
run docker run -d --rm --name "$A3" --label "$EX_LABEL" -v /data "$IMG" sleep 60
track container "$A3"
V3=$(anon_volume "$A3")
check_true "a running --rm container has its anonymous volume $V3" -- volume_exists "$V3"
run docker stop -t 0 "$A3"
for _ in $(seq 50); do volume_exists "$V3" || break; sleep 0.1; done
run docker volume inspect "$V3"
expect "Error response from daemon: get ID: no such volume: with --rm, Docker removes the anonymous volumes with the container"
check_rc nonzero "the anonymous volume went with the container"

step "labelled anonymous volumes (--mount ... volume-label=...): findable by label"
run docker run --name "$A4" --label "$EX_LABEL" --mount "type=volume,dst=/data,$ANON_LABEL_MOUNT" "$IMG" true
track container "$A4"
V4=$(anon_volume "$A4")
run docker volume ls --filter "label=$EX_LABEL" --format '{{.Name}}'
check_out_contains "$V4" "docker volume ls --filter label=... lists it (it has no name of its own)"
run docker rm -v "$A4"
check_true "docker rm -v removed it" -- sh -c "! docker volume inspect '$V4'"

# ------------------------------------------------------------------------------------------
step "named volume (-v NAME:/data): survives the container"
run docker volume create --label "$EX_LABEL" "$DATA"
track volume "$DATA"
check_eq "$OUT" "$DATA" "docker volume create prints the name"
run docker run --name "$W1" --label "$EX_LABEL" -v "$DATA:/data" "$IMG" sh -c 'echo "goal: learn volumes" > /data/goals.txt'
track container "$W1"
check_rc 0 "a container writes into the named volume"
run docker rm "$W1"
run docker run --rm --name "$W2" --label "$EX_LABEL" -v "$DATA:/data" "$IMG" cat /data/goals.txt
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
if on_desktop; then
  desktop_note "the folder is inside Desktop's VM, not on your machine: 'sudo ls $MP' finds nothing"
  check_true "Docker Desktop: $MP is not on this machine" -- sh -c "! test -e '$MP'"
else
  say "as root: sudo cat $MP/goals.txt; the check reads it through a container that bind-mounts"
  say "that folder of the host (no root needed here)"
  run docker run --rm --label "$EX_LABEL" -v "$MP:/mountpoint:ro" "$IMG" cat /mountpoint/goals.txt
  check_out_contains "goal: learn volumes" "the file is in the Mountpoint folder on the host"
fi

step "docker volume rm: refused while a container uses the volume"
run docker run -d --name "$KEEP" --label "$EX_LABEL" -v "$DATA:/data" "$IMG" sleep 60
track container "$KEEP"
run docker volume rm "$DATA"
expect "Error response from daemon: remove $DATA: volume is in use - [container id]"
check_rc nonzero "docker volume rm fails"
check_out_contains "volume is in use" "and says why"
run docker rm -f "$KEEP"
run docker volume rm "$DATA"
check_rc 0 "once no container (running or stopped) uses it, it can be removed"
check_true "it is gone" -- sh -c "! docker volume inspect '$DATA'"

# ------------------------------------------------------------------------------------------
step "bind mount (-v /ABSOLUTE/host/path:/workspace): the container sees the host folder, live"
run ls "$PROJ"
run docker run --rm --name "$(ex_name bind)" --label "$EX_LABEL" -v "$PROJ:/workspace" -w /workspace "$IMG" \
  sh -c 'ls; echo "written in the container" > from-container.txt'
check_out_contains Cargo.toml "the container sees the host's files"
run cat "$PROJ/from-container.txt"
check_out_contains "written in the container" "what the container writes is on the host at once"
rm -f "$PROJ/from-container.txt"

step "read-only (:ro): the container can read but not write"
run docker run --rm --name "$(ex_name ro)" --label "$EX_LABEL" -v "$PROJ:/workspace:ro" "$IMG" \
  sh -c 'head -1 /workspace/Cargo.toml && touch /workspace/new-file'
check_out_contains "[package]" "reading works"
expect "touch: cannot touch '/workspace/new-file': Read-only file system"
check_rc nonzero "writing fails"
check_out_contains "Read-only file system" "with \"Read-only file system\""
check_true "nothing was created on the host" -- test ! -e "$PROJ/new-file"

# ------------------------------------------------------------------------------------------
step "the more specific path wins: a named volume shields /workspace/target of the bind mount"
say "the course: -v \$(pwd):/app -v /app/node_modules; here the Rust build output, target/"
run docker volume create --label "$EX_LABEL" "$TARGET"
track volume "$TARGET"
SHIELD=$(ex_name shield)
run docker run --name "$SHIELD" --label "$EX_LABEL" \
  -v "$PROJ:/workspace" -v "$TARGET:/workspace/target" -w /workspace "$IMG" \
  sh -c 'echo "ls target:"; ls -A target; echo "binary" > target/app; echo "ls src:"; ls src'
track container "$SHIELD"
check_rc 0 "the container runs with both mounts"
check_out_lacks HOST-ONLY.txt "the host's target/ content is hidden in the container (the volume is mounted over it)"
check_out_contains config.rs "the rest of the project comes from the bind mount"
run ls -A "$PROJ/target"
check_eq "$OUT" HOST-ONLY.txt "the host's target/ is untouched: no 'app' there"
run docker run --rm --name "$(ex_name shield-2)" --label "$EX_LABEL" -v "$TARGET:/t:ro" "$IMG" cat /t/app
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
run docker volume create --label "$EX_LABEL" --label "$PRUNE_LABEL" "$SPARE"
track volume "$SPARE"
check_rc 0 "an unused NAMED volume with the prune label"
run docker run --name "$P1" --label "$EX_LABEL" \
  --mount "type=volume,dst=/data,$ANON_LABEL_MOUNT,volume-label=$PRUNE_LABEL" "$IMG" true
track container "$P1"
PV=$(anon_volume "$P1")
run docker rm "$P1"
check_true "an unused ANONYMOUS volume with the prune label ($PV)" -- volume_exists "$PV"
run docker volume prune -f --filter "label=$PRUNE_LABEL"
check_out_contains "$PV" "docker volume prune --filter label=... removed the anonymous one"
check_true "it is gone" -- sh -c "! docker volume inspect '$PV'"
if [ "$NEW_PRUNE" = 1 ]; then
  check_true "engine 23+: the named one is kept by a plain prune" -- volume_exists "$SPARE"
  run docker volume prune -f --all --filter "label=$PRUNE_LABEL"
  check_out_contains "$SPARE" "docker volume prune --all removes the named one too"
else
  check_out_contains "$SPARE" "engine before 23: the same prune removed the named one too"
  say "(--all/-a exists only from API 1.42; this engine does not need it)"
fi
check_true "the named prune candidate is gone" -- sh -c "! docker volume inspect '$SPARE'"
run docker volume ls --filter "label=$PRUNE_LABEL" -q
check_eq "$OUT" "" "nothing with the prune label is left"

# ------------------------------------------------------------------------------------------
step "without a volume: the container's writable layer (docker diff), kept by stop/start, gone with rm"
LAYER=$(ex_name layer-demo)
run docker run -d --name "$LAYER" --label "$EX_LABEL" "$IMG" sleep infinity
track container "$LAYER"
check_rc 0 "a container that keeps running"
run docker exec "$LAYER" sh -c 'echo draft > /root/note.txt; echo "# edited" >> /etc/bash.bashrc; rm /etc/debian_version'
check_rc 0 "it adds a file, changes one and deletes one of the image's"
run docker diff "$LAYER"
check_out_match '^A /root/note\.txt$' "docker diff: A (added) /root/note.txt"
check_out_match '^C /etc/bash\.bashrc$' "C (changed) /etc/bash.bashrc"
check_out_match '^D /etc/debian_version$' "D (deleted) /etc/debian_version"
check_out_match '^C /root$' "and C for the folders whose content changed"
run docker stop -t 0 "$LAYER"
run docker start "$LAYER"
check_rc 0 "stop, then start the SAME container"
run docker exec "$LAYER" cat /root/note.txt
check_eq "$OUT" draft "the file is still there: stop/start keep the writable layer"
run docker diff "$LAYER"
check_out_match '^A /root/note\.txt$' "docker diff still lists it"
run docker rm -f "$LAYER"
run docker run --rm --name "$(ex_name layer-new)" --label "$EX_LABEL" "$IMG" sh -c 'cat /root/note.txt; cat /etc/debian_version'
expect "cat: /root/note.txt: No such file or directory, then the Debian version: a new container starts from the image"
check_out_contains "/root/note.txt: No such file or directory" "a new container from the same image does not have the file"
check_out_match '^[0-9]+(\.[0-9]+)*$' "and has /etc/debian_version again: the image itself never changed"

step "VOLUME in a Dockerfile: an anonymous volume for every container (it cannot be named there)"
VIMG=$(ex_name volume-demo)
VC1=$(ex_name vol-image-1)
VC2=$(ex_name vol-image-2)
VNAMED=$(ex_name vol-demo-data)
VDIR=$EX_TMP/volume-image
mkdir -p "$VDIR"
cat >"$VDIR/Dockerfile" <<'EOF2'
FROM debian:bookworm-slim
VOLUME /data
CMD ["sh", "-c", "echo saved > /data/note; ls /data"]
EOF2
sed "s|^FROM debian:bookworm-slim|FROM $IMG|" "$VDIR/Dockerfile" >"$VDIR/Dockerfile.tmp" && mv "$VDIR/Dockerfile.tmp" "$VDIR/Dockerfile"
cd "$VDIR" || fatal "no $VDIR"
run cat Dockerfile
run docker build -q --label "$EX_LABEL" -t "$VIMG" .
track image "$VIMG"
check_rc 0 "docker build -t $VIMG ."
run docker image inspect -f '{{json .Config.Volumes}}' "$VIMG"
check_eq "$OUT" '{"/data":{}}' "the image records the path /data as a volume"
run docker run --name "$VC1" --label "$EX_LABEL" "$VIMG"
track container "$VC1"
check_out_contains note "the container writes to /data"
VV=$(anon_volume "$VC1")
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}' "$VC1"
check_out_match '^volume [0-9a-f]{64} -> /data$' "no -v given, yet /data is a volume: an anonymous one (64-hex name)"
run docker rm -v "$VC1"
check_true "docker rm -v removed it with the container" -- sh -c "! docker volume inspect '$VV'"
say "the name (or a host folder) is chosen at docker run, or in the compose file"
run docker run --rm --name "$VC2" --label "$EX_LABEL" -v "$VNAMED:/data" "$VIMG"
track volume "$VNAMED"
check_rc 0 "the same image with -v $VNAMED:/data"
run docker run --rm --name "$(ex_name vol-read)" --label "$EX_LABEL" -v "$VNAMED:/data" "$IMG" cat /data/note
check_eq "$OUT" saved "the named volume took the place of the anonymous one at /data, and keeps what was written"
say "a name in the VOLUME line does not make a named volume: the whole text is taken as a path"
printf 'FROM %s\nVOLUME %s:/data\n' "$IMG" "$(ex_name not-named)" >Dockerfile.named
run cat Dockerfile.named
run docker build -q --label "$EX_LABEL" -f Dockerfile.named -t "$VIMG:named" .
track image "$VIMG:named"
check_rc 0 "it builds"
run docker create --name "$(ex_name vol-image-3)" --label "$EX_LABEL" "$VIMG:named"
track container "$(ex_name vol-image-3)"
if [ "$RC" -eq 0 ]; then
  NV=$(inspect '{{range .Mounts}}{{.Name}}{{end}}' "$(ex_name vol-image-3)")
  [ -n "$NV" ] && track volume "$NV"
  run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}' "$(ex_name vol-image-3)"
  check_out_match "^volume [0-9a-f]{64} -> $(ex_name not-named):/data\$" "an anonymous volume, at the odd path '$(ex_name not-named):/data'"
  run docker rm -v "$(ex_name vol-image-3)"
else
  say "this engine refuses the path '$(ex_name not-named):/data' outright"
fi
check_true "and no volume called $(ex_name not-named) exists" -- sh -c "! docker volume inspect '$(ex_name not-named)'"
run docker rmi "$VIMG" "$VIMG:named"
check_rc 0 "docker rmi: the images go once no container uses them"
