#!/usr/bin/env bash
# Headless browser for the end-to-end tests: Debian's chromium + chromium-driver
# (/usr/bin/chromium, /usr/bin/chromedriver). Idempotent: nothing to do when both are there.
# Never lets a tool download a browser of its own (there is no internet but the registries).
set -euo pipefail
say() { echo "[install-browser] $*" >&2; }

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  say "already installed: $(chromium --version 2>/dev/null | head -1); $(chromedriver --version 2>/dev/null | head -1)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
t0=$SECONDS
say "installing chromium and chromium-driver from Debian (apt)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  chromium chromium-driver fonts-dejavu-core >/dev/null
# either missing is fatal: A && B || fail is meant
# shellcheck disable=SC2015
command -v chromium >/dev/null && command -v chromedriver >/dev/null \
  || { say "error: chromium/chromedriver still missing after apt-get install"; exit 1; }
say "installed $(chromium --version | head -1) in $((SECONDS - t0)) s"
