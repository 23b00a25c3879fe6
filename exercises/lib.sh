# Shared helpers of the exercise checks (sourced, not run). POSIX sh: a check that starts with
# `#!/bin/sh` needs nothing on the machine but `docker` (with Compose) and a POSIX shell with
# its usual tools (sed, awk, grep, date, mktemp): dash, busybox sh, macOS's bash 3.2, a WSL 2
# terminal's shell. Everything else (curl, ip, nc, JSON, addresses) runs in a container of the
# course's toolbox image. Checks still written for bash get their extras from lib-bash.sh.
# Every check:
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
#   run docker run -d --name "$(ex_name favorites)" --label "$EX_LABEL" -p 127.0.0.1::3000 goals-favorites
#   track container "$(ex_name favorites)"
#   check_rc 0 "the container starts"
#   curl_host "http://localhost:$(published "$(ex_name favorites)" 3000)/healthz"
#
# Settings (environment):
#   EX_ENGINE        auto (default: from `docker info`), desktop (Docker Desktop: the engine in a
#                    VM) or linux (Docker Engine beside the shell): which outcomes to expect
#   MONGO_IMAGE      the MongoDB image (default mongo:8; on machines without a registry the
#                    CI stand-in: MONGO_IMAGE=goals-ci-secantusdb, see docker/ci/)
#   EX_MAX_LINES     how many output lines of each command to show (default 12)
#   EX_WAIT          seconds to wait for a service to become ready (default 30)
#   EX_CMD_TIMEOUT   seconds after which a command that should have ended is stopped (120)
#   EX_KEEP=1        keep what the check created (debugging; remove it yourself afterwards)
#   EX_LANG          ko or en: the language of the check's own words (default: from the locale)
# shellcheck shell=sh disable=SC2034,SC3043
# (SC3043: `local` is not POSIX, but dash, busybox sh, bash and zsh all have it)

if [ -n "${BASH_VERSION:-}" ]; then
  # shellcheck disable=SC3040
  set -o pipefail
  eval '_EX_LIB=${BASH_SOURCE[0]}'
else
  _EX_LIB=$(dirname "$0")/../lib.sh
fi
set -u
EX_ROOT=$(cd "$(dirname "$_EX_LIB")/.." && pwd)
EX_LABEL=course.exercise=1
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
# what to undo at the end: one name (or, for EX_CLEANUPS, one shell command) a line, newest first
EX_CLEANUPS=
EX_CONTAINERS=
EX_NETWORKS=
EX_VOLUMES=
EX_IMAGES=
EX_PIDS=
EX_HOST=
OUT=
RC=0
_NL='
'

if [ -t 1 ]; then
  C_PASS=$(printf '\033[32m') C_FAIL=$(printf '\033[31m') C_CMD=$(printf '\033[1m')
  C_DIM=$(printf '\033[2m') C_OFF=$(printf '\033[0m')
else
  C_PASS='' C_FAIL='' C_CMD='' C_DIM='' C_OFF=''
fi

# _now: nanoseconds since the epoch (whole seconds where date has no %N, as on macOS)
_now() {
  local t
  t=$(date +%s%N 2>/dev/null)
  case $t in ''|*[!0-9]*) t=$(($(date +%s) * 1000000000)) ;; esac
  printf '%s\n' "$t"
}
_secs() { awk -v a="$1" -v b="$(_now)" 'BEGIN{printf "%.1f", (b-a)/1e9}'; }

# _timeout SECONDS CMD...: CMD, stopped after SECONDS (exit code 124), with timeout(1) where the
# machine has it (Linux, busybox, Homebrew's coreutils), else with a watcher process.
_timeout() {
  local secs="$1" pid watcher rc
  shift
  if command -v timeout >/dev/null 2>&1; then timeout "$secs" "$@"; return; fi
  exec 9<&0
  "$@" <&9 &
  pid=$!
  (sleep "$secs"; kill "$pid" 2>/dev/null) >/dev/null 2>&1 </dev/null &
  watcher=$!
  wait "$pid"; rc=$?
  if kill "$watcher" 2>/dev/null; then return "$rc"; fi
  return 124
}

# ---------------------------------------------------------------- which engine
# EX_ENGINE=desktop when `docker info` describes Docker Desktop (operating system "Docker
# Desktop", name "docker-desktop"), else linux; a setting of EX_ENGINE wins.
_detect_engine() {
  local info
  case ${EX_ENGINE:-auto} in
    desktop|linux) EX_ENGINE_WHY="EX_ENGINE=$EX_ENGINE" ;;
    auto)
      info=$(docker info -f '{{.OperatingSystem}} / {{.Name}}' 2>/dev/null) || info=
      case $info in
        *"Docker Desktop"*|*" / docker-desktop") EX_ENGINE=desktop ;;
        *) EX_ENGINE=linux ;;
      esac
      EX_ENGINE_WHY="docker info: ${info:-$(_m "no answer" "응답 없음")}" ;;
    *) printf '%s\n' "EX_ENGINE is '$EX_ENGINE': use auto, desktop or linux" >&2; exit 2 ;;
  esac
}
# on_desktop: the engine is Docker Desktop's (it runs in a VM, not beside this shell).
on_desktop() { [ "$EX_ENGINE" = desktop ]; }

# ---------------------------------------------------------------- language
# EX_LANG=ko: the check's own words (the header, steps, "expect", PASS/FAIL and their reasons,
# the cleanup, the hints) in Korean, as the Korean pages; en: English. Default: from the
# locale (LC_ALL, LC_MESSAGES, LANG starting with ko). The commands and their output stay as
# they are. Each check writes its own texts (step, say, expect, desktop_note and the WHAT of
# every assertion) in both languages, "ENGLISH |ko| KOREAN" (see _tr).
case ${EX_LANG:-auto} in
  ko|en) ;;
  auto) case ${LC_ALL:-${LC_MESSAGES:-${LANG:-}}} in ko*) EX_LANG=ko ;; *) EX_LANG=en ;; esac ;;
  *) echo "EX_LANG is '$EX_LANG': use ko, en or auto" >&2; exit 2 ;;
esac
# _m ENGLISH KOREAN: the text in the check's language
_m() { if [ "$EX_LANG" = ko ]; then printf '%s' "$2"; else printf '%s' "$1"; fi; }
# _tr TEXT: sets _T to TEXT's half in the check's language. A check's texts are written
# "ENGLISH |ko| KOREAN" (both halves with the same $variables); a text without " |ko| " is
# used as it is. No subshell: the assertions call it for every line they print. A check's own
# helper that adds words to a WHAT it was given calls _tr on the WHAT first.
_tr() {
  case $1 in
    *' |ko| '*) if [ "$EX_LANG" = ko ]; then _T=${1#*' |ko| '}; else _T=${1%%' |ko| '*}; fi ;;
    *) _T=$1 ;;
  esac
}

# ---------------------------------------------------------------- begin / end / steps
# ex_begin NUMBER TITLE: names the run, installs the cleanup trap, prints the header.
ex_begin() {
  EX_NUM=$1
  EX_TITLE=$2
  EX_NAME=$(basename "$0" .sh)
  EX_PREFIX=ex-$1
  EX_T0=$(_now)
  EX_TMP=$(mktemp -d "/tmp/$EX_PREFIX.XXXXXX")
  # the toolbox on the host's network (host_probe), named ex-NN.host: outside the ex-NN-* names
  # a check counts or filters on; known here, so that one started in a subshell is removed too
  EX_HOST=$EX_PREFIX.host
  track container "$EX_HOST"
  trap _ex_exit EXIT
  trap 'echo; _m interrupted 중단됨; echo; exit 130' INT TERM
  _detect_engine
  printf '%s\n' "=================================================================="
  _tr "$EX_TITLE"; EX_TITLE=$_T
  printf '%s\n' "$(_m exercise 실습) $EX_NAME: $EX_TITLE"
  printf '%s\n' "$(_m "(everything it creates is named $EX_PREFIX-* and labelled $EX_LABEL)" "(이 점검이 만드는 것은 모두 이름이 $EX_PREFIX-*이고 $EX_LABEL 레이블이 붙습니다)")"
  if on_desktop; then printf '%s\n' "($(_m engine 엔진): Docker Desktop: $EX_ENGINE_WHY)"; else printf '%s\n' "($(_m "engine: Docker Engine on Linux" "엔진: Linux의 Docker Engine"): $EX_ENGINE_WHY)"; fi
  printf '%s\n' "=================================================================="
}

# ex_name SHORT: the name of something this exercise creates (ex-01-favorites).
ex_name() { printf '%s\n' "$EX_PREFIX-$1"; }

_end_step() {
  [ -n "$EX_STEP_T0" ] && printf '%s\n' "${C_DIM}  ($(_secs "$EX_STEP_T0")$(_m " s" 초))${C_OFF}"
  EX_STEP_T0=
}

# step TITLE: a numbered step, as in the exercise page.
step() {
  _end_step
  EX_STEP=$((EX_STEP + 1))
  echo
  _tr "$*"
  printf '%s\n' "--- $(_m "step $EX_STEP" "${EX_STEP}단계"): $_T"
  EX_STEP_T0=$(_now)
}

# say TEXT: an explanation line.
say() { _tr "$*"; printf '%s\n' "  # $_T"; }

_ex_exit() {
  local rc=$?
  _end_step
  trap - INT TERM
  ex_cleanup
  rm -rf "$EX_TMP"
  if [ "$rc" -ne 0 ] && [ "$EX_FAIL" -eq 0 ]; then
    EX_FAIL=1
    printf '%s\n' "${C_FAIL}$(_m FAIL 실패)${C_OFF} $(_m "the check stopped early (exit $rc)" "점검이 중간에 멈췄습니다(종료 코드 $rc)")"
  fi
  [ "$EX_FAIL" -eq 0 ] || printf '%s\n' "$(_m "(a check failed: what to do is in exercises/README.md#when-a-check-fails)" "(점검이 실패했습니다. 어떻게 하면 되는지는 exercises/README.ko.md#점검이-실패하면 에 있습니다)")"
  printf '%s\n' "[$EX_NAME] $(_m "$EX_PASS passed, $EX_FAIL failed in $(_secs "$EX_T0") s" "통과 $EX_PASS, 실패 $EX_FAIL, $(_secs "$EX_T0")초")"
  trap - EXIT
  [ "$EX_FAIL" -eq 0 ] && exit 0 || exit 1
}

# ---------------------------------------------------------------- running commands
# How a command is shown: words with only safe characters as they are, others single-quoted.
_show() {
  local out='' w
  for w in "$@"; do
    case $w in
      ''|*[!A-Za-z0-9_./:=@%+,^-]*) w="'$(printf '%s' "$w" | sed "s/'/'\\\\''/g")'" ;;
    esac
    out="$out $w"
  done
  printf '%s' "${out# }"
}

# _plain: without terminal escape sequences (colours in service logs, a shell's prompt codes)
# and carriage returns, so the transcript reads like plain text and assertions see the words.
_plain() { awk '{ gsub(/\033\[[0-9;?]*[A-Za-z]/, ""); sub(/\r$/, ""); gsub(/\r/, "\n"); print }'; }

_print_output() {
  local n
  [ -z "$OUT" ] && return 0
  n=$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')
  # long lines: their start and their end (where error messages say what went wrong)
  printf '%s\n' "$OUT" | head -n "$EX_MAX_LINES" \
    | awk '{ if (length($0) > 230) print substr($0, 1, 150) " ... " substr($0, length($0) - 74); else print }' \
    | sed 's/^/    /'
  [ "$n" -gt "$EX_MAX_LINES" ] && printf '%s\n' "    ${C_DIM}... ($(_m "$((n - EX_MAX_LINES)) more lines" "$((n - EX_MAX_LINES))줄 더"))${C_OFF}"
  return 0
}

# _capture CMD...: runs CMD (stdout and stderr together into $OUT, exit code into $RC).
_capture() {
  [ "$1 ${2-}" = "docker rm" ] && _anonymous_volumes "$@"
  OUT=$(_timeout "$EX_CMD_TIMEOUT" "$@" 2>&1)
  RC=$?
  OUT=$(printf '%s\n' "$OUT" | _plain)
}
# _anonymous_volumes docker rm [OPTIONS] CONTAINER...: tracks the containers' anonymous volumes
# (named by a 64-digit ID: an image's VOLUME, as a database's data folder), which the page's
# `docker rm` without -v leaves behind; the cleanup removes them.
_anonymous_volumes() {
  local a v
  shift 2
  for a in "$@"; do
    case $a in -*) continue ;; esac
    for v in $(docker container inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' "$a" 2>/dev/null); do
      [ ${#v} -eq 64 ] && EX_VOLUMES="$v$_NL$EX_VOLUMES"
    done
  done
  return 0
}
_report_rc() {
  [ "$RC" = 124 ] && printf '%s\n' "    ${C_FAIL}($(_m "still running after $EX_CMD_TIMEOUT s: stopped" "${EX_CMD_TIMEOUT}초가 지나도 끝나지 않아 멈췄습니다"))${C_OFF}"
  [ "$RC" -ne 0 ] && printf '%s\n' "    ${C_DIM}($(_m "exit code" "종료 코드") $RC)${C_OFF}"
  return 0
}

# _command_line NOTE CMD...: the line "$ CMD" as the student types it, NOTE (if any) after it
# as a comment (where it ran).
_command_line() {
  local note="$1"; shift
  printf '%s\n' "${C_CMD}\$ $(_show "$@")${C_OFF}${note:+  ${C_DIM}# $note${C_OFF}}"
}

# run CMD...: prints "$ CMD", runs it (stdout and stderr together into $OUT, exit code into
# $RC), prints the output. Never stops the script: assertions decide.
run() {
  _command_line '' "$@"
  _capture "$@"
  _print_output
  _report_rc
}

# run_quiet CMD...: like run, but the output is not printed (still in $OUT).
run_quiet() {
  _command_line '' "$@"
  _capture "$@"
  _report_rc
}

# ---------------------------------------------------------------- the Docker host's side
# What a page has the student run on their own machine (curl localhost:3000, ip addr show
# docker0, nc) the check runs in EX_HOST, a toolbox container in the network namespace of the
# engine's host (--network host): on Linux that is this machine; on Docker Desktop it is the VM
# the engine runs in, where published ports listen too (Desktop forwards them to the machine's
# localhost). So the check needs no curl, ip or nc here.
host_probe() {
  docker container inspect "$EX_HOST" >/dev/null 2>&1 && return 0
  docker run -d --name "$EX_HOST" --label "$EX_LABEL" --network host "$TOOLBOX_IMAGE" >/dev/null 2>&1 \
    || fatal "$(_m "cannot start the toolbox on the host's network" "호스트의 네트워크에서 toolbox를 시작할 수 없습니다") (docker run --network host $TOOLBOX_IMAGE)"
}

# run_host CMD...: like run, CMD run on the Docker host's network (see host_probe); printed as
# the student types it, with where it ran.
run_host() {
  run_host_quiet "$@"
  _print_output
}
# run_host_quiet CMD...: run_host, the output not printed (still in $OUT).
run_host_quiet() {
  host_probe
  _command_line "$(_m "on the Docker host's network" "Docker 호스트의 네트워크에서"): docker exec $EX_HOST ..." "$@"
  _capture docker exec "$EX_HOST" "$@"
  _report_rc
}

# curl_host URL [CURL ARGS...] / curl_in CONTAINER URL [CURL ARGS...]: an HTTP request from the
# Docker host's network / from inside CONTAINER (it needs curl: the toolbox). The body is
# printed, then a last line "HTTP <code>" (000: no answer).
curl_host() {
  local url="$1"; shift
  run_host curl -s --max-time 10 -w '\nHTTP %{http_code}\n' "$@" "$url"
}
quiet_curl_host() {   # curl_host, the body not printed (still in $OUT)
  local url="$1"; shift
  run_host_quiet curl -s --max-time 10 -w '\nHTTP %{http_code}\n' "$@" "$url"
}
curl_in() {
  local c="$1" url="$2"; shift 2
  run docker exec "$c" curl -s --max-time 10 -w '\nHTTP %{http_code}\n' "$@" "$url"
}

# published CONTAINER PORT: the host port Docker gave the container's PORT (published with
# -p 127.0.0.1::PORT or -p PORT: Docker picks a free one, no port scan needed here).
published() { docker port "$1" "$2/tcp" 2>/dev/null | head -1 | sed 's/.*://'; }

# free_host_port: a TCP port free on the Docker host right now, for a process on the host's
# network (--network host) that cannot be published: Docker picks it for a throwaway container,
# which is removed at once (the port is then free again). Docker only knows its own ports, so
# the port is then tried: a listener on 0.0.0.0:PORT in the host's toolbox (see host_probe)
# must start (something else of the Docker host may hold the port on one of its addresses); up
# to five ports are tried.
free_host_port() {
  local c p tries=0
  host_probe
  while [ "$tries" -lt 5 ]; do
    tries=$((tries + 1))
    c=$(docker run -d --label "$EX_LABEL" -p 127.0.0.1::9 "$TOOLBOX_IMAGE" 2>/dev/null) || return 1
    p=$(published "$c" 9)
    docker rm -f "$c" >/dev/null 2>&1
    # nc can listen there when timeout stops it (124); taken, it exits at once with an error
    docker exec "$EX_HOST" timeout 0.5 nc -l 0.0.0.0 "$p" >/dev/null 2>&1
    [ $? = 124 ] && { printf '%s\n' "$p"; return 0; }
  done
  return 1
}

# expect TEXT: what the student should see, printed before the assertions.
expect() { _tr "$*"; printf '%s\n' "  $(_m expect 기대): $_T"; }

# on_desktop_expect TEXT: what a Docker Desktop user sees instead at this point, and why.
desktop_note() { _tr "$*"; printf '%s\n' "  $(_m "on Docker Desktop" "Docker Desktop에서는"): $_T"; }

# run_bg LOGFILE CMD...: prints "$ CMD &", starts it in the background with its output in
# LOGFILE; its pid in $BG_PID (stopped at cleanup by the caller's `track pid`).
run_bg() {
  local log="$1"; shift
  printf '%s\n' "${C_CMD}\$ $(_show "$@") &${C_OFF}"
  "$@" >"$log" 2>&1 </dev/null &
  BG_PID=$!
}

# ---------------------------------------------------------------- assertions
pass() { EX_PASS=$((EX_PASS + 1)); _tr "$*"; printf '%s\n' "  ${C_PASS}$(_m PASS 통과)${C_OFF} $_T"; }
fail() { EX_FAIL=$((EX_FAIL + 1)); _tr "$*"; printf '%s\n' "  ${C_FAIL}$(_m FAIL 실패)${C_OFF} $_T"; }
# fatal TEXT: a failure after which the rest of the exercise makes no sense.
fatal() { fail "$*"; printf '%s\n' "  ($(_m "cannot go on" "더 진행할 수 없습니다"))"; exit 1; }

_outline() { printf '%s' "$OUT" | tr '\n' ' ' | cut -c1-300; }

# check_rc CODE WHAT: the last command's exit code is CODE ("nonzero": anything but 0).
check_rc() {
  local want="$1"; shift
  _tr "$*"; set -- "$_T"   # the WHAT in the check's language
  if { [ "$want" = nonzero ] && [ "$RC" -ne 0 ]; } || [ "$RC" = "$want" ]; then pass "$* ($(_m "exit code" "종료 코드") $RC)"
  else fail "$*: $(_m "expected exit code $want, got $RC; output" "기대한 종료 코드는 $want, 실제는 $RC. 출력"): $(_outline)"; fi
}
# check_out_contains TEXT WHAT / check_out_lacks TEXT WHAT: on the last command's output.
check_out_contains() {
  local want="$1"; shift
  _tr "$*"; set -- "$_T"   # the WHAT in the check's language
  case $OUT in
    *"$want"*) pass "$* ($(_m "output has" "출력에 있음:") \"$want\")" ;;
    *) fail "$*: $(_m "expected the output to contain \"$want\"; got" "출력에 \"$want\" 문자열이 있어야 하는데 없습니다. 출력"): $(_outline)" ;;
  esac
}
check_out_lacks() {
  local bad="$1"; shift
  _tr "$*"; set -- "$_T"   # the WHAT in the check's language
  case $OUT in
    *"$bad"*) fail "$*: $(_m "expected the output NOT to contain \"$bad\"; got" "출력에 \"$bad\" 문자열이 없어야 하는데 있습니다. 출력"): $(_outline)" ;;
    *) pass "$* ($(_m "output has no" "출력에 없음:") \"$bad\")" ;;
  esac
}
# check_out_match REGEX WHAT: the output matches an extended regex (grep -E, any line).
check_out_match() {
  local re="$1"; shift
  _tr "$*"; set -- "$_T"   # the WHAT in the check's language
  if printf '%s\n' "$OUT" | grep -Eq -- "$re"; then pass "$* ($(_m "output matches" "출력이 패턴과 맞음:") /$re/)"
  else fail "$*: $(_m "expected the output to match /$re/; got" "출력이 /$re/ 패턴과 맞아야 하는데 맞지 않습니다. 출력"): $(_outline)"; fi
}
# check_eq ACTUAL EXPECTED WHAT / check_ne ACTUAL UNEXPECTED WHAT
check_eq() {
  local a="$1" b="$2"; shift 2
  _tr "$*"; set -- "$_T"   # the WHAT in the check's language
  if [ "$a" = "$b" ]; then pass "$* (\"$a\")"
  else fail "$*: $(_m "expected \"$b\", got \"$a\"" "기대한 값은 \"$b\", 실제는 \"$a\"")"; fi
}
check_ne() {
  local a="$1" b="$2"; shift 2
  _tr "$*"; set -- "$_T"   # the WHAT in the check's language
  if [ "$a" != "$b" ]; then pass "$* (\"$a\" $(_m "is not" "≠") \"$b\")"
  else fail "$*: $(_m "expected something other than \"$b\"" "\"$b\" 말고 다른 값이어야 합니다")"; fi
}
# check_true WHAT... -- CMD...: passes when CMD exits 0 (CMD is not printed: use for inspecting
# values the transcript already shows).
check_true() {
  local what=''
  while [ $# -gt 0 ] && [ "$1" != -- ]; do what="${what:+$what }$1"; shift; done
  shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

# ---------------------------------------------------------------- HTTP
# http_status: the status of the last curl run through curl_host / curl_in.
http_status() { printf '%s\n' "$OUT" | sed -n 's/^HTTP \([0-9][0-9][0-9]\)$/\1/p' | tail -1; }
check_http() {
  local want="$1" got; shift
  _tr "$*"; set -- "$_T"   # the WHAT in the check's language
  got=$(http_status)
  if [ "$got" = "$want" ]; then pass "$* (HTTP $got)"
  else fail "$*: $(_m "expected HTTP $want, got ${got:-no answer}; output" "기대한 응답은 HTTP $want, 실제는 ${got:-응답 없음}. 출력"): $(_outline)"; fi
}
# http_body: the last curl's output without its "HTTP <code>" line.
http_body() { printf '%s\n' "$OUT" | sed '$d'; }

# wait_http URL CODE SECONDS [CURL PREFIX...]: polls until URL answers CODE (SECONDS empty:
# $EX_WAIT). Printed as one command, "repeated until CODE". A prefix runs curl elsewhere, e.g.
# `docker exec ex-04-box` (then the curl of that container is used).
wait_http() {
  local url="$1" code="$2" max="${3:-$EX_WAIT}"; shift 3
  _command_line "$(_m "repeated until $code, at most $max s" "$code 응답이 나올 때까지 반복, 최대 ${max}초")" "$@" curl -s -o /dev/null -w '%{http_code}' "$url"
  _poll_until "$code" "$max" 0.2 "$@" curl -s -o /dev/null --max-time 8 -w '%{http_code}' "$url"
}
# wait_http_host URL CODE [SECONDS]: wait_http from the Docker host's network (see host_probe).
wait_http_host() {
  host_probe
  wait_http "$1" "$2" "${3:-}" docker exec "$EX_HOST"
}

# _poll MODE WANT SECONDS EVERY CMD...: runs CMD every EVERY s until its output is WANT (MODE
# is), has WANT in it (MODE has) or CMD exits 0 (MODE ok; WANT unused), or SECONDS have passed.
# Prints nothing. OUT = the last output (stderr too with has/ok), POLL_T0 = when it started;
# RC (and the return status) 0 when it matched, else 1.
_poll() {
  local mode="$1" want="$2" max="$3" every="$4" deadline; shift 4
  POLL_T0=$(_now); deadline=$(( $(date +%s) + max ))
  while :; do
    RC=1
    case $mode in
      is) OUT=$("$@" 2>/dev/null); [ "$OUT" = "$want" ] && RC=0 ;;
      has) OUT=$("$@" 2>&1); case $OUT in *"$want"*) RC=0 ;; esac ;;
      ok) OUT=$("$@" 2>&1) && RC=0 ;;
    esac
    [ "$RC" = 0 ] && return 0
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep "$every"
  done
}
# _after: " (after T s)" since the last _poll started, dimmed.
_after() { printf '%s' "${C_DIM}($(_m "after $(_secs "$POLL_T0") s" "$(_secs "$POLL_T0")초 뒤"))${C_OFF}"; }

# _poll_until WANT SECONDS EVERY CMD...: _poll is, then prints the last output and the time
# taken. OUT = that output; RC (and the return status) 0 when it was WANT, else 1.
_poll_until() {
  _poll is "$@"
  printf '%s\n' "    $OUT $(_after)"
  return "$RC"
}

# wait_tcp_host PORT [SECONDS]: until something accepts TCP connections on the Docker host's
# 127.0.0.1:PORT (nc -z in the host's toolbox, see host_probe); RC 0 when it did in time.
wait_tcp_host() {
  local port="$1" max="${2:-$EX_WAIT}"
  host_probe
  _command_line "$(_m "on the Docker host's network, repeated until it connects, at most $max s" "Docker 호스트의 네트워크에서, 연결될 때까지 반복, 최대 ${max}초")" nc -z 127.0.0.1 "$port"
  _poll ok '' "$max" 0.2 docker exec "$EX_HOST" nc -z 127.0.0.1 "$port"
  if [ "$RC" = 0 ]; then printf '%s\n' "    $(_m connected "연결됨") $(_after)"; else printf '%s\n' "    $(_m "no connection" "연결 안 됨") $(_after)"; fi
  return "$RC"
}

# ---------------------------------------------------------------- docker helpers
# inspect FORMAT OBJECT: `docker inspect -f FORMAT OBJECT`, value only (not printed).
inspect() { docker inspect -f "$1" "$2" 2>/dev/null; }
container_ip() { # container [network]: its address on that network (default: the first one)
  if [ -n "${2:-}" ]; then inspect "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
  else inspect '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | awk '{print $1}'; fi
}

# ip_in_subnet ADDRESS CIDR: ADDRESS (IPv4) is inside CIDR (e.g. 172.17.0.1 172.17.0.0/16).
ip_in_subnet() {
  awk -v ip="$1" -v net="${2%/*}" -v bits="${2#*/}" 'function n(a,  p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
    BEGIN { size = 2 ^ (32 - bits); exit !(int(n(ip) / size) == int(n(net) / size)) }'
}

# need_image IMAGE...: every image must exist locally (project images: built by
# exercises/build-images.sh; the MongoDB image is pulled when missing).
need_image() {
  local img
  for img in "$@"; do
    docker image inspect "$img" >/dev/null 2>&1 && continue
    if [ "$img" = "$MONGO_IMAGE" ]; then
      printf '%s\n' "  ($(_m "pulling" "받는 중:") $img)"
      if _timeout 300 docker pull -q "$img" >/dev/null 2>&1; then continue; fi
      fatal "$(_m "the MongoDB image $img is not here and cannot be pulled: is this machine online (docker pull $img)? On a CPU without AVX use MONGO_IMAGE=mongo:4.4" "MongoDB 이미지($img)가 없고 받을 수도 없습니다. 인터넷에 연결되어 있는지 확인하세요(docker pull $img). AVX가 없는 CPU라면 MONGO_IMAGE=mongo:4.4를 쓰세요")"
    fi
    fatal "$(_m "image $img is missing: build it with exercises/build-images.sh" "이미지($img)가 없습니다. exercises/build-images.sh로 빌드하세요")"
  done
}

# ---------------------------------------------------------------- cleanup registry
# track container|network|volume|image NAME, track pid PID (a background process of ours),
# track cmd COMMAND...: remembered and undone at the end
# (containers first, then networks, volumes, images, processes, then commands, newest first).
track() {
  local kind="$1"; shift
  case $kind in
    container) EX_CONTAINERS="$1$_NL$EX_CONTAINERS" ;;
    network) EX_NETWORKS="$1$_NL$EX_NETWORKS" ;;
    volume) EX_VOLUMES="$1$_NL$EX_VOLUMES" ;;
    image) EX_IMAGES="$1$_NL$EX_IMAGES" ;;
    cmd) EX_CLEANUPS="$(_show "$@")$_NL$EX_CLEANUPS" ;;
    pid) EX_PIDS="$1$_NL$EX_PIDS" ;;
    *) printf '%s\n' "track: unknown kind $kind" >&2; return 1 ;;
  esac
}

# untrack_cmd COMMAND...: forget a cleanup command (done in the exercise itself already).
untrack_cmd() {
  local want
  want=$(_show "$@")
  EX_CLEANUPS=$(printf '%s\n' "$EX_CLEANUPS" | awk -v w="$want" '$0 != w && $0 != ""')
  [ -n "$EX_CLEANUPS" ] && EX_CLEANUPS="$EX_CLEANUPS$_NL"
  return 0
}

# _remove KIND NAMES: removes each of NAMES (names or ids, one a line) that still exists.
_remove() {
  local kind="$1" c n
  for c in $2; do
    if [ "$kind" = image ]; then   # an image has no .Name: its tag or ID is the name
      docker image inspect "$c" >/dev/null 2>&1 || continue
      n=$c
    else
      n=$(inspect '{{.Name}}' "$c") || continue   # gone already (--rm, or removed above)
      n=${n#/}; n=${n:-$c}
    fi
    if [ "$kind" = container ]; then docker rm -f -v "$c" >/dev/null 2>&1 && printf '%s\n' "    $(_m removed 삭제:) container $n"
    else docker "$kind" rm "$c" >/dev/null 2>&1 && printf '%s\n' "    $(_m removed 삭제:) $kind $n"; fi
  done
}

ex_cleanup() {
  if [ "${EX_KEEP:-0}" = 1 ]; then
    echo; printf '%s\n' "--- EX_KEEP=1: $(_m "left in place (remove with" "지우지 않고 남겨 두었습니다(지우려면"): docker rm -f \$(docker ps -aq --filter label=$EX_LABEL --filter 'name=^${EX_PREFIX}[-.]'))"
    return
  fi
  local t0 c i
  t0=$(_now)
  echo
  printf '%s\n' "--- $(_m "cleanup: what $EX_PREFIX created" "정리: $EX_PREFIX 점검이 만든 것")"
  # newest first; then, as a safety net, anything of this exercise that was created but not
  # tracked (e.g. a failed run whose container exists), found by label AND name prefix
  _remove container "$EX_CONTAINERS"
  _remove container "$(docker ps -aq --filter "label=$EX_LABEL" --filter "name=^${EX_PREFIX}[-.]" 2>/dev/null)"
  _remove network "$EX_NETWORKS"
  _remove network "$(docker network ls -q --filter "label=$EX_LABEL" --filter "name=^$EX_PREFIX-" 2>/dev/null)"
  _remove volume "$EX_VOLUMES"
  _remove volume "$(docker volume ls -q --filter "label=$EX_LABEL" 2>/dev/null | grep "^$EX_PREFIX-")"
  _remove image "$EX_IMAGES"
  # background processes: stop them all, then wait (at most 5 s) until each has exited
  for c in $EX_PIDS; do kill "$c" 2>/dev/null && printf '%s\n' "    $(_m "stopped process" "멈춘 프로세스:") $c"; done
  for c in $EX_PIDS; do
    i=0
    while [ $i -lt 50 ] && kill -0 "$c" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
  done
  printf '%s' "$EX_CLEANUPS" | while IFS= read -r c; do
    [ -n "$c" ] || continue
    case $c in kill*) ;; *) printf '%s\n' "    \$ $c" ;; esac
    sh -c "$c" </dev/null 2>&1 | sed 's/^/    /'
  done
  EX_CONTAINERS=; EX_NETWORKS=; EX_VOLUMES=; EX_IMAGES=; EX_CLEANUPS=; EX_PIDS=
  printf '%s\n' "${C_DIM}  ($(_m "cleanup $(_secs "$t0") s" "정리 $(_secs "$t0")초"))${C_OFF}"
}

# ---- used by the orchestration checks (13-15) ----
# task_containers SERVICE: the IDs of the service's task containers on this engine.
task_containers() { docker ps -q --filter "label=com.docker.swarm.service.name=$1"; }
# addresses NAME: how many IPv4 addresses NAME resolves to, asked with dig in the check's client
# container $BOX (a toolbox on the stack's network).
addresses() { docker exec "$BOX" dig +short "$1" 2>/dev/null | grep -cE '^[0-9]+(\.[0-9]+){3}$'; }
# lacks TEXT PART: TEXT does not contain PART.
lacks() { case $1 in *"$2"*) return 1 ;; *) return 0 ;; esac; }
# replicas SERVICE: "running/desired" as docker service ls shows it (e.g. 3/3).
replicas() {
  docker service ls --filter "name=$1" --format '{{.Name}} {{.Replicas}}' 2>/dev/null | awk -v n="$1" '$1 == n {print $2}'
}
# wait_replicas SERVICE N|RUNNING/WANTED SECONDS: until N of N (or RUNNING of WANTED) tasks run.
wait_replicas() {
  local svc="$1" want="$2" max="$3"
  case $want in */*) ;; *) want=$want/$want ;; esac
  _command_line "$(_m "repeated until $want, at most $max s" "$want 상태가 될 때까지 반복, 최대 ${max}초")" docker service ls --filter "name=$svc" --format '{{.Replicas}}'
  _poll_until "$want" "$max" 0.5 replicas "$svc"
  return 0   # the caller reads RC
}

# mongosh_image: the image whose `mongosh` the checks run as a throwaway client (exercise 11).
# MONGOSH_IMAGE when set; else course-mongosh (exercises/mongosh/, built by build-images.sh)
# when MONGO_IMAGE has no usable mongosh: the CI stand-in (its mongosh only answers the
# healthcheck's ping) or an official image before 5.0 (mongo:4.4, the one for CPUs without
# AVX, ships only the old `mongo` shell); else MONGO_IMAGE itself (mongo:5 and later ship
# mongosh).
mongosh_image() {
  if [ -n "${MONGOSH_IMAGE:-}" ]; then printf '%s\n' "$MONGOSH_IMAGE"; return; fi
  if mongo_is_standin || mongo_before_5; then echo course-mongosh; else printf '%s\n' "$MONGO_IMAGE"; fi
}

# mongo_before_5: MONGO_IMAGE is the official image (mongo or REGISTRY/.../mongo) tagged with a
# version before 5 (mongo:4.4, mongo:4.4.29-focal, mongo:3.6).
mongo_before_5() {
  case ${MONGO_IMAGE##*/} in
    mongo:[0-4]|mongo:[0-4].*|mongo:[0-4]-*) return 0 ;;
    *) return 1 ;;
  esac
}

# mongo_is_standin: MONGO_IMAGE is the CI stand-in (goals-ci-secantusdb, docker/ci/): its
# compose override (docker/ci/compose.ci.yml) gives it a healthcheck of its own.
mongo_is_standin() { case $MONGO_IMAGE in goals-ci-secantusdb*) return 0 ;; *) return 1 ;; esac; }

# ensure_image TAG WHAT: builds TAG with exercises/build-images.sh WHAT when it is missing
# (seconds with a warm cache, minutes cold).
ensure_image() {
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  printf '%s\n' "  $(_m "building $1 (exercises/build-images.sh $2: seconds with a warm cache, minutes cold)" "$1 빌드 중(exercises/build-images.sh $2: 캐시가 있으면 몇 초, 처음이면 몇 분)")"
  bash "$EX_ROOT/exercises/build-images.sh" "$2" || fatal "$(_m "could not build $1" "$1 이미지를 빌드하지 못했습니다")"
}

# the checks still written for bash: their arrays and host-side helpers
if [ -n "${BASH_VERSION:-}" ]; then
  # shellcheck source=exercises/lib-bash.sh
  . "$EX_ROOT/exercises/lib-bash.sh"
fi
