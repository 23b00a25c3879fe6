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
# EX_LANG_AUDIT=1 (with EX_LANG=ko): a check also fails when a line it prints in its own words
# is not Korean (lang_audit below: commands and their output aside); the lines are listed.
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

# lang_audit TRANSCRIPT: the lines of a check's transcript whose own words have no Korean in
# them. Not its words: blank lines, the header's rules, commands ("$ ...") and their output
# (indented four spaces). Of the other lines the framework's part is taken off first (the
# "--- N단계:", "기대:", "# ", "통과"/"실패" prefixes, a PASS line's closing "(...)" and a FAIL
# line's reason), so what is checked is the check's own text (its step, explanation, WHAT).
# Prints the offending lines; status 1 when there are any.
lang_audit() {
  local bad
  # Hangul syllables (U+AC00-U+D7A3) start with the bytes 0xEA-0xED in UTF-8
  bad=$(sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -vE '^$|^=+$|^\$ |^    ' | LC_ALL=C sed -E \
    -e '/^  통과 /{s/^  통과 //; s/ \([^()]*\)$//;}' \
    -e '/^  실패 /{s/^  실패 //; s/: (기대한 |출력에 |출력이 |"[^"]*" 말고 ).*$//;}' \
    -e 's/^--- [0-9]+단계: //; s/^  기대: //; s/^  Docker Desktop에서는: //; s/^  # //; s/^실습 [^:]*: //' \
    | LC_ALL=C grep -v $'[\xea-\xed]')
  case $? in 0|1) ;; *) echo "EX_LANG_AUDIT: could not read $1" >&2; return 1 ;; esac
  [ -z "$bad" ] && return 0
  echo "EX_LANG_AUDIT: $(printf '%s\n' "$bad" | wc -l) line(s) of $(basename "$1" .log) in its own words are not Korean:"
  printf '%s\n' "$bad" | sed 's/^/  | /'
  return 1
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
    '#!/bin/sh'*) read -ra shell <<<"${EX_SH:-sh}" ;;
    *) shell=(bash) ;;
  esac
  if [ "${EX_LANG_AUDIT:-0}" = 1 ]; then
    log="${TMPDIR:-/tmp}/$(basename "$e" .sh).log"
    "${shell[@]}" "$HERE/$e" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    lang_audit "$log" || { [ "$rc" = 0 ] && rc=1; }
    rm -f "$log"
  else
    "${shell[@]}" "$HERE/$e"
    rc=$?
  fi
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
