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
ex_begin 12 "infrastructure as code: an Ansible playbook runs the compose stack"
need_image "$MONGO_IMAGE"
FRONTEND_IMAGE=${FRONTEND_IMAGE:-goals-frontend}
ANSIBLE_DIR=$EX_ROOT/infra/ansible
ANSIBLE_DIR=$(cd "$ANSIBLE_DIR" && pwd) || fatal "infra/ansible/ is missing"
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
cd "$ANSIBLE_DIR" || fatal "cannot cd to $ANSIBLE_DIR"
# The play's long compose diff is cut by EX_MAX_LINES; show the end (the recap) too.
show_tail() { printf '%s\n' "$OUT" | grep -v '^[-+@ ]' | tail -n "${1:-8}" | sed 's/^/    | /'; }

step "the playbook, its inventory and the settings of this run"
run ansible-playbook --version
check_rc 0 "ansible-playbook runs (Debian's ansible-core)"
run cat inventory
check_out_contains "ansible_connection=local" "the inventory: this machine, no SSH"
run cat "$VARS"
say "docker_manage_service=false: dockerd here is not run by a service manager, and a check does not touch yours"
say "docker_install=$DOCKER_INSTALL: only when Docker came from Debian's docker.io and we are root"

step "ansible-playbook --syntax-check"
run ansible-playbook -i inventory playbook.yml --syntax-check
check_rc 0 "the playbook parses"
check_out_contains "playbook: playbook.yml" "and names itself"

step "dry run: --check --diff reports what would change, starts nothing"
run ansible-playbook -i inventory playbook.yml --check --diff -e "@$VARS"
show_tail 6
check_rc 0 "the dry run succeeds"
# (in the order of `docker compose config --services`, which is not always the file's)
check_out_match '"would start: ((mongodb|backend|favorites|frontend)(, |"$)){4}' "it plans to start the four services"
check_out_contains "+name: $PROJECT" "--diff shows the configuration that would be deployed"
check_ne "$(recap changed)" 0 "the recap counts changes (would-be)"
check_eq "$(recap failed)" 0 "nothing failed"
check_eq "$(project_things | wc -l)" 0 "no container, network or volume of $PROJECT exists after it"
check_true "and nothing was written (the recorded configuration does not exist)" -- test ! -e "$EX_TMP/state/$PROJECT.compose.yml"

step "apply it to this machine"
run ansible-playbook -i inventory playbook.yml -e "@$VARS"
show_tail 8
check_rc 0 "ansible-playbook applies the play"
check_out_match "changed: \[localhost\]" "tasks report changes"
check_out_contains "TASK [Stack | docker compose up --detach --wait]" "compose brought the stack up"
check_eq "$(recap failed)" 0 "failed=0"
check_ne "$(recap changed)" 0 "changed is not 0 (first run)"
run docker compose -p "$PROJECT" ps --format '{{.Service}} {{.Status}}'
check_eq "$(grep -c '(healthy)' <<<"$OUT")" 4 "the four services are up and healthy"
run "${CURL[@]}" "http://localhost:$BACKEND_PORT/readyz"
check_http 200 "the backend is ready (it reached MongoDB)"
run "${CURL[@]}" -X POST -H 'Content-Type: application/json' -d '{"text":"ex-12 deployed by ansible"}' "http://localhost:$BACKEND_PORT/goals"
check_http 201 "POST /goals stores a goal"
GOAL_ID=$(sed -n 's/.*"id":"\([0-9a-f]\{24\}\)".*/\1/p' <<<"$OUT" | head -1)
run "${CURL[@]}" "http://localhost:$BACKEND_PORT/goals"
check_out_contains '"text":"ex-12 deployed by ansible"' "GET /goals returns it"
run "${CURL[@]}" -X DELETE "http://localhost:$BACKEND_PORT/goals/$GOAL_ID"
check_http 200 "DELETE /goals/$GOAL_ID"
run "${CURL[@]}" -o /dev/null "http://localhost:$FRONTEND_PORT/"
check_http 200 "the frontend answers on its port"
run ls -l "$EX_TMP/state"
check_out_contains "-rw-------" "the deployed configuration is recorded, readable by its owner only"

step "apply it again: idempotent, nothing changes"
run ansible-playbook -i inventory playbook.yml -e "@$VARS"
show_tail 4
check_rc 0 "the second run succeeds"
check_eq "$(recap changed)" 0 "changed=0: the host is already as described"
check_eq "$(recap failed)" 0 "failed=0"
run ansible-playbook -i inventory playbook.yml --check --diff -e "@$VARS"
show_tail 4
check_eq "$(recap changed)" 0 "and a dry run now has nothing to do"

step "change the description (another backend port), apply: only what changed is recreated"
# id_of SERVICE LISTING: the container id of SERVICE in a "SERVICE ID" listing (compose ps)
id_of() { awk -v s="$1" '$1 == s {print $2}' <<<"$2"; }
run "${CURL[@]}" -X POST -H 'Content-Type: application/json' -d '{"text":"ex-12 kept across the change"}' "http://localhost:$BACKEND_PORT/goals"
check_http 201 "a goal to find again after the change"
run docker compose -p "$PROJECT" ps --format '{{.Service}} {{.ID}}'
BEFORE=$OUT
check_eq "$(grep -cE '^[a-z]+ [0-9a-f]{12,64}$' <<<"$BEFORE")" 4 "the four services and their containers' ids"
NEW_BACKEND_PORT=$(free_port)
# -e replaces goals_compose_env as a whole: the check's other settings go along unchanged
CHANGE="{\"goals_compose_env\": {\"BACKEND_PORT\": \"$NEW_BACKEND_PORT\", \"FAVORITES_PORT\": \"$FAVORITES_PORT\", \"FRONTEND_PORT\": \"$FRONTEND_PORT\", \"MONGO_IMAGE\": \"$MONGO_IMAGE\"}}"
say "-e replaces the whole goals_compose_env: the page's {\"BACKEND_PORT\": \"8080\"}, plus this run's other settings"
run ansible-playbook -i inventory playbook.yml --check --diff -e "@$VARS" -e "$CHANGE"
show_tail 4
check_rc 0 "the dry run of the change succeeds"
check_out_match "^\+ +published: \"$NEW_BACKEND_PORT\"" "--diff shows the backend's new published port"
check_out_match "^\+ +BACKEND_PUBLIC_URL: http://localhost:$NEW_BACKEND_PORT" "and the frontend's new BACKEND_PUBLIC_URL"
say "-v: ansible shows compose's own output, one line per container"
run ansible-playbook -i inventory playbook.yml -v -e "@$VARS" -e "$CHANGE"
show_tail 4
check_rc 0 "the change is applied"
check_ne "$(recap changed)" 0 "it counts as a change"
check_out_contains "Container $PROJECT-backend-1  Recreated" "compose recreated the backend (its port changed)"
check_out_contains "Container $PROJECT-frontend-1  Recreated" "and the frontend (its BACKEND_PUBLIC_URL changed)"
check_out_contains "Container $PROJECT-mongodb-1  Running" "mongodb: left running"
check_out_lacks "Container $PROJECT-mongodb-1  Recreate" "not recreated"
check_out_contains "Container $PROJECT-favorites-1  Running" "favorites: left running"
check_out_lacks "Container $PROJECT-favorites-1  Recreate" "not recreated"
run docker compose -p "$PROJECT" ps --format '{{.Service}} {{.ID}}'
AFTER=$OUT
check_eq "$(grep -cE '^[a-z]+ [0-9a-f]{12,64}$' <<<"$AFTER")" 4 "four services again"
check_ne "$(id_of backend "$AFTER")" "$(id_of backend "$BEFORE")" "backend: a new container"
check_ne "$(id_of frontend "$AFTER")" "$(id_of frontend "$BEFORE")" "frontend: a new container"
check_eq "$(id_of mongodb "$AFTER")" "$(id_of mongodb "$BEFORE")" "mongodb: the same container, kept running"
check_eq "$(id_of favorites "$AFTER")" "$(id_of favorites "$BEFORE")" "favorites: the same container, kept running"
run "${CURL[@]}" "http://localhost:$NEW_BACKEND_PORT/goals"
check_out_contains '"text":"ex-12 kept across the change"' "on the new port the goal is still there: the data volume was kept"
run "${CURL[@]}" "http://localhost:$BACKEND_PORT/goals"
check_http 000 "the old port answers no more"

step "goals_state=absent: tear it down (with the volumes)"
run ansible-playbook -i inventory playbook.yml -e "@$VARS" -e goals_state=absent -e goals_remove_volumes=true
show_tail 4
check_rc 0 "the teardown succeeds"
check_ne "$(recap changed)" 0 "it changed something (removed the stack)"
check_eq "$(project_things | wc -l)" 0 "no container, network or volume of $PROJECT is left"
check_true "the recorded configuration is gone" -- test ! -e "$EX_TMP/state/$PROJECT.compose.yml"
run ansible-playbook -i inventory playbook.yml -e "@$VARS" -e goals_state=absent -e goals_remove_volumes=true
show_tail 4
check_eq "$(recap changed)" 0 "tearing down what is not there changes nothing"

step "the notes' compose file: version: is obsolete, container_name: blocks --scale"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT"
NOTES_PROJECT=$(ex_name notes)
APP1=$(ex_name app1)
# the notes' file with this run's container name (app1 could be a container of yours)
NOTES_FILE=$EX_TMP/compose.notes.yml
TODAY_FILE=$EX_TMP/compose.today.yml
sed "s/container_name: app1\$/container_name: $APP1/" exercises/multi-container/compose.notes.yml >"$NOTES_FILE"
track cmd docker compose -p "$NOTES_PROJECT" -f "$NOTES_FILE" down --timeout 2
run grep -v '^#' "$NOTES_FILE"
run docker compose -p "$NOTES_PROJECT" -f "$NOTES_FILE" up -d
check_rc 0 "the notes' file still runs"
# shellcheck disable=SC2016  # the literal text compose prints, backquotes included
check_out_contains 'the attribute `version` is obsolete, it will be ignored' "compose warns that version: is obsolete"
run docker ps --filter "label=com.docker.compose.project=$NOTES_PROJECT" --format '{{.Names}}'
check_eq "$OUT" "$APP1" "container_name: the container is $APP1 (not $NOTES_PROJECT-app1-1)"
run docker exec "$APP1" date +%Z%z
check_eq "$OUT" "KST+0900" "environment: TZ=Asia/Seoul: the container's clock is on Seoul time"
run docker compose -p "$NOTES_PROJECT" -f "$NOTES_FILE" up -d --scale app1=2
expect "an error: two containers cannot have the one fixed name"
check_rc nonzero "--scale app1=2 fails"
check_out_contains "is using the custom container name \"$APP1\"" "compose names the cause"
check_out_contains "Remove the custom name to scale the service" "and the fix"
run bash -c "grep -v -E '^version:|^ +container_name:' $NOTES_FILE > $TODAY_FILE"
check_rc 0 "today's form: the same file without the two lines"
run docker compose -p "$NOTES_PROJECT" -f "$TODAY_FILE" up -d --scale app1=2
check_rc 0 "without container_name, --scale app1=2 works"
check_out_lacks "obsolete" "and without version: there is no warning"
run docker ps --filter "label=com.docker.compose.project=$NOTES_PROJECT" --format '{{.Names}}'
check_eq "$(sort <<<"$OUT" | tr '\n' ' ')" "$NOTES_PROJECT-app1-1 $NOTES_PROJECT-app1-2 " "two copies, named by compose: project-service-number"
run docker compose -p "$NOTES_PROJECT" -f "$TODAY_FILE" down --timeout 2
check_rc 0 "docker compose down"
