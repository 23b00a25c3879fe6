#!/bin/sh
# Builds in the image (docker/Dockerfile, the build-* stages) on top of the cooked
# dependencies, and copies the result to /out:
#   build-bin.sh NAME...   service binaries: target/[<triple>/]<profile>/NAME
#   build-bin.sh --site    the frontend's site (scripts/build-frontend.sh --site-only): /out/site
# Reads CARGO_PROFILE (release or dev), SERVER_PACKAGES and SERVER_FEATURES: the cook's own
# selection, so cargo's feature unification gives the cooked dependency hashes again and
# nothing cooked is compiled twice; and the target platform's toolchain from
# /usr/local/share/rust-target.env (docker/rust-target.sh: RUST_TARGET, empty for a native
# build). rustc's incremental state lives in the cache mount at /incremental (one per
# service, a folder per target inside), linked into target/ under the profile's directory
# (the wasm32 one for the site).
set -eu
RUST_TARGET=
RUST_TARGET_DIR=
# shellcheck disable=SC1091  # written in the image by docker/rust-target.sh
[ -f /usr/local/share/rust-target.env ] && . /usr/local/share/rust-target.env
dir=$CARGO_PROFILE
[ "$dir" = dev ] && dir=debug
sub=target/$RUST_TARGET_DIR$dir
[ "${1:-}" = --site ] && sub=target/wasm32-unknown-unknown/$dir
mkdir -p "$sub" /out
if [ -d /incremental ]; then
  rm -rf "$sub/incremental"
  mkdir -p "/incremental/${RUST_TARGET:-native}"
  ln -s "/incremental/${RUST_TARGET:-native}" "$sub/incremental"
fi
# the sources copied over cargo-chef's skeleton must look newer than what the cook compiled
find . -path ./target -prune -o -name '*.rs' -exec touch {} +
if [ "${1:-}" = --site ]; then
  bash scripts/build-frontend.sh --profile "$CARGO_PROFILE" --site-only --locked --no-install
  cp -R "target/$dir/site" /out/site
  exit 0
fi
bins=""
for b in "$@"; do bins="$bins --bin $b"; done
# shellcheck disable=SC2086 # word splitting of the selections is meant
cargo build --locked --profile "$CARGO_PROFILE" ${RUST_TARGET:+--target "$RUST_TARGET"} \
  $SERVER_PACKAGES ${SERVER_FEATURES:+--features "$SERVER_FEATURES"} $bins
for b in "$@"; do cp "$sub/$b" /out/; done
