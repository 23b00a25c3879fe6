# Shared helpers of the exercise checks (sourced, not run). Every check:
#   - prints each command it runs, as a student would type it ("$ docker run ..."), then its
#     output, then what it expected and PASS or FAIL for each assertion;
#   - names what it creates with its own prefix (ex-01-..., ex-02-...) and labels it
#     course.exercise=1, and removes exactly those things at the end, even after a failure or
#     Ctrl-C (trap); it never prunes anything without a label filter;
#   - prints how long each step took and ends with "[NAME] N passed, M failed in T s", exiting
#     non-zero when anything failed.
#
# Use:
#   . "$(dirname "$0")/../lib.sh"
#   ex_begin 01 "container to WWW"
#   step "start favorites"
#   run docker run -d --name "$(ex_name favorites)" "${EX_LABEL_ARGS[@]}" goals-favorites
#   track container "$(ex_name favorites)"
#   check_rc 0 "the container starts"
#
# Settings (environment):
#   MONGO_IMAGE      the MongoDB image (default mongo:8; on machines without a registry the
#                    CI stand-in: MONGO_IMAGE=goals-ci-secantusdb, see docker/ci/)
#   EX_MAX_LINES     how many output lines of each command to show (default 12)
#   EX_WAIT          seconds to wait for a service to become ready (default 30)
#   EX_CMD_TIMEOUT   seconds after which a command that should have ended is stopped (120)
#   EX_KEEP=1        keep what the check created (debugging; remove it yourself afterwards)
# shellcheck shell=bash disable=SC2034

set -uo pipefail

EX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EX_LABEL=course.exercise=1
EX_LABEL_ARGS=(--label "$EX_LABEL")
MONGO_IMAGE=${MONGO_IMAGE:-mongo:8}
TOOLBOX_IMAGE=${TOOLBOX_IMAGE:-course-toolbox}
BACKEND_IMAGE=${BACKEND_IMAGE:-goals-backend}
FAVORITES_IMAGE=${FAVORITES_IMAGE:-goals-favorites}
SWAPI_IMAGE=${SWAPI_IMAGE:-goals-swapi}
EX_MAX_LINES=${EX_MAX_LINES:-12}
EX_WAIT=${EX_WAIT:-30}
EX_CMD_TIMEOUT=${EX_CMD_TIMEOUT:-120}
EX_PASS=0
EX_FAIL=0
EX_STEP=0
EX_STEP_T0=
EX_CLEANUPS=()
EX_CONTAINERS=()
EX_NETWORKS=()
EX_VOLUMES=()
EX_IMAGES=()
EX_PIDS=()
OUT=
RC=0

if [ -t 1 ]; then
  C_PASS=$'\e[32m' C_FAIL=$'\e[31m' C_CMD=$'\e[1m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
  C_PASS='' C_FAIL='' C_CMD='' C_DIM='' C_OFF=''
fi

_now() { date +%s%N; }
_secs() { awk -v a="$1" -v b="$(_now)" 'BEGIN{printf "%.1f", (b-a)/1e9}'; }

# ---------------------------------------------------------------- begin / end / steps
# ex_begin NUMBER TITLE: names the run, installs the cleanup trap, prints the header.
ex_begin() {
  EX_NUM=$1
  EX_TITLE=$2
  EX_NAME=$(basename "$0" .sh)
  EX_PREFIX=ex-$1
  EX_T0=$(_now)
  EX_TMP=$(mktemp -d "/tmp/$EX_PREFIX.XXXXXX")
  trap _ex_exit EXIT
  trap 'echo; echo "interrupted"; exit 130' INT TERM
  echo "=================================================================="
  echo "exercise $EX_NAME: $EX_TITLE"
  echo "(everything it creates is named $EX_PREFIX-* and labelled $EX_LABEL)"
  echo "=================================================================="
}

# ex_name SHORT: the name of something this exercise creates (ex-01-favorites).
ex_name() { echo "$EX_PREFIX-$1"; }

_end_step() {
  [ -n "$EX_STEP_T0" ] && echo "${C_DIM}  ($(_secs "$EX_STEP_T0") s)${C_OFF}"
  EX_STEP_T0=
}

# step TITLE: a numbered step, as in the exercise page.
step() {
  _end_step
  EX_STEP=$((EX_STEP + 1))
  echo
  echo "--- step $EX_STEP: $*"
  EX_STEP_T0=$(_now)
}

# say TEXT: an explanation line.
say() { echo "  # $*"; }

_ex_exit() {
  local rc=$?
  _end_step
  trap - INT TERM
  ex_cleanup
  rm -rf "$EX_TMP"
  if [ "$rc" -ne 0 ] && [ "$EX_FAIL" -eq 0 ]; then
    EX_FAIL=1
    echo "${C_FAIL}FAIL${C_OFF} the check stopped early (exit $rc)"
  fi
  echo "[$EX_NAME] $EX_PASS passed, $EX_FAIL failed in $(_secs "$EX_T0") s"
  [ "$EX_FAIL" -eq 0 ] && exit 0 || exit 1
}

# ---------------------------------------------------------------- running commands
# How a command is shown: words with only safe characters as they are, others single-quoted.
_show() {
  local out='' w
  for w in "$@"; do
    if [[ $w =~ ^[A-Za-z0-9_./:=@%+,^-]+$ ]]; then out+=" $w"
    else out+=" '${w//\'/\'\\\'\'}'"; fi
  done
  printf '%s' "${out# }"
}

# _plain: without terminal escape sequences (colours in service logs, a shell's prompt codes)
# and carriage returns, so the transcript reads like plain text and assertions see the words.
_plain() { sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r$//' -e 's/\r/\n/g'; }

_print_output() {
  local n
  [ -z "$OUT" ] && return
  n=$(printf '%s\n' "$OUT" | wc -l)
  # long lines: their start and their end (where error messages say what went wrong)
  printf '%s\n' "$OUT" | head -n "$EX_MAX_LINES" \
    | awk '{ if (length($0) > 230) print substr($0, 1, 150) " ... " substr($0, length($0) - 74); else print }' \
    | sed 's/^/    /'
  [ "$n" -gt "$EX_MAX_LINES" ] && echo "    ${C_DIM}... ($((n - EX_MAX_LINES)) more lines)${C_OFF}"
  return 0
}

# run CMD...: prints "$ CMD", runs it (stdout and stderr together into $OUT, exit code into
# $RC), prints the output. Never stops the script: assertions decide.
run() {
  echo "${C_CMD}\$ $(_show "$@")${C_OFF}"
  OUT=$(timeout "$EX_CMD_TIMEOUT" "$@" 2>&1)
  RC=$?
  OUT=$(_plain <<<"$OUT")
  _print_output
  [ "$RC" = 124 ] && echo "    ${C_FAIL}(still running after $EX_CMD_TIMEOUT s: stopped)${C_OFF}"
  [ "$RC" -ne 0 ] && echo "    ${C_DIM}(exit code $RC)${C_OFF}"
  return 0
}

# run_quiet CMD...: like run, but the output is not printed (still in $OUT).
run_quiet() {
  echo "${C_CMD}\$ $(_show "$@")${C_OFF}"
  OUT=$(timeout "$EX_CMD_TIMEOUT" "$@" 2>&1)
  RC=$?
  OUT=$(_plain <<<"$OUT")
  [ "$RC" -ne 0 ] && echo "    ${C_DIM}(exit code $RC)${C_OFF}"
  return 0
}

# expect TEXT: what the student should see, printed before the assertions.
expect() { echo "  expect: $*"; }

# run_bg LOGFILE CMD...: prints "$ CMD &", starts it in the background with its output in
# LOGFILE; its pid in $BG_PID (stopped at cleanup by the caller's `track cmd kill`).
run_bg() {
  local log=$1; shift
  echo "${C_CMD}\$ $(_show "$@") &${C_OFF}"
  "$@" >"$log" 2>&1 </dev/null &
  BG_PID=$!
}

# wait_port HOST PORT SECONDS: until something accepts TCP connections there (host side).
wait_port() {
  local deadline=$(( $(date +%s) + $3 ))
  until (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------- assertions
pass() { EX_PASS=$((EX_PASS + 1)); echo "  ${C_PASS}PASS${C_OFF} $*"; }
fail() { EX_FAIL=$((EX_FAIL + 1)); echo "  ${C_FAIL}FAIL${C_OFF} $*"; }
# fatal TEXT: a failure after which the rest of the exercise makes no sense.
fatal() { fail "$*"; echo "  (cannot go on)"; exit 1; }

_outline() { printf '%s' "$OUT" | tr '\n' ' ' | cut -c1-300; }

# check_rc CODE WHAT: the last command's exit code is CODE ("nonzero": anything but 0).
check_rc() {
  local want=$1; shift
  if { [ "$want" = nonzero ] && [ "$RC" -ne 0 ]; } || [ "$RC" = "$want" ]; then pass "$* (exit code $RC)"
  else fail "$*: expected exit code $want, got $RC; output: $(_outline)"; fi
}
# check_out_contains TEXT WHAT / check_out_lacks TEXT WHAT: on the last command's output.
check_out_contains() {
  local want=$1; shift
  if [[ $OUT == *"$want"* ]]; then pass "$* (output has \"$want\")"
  else fail "$*: expected the output to contain \"$want\"; got: $(_outline)"; fi
}
check_out_lacks() {
  local bad=$1; shift
  if [[ $OUT != *"$bad"* ]]; then pass "$* (output has no \"$bad\")"
  else fail "$*: expected the output NOT to contain \"$bad\"; got: $(_outline)"; fi
}
# check_out_match REGEX WHAT: the output matches an extended regex (grep -E, any line).
check_out_match() {
  local re=$1; shift
  if printf '%s\n' "$OUT" | grep -Eq -- "$re"; then pass "$* (output matches /$re/)"
  else fail "$*: expected the output to match /$re/; got: $(_outline)"; fi
}
# check_eq ACTUAL EXPECTED WHAT / check_ne ACTUAL UNEXPECTED WHAT
check_eq() {
  local a=$1 b=$2; shift 2
  if [ "$a" = "$b" ]; then pass "$* (\"$a\")"
  else fail "$*: expected \"$b\", got \"$a\""; fi
}
check_ne() {
  local a=$1 b=$2; shift 2
  if [ "$a" != "$b" ]; then pass "$* (\"$a\" is not \"$b\")"
  else fail "$*: expected something other than \"$b\""; fi
}
# check_true WHAT -- CMD...: passes when CMD exits 0 (CMD is not printed: use for inspecting
# values the transcript already shows).
check_true() {
  local what=() ; while [ $# -gt 0 ] && [ "$1" != -- ]; do what+=("$1"); shift; done; shift
  if "$@" >/dev/null 2>&1; then pass "${what[*]}"; else fail "${what[*]}"; fi
}

# ---------------------------------------------------------------- HTTP
# curl_cmd URL [EXTRA CURL ARGS]: the curl line every HTTP step shows. The body is printed,
# then a last line "HTTP <code>" (000: no answer).
CURL=(curl -s --max-time 10 -w '\nHTTP %{http_code}\n')
# http_status: the status of the last curl run through run / run_in.
http_status() { printf '%s\n' "$OUT" | sed -n 's/^HTTP \([0-9][0-9][0-9]\)$/\1/p' | tail -1; }
check_http() {
  local want=$1; shift
  local got; got=$(http_status)
  if [ "$got" = "$want" ]; then pass "$* (HTTP $got)"
  else fail "$*: expected HTTP $want, got ${got:-no answer}; output: $(_outline)"; fi
}

# wait_http URL CODE SECONDS [CURL PREFIX...]: polls until URL answers CODE (SECONDS empty:
# $EX_WAIT). Printed as one command, "repeated until CODE". A prefix runs curl elsewhere, e.g.
# `docker exec ex-04-box` (then the curl of that container is used).
wait_http() {
  local url=$1 code=$2 max=${3:-$EX_WAIT}; shift 3
  local prefix=("$@")
  echo "${C_CMD}\$ $(_show "${prefix[@]}" curl -s -o /dev/null -w '%{http_code}' "$url")${C_OFF}  ${C_DIM}# repeated until $code, at most $max s${C_OFF}"
  _poll_until "$code" "$max" 0.2 "${prefix[@]}" curl -s -o /dev/null --max-time 8 -w '%{http_code}' "$url"
}

# _poll_until WANT SECONDS EVERY CMD...: runs CMD every EVERY s until it prints WANT or SECONDS
# have passed; prints the last output and the time taken. OUT = that output; RC (and the
# return status) 0 when it was WANT, else 1.
_poll_until() {
  local want=$1 max=$2 every=$3 t0 deadline; shift 3
  t0=$(_now); deadline=$(( $(date +%s) + max ))
  while :; do
    OUT=$("$@" 2>/dev/null)
    [ "$OUT" = "$want" ] && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep "$every"
  done
  echo "    $OUT ${C_DIM}(after $(_secs "$t0") s)${C_OFF}"
  [ "$OUT" = "$want" ] && RC=0 || RC=1
  return "$RC"
}

# ---------------------------------------------------------------- docker helpers
# inspect FORMAT OBJECT: `docker inspect -f FORMAT OBJECT`, value only (not printed).
inspect() { docker inspect -f "$1" "$2" 2>/dev/null; }
container_ip() { # container [network]: its address on that network (default: the first one)
  if [ -n "${2:-}" ]; then inspect "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
  else inspect '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | awk '{print $1}'; fi
}

# need_image IMAGE...: every image must exist locally (project images: built by
# exercises/build-images.sh; the MongoDB image is pulled when missing).
need_image() {
  local img
  for img in "$@"; do
    docker image inspect "$img" >/dev/null 2>&1 && continue
    if [ "$img" = "$MONGO_IMAGE" ]; then
      echo "  (pulling $img)"
      if timeout 300 docker pull -q "$img" >/dev/null 2>&1; then continue; fi
      fatal "the MongoDB image $img is not here and cannot be pulled (no registry?): set MONGO_IMAGE to a local MongoDB-compatible image, e.g. MONGO_IMAGE=goals-ci-secantusdb (scripts/docker-prepare.sh builds it)"
    fi
    fatal "image $img is missing: build it with exercises/build-images.sh"
  done
}

# need_deb COMMAND PACKAGE: COMMAND must exist; else install PACKAGE with apt-get (root).
need_deb() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "  installing Debian package $2 (apt-get), for the command $1"
  local log=$EX_TMP/apt-$2.log
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$2" >"$log" 2>&1 \
    || { apt-get update -qq >>"$log" 2>&1 && apt-get install -y -qq --no-install-recommends "$2" >>"$log" 2>&1; }
  command -v "$1" >/dev/null 2>&1 && return 0
  tail -5 "$log" | sed 's/^/    /'
  fatal "the command $1 is missing and the Debian package $2 could not be installed: run 'sudo apt-get install $2' and try again"
}

# free_port: a TCP port nobody listens on right now (host side).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'
}

# host_ip: this machine's main address (the source of its default route), not a docker one.
host_ip() {
  ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1
}

# ---------------------------------------------------------------- cleanup registry
# track container|network|volume|image NAME, track pid PID (a background process of ours),
# track cmd COMMAND...: remembered and undone at the end
# (containers first, then networks, volumes, images, processes, then commands, newest first).
track() {
  local kind=$1; shift
  case $kind in
    container) EX_CONTAINERS+=("$1") ;;
    network) EX_NETWORKS+=("$1") ;;
    volume) EX_VOLUMES+=("$1") ;;
    image) EX_IMAGES+=("$1") ;;
    cmd) EX_CLEANUPS+=("$(_show "$@")") ;;
    pid) EX_PIDS+=("$1") ;;
    *) echo "track: unknown kind $kind" >&2; return 1 ;;
  esac
}

ex_cleanup() {
  if [ "${EX_KEEP:-0}" = 1 ]; then
    echo; echo "--- EX_KEEP=1: left in place (remove with: docker rm -f \$(docker ps -aq --filter label=$EX_LABEL --filter name=^$EX_PREFIX-))"
    return
  fi
  local t0 i c n leftovers
  t0=$(_now)
  echo
  echo "--- cleanup: what $EX_PREFIX created"
  for ((i = ${#EX_CONTAINERS[@]} - 1; i >= 0; i--)); do
    docker container inspect "${EX_CONTAINERS[i]}" >/dev/null 2>&1 || continue   # gone already (--rm)
    docker rm -f "${EX_CONTAINERS[i]}" >/dev/null 2>&1 && echo "    removed container ${EX_CONTAINERS[i]}"
  done
  # a safety net: anything of this exercise that was created but not tracked (e.g. a failed
  # run whose container exists), found by label AND name prefix.
  leftovers=$(docker ps -aq --filter "label=$EX_LABEL" --filter "name=^$EX_PREFIX-" 2>/dev/null)
  for c in $leftovers; do
    n=$(inspect '{{.Name}}' "$c"); docker rm -f "$c" >/dev/null 2>&1 && echo "    removed container ${n#/}"
  done
  for ((i = ${#EX_NETWORKS[@]} - 1; i >= 0; i--)); do
    docker network inspect "${EX_NETWORKS[i]}" >/dev/null 2>&1 || continue
    docker network rm "${EX_NETWORKS[i]}" >/dev/null 2>&1 && echo "    removed network ${EX_NETWORKS[i]}"
  done
  leftovers=$(docker network ls -q --filter "label=$EX_LABEL" --filter "name=^$EX_PREFIX-" 2>/dev/null)
  for c in $leftovers; do
    n=$(inspect '{{.Name}}' "$c"); docker network rm "$c" >/dev/null 2>&1 && echo "    removed network $n"
  done
  for ((i = ${#EX_VOLUMES[@]} - 1; i >= 0; i--)); do
    docker volume inspect "${EX_VOLUMES[i]}" >/dev/null 2>&1 || continue
    docker volume rm "${EX_VOLUMES[i]}" >/dev/null 2>&1 && echo "    removed volume ${EX_VOLUMES[i]}"
  done
  leftovers=$(docker volume ls -q --filter "label=$EX_LABEL" 2>/dev/null | grep "^$EX_PREFIX-")
  for c in $leftovers; do
    docker volume rm "$c" >/dev/null 2>&1 && echo "    removed volume $c"
  done
  for ((i = ${#EX_IMAGES[@]} - 1; i >= 0; i--)); do
    docker image inspect "${EX_IMAGES[i]}" >/dev/null 2>&1 || continue
    docker image rm "${EX_IMAGES[i]}" >/dev/null 2>&1 && echo "    removed image ${EX_IMAGES[i]}"
  done
  # background processes: stop them all, then wait (at most 5 s) until each has exited
  for c in "${EX_PIDS[@]}"; do kill "$c" 2>/dev/null && echo "    stopped process $c"; done
  for c in "${EX_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$c" 2>/dev/null || break; sleep 0.1; done
  done
  for ((i = ${#EX_CLEANUPS[@]} - 1; i >= 0; i--)); do
    [[ ${EX_CLEANUPS[i]} == kill* ]] || echo "    \$ ${EX_CLEANUPS[i]}"
    bash -c "${EX_CLEANUPS[i]}" 2>&1 | sed 's/^/    /'
  done
  EX_CONTAINERS=(); EX_NETWORKS=(); EX_VOLUMES=(); EX_IMAGES=(); EX_CLEANUPS=(); EX_PIDS=()
  echo "${C_DIM}  (cleanup $(_secs "$t0") s)${C_OFF}"
}

# ---- used by the orchestration checks (13-15) ----
# untrack_cmd COMMAND...: forget a cleanup command (done in the exercise itself already).
untrack_cmd() {
  local want keep=() c
  want=$(_show "$@")
  for c in "${EX_CLEANUPS[@]}"; do [ "$c" = "$want" ] || keep+=("$c"); done
  EX_CLEANUPS=("${keep[@]}")
}
# replicas SERVICE: "running/desired" as docker service ls shows it (e.g. 3/3).
replicas() {
  docker service ls --filter "name=$1" --format '{{.Name}} {{.Replicas}}' 2>/dev/null | awk -v n="$1" '$1 == n {print $2}'
}
# wait_replicas SERVICE N|RUNNING/WANTED SECONDS: until N of N (or RUNNING of WANTED) tasks run.
wait_replicas() { # SERVICE N|RUNNING/WANTED SECONDS
  local svc=$1 want=$2 max=$3
  [[ $want == */* ]] || want=$want/$want
  echo "${C_CMD}\$ $(_show docker service ls --filter "name=$svc" --format '{{.Replicas}}')${C_OFF}  ${C_DIM}# repeated until $want, at most $max s${C_OFF}"
  _poll_until "$want" "$max" 0.5 replicas "$svc"
  return 0   # the caller reads RC
}

# mongosh_image: the image whose `mongosh` the checks run as a throwaway client (exercise 11).
# MONGOSH_IMAGE when set; else course-mongosh (exercises/mongosh/, built by build-images.sh)
# when MONGO_IMAGE is the CI stand-in, whose mongosh only answers the healthcheck's ping; else
# MONGO_IMAGE itself (the official mongo:8 image ships mongosh).
mongosh_image() {
  if [ -n "${MONGOSH_IMAGE:-}" ]; then echo "$MONGOSH_IMAGE"; return; fi
  if mongo_is_standin; then echo course-mongosh; else echo "$MONGO_IMAGE"; fi
}

# mongo_is_standin: MONGO_IMAGE is the CI stand-in (goals-ci-secantusdb, docker/ci/): its
# compose override (docker/ci/compose.ci.yml) gives it a healthcheck of its own.
mongo_is_standin() { [[ $MONGO_IMAGE == goals-ci-secantusdb* ]]; }

# ensure_image TAG WHAT: builds TAG with exercises/build-images.sh WHAT when it is missing
# (seconds with a warm cache, minutes cold).
ensure_image() {
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  echo "  building $1 (exercises/build-images.sh $2: seconds with a warm cache, minutes cold)"
  bash "$EX_ROOT/exercises/build-images.sh" "$2" || fatal "could not build $1"
}
