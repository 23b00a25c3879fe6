#!/usr/bin/env bash
# A local stand-in for the runtime base image of another platform, for machines without a
# container registry (CI here; students pull the real multi-platform
# gcr.io/distroless/cc-debian12): Debian's packages of that architecture unpacked, no
# emulation needed, the same contents and user as the amd64 stand-in.
#   scripts/platform-base.sh arm64     -> distroless-standin/cc-debian12:nonroot-arm64
# The image store of this engine keeps one platform per tag, so the stand-in has a name of its
# own (passed to docker/Dockerfile as RUNTIME_IMAGE), never the amd64 one's. Rebuilt only when
# missing (FORCE=1: always). Prints the image's name last.
set -euo pipefail
arch=${1:?usage: platform-base.sh ARCH (arm64)}
name=distroless-standin/cc-debian12:nonroot-$arch
say() { echo "[platform-base] $*" >&2; }
if [ "${FORCE:-0}" != 1 ] && docker image inspect "$name" >/dev/null 2>&1; then
  say "$name up to date"
  echo "$name"
  exit 0
fi
t0=$SECONDS
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  say "adding the Debian architecture $arch"
  dpkg --add-architecture "$arch"
fi
apt-get update -qq
work=$(mktemp -d /dev/shm/platform-base.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/root"
(cd "$work/debs" && apt-get download -o APT::Sandbox::User=root \
  "libc6:$arch" "libgcc-s1:$arch" "libstdc++6:$arch" "libssl3:$arch" "base-files:$arch" \
  netbase tzdata >/dev/null)
for f in "$work"/debs/*.deb; do dpkg-deb -x "$f" "$work/root"; done
r=$work/root
rm -rf "$r"/usr/share/{doc,man,info,locale,lintian} "$r"/usr/lib/*-linux-gnu/gconv
for l in bin sbin lib; do [ -e "$r/$l" ] || ln -s "usr/$l" "$r/$l"; done
mkdir -p "$r/etc/ssl/certs" "$r/tmp" "$r/home/nonroot" "$r/root"
chmod 1777 "$r/tmp"
# the CA bundle is text, the same on every platform: the host's (with its proxy's CA, if any)
cp /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$r/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$r/etc/group"
chown 65532:65532 "$r/home/nonroot"
tar -C "$r" -cf "$work/rootfs.tar" .
# FROM scratch, built for the platform: the image's config says that platform (docker import
# --platform does not, on engine 20.10); ADD unpacks the tree, nothing runs
cat >"$work/Dockerfile" <<'DOCKERFILE'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
LABEL goals.standin=1
USER 65532:65532
WORKDIR /home/nonroot
DOCKERFILE
docker build -q --platform "linux/$arch" -t "$name" "$work" >/dev/null
got=$(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$name")
[ "$got" = "linux/$arch" ] || { say "error: $name is $got, not linux/$arch"; exit 1; }
say "built $name ($got, $(docker image inspect -f '{{.Size}}' "$name" | awk '{printf "%.1f MB", $1/1e6}')) in $((SECONDS - t0)) s"
echo "$name"
