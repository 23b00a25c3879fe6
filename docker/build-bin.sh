#!/bin/sh
# Builds service binaries in the image (docker/Dockerfile, the build-* stages) on top of the
# cooked dependencies, and copies them to /out:   build-bin.sh NAME...
# Reads CARGO_PROFILE (release or dev), SERVER_PACKAGES and SERVER_FEATURES: the cook's own
# selection, so cargo's feature unification gives the cooked dependency hashes again and
# nothing cooked is compiled twice. rustc's incremental state lives in the cache mount at
# /incremental (one per service), linked into target/ under the profile's directory.
set -eu
dir=$CARGO_PROFILE
[ "$dir" = dev ] && dir=debug
mkdir -p "target/$dir"
if [ -d /incremental ]; then
  rm -rf "target/$dir/incremental"
  ln -s /incremental "target/$dir/incremental"
fi
# the sources copied over cargo-chef's skeleton must look newer than what the cook compiled
find . -path ./target -prune -o -name '*.rs' -exec touch {} +
bins=""
for b in "$@"; do bins="$bins --bin $b"; done
# shellcheck disable=SC2086 # word splitting of the selections is meant
cargo build --locked --profile "$CARGO_PROFILE" $SERVER_PACKAGES ${SERVER_FEATURES:+--features "$SERVER_FEATURES"} $bins
mkdir -p /out
for b in "$@"; do cp "target/$dir/$b" /out/; done
