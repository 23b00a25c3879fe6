#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/images/09-sharing-images.md: sharing an image through a registry. Needs
# only docker and sh. The registry runs as a container, as in the course (`docker run -d -p
# 5000:5000 registry:2`): REGISTRY_IMAGE (default registry:2; where nothing can be pulled, the
# CI stand-in goals-ci-registry of docker/ci/registry: the same Distribution registry with the
# image's contract, port 5000, /var/lib/registry, the REGISTRY_* settings), published on a port
# Docker picks on 127.0.0.1 (on Docker Desktop too: that is the VM's localhost, where the engine
# pushes from). docker tag / push / pull; the registry's HTTP API (_catalog, tags/list) through
# curl on the Docker host's network; layers a registry has already; the image ID and digest
# surviving the round trip; plain HTTP only for 127.0.0.0/8 (the same registry at its
# container's own address needs HTTPS); a registry with users: an htpasswd file made by htpasswd
# in a container (the toolbox's; Docker's docs use httpd:2's), bind-mounted into a second
# registry with REGISTRY_AUTH=htpasswd; push refused without `docker login`, accepted after,
# `docker logout`. `docker login` writes to a temporary DOCKER_CONFIG, never to ~/.docker.
# Every name the check gives the image is removed at the end (a cleanup command per name: see
# tag_image), and the registries' anonymous volumes with their containers.
. "$(dirname "$0")/../lib.sh"
ex_begin 09 "sharing images: a registry, docker tag / push / pull / login |ko| 이미지 공유하기: 레지스트리, docker tag / push / pull / login"
REGISTRY_IMAGE=${REGISTRY_IMAGE:-registry:2}
need_image "$BACKEND_IMAGE" "$TOOLBOX_IMAGE"
if ! docker image inspect "$REGISTRY_IMAGE" >/dev/null 2>&1; then
  _tr "(pulling $REGISTRY_IMAGE) |ko| ($REGISTRY_IMAGE 이미지를 받는 중)"; printf '%s\n' "  $_T"
  _timeout 300 docker pull -q "$REGISTRY_IMAGE" >/dev/null 2>&1 \
    || fatal "the registry image $REGISTRY_IMAGE is not here and cannot be pulled: is this machine online (docker pull $REGISTRY_IMAGE)? |ko| 레지스트리 이미지($REGISTRY_IMAGE)가 없고 받을 수도 없습니다. 인터넷에 연결되어 있는지 확인하세요(docker pull $REGISTRY_IMAGE)"
fi

REG_C=$(ex_name registry)
AREG_C=$(ex_name registry-private)
APP=$(ex_name backend)
# docker login writes credentials to $DOCKER_CONFIG/config.json (default ~/.docker): a temporary
# one here, so the user's own logins stay as they are (checked at the end).
USER_CFG=${DOCKER_CONFIG:-$HOME/.docker}/config.json
user_cfg_sum() { if [ -f "$USER_CFG" ]; then cksum <"$USER_CFG"; else echo absent; fi; }
USER_CFG_SUM=$(user_cfg_sum)
TMP_CFG=$EX_TMP/docker-config
mkdir -p "$TMP_CFG"
GOALS_ID=$(inspect '{{.Id}}' "$BACKEND_IMAGE")
SHORT_ID=$(printf '%s\n' "${GOALS_ID#sha256:}" | cut -c1-12)

# tag_image NAME: docker tag $BACKEND_IMAGE NAME; the name is removed at the end (docker rmi
# NAME: only the name goes, $BACKEND_IMAGE keeps the image). A cleanup command, not `track
# image`: lib.sh's _remove finds images by `docker inspect -f '{{.Name}}'`, which an image does
# not have, so it skips every tracked image.
tag_image() {
  run docker tag "$BACKEND_IMAGE" "$1"
  track cmd docker rmi "$1"
}

# start_registry CONTAINER CODE [DOCKER RUN OPTIONS...]: runs $REGISTRY_IMAGE as CONTAINER,
# published on a port Docker picks on 127.0.0.1 (PORT), and waits until GET /v2/ answers CODE
# (200; 401 where it has users). Its storage, the image's VOLUME /var/lib/registry, is an
# anonymous volume: removed after the container at the end.
start_registry() {
  local c="$1" code="$2" v
  shift 2
  run docker run -d --name "$c" --label "$EX_LABEL" -p 127.0.0.1::5000 "$@" "$REGISTRY_IMAGE"
  track container "$c"
  check_rc 0 "the registry container $c starts |ko| 레지스트리 컨테이너($c)가 시작됩니다"
  [ "$RC" = 0 ] || fatal "the registry $c did not start |ko| 레지스트리 컨테이너($c)가 시작되지 않았습니다"
  for v in $(inspect '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' "$c"); do
    track volume "$v"
  done
  PORT=$(published "$c" 5000)
  wait_http_host "http://localhost:$PORT/v2/" "$code"
}

step "a local registry: the image $REGISTRY_IMAGE (the Distribution registry v2) |ko| 로컬 레지스트리: $REGISTRY_IMAGE 이미지(Distribution registry v2)"
say "the page: docker run -d --name registry -p 5050:5000 registry:2. Here: a port Docker picks, on 127.0.0.1 only |ko| 페이지에서는 docker run -d --name registry -p 5050:5000 registry:2입니다. 여기서는 Docker가 고른 포트를 127.0.0.1에만 게시합니다"
run docker run --rm "$REGISTRY_IMAGE" --version
check_out_match 'github\.com/(docker|distribution)/distribution' "the Distribution registry |ko| Distribution registry입니다"
start_registry "$REG_C" 200
check_rc 0 "the registry listens on localhost:$PORT |ko| 레지스트리가 localhost:$PORT에서 수신 대기(listen)합니다"
[ "$RC" = 0 ] || fatal "the registry does not answer |ko| 레지스트리가 응답하지 않습니다"
REG=localhost:$PORT
IMG=$REG/goals-backend
HUB_STYLE=$REG/student/goals-backend:1.0
curl_host "http://$REG/v2/"
check_http 200 "GET /v2/ answers: a registry speaking the v2 API |ko| GET /v2/에 응답이 옵니다. v2 API를 제공하는 레지스트리입니다"
curl_host "http://$REG/v2/_catalog"
check_out_contains '{"repositories":[]}' "and it is empty |ko| 그리고 비어 있습니다"

step "tag the image with the registry's address: [HOST[:PORT]/]NAME[:TAG] |ko| 레지스트리 주소로 이미지에 태그 붙이기: [HOST[:PORT]/]NAME[:TAG]"
tag_image "$IMG:1.0"
check_rc 0 "docker tag $BACKEND_IMAGE $IMG:1.0 |ko| docker tag $BACKEND_IMAGE $IMG:1.0 명령이 성공합니다"
run docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}' "$IMG"
check_out_contains "$IMG:1.0 $SHORT_ID" "a second name for the same image ID ($SHORT_ID), no copy |ko| 같은 이미지 ID($SHORT_ID)에 붙은 두 번째 이름일 뿐, 복사본이 아닙니다"

step "push it |ko| push하기"
run docker push "$IMG:1.0"
check_rc 0 "docker push $IMG:1.0 |ko| docker push $IMG:1.0 명령이 성공합니다"
check_out_match '^1\.0: digest: sha256:[0-9a-f]{64} size: [0-9]+' "the registry answers with the manifest's digest |ko| 레지스트리가 매니페스트의 다이제스트로 응답합니다"
check_out_contains "Pushed" "the layers were uploaded |ko| 레이어가 업로드되었습니다"
PUSH_DIGEST=$(printf '%s\n' "$OUT" | sed -n 's/^1\.0: digest: \(sha256:[0-9a-f]*\) .*/\1/p' | tail -1)
[ -n "$PUSH_DIGEST" ] || fatal "the push printed no digest |ko| push가 다이제스트를 출력하지 않았습니다"
curl_host "http://$REG/v2/_catalog"
check_out_contains '{"repositories":["goals-backend"]}' "GET /v2/_catalog lists the repository |ko| GET /v2/_catalog에 저장소가 나옵니다"
curl_host "http://$REG/v2/goals-backend/tags/list"
check_out_contains '{"name":"goals-backend","tags":["1.0"]}' "GET /v2/goals-backend/tags/list lists the tag |ko| GET /v2/goals-backend/tags/list에 태그가 나옵니다"
curl_host "http://$REG/v2/goals-backend/manifests/1.0" -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'
check_out_contains "Docker-Content-Digest: $PUSH_DIGEST" "the manifest's digest is the one push printed |ko| 매니페스트의 다이제스트가 push가 출력한 것과 같습니다"

step "remove the local tag, pull it back |ko| 로컬 태그를 지우고 다시 pull하기"
run docker rmi "$IMG:1.0"
check_out_contains "Untagged: $IMG:1.0" "docker rmi only removes the name |ko| docker rmi는 이름만 지웁니다"
check_out_lacks "Deleted:" "the image itself stays: $BACKEND_IMAGE still names it |ko| 이미지 자체는 남습니다. $BACKEND_IMAGE 이름이 아직 이 이미지를 가리킵니다"
run docker images -q "$IMG"
check_eq "$OUT" "" "no $IMG image left locally |ko| 로컬에 $IMG 이미지가 남아 있지 않습니다"
run docker pull "$IMG:1.0"
check_rc 0 "docker pull $IMG:1.0 (no login: this registry has no users) |ko| docker pull $IMG:1.0 명령이 성공합니다(로그인 없이: 이 레지스트리에는 사용자가 없습니다)"
check_out_contains "Digest: $PUSH_DIGEST" "the same digest as the push |ko| push할 때와 같은 다이제스트입니다"
check_out_match "Downloaded newer image for $IMG:1.0|Image is up to date for $IMG:1.0" "the name is back |ko| 이름이 다시 생겼습니다"
run docker image inspect -f '{{.Id}}' "$IMG:1.0"
check_eq "$OUT" "$GOALS_ID" "the pulled image's ID is $BACKEND_IMAGE's: the same image, byte for byte |ko| pull한 이미지의 ID가 $BACKEND_IMAGE 이미지의 ID와 같습니다. 바이트 하나까지 같은 이미지입니다"
run docker image inspect -f '{{join .RepoDigests " "}}' "$IMG:1.0"
check_out_contains "$IMG@$PUSH_DIGEST" "RepoDigests records where it came from |ko| RepoDigests에 어디서 왔는지가 기록됩니다"

step "run the pulled image |ko| pull한 이미지 실행하기"
say "its settings come at run time, as always: the env file of the project (MONGODB_HOST=mongodb: not here) |ko| 설정은 언제나처럼 실행할 때 줍니다. 프로젝트의 env 파일(MONGODB_HOST=mongodb: 여기에는 없습니다)"
run docker run -d --name "$APP" --label "$EX_LABEL" -p 127.0.0.1::80 -e MONGODB_PASSWORD=secret "$IMG:1.0"
track container "$APP"
check_rc 0 "docker run -d -p 127.0.0.1::80 -e MONGODB_PASSWORD=secret $IMG:1.0 |ko| docker run -d -p 127.0.0.1::80 -e MONGODB_PASSWORD=secret $IMG:1.0 명령으로 컨테이너가 시작됩니다"
APP_PORT=$(published "$APP" 80)
wait_http_host "http://localhost:$APP_PORT/healthz" 200
check_rc 0 "/healthz answers 200: the process serves (no database needed) |ko| /healthz 응답은 200입니다. 프로세스가 요청을 처리합니다(데이터베이스는 필요 없습니다)"
curl_host "http://localhost:$APP_PORT/readyz"
expect "503: no MongoDB here, and the image does not need one to start |ko| 503: 여기에는 MongoDB가 없고, 이미지는 시작할 때 MongoDB가 필요 없습니다"
check_http 503 "/readyz is 503 without a database |ko| 데이터베이스가 없으면 /readyz 응답은 503입니다"

step "push again under new names: the registry has those layers already |ko| 새 이름으로 다시 push하기: 레지스트리에 그 레이어가 이미 있음"
tag_image "$IMG:latest"
run docker push "$IMG:latest"
check_rc 0 "docker push $IMG:latest |ko| docker push $IMG:latest 명령이 성공합니다"
check_out_contains "Layer already exists" "no layer is uploaded twice |ko| 어떤 레이어도 두 번 업로드되지 않습니다"
check_out_lacks "Pushed" "nothing new is pushed |ko| 새로 push되는 것이 없습니다"
check_out_contains "latest: digest: $PUSH_DIGEST" "same content, same digest |ko| 내용이 같으니 다이제스트도 같습니다"
curl_host "http://$REG/v2/goals-backend/tags/list"
check_out_match '"tags":\["(1\.0","latest|latest","1\.0)"\]' "two tags, one manifest |ko| 태그는 둘, 매니페스트는 하나입니다"
tag_image "$HUB_STYLE"
run docker push "$HUB_STYLE"
check_rc 0 "docker push $HUB_STYLE (a USER/REPO name, as on Docker Hub) |ko| docker push $HUB_STYLE 명령이 성공합니다(Docker Hub처럼 USER/REPO 형식의 이름)"
check_out_match "Mounted from goals-backend|Layer already exists" "layers are shared across repositories of one registry |ko| 한 레지스트리 안의 저장소끼리 레이어를 공유합니다"
curl_host "http://$REG/v2/_catalog"
check_out_contains '"student/goals-backend"' "the catalog now has student/goals-backend |ko| 이제 카탈로그에 student/goals-backend 저장소가 있습니다"

step "plain HTTP is for 127.0.0.0/8 only: any other address needs TLS |ko| 평문 HTTP는 127.0.0.0/8에서만: 그 밖의 주소에는 TLS가 필요함"
run sh -c "docker info 2>/dev/null | grep -A2 'Insecure Registries'"
check_out_contains "127.0.0.0/8" "the engine's default insecure-registries: 127.0.0.0/8 |ko| 엔진의 기본 insecure-registries는 127.0.0.0/8입니다"
say "the same registry at an address outside 127.0.0.0/8: its container's own (the page: that, or your machine's LAN address) |ko| 같은 레지스트리에 127.0.0.0/8 밖의 주소로 접속합니다. 레지스트리 컨테이너 자신의 주소입니다(페이지에서는 이 주소나 호스트 머신의 LAN 주소)"
run docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$REG_C"
REG_IP=$(printf '%s\n' "$OUT" | awk '{print $1; exit}')
check_true "the registry container has an address on its network ($REG_IP) |ko| 레지스트리 컨테이너에 네트워크 주소($REG_IP)가 있습니다" -- test -n "$REG_IP"
if [ -n "$REG_IP" ]; then
  REMOTE=$REG_IP:5000/goals-backend:1.0
  tag_image "$REMOTE"
  run docker push "$REMOTE"
  expect "an error: the same registry, at $REG_IP:5000, is not on the insecure list |ko| 오류: 같은 레지스트리라도 $REG_IP:5000 주소는 insecure 목록에 없습니다"
  check_rc nonzero "docker push to $REG_IP:5000 fails |ko| $REG_IP:5000 주소로 하는 docker push는 실패합니다"
  check_out_contains "server gave HTTP response to HTTPS client" "Docker insists on HTTPS there |ko| 그 주소에는 Docker가 HTTPS만 씁니다"
fi

step "a registry with users (htpasswd, bcrypt) |ko| 사용자가 있는 레지스트리(htpasswd, bcrypt)"
say "the password file, made by htpasswd in a container (the page: the toolbox's; Docker's docs: httpd:2's) |ko| 비밀번호 파일은 컨테이너 안의 htpasswd로 만듭니다(페이지에서는 toolbox의 htpasswd, Docker 문서에서는 httpd:2의 htpasswd)"
run docker run --rm --entrypoint htpasswd "$TOOLBOX_IMAGE" -Bbn student s3cret
# shellcheck disable=SC2016  # a literal $2y$ (bcrypt), not an expansion
check_out_match '^student:\$2y\$' "an htpasswd line with a bcrypt hash (-B: the registry accepts only bcrypt) |ko| bcrypt 해시가 든 htpasswd 줄입니다(-B: 레지스트리는 bcrypt만 받아들입니다)"
[ "$RC" = 0 ] || fatal "no htpasswd in $TOOLBOX_IMAGE: rebuild it with exercises/build-images.sh toolbox |ko| $TOOLBOX_IMAGE 이미지에 htpasswd가 없습니다. exercises/build-images.sh toolbox로 다시 빌드하세요"
mkdir -p "$EX_TMP/auth"
printf '%s\n' "$OUT" | grep '^student:' >"$EX_TMP/auth/htpasswd"
say "the file in a folder bind-mounted into the registry, which reads its users from it (REGISTRY_AUTH=htpasswd) |ko| 이 파일을 둔 폴더를 레지스트리에 바인드 마운트하면, 레지스트리가 그 파일에서 사용자를 읽습니다(REGISTRY_AUTH=htpasswd)"
start_registry "$AREG_C" 401 -v "$EX_TMP/auth:/auth" -e REGISTRY_AUTH=htpasswd \
  -e REGISTRY_AUTH_HTPASSWD_REALM=ex-09-registry -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd
check_rc 0 "the registry with users listens on localhost:$PORT |ko| 사용자가 있는 레지스트리가 localhost:$PORT에서 수신 대기합니다"
[ "$RC" = 0 ] || fatal "the registry with users does not answer |ko| 사용자가 있는 레지스트리가 응답하지 않습니다"
AREG=localhost:$PORT
curl_host "http://$AREG/v2/"
check_http 401 "GET /v2/ without credentials: 401 |ko| 자격 증명 없이 GET /v2/: 401"
curl_host "http://$AREG/v2/" -u student:s3cret
check_http 200 "with the user's password: 200 |ko| 사용자의 비밀번호를 주면: 200"
tag_image "$AREG/goals-backend:1.0"
say "docker login keeps credentials in \$DOCKER_CONFIG/config.json (default ~/.docker): a temporary one here |ko| docker login은 자격 증명을 \$DOCKER_CONFIG/config.json(기본값 ~/.docker)에 저장합니다. 여기서는 임시 디렉터리를 씁니다"
run env DOCKER_CONFIG="$TMP_CFG" docker push "$AREG/goals-backend:1.0"
expect "refused: no credentials |ko| 거부됩니다. 자격 증명이 없습니다"
check_rc nonzero "docker push without docker login fails |ko| docker login 없이 하는 docker push는 실패합니다"
check_out_match "no basic auth credentials|unauthorized" "the registry wants a login |ko| 레지스트리가 로그인을 요구합니다"
run sh -c "echo wrong | DOCKER_CONFIG='$TMP_CFG' docker login $AREG --username student --password-stdin"
check_rc nonzero "docker login with a wrong password fails |ko| 틀린 비밀번호로 하는 docker login은 실패합니다"
run sh -c "echo s3cret | DOCKER_CONFIG='$TMP_CFG' docker login $AREG --username student --password-stdin"
check_rc 0 "docker login $AREG --username student --password-stdin |ko| docker login $AREG --username student --password-stdin 명령이 성공합니다"
check_out_contains "Login Succeeded" "Login Succeeded |ko| Login Succeeded 메시지가 출력됩니다"
run cat "$TMP_CFG/config.json"
check_out_contains "\"$AREG\"" "the credentials are stored in DOCKER_CONFIG's config.json (base64, not encrypted) |ko| 자격 증명이 DOCKER_CONFIG의 config.json에 저장됩니다(base64일 뿐, 암호화하지 않습니다)"
run env DOCKER_CONFIG="$TMP_CFG" docker push "$AREG/goals-backend:1.0"
check_rc 0 "after docker login, the push works |ko| docker login 뒤에는 push가 됩니다"
check_out_contains "1.0: digest: $PUSH_DIGEST" "the same image, the same digest |ko| 같은 이미지이니 다이제스트도 같습니다"
run docker rmi "$AREG/goals-backend:1.0"
run env DOCKER_CONFIG="$TMP_CFG" docker pull "$AREG/goals-backend:1.0"
check_rc 0 "logged in, pull works |ko| 로그인한 상태에서는 pull이 됩니다"
run env DOCKER_CONFIG="$TMP_CFG" docker logout "$AREG"
check_out_contains "Removing login credentials for $AREG" "docker logout removes the credentials |ko| docker logout이 자격 증명을 지웁니다"
run docker rmi "$AREG/goals-backend:1.0"
untrack_cmd docker rmi "$AREG/goals-backend:1.0"
run env DOCKER_CONFIG="$TMP_CFG" docker pull "$AREG/goals-backend:1.0"
[ "$RC" = 0 ] && track cmd docker rmi "$AREG/goals-backend:1.0"   # pulled after all: the name is back
expect "refused: this registry wants a login for everything (like a private repository on Docker Hub) |ko| 거부됩니다. 이 레지스트리는 무엇을 하든 로그인을 요구합니다(Docker Hub의 비공개 저장소처럼)"
check_rc nonzero "logged out, pull fails |ko| 로그아웃한 뒤에는 pull이 실패합니다"
check_out_match "no basic auth credentials|unauthorized" "unauthorized |ko| 인증되지 않았습니다(unauthorized)"
USER_CFG_NOW=$(user_cfg_sum)
check_eq "$USER_CFG_NOW" "$USER_CFG_SUM" "your own $USER_CFG is untouched |ko| 원래 쓰던 $USER_CFG 파일은 그대로입니다"

step "the registries' view |ko| 레지스트리 쪽에서 보기"
curl_host "http://$AREG/v2/_catalog" -u student:s3cret
check_out_contains '{"repositories":["goals-backend"]}' "the private registry has goals-backend |ko| 비공개 레지스트리에 goals-backend 저장소가 있습니다"
run docker exec "$REG_C" du -sh /var/lib/registry
say "layers are stored once per registry, shared by every tag and repository that uses them |ko| 레이어는 레지스트리마다 한 번만 저장되고, 그 레이어를 쓰는 모든 태그와 저장소가 공유합니다"
