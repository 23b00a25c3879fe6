#!/usr/bin/env bash
# Runs every test of the project, in phases, printing how long each took:
#   lint      cargo fmt --check, cargo clippy -D warnings
#   build     the workspace, once (debug)
#   unit+api  cargo test --workspace against the MongoDB-compatible test server
# Needs: cargo (the machine's toolchain), python3 (for the test server).
# Usage: scripts/test.sh [PHASE...]   (default: all phases, in order)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

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
  bash scripts/mongo-test-server.sh start
}

p_lint() {
  cargo fmt --all -- --check || { echo "cargo fmt: run 'cargo fmt --all'"; return 1; }
  cargo clippy --workspace --all-targets --quiet -- -D warnings
}

p_build() {
  cargo build --workspace --all-targets --quiet
}

p_test() {
  cargo test --workspace --no-fail-fast
}

ALL=(prepare lint build test)
PHASES=("${@:-${ALL[@]}}")
for p in "${PHASES[@]}"; do
  case $p in
    prepare|lint|build|test) phase "$p" "p_$p" ;;
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
