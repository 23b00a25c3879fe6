#!/usr/bin/env bash
# Builds the Leptos frontend with plain cargo (no cargo-leptos). The one definition of the
# site's build: the host build (test command, scripts/dev-local.sh), the image
# (docker/Dockerfile's build-frontend-site stage) and the dev stack (docker-compose.dev.yml)
# all run this script.
#   1. the server binary            cargo build -p frontend --features ssr
#   2. the browser lib (wasm32)     cargo build -p frontend-wasm --target wasm32-unknown-unknown (frontend/wasm)
#   3. wasm-bindgen --target web    into the site's pkg/ (frontend.js + frontend.wasm)
#   4. CSS and public files         pkg/frontend.css, favicon.svg; .gz copies for precompressed serving
#
#   scripts/build-frontend.sh [--release | --profile dev|release] [--site-only] [--locked] [--no-install]
#   scripts/build-frontend.sh --wasm-bindgen-version     print the version Cargo.lock needs, and exit
#
# --site-only skips step 1 (the image builds the server in a stage of its own, side by side);
# --locked is cargo's (Cargo.lock must not change).
# Output, beside the server binary (the server's default LEPTOS_SITE_ROOT is site/ next to it):
#   target/debug/frontend     target/debug/site/{favicon.svg, pkg/frontend.{js,wasm,css}}
#   target/release/frontend   target/release/site/...                           (--release)
# target/ is CARGO_TARGET_DIR when set (the dev stack's named volume: nothing is written into
# the checkout). FRONTEND_GZIP=0 skips the .gz copies (the dev stack: a rebuild is served sooner).
# FRONTEND_WASM_TARGET_DIR: a target dir of its own for the wasm, built side by side with the
# server (the dev stack; on the host one target dir builds one after the other).
#
# Tools: the wasm32-unknown-unknown target (rustup, ~3 s) and wasm-bindgen-cli at EXACTLY the
# wasm-bindgen version in Cargo.lock (cargo install, ~4-6 min, once). Both are installed when
# missing, unless --no-install (then a missing tool is an error). A wasm-bindgen-cli of another
# version is an error: the glue it writes would not match the wasm.
set -euo pipefail

PROFILE=dev
INSTALL=1
SERVER=1
PRINT_VERSION=0
CARGO_FLAGS=()
usage() { echo "usage: $0 [--release | --profile dev|release] [--site-only] [--locked] [--no-install] | --wasm-bindgen-version" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --release) PROFILE=release ;;
    --profile) [ $# -ge 2 ] || usage; PROFILE=$2; shift ;;
    --site-only) SERVER=0 ;;
    --locked) CARGO_FLAGS+=(--locked) ;;
    --no-install) INSTALL=0 ;;
    --wasm-bindgen-version) PRINT_VERSION=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) usage ;;
  esac
  shift
done
case "$PROFILE" in
  dev) PROFILE_DIR=debug ;;
  release) PROFILE_DIR=release ;;
  *) echo "[build-frontend] error: --profile is dev or release, not '$PROFILE'" >&2; exit 2 ;;
esac
CARGO_FLAGS+=(--profile "$PROFILE")

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CARGO=${CARGO:-cargo}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
NAME=frontend
SITE=$TARGET_DIR/$PROFILE_DIR/site

say() { echo "[build-frontend] $*" >&2; }
die() { echo "[build-frontend] error: $*" >&2; exit 1; }
T_ALL=$(date +%s.%N)
step_start() { STEP="$1"; T0=$(date +%s.%N); say "$STEP ..."; }
step_end() { say "$STEP: done in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}')"; }

LOCK_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$LOCK_VERSION" ] || die "no wasm-bindgen in Cargo.lock"
PIN=$(sed -n 's/^wasm-bindgen = "=\([^"]*\)".*/\1/p' frontend/Cargo.toml)
[ "$PIN" = "$LOCK_VERSION" ] || die "frontend/Cargo.toml pins wasm-bindgen \"=$PIN\" but Cargo.lock has $LOCK_VERSION: make them agree"
if [ "$PRINT_VERSION" = 1 ]; then echo "$LOCK_VERSION"; exit 0; fi

# --- tools --------------------------------------------------------------------------
step_start "wasm32-unknown-unknown target"
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  [ "$INSTALL" = 1 ] || die "the wasm32-unknown-unknown target is missing: run rustup target add wasm32-unknown-unknown (or this script without --no-install)"
  rustup target add wasm32-unknown-unknown >&2
fi
step_end

step_start "wasm-bindgen-cli"
WASM_BINDGEN=${WASM_BINDGEN:-$(command -v wasm-bindgen || echo "$HOME/.cargo/bin/wasm-bindgen")}
installed_version() { "$WASM_BINDGEN" --version 2>/dev/null | awk '{print $2}'; }
if [ ! -x "$WASM_BINDGEN" ]; then
  [ "$INSTALL" = 1 ] || die "wasm-bindgen is not installed: run cargo install wasm-bindgen-cli --version $LOCK_VERSION (or this script without --no-install)"
  say "installing wasm-bindgen-cli $LOCK_VERSION (once; a few minutes on 2 cores)"
  # Without --locked: with it, cargo wants a crate version this registry lacks.
  "$CARGO" install wasm-bindgen-cli --version "$LOCK_VERSION" >&2
  WASM_BINDGEN=$HOME/.cargo/bin/wasm-bindgen
fi
HAVE=$(installed_version)
[ "$HAVE" = "$LOCK_VERSION" ] || die "$WASM_BINDGEN is version ${HAVE:-unknown}, Cargo.lock has wasm-bindgen $LOCK_VERSION; they must match. Run: cargo install wasm-bindgen-cli --version $LOCK_VERSION --force"
say "using $WASM_BINDGEN $HAVE"
step_end

# --- builds -------------------------------------------------------------------------
WASM_CONFIG=()
# The workspace's release profile strips everything, which also drops the wasm's
# target_features section that wasm-bindgen reads to know which wasm features the code
# uses. For this one crate (a relink, not a rebuild of the dependencies) strip debug info only.
[ "$PROFILE" = release ] && WASM_CONFIG=(--config 'profile.release.package.frontend-wasm.strip="debuginfo"')
# FRONTEND_WASM_TARGET_DIR (the dev stack): the wasm builds in a target dir of its own, so
# cargo's lock lets it build side by side with the server binary instead of after it.
WASM_TARGET_DIR=${FRONTEND_WASM_TARGET_DIR:-$TARGET_DIR}
build_server() { "$CARGO" build -p frontend --bin "$NAME" --features ssr "${CARGO_FLAGS[@]}"; }
build_wasm() {
  # the cdylib crate frontend/wasm (the frontend crate with its `hydrate` feature)
  CARGO_TARGET_DIR=$WASM_TARGET_DIR "$CARGO" build -p frontend-wasm --lib --target wasm32-unknown-unknown \
    "${CARGO_FLAGS[@]}" ${WASM_CONFIG[@]+"${WASM_CONFIG[@]}"}
}
GZIP_COPIES=${FRONTEND_GZIP:-1}
# The site from the wasm: wasm-bindgen, CSS and public files, swapped in at once. Each step
# says when it fails.
site() {
  local wasm_in=$WASM_TARGET_DIR/wasm32-unknown-unknown/$PROFILE_DIR/${NAME}_wasm.wasm new=$SITE.new
  [ -f "$wasm_in" ] || die "$wasm_in was not built"
  rm -rf "$new"; mkdir -p "$new/pkg"
  step_start "wasm-bindgen --target web"
  "$WASM_BINDGEN" --target web --no-typescript --out-dir "$new/pkg" --out-name "$NAME" "$wasm_in" \
    || die "wasm-bindgen failed"
  # The page's boot script (src/app.rs, shell) names the wasm itself, so the usual
  # <name>_bg.wasm becomes <name>.wasm (as cargo-leptos does when LEPTOS_OUTPUT_NAME is set).
  mv "$new/pkg/${NAME}_bg.wasm" "$new/pkg/$NAME.wasm" || die "no ${NAME}_bg.wasm"
  step_end
  step_start "CSS, public files$([ "$GZIP_COPIES" = 0 ] || echo ", gzip copies")"
  # either copy failing is fatal (die exits): A && B || die is meant
  # shellcheck disable=SC2015
  cp frontend/style/main.css "$new/pkg/$NAME.css" && cp -R frontend/public/. "$new/" || die "copying the CSS and public files failed"
  if [ "$GZIP_COPIES" != 0 ]; then
    find "$new" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.svg' \) \
      -exec gzip -9 -k -f {} + || die "gzip failed"
  fi
  rm -rf "$SITE.old"
  [ ! -d "$SITE" ] || mv "$SITE" "$SITE.old"
  mv "$new" "$SITE" || die "cannot move the site into $SITE"
  rm -rf "$SITE.old"
  step_end
}

if [ "$SERVER" = 1 ] && [ "$WASM_TARGET_DIR" != "$TARGET_DIR" ]; then
  # the wasm, then the site from it, in a background job (`set -e` holds there), while the
  # server binary builds; the script never ends with one of the two still running
  step_start "server binary (ssr) beside browser lib (hydrate, wasm32) and the site, $PROFILE"
  { build_wasm; site; } & WASM_PID=$!
  build_server || { wait "$WASM_PID"; die "the server binary did not build"; }
  wait "$WASM_PID" || die "the browser lib or the site did not build"
  STEP="server binary, browser lib and site, side by side"; step_end
else
  if [ "$SERVER" = 1 ]; then
    step_start "server binary (ssr, $PROFILE)"
    build_server
    step_end
  fi
  step_start "browser lib (hydrate, wasm32, $PROFILE)"
  build_wasm
  step_end
  site
fi

size() { du -h "$1" | cut -f1; }
say "site: $SITE (wasm $(size "$SITE/pkg/$NAME.wasm")$([ "$GZIP_COPIES" = 0 ] || echo ", gzip $(size "$SITE/pkg/$NAME.wasm.gz")"); js $(size "$SITE/pkg/$NAME.js"))"
[ "$SERVER" = 0 ] || say "server: $TARGET_DIR/$PROFILE_DIR/$NAME (serves $SITE by default; LEPTOS_SITE_ROOT overrides)"
say "total: $(awk -v a="$T_ALL" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}')"
