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
ex_begin 10 "volumes: anonymous, named, bind, read-only, shielding, prune by label, writable layer, VOLUME |ko| 볼륨: 익명 볼륨, 명명된 볼륨, 바인드 마운트, 읽기 전용, 가리기, 레이블로 골라서 prune, 쓰기 가능 레이어, VOLUME"
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
step "anonymous volume (-v /data): belongs to one container, gone for the next one |ko| 익명 볼륨(-v /data): 컨테이너 하나에 속하며, 다음 컨테이너에서는 찾을 수 없음"
run docker run --name "$A1" --label "$EX_LABEL" -v /data "$IMG" sh -c 'echo from-anon-1 > /data/note; cat /data/note'
track container "$A1"
check_out_contains from-anon-1 "the container writes to its anonymous volume |ko| 컨테이너가 자기 익명 볼륨에 씁니다"
V1=$(anon_volume "$A1")
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}' "$A1"
check_out_match '^volume [0-9a-f]{64} -> /data$' "docker inspect: a volume with a random 64-hex name at /data |ko| docker inspect: /data에 64자리 16진수 무작위 이름의 볼륨이 있습니다"
run docker rm "$A1"
check_rc 0 "docker rm (without -v) removes the container |ko| -v 없이 docker rm을 하면 컨테이너가 지워집니다"
run docker volume inspect -f '{{.Name}}' "$V1"
check_rc 0 "... but its anonymous volume is still there, dangling (nobody will reuse it) |ko| ... 하지만 익명 볼륨은 dangling 상태로 아직 남아 있습니다(아무도 다시 쓰지 않습니다)"
run docker run --name "$A2" --label "$EX_LABEL" -v /data "$IMG" sh -c 'cat /data/note 2>&1; true'
track container "$A2"
V2=$(anon_volume "$A2")
expect "No such file or directory: the same -v /data in a new container is a NEW, empty volume |ko| No such file or directory: 새 컨테이너에서 같은 -v /data를 쓰면 비어 있는 새 볼륨이 만들어집니다"
check_out_contains "No such file or directory" "the new container does not see the old data |ko| 새 컨테이너에는 예전 데이터가 보이지 않습니다"
check_ne "$V2" "$V1" "a different anonymous volume |ko| 다른 익명 볼륨입니다"
run docker rm -v "$A2"
check_true "docker rm -v removed the container's anonymous volume too |ko| docker rm -v가 컨테이너의 익명 볼륨도 지웠습니다" -- sh -c "! docker volume inspect '$V2'"
run docker volume rm "$V1"
check_rc 0 "the dangling one is removed by hand (docker volume rm ID) |ko| dangling 볼륨은 직접 지웁니다(docker volume rm ID)"

step "--rm removes the anonymous volume with the container |ko| --rm은 컨테이너와 함께 익명 볼륨도 지움"
run docker run -d --rm --name "$A3" --label "$EX_LABEL" -v /data "$IMG" sleep 60
track container "$A3"
V3=$(anon_volume "$A3")
check_true "a running --rm container has its anonymous volume $V3 |ko| 실행 중인 --rm 컨테이너에는 익명 볼륨이 있습니다: $V3" -- volume_exists "$V3"
run docker stop -t 0 "$A3"
for _ in $(seq 50); do volume_exists "$V3" || break; sleep 0.1; done
run docker volume inspect "$V3"
expect "Error response from daemon: get ID: no such volume: with --rm, Docker removes the anonymous volumes with the container |ko| Error response from daemon: get ID: no such volume: --rm을 주면 Docker가 컨테이너와 함께 익명 볼륨을 지웁니다"
check_rc nonzero "the anonymous volume went with the container |ko| 익명 볼륨이 컨테이너와 함께 사라졌습니다"

step "labelled anonymous volumes (--mount ... volume-label=...): findable by label |ko| 레이블을 붙인 익명 볼륨(--mount ... volume-label=...): 레이블로 찾을 수 있음"
run docker run --name "$A4" --label "$EX_LABEL" --mount "type=volume,dst=/data,$ANON_LABEL_MOUNT" "$IMG" true
track container "$A4"
V4=$(anon_volume "$A4")
run docker volume ls --filter "label=$EX_LABEL" --format '{{.Name}}'
check_out_contains "$V4" "docker volume ls --filter label=... lists it (it has no name of its own) |ko| docker volume ls --filter label=...의 목록에 나옵니다(볼륨 자체에는 이름이 없습니다)"
run docker rm -v "$A4"
check_true "docker rm -v removed it |ko| docker rm -v가 그 볼륨을 지웠습니다" -- sh -c "! docker volume inspect '$V4'"

# ------------------------------------------------------------------------------------------
step "named volume (-v NAME:/data): survives the container |ko| 명명된 볼륨(-v NAME:/data): 컨테이너가 사라져도 남음"
run docker volume create --label "$EX_LABEL" "$DATA"
track volume "$DATA"
check_eq "$OUT" "$DATA" "docker volume create prints the name |ko| docker volume create가 이름을 출력합니다"
run docker run --name "$W1" --label "$EX_LABEL" -v "$DATA:/data" "$IMG" sh -c 'echo "goal: learn volumes" > /data/goals.txt'
track container "$W1"
check_rc 0 "a container writes into the named volume |ko| 컨테이너가 명명된 볼륨에 씁니다"
run docker rm "$W1"
run docker run --rm --name "$W2" --label "$EX_LABEL" -v "$DATA:/data" "$IMG" cat /data/goals.txt
track container "$W2"
check_out_contains "goal: learn volumes" "a NEW container with the same -v $DATA:/data sees the data |ko| 같은 -v $DATA:/data를 쓴 새 컨테이너에 데이터가 보입니다"

step "docker volume ls / inspect |ko| docker volume ls와 inspect"
run docker volume ls --filter "label=$EX_LABEL" --filter "name=$DATA"
check_out_match "^local +$DATA\$" "docker volume ls: driver local, name $DATA |ko| docker volume ls: 드라이버 local, 이름 $DATA"
run docker volume inspect "$DATA"
check_out_contains "\"Mountpoint\": \"" "docker volume inspect shows where the data lives on the host (Mountpoint) |ko| docker volume inspect가 호스트에서 데이터가 있는 곳(Mountpoint)을 보여 줍니다"
check_out_contains "\"course.exercise\": \"1\"" "and its Labels |ko| Labels도 보여 줍니다"
MP=$(docker volume inspect -f '{{.Mountpoint}}' "$DATA")
say "Mountpoint: $MP (on Linux a folder on this machine, readable as root; on Docker Desktop inside its VM) |ko| Mountpoint: $MP (Linux에서는 이 머신의 폴더로 root만 읽을 수 있고, Docker Desktop에서는 VM 안에 있습니다)"
if on_desktop; then
  desktop_note "the folder is inside Desktop's VM, not on your machine: 'sudo ls $MP' finds nothing |ko| 이 폴더는 호스트 머신이 아니라 Desktop의 VM 안에 있습니다. 'sudo ls $MP' 명령은 아무것도 찾지 못합니다"
  check_true "Docker Desktop: $MP is not on this machine |ko| Docker Desktop: $MP 경로는 이 머신에 없습니다" -- sh -c "! test -e '$MP'"
else
  say "as root: sudo cat $MP/goals.txt; the check reads it through a container that bind-mounts |ko| root로 읽으려면: sudo cat $MP/goals.txt"
  say "that folder of the host (no root needed here) |ko| 점검은 호스트의 그 폴더를 바인드 마운트한 컨테이너를 통해 읽습니다(여기서는 root가 필요 없습니다)"
  run docker run --rm --label "$EX_LABEL" -v "$MP:/mountpoint:ro" "$IMG" cat /mountpoint/goals.txt
  check_out_contains "goal: learn volumes" "the file is in the Mountpoint folder on the host |ko| 파일이 호스트의 Mountpoint 폴더에 있습니다"
fi

step "docker volume rm: refused while a container uses the volume |ko| docker volume rm: 컨테이너가 볼륨을 쓰는 동안에는 지울 수 없음"
run docker run -d --name "$KEEP" --label "$EX_LABEL" -v "$DATA:/data" "$IMG" sleep 60
track container "$KEEP"
run docker volume rm "$DATA"
expect "Error response from daemon: remove $DATA: volume is in use - [container id] |ko| Error response from daemon: remove $DATA: volume is in use - [컨테이너 ID]"
check_rc nonzero "docker volume rm fails |ko| docker volume rm이 실패합니다"
check_out_contains "volume is in use" "and says why |ko| 이유도 알려 줍니다"
run docker rm -f "$KEEP"
run docker volume rm "$DATA"
check_rc 0 "once no container (running or stopped) uses it, it can be removed |ko| 볼륨을 쓰는 컨테이너(실행 중이든 멈춰 있든)가 없어지면 지울 수 있습니다"
check_true "it is gone |ko| 볼륨이 사라졌습니다" -- sh -c "! docker volume inspect '$DATA'"

# ------------------------------------------------------------------------------------------
step "bind mount (-v /ABSOLUTE/host/path:/workspace): the container sees the host folder, live |ko| 바인드 마운트(-v /ABSOLUTE/host/path:/workspace): 컨테이너가 호스트 폴더를 실시간으로 봄"
run ls "$PROJ"
run docker run --rm --name "$(ex_name bind)" --label "$EX_LABEL" -v "$PROJ:/workspace" -w /workspace "$IMG" \
  sh -c 'ls; echo "written in the container" > from-container.txt'
check_out_contains Cargo.toml "the container sees the host's files |ko| 컨테이너에 호스트의 파일이 보입니다"
run cat "$PROJ/from-container.txt"
check_out_contains "written in the container" "what the container writes is on the host at once |ko| 컨테이너가 쓴 것이 바로 호스트에 나타납니다"
rm -f "$PROJ/from-container.txt"

step "read-only (:ro): the container can read but not write |ko| 읽기 전용(:ro): 컨테이너는 읽을 수는 있지만 쓸 수는 없음"
run docker run --rm --name "$(ex_name ro)" --label "$EX_LABEL" -v "$PROJ:/workspace:ro" "$IMG" \
  sh -c 'head -1 /workspace/Cargo.toml && touch /workspace/new-file'
check_out_contains "[package]" "reading works |ko| 읽기는 됩니다"
expect "touch: cannot touch '/workspace/new-file': Read-only file system |ko| touch: cannot touch '/workspace/new-file': Read-only file system 오류가 납니다"
check_rc nonzero "writing fails |ko| 쓰기는 실패합니다"
check_out_contains "Read-only file system" "with \"Read-only file system\" |ko| \"Read-only file system\" 오류로 실패합니다"
check_true "nothing was created on the host |ko| 호스트에는 아무것도 만들어지지 않았습니다" -- test ! -e "$PROJ/new-file"

# ------------------------------------------------------------------------------------------
step "the more specific path wins: a named volume shields /workspace/target of the bind mount |ko| 더 구체적인 경로가 우선함: 명명된 볼륨으로 바인드 마운트의 /workspace/target 가리기"
say "the course: -v \$(pwd):/app -v /app/node_modules; here the Rust build output, target/ |ko| 강의에서는 -v \$(pwd):/app -v /app/node_modules, 여기서는 Rust의 빌드 결과물인 target/"
run docker volume create --label "$EX_LABEL" "$TARGET"
track volume "$TARGET"
SHIELD=$(ex_name shield)
run docker run --name "$SHIELD" --label "$EX_LABEL" \
  -v "$PROJ:/workspace" -v "$TARGET:/workspace/target" -w /workspace "$IMG" \
  sh -c 'echo "ls target:"; ls -A target; echo "binary" > target/app; echo "ls src:"; ls src'
track container "$SHIELD"
check_rc 0 "the container runs with both mounts |ko| 컨테이너가 두 마운트를 모두 붙인 채 실행됩니다"
check_out_lacks HOST-ONLY.txt "the host's target/ content is hidden in the container (the volume is mounted over it) |ko| 컨테이너에서는 호스트의 target/ 내용이 가려집니다(그 위에 볼륨이 마운트됩니다)"
check_out_contains config.rs "the rest of the project comes from the bind mount |ko| 프로젝트의 나머지는 바인드 마운트에서 옵니다"
run ls -A "$PROJ/target"
check_eq "$OUT" HOST-ONLY.txt "the host's target/ is untouched: no 'app' there |ko| 호스트의 target/은 그대로입니다. 거기에 'app'이 없습니다"
run docker run --rm --name "$(ex_name shield-2)" --label "$EX_LABEL" -v "$TARGET:/t:ro" "$IMG" cat /t/app
check_out_contains binary "what the container wrote to /workspace/target is in the volume $TARGET |ko| 컨테이너가 /workspace/target에 쓴 것은 볼륨 $TARGET에 있습니다"
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Source}} -> {{.Destination}}{{println}}{{end}}' "$SHIELD"
check_out_contains "bind $PROJ -> /workspace" "docker inspect: the bind mount at /workspace |ko| docker inspect: /workspace에 바인드 마운트가 있습니다"
check_out_match "^volume .*/$TARGET/_data -> /workspace/target\$" "and the volume at the deeper path /workspace/target |ko| 더 깊은 경로 /workspace/target에는 볼륨이 있습니다"
run docker rm "$SHIELD"

# ------------------------------------------------------------------------------------------
step "prune, limited by label (and what changed in Docker Engine 23) |ko| 레이블로 골라서 prune(그리고 Docker Engine 23에서 바뀐 점)"
API=$(docker version -f '{{.Server.APIVersion}}' 2>/dev/null)
SERVER=$(docker version -f '{{.Server.Version}}' 2>/dev/null)
if awk -v v="$API" 'BEGIN { split(v, p, "."); exit !(p[1] > 1 || (p[1] == 1 && p[2] >= 42)) }'; then NEW_PRUNE=1; else NEW_PRUNE=0; fi
if [ "$NEW_PRUNE" = 1 ]; then
  say "engine $SERVER, API $API: 23+ (API 1.42+): prune removes ANONYMOUS volumes only, unless --all |ko| 엔진 $SERVER, API $API: 23 이상(API 1.42 이상): --all이 없으면 prune은 익명 볼륨만 지웁니다"
else
  say "engine $SERVER, API $API: before 23 (API < 1.42): prune removes every unused volume, named ones too |ko| 엔진 $SERVER, API $API: 23 이전(API < 1.42): prune은 사용하지 않는 모든 볼륨을 지웁니다(명명된 볼륨도)"
fi
run docker volume create --label "$EX_LABEL" --label "$PRUNE_LABEL" "$SPARE"
track volume "$SPARE"
check_rc 0 "an unused NAMED volume with the prune label |ko| prune 레이블을 붙인, 쓰이지 않는 명명된 볼륨을 만듭니다"
run docker run --name "$P1" --label "$EX_LABEL" \
  --mount "type=volume,dst=/data,$ANON_LABEL_MOUNT,volume-label=$PRUNE_LABEL" "$IMG" true
track container "$P1"
PV=$(anon_volume "$P1")
run docker rm "$P1"
check_true "an unused ANONYMOUS volume with the prune label ($PV) |ko| prune 레이블을 붙인, 쓰이지 않는 익명 볼륨이 있습니다($PV)" -- volume_exists "$PV"
run docker volume prune -f --filter "label=$PRUNE_LABEL"
check_out_contains "$PV" "docker volume prune --filter label=... removed the anonymous one |ko| docker volume prune --filter label=... 명령이 익명 볼륨을 지웠습니다"
check_true "it is gone |ko| 익명 볼륨이 사라졌습니다" -- sh -c "! docker volume inspect '$PV'"
if [ "$NEW_PRUNE" = 1 ]; then
  check_true "engine 23+: the named one is kept by a plain prune |ko| 엔진 23 이상: --all 없는 prune으로는 명명된 볼륨이 남습니다" -- volume_exists "$SPARE"
  run docker volume prune -f --all --filter "label=$PRUNE_LABEL"
  check_out_contains "$SPARE" "docker volume prune --all removes the named one too |ko| docker volume prune --all은 명명된 볼륨도 지웁니다"
else
  check_out_contains "$SPARE" "engine before 23: the same prune removed the named one too |ko| 23 이전 엔진: 같은 prune이 명명된 볼륨까지 지웠습니다"
  say "(--all/-a exists only from API 1.42; this engine does not need it) |ko| (--all/-a는 API 1.42부터만 있습니다. 이 엔진에는 필요 없습니다)"
fi
check_true "the named prune candidate is gone |ko| 명명된 prune 대상도 사라졌습니다" -- sh -c "! docker volume inspect '$SPARE'"
run docker volume ls --filter "label=$PRUNE_LABEL" -q
check_eq "$OUT" "" "nothing with the prune label is left |ko| prune 레이블이 붙은 것은 하나도 남지 않았습니다"

# ------------------------------------------------------------------------------------------
step "without a volume: the container's writable layer (docker diff), kept by stop/start, gone with rm |ko| 볼륨이 없을 때: 컨테이너의 쓰기 가능 레이어(docker diff). stop/start에도 남고 rm과 함께 사라짐"
LAYER=$(ex_name layer-demo)
run docker run -d --name "$LAYER" --label "$EX_LABEL" "$IMG" sleep infinity
track container "$LAYER"
check_rc 0 "a container that keeps running |ko| 계속 실행되는 컨테이너를 시작합니다"
run docker exec "$LAYER" sh -c 'echo draft > /root/note.txt; echo "# edited" >> /etc/bash.bashrc; rm /etc/debian_version'
check_rc 0 "it adds a file, changes one and deletes one of the image's |ko| 파일 하나를 추가하고, 하나를 바꾸고, 이미지에 있던 파일 하나를 삭제합니다"
run docker diff "$LAYER"
check_out_match '^A /root/note\.txt$' "docker diff: A (added) /root/note.txt |ko| docker diff: A(추가) /root/note.txt"
check_out_match '^C /etc/bash\.bashrc$' "C (changed) /etc/bash.bashrc |ko| C(변경) /etc/bash.bashrc"
check_out_match '^D /etc/debian_version$' "D (deleted) /etc/debian_version |ko| D(삭제) /etc/debian_version"
check_out_match '^C /root$' "and C for the folders whose content changed |ko| 내용이 바뀐 폴더에도 C가 붙습니다"
run docker stop -t 0 "$LAYER"
run docker start "$LAYER"
check_rc 0 "stop, then start the SAME container |ko| 같은 컨테이너를 멈췄다가 다시 시작합니다"
run docker exec "$LAYER" cat /root/note.txt
check_eq "$OUT" draft "the file is still there: stop/start keep the writable layer |ko| 파일이 그대로 있습니다. stop/start를 해도 쓰기 가능 레이어는 남습니다"
run docker diff "$LAYER"
check_out_match '^A /root/note\.txt$' "docker diff still lists it |ko| docker diff에도 여전히 나옵니다"
run docker rm -f "$LAYER"
run docker run --rm --name "$(ex_name layer-new)" --label "$EX_LABEL" "$IMG" sh -c 'cat /root/note.txt; cat /etc/debian_version'
expect "cat: /root/note.txt: No such file or directory, then the Debian version: a new container starts from the image |ko| cat: /root/note.txt: No such file or directory, 그다음 Debian 버전: 새 컨테이너는 이미지 상태에서 시작합니다"
check_out_contains "/root/note.txt: No such file or directory" "a new container from the same image does not have the file |ko| 같은 이미지로 만든 새 컨테이너에는 그 파일이 없습니다"
check_out_match '^[0-9]+(\.[0-9]+)*$' "and has /etc/debian_version again: the image itself never changed |ko| /etc/debian_version은 다시 있습니다. 이미지 자체는 바뀐 적이 없습니다"

step "VOLUME in a Dockerfile: an anonymous volume for every container (it cannot be named there) |ko| Dockerfile의 VOLUME: 컨테이너마다 익명 볼륨(Dockerfile에서는 이름을 붙일 수 없음)"
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
cd "$VDIR" || fatal "no $VDIR |ko| $VDIR 폴더가 없습니다"
run cat Dockerfile
run docker build -q --label "$EX_LABEL" -t "$VIMG" .
track image "$VIMG"
check_rc 0 "docker build -t $VIMG . |ko| docker build -t $VIMG . 명령으로 빌드됩니다"
run docker image inspect -f '{{json .Config.Volumes}}' "$VIMG"
check_eq "$OUT" '{"/data":{}}' "the image records the path /data as a volume |ko| 이미지가 경로 /data를 볼륨으로 기록합니다"
run docker run --name "$VC1" --label "$EX_LABEL" "$VIMG"
track container "$VC1"
check_out_contains note "the container writes to /data |ko| 컨테이너가 /data에 씁니다"
VV=$(anon_volume "$VC1")
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}' "$VC1"
check_out_match '^volume [0-9a-f]{64} -> /data$' "no -v given, yet /data is a volume: an anonymous one (64-hex name) |ko| -v를 주지 않았는데도 /data는 볼륨입니다. 익명 볼륨(64자리 16진수 이름)입니다"
run docker rm -v "$VC1"
check_true "docker rm -v removed it with the container |ko| docker rm -v가 컨테이너와 함께 그 볼륨을 지웠습니다" -- sh -c "! docker volume inspect '$VV'"
say "the name (or a host folder) is chosen at docker run, or in the compose file |ko| 이름(또는 호스트 폴더)은 docker run에서, 또는 compose 파일에서 정합니다"
run docker run --rm --name "$VC2" --label "$EX_LABEL" -v "$VNAMED:/data" "$VIMG"
track volume "$VNAMED"
check_rc 0 "the same image with -v $VNAMED:/data |ko| 같은 이미지를 -v $VNAMED:/data로 실행합니다"
run docker run --rm --name "$(ex_name vol-read)" --label "$EX_LABEL" -v "$VNAMED:/data" "$IMG" cat /data/note
check_eq "$OUT" saved "the named volume took the place of the anonymous one at /data, and keeps what was written |ko| /data에서 명명된 볼륨이 익명 볼륨의 자리를 차지하고, 쓴 내용을 보관합니다"
NOT_NAMED=$(ex_name not-named)
say "a name in the VOLUME line does not make a named volume: the whole text is taken as a path |ko| VOLUME 줄에 이름을 써도 명명된 볼륨이 되지 않습니다. 문자열 전체가 경로로 취급됩니다"
printf 'FROM %s\nVOLUME %s:/data\n' "$IMG" "$(ex_name not-named)" >Dockerfile.named
run cat Dockerfile.named
run docker build -q --label "$EX_LABEL" -f Dockerfile.named -t "$VIMG:named" .
track image "$VIMG:named"
check_rc 0 "it builds |ko| 빌드됩니다"
run docker create --name "$(ex_name vol-image-3)" --label "$EX_LABEL" "$VIMG:named"
track container "$(ex_name vol-image-3)"
if [ "$RC" -eq 0 ]; then
  NV=$(inspect '{{range .Mounts}}{{.Name}}{{end}}' "$(ex_name vol-image-3)")
  [ -n "$NV" ] && track volume "$NV"
  run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}' "$(ex_name vol-image-3)"
  check_out_match "^volume [0-9a-f]{64} -> $(ex_name not-named):/data\$" "an anonymous volume, at the odd path '$NOT_NAMED:/data' |ko| '$NOT_NAMED:/data'라는 이상한 경로에 익명 볼륨이 있습니다"
  run docker rm -v "$(ex_name vol-image-3)"
else
  say "this engine refuses the path '$NOT_NAMED:/data' outright |ko| 이 엔진은 '$NOT_NAMED:/data' 경로를 아예 거부합니다"
fi
check_true "and no volume called $NOT_NAMED exists |ko| 이름이 $NOT_NAMED인 볼륨도 없습니다" -- sh -c "! docker volume inspect '$(ex_name not-named)'"
run docker rmi "$VIMG" "$VIMG:named"
check_rc 0 "docker rmi: the images go once no container uses them |ko| docker rmi: 이미지를 쓰는 컨테이너가 없으면 이미지가 지워집니다"
