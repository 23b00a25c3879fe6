#!/usr/bin/env bash
# Machine preparation for the image/compose tests, for CI and developers (not needed by students,
# who have a registry): a Docker engine with Compose v2 + BuildKit, the base images, and the
# CI-only stand-in images (MongoDB, registry, Prometheus, MariaDB). Idempotent; a second run takes about a second.
#   scripts/docker-prepare.sh
# On the project's registry-less machines ../shared/docker-env provides the engine and local
# stand-ins for rust:1-bookworm, debian:bookworm-slim and gcr.io/distroless/cc-debian12; that
# is machine set-up, not product, so it is used only where it exists.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_DIR:-$ROOT/../shared}
t0=$(date +%s%N)
stamp() { echo "[docker-prepare] $(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%6.1fs", (b-a)/1e9}') $*"; }

if [ -d "$SHARED/docker-env" ]; then
  bash "$SHARED/docker-env/engine.sh"
  # The rust stand-in copies the host's toolchain with its targets: the frontend image needs wasm32.
  # (outputs captured first: `cmd | grep -q` fails under pipefail when grep exits early)
  if command -v rustup >/dev/null; then
    targets=$(rustup target list --installed)
    grep -qx wasm32-unknown-unknown <<<"$targets" || rustup target add wasm32-unknown-unknown
  fi
  force=0
  if docker image inspect rust:1-bookworm >/dev/null 2>&1; then
    targets=$(docker run --rm --entrypoint rustup rust:1-bookworm target list --installed 2>/dev/null || true)
    if ! grep -qx wasm32-unknown-unknown <<<"$targets"; then
      stamp "rust:1-bookworm has no wasm32 target: rebuilding the base images"
      force=1
    fi
  fi
  FORCE=$force BASE_DISTROLESS=1 bash "$SHARED/docker-env/base-images.sh"
else
  docker info >/dev/null 2>&1 || { echo "[docker-prepare] no Docker engine answers" >&2; exit 1; }
  docker compose version >/dev/null || { echo "[docker-prepare] Compose v2 (docker compose) is needed" >&2; exit 1; }
fi

# The CI-only MongoDB stand-in (docker/ci/compose.ci.yml uses it); cached after the first build.
# SecantusDB's version: the one the project pins (test_support::mongo_server reads it too).
version=$(tr -d '[:space:]' < "$ROOT/test-support/secantusdb-version")
docker build -q --build-arg SECANTUS_VERSION="$version" -t goals-ci-secantusdb "$ROOT/docker/ci/secantusdb" >/dev/null
# exercise 09's and the multi-host phase's registry, a stand-in of registry:2 (Debian's
# docker-registry)
docker build -q -t goals-ci-registry "$ROOT/docker/ci/registry" >/dev/null
stamp "goals-ci-registry ready"
# the monitoring profile's Prometheus, a stand-in of prom/prometheus (Debian's prometheus)
docker build -q -t goals-ci-prometheus "$ROOT/docker/ci/prometheus" >/dev/null
stamp "goals-ci-prometheus ready ($(docker image inspect -f '{{.Size}}' goals-ci-prometheus | awk '{printf "%.0f MB", $1/1e6}'))"
# exercise 07's database image (the notes' MySQL image, today), a stand-in of mariadb:11
# (Debian's mariadb-server, with apt-get: the page's Dockerfile builds FROM it)
docker build -q -t goals-ci-mariadb "$ROOT/docker/ci/mariadb" >/dev/null
stamp "goals-ci-mariadb ready ($(docker image inspect -f '{{.Size}}' goals-ci-mariadb | awk '{printf "%.0f MB", $1/1e6}'))"
stamp "goals-ci-secantusdb ready, SecantusDB $version ($(docker image inspect -f '{{.Size}}' goals-ci-secantusdb | awk '{printf "%.0f MB", $1/1e6}'))"
stamp "done"
