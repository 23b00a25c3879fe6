#!/usr/bin/env bash
# Runs the course exercises' checks: all of them, or the ones named.
#   exercises/run.sh                          every exercise, in order
#   exercises/run.sh 03                       one (by number, name or part of its path)
#   exercises/run.sh container-to-host 05     several
#   exercises/run.sh networking               a whole part
#   exercises/run.sh --list                   what there is
# First builds the images the checks use (exercises/build-images.sh: seconds when nothing
# changed; EX_BUILD=0 skips it). Each check cleans up after itself; this script prints a
# summary with timings and closes with "exercises: N passed, M failed" (exit 1 if any failed).
# EX_SH: the shell for the checks written in POSIX sh (default sh; e.g. EX_SH="busybox sh").
# On a machine without a container registry: MONGO_IMAGE=goals-ci-secantusdb
# (built by scripts/docker-prepare.sh); see exercises/README.md.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.." || exit 2

# every part's checks (PART/NN-name.sh), in the order of their numbers, whatever the part
mapfile -t ALL < <(cd "$HERE" && find . -mindepth 2 -maxdepth 2 -name '[0-9][0-9]-*.sh' \
  | sed 's|^\./||' | awk -F/ '{print $2 "\t" $0}' | sort | cut -f2)

if [ "${1:-}" = --list ]; then
  printf '%s\n' "${ALL[@]%.sh}"
  exit 0
fi

SELECTED=()
if [ $# -eq 0 ]; then
  SELECTED=("${ALL[@]}")
else
  for want in "$@"; do
    found=0
    for e in "${ALL[@]}"; do
      base=$(basename "$e" .sh)
      if [ "$want" = "${base%%-*}" ] || [[ $e == *"$want"* ]]; then
        [[ " ${SELECTED[*]} " == *" $e "* ]] || SELECTED+=("$e")
        found=1
      fi
    done
    [ "$found" = 1 ] || { echo "run.sh: no exercise matches '$want' (see: exercises/run.sh --list)" >&2; exit 2; }
  done
fi

t_all=$SECONDS
if [ "${EX_BUILD:-1}" != 0 ]; then
  echo "=== images (exercises/build-images.sh; EX_BUILD=0 skips this)"
  if ! bash "$HERE/build-images.sh"; then
    echo "exercises: 0 passed, ${#SELECTED[@]} failed (the images could not be built)"
    exit 1
  fi
fi

docker info >/dev/null 2>&1 || {
  echo "run.sh: no Docker engine answers ('docker info' fails)" >&2
  echo "exercises: 0 passed, ${#SELECTED[@]} failed"
  exit 1
}

PASSED=0
FAILED=0
SUMMARY=()
INTERRUPTED=
trap 'INTERRUPTED=1' INT TERM
for e in "${SELECTED[@]}"; do
  if [ -n "$INTERRUPTED" ]; then
    FAILED=$((FAILED + 1)); SUMMARY+=("$(printf '  skipped       %s (interrupted)' "${e%.sh}")")
    continue
  fi
  echo
  t0=$SECONDS
  # a check for any machine starts with #!/bin/sh (POSIX sh: needs only docker); the rest bash
  case $(head -1 "$HERE/$e") in
    '#!/bin/sh'*) ${EX_SH:-sh} "$HERE/$e" ;;
    *) bash "$HERE/$e" ;;
  esac
  rc=$?
  [ "$rc" = 130 ] && INTERRUPTED=1   # the check was interrupted (it cleaned up): stop here
  took=$((SECONDS - t0))
  if [ "$rc" -eq 0 ]; then
    PASSED=$((PASSED + 1)); SUMMARY+=("$(printf '  ok      %4ds  %s' "$took" "${e%.sh}")")
  else
    FAILED=$((FAILED + 1)); SUMMARY+=("$(printf '  FAILED  %4ds  %s' "$took" "${e%.sh}")")
  fi
done

echo
echo "=== summary ($((SECONDS - t_all)) s in all)"
printf '%s\n' "${SUMMARY[@]}"
echo "exercises: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
