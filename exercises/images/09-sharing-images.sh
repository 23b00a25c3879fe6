#!/usr/bin/env bash
# Check of exercises/images/09-sharing-images.md: sharing an image through a registry. A local
# registry (Debian's `docker-registry`, the Distribution registry v2) on localhost; docker tag /
# push / pull; the registry's HTTP API (_catalog, tags/list); layers a registry has already;
# the image ID and digest surviving the round trip; plain HTTP only for 127.0.0.0/8; a registry
# with users (htpasswd): push refused without `docker login`, accepted after, `docker logout`.
# Two registries run as background processes of this check (its temp dir holds their config
# and storage); `docker login` writes to a temporary DOCKER_CONFIG, never to ~/.docker.
# need_deb (lib.sh) installs the Debian packages it needs when they are missing.
. "$(dirname "$0")/../lib.sh"
ex_begin 09 "sharing images: a registry, docker tag / push / pull / login"
need_image "$BACKEND_IMAGE"

need_deb docker-registry docker-registry
need_deb htpasswd apache2-utils

# start_registry NAME ADDR [AUTH]: a registry process with its own config and storage in the
# temp dir; AUTH=1 adds htpasswd users (file $EX_TMP/NAME/htpasswd). Waits until it listens.
start_registry() {
  local name=$1 addr=$2 auth=${3:-0} dir=$EX_TMP/$1
  mkdir -p "$dir/data"
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: warn"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $dir/data"
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: $addr"
    if [ "$auth" = 1 ]; then
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: ex-09-registry"
      echo "    path: $dir/htpasswd"
    fi
  } >"$dir/config.yml"
  run cat "$dir/config.yml"
  run_bg "$dir/registry.log" docker-registry serve "$dir/config.yml"
  track pid "$BG_PID"
  if wait_port 127.0.0.1 "${addr##*:}" 15; then
    pass "the registry $name listens on $addr (pid $BG_PID)"
  else
    tail -5 "$dir/registry.log" | sed 's/^/    /'
    fatal "the registry $name did not start"
  fi
}

PORT=$(free_port)
APORT=$(free_port)
APP_PORT=$(free_port)
REG=localhost:$PORT
AREG=localhost:$APORT
IMG=$REG/goals-backend
APP=$(ex_name backend)
HUB_STYLE=$REG/student/goals-backend:1.0
# docker login writes credentials to $DOCKER_CONFIG/config.json (default ~/.docker): a temporary
# one here, so the user's own logins stay as they are (checked at the end).
USER_CFG=${DOCKER_CONFIG:-$HOME/.docker}/config.json
user_cfg_sum() { if [ -f "$USER_CFG" ]; then sha256sum <"$USER_CFG"; else echo absent; fi; }
USER_CFG_SUM=$(user_cfg_sum)
TMP_CFG=$EX_TMP/docker-config
mkdir -p "$TMP_CFG"
GOALS_ID=$(inspect '{{.Id}}' "$BACKEND_IMAGE")

step "a local registry: Debian's docker-registry (the Distribution registry v2) on port $PORT"
say "storage and config live in this check's temp dir; the package's own service is not used"
run docker-registry --version
check_out_contains "github.com/docker/distribution" "the Distribution registry"
start_registry open "0.0.0.0:$PORT"
run "${CURL[@]}" "http://$REG/v2/"
check_http 200 "GET /v2/ answers: a registry speaking the v2 API"
run "${CURL[@]}" "http://$REG/v2/_catalog"
check_out_contains '{"repositories":[]}' "and it is empty"

step "tag the image with the registry's address: [HOST[:PORT]/]NAME[:TAG]"
run docker tag "$BACKEND_IMAGE" "$IMG:1.0"
track image "$IMG:1.0"
check_rc 0 "docker tag $BACKEND_IMAGE $IMG:1.0"
run docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}' "$IMG"
check_out_contains "$IMG:1.0 ${GOALS_ID:7:12}" "a second name for the same image ID (${GOALS_ID:7:12}), no copy"

step "push it"
run docker push "$IMG:1.0"
check_rc 0 "docker push $IMG:1.0"
check_out_match '^1\.0: digest: sha256:[0-9a-f]{64} size: [0-9]+' "the registry answers with the manifest's digest"
check_out_contains "Pushed" "the layers were uploaded"
PUSH_DIGEST=$(grep -Eo 'sha256:[0-9a-f]{64}' <<<"$OUT" | tail -1)
run "${CURL[@]}" "http://$REG/v2/_catalog"
check_out_contains '{"repositories":["goals-backend"]}' "GET /v2/_catalog lists the repository"
run "${CURL[@]}" "http://$REG/v2/goals-backend/tags/list"
check_out_contains '{"name":"goals-backend","tags":["1.0"]}' "GET /v2/goals-backend/tags/list lists the tag"
run curl -sI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REG/v2/goals-backend/manifests/1.0"
check_out_contains "Docker-Content-Digest: $PUSH_DIGEST" "the manifest's digest is the one push printed"

step "remove the local tag, pull it back"
run docker rmi "$IMG:1.0"
check_out_contains "Untagged: $IMG:1.0" "docker rmi only removes the name"
check_out_lacks "Deleted:" "the image itself stays: $BACKEND_IMAGE still names it"
run docker images -q "$IMG"
check_eq "$OUT" "" "no $IMG image left locally"
run docker pull "$IMG:1.0"
check_rc 0 "docker pull $IMG:1.0 (no login: this registry has no users)"
check_out_contains "Digest: $PUSH_DIGEST" "the same digest as the push"
check_out_match "Downloaded newer image for $IMG:1.0|Image is up to date for $IMG:1.0" "the name is back"
run docker image inspect -f '{{.Id}}' "$IMG:1.0"
check_eq "$OUT" "$GOALS_ID" "the pulled image's ID is $BACKEND_IMAGE's: the same image, byte for byte"
run docker image inspect -f '{{join .RepoDigests " "}}' "$IMG:1.0"
check_out_contains "$IMG@$PUSH_DIGEST" "RepoDigests records where it came from"

step "run the pulled image"
say "its settings come at run time, as always: the env file of the project (MONGODB_HOST=mongodb: not here)"
run docker run -d --name "$APP" "${EX_LABEL_ARGS[@]}" -p "$APP_PORT:80" -e MONGODB_PASSWORD=secret "$IMG:1.0"
track container "$APP"
check_rc 0 "docker run -d -p $APP_PORT:80 -e MONGODB_PASSWORD=secret $IMG:1.0"
wait_http "http://localhost:$APP_PORT/healthz" 200 ""
check_rc 0 "/healthz answers 200: the process serves (no database needed)"
run "${CURL[@]}" "http://localhost:$APP_PORT/readyz"
expect "503: no MongoDB here, and the image does not need one to start"
check_http 503 "/readyz is 503 without a database"

step "push again under new names: the registry has those layers already"
run docker tag "$BACKEND_IMAGE" "$IMG:latest"
track image "$IMG:latest"
run docker push "$IMG:latest"
check_rc 0 "docker push $IMG:latest"
check_out_contains "Layer already exists" "no layer is uploaded twice"
check_out_lacks "Pushed" "nothing new is pushed"
check_out_contains "latest: digest: $PUSH_DIGEST" "same content, same digest"
run "${CURL[@]}" "http://$REG/v2/goals-backend/tags/list"
check_out_match '"tags":\["(1\.0","latest|latest","1\.0)"\]' "two tags, one manifest"
run docker tag "$BACKEND_IMAGE" "$HUB_STYLE"
track image "$HUB_STYLE"
run docker push "$HUB_STYLE"
check_rc 0 "docker push $HUB_STYLE (a USER/REPO name, as on Docker Hub)"
check_out_match "Mounted from goals-backend|Layer already exists" "layers are shared across repositories of one registry"
run "${CURL[@]}" "http://$REG/v2/_catalog"
check_out_contains '"student/goals-backend"' "the catalog now has student/goals-backend"

step "plain HTTP is for 127.0.0.0/8 only: any other address needs TLS"
run bash -c "docker info 2>/dev/null | grep -A2 'Insecure Registries'"
check_out_contains "127.0.0.0/8" "the engine's default insecure-registries: 127.0.0.0/8"
HOST_IP=$(host_ip)
if [ -n "$HOST_IP" ]; then
  REMOTE=$HOST_IP:$PORT/goals-backend:1.0
  run docker tag "$BACKEND_IMAGE" "$REMOTE"
  track image "$REMOTE"
  run docker push "$REMOTE"
  expect "an error: the same registry, by this machine's address $HOST_IP, is not on the insecure list"
  check_rc nonzero "docker push to $HOST_IP:$PORT fails"
  check_out_contains "server gave HTTP response to HTTPS client" "Docker insists on HTTPS there"
else
  say "no host address found (no default route): the TLS demonstration is skipped"
fi

step "a registry with users (htpasswd, bcrypt) on port $APORT"
run htpasswd -Bbn student s3cret
# shellcheck disable=SC2016  # a literal $2y$ (bcrypt), not an expansion
check_out_match '^student:\$2y\$' "an htpasswd line with a bcrypt hash (-B: the registry accepts only bcrypt)"
mkdir -p "$EX_TMP/private"
printf '%s\n' "$OUT" >"$EX_TMP/private/htpasswd"
start_registry private "127.0.0.1:$APORT" 1
run "${CURL[@]}" "http://$AREG/v2/"
check_http 401 "GET /v2/ without credentials: 401"
run "${CURL[@]}" -u student:s3cret "http://$AREG/v2/"
check_http 200 "with the user's password: 200"
run docker tag "$BACKEND_IMAGE" "$AREG/goals-backend:1.0"
track image "$AREG/goals-backend:1.0"
say "docker login keeps credentials in \$DOCKER_CONFIG/config.json (default ~/.docker): a temporary one here"
run env DOCKER_CONFIG="$TMP_CFG" docker push "$AREG/goals-backend:1.0"
expect "refused: no credentials"
check_rc nonzero "docker push without docker login fails"
check_out_match "no basic auth credentials|unauthorized" "the registry wants a login"
run bash -c "echo wrong | DOCKER_CONFIG='$TMP_CFG' docker login $AREG --username student --password-stdin"
check_rc nonzero "docker login with a wrong password fails"
run bash -c "echo s3cret | DOCKER_CONFIG='$TMP_CFG' docker login $AREG --username student --password-stdin"
check_rc 0 "docker login $AREG --username student --password-stdin"
check_out_contains "Login Succeeded" "Login Succeeded"
run cat "$TMP_CFG/config.json"
check_out_contains "\"$AREG\"" "the credentials are stored in DOCKER_CONFIG's config.json (base64, not encrypted)"
run env DOCKER_CONFIG="$TMP_CFG" docker push "$AREG/goals-backend:1.0"
check_rc 0 "after docker login, the push works"
check_out_contains "1.0: digest: $PUSH_DIGEST" "the same image, the same digest"
run docker rmi "$AREG/goals-backend:1.0"
run env DOCKER_CONFIG="$TMP_CFG" docker pull "$AREG/goals-backend:1.0"
check_rc 0 "logged in, pull works"
run env DOCKER_CONFIG="$TMP_CFG" docker logout "$AREG"
check_out_contains "Removing login credentials for $AREG" "docker logout removes the credentials"
run docker rmi "$AREG/goals-backend:1.0"
run env DOCKER_CONFIG="$TMP_CFG" docker pull "$AREG/goals-backend:1.0"
expect "refused: this registry wants a login for everything (like a private repository on Docker Hub)"
check_rc nonzero "logged out, pull fails"
check_out_match "no basic auth credentials|unauthorized" "unauthorized"
check_eq "$(user_cfg_sum)" "$USER_CFG_SUM" "your own $USER_CFG is untouched"

step "the registries' view"
run "${CURL[@]}" -u student:s3cret "http://$AREG/v2/_catalog"
check_out_contains '{"repositories":["goals-backend"]}' "the private registry has goals-backend"
run du -sh "$EX_TMP/open/data"
say "layers are stored once per registry, shared by every tag and repository that uses them"
