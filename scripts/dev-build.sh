#!/bin/sh
# The development stack's build of one service, the same command whoever runs it: the
# stack's first build (the `prebuild` service of docker-compose.dev.yml and
# docker-compose.watch.yml, before any server starts) and each service's cargo-watch on
# every save. One command for both means the first save rebuilds only what it changed:
# every dependency was built by the first build with the same selection and features.
#   scripts/dev-build.sh backend|favorites|frontend   one service
#   scripts/dev-build.sh all                           the three, one after the other
set -eu
build() {
  case $1 in
    backend) cargo build -p backend --bin backend ;;
    favorites) cargo build -p favorites --bin favorites ;;
    frontend) bash scripts/build-frontend.sh --no-install ;;
    *) echo "usage: dev-build.sh backend|favorites|frontend|all" >&2; exit 2 ;;
  esac
}
if [ "${1:-}" = all ]; then
  for s in backend favorites frontend; do
    t0=$(date +%s)
    echo "[dev-build] $s"
    build "$s"
    echo "[dev-build] $s built in $(($(date +%s) - t0)) s"
  done
else
  build "${1:-}"
fi
