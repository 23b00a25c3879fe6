#!/usr/bin/env bash
# Check of exercises/multi-container/12-infrastructure-as-code.md: the project's Ansible playbook
# (infra/ansible/) installs Docker from the distribution's packages and runs the stack from
# docker-compose.yml. Asserts: --syntax-check; a --check --diff dry run reports what would
# change and starts nothing; applying it brings the stack up healthy (readyz, a goal round
# trip); a second run changes nothing (changed=0), and so does a dry run then; goals_state=absent
# tears it all down, twice without change. Compose project ex-12-goals, free host ports; the
# engine's service is left alone (docker_manage_service=false); a trap tears down on failure.
# need_deb (lib.sh) installs the Debian packages it needs when they are missing.
. "$(dirname "$0")/../lib.sh"
ex_begin 12 "infrastructure as code: an Ansible playbook runs the compose stack |ko| 코드형 인프라(IaC): compose 스택을 실행하는 Ansible 플레이북"
need_image "$MONGO_IMAGE"
FRONTEND_IMAGE=${FRONTEND_IMAGE:-goals-frontend}
ANSIBLE_DIR=$EX_ROOT/infra/ansible
ANSIBLE_DIR=$(cd "$ANSIBLE_DIR" && pwd) || fatal "infra/ansible/ is missing |ko| infra/ansible/ 폴더가 없습니다"
PROJECT=$(ex_name goals)

# ansible-core (1.3 MB download, ~9 s) has every module the playbook uses (ansible.builtin);
# the full `ansible` package (17 MB, ~47 s) adds collections it does not need.
need_deb ansible-playbook ansible-core

# the stack's images, and the toolbox the notes' compose file runs: built here when missing
ensure_image "$BACKEND_IMAGE" backend
ensure_image "$FAVORITES_IMAGE" favorites
ensure_image "$FRONTEND_IMAGE" frontend
ensure_image "$TOOLBOX_IMAGE" toolbox

# recap NAME: a number from the PLAY RECAP line of the last ansible-playbook output
recap() { sed -n "s/^localhost *:.* $1=\([0-9]*\).*/\1/p" <<<"$OUT" | tail -1; }
# project_things: every container and volume of the compose project ex-12-goals
project_things() {
  { docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"
    docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT"
    docker network ls -q --filter "label=com.docker.compose.project=$PROJECT"; } 2>/dev/null
}

BACKEND_PORT=$(free_port)
FAVORITES_PORT=$(free_port)
FRONTEND_PORT=$(free_port)

# The check's settings: the same playbook, pointed at this run's project, ports and images.
FILES=(docker-compose.yml)
mongo_is_standin && FILES+=(docker/ci/compose.ci.yml)  # no mongosh: its own healthcheck
# the exercises' override (shared with 11): the images exercises/build-images.sh built (no
# build here), the MongoDB image of MONGO_IMAGE, and the course label on everything
FILES+=(exercises/multi-container/compose.exercise.yml)

# Never change the machine's Docker set-up from a check: the engine must be running already
# (the service manager is not touched), and packages are installed only where Docker came
# from the distribution's docker.io package and we are root (Docker CE / Desktop: left alone).
DOCKER_INSTALL=false
if [ "$(id -u)" = 0 ] && dpkg-query -W -f '${Status}' docker.io 2>/dev/null | grep -q 'ok installed'; then
  DOCKER_INSTALL=true
fi
BECOME=false
[ "$(id -u)" = 0 ] || BECOME=true
VARS=$EX_TMP/ex-12-vars.yml
{
  echo "goals_project_name: $PROJECT"
  echo "goals_project_dir: $EX_ROOT"
  echo "goals_compose_files:"
  for f in "${FILES[@]}"; do echo "  - $f"; done
  echo "goals_compose_env:"
  echo "  BACKEND_PORT: \"$BACKEND_PORT\""
  echo "  FAVORITES_PORT: \"$FAVORITES_PORT\""
  echo "  FRONTEND_PORT: \"$FRONTEND_PORT\""
  echo "  MONGO_IMAGE: \"$MONGO_IMAGE\""
  echo "goals_state_dir: $EX_TMP/state"
  echo "goals_wait_timeout: 180"
  echo "docker_manage_service: false"
  echo "docker_install: $DOCKER_INSTALL"
  echo "goals_become: $BECOME"
} >"$VARS"
# safety net: whatever happens, the project goes (containers, network, volumes)
track cmd docker compose -p "$PROJECT" down -v --remove-orphans --timeout 5
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
cd "$ANSIBLE_DIR" || fatal "cannot cd to $ANSIBLE_DIR |ko| $ANSIBLE_DIR 폴더로 이동할 수 없습니다"
# The play's long compose diff is cut by EX_MAX_LINES; show the end (the recap) too.
show_tail() { printf '%s\n' "$OUT" | grep -v '^[-+@ ]' | tail -n "${1:-8}" | sed 's/^/    | /'; }

step "the playbook, its inventory and the settings of this run |ko| 플레이북, 인벤토리, 이번 실행의 설정"
run ansible-playbook --version
check_rc 0 "ansible-playbook runs (Debian's ansible-core) |ko| ansible-playbook이 실행됩니다(Debian의 ansible-core)"
run cat inventory
check_out_contains "ansible_connection=local" "the inventory: this machine, no SSH |ko| 인벤토리: 이 머신 자체, SSH 없음"
run cat "$VARS"
say "docker_manage_service=false: dockerd here is not run by a service manager, and a check does not touch yours |ko| docker_manage_service=false: 여기서는 서비스 관리자가 dockerd를 실행하지 않고, 점검 스크립트는 내 서비스 관리자를 건드리지 않습니다"
say "docker_install=$DOCKER_INSTALL: only when Docker came from Debian's docker.io and we are root |ko| docker_install=$DOCKER_INSTALL: Docker가 Debian의 docker.io에서 왔고 점검 스크립트가 root로 실행될 때에만 켭니다"

step "ansible-playbook --syntax-check |ko| 문법 검사: ansible-playbook --syntax-check"
run ansible-playbook -i inventory playbook.yml --syntax-check
check_rc 0 "the playbook parses |ko| 플레이북의 문법이 올바릅니다"
check_out_contains "playbook: playbook.yml" "and names itself |ko| 플레이북 자신의 이름도 출력합니다"

step "dry run: --check --diff reports what would change, starts nothing |ko| 드라이 런: 무엇이 바뀔지 보고만 하고 아무것도 시작하지 않는 --check --diff"
run ansible-playbook -i inventory playbook.yml --check --diff -e "@$VARS"
show_tail 6
check_rc 0 "the dry run succeeds |ko| 드라이 런이 성공합니다"
# (in the order of `docker compose config --services`, which is not always the file's)
check_out_match '"would start: ((mongodb|backend|favorites|frontend)(, |"$)){4}' "it plans to start the four services |ko| 서비스 네 개를 시작할 계획을 보고합니다"
check_out_contains "+name: $PROJECT" "--diff shows the configuration that would be deployed |ko| --diff가 배포될 구성을 보여 줍니다"
check_ne "$(recap changed)" 0 "the recap counts changes (would-be) |ko| PLAY RECAP에 변경이 집계됩니다(적용했다면 일어날 변경)"
check_eq "$(recap failed)" 0 "nothing failed |ko| 실패한 것이 없습니다"
check_eq "$(project_things | wc -l)" 0 "no container, network or volume of $PROJECT exists after it |ko| 드라이 런 뒤에 $PROJECT 프로젝트의 컨테이너, 네트워크, 볼륨이 하나도 없습니다"
check_true "and nothing was written (the recorded configuration does not exist) |ko| 아무것도 쓰지 않았습니다(기록된 구성 파일이 없습니다)" -- test ! -e "$EX_TMP/state/$PROJECT.compose.yml"

step "apply it to this machine |ko| 이 머신에 적용하기"
run ansible-playbook -i inventory playbook.yml -e "@$VARS"
show_tail 8
check_rc 0 "ansible-playbook applies the play |ko| ansible-playbook이 플레이를 적용합니다"
check_out_match "changed: \[localhost\]" "tasks report changes |ko| 태스크들이 변경(changed)을 보고합니다"
check_out_contains "TASK [Stack | docker compose up --detach --wait]" "compose brought the stack up |ko| compose가 스택을 띄웠습니다"
check_eq "$(recap failed)" 0 "failed=0 |ko| 실패 없음: failed=0"
check_ne "$(recap changed)" 0 "changed is not 0 (first run) |ko| changed가 0이 아닙니다(첫 실행)"
run docker compose -p "$PROJECT" ps --format '{{.Service}} {{.Status}}'
check_eq "$(grep -c '(healthy)' <<<"$OUT")" 4 "the four services are up and healthy |ko| 서비스 네 개가 모두 떠 있고 healthy 상태입니다"
run "${CURL[@]}" "http://localhost:$BACKEND_PORT/readyz"
check_http 200 "the backend is ready (it reached MongoDB) |ko| 백엔드가 준비되었습니다(MongoDB에 연결됨)"
run "${CURL[@]}" -X POST -H 'Content-Type: application/json' -d '{"text":"ex-12 deployed by ansible"}' "http://localhost:$BACKEND_PORT/goals"
check_http 201 "POST /goals stores a goal |ko| POST /goals가 목표(goal)를 저장합니다"
GOAL_ID=$(sed -n 's/.*"id":"\([0-9a-f]\{24\}\)".*/\1/p' <<<"$OUT" | head -1)
run "${CURL[@]}" "http://localhost:$BACKEND_PORT/goals"
check_out_contains '"text":"ex-12 deployed by ansible"' "GET /goals returns it |ko| GET /goals가 그 목표를 돌려줍니다"
run "${CURL[@]}" -X DELETE "http://localhost:$BACKEND_PORT/goals/$GOAL_ID"
check_http 200 "DELETE /goals/$GOAL_ID |ko| 목표 삭제: DELETE /goals/$GOAL_ID"
run "${CURL[@]}" -o /dev/null "http://localhost:$FRONTEND_PORT/"
check_http 200 "the frontend answers on its port |ko| 프런트엔드가 자기 포트에서 응답합니다"
run ls -l "$EX_TMP/state"
check_out_contains "-rw-------" "the deployed configuration is recorded, readable by its owner only |ko| 배포한 구성이 기록되어 있고, 소유자만 읽을 수 있습니다"

step "apply it again: idempotent, nothing changes |ko| 다시 적용하기: 멱등성, 아무것도 바뀌지 않음"
run ansible-playbook -i inventory playbook.yml -e "@$VARS"
show_tail 4
check_rc 0 "the second run succeeds |ko| 두 번째 실행이 성공합니다"
check_eq "$(recap changed)" 0 "changed=0: the host is already as described |ko| changed=0: 호스트가 이미 코드에 적힌 상태입니다"
check_eq "$(recap failed)" 0 "failed=0 |ko| 실패 없음: failed=0"
run ansible-playbook -i inventory playbook.yml --check --diff -e "@$VARS"
show_tail 4
check_eq "$(recap changed)" 0 "and a dry run now has nothing to do |ko| 이제 드라이 런도 할 일이 없습니다"

step "change the description (another backend port), apply: only what changed is recreated |ko| 기술을 바꾸고(다른 백엔드 포트) 적용하기: 바뀐 것만 다시 만들어짐"
# id_of SERVICE LISTING: the container id of SERVICE in a "SERVICE ID" listing (compose ps)
id_of() { awk -v s="$1" '$1 == s {print $2}' <<<"$2"; }
run "${CURL[@]}" -X POST -H 'Content-Type: application/json' -d '{"text":"ex-12 kept across the change"}' "http://localhost:$BACKEND_PORT/goals"
check_http 201 "a goal to find again after the change |ko| 변경 뒤에 다시 찾을 목표를 저장합니다"
run docker compose -p "$PROJECT" ps --format '{{.Service}} {{.ID}}'
BEFORE=$OUT
check_eq "$(grep -cE '^[a-z]+ [0-9a-f]{12,64}$' <<<"$BEFORE")" 4 "the four services and their containers' ids |ko| 서비스 네 개와 그 컨테이너 ID"
NEW_BACKEND_PORT=$(free_port)
# -e replaces goals_compose_env as a whole: the check's other settings go along unchanged
CHANGE="{\"goals_compose_env\": {\"BACKEND_PORT\": \"$NEW_BACKEND_PORT\", \"FAVORITES_PORT\": \"$FAVORITES_PORT\", \"FRONTEND_PORT\": \"$FRONTEND_PORT\", \"MONGO_IMAGE\": \"$MONGO_IMAGE\"}}"
say "-e replaces the whole goals_compose_env: the page's {\"BACKEND_PORT\": \"8080\"}, plus this run's other settings |ko| -e는 goals_compose_env 전체를 바꿉니다: 페이지의 {\"BACKEND_PORT\": \"8080\"}에 이번 실행의 나머지 설정을 더해 넘깁니다"
run ansible-playbook -i inventory playbook.yml --check --diff -e "@$VARS" -e "$CHANGE"
show_tail 4
check_rc 0 "the dry run of the change succeeds |ko| 변경의 드라이 런이 성공합니다"
check_out_match "^\+ +published: \"$NEW_BACKEND_PORT\"" "--diff shows the backend's new published port |ko| --diff에 백엔드의 새 게시 포트가 나옵니다"
check_out_match "^\+ +BACKEND_PUBLIC_URL: http://localhost:$NEW_BACKEND_PORT" "and the frontend's new BACKEND_PUBLIC_URL |ko| 프런트엔드의 새 BACKEND_PUBLIC_URL도 나옵니다"
say "-v: ansible shows compose's own output, one line per container |ko| -v: ansible이 compose 자체의 출력을 컨테이너마다 한 줄씩 보여 줍니다"
run ansible-playbook -i inventory playbook.yml -v -e "@$VARS" -e "$CHANGE"
show_tail 4
check_rc 0 "the change is applied |ko| 변경이 적용됩니다"
check_ne "$(recap changed)" 0 "it counts as a change |ko| 변경으로 집계됩니다"
check_out_contains "Container $PROJECT-backend-1  Recreated" "compose recreated the backend (its port changed) |ko| compose가 백엔드를 다시 만들었습니다(포트가 바뀜)"
check_out_contains "Container $PROJECT-frontend-1  Recreated" "and the frontend (its BACKEND_PUBLIC_URL changed) |ko| 프런트엔드도 다시 만들었습니다(BACKEND_PUBLIC_URL이 바뀜)"
check_out_contains "Container $PROJECT-mongodb-1  Running" "mongodb: left running |ko| mongodb: 그대로 실행 중"
check_out_lacks "Container $PROJECT-mongodb-1  Recreate" "not recreated |ko| mongodb는 다시 만들어지지 않았습니다"
check_out_contains "Container $PROJECT-favorites-1  Running" "favorites: left running |ko| favorites: 그대로 실행 중"
check_out_lacks "Container $PROJECT-favorites-1  Recreate" "not recreated |ko| favorites는 다시 만들어지지 않았습니다"
run docker compose -p "$PROJECT" ps --format '{{.Service}} {{.ID}}'
AFTER=$OUT
check_eq "$(grep -cE '^[a-z]+ [0-9a-f]{12,64}$' <<<"$AFTER")" 4 "four services again |ko| 다시 서비스 네 개"
check_ne "$(id_of backend "$AFTER")" "$(id_of backend "$BEFORE")" "backend: a new container |ko| backend: 새 컨테이너"
check_ne "$(id_of frontend "$AFTER")" "$(id_of frontend "$BEFORE")" "frontend: a new container |ko| frontend: 새 컨테이너"
check_eq "$(id_of mongodb "$AFTER")" "$(id_of mongodb "$BEFORE")" "mongodb: the same container, kept running |ko| mongodb: 같은 컨테이너가 계속 실행 중"
check_eq "$(id_of favorites "$AFTER")" "$(id_of favorites "$BEFORE")" "favorites: the same container, kept running |ko| favorites: 같은 컨테이너가 계속 실행 중"
run "${CURL[@]}" "http://localhost:$NEW_BACKEND_PORT/goals"
check_out_contains '"text":"ex-12 kept across the change"' "on the new port the goal is still there: the data volume was kept |ko| 새 포트에서도 목표가 그대로 있습니다. 데이터 볼륨을 남겨 두었습니다"
run "${CURL[@]}" "http://localhost:$BACKEND_PORT/goals"
check_http 000 "the old port answers no more |ko| 이전 포트는 더 이상 응답하지 않습니다"

step "goals_state=absent: tear it down (with the volumes) |ko| goals_state=absent: 스택 내리기(볼륨 포함)"
run ansible-playbook -i inventory playbook.yml -e "@$VARS" -e goals_state=absent -e goals_remove_volumes=true
show_tail 4
check_rc 0 "the teardown succeeds |ko| 내리기가 성공합니다"
check_ne "$(recap changed)" 0 "it changed something (removed the stack) |ko| 무언가를 바꿨습니다(스택을 지움)"
check_eq "$(project_things | wc -l)" 0 "no container, network or volume of $PROJECT is left |ko| $PROJECT 프로젝트의 컨테이너, 네트워크, 볼륨이 하나도 남지 않았습니다"
check_true "the recorded configuration is gone |ko| 기록해 둔 구성 파일이 지워졌습니다" -- test ! -e "$EX_TMP/state/$PROJECT.compose.yml"
run ansible-playbook -i inventory playbook.yml -e "@$VARS" -e goals_state=absent -e goals_remove_volumes=true
show_tail 4
check_eq "$(recap changed)" 0 "tearing down what is not there changes nothing |ko| 없는 것을 내리면 아무것도 바뀌지 않습니다"

step "the notes' compose file: version: is obsolete, container_name: blocks --scale |ko| 노트의 compose 파일: 더 이상 쓰지 않는 version:, --scale을 막는 container_name:"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT |ko| $EX_ROOT 폴더로 이동할 수 없습니다"
NOTES_PROJECT=$(ex_name notes)
APP1=$(ex_name app1)
# the notes' file with this run's container name (app1 could be a container of yours)
NOTES_FILE=$EX_TMP/compose.notes.yml
TODAY_FILE=$EX_TMP/compose.today.yml
sed "s/container_name: app1\$/container_name: $APP1/" exercises/multi-container/compose.notes.yml >"$NOTES_FILE"
track cmd docker compose -p "$NOTES_PROJECT" -f "$NOTES_FILE" down --timeout 2
run grep -v '^#' "$NOTES_FILE"
run docker compose -p "$NOTES_PROJECT" -f "$NOTES_FILE" up -d
check_rc 0 "the notes' file still runs |ko| 노트의 파일은 지금도 실행됩니다"
# shellcheck disable=SC2016  # the literal text compose prints, backquotes included
check_out_contains 'the attribute `version` is obsolete, it will be ignored' "compose warns that version: is obsolete |ko| compose가 version:은 더 이상 쓰지 않는다고(obsolete) 경고합니다"
run docker ps --filter "label=com.docker.compose.project=$NOTES_PROJECT" --format '{{.Names}}'
check_eq "$OUT" "$APP1" "container_name: the container is $APP1 (not $NOTES_PROJECT-app1-1) |ko| container_name: 컨테이너 이름은 $NOTES_PROJECT-app1-1이 아니라 $APP1입니다"
run docker exec "$APP1" date +%Z%z
check_eq "$OUT" "KST+0900" "environment: TZ=Asia/Seoul: the container's clock is on Seoul time |ko| environment: TZ=Asia/Seoul: 컨테이너의 시계가 서울 시간입니다"
run docker compose -p "$NOTES_PROJECT" -f "$NOTES_FILE" up -d --scale app1=2
expect "an error: two containers cannot have the one fixed name |ko| 오류: 컨테이너 두 개가 고정된 이름 하나를 함께 쓸 수는 없습니다"
check_rc nonzero "--scale app1=2 fails |ko| --scale app1=2가 실패합니다"
check_out_contains "is using the custom container name \"$APP1\"" "compose names the cause |ko| compose가 원인을 알려 줍니다"
check_out_contains "Remove the custom name to scale the service" "and the fix |ko| 해결 방법도 알려 줍니다"
run bash -c "grep -v -E '^version:|^ +container_name:' $NOTES_FILE > $TODAY_FILE"
check_rc 0 "today's form: the same file without the two lines |ko| 현재 형식: 두 줄을 뺀 같은 파일"
run docker compose -p "$NOTES_PROJECT" -f "$TODAY_FILE" up -d --scale app1=2
check_rc 0 "without container_name, --scale app1=2 works |ko| container_name이 없으면 --scale app1=2가 동작합니다"
check_out_lacks "obsolete" "and without version: there is no warning |ko| version:이 없으면 경고도 없습니다"
run docker ps --filter "label=com.docker.compose.project=$NOTES_PROJECT" --format '{{.Names}}'
check_eq "$(sort <<<"$OUT" | tr '\n' ' ')" "$NOTES_PROJECT-app1-1 $NOTES_PROJECT-app1-2 " "two copies, named by compose: project-service-number |ko| 컨테이너 두 개, 이름은 compose가 붙임: 프로젝트-서비스-번호"
run docker compose -p "$NOTES_PROJECT" -f "$TODAY_FILE" down --timeout 2
check_rc 0 "docker compose down |ko| docker compose down으로 내립니다"
