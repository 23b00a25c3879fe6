#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/images/08-env-and-args.md: ENV defaults, -e, --env-file and which wins,
# ARG and --build-arg (build time only, unless copied into an ENV), why a password must not be
# baked in with ENV or ARG (docker history / docker image inspect show it), the right ways
# (run-time -e / --env-file, BuildKit --secret), the project's images carry no password, and the
# notes' legacy ENV PORT 80 form (the same as ENV PORT=80 for one variable, one variable a line).
. "$(dirname "$0")/../lib.sh"
ex_begin 08 "ENV and ARG: defaults, -e, --env-file, --build-arg, secrets"
need_image debian:bookworm-slim "$BACKEND_IMAGE" "$FAVORITES_IMAGE" "$SWAPI_IMAGE"
FRONTEND_IMAGE=${FRONTEND_IMAGE:-goals-frontend}
IMG=$(ex_name env-demo)
BAD_ENV=$(ex_name bad-env)
BAD_ARG=$(ex_name bad-arg)
GOOD=$(ex_name good)
SECRET_IMG=$(ex_name build-secret)
RUNC=$(ex_name run)
DIR=$EX_TMP/env-demo
# fake passwords, only for this exercise
ENV_PW=ex08-env-Pa55word
ARG_PW=ex08-arg-Pa55word
RUN_PW=ex08-run-Pa55word
BUILD_PW=ex08-build-Pa55word

# build ARGS...: docker build (plain progress) shown like `run`; prints its steps (or, when it
# fails, its last lines).
build() {
  run_quiet docker build --progress=plain --label "$EX_LABEL" "$@"
  if [ "$RC" -ne 0 ]; then printf '%s\n' "$OUT" | tail -12 | sed 's/^/    /'
  else printf '%s\n' "$OUT" | grep -E '^#[0-9]+ (\[[0-9]+/[0-9]+\]|CACHED)|naming to' | sed 's/^/    /'; fi
}

# inspect_all IMAGE: the whole of `docker image inspect IMAGE` into $OUT, not printed (long).
inspect_all() {
  run_quiet docker image inspect "$1"
  printf '%s\n' "    ${C_DIM}($(printf "%s\n" "$OUT" | wc -l | tr -d ' ') lines of JSON: Config, RootFS, Metadata ...)${C_OFF}"
}
# lacks_word WORD TEXT: TEXT does not contain WORD as a whole word (case-sensitive, no regex).
lacks_word() { ! printf '%s\n' "$2" | grep -qwF -- "$1"; }
# lacks_regex REGEX TEXT: no line of TEXT matches the extended REGEX (case-insensitive).
lacks_regex() { ! printf '%s\n' "$2" | grep -Eqi -- "$1"; }

mkdir -p "$DIR"
cd "$DIR" || fatal "no $DIR"

# ================================================================ ENV, -e, --env-file
step "an image with ENV defaults and ARGs with defaults"
cat >Dockerfile <<'EOF'
FROM debian:bookworm-slim
# build-time choices, with defaults: --build-arg NAME=VALUE overrides them
ARG APP_VERSION=1.0
ARG DEFAULT_PORT=80
# run-time settings, with defaults: docker run -e NAME=VALUE overrides them
ENV PORT=$DEFAULT_PORT
ENV APP_COLOR=blue \
    APP_GREETING=hello
RUN echo "built as version $APP_VERSION" > /build-info
CMD ["sh", "-c", "echo PORT=$PORT APP_COLOR=$APP_COLOR APP_GREETING=$APP_GREETING APP_VERSION=${APP_VERSION:-unset}; cat /build-info"]
EOF
run cat Dockerfile
build -t "$IMG" .
track image "$IMG"
check_rc 0 "docker build -t $IMG ."
[ "$RC" -eq 0 ] || fatal "the demo image does not build"

step "run it: the ENV defaults"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$IMG"
check_out_contains "PORT=80 APP_COLOR=blue APP_GREETING=hello" "the ENV defaults (PORT comes from the ARG DEFAULT_PORT=80)"
check_out_contains "APP_VERSION=unset" "the ARG APP_VERSION is not in the container's environment"
check_out_contains "built as version 1.0" "but the RUN that used it while building saw its default"

step "override with -e (--env)"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e APP_COLOR=red "$IMG"
check_out_contains "PORT=80 APP_COLOR=red APP_GREETING=hello" "-e APP_COLOR=red replaces that one default, the rest stay"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e APP_VERSION=9.9 "$IMG"
check_out_contains "APP_VERSION=9.9" "-e can set a variable the image does not have"
check_out_contains "built as version 1.0" "but the file baked at build time does not change"

step "override with --env-file"
printf '# one NAME=VALUE a line; no quotes, no "export"\nAPP_COLOR=green\nPORT=8080\n' >app.env
run cat app.env
run docker run --rm --name "$RUNC" --label "$EX_LABEL" --env-file app.env "$IMG"
check_out_contains "PORT=8080 APP_COLOR=green APP_GREETING=hello" "--env-file sets both, APP_GREETING keeps its default"

step "precedence: -e over --env-file over ENV"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" --env-file app.env -e APP_COLOR=red "$IMG"
check_out_contains "PORT=8080 APP_COLOR=red APP_GREETING=hello" "-e wins over --env-file, --env-file over ENV"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e APP_COLOR=red --env-file app.env "$IMG"
check_out_contains "APP_COLOR=red" "whatever their order on the command line"

# ================================================================ ARG, --build-arg
step "--build-arg: ARG values exist while building only"
build --build-arg APP_VERSION=2.0 --build-arg DEFAULT_PORT=8000 -t "$IMG:v2" .
track image "$IMG:v2"
check_rc 0 "docker build --build-arg APP_VERSION=2.0 --build-arg DEFAULT_PORT=8000"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$IMG:v2"
check_out_contains "built as version 2.0" "the RUN saw APP_VERSION=2.0"
check_out_contains "APP_VERSION=unset" "the running container has no APP_VERSION"
check_out_contains "PORT=8000" "DEFAULT_PORT was copied into ENV PORT, so that one stays"
run docker image inspect -f '{{json .Config.Env}}' "$IMG:v2"
check_out_contains '"PORT=8000"' "docker image inspect: the ENV is in the image's config"
check_out_lacks APP_VERSION "the ARG is not"

# ================================================================ secrets: the wrong ways
step "WRONG: a password baked in with ENV"
printf 'FROM debian:bookworm-slim\nENV MONGODB_USERNAME=root\nENV MONGODB_PASSWORD=%s\n' "$ENV_PW" >Dockerfile.bad-env
run cat Dockerfile.bad-env
build -f Dockerfile.bad-env -t "$BAD_ENV" .
track image "$BAD_ENV"
check_rc 0 "it builds"
run docker history --no-trunc --format '{{.CreatedBy}}' "$BAD_ENV"
check_out_contains "MONGODB_PASSWORD=$ENV_PW" "docker history --no-trunc shows the password"
run docker image inspect -f '{{json .Config.Env}}' "$BAD_ENV"
check_out_contains "MONGODB_PASSWORD=$ENV_PW" "docker image inspect shows it"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$BAD_ENV" printenv MONGODB_PASSWORD
check_out_contains "$ENV_PW" "and every container of the image has it"

step "WRONG: a password passed with --build-arg and used in a RUN"
cat >Dockerfile.bad-arg <<'EOF'
FROM debian:bookworm-slim
ARG DB_PASSWORD
RUN echo "pretend to download something with the password $DB_PASSWORD" > /dev/null
EOF
run cat Dockerfile.bad-arg
build -f Dockerfile.bad-arg --build-arg "DB_PASSWORD=$ARG_PW" -t "$BAD_ARG" .
track image "$BAD_ARG"
check_rc 0 "it builds"
run docker history --no-trunc --format '{{.CreatedBy}}' "$BAD_ARG"
check_out_contains "DB_PASSWORD=$ARG_PW" "docker history --no-trunc shows the build argument the RUN used"
inspect_all "$BAD_ARG"
check_out_lacks "$ARG_PW" "(docker image inspect does not: it is not an ENV; the history is enough)"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$BAD_ARG" printenv DB_PASSWORD
check_rc 1 "the running container has no DB_PASSWORD"

# ================================================================ secrets: the right ways
step "RIGHT: the password at run time (-e / --env-file), never in the image"
cat >Dockerfile.good <<'EOF'
FROM debian:bookworm-slim
ENV MONGODB_USERNAME=root
CMD ["sh", "-c", "echo user=$MONGODB_USERNAME password: ${#MONGODB_PASSWORD} characters"]
EOF
run cat Dockerfile.good
build -f Dockerfile.good -t "$GOOD" .
track image "$GOOD"
check_rc 0 "it builds"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e "MONGODB_PASSWORD=$RUN_PW" "$GOOD"
check_out_contains "user=root password: ${#RUN_PW} characters" "-e MONGODB_PASSWORD=...: the container has it"
printf 'MONGODB_PASSWORD=%s\n' "$RUN_PW" >db.env
run docker run --rm --name "$RUNC" --label "$EX_LABEL" --env-file db.env "$GOOD"
check_out_contains "password: ${#RUN_PW} characters" "--env-file db.env: the same (what compose's env_file does)"
run docker history --no-trunc --format '{{.CreatedBy}}' "$GOOD"
check_out_lacks "$RUN_PW" "docker history: no password"
inspect_all "$GOOD"
check_out_lacks "$RUN_PW" "docker image inspect: no password"
say "the container's own config does hold it: anyone who may run docker on this machine can read it"
run docker create --name "$(ex_name good-run)" --label "$EX_LABEL" --env-file db.env "$GOOD"
track container "$(ex_name good-run)"
run docker inspect -f '{{json .Config.Env}}' "$(ex_name good-run)"
check_out_contains "MONGODB_PASSWORD=$RUN_PW" "docker inspect CONTAINER shows run-time variables (not the image's business)"

step "RIGHT: a build-time secret with BuildKit --secret (RUN --mount=type=secret)"
cat >Dockerfile.secret <<'EOF'
FROM debian:bookworm-slim
# the secret is a file at /run/secrets/<id> during this RUN only; never in a layer
RUN --mount=type=secret,id=db_password \
    echo "used a password of $(wc -c < /run/secrets/db_password) bytes" > /build.log
EOF
run cat Dockerfile.secret
say "no '# syntax=' line needed: this engine's built-in BuildKit frontend knows --mount=type=secret"
printf '%s' "$BUILD_PW" >db_password.txt
build -f Dockerfile.secret --secret id=db_password,src=db_password.txt -t "$SECRET_IMG" .
track image "$SECRET_IMG"
check_rc 0 "docker build --secret id=db_password,src=db_password.txt"
check_out_lacks "$BUILD_PW" "the build output does not show it"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$SECRET_IMG" sh -c 'cat /build.log; ls -A /run/secrets'
check_out_contains "used a password of ${#BUILD_PW} bytes" "the RUN could read the secret"
check_out_lacks "db_password" "the secret file is not in the image (/run/secrets is empty)"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$SECRET_IMG" grep -rlsF "$BUILD_PW" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev
check_eq "$OUT" "" "no file anywhere in the image holds the password (grep lists none)"
run docker history --no-trunc --format '{{.CreatedBy}}' "$SECRET_IMG"
check_out_contains "/run/secrets/db_password" "docker history shows the RUN that read the secret (the --mount flag itself is not recorded)"
check_out_lacks "$BUILD_PW" "but not the password"
inspect_all "$SECRET_IMG"
check_out_lacks "$BUILD_PW" "docker image inspect: no password"

# ================================================================ the legacy ENV form
step "the notes' ENV PORT 80 (legacy space form): the same as ENV PORT=80, one variable a line"
LEGACY=$(ex_name legacy-env)
CURRENT=$(ex_name current-env)
cat >Dockerfile.legacy-env <<'EOF2'
FROM debian:bookworm-slim
ENV PORT 80
ENV GREETING hello world
ENV APP_COLOR blue APP_SIZE big
EOF2
cat >Dockerfile.current-env <<'EOF2'
FROM debian:bookworm-slim
ENV PORT=80
ENV GREETING="hello world"
ENV APP_COLOR=blue APP_SIZE=big
EOF2
run cat Dockerfile.legacy-env
build -f Dockerfile.legacy-env -t "$LEGACY" .
track image "$LEGACY"
check_rc 0 "the legacy form still builds"
run cat Dockerfile.current-env
build -f Dockerfile.current-env -t "$CURRENT" .
track image "$CURRENT"
check_rc 0 "the = form builds"
# env_of IMAGE: the image's Config.Env, one NAME=VALUE a line (not printed)
env_of() { docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null; }
run docker image inspect -f '{{json .Config.Env}}' "$LEGACY"
check_out_contains '"PORT=80"' "ENV PORT 80 sets PORT=80"
check_out_contains '"APP_COLOR=blue APP_SIZE big"' "ENV APP_COLOR blue APP_SIZE big sets ONE variable: the rest of the line is its value"
check_out_lacks '"APP_SIZE=' "there is no variable APP_SIZE"
run docker image inspect -f '{{json .Config.Env}}' "$CURRENT"
check_out_contains '"APP_COLOR=blue","APP_SIZE=big"' "ENV APP_COLOR=blue APP_SIZE=big sets two"
check_eq "$(env_of "$LEGACY" | grep -E '^(PORT|GREETING)=' | paste -sd' ')" "$(env_of "$CURRENT" | grep -E '^(PORT|GREETING)=' | paste -sd' ')" \
  "PORT and GREETING are the same in both images (ENV PORT 80 = ENV PORT=80)"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$LEGACY" sh -c 'echo "PORT=$PORT APP_COLOR=$APP_COLOR APP_SIZE=${APP_SIZE:-unset}"'
check_eq "$OUT" "PORT=80 APP_COLOR=blue APP_SIZE big APP_SIZE=unset" "what the container gets"

# ================================================================ the project's images
step "the project's images carry no password"
# one password a line (a demo value has no newline)
PW_VALUES=$(grep -hE '^[A-Z0-9_]*(PASSWORD|SECRET)[A-Z0-9_]*=' "$EX_ROOT"/env/*.env | cut -d= -f2- | sort -u)
PW_COUNT=$(printf '%s\n' "$PW_VALUES" | grep -c .)
say "passwords in env/*.env (the compose stack's demo values, passed at run time): $PW_COUNT distinct"
check_true "env/*.env holds at least one password to look for" -- test "$PW_COUNT" -ge 1
IMAGES="$BACKEND_IMAGE $FAVORITES_IMAGE $SWAPI_IMAGE"
if docker image inspect "$FRONTEND_IMAGE" >/dev/null 2>&1; then IMAGES="$IMAGES $FRONTEND_IMAGE"
else say "$FRONTEND_IMAGE is not built here (exercises/build-images.sh frontend): skipped"; fi
for img in $IMAGES; do
  run docker image inspect -f '{{json .Config.Env}}' "$img"
  check_out_match '^\[' "$img: its ENV defaults"
  check_true "$img: no *PASSWORD* or *SECRET* variable in its ENV" -- lacks_regex '"[A-Z0-9_]*(PASSWORD|SECRET)[A-Z0-9_]*=' "$OUT"
  run_quiet docker history --no-trunc --format '{{.CreatedBy}}' "$img"
  HIST=$OUT
  run_quiet docker image inspect "$img"
  ALL="$HIST$_NL$OUT"
  printf '%s\n' "    (history: $(printf '%s\n' "$HIST" | wc -l | tr -d ' ') layers; looked for each password value as a whole word)"
  printf '%s\n' "$PW_VALUES" | while IFS= read -r pw; do
    [ -n "$pw" ] || continue
    lacks_word "$pw" "$ALL" || echo found
  done >"$EX_TMP/pw-found"
  check_true "$img: docker history --no-trunc and docker image inspect do not contain a demo password" -- test ! -s "$EX_TMP/pw-found"
  check_true "$img: no PASSWORD= in its history" -- lacks_regex 'PASSWORD=' "$HIST"
done
