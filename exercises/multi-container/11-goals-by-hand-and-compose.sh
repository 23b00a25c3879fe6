#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/multi-container/11-goals-by-hand-and-compose.md: the goals app (MongoDB,
# backend, frontend) started by hand as the course's multi-container module does it, then the
# same with Docker Compose; the two compared; persistence across down/up, loss with down -v;
# MongoDB's root user created only on an EMPTY data volume.
#
# Names: ex-11-* (containers, network, volumes); the compose project is ex-11-goals (its
# containers ex-11-goals-*-1, network ex-11-goals_goals-net, volumes ex-11-goals_*), all
# labelled course.exercise=1. The course's names (mongodb, goals-backend) are given as network
# aliases on ex-11-goals-net, so the containers find each other by the course's names.
. "$(dirname "$0")/../lib.sh"
ex_begin 11 "the goals app by hand, then with Docker Compose |ko| goals 앱을 직접 띄우고, 그다음 Docker Compose로"
FRONTEND_IMAGE=${FRONTEND_IMAGE:-goals-frontend}
need_image "$MONGO_IMAGE" "$BACKEND_IMAGE" "$FRONTEND_IMAGE" "$FAVORITES_IMAGE"
# the throwaway mongosh client: mongo:8 itself, or where that is the CI stand-in (its mongosh
# only answers healthchecks) course-mongosh, built here when missing
MONGOSH=$(mongosh_image)
[ "$MONGOSH" != course-mongosh ] || ensure_image course-mongosh mongosh
need_image "$MONGOSH"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT |ko| $EX_ROOT 폴더로 이동할 수 없습니다"

NET=$(ex_name goals-net)
DATA=$(ex_name data)
DATA2=$(ex_name data-fresh)
LOGS=$(ex_name logs)
MONGO=$(ex_name mongodb)
BACKEND=$(ex_name goals-backend)
BACKEND_NEW=$(ex_name goals-backend-newpw)
FRONTEND=$(ex_name goals-frontend)
# host ports picked by Docker before (the backend's must stay the same when compose takes over)
BPORT=$(free_host_port)
FPORT=$(free_host_port)
PASSWORD=secret            # the course's demo password (env/mongo.env, env/backend.env)
NEW_PASSWORD=changed-later
MONGO_WAIT=${EX11_MONGO_WAIT:-90}

# The backend's password, in a file the container reads as /app/.env (dotenv; read-only bind
# mount): it does not appear in `docker inspect`, unlike -e values.
SECRET_ENV=$EX_TMP/backend-secret.env
printf 'MONGODB_PASSWORD=%s\n' "$PASSWORD" >"$SECRET_ENV"
chmod 644 "$SECRET_ENV"   # the backend runs as user 65532: it must be able to read the file

# compose: the project's file, the CI database image when MONGO_IMAGE is the stand-in, and this
# exercise's override (image tags, labels); host ports from the environment.
PROJECT=ex-11-goals
CI_FILE=
mongo_is_standin && CI_FILE=docker/ci/compose.ci.yml
# compose ARGS...: docker compose with the project's files (relative: the check runs in EX_ROOT)
compose_q() {
  if [ -n "$CI_FILE" ]; then
    docker compose -p "$PROJECT" -f docker-compose.yml -f "$CI_FILE" -f exercises/multi-container/compose.exercise.yml "$@"
  else
    docker compose -p "$PROJECT" -f docker-compose.yml -f exercises/multi-container/compose.exercise.yml "$@"
  fi
}
compose() {
  if [ -n "$CI_FILE" ]; then
    run docker compose -p "$PROJECT" -f docker-compose.yml -f "$CI_FILE" -f exercises/multi-container/compose.exercise.yml "$@"
  else
    run docker compose -p "$PROJECT" -f docker-compose.yml -f exercises/multi-container/compose.exercise.yml "$@"
  fi
}
export MONGO_IMAGE

# backend_ready CONTAINER SECONDS: polls the backend's /readyz through its published port.
readyz_url() { echo "http://localhost:$(docker port "$1" 80/tcp | head -1 | sed 's/.*://')/readyz"; }
# env_keys CONTAINER: its environment variable names, sorted, one line.
env_keys() { inspect '{{range .Config.Env}}{{println .}}{{end}}' "$1" | sed -n 's/=.*//p' | grep -v '^PATH$' | sort | tr '\n' ' '; }
# mounts CONTAINER: "type destination" of each mount, sorted, one line (volume names differ).
mounts() { inspect '{{range .Mounts}}{{.Type}}:{{.Destination}}{{println}}{{end}}' "$1" | sed '/^$/d' | sort | tr '\n' ' '; }
# shellcheck disable=SC2016 # a Go template, not a shell expansion
nets() { inspect '{{range $n, $v := .NetworkSettings.Networks}}{{$n}} {{end}}' "$1"; }
volume_of() { inspect "{{range .Mounts}}{{if eq .Destination \"$2\"}}{{.Name}}{{end}}{{end}}" "$1"; }

# start_mongo VOLUME PASSWORD: the by-hand database (name mongodb on the network).
start_mongo() {
  run docker run -d --name "$MONGO" --network "$NET" --network-alias mongodb --label "$EX_LABEL" \
    -v "$1:/data/db" -e MONGO_INITDB_ROOT_USERNAME=root -e "MONGO_INITDB_ROOT_PASSWORD=$2" "$MONGO_IMAGE"
  track container "$MONGO"
  check_rc 0 "mongodb starts (volume $1, root password \"$2\") |ko| mongodb가 시작됩니다(볼륨 $1, root 비밀번호 \"$2\")"
}

# ==========================================================================================
step "by hand 1/4: a network and the database with a named data volume and a root user |ko| 직접 띄우기 1/4: 네트워크, 그리고 명명된 데이터 볼륨과 root 사용자를 둔 데이터베이스"
run docker network create --label "$EX_LABEL" "$NET"
track network "$NET"
check_rc 0 "docker network create |ko| docker network create로 네트워크를 만듭니다"
run docker volume create --label "$EX_LABEL" "$DATA"
track volume "$DATA"
start_mongo "$DATA" "$PASSWORD"
say "no -p: only containers on $NET reach the database, by the name mongodb |ko| -p 없음: $NET 네트워크에 있는 컨테이너만 mongodb라는 이름으로 데이터베이스에 접속합니다"
say "a throwaway client on the same network: mongosh in a --rm container (image $MONGOSH) |ko| 같은 네트워크의 일회용 클라이언트: --rm 컨테이너에서 실행하는 mongosh(이미지 $MONGOSH)"
# a --rm mongosh container on the network, logging in as root/$PASSWORD (more arguments follow)
mongosh_run() {
  run docker run --rm --name "$(ex_name mongosh)" --network "$NET" --label "$EX_LABEL" "$MONGOSH" mongosh --host mongodb -u root -p "$PASSWORD" "$@"
}
# until the database accepts the login (on an empty volume it creates the root user first)
deadline=$(( $(date +%s) + MONGO_WAIT ))
until _timeout 30 docker run --rm --network "$NET" --label "$EX_LABEL" "$MONGOSH" mongosh --host mongodb -u root -p "$PASSWORD" \
    --authenticationDatabase admin course-goals --eval 1 >/dev/null 2>&1; do
  [ "$(date +%s)" -ge "$deadline" ] && break
  sleep 1
done
mongosh_run --authenticationDatabase admin course-goals --eval 'db.getName()'
check_rc 0 "mongosh logs in as root, against the admin database (--authenticationDatabase admin) |ko| mongosh가 admin 데이터베이스에서 root로 인증해 로그인합니다(--authenticationDatabase admin)"
check_out_match '^course-goals$' "db.getName(): the database named on the command line |ko| db.getName(): 명령줄에 준 데이터베이스가 나옵니다"
mongosh_run course-goals --eval 'db.getName()'
expect "the root user lives in admin: without --authenticationDatabase mongosh looks for it in course-goals |ko| root 사용자는 admin에 있습니다. --authenticationDatabase가 없으면 mongosh는 course-goals에서 사용자를 찾습니다"
check_rc nonzero "without --authenticationDatabase admin the login fails |ko| --authenticationDatabase admin이 없으면 로그인에 실패합니다"
check_out_match '[Aa]uthentication failed' "with MongoDB's error: Authentication failed |ko| MongoDB의 오류는 Authentication failed입니다"

step "by hand 2/4: the backend: env, a logs volume, a read-only bind mount, a published port |ko| 직접 띄우기 2/4: 백엔드: 환경 변수, 로그 볼륨, 읽기 전용 바인드 마운트, 게시한 포트"
run cat "$SECRET_ENV"
run docker run -d --name "$BACKEND" --network "$NET" --network-alias goals-backend --label "$EX_LABEL" \
  -p "127.0.0.1:$BPORT:80" \
  -e MONGODB_HOST=mongodb -e MONGODB_USERNAME=root -e MONGODB_AUTH_SOURCE=admin \
  -v "$LOGS:/app/logs" \
  -v "$SECRET_ENV:/app/.env:ro" \
  "$BACKEND_IMAGE"
track container "$BACKEND"
track volume "$LOGS"
check_rc 0 "the backend starts (it waits for the database by itself) |ko| 백엔드가 시작됩니다(데이터베이스는 스스로 기다립니다)"
wait_http_host "http://localhost:$BPORT/readyz" 200 "$MONGO_WAIT"
check_rc 0 "backend /readyz answers 200: it logged in to mongodb with root/$PASSWORD, authSource=admin |ko| 백엔드 /readyz가 200으로 응답합니다. root/$PASSWORD, authSource=admin으로 mongodb에 로그인했습니다"
[ "$RC" = 0 ] || { run docker logs --tail 15 "$MONGO"; run docker logs --tail 15 "$BACKEND"; fatal "the backend never got ready |ko| 백엔드가 끝내 준비되지 않았습니다"; }
curl_host "http://localhost:$BPORT/goals" -H 'Content-Type: application/json' -d '{"text":"Learn Docker by hand"}'
check_http 201 "POST /goals saves a goal |ko| POST /goals가 목표(goal)를 저장합니다"
curl_host "http://localhost:$BPORT/goals"
check_out_contains '"text":"Learn Docker by hand"' "GET /goals lists it |ko| GET /goals가 그 목표를 나열합니다"
run docker run --rm --name "$(ex_name logs-reader)" --label "$EX_LABEL" -v "$LOGS:/logs:ro" debian:bookworm-slim grep 'POST /goals' /logs/access.log
check_out_match '"POST /goals HTTP/1.1" 201' "the access log is in the logs volume (Apache combined format) |ko| 접근 로그가 로그 볼륨에 있습니다(Apache combined 형식)"
run docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$BACKEND"
check_out_lacks "MONGODB_PASSWORD" "the password is not in docker inspect: it came from the bind-mounted /app/.env |ko| docker inspect에 비밀번호가 없습니다. 바인드 마운트한 /app/.env에서 왔습니다"

step "by hand 2/4, continued: the whole connection string in one setting (MONGODB_URL) |ko| 직접 띄우기 2/4(계속): 연결 문자열 전체를 설정 하나에(MONGODB_URL)"
FAV=$(ex_name favorites)
run docker run -d --name "$FAV" --network "$NET" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e "MONGODB_URL=mongodb://root:$PASSWORD@mongodb:27017/swfavorites?authSource=admin" "$FAVORITES_IMAGE"
track container "$FAV"
check_rc 0 "favorites starts with user:password@mongodb:27017/swfavorites?authSource=admin |ko| favorites가 user:password@mongodb:27017/swfavorites?authSource=admin으로 시작됩니다"
wait_http_host "http://localhost:$(published "$FAV" 3000)/readyz" 200 "$MONGO_WAIT"
check_rc 0 "favorites is ready: the connection string logged in as root, authSource=admin |ko| favorites가 준비되었습니다. 연결 문자열로 root, authSource=admin으로 로그인했습니다"
run docker rm -f "$FAV"
run docker run -d --name "$FAV" --network "$NET" --label "$EX_LABEL" -p 127.0.0.1::3000 \
  -e "MONGODB_URL=mongodb://root:$PASSWORD@mongodb:27017/swfavorites" "$FAVORITES_IMAGE"
FAV_PORT=$(published "$FAV" 3000)
wait_http_host "http://localhost:$FAV_PORT/healthz" 200 || fatal "favorites did not start serving |ko| favorites가 요청을 처리하기 시작하지 않았습니다"
curl_host "http://localhost:$FAV_PORT/readyz"
expect "503: without authSource the driver looks for root in swfavorites, where there is none |ko| 503: authSource가 없으면 드라이버는 root 사용자를 swfavorites에서 찾는데, 거기에는 없습니다"
check_http 503 "without ?authSource=admin the login is refused |ko| ?authSource=admin이 없으면 로그인이 거부됩니다"
run docker rm -f "$FAV"

step "by hand 3/4: the frontend (server-side rendering reaches the backend by name) |ko| 직접 띄우기 3/4: 프런트엔드(서버 쪽 렌더링은 이름으로 백엔드에 접속)"
run docker run -d --name "$FRONTEND" --network "$NET" --label "$EX_LABEL" -p "127.0.0.1:$FPORT:3000" \
  -e BACKEND_INTERNAL_URL=http://goals-backend -e "BACKEND_PUBLIC_URL=http://localhost:$BPORT" \
  "$FRONTEND_IMAGE"
track container "$FRONTEND"
check_rc 0 "the frontend starts |ko| 프런트엔드가 시작됩니다"
wait_http_host "http://localhost:$FPORT/readyz" 200
quiet_curl_host "http://localhost:$FPORT/"
check_http 200 "GET / on the frontend |ko| 프런트엔드가 GET /에 응답합니다"
check_out_contains "Learn Docker by hand" "the page's HTML (rendered on the server) lists the goal |ko| (서버에서 렌더링한) 페이지의 HTML에 목표가 나옵니다"
# What compose must match, recorded now (the by-hand stack goes before compose starts).
HAND_BACKEND_ENV=$(env_keys "$BACKEND")
HAND_FILE_KEYS=$(sed -n 's/=.*//p' "$SECRET_ENV" | tr '\n' ' ')
HAND_BACKEND_MOUNTS=$(mounts "$BACKEND")
HAND_MONGO_MOUNTS=$(mounts "$MONGO")
HAND_MONGO_ENV=$(env_keys "$MONGO" | tr ' ' '\n' | grep '^MONGO_INITDB' | tr '\n' ' ')
HAND_NETS="$(nets "$MONGO")/ $(nets "$BACKEND")/ $(nets "$FRONTEND")"

step "by hand 4/4: the root user is created only on an EMPTY data volume |ko| 직접 띄우기 4/4: root 사용자는 데이터 볼륨이 비어 있을 때만 만들어짐"
say "start mongodb again on the SAME volume, with another MONGO_INITDB_ROOT_PASSWORD |ko| 같은 볼륨으로, 다른 MONGO_INITDB_ROOT_PASSWORD를 주고 mongodb를 다시 시작합니다"
run docker rm -f "$MONGO"
start_mongo "$DATA" "$NEW_PASSWORD"
wait_http_host "http://localhost:$BPORT/readyz" 200 "$MONGO_WAIT"
check_rc 0 "the OLD password still works: the backend with \"$PASSWORD\" is ready again |ko| 예전 비밀번호가 여전히 통합니다. 비밀번호가 \"$PASSWORD\"인 백엔드가 다시 준비됩니다"
curl_host "http://localhost:$BPORT/goals"
check_out_contains '"text":"Learn Docker by hand"' "and the goal is still there (the data is in the volume) |ko| 목표도 그대로 있습니다(데이터는 볼륨에 있습니다)"
run docker run -d --name "$BACKEND_NEW" --network "$NET" --label "$EX_LABEL" -p 127.0.0.1::80 \
  -e MONGODB_HOST=mongodb -e MONGODB_USERNAME=root -e "MONGODB_PASSWORD=$NEW_PASSWORD" "$BACKEND_IMAGE"
track container "$BACKEND_NEW"
BPORT_NEW=$(published "$BACKEND_NEW" 80)
wait_http_host "http://localhost:$BPORT_NEW/healthz" 200
curl_host "http://localhost:$BPORT_NEW/readyz"
check_http 503 "the NEW password is refused: a backend with \"$NEW_PASSWORD\" is not ready |ko| 새 비밀번호는 거부됩니다. 비밀번호가 \"$NEW_PASSWORD\"인 백엔드는 준비되지 않습니다"
# its log: the first attempt may still be running; look for at most 15 s
for _ in $(seq 30); do docker logs "$BACKEND_NEW" 2>&1 | grep -q "authentication failed" && break; sleep 0.5; done
run docker logs --tail 5 "$BACKEND_NEW"
check_out_contains "authentication failed" "its log says why |ko| 그 로그에 이유가 나옵니다"
say "mongodb saw a non-empty /data/db and skipped its init: the env var changed nothing |ko| mongodb는 /data/db가 비어 있지 않아 초기화를 건너뛰었습니다. 환경 변수는 아무것도 바꾸지 못했습니다"
say "with an EMPTY volume the new password is used: |ko| 볼륨이 비어 있으면 새 비밀번호가 쓰입니다:"
run docker rm -f "$MONGO"
run docker volume create --label "$EX_LABEL" "$DATA2"
track volume "$DATA2"
start_mongo "$DATA2" "$NEW_PASSWORD"
wait_http_host "http://localhost:$BPORT_NEW/readyz" 200 "$MONGO_WAIT"
check_rc 0 "on a fresh volume the backend with \"$NEW_PASSWORD\" gets ready |ko| 새 볼륨에서는 비밀번호가 \"$NEW_PASSWORD\"인 백엔드가 준비됩니다"
curl_host "http://localhost:$BPORT_NEW/goals"
check_out_contains '"goals":[]' "an empty database: the old goal lives in the other volume |ko| 빈 데이터베이스입니다. 예전 목표는 다른 볼륨에 있습니다"
curl_host "http://localhost:$BPORT/readyz"
check_http 503 "and now the old password is the refused one |ko| 이제는 예전 비밀번호가 거부됩니다"

step "by hand: clean up (the volumes stay until removed) |ko| 직접 띄운 앱 정리하기(볼륨은 지울 때까지 남음)"
run docker rm -f "$FRONTEND" "$BACKEND" "$BACKEND_NEW" "$MONGO"
check_rc 0 "docker rm -f the four containers |ko| docker rm -f로 컨테이너 네 개를 지웁니다"
run docker network rm "$NET"
check_rc 0 "docker network rm |ko| docker network rm으로 네트워크를 지웁니다"
run docker volume ls --filter "label=$EX_LABEL" --filter name=ex-11- --format '{{.Name}}'
check_out_contains "$DATA" "the data volume survived the containers |ko| 데이터 볼륨은 컨테이너가 사라져도 남았습니다"
run docker volume rm "$DATA" "$DATA2" "$LOGS"
check_rc 0 "docker volume rm: the data is gone for good now |ko| docker volume rm: 이제 데이터가 완전히 사라졌습니다"

# ==========================================================================================
step "compose: the same app from docker-compose.yml (project $PROJECT, free host ports) |ko| compose: docker-compose.yml로 같은 앱 띄우기(프로젝트 $PROJECT, 빈 호스트 포트)"
export BACKEND_PORT="$BPORT" FRONTEND_PORT="$FPORT" FAVORITES_PORT
FAVORITES_PORT=$(free_host_port)
printf '%s\n' "${C_CMD}\$ export BACKEND_PORT=$BACKEND_PORT FRONTEND_PORT=$FRONTEND_PORT FAVORITES_PORT=$FAVORITES_PORT${C_OFF}"
if [ -n "$CI_FILE" ]; then
  track cmd docker compose -p "$PROJECT" -f "$EX_ROOT/docker-compose.yml" -f "$EX_ROOT/$CI_FILE" -f "$EX_ROOT/exercises/multi-container/compose.exercise.yml" down -v --remove-orphans --timeout 5
else
  track cmd docker compose -p "$PROJECT" -f "$EX_ROOT/docker-compose.yml" -f "$EX_ROOT/exercises/multi-container/compose.exercise.yml" down -v --remove-orphans --timeout 5
fi
compose config --services
check_rc 0 "the compose files are valid |ko| compose 파일이 유효합니다"
check_out_contains backend "services: mongodb, backend, favorites, frontend |ko| 서비스: mongodb, backend, favorites, frontend"
if [ "${EX_BUILD:-1}" = 0 ]; then
  say "EX_BUILD=0: the images were given (loaded into this engine, not built here): no docker compose build |ko| EX_BUILD=0: 이미지가 미리 주어졌습니다(여기서 빌드하지 않고 이 엔진에 불러옴). docker compose build는 건너뜁니다"
else
  say "a cache hit when the sources did not change since exercises/build-images.sh (a real build otherwise) |ko| exercises/build-images.sh를 실행한 뒤로 소스가 바뀌지 않았다면 캐시만 씁니다(바뀌었다면 실제로 빌드합니다)"
  EX_CMD_TIMEOUT=${EX11_BUILD_TIMEOUT:-900} compose build backend
  check_rc 0 "docker compose build backend (the build cache makes it quick) |ko| docker compose build backend로 빌드합니다(빌드 캐시 덕분에 빠릅니다)"
fi
EX_CMD_TIMEOUT=300 compose up -d --wait
check_rc 0 "docker compose up -d --wait: network, volumes, containers, all healthy |ko| docker compose up -d --wait: 네트워크, 볼륨, 컨테이너가 생기고 모두 healthy 상태가 됩니다"
[ "$RC" = 0 ] || { compose ps -a; compose logs --tail 20; fatal "the stack did not come up |ko| 스택이 올라오지 않았습니다"; }
compose ps --format '{{.Service}} {{.State}} {{.Health}}'
check_out_match '^backend running healthy' "ps: backend running, healthy |ko| ps: backend가 실행 중이고 healthy 상태입니다"
check_out_match '^mongodb running healthy' "ps: mongodb running, healthy |ko| ps: mongodb가 실행 중이고 healthy 상태입니다"
check_out_match '^frontend running healthy' "ps: frontend running, healthy |ko| ps: frontend가 실행 중이고 healthy 상태입니다"
curl_host "http://localhost:$BPORT/goals" -H 'Content-Type: application/json' -d '{"text":"Learn Docker Compose"}'
check_http 201 "POST /goals through the published backend port |ko| 게시한 백엔드 포트로 POST /goals를 보냅니다"
quiet_curl_host "http://localhost:$FPORT/"
check_out_contains "Learn Docker Compose" "the frontend page lists it |ko| 프런트엔드 페이지에 그 목표가 나옵니다"
compose logs --no-color --tail 5 backend
check_out_contains "backend-1" "docker compose logs backend: the service's output, prefixed by its container |ko| docker compose logs backend: 서비스의 출력이 컨테이너 이름을 앞에 붙여 나옵니다"

step "compose vs by hand: the same containers, network, volumes, env |ko| compose와 직접 띄우기 비교: 같은 컨테이너, 네트워크, 볼륨, 환경 변수"
C_BACKEND=$(compose_q ps -q backend)
C_MONGO=$(compose_q ps -q mongodb)
C_FRONTEND=$(compose_q ps -q frontend)
run docker inspect -f '{{.Name}} {{range $n, $v := .NetworkSettings.Networks}}{{$n}} {{end}}{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}} {{end}}' "$C_MONGO" "$C_BACKEND" "$C_FRONTEND"
COMPOSE_NETS="$(nets "$C_MONGO")/ $(nets "$C_BACKEND")/ $(nets "$C_FRONTEND")"
check_eq "$(printf '%s' "$COMPOSE_NETS" | sed "s/${PROJECT}_goals-net/goals-net/g")" "$(printf '%s' "$HAND_NETS" | sed "s/$NET/goals-net/g")" \
  "one network for the three, goals-net (compose prefixes the project: ${PROJECT}_goals-net) |ko| 세 컨테이너에 네트워크 하나, goals-net(compose는 프로젝트 이름을 앞에 붙입니다: ${PROJECT}_goals-net)"
check_eq "$(mounts "$C_MONGO")" "$HAND_MONGO_MOUNTS" "mongodb: the same mounts (a volume at /data/db) |ko| mongodb: 마운트가 같습니다(/data/db에 볼륨)"
check_eq "$(volume_of "$C_MONGO" /data/db)" "${PROJECT}_data" "compose's data volume is named ${PROJECT}_data |ko| compose의 데이터 볼륨 이름은 ${PROJECT}_data입니다"
check_eq "$(mounts "$C_BACKEND" | sed 's/bind:\/app\/.env //')" "$(printf '%s' "$HAND_BACKEND_MOUNTS" | sed 's/bind:\/app\/.env //')" \
  "backend: the same logs volume at /app/logs (by hand also the bind-mounted /app/.env) |ko| backend: /app/logs에 같은 로그 볼륨이 있습니다(직접 띄운 쪽에는 바인드 마운트한 /app/.env도 있습니다)"
COMPOSE_ENV=$(env_keys "$C_BACKEND")
HAND_ALL=$(printf '%s' "$HAND_BACKEND_ENV $HAND_FILE_KEYS" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
say "compose backend env: $COMPOSE_ENV |ko| compose 백엔드의 환경 변수: $COMPOSE_ENV"
say "by hand: $HAND_BACKEND_ENV+ from /app/.env: $HAND_FILE_KEYS |ko| 직접 띄운 쪽: $HAND_BACKEND_ENV+ /app/.env에서: $HAND_FILE_KEYS"
check_eq "$COMPOSE_ENV" "$HAND_ALL" "backend: the same settings (env_file env/backend.env = -e ... + the .env file) |ko| backend: 설정이 같습니다(env_file env/backend.env = -e ... + .env 파일)"
check_eq "$(env_keys "$C_MONGO" | tr ' ' '\n' | grep '^MONGO_INITDB' | tr '\n' ' ')" "$HAND_MONGO_ENV" \
  "mongodb: the same MONGO_INITDB_ROOT_* (from env/mongo.env) |ko| mongodb: MONGO_INITDB_ROOT_* 변수가 같습니다(env/mongo.env에서 옵니다)"

step "compose down keeps the volumes; up again: the data is still there |ko| compose down은 볼륨을 남김. 다시 up 하면 데이터가 그대로"
compose down --timeout 5
check_rc 0 "docker compose down: containers and network removed |ko| docker compose down: 컨테이너와 네트워크가 지워집니다"
run docker ps -a --filter "label=com.docker.compose.project=$PROJECT" -q
check_eq "$OUT" "" "no container of the project is left |ko| 프로젝트의 컨테이너가 하나도 남지 않았습니다"
run docker volume ls --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Name}}'
check_out_contains "${PROJECT}_data" "the volumes stay (${PROJECT}_data, ${PROJECT}_logs) |ko| 볼륨은 남아 있습니다(${PROJECT}_data, ${PROJECT}_logs)"
EX_CMD_TIMEOUT=300 compose up -d --wait
check_rc 0 "docker compose up -d --wait again |ko| docker compose up -d --wait를 다시 실행합니다"
curl_host "http://localhost:$BPORT/goals"
check_out_contains '"text":"Learn Docker Compose"' "the goal survived down/up |ko| 목표가 down/up 뒤에도 남아 있습니다"

step "compose down -v: the volumes, and the data, are gone |ko| compose down -v: 볼륨도, 데이터도 사라짐"
compose down -v --timeout 5
check_rc 0 "docker compose down -v |ko| docker compose down -v로 볼륨까지 지웁니다"
run docker volume ls --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Name}}'
check_eq "$OUT" "" "no volume of the project is left |ko| 프로젝트의 볼륨이 하나도 남지 않았습니다"
EX_CMD_TIMEOUT=300 compose up -d --wait
check_rc 0 "up again, on new empty volumes |ko| 비어 있는 새 볼륨으로 다시 up 합니다"
curl_host "http://localhost:$BPORT/goals"
check_out_contains '"goals":[]' "no goals: a new database (and a new root user, from env/mongo.env) |ko| 목표가 없습니다. 새 데이터베이스입니다(env/mongo.env로 만든 새 root 사용자도)"
compose down -v --timeout 5
check_rc 0 "docker compose down -v (the end) |ko| 마지막으로 docker compose down -v를 실행합니다"
