#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (apt-get, with
# sudo when not root); nothing to do, and no network, when all are there. For the test
# command's own tools (shellcheck, qemu-user-static, …): a brand-new machine gets them here.
#   scripts/ensure-debian.sh PACKAGE...
set -euo pipefail
say() { echo "[ensure-debian] $*" >&2; }
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
t0=$SECONDS
say "installing ${missing[*]} (apt)"
# the package lists may be stale on a new machine: refresh once, then install
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { say "error: apt-get could not install ${missing[*]}"; exit 1; }
say "installed ${missing[*]} in $((SECONDS - t0)) s"
