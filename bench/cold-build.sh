#!/usr/bin/env bash
# The first build from source, measured per platform in an engine of its own: the time of a
# cold `docker compose build` (an engine that has never built anything: no layer, no BuildKit
# cache, no cargo registry), of the build after a one-line change, the slowest build steps, and
# each image's size. Not part of the test command (cold builds take minutes each, and the figures
# belong in bench/RESULTS.md).
#   bench/cold-build.sh [PLATFORM...]      default: amd64 arm64
# The engine: a Docker engine in a container (docker/ci/dind), on this machine's default bridge
# so that its builds reach the package registries as this machine's do, with the base images
# loaded from this machine's engine (a machine without a registry has only its stand-ins). This
# machine's own build cache is never touched. Between platforms the engine's build cache and
# images are pruned, so each platform starts cold; the engine is removed at the end.
# Writes the full build logs to bench/cold-build-logs/ (not committed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
read -r -a platforms <<<"${*:-amd64 arm64}"
NAME=goals-buildbench
STATE=/tmp/$NAME
LOGS=$ROOT/bench/cold-build-logs
t_all=$SECONDS
say() { echo "[cold-build] $((SECONDS - t_all))s $*" >&2; }

cleanup() { # on this machine's engine (DOCKER_HOST names the build engine below)
  env -u DOCKER_HOST docker rm -f -v "$NAME" >/dev/null 2>&1 || true
  env -u DOCKER_HOST docker volume rm "$NAME-data" >/dev/null 2>&1 || true
  rm -rf "$STATE"
  git -C "$ROOT" checkout -q -- backend/src/routes.rs 2>/dev/null || true
}
trap cleanup EXIT
cleanup

docker image inspect goals-ci-dind >/dev/null 2>&1 || docker build -q -t goals-ci-dind docker/ci/dind >/dev/null
mapfile -t security < <(bash scripts/hosts.sh engine-flags)
mkdir -p "$STATE" "$LOGS"
docker run -d --name "$NAME" "${security[@]}" -v "$NAME-data:/var/lib/docker" \
  -v "$STATE:/run/outer" -e DOCKERD_SOCKET_DIR=/run/outer goals-ci-dind >/dev/null
export DOCKER_HOST=unix://$STATE/docker.sock
for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
docker info >/dev/null || { echo "the build engine does not answer" >&2; exit 1; }
say "engine $NAME ready ($(docker info -f '{{.ServerVersion}}, {{.NCPU}} CPUs'))"

# the base images: the Dockerfile's, and the arm64 runtime stand-in where there is no registry
bases=(rust:1-bookworm debian:bookworm-slim gcr.io/distroless/cc-debian12:nonroot)
arm64_runtime=
if env -u DOCKER_HOST docker image inspect distroless-standin/cc-debian12:nonroot-arm64 >/dev/null 2>&1; then
  arm64_runtime=distroless-standin/cc-debian12:nonroot-arm64
  bases+=("$arm64_runtime")
fi
for image in "${bases[@]}"; do
  env -u DOCKER_HOST docker save "$image" | docker load -q >/dev/null
done
say "base images loaded: ${bases[*]}"

# build LABEL PLATFORM: `docker compose --profile offline build`: the four images (the offline
# SWAPI stand-in's too); prints its seconds.
build() {
  local label=$1 arch=$2 t0=$SECONDS args=()
  [ "$arch" = arm64 ] && [ -n "$arm64_runtime" ] && args+=(--build-arg "RUNTIME_IMAGE=$arm64_runtime")
  if ! DOCKER_DEFAULT_PLATFORM=linux/$arch IMAGE_PREFIX=bench IMAGE_TAG=$arch \
    docker compose -p "$NAME" --profile offline --progress plain build "${args[@]}" >"$LOGS/$arch-$label.log" 2>&1; then
    tail -30 "$LOGS/$arch-$label.log" >&2
    echo "build $label ($arch) failed: $LOGS/$arch-$label.log" >&2
    exit 1
  fi
  echo $((SECONDS - t0))
}

# steps LOG: the ten slowest build steps ("seconds  step"), from BuildKit's plain progress.
steps() {
  awk '
    /^#[0-9]+ \[/ { n = $1; sub(/^#[0-9]+ /, ""); if (!(n in name)) name[n] = substr($0, 1, 110) }
    /^#[0-9]+ DONE [0-9.]+s/ { d = $3; sub(/s$/, "", d); done[$1] = d }
    END { for (n in done) if (n in name) printf "%8.1f  %s\n", done[n], name[n] }
  ' "$1" | sort -rn | head -10
}

declare -A cold one sizes
for arch in "${platforms[@]}"; do
  docker builder prune -af >/dev/null
  docker image ls -q --filter reference='bench-*' | xargs -r docker rmi -f >/dev/null
  say "linux/$arch: a cold docker compose build (the engine has no layer and no cache)"
  cold[$arch]=$(build cold "$arch")
  say "linux/$arch: cold build ${cold[$arch]} s"
  # a one-line change in the backend's source
  sed -i '0,/^\/\/!/s//\/\/! (a one-line change for the benchmark)\n\/\/!/' backend/src/routes.rs
  one[$arch]=$(build one-line "$arch")
  git checkout -q -- backend/src/routes.rs
  say "linux/$arch: after a one-line change ${one[$arch]} s"
  sizes[$arch]=$(for s in backend favorites swapi frontend; do   # MB, as docker reports them
    docker image inspect -f '{{.Size}}' "bench-$s:$arch" | awk -v s="$s" '{printf "%s %.1f MB, ", s, $1/1e6}'
  done)
  echo "--- linux/$arch: the ten slowest steps of the cold build (seconds; steps run in parallel)"
  steps "$LOGS/$arch-cold.log"
done

echo
echo "=== first build from source, $(docker info -f '{{.NCPU}}') CPUs, $(date +%F)"
for arch in "${platforms[@]}"; do
  printf 'linux/%-6s cold %5s s   one-line change %4s s   %s\n' "$arch" "${cold[$arch]}" "${one[$arch]}" "${sizes[$arch]%, }"
done
