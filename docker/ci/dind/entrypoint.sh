#!/bin/sh
# Starts dockerd in a container (what moby's hack/dind script and the docker:dind image do
# before): /sys and the cgroup hierarchies writable, securityfs, cgroup v2 nesting when the host
# has it, / made shared so that the inner engine's mounts propagate; then dockerd with the
# arguments given to the container.
# `--privileged` gives all of this; where the machine's engine cannot start a privileged
# container (its own capability set lacks one, as on the project's CI machines: "unable to apply
# caps"), scripts/hosts.sh runs it with every capability it has, no seccomp or AppArmor profile,
# all devices, and this script makes /sys and the container's own cgroups writable.
set -eu
if grep -q ' /sys sysfs ro[,]' /proc/self/mounts; then
  mount -o remount,rw /sys
fi
# cgroup v1: each hierarchy is a read-only bind of this container's own cgroup
awk '$3 == "cgroup" && $4 ~ /^ro,/ {print $2}' /proc/self/mounts | while read -r m; do
  mount -o remount,bind,rw "$m"
done
if [ -d /sys/kernel/security ] && ! mountpoint -q /sys/kernel/security; then
  mount -t securityfs none /sys/kernel/security || echo "dind: could not mount securityfs" >&2
fi
# cgroup v2: move this container's processes out of the root cgroup so that dockerd may enable
# the controllers for its own containers (with cgroup v1 Docker mounts the hierarchies already)
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/init
  xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || :
  sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers >/sys/fs/cgroup/cgroup.subtree_control || :
fi
mount --make-rshared /
# a restart (the host "powered on" again): the runtime state of the last run is stale (a pid
# file naming a pid that now belongs to another process makes dockerd wait for a containerd
# that never comes)
rm -rf /var/run/docker.pid /var/run/docker /run/containerd
set -- --host=unix:///var/run/docker.sock "$@"
# Docker Desktop's identity and its DNS name for the host (scripts/desktop-engine.sh): `docker
# info` shows the operating system from /etc/os-release ("Docker Desktop") and the name from the
# hostname (docker-desktop, given by `docker run --hostname`); every container resolves
# host.docker.internal and gateway.docker.internal to DIND_DESKTOP_HOST_IP (this machine, seen from
# the engine's network) without --add-host, through a dnsmasq on this container's own address
# that the engine gives its containers as their DNS server (other names: the container's own
# resolver).
if [ -n "${DIND_DESKTOP_HOST_IP:-}" ]; then
  rm -f /etc/os-release
  printf 'PRETTY_NAME="Docker Desktop"\nNAME="Docker Desktop"\nID=docker-desktop\n' >/etc/os-release
  own=$(ip -4 -o addr show eth0 | awk '{sub(/\/.*/, "", $4); print $4; exit}')
  upstream=$(awk '$1 == "nameserver" {print $2; exit}' /etc/resolv.conf)
  dnsmasq --listen-address="$own" --bind-interfaces --no-hosts --no-resolv --server="$upstream" \
    --address="/host.docker.internal/$DIND_DESKTOP_HOST_IP" \
    --address="/gateway.docker.internal/$DIND_DESKTOP_HOST_IP" --pid-file=/run/dnsmasq.pid
  set -- --dns "$own" "$@"
fi
if [ -n "${DOCKERD_SOCKET_DIR:-}" ]; then
  mkdir -p "$DOCKERD_SOCKET_DIR"
  rm -f "$DOCKERD_SOCKET_DIR/docker.sock"
  set -- --host="unix://$DOCKERD_SOCKET_DIR/docker.sock" "$@"
fi
exec dockerd "$@"
