#!/usr/bin/env bash
# Runs every test of the project, in phases, printing how long each took:
#   prepare    toolchain components, Chromium (the MongoDB-compatible test server is started by
#              the first test that needs it: test_support::mongo_server)
#   lint       cargo fmt --check, cargo clippy -D warnings (workspace with the frontend's ssr side,
#              and the frontend's hydrate side for wasm32), shellcheck on every shell script
#   build      the workspace, once (debug), and the frontend site (scripts/build-frontend.sh)
#   test       cargo test --workspace: unit, API (real database), real processes, the
#              browser test (headless Chromium against the real services), the student
#              pages walked in order (e2e/tests/page_walk.rs: the docker CLI, no engine)
#   images     a Docker engine and the images (scripts/docker-prepare.sh)
#   compose    the whole stack with docker compose (cargo test -p e2e --test compose_stack)
#   swarm      the stack file on a single-node Docker Swarm, from the compose phase's images
#              (cargo test -p e2e --test swarm)
#   multihost  the stack file on a Swarm of three Docker hosts (engines in containers,
#              scripts/hosts.sh) pulling the compose phase's images from a registry; a host
#              lost under load (cargo test -p e2e --test multihost); the hosts stay for
#              exercise 18 when the exercises phase follows
#   arm64      the four images for linux/amd64 and linux/arm64 (cross-compiled), published to a
#              local registry as one tag per image; the stack on arm64 under emulation; the
#              pull path (cargo test -p e2e --test platforms)
#   dev        hot reload in the development stack (cargo test -p e2e --test dev_stack)
#   exercises  the course exercises, each checking itself (exercises/run.sh); the checks written
#              in POSIX sh run under busybox sh here, all of them in Korean (EX_LANG=ko) with
#              their transcripts audited for English left in their own words
#   desktop    the exercises that differ on Docker Desktop, against an engine that behaves like
#              Desktop's, from a container with only the docker CLI and dash
#              (scripts/test-desktop.sh)
# The Docker suites' tests are named compose_stack_*, swarm_stack_*, multihost_*, platforms_*
# and dev_stack_*: the test phase leaves them to their phases.
# Needs: cargo (the machine's toolchain), python3 (for the test server), and for the last
# Docker phases a Docker engine with Compose v2 (they fail, saying so, where there is none).
# Usage: scripts/test.sh [PHASE...]   (default: all phases, in order)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

declare -a RESULTS=()
FAILED=0
T_ALL=$SECONDS

phase() { # phase NAME FUNCTION
  local name=$1 fn=$2 t0=$SECONDS
  echo
  echo "=== [$name] $(date +%H:%M:%S)"
  if "$fn"; then
    RESULTS+=("$(printf '%-12s ok      %4ds' "$name" $((SECONDS - t0)))")
  else
    RESULTS+=("$(printf '%-12s FAILED  %4ds' "$name" $((SECONDS - t0)))")
    FAILED=$((FAILED + 1))
    echo "=== [$name] FAILED"
  fi
}

ensure_toolchain() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup) first"; return 1; }
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  [ ${#missing[@]} -eq 0 ] || rustup component add "${missing[@]}"
}

p_prepare() {
  ensure_toolchain || return 1
  bash scripts/install-browser.sh
}

# Every shell script of the project: *.sh and the extension-less ones with a shell shebang.
shell_scripts() {
  git ls-files -z | while IFS= read -r -d '' f; do
    case $f in
      *.sh) echo "$f" ;;
      *) [ -f "$f" ] && head -c 64 "$f" | head -1 | grep -qE '^#!.*(ba|da|)sh( |$)' && echo "$f" ;;
    esac
  done
}

p_lint() {
  cargo fmt --all -- --check || { echo "cargo fmt: run 'cargo fmt --all'"; return 1; }
  bash scripts/ensure-debian.sh shellcheck || return 1
  # .shellcheckrc: follow sourced files; each exception is a directive with its reason, in place
  mapfile -t scripts < <(shell_scripts)
  shellcheck "${scripts[@]}" || { echo "shellcheck: fix the findings above"; return 1; }
  echo "shellcheck: ${#scripts[@]} scripts clean"
  # the GitHub workflow cannot run here: its syntax, expressions and actions are linted
  bash scripts/actionlint.sh
  # the frontend with its server side (ssr) in the one workspace run: its server code and tests
  cargo clippy --workspace --all-targets --features frontend/ssr --quiet -- -D warnings || return 1
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  cargo clippy -p frontend --lib --target wasm32-unknown-unknown --features hydrate --quiet -- -D warnings
}

p_build() {
  cargo build --workspace --all-targets --features frontend/ssr --quiet || return 1
  bash scripts/build-frontend.sh
}

p_test() {
  # the suites that drive Docker run in their own phases (swarm needs the compose phase's images)
  cargo test --workspace --features frontend/ssr --no-fail-fast -- \
    --skip compose_stack_ --skip swarm_stack_ --skip multihost_ --skip dev_stack_ --skip platforms_
}

p_images() {
  bash scripts/docker-prepare.sh
}

p_compose() {
  cargo test -p e2e --test compose_stack -- --nocapture compose_stack_
}

p_swarm() {
  cargo test -p e2e --test swarm -- --nocapture swarm_stack_
}

p_multihost() {
  local keep=0
  [[ " ${PHASES[*]} " == *" exercises "* ]] && keep=1
  HOSTS_KEEP=$keep cargo test -p e2e --test multihost -- --nocapture multihost_
}

p_arm64() {
  # arm64 binaries run here through qemu-user (binfmt_misc, flag F: inside containers too)
  bash scripts/ensure-debian.sh qemu-user-static binfmt-support || return 1
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    update-binfmts --enable qemu-aarch64 || { echo "cannot register qemu-aarch64 (binfmt_misc)"; return 1; }
  fi
  cargo test -p e2e --test platforms -- --nocapture platforms_
}

p_dev() {
  # the two ways one after the other (one project: they share the build cache volumes)
  cargo test -p e2e --test dev_stack -- --nocapture --test-threads=1 dev_stack_
}

p_desktop() {
  bash scripts/test-desktop.sh
}

p_exercises() {
  # no registry here: the exercises use the locally built MongoDB-compatible image
  local rc=0
  # run.sh and the checks for any machine (#!/bin/sh) under busybox sh: dash runs them in the
  # desktop phase
  bash scripts/ensure-debian.sh busybox || return 1
  # in Korean, each transcript audited (EX_LANG_AUDIT: a line of a check's own words with no
  # Korean fails it); the desktop phase runs its checks in English
  MONGO_IMAGE=${MONGO_IMAGE:-goals-ci-secantusdb} PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-goals-ci-prometheus} \
    REGISTRY_IMAGE=${REGISTRY_IMAGE:-goals-ci-registry} MARIADB_IMAGE=${MARIADB_IMAGE:-goals-ci-mariadb} \
    EX_LANG=ko EX_LANG_AUDIT=1 EX_SH="busybox sh" busybox sh exercises/run.sh || rc=$?
  # the hosts the multihost phase kept for exercise 18
  bash scripts/hosts.sh down
  forced_failure_in_korean || rc=1
  return "$rc"
}

# A real check failing, in Korean: exercise 02 told that its engine is Docker Desktop's
# (EX_ENGINE=desktop; this one is not) expects what is true there, and several assertions fail.
# Its transcript must fail them in Korean: run.sh's language audit finds no line of its own
# words without Korean, and the FAIL lines say 실패.
forced_failure_in_korean() {
  local log=/tmp/goals-forced-failure-ko.log fails
  echo "=== a forced failure in Korean (exercise 02 with EX_ENGINE=desktop on this Linux engine)"
  if MONGO_IMAGE=${MONGO_IMAGE:-goals-ci-secantusdb} EX_ENGINE=desktop EX_BUILD=0 EX_LANG=ko \
      EX_LANG_AUDIT=1 EX_SH="busybox sh" busybox sh exercises/run.sh 02 >"$log" 2>&1; then
    echo "exercise 02 passed with EX_ENGINE=desktop on a Linux engine: its Desktop outcomes prove nothing (log: $log)"
    return 1
  fi
  fails=$(grep -c '^  실패 ' "$log")
  if grep -q '^EX_LANG_AUDIT' "$log" || [ "$fails" -lt 3 ]; then
    grep -A30 '^EX_LANG_AUDIT' "$log"
    echo "the forced failure is not all Korean, or failed only $fails assertion(s) (log: $log)"
    return 1
  fi
  grep '^  실패 ' "$log" | head -3
  echo "ok: $fails assertions failed, every line of the check's own words in Korean"
}

ALL=(prepare lint build test images compose swarm multihost arm64 dev exercises desktop)
PHASES=("${@:-${ALL[@]}}")
for p in "${PHASES[@]}"; do
  case $p in
    prepare|lint|build|test|images|compose|swarm|multihost|arm64|dev|exercises|desktop) phase "$p" "p_$p" ;;
    *) echo "unknown phase '$p' (phases: ${ALL[*]})"; exit 2 ;;
  esac
done

echo
echo "=== summary ($((SECONDS - T_ALL))s in all)"
printf '  %s\n' "${RESULTS[@]}"
if [ "$FAILED" -ne 0 ]; then
  echo "$FAILED phase(s) failed"
  exit 1
fi
echo "all phases passed"
