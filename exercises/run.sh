#!/bin/sh
# Runs the course exercises' checks: all of them, or the ones named.
#   exercises/run.sh                          every exercise, in order
#   exercises/run.sh 03                       one (by number, name or part of its path)
#   exercises/run.sh container-to-host 05     several
#   exercises/run.sh networking               a whole part
#   exercises/run.sh --list                   what there is
# POSIX sh, as the checks it runs for any machine (dash, busybox sh, macOS's bash 3.2, a WSL 2
# terminal's shell); the checks still written for bash (12, 14, 18) run with bash.
# First builds the images the checks use (exercises/build-images.sh, a bash script: seconds when
# nothing changed; EX_BUILD=0 skips it). Each check cleans up after itself; this script prints a
# summary with timings and closes with "exercises: N passed, M failed" (exit 1 if any failed).
# EX_SH: the shell for the checks written in POSIX sh (default sh; e.g. EX_SH="busybox sh").
# EX_LANG_AUDIT=1 (with EX_LANG=ko): a check also fails when a line it prints in its own words
# is not Korean (lang_audit below: commands and their output aside); the lines are listed.
# On a machine without a container registry: MONGO_IMAGE=goals-ci-secantusdb
# (built by scripts/docker-prepare.sh); see exercises/README.md.
# shellcheck disable=SC3043  # `local`: dash, busybox sh and bash all have it
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.." || exit 2
NL='
'

# every part's checks (PART/NN-name.sh, one a line), in the order of their numbers, whatever the
# part
ALL=$(for f in "$HERE"/*/[0-9][0-9]-*.sh; do
  [ -f "$f" ] || continue
  rel=${f#"$HERE"/}
  printf '%s\t%s\n' "${rel#*/}" "$rel"
done | sort | cut -f2)

if [ "${1:-}" = --list ]; then
  printf '%s\n' "$ALL" | sed 's/\.sh$//'
  exit 0
fi

SELECTED=
if [ $# -eq 0 ]; then
  SELECTED=$ALL
else
  for want in "$@"; do
    found=0
    for e in $ALL; do
      base=$(basename "$e" .sh)
      case $e in
        *"$want"*) match=1 ;;
        *) [ "$want" = "${base%%-*}" ] && match=1 || match=0 ;;
      esac
      if [ "$match" = 1 ]; then
        case "$NL$SELECTED$NL" in *"$NL$e$NL"*) ;; *) SELECTED="${SELECTED:+$SELECTED$NL}$e" ;; esac
        found=1
      fi
    done
    [ "$found" = 1 ] || { echo "run.sh: no exercise matches '$want' (see: exercises/run.sh --list)" >&2; exit 2; }
  done
fi
COUNT=$(printf '%s\n' "$SELECTED" | grep -c .)

t_all=$(date +%s)
if [ "${EX_BUILD:-1}" != 0 ]; then
  echo "=== images (exercises/build-images.sh; EX_BUILD=0 skips this)"
  if ! bash "$HERE/build-images.sh"; then
    echo "exercises: 0 passed, $COUNT failed (the images could not be built)"
    exit 1
  fi
fi

docker info >/dev/null 2>&1 || {
  echo "run.sh: no Docker engine answers ('docker info' fails)" >&2
  echo "exercises: 0 passed, $COUNT failed"
  exit 1
}

# lang_audit TRANSCRIPT: the lines of a check's transcript whose own words have no Korean in
# them. Not its words: blank lines, the header's rules, commands ("$ ...") and their output
# (indented four spaces). Of the other lines the framework's part is taken off first (the
# "--- N단계:", "기대:", "# ", "통과"/"실패" prefixes, a PASS line's closing "(...)" and a FAIL
# line's reason), so what is checked is the check's own text (its step, explanation, WHAT).
# Prints the offending lines; status 1 when there are any.
lang_audit() {
  local bad esc hangul
  esc=$(printf '\033')
  # Hangul syllables (U+AC00-U+D7A3) start with the bytes 0xEA-0xED in UTF-8
  hangul=$(printf '[\352-\355]')
  bad=$(sed "s/$esc\[[0-9;]*m//g" "$1" | grep -vE '^$|^=+$|^\$ |^    ' | LC_ALL=C sed -E \
    -e '/^  통과 /{s/^  통과 //; s/ \([^()]*\)$//;}' \
    -e '/^  실패 /{s/^  실패 //; s/: (기대한 |출력에 |출력이 |"[^"]*" 말고 ).*$//;}' \
    -e 's/^--- [0-9]+단계: //; s/^  기대: //; s/^  Docker Desktop에서는: //; s/^  # //; s/^실습 [^:]*: //' \
    | LC_ALL=C grep -v "$hangul")
  case $? in 0|1) ;; *) echo "EX_LANG_AUDIT: could not read $1" >&2; return 1 ;; esac
  [ -z "$bad" ] && return 0
  echo "EX_LANG_AUDIT: $(printf '%s\n' "$bad" | grep -c .) line(s) of $(basename "$1" .log) in its own words are not Korean:"
  printf '%s\n' "$bad" | sed 's/^/  | /'
  return 1
}

# run_check FILE: runs one check with its shell (a check for any machine starts with #!/bin/sh:
# POSIX sh, needs only docker; the rest bash); its exit code is the status.
run_check() {
  case $(head -1 "$1") in
    '#!/bin/sh'*) ${EX_SH:-sh} "$1" ;;   # EX_SH split into words on purpose ("busybox sh")
    *) bash "$1" ;;
  esac
}

PASSED=0
FAILED=0
SUMMARY=
INTERRUPTED=
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ex-run.XXXXXX")
trap 'INTERRUPTED=1' INT TERM
for e in $SELECTED; do
  name=${e%.sh}
  if [ -n "$INTERRUPTED" ]; then
    FAILED=$((FAILED + 1)); SUMMARY="$SUMMARY$(printf '  skipped       %s (interrupted)' "$name")$NL"
    continue
  fi
  echo
  t0=$(date +%s)
  if [ "${EX_LANG_AUDIT:-0}" = 1 ]; then
    log="$TMP/$(basename "$name").log"
    # the check's exit code through a file: a pipeline's status is tee's
    { run_check "$HERE/$e" 2>&1; echo $? >"$TMP/rc"; } | tee "$log"
    rc=$(cat "$TMP/rc")
    lang_audit "$log" || { [ "$rc" = 0 ] && rc=1; }
  else
    run_check "$HERE/$e"
    rc=$?
  fi
  [ "$rc" = 130 ] && INTERRUPTED=1   # the check was interrupted (it cleaned up): stop here
  took=$(( $(date +%s) - t0 ))
  if [ "$rc" -eq 0 ]; then
    PASSED=$((PASSED + 1)); SUMMARY="$SUMMARY$(printf '  ok      %4ds  %s' "$took" "$name")$NL"
  else
    FAILED=$((FAILED + 1)); SUMMARY="$SUMMARY$(printf '  FAILED  %4ds  %s' "$took" "$name")$NL"
  fi
done
rm -rf "$TMP"

echo
echo "=== summary ($(( $(date +%s) - t_all )) s in all)"
printf '%s' "$SUMMARY"
echo "exercises: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
