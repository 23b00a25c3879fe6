#!/usr/bin/env bash
# The `desktop` phase of scripts/test.sh: the exercises whose outcome or commands differ on
# Docker Desktop, checked against an engine that behaves like Desktop's (scripts/desktop-engine.sh)
# from a container that has the docker CLI and a POSIX shell and none of the tools the checks
# used to want on the machine (curl, jq, ip, nc, python3): as a student's Mac or Windows
# machine with only Docker Desktop installed.
#   1. the engine: started, its claims proved (no route here to its containers, docker info says
#      Docker Desktop, host.docker.internal resolves, published ports reach this machine's
#      localhost, the checkout is shared)
#   2. the images the checks use: built here once (exercises/build-images.sh: a cache hit after
#      the exercises phase) and loaded into that engine, never built there
#   3. each check, run by dash in the minimal container through exercises/run.sh (POSIX sh too),
#      EX_ENGINE=auto (it must detect Desktop)
# The other exercises' reasons to be the same on Desktop: exercises/README.md, "On Docker Desktop".
# Environment: DESKTOP_CHECKS (default: 01 02 03 04 05 06 08 09 10 11 15 16 17: every check
# whose outcome or commands differ on Desktop, and 08, 09 (its registry on the VM's localhost)
# and 15), DESKTOP_KEEP=1 keeps the
# engine afterwards (scripts/desktop-engine.sh down removes it).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
t0=$SECONDS
say() { echo "[desktop] $((SECONDS - t0))s $*"; }
read -r -a CHECKS <<<"${DESKTOP_CHECKS:-01 02 03 04 05 06 08 09 10 11 15 16 17}"
MONGO_IMAGE=${MONGO_IMAGE:-goals-ci-secantusdb}
PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-goals-ci-prometheus}
REGISTRY_IMAGE=${REGISTRY_IMAGE:-goals-ci-registry}
IMAGES=(course-toolbox goals-backend goals-favorites goals-swapi goals-frontend "$MONGO_IMAGE"
  course-mongosh goals-dev debian:bookworm-slim "$PROMETHEUS_IMAGE" "$REGISTRY_IMAGE")
CLI_IMAGE=debian:bookworm-slim

docker info >/dev/null 2>&1 || { echo "[desktop] no Docker engine answers here (docker info): this phase needs one (scripts/docker-prepare.sh)"; exit 1; }
bash scripts/ensure-debian.sh socat || exit 1

say "images (cache hits after the exercises phase)"
MONGO_IMAGE=$MONGO_IMAGE bash exercises/build-images.sh || exit 1
if ! docker image inspect goals-dev >/dev/null 2>&1; then
  say "building goals-dev (the dev target of docker/Dockerfile)"
  docker build -q -f docker/Dockerfile --target dev -t goals-dev . >/dev/null || exit 1
fi

cleanup() { [ "${DESKTOP_KEEP:-0}" = 1 ] || bash scripts/desktop-engine.sh down; }
trap cleanup EXIT
HOST=$(bash scripts/desktop-engine.sh up) || exit 1
bash scripts/desktop-engine.sh load "${IMAGES[@]}" || exit 1
bash scripts/desktop-engine.sh prove || exit 1

# the minimal machine: Debian's base (dash as sh, coreutils, sed, mawk, grep) with this machine's
# docker CLI and its Compose and buildx plugins (Docker Desktop ships both); the checkout and /tmp at the same paths (the engine shares
# them, as Desktop shares a Mac's folders)
DOCKER_BIN=$(command -v docker)
# the CLI plugins' paths, "NAME PATH" a line, from one `docker info`
PLUGINS=$(docker info --format '{{range .ClientInfo.Plugins}}{{.Name}} {{.Path}}{{"\n"}}{{end}}')
plugin() { awk -v n="$1" '$1 == n { print $2 }' <<<"$PLUGINS"; }
COMPOSE_PLUGIN=$(plugin compose)
BUILDX_PLUGIN=$(plugin buildx)
if [ -z "$COMPOSE_PLUGIN" ] || [ -z "$BUILDX_PLUGIN" ]; then
  echo "[desktop] docker compose or buildx (CLI plugins, as Docker Desktop has them) is missing"; exit 1
fi
minimal() {
  docker run --rm --label goals.desktop=check -v "$ROOT:$ROOT" -v /tmp:/tmp -w "$ROOT" \
    -v "$DOCKER_BIN:/usr/local/bin/docker:ro" \
    -v "$COMPOSE_PLUGIN:/usr/local/lib/docker/cli-plugins/docker-compose:ro" \
    -v "$BUILDX_PLUGIN:/usr/local/lib/docker/cli-plugins/docker-buildx:ro" \
    -e DOCKER_HOST="$HOST" -e MONGO_IMAGE="$MONGO_IMAGE" -e PROMETHEUS_IMAGE="$PROMETHEUS_IMAGE" \
    -e REGISTRY_IMAGE="$REGISTRY_IMAGE" -e EX_BUILD=0 -e EX_ENGINE=auto -e EX_LANG=en \
    "$CLI_IMAGE" "$@"
}
say "the machine the checks run on: $CLI_IMAGE with the docker CLI, by $(minimal sh -c 'readlink -f /bin/sh')"
# shellcheck disable=SC2016  # expanded by the container's sh
minimal sh -c 'for t in docker curl jq ip nc python3 socat; do printf "  %-8s %s\n" "$t" "$(command -v "$t" || echo "(not here)")"; done; docker info -f "  engine: {{.OperatingSystem}} / {{.Name}}"'
if minimal sh -c 'command -v curl || command -v jq || command -v ip || command -v python3' >/dev/null; then
  echo "[desktop] the minimal container has a tool the checks must not need"; exit 1
fi

passed=0 failed=0 summary=()
LIST=$(sh exercises/run.sh --list)
for n in "${CHECKS[@]}"; do
  # the check's file as exercises/run.sh names it (PART/NN-name)
  file=$(awk -F/ -v n="$n" 'index($2, n "-") == 1 { print $0 ".sh" }' <<<"$LIST")
  [ -n "$file" ] || { echo "[desktop] no exercise $n (exercises/run.sh --list)"; failed=$((failed + 1)); continue; }
  head -1 "exercises/$file" | grep -qx '#!/bin/sh' || { echo "[desktop] exercises/$file is not a POSIX sh check"; failed=$((failed + 1)); continue; }
  echo
  c0=$SECONDS
  # through exercises/run.sh, as a student runs it: dash runs both (EX_BUILD=0: loaded above)
  if minimal sh exercises/run.sh "${file%.sh}"; then
    passed=$((passed + 1)); summary+=("$(printf '  ok      %4ds  %s' $((SECONDS - c0)) "${file%.sh}")")
  else
    failed=$((failed + 1)); summary+=("$(printf '  FAILED  %4ds  %s' $((SECONDS - c0)) "${file%.sh}")")
  fi
done
echo
echo "=== desktop: the checks on the Desktop-like engine, from the minimal container ($((SECONDS - t0)) s)"
printf '%s\n' "${summary[@]}"
echo "desktop: $passed passed, $failed failed"
[ "$failed" = 0 ]
