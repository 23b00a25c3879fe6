# What the exercise checks still written for bash use beyond lib.sh (sourced by lib.sh when bash
# runs it): arrays, and helpers that need tools on this machine (python3, ip, apt-get, bash's
# /dev/tcp). The checks that run on Docker Desktop too (#!/bin/sh) use none of this: they get
# ports from `docker port`, run curl and ip in containers (lib.sh: published, curl_host,
# run_host).
# shellcheck shell=bash disable=SC2034

EX_LABEL_ARGS=(--label "$EX_LABEL")
# the curl line every HTTP step of these checks shows: the body, then "HTTP <code>"
CURL=(curl -s --max-time 10 -w '\nHTTP %{http_code}\n')

# wait_port HOST PORT SECONDS: until something accepts TCP connections there (this machine).
wait_port() {
  local deadline=$(( $(date +%s) + $3 ))
  until (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# need_deb COMMAND PACKAGE: COMMAND must exist; else install PACKAGE with apt-get (root).
need_deb() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "  $(_m "installing Debian package $2 (apt-get), for the command $1" "명령 $1에 필요한 Debian 패키지 $2 설치 중(apt-get)")"
  local log=$EX_TMP/apt-$2.log
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$2" >"$log" 2>&1 \
    || { apt-get update -qq >>"$log" 2>&1 && apt-get install -y -qq --no-install-recommends "$2" >>"$log" 2>&1; }
  command -v "$1" >/dev/null 2>&1 && return 0
  tail -5 "$log" | sed 's/^/    /'
  fatal "the command $1 is missing and the Debian package $2 could not be installed: run 'sudo apt-get install $2' and try again |ko| $1 명령이 없고 Debian 패키지 $2도 설치하지 못했습니다. 'sudo apt-get install $2'를 실행한 뒤 다시 해 보세요"
}

# free_port: a TCP port nobody listens on right now (this machine).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'
}

# host_ip: this machine's main address (the source of its default route), not a docker one.
host_ip() {
  ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1
}
