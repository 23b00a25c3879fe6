#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/images/08-env-and-args.md: ENV defaults, -e, --env-file and which wins,
# ARG and --build-arg (build time only, unless copied into an ENV), why a password must not be
# baked in with ENV or ARG (docker history / docker image inspect show it), the right ways
# (run-time -e / --env-file, BuildKit --secret), the project's images carry no password, and the
# notes' legacy ENV PORT 80 form (the same as ENV PORT=80 for one variable, one variable a line).
. "$(dirname "$0")/../lib.sh"
ex_begin 08 "ENV and ARG: defaults, -e, --env-file, --build-arg, secrets |ko| ENV와 ARG: 기본값, -e, --env-file, --build-arg, 그리고 비밀 정보"
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
  local n
  run_quiet docker image inspect "$1"
  n=$(printf "%s\n" "$OUT" | wc -l | tr -d ' ')
  _tr "($n lines of JSON: Config, RootFS, Metadata ...) |ko| (JSON $n줄: Config, RootFS, Metadata ...)"
  printf '%s\n' "    ${C_DIM}$_T${C_OFF}"
}
# lacks_word WORD TEXT: TEXT does not contain WORD as a whole word (case-sensitive, no regex).
lacks_word() { ! printf '%s\n' "$2" | grep -qwF -- "$1"; }
# lacks_regex REGEX TEXT: no line of TEXT matches the extended REGEX (case-insensitive).
lacks_regex() { ! printf '%s\n' "$2" | grep -Eqi -- "$1"; }

mkdir -p "$DIR"
cd "$DIR" || fatal "no $DIR |ko| $DIR 폴더가 없습니다"

# ================================================================ ENV, -e, --env-file
step "an image with ENV defaults and ARGs with defaults |ko| ENV 기본값과, 기본값을 가진 ARG가 있는 이미지"
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
check_rc 0 "docker build -t $IMG . |ko| docker build -t $IMG . 명령으로 빌드됩니다"
[ "$RC" -eq 0 ] || fatal "the demo image does not build |ko| 데모 이미지가 빌드되지 않습니다"

step "run it: the ENV defaults |ko| 실행하기: ENV 기본값"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$IMG"
check_out_contains "PORT=80 APP_COLOR=blue APP_GREETING=hello" "the ENV defaults (PORT comes from the ARG DEFAULT_PORT=80) |ko| ENV 기본값이 적용됩니다(PORT는 ARG DEFAULT_PORT=80에서 옵니다)"
check_out_contains "APP_VERSION=unset" "the ARG APP_VERSION is not in the container's environment |ko| ARG APP_VERSION은 컨테이너의 환경 변수에 없습니다"
check_out_contains "built as version 1.0" "but the RUN that used it while building saw its default |ko| 하지만 빌드하는 동안 이 값을 사용한 RUN에는 기본값이 전달되었습니다"

step "override with -e (--env) |ko| -e(--env)로 덮어쓰기"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e APP_COLOR=red "$IMG"
check_out_contains "PORT=80 APP_COLOR=red APP_GREETING=hello" "-e APP_COLOR=red replaces that one default, the rest stay |ko| -e APP_COLOR=red는 그 기본값 하나만 바꾸고 나머지는 그대로 둡니다"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e APP_VERSION=9.9 "$IMG"
check_out_contains "APP_VERSION=9.9" "-e can set a variable the image does not have |ko| -e로 이미지에 없는 변수도 정할 수 있습니다"
check_out_contains "built as version 1.0" "but the file baked at build time does not change |ko| 하지만 빌드할 때 구워 넣은 파일은 바뀌지 않습니다"

step "override with --env-file |ko| --env-file로 덮어쓰기"
printf '# one NAME=VALUE a line; no quotes, no "export"\nAPP_COLOR=green\nPORT=8080\n' >app.env
run cat app.env
run docker run --rm --name "$RUNC" --label "$EX_LABEL" --env-file app.env "$IMG"
check_out_contains "PORT=8080 APP_COLOR=green APP_GREETING=hello" "--env-file sets both, APP_GREETING keeps its default |ko| --env-file로 둘 다 정해지고, APP_GREETING은 기본값 그대로입니다"

step "precedence: -e over --env-file over ENV |ko| 우선순위: -e, --env-file, ENV 순"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" --env-file app.env -e APP_COLOR=red "$IMG"
check_out_contains "PORT=8080 APP_COLOR=red APP_GREETING=hello" "-e wins over --env-file, --env-file over ENV |ko| -e, --env-file, ENV 순으로 우선합니다"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e APP_COLOR=red --env-file app.env "$IMG"
check_out_contains "APP_COLOR=red" "whatever their order on the command line |ko| 명령줄에 쓴 순서와 관계없이 그렇습니다"

# ================================================================ ARG, --build-arg
step "--build-arg: ARG values exist while building only |ko| --build-arg: 빌드하는 동안에만 존재하는 ARG 값"
build --build-arg APP_VERSION=2.0 --build-arg DEFAULT_PORT=8000 -t "$IMG:v2" .
track image "$IMG:v2"
check_rc 0 "docker build --build-arg APP_VERSION=2.0 --build-arg DEFAULT_PORT=8000 |ko| docker build --build-arg APP_VERSION=2.0 --build-arg DEFAULT_PORT=8000 명령으로 빌드됩니다"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$IMG:v2"
check_out_contains "built as version 2.0" "the RUN saw APP_VERSION=2.0 |ko| RUN에는 APP_VERSION=2.0이 전달되었습니다"
check_out_contains "APP_VERSION=unset" "the running container has no APP_VERSION |ko| 실행 중인 컨테이너에는 APP_VERSION이 없습니다"
check_out_contains "PORT=8000" "DEFAULT_PORT was copied into ENV PORT, so that one stays |ko| DEFAULT_PORT는 ENV PORT로 옮겨 담았으므로 컨테이너까지 전달됩니다"
run docker image inspect -f '{{json .Config.Env}}' "$IMG:v2"
check_out_contains '"PORT=8000"' "docker image inspect: the ENV is in the image's config |ko| docker image inspect: ENV는 이미지의 구성에 있습니다"
check_out_lacks APP_VERSION "the ARG is not |ko| ARG는 없습니다"

# ================================================================ secrets: the wrong ways
step "WRONG: a password baked in with ENV |ko| 잘못된 방법: ENV에 비밀번호 넣기"
printf 'FROM debian:bookworm-slim\nENV MONGODB_USERNAME=root\nENV MONGODB_PASSWORD=%s\n' "$ENV_PW" >Dockerfile.bad-env
run cat Dockerfile.bad-env
build -f Dockerfile.bad-env -t "$BAD_ENV" .
track image "$BAD_ENV"
check_rc 0 "it builds |ko| 빌드됩니다"
run docker history --no-trunc --format '{{.CreatedBy}}' "$BAD_ENV"
check_out_contains "MONGODB_PASSWORD=$ENV_PW" "docker history --no-trunc shows the password |ko| docker history --no-trunc에 비밀번호가 보입니다"
run docker image inspect -f '{{json .Config.Env}}' "$BAD_ENV"
check_out_contains "MONGODB_PASSWORD=$ENV_PW" "docker image inspect shows it |ko| docker image inspect에도 보입니다"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$BAD_ENV" printenv MONGODB_PASSWORD
check_out_contains "$ENV_PW" "and every container of the image has it |ko| 그리고 이 이미지로 만든 모든 컨테이너에 들어 있습니다"

step "WRONG: a password passed with --build-arg and used in a RUN |ko| 잘못된 방법: --build-arg로 넘긴 비밀번호를 RUN에서 쓰기"
cat >Dockerfile.bad-arg <<'EOF'
FROM debian:bookworm-slim
ARG DB_PASSWORD
RUN echo "pretend to download something with the password $DB_PASSWORD" > /dev/null
EOF
run cat Dockerfile.bad-arg
build -f Dockerfile.bad-arg --build-arg "DB_PASSWORD=$ARG_PW" -t "$BAD_ARG" .
track image "$BAD_ARG"
check_rc 0 "it builds |ko| 빌드됩니다"
run docker history --no-trunc --format '{{.CreatedBy}}' "$BAD_ARG"
check_out_contains "DB_PASSWORD=$ARG_PW" "docker history --no-trunc shows the build argument the RUN used |ko| docker history --no-trunc에 RUN이 사용한 빌드 인수가 보입니다"
inspect_all "$BAD_ARG"
check_out_lacks "$ARG_PW" "(docker image inspect does not: it is not an ENV; the history is enough) |ko| (docker image inspect에는 보이지 않습니다. ENV가 아니기 때문입니다. 히스토리만으로도 충분히 드러납니다)"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$BAD_ARG" printenv DB_PASSWORD
check_rc 1 "the running container has no DB_PASSWORD |ko| 실행 중인 컨테이너에는 DB_PASSWORD가 없습니다"

# ================================================================ secrets: the right ways
step "RIGHT: the password at run time (-e / --env-file), never in the image |ko| 올바른 방법: 비밀번호는 실행할 때(-e / --env-file) 넘기고, 이미지에는 절대 넣지 않기"
cat >Dockerfile.good <<'EOF'
FROM debian:bookworm-slim
ENV MONGODB_USERNAME=root
CMD ["sh", "-c", "echo user=$MONGODB_USERNAME password: ${#MONGODB_PASSWORD} characters"]
EOF
run cat Dockerfile.good
build -f Dockerfile.good -t "$GOOD" .
track image "$GOOD"
check_rc 0 "it builds |ko| 빌드됩니다"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" -e "MONGODB_PASSWORD=$RUN_PW" "$GOOD"
check_out_contains "user=root password: ${#RUN_PW} characters" "-e MONGODB_PASSWORD=...: the container has it |ko| -e MONGODB_PASSWORD=...: 컨테이너가 값을 받습니다"
printf 'MONGODB_PASSWORD=%s\n' "$RUN_PW" >db.env
run docker run --rm --name "$RUNC" --label "$EX_LABEL" --env-file db.env "$GOOD"
check_out_contains "password: ${#RUN_PW} characters" "--env-file db.env: the same (what compose's env_file does) |ko| --env-file db.env: 결과가 같습니다(compose의 env_file 키가 하는 일)"
run docker history --no-trunc --format '{{.CreatedBy}}' "$GOOD"
check_out_lacks "$RUN_PW" "docker history: no password |ko| docker history: 비밀번호가 없습니다"
inspect_all "$GOOD"
check_out_lacks "$RUN_PW" "docker image inspect: no password |ko| docker image inspect: 비밀번호가 없습니다"
say "the container's own config does hold it: anyone who may run docker on this machine can read it |ko| 컨테이너 자체의 구성에는 값이 들어 있습니다. 이 머신에서 docker를 실행할 수 있는 사람은 누구나 읽을 수 있습니다"
run docker create --name "$(ex_name good-run)" --label "$EX_LABEL" --env-file db.env "$GOOD"
track container "$(ex_name good-run)"
run docker inspect -f '{{json .Config.Env}}' "$(ex_name good-run)"
check_out_contains "MONGODB_PASSWORD=$RUN_PW" "docker inspect CONTAINER shows run-time variables (not the image's business) |ko| docker inspect CONTAINER에는 실행할 때 준 변수가 보입니다(이미지와는 상관없는 일입니다)"

step "RIGHT: a build-time secret with BuildKit --secret (RUN --mount=type=secret) |ko| 올바른 방법: 빌드에 필요한 시크릿은 BuildKit --secret으로(RUN --mount=type=secret)"
cat >Dockerfile.secret <<'EOF'
FROM debian:bookworm-slim
# the secret is a file at /run/secrets/<id> during this RUN only; never in a layer
RUN --mount=type=secret,id=db_password \
    echo "used a password of $(wc -c < /run/secrets/db_password) bytes" > /build.log
EOF
run cat Dockerfile.secret
say "no '# syntax=' line needed: this engine's built-in BuildKit frontend knows --mount=type=secret |ko| '# syntax=' 줄은 필요 없습니다. 이 엔진에 내장된 BuildKit 프런트엔드가 --mount=type=secret을 이해합니다"
printf '%s' "$BUILD_PW" >db_password.txt
build -f Dockerfile.secret --secret id=db_password,src=db_password.txt -t "$SECRET_IMG" .
track image "$SECRET_IMG"
check_rc 0 "docker build --secret id=db_password,src=db_password.txt |ko| docker build --secret id=db_password,src=db_password.txt 명령으로 빌드됩니다"
check_out_lacks "$BUILD_PW" "the build output does not show it |ko| 빌드 출력에 시크릿이 보이지 않습니다"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$SECRET_IMG" sh -c 'cat /build.log; ls -A /run/secrets'
check_out_contains "used a password of ${#BUILD_PW} bytes" "the RUN could read the secret |ko| RUN은 시크릿을 읽을 수 있었습니다"
check_out_lacks "db_password" "the secret file is not in the image (/run/secrets is empty) |ko| 시크릿 파일은 이미지에 없습니다(/run/secrets는 비어 있습니다)"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$SECRET_IMG" grep -rlsF "$BUILD_PW" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev
check_eq "$OUT" "" "no file anywhere in the image holds the password (grep lists none) |ko| 이미지 안 어디에도 비밀번호가 든 파일이 없습니다(grep이 아무것도 나열하지 않습니다)"
run docker history --no-trunc --format '{{.CreatedBy}}' "$SECRET_IMG"
check_out_contains "/run/secrets/db_password" "docker history shows the RUN that read the secret (the --mount flag itself is not recorded) |ko| docker history에 시크릿을 읽은 RUN이 보입니다(--mount 플래그 자체는 기록되지 않습니다)"
check_out_lacks "$BUILD_PW" "but not the password |ko| 하지만 비밀번호는 보이지 않습니다"
inspect_all "$SECRET_IMG"
check_out_lacks "$BUILD_PW" "docker image inspect: no password |ko| docker image inspect: 비밀번호가 없습니다"

# ================================================================ the legacy ENV form
step "the notes' ENV PORT 80 (legacy space form): the same as ENV PORT=80, one variable a line |ko| 노트의 ENV PORT 80(공백으로 쓰는 예전 형식): 한 줄에 변수 하나라면 ENV PORT=80과 같은 뜻"
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
check_rc 0 "the legacy form still builds |ko| 예전 형식으로도 여전히 빌드됩니다"
run cat Dockerfile.current-env
build -f Dockerfile.current-env -t "$CURRENT" .
track image "$CURRENT"
check_rc 0 "the = form builds |ko| = 형식으로 빌드됩니다"
# env_of IMAGE: the image's Config.Env, one NAME=VALUE a line (not printed)
env_of() { docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null; }
run docker image inspect -f '{{json .Config.Env}}' "$LEGACY"
check_out_contains '"PORT=80"' "ENV PORT 80 sets PORT=80 |ko| ENV PORT 80은 PORT=80을 정합니다"
check_out_contains '"APP_COLOR=blue APP_SIZE big"' "ENV APP_COLOR blue APP_SIZE big sets ONE variable: the rest of the line is its value |ko| ENV APP_COLOR blue APP_SIZE big은 변수를 하나만 정합니다. 첫 공백 뒤의 나머지가 모두 그 값입니다"
check_out_lacks '"APP_SIZE=' "there is no variable APP_SIZE |ko| APP_SIZE라는 변수는 없습니다"
run docker image inspect -f '{{json .Config.Env}}' "$CURRENT"
check_out_contains '"APP_COLOR=blue","APP_SIZE=big"' "ENV APP_COLOR=blue APP_SIZE=big sets two |ko| ENV APP_COLOR=blue APP_SIZE=big은 변수 두 개를 정합니다"
check_eq "$(env_of "$LEGACY" | grep -E '^(PORT|GREETING)=' | paste -sd' ')" "$(env_of "$CURRENT" | grep -E '^(PORT|GREETING)=' | paste -sd' ')" \
  "PORT and GREETING are the same in both images (ENV PORT 80 = ENV PORT=80) |ko| PORT와 GREETING은 두 이미지에서 같습니다(ENV PORT 80 = ENV PORT=80)"
run docker run --rm --name "$RUNC" --label "$EX_LABEL" "$LEGACY" sh -c 'echo "PORT=$PORT APP_COLOR=$APP_COLOR APP_SIZE=${APP_SIZE:-unset}"'
check_eq "$OUT" "PORT=80 APP_COLOR=blue APP_SIZE big APP_SIZE=unset" "what the container gets |ko| 컨테이너가 정확히 이 값을 받습니다"

# ================================================================ the project's images
step "the project's images carry no password |ko| 이 프로젝트의 이미지에는 비밀번호가 없음"
# one password a line (a demo value has no newline)
PW_VALUES=$(grep -hE '^[A-Z0-9_]*(PASSWORD|SECRET)[A-Z0-9_]*=' "$EX_ROOT"/env/*.env | cut -d= -f2- | sort -u)
PW_COUNT=$(printf '%s\n' "$PW_VALUES" | grep -c .)
say "passwords in env/*.env (the compose stack's demo values, passed at run time): $PW_COUNT distinct |ko| env/*.env의 비밀번호(compose 스택의 데모 값, 실행할 때 전달): 서로 다른 값 $PW_COUNT개"
check_true "env/*.env holds at least one password to look for |ko| env/*.env에 찾아볼 비밀번호가 하나 이상 있습니다" -- test "$PW_COUNT" -ge 1
IMAGES="$BACKEND_IMAGE $FAVORITES_IMAGE $SWAPI_IMAGE"
if docker image inspect "$FRONTEND_IMAGE" >/dev/null 2>&1; then IMAGES="$IMAGES $FRONTEND_IMAGE"
else say "$FRONTEND_IMAGE is not built here (exercises/build-images.sh frontend): skipped |ko| $FRONTEND_IMAGE 이미지는 여기서 빌드되지 않았습니다(exercises/build-images.sh frontend). 건너뜁니다"; fi
for img in $IMAGES; do
  run docker image inspect -f '{{json .Config.Env}}' "$img"
  check_out_match '^\[' "$img: its ENV defaults |ko| $img: ENV 기본값이 있습니다"
  check_true "$img: no *PASSWORD* or *SECRET* variable in its ENV |ko| $img: ENV에 *PASSWORD*나 *SECRET* 변수가 없습니다" -- lacks_regex '"[A-Z0-9_]*(PASSWORD|SECRET)[A-Z0-9_]*=' "$OUT"
  run_quiet docker history --no-trunc --format '{{.CreatedBy}}' "$img"
  HIST=$OUT
  run_quiet docker image inspect "$img"
  ALL="$HIST$_NL$OUT"
  NLAYERS=$(printf '%s\n' "$HIST" | wc -l | tr -d ' ')
  _tr "(history: $NLAYERS layers; looked for each password value as a whole word) |ko| (히스토리: 레이어 $NLAYERS개. 비밀번호 값마다 단어 단위로 찾았습니다)"
  printf '%s\n' "    $_T"
  printf '%s\n' "$PW_VALUES" | while IFS= read -r pw; do
    [ -n "$pw" ] || continue
    lacks_word "$pw" "$ALL" || echo found
  done >"$EX_TMP/pw-found"
  check_true "$img: docker history --no-trunc and docker image inspect do not contain a demo password |ko| $img: docker history --no-trunc에도 docker image inspect에도 데모 비밀번호가 없습니다" -- test ! -s "$EX_TMP/pw-found"
  check_true "$img: no PASSWORD= in its history |ko| $img: 히스토리에 PASSWORD=가 없습니다" -- lacks_regex 'PASSWORD=' "$HIST"
done
