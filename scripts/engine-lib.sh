# Shared by scripts/hosts.sh and scripts/desktop-engine.sh: Docker engines in containers of the
# goals-ci-dind image (docker/ci/dind), each set on a bridge network of its own. Sourced; the
# caller defines `say MESSAGE` and `die MESSAGE` (which exits).
# shellcheck shell=bash

# engine_network NAME LABEL SUBNET...: creates the bridge network NAME (labelled LABEL) on the
# first SUBNET that overlaps none of this machine's networks; nothing when NAME exists already.
engine_network() {
  local name="$1" label="$2" subnet; shift 2
  docker network inspect "$name" >/dev/null 2>&1 && return
  for subnet in "$@"; do
    if docker network create --label "$label" --subnet "$subnet" "$name" >/dev/null 2>&1; then
      say "network $name ($subnet)"
      return
    fi
  done
  die "cannot create the network $name: every subnet tried ($*) overlaps one of this machine's"
}

# engine_ready CONTAINER SECONDS: waits until the engine in CONTAINER answers `docker info`;
# dies (with the container's last log lines) when it stopped or after SECONDS.
engine_ready() {
  local deadline=$((SECONDS + $2))
  until docker exec "$1" docker info >/dev/null 2>&1; do
    if [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" != true ]; then
      docker logs --tail 20 "$1" >&2 || true
      die "$1 stopped (its last lines above)"
    fi
    [ $SECONDS -lt "$deadline" ] || { docker logs --tail 20 "$1" >&2; die "$1: its engine does not answer after $2 s"; }
    sleep 0.3
  done
}
