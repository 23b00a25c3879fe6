#!/bin/sh
# The Rust toolchain for a target platform, in the builder image (docker/Dockerfile):
#   rust-target.sh install TARGETARCH BUILDARCH
# On the build machine's own platform: nothing to install, the native build. For another one
# (amd64 <-> arm64): the rustup target's standard library and Debian's cross gcc, which links
# and compiles the C of crates that build some (ring, mimalloc). Writes
# /usr/local/share/rust-target.env, sourced by the build steps: RUST_TARGET (the triple,
# empty when native), RUST_TARGET_DIR (where cargo puts the binaries, below target/), and the
# linker and C compiler variables cargo and the cc crate read.
set -eu
[ "${1:-}" = install ] || { echo "usage: rust-target.sh install TARGETARCH BUILDARCH" >&2; exit 2; }
target_arch=${2:?TARGETARCH}
build_arch=${3:?BUILDARCH}
env_file=/usr/local/share/rust-target.env
if [ "$target_arch" = "$build_arch" ]; then
  printf 'RUST_TARGET=\nRUST_TARGET_DIR=\n' > "$env_file"
  echo "rust-target: native $target_arch build"
  exit 0
fi
case $target_arch in
  arm64) triple=aarch64-unknown-linux-gnu; gnu=aarch64-linux-gnu; deb=arm64 ;;
  amd64) triple=x86_64-unknown-linux-gnu; gnu=x86_64-linux-gnu; deb=amd64 ;;
  *) echo "rust-target: no cross toolchain for $target_arch (amd64 and arm64 are built)" >&2; exit 1 ;;
esac
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "gcc-$gnu" "libc6-dev-$deb-cross" >/dev/null
rm -rf /var/lib/apt/lists/*
rustup target add "$triple"
upper=$(echo "$triple" | tr 'a-z-' 'A-Z_')
lower=$(echo "$triple" | tr '-' '_')
{
  echo "RUST_TARGET=$triple"
  echo "RUST_TARGET_DIR=$triple/"
  echo "export CARGO_TARGET_${upper}_LINKER=$gnu-gcc"
  echo "export CC_${lower}=$gnu-gcc"
  echo "export AR_${lower}=$gnu-ar"
} > "$env_file"
echo "rust-target: $build_arch -> $target_arch ($triple, linked by $gnu-gcc)"
