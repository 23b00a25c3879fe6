#!/usr/bin/env bash
# Builds the four service images for linux/amd64 and linux/arm64 from docker/Dockerfile (the
# Rust stages cross-compile on the build machine; nothing runs under emulation) and publishes
# them to a registry as multi-platform tags: one name, a manifest list with both platforms.
#   scripts/publish-images.sh REGISTRY_PREFIX TAG
#     e.g. scripts/publish-images.sh ghcr.io/<owner>/goals 0.1.0
#          -> ghcr.io/<owner>/goals-backend:0.1.0 (amd64 + arm64), -favorites, -swapi, -frontend
# The GitHub workflow (.github/workflows/images.yml) runs this on a version tag; the test
# command's arm64 phase runs it against a local registry. Each platform is built and pushed
# under a tag of its own (TAG-amd64, TAG-arm64: an engine without the containerd image store
# keeps one platform per local tag), then `docker buildx imagetools create` (or, without
# buildx, `docker manifest`) joins them under TAG.
# Environment: PLATFORMS (default "amd64 arm64"); RUNTIME_IMAGE_<ARCH> (the runtime base for
# that platform; default: the Dockerfile's, which a registry serves for every platform; a
# machine without a registry passes its local stand-in, scripts/platform-base.sh);
# SERVICES (default "backend favorites swapi frontend").
set -euo pipefail
prefix=${1:?usage: publish-images.sh REGISTRY_PREFIX TAG}
tag=${2:?usage: publish-images.sh REGISTRY_PREFIX TAG}
cd "$(dirname "$0")/.."
read -r -a platforms <<<"${PLATFORMS:-amd64 arm64}"
read -r -a services <<<"${SERVICES:-backend favorites swapi frontend}"
t_all=$SECONDS
say() { echo "[publish-images] $*" >&2; }

for arch in "${platforms[@]}"; do
  var=RUNTIME_IMAGE_$(echo "$arch" | tr '[:lower:]' '[:upper:]')
  args=()
  [ -n "${!var:-}" ] && args+=(--build-arg "RUNTIME_IMAGE=${!var}")
  for svc in "${services[@]}"; do
    t0=$SECONDS
    image=$prefix-$svc:$tag-$arch
    say "build $image (linux/$arch)"
    log=$(mktemp)
    if ! docker build --platform "linux/$arch" "${args[@]}" -f docker/Dockerfile --target "$svc" \
      -t "$image" --progress=plain . >"$log" 2>&1; then
      tail -40 "$log" >&2
      rm -f "$log"
      say "error: building $image failed (output above)"
      exit 1
    fi
    rm -f "$log"
    got=$(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$image")
    [ "$got" = "linux/$arch" ] || { say "error: $image is $got, not linux/$arch"; exit 1; }
    docker push -q "$image" >/dev/null
    say "pushed $image ($got, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.1f MB", $1/1e6}')) in $((SECONDS - t0)) s"
  done
done

for svc in "${services[@]}"; do
  sources=()
  for arch in "${platforms[@]}"; do sources+=("$prefix-$svc:$tag-$arch"); done
  if docker buildx version >/dev/null 2>&1; then
    docker buildx imagetools create -t "$prefix-$svc:$tag" "${sources[@]}" >/dev/null
  else
    docker manifest create --insecure --amend "$prefix-$svc:$tag" "${sources[@]}" >/dev/null
    docker manifest push --insecure --purge "$prefix-$svc:$tag" >/dev/null
  fi
  say "$prefix-$svc:$tag: ${platforms[*]}"
done
say "done in $((SECONDS - t_all)) s"
