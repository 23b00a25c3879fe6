#!/usr/bin/env bash
# Builds the images the exercises use, with stable tags (idempotent; BuildKit's cache makes a
# second run take seconds):
#   course-toolbox    exercises/toolbox/Dockerfile (curl, ping, dig, ip, nc, jq on debian:bookworm-slim)
#   goals-backend     docker/Dockerfile --target backend      (the goals API, port 80)
#   goals-favorites   docker/Dockerfile --target favorites    (Star Wars favorites, port 3000)
#   goals-swapi       docker/Dockerfile --target swapi        (offline SWAPI stand-in, port 8000)
#   goals-frontend    docker/Dockerfile --target frontend     (the Leptos web app, port 3000; exercises 11, 12)
#   course-mongosh    exercises/mongosh/Dockerfile (mongosh 2.x from npm; exercise 11's throwaway client
#                     where the mongo:8 image cannot be pulled: built by `all` only when the checks
#                     will use it, see mongosh_image in exercises/lib.sh)
# The build arguments are the compose defaults, so these and `docker compose build` share one
# build cache (compose tags its images with the checkout's version: goals-backend:0.1.0).
#   exercises/build-images.sh              build what is missing or out of date
#   exercises/build-images.sh toolbox      just the toolbox (the only one some steps need)
#   exercises/build-images.sh frontend     just the frontend (a few minutes cold: it compiles to wasm)
#   exercises/build-images.sh mongosh      just the mongosh client (a few minutes cold: npm)
# Environment: EX_BUILD_QUIET=0 shows the build output (default: quiet, one line per image).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
QUIET=${EX_BUILD_QUIET:-1}
# nanoseconds since the epoch (whole seconds where date has no %N, as on macOS)
now() { case $(date +%s%N) in *N) echo "$(date +%s)000000000" ;; *) date +%s%N ;; esac; }
t_all=$(now)
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f s", (b-a)/1e9}'; }

build() { # tag, then docker build arguments
  local tag=$1; shift
  local t0; t0=$(now)
  echo "[build-images] $tag: docker build $* -t $tag"
  if [ "$QUIET" = 1 ]; then
    local log; log=$(mktemp)
    if ! docker build --progress=plain "$@" -t "$tag" >"$log" 2>&1; then
      tail -40 "$log"; rm -f "$log"
      echo "[build-images] $tag: FAILED (output above)" >&2
      return 1
    fi
    rm -f "$log"
  else
    docker build "$@" -t "$tag"
  fi
  echo "[build-images] $tag: ready in $(elapsed "$t0") ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

want=("${@:-all}")
for w in "${want[@]}"; do
  case $w in
    toolbox) build course-toolbox exercises/toolbox ;;
    mongosh) build course-mongosh exercises/mongosh ;;
    backend|favorites|swapi|frontend) build "goals-$w" -f docker/Dockerfile --target "$w" . ;;
    all)
      build course-toolbox exercises/toolbox
      for t in backend favorites swapi frontend; do build "goals-$t" -f docker/Dockerfile --target "$t" .; done
      # the mongosh client, when the checks use it (MONGO_IMAGE is the CI stand-in)
      if [ "$(bash -c '. "$1" && mongosh_image' _ "$ROOT/exercises/lib.sh")" = course-mongosh ]; then
        build course-mongosh exercises/mongosh
      fi ;;
    *) echo "usage: $0 [toolbox|backend|favorites|swapi|frontend|mongosh|all]..." >&2; exit 2 ;;
  esac
done
echo "[build-images] done in $(elapsed "$t_all")"
