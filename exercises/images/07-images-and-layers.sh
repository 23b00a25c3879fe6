#!/bin/sh
# shellcheck disable=SC3043  # local: dash, busybox sh and bash have it
# Check of exercises/images/07-images-and-layers.md: instruction order and the layer cache (a
# Rust crate's dependency layer), what .dockerignore does to the build context (size, time,
# content), docker history / docker image inspect of the project's images, shared base layers;
# then ENTRYPOINT and CMD, COPY and ADD, EXPOSE (publishes nothing), and a toolbox image written
# with apt-get in one RUN, compared with the notes' separate RUNs (layers, size, stale cache).
# Last, the notes' MySQL image today: their Dockerfile written FROM MARIADB_IMAGE (default
# mariadb:11: today's mysql images have no apt-get), ifconfig and ping in it, queries, -p.
# Needs only docker (with buildx) and sh here: cargo runs in a container, the HTTP requests of
# the EXPOSE step on the Docker host's network (lib.sh: run_host, wait_http_host), and the host
# port they use is one Docker picks (lib.sh: free_host_port).
#
# Own helpers (defined here, not in lib.sh): run_build (a docker build shown like `run`, with its
# plain progress streamed as it comes), build_step_state, context_bytes, human_bytes, col (a
# table cell), sed_i (the page's `sed -i`, done with any sed), not_root, below_both.
. "$(dirname "$0")/../lib.sh"
ex_begin 07 "images and layers: cache order, .dockerignore, history, Dockerfile instructions |ko| 이미지와 레이어: 캐시 순서, .dockerignore, history, Dockerfile 명령어"
# the Rust image the demo builds FROM (the page's rust:1-bookworm)
RUST_BASE=${RUST_BASE:-rust:1-bookworm}
need_image "$RUST_BASE" debian:bookworm-slim "$BACKEND_IMAGE" "$FAVORITES_IMAGE" "$SWAPI_IMAGE" "$TOOLBOX_IMAGE"
NAIVE=$(ex_name naive)
ORDERED=$(ex_name ordered)
CTX_ALL=$(ex_name context-all)
CTX_IGN=$(ex_name context-ignored)
PROJ_CTX=$(ex_name project-context)
DEMO=$EX_TMP/demo-layers
BIG=$EX_TMP/big-project
# the fake build output (MB): big enough that sending it to the builder is measurable
EX_FAKE_TARGET_MB=${EX_FAKE_TARGET_MB:-240}
# a cold build of the demo crate (it downloads and compiles serde_json) may take longer than
# the usual command timeout on a busy machine
EX_BUILD_TIMEOUT=${EX_BUILD_TIMEOUT:-900}

# run_build ARGS...: `docker build ARGS` shown as a student types it; its plain progress goes
# into $OUT, its exit code into $RC, its wall time into $BUILD_SECS. The interesting lines (each
# build step's header, CACHED / DONE of those steps, cargo's Compiling/Finished lines, the size
# of the context sent) are printed as they come, so a long build shows progress.
run_build() {
  local log="$EX_TMP/build.log" rcf="$EX_TMP/build.rc" t0
  _command_line '' docker build "$@"
  t0=$(_now)
  rm -f "$rcf"
  { _timeout "$EX_BUILD_TIMEOUT" docker build "$@" 2>&1; echo $? >"$rcf"; } \
    | tr '\r' '\n' | tee "$log" | awk '
      function show() { print "    " $0; fflush() }
      /^#[0-9]+ \[[0-9]+\/[0-9]+\]/ { step[$1] = 1; show(); next }
      /^#[0-9]+ (CACHED|DONE|ERROR)/ { if ($1 in step) show(); next }
      /^#[0-9]+ \[internal\] load build context/ { context = $1; next }
      /^#[0-9]+ transferring context:.*done/ { if ($1 == context) show(); next }
      /Compiling|Finished|error|ERROR/ { show() }'
  RC=$(cat "$rcf" 2>/dev/null) || RC=1
  BUILD_SECS=$(_secs "$t0")
  OUT=$(_plain <"$log")
  [ "$RC" = 124 ] && printf '%s\n' "    ${C_FAIL}($(_m "still running after $EX_BUILD_TIMEOUT s: stopped" "${EX_BUILD_TIMEOUT}초가 지나도 끝나지 않아 멈췄습니다"))${C_OFF}"
  if [ "$RC" -ne 0 ]; then
    printf '%s\n' "    ${C_DIM}($(_m "exit code $RC; last lines:" "종료 코드 $RC, 마지막 줄:"))${C_OFF}"
    tail -15 "$log" | sed 's/^/    /'
  fi
  printf '%s\n' "    ${C_DIM}($(_m "build took $BUILD_SECS s" "빌드 ${BUILD_SECS}초"))${C_OFF}"
  return 0
}

# build_step_state REGEX: CACHED, RAN or MISSING for the build step (in the last build's $OUT)
# whose header "#N [i/n] INSTRUCTION" matches REGEX. BuildKit prints "#N CACHED" for a step it
# took from the cache.
build_step_state() {
  local id
  id=$(printf '%s\n' "$OUT" | grep -E "^#[0-9]+ \[[0-9]+/[0-9]+\] $1" | head -1 | awk '{print $1}')
  if [ -z "$id" ]; then echo MISSING
  elif printf '%s\n' "$OUT" | grep -qx "$id CACHED"; then echo CACHED
  else echo RAN; fi
}

# context_bytes: the build context BuildKit received in the last build ("transferring context:
# 251.66MB 3.2s done"), in bytes (0 when not found).
context_bytes() {
  local id
  id=$(printf '%s\n' "$OUT" | grep -E '^#[0-9]+ \[internal\] load build context' | head -1 | awk '{print $1}')
  printf '%s\n' "$OUT" | sed -n "s/^$id transferring context: \\([0-9.]*\\)\\([kMG]*B\\).*done.*/\\1 \\2/p" | tail -1 \
    | awk '{ m = ($2 == "kB") ? 1e3 : ($2 == "MB") ? 1e6 : ($2 == "GB") ? 1e9 : 1; printf "%d", $1 * m } END { if (NR == 0) print 0 }'
}
human_bytes() { awk -v b="$1" 'BEGIN { if (b >= 1e6) printf "%.1f MB", b / 1e6; else printf "%.1f kB", b / 1e3 }'; }

# col WIDTH TEXT: a table cell, TEXT padded with spaces to WIDTH columns (-WIDTH: the spaces in
# front). printf's %-30s counts bytes, and a Hangul syllable is three bytes and two columns wide.
col() {
  LC_ALL=C awk -v w="$1" -v t="$2" 'BEGIN { s = t; h = gsub(/[\200-\377]/, "", s); c = length(t) - h / 3
    n = (w < 0) ? -w : w; pad = ""; for (; c < n; c++) pad = pad " "
    printf "%s", (w < 0) ? pad t : t pad }'
}

# sed_i SCRIPT FILE: the page's `sed -i SCRIPT FILE` (GNU sed's -i; macOS writes sed -i ''),
# shown as the page has it and done with any sed: into a file in $EX_TMP, moved over FILE.
sed_i() {
  _command_line "$(_m "here as any sed does it" "여기서는 어느 sed에서나 되는 방식으로"): sed ... >$EX_TMP/sed.out && mv ..." sed -i "$1" "$2"
  # shellcheck disable=SC2016  # expanded by that sh
  _capture sh -c 'sed "$1" "$2" >"$3" && mv "$3" "$2"' sh "$1" "$2" "$EX_TMP/sed.out"
  _print_output
  _report_rc
}

# the ID of IMAGE now (a rebuild with the same tag leaves this one dangling: tracked by ID)
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null; }

# not_root USER: Config.User names someone other than root ("65532:65532", "nonroot").
not_root() { [ -n "$1" ] && [ "${1%%:*}" != 0 ] && [ "${1%%:*}" != root ]; }
# below_both N A B: N is smaller than A and than B.
below_both() { [ "$1" -lt "$2" ] && [ "$1" -lt "$3" ]; }

# ================================================================ part 1: the layer cache
step "a tiny Rust crate with one crates.io dependency (serde_json) |ko| crates.io 의존성 하나(serde_json)를 쓰는 작은 Rust 크레이트"
mkdir -p "$DEMO/src"
cat >"$DEMO/Cargo.toml" <<'EOF'
[package]
name = "demo-layers"
version = "0.1.0"
edition = "2021"

[dependencies]
serde_json = "1"
EOF
cat >"$DEMO/src/main.rs" <<'EOF'
fn main() {
    let goal = serde_json::json!({ "id": 1, "text": "Learn Docker layers" });
    println!("{goal}");
}
EOF
# The naive order: everything first, then build. Any change anywhere invalidates the COPY
# layer, so the RUN after it, which compiles the dependencies too, runs again.
cat >"$DEMO/Dockerfile.naive" <<'EOF'
FROM rust:1-bookworm
WORKDIR /app
COPY . .
RUN cargo build --locked
CMD ["/app/target/debug/demo-layers"]
EOF
# The ordered one: the manifests first, the dependencies compiled against a dummy main (a
# layer whose cache key is only Cargo.toml + Cargo.lock), then the sources.
cat >"$DEMO/Dockerfile.ordered" <<'EOF'
FROM rust:1-bookworm
WORKDIR /app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs \
 && cargo build --locked \
 && rm -rf src
COPY src ./src
RUN touch src/main.rs && cargo build --locked
CMD ["/app/target/debug/demo-layers"]
EOF
for f in "$DEMO"/Dockerfile.*; do
  sed "s|^FROM rust:1-bookworm|FROM $RUST_BASE|" "$f" >"$EX_TMP/Dockerfile.from" && mv "$EX_TMP/Dockerfile.from" "$f"
done
say "files written to $DEMO (the same as on the page) |ko| $DEMO에 파일을 썼습니다(페이지와 같은 내용)"
run cat "$DEMO/Dockerfile.ordered"
say "Cargo.lock pins the dependency versions; made in a container, so no Rust is needed on your machine |ko| Cargo.lock은 의존성 버전을 고정합니다. 컨테이너 안에서 만들므로 호스트 머신에 Rust가 없어도 됩니다"
run docker run --rm --name "$(ex_name lockfile)" --label "$EX_LABEL" -v "$DEMO:/app" -w /app "$RUST_BASE" cargo generate-lockfile
track container "$(ex_name lockfile)"
check_rc 0 "cargo generate-lockfile (crates.io reached from a container) |ko| cargo generate-lockfile 실행(컨테이너에서 crates.io에 접속됨)"
check_true "Cargo.lock pins serde_json |ko| Cargo.lock에 serde_json 버전이 고정되어 있습니다" -- grep -q '^name = "serde_json"' "$DEMO/Cargo.lock"
cd "$DEMO" || fatal "no $DEMO |ko| $DEMO 폴더가 없습니다"

step "first build of both (cold the first time: each compiles serde_json; later runs: cached) |ko| 두 이미지의 첫 빌드(처음 실행할 때는 각각 serde_json을 컴파일하고, 그 뒤 실행에서는 캐시를 씀)"
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.naive -t "$NAIVE" .
track image "$NAIVE"
check_rc 0 "the naive image builds |ko| 단순한 버전의 이미지가 빌드됩니다"
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.ordered -t "$ORDERED" .
track image "$ORDERED"
check_rc 0 "the ordered image builds |ko| 순서를 정리한 버전의 이미지가 빌드됩니다"
[ "$RC" -eq 0 ] || fatal "the demo images do not build (crates.io unreachable from docker build?) |ko| 데모 이미지가 빌드되지 않습니다(docker build에서 crates.io에 접속할 수 없는 것은 아닌지 확인하세요)"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$ORDERED"
check_out_contains '"text":"Learn Docker layers"' "the program runs |ko| 프로그램이 실행됩니다"

# the rebuilds below move the tags to new images: remember these first ones for the cleanup
# (they would be left behind as dangling <none> images)
track image "$(image_id "$NAIVE")"
track image "$(image_id "$ORDERED")"

step "change one line of src/main.rs, rebuild both |ko| src/main.rs의 한 줄을 바꾸고 둘 다 다시 빌드하기"
EDIT="Learn Docker layers, edit $(date +%H%M%S)-$$"
say "a text no earlier run used, so neither build can reuse a layer built from this source |ko| 이전 실행에서 쓴 적 없는 텍스트이므로, 어느 빌드도 이 소스로 만든 레이어를 재사용할 수 없습니다"
sed_i "s/Learn Docker layers/$EDIT/" src/main.rs
run grep -n edit src/main.rs
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.naive -t "$NAIVE" .
NAIVE_SECS=$BUILD_SECS
check_rc 0 "the naive rebuild works |ko| 단순한 버전이 다시 빌드됩니다"
check_eq "$(build_step_state 'COPY \. \.')" RAN "naive: COPY . . is not cached (a file in the context changed) |ko| 단순한 버전: COPY . . 단계는 캐시되지 않습니다(컨텍스트의 파일이 바뀌었습니다)"
check_eq "$(build_step_state 'RUN cargo build')" RAN "naive: so RUN cargo build runs again |ko| 단순한 버전: 그래서 RUN cargo build 단계가 다시 실행됩니다"
check_out_contains "Compiling serde_json" "naive: and compiles the dependency again |ko| 단순한 버전: 의존성도 다시 컴파일합니다"
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.ordered -t "$ORDERED" .
ORDERED_SECS=$BUILD_SECS
check_rc 0 "the ordered rebuild works |ko| 순서를 정리한 버전이 다시 빌드됩니다"
check_eq "$(build_step_state 'COPY Cargo\.toml Cargo\.lock')" CACHED "ordered: COPY Cargo.toml Cargo.lock is CACHED (the manifests did not change) |ko| 순서를 정리한 버전: COPY Cargo.toml Cargo.lock 단계는 CACHED입니다(매니페스트가 바뀌지 않았습니다)"
check_eq "$(build_step_state 'RUN mkdir src')" CACHED "ordered: the dependency step is CACHED |ko| 순서를 정리한 버전: 의존성 단계는 CACHED입니다"
check_eq "$(build_step_state 'RUN touch src/main.rs')" RAN "ordered: only the last step compiles (our crate) |ko| 순서를 정리한 버전: 마지막 단계만 컴파일합니다(내 크레이트)"
check_out_lacks "Compiling serde_json" "ordered: serde_json is not compiled again |ko| 순서를 정리한 버전: serde_json은 다시 컴파일되지 않습니다"
if [ "$(build_step_state 'WORKDIR /app')" = RAN ]; then
  say "NOTE: even 'WORKDIR /app' was not taken from the cache, so the builder ignored its cache |ko| 참고: 'WORKDIR /app'조차 캐시에서 가져오지 않았습니다. 빌더가 캐시를 아예 쓰지 않은 것입니다."
  say "altogether. Seen with Engine 20.10's BuildKit while another build FROM the same image runs |ko| Engine 20.10의 BuildKit에서, 같은 이미지를 FROM으로 쓰는 다른 빌드가 동시에 실행될 때 나타났습니다."
  say "at the same time; run the check again when no other build is running, or with RUST_BASE=rust:1 |ko| 다른 빌드가 실행 중이지 않을 때 점검을 다시 실행하거나, RUST_BASE=rust:1로 실행하세요"
fi
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$NAIVE"
check_out_contains "$EDIT" "the naive image has the change |ko| 단순한 버전의 이미지에 변경 내용이 들어 있습니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$ORDERED"
check_out_contains "$EDIT" "the ordered image has the change |ko| 순서를 정리한 버전의 이미지에 변경 내용이 들어 있습니다"
RATIO=$(awk -v a="$NAIVE_SECS" -v b="$ORDERED_SECS" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }')
W=$(_m 30 36)
echo
printf '  %s %s\n' "$(col "$W" "$(_m "rebuild after a one-line change" "한 줄 변경 뒤 재빌드")")" "$(col -8 "$(_m time 시간)")"
printf '  %s %s s\n' "$(col "$W" "$(_m "naive   (COPY . . first)" "단순한 버전 (COPY . . 먼저)")")" "$(col -6 "$NAIVE_SECS")"
printf '  %s %s s\n' "$(col "$W" "$(_m "ordered (manifests first)" "순서를 정리한 버전 (매니페스트 먼저)")")" "$(col -6 "$ORDERED_SECS")"
_tr "measured: the naive rebuild took ${RATIO}x as long (not asserted: timings vary with the machine) |ko| 측정값: 단순한 버전의 재빌드가 ${RATIO}배 오래 걸렸습니다(검증하지 않음: 시간은 머신에 따라 다릅니다)"
printf '  %s\n' "$_T"

step "docker history: the dependency layer of the ordered image |ko| docker history: 순서를 정리한 이미지의 의존성 레이어"
run docker history --format '{{.Size}}\t{{.CreatedBy}}' "$ORDERED"
check_out_match 'RUN .*mkdir src' "the dependency layer is one of the image's layers |ko| 의존성 레이어가 이미지의 레이어 중에 있습니다"
check_out_match 'COPY src \./src' "the sources come after it, in their own layer |ko| 소스는 그 뒤에 별도의 레이어로 들어갑니다"
say "the project's docker/Dockerfile does the same with cargo-chef: 'cargo chef prepare' (recipe of the manifests), 'cargo chef cook' (the dependency layer), then the sources |ko| 이 프로젝트의 docker/Dockerfile도 cargo-chef로 같은 일을 합니다: 'cargo chef prepare'(매니페스트의 레시피), 'cargo chef cook'(의존성 레이어), 그다음 소스"
run grep -nE '^RUN.*cargo chef|^[[:space:]]+cargo chef (prepare|cook)' "$EX_ROOT/docker/Dockerfile"
check_out_contains "cargo chef cook" "docker/Dockerfile cooks the dependencies in their own layer |ko| docker/Dockerfile은 의존성을 별도의 레이어에서 컴파일합니다(cargo chef cook)"

# ================================================================ part 2: .dockerignore
step "a project with a big target/ and .git (${EX_FAKE_TARGET_MB} MB of fake build output) |ko| 커다란 target/과 .git이 있는 프로젝트(가짜 빌드 결과물 ${EX_FAKE_TARGET_MB} MB)"
mkdir -p "$BIG/src" "$BIG/target/debug/deps" "$BIG/.git/objects/pack"
echo 'fn main() { println!("hello"); }' >"$BIG/src/main.rs"
printf '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n' >"$BIG/Cargo.toml"
echo 'DB_PASSWORD=not-for-images' >"$BIG/.env"
say "writing the fake files (zeros: the same content every run) |ko| 가짜 파일을 쓰는 중(0으로 채우므로 실행할 때마다 내용이 같습니다)"
i=1
while [ "$i" -le $((EX_FAKE_TARGET_MB / 40)) ]; do
  dd if=/dev/zero of="$BIG/target/debug/deps/libfake$i.rlib" bs=1000000 count=40 2>/dev/null
  i=$((i + 1))
done
dd if=/dev/zero of="$BIG/.git/objects/pack/pack-fake.pack" bs=1000000 count=8 2>/dev/null
printf 'FROM debian:bookworm-slim\nCOPY . /ctx\nRUN du -sh /ctx\n' >"$BIG/Dockerfile"
cd "$BIG" || fatal "no $BIG |ko| $BIG 폴더가 없습니다"
run du -sh target .git src
run cat Dockerfile

step "build WITHOUT a .dockerignore: everything is sent to the builder |ko| .dockerignore 없이 빌드: 모든 것이 빌더로 전송됨"
run_build --progress=plain --label "$EX_LABEL" -t "$CTX_ALL" .
track image "$CTX_ALL"
ALL_SECS=$BUILD_SECS
ALL_BYTES=$(context_bytes)
ALL_H=$(human_bytes "$ALL_BYTES")
MIN_MB=$((EX_FAKE_TARGET_MB * 9 / 10))
check_rc 0 "the image builds |ko| 이미지가 빌드됩니다"
check_true "the context sent is over $MIN_MB MB ($ALL_H) |ko| 전송된 컨텍스트가 $MIN_MB MB를 넘습니다($ALL_H)" -- test "$ALL_BYTES" -gt $((EX_FAKE_TARGET_MB * 900000))
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$CTX_ALL" sh -c 'du -sh /ctx; ls -A /ctx'
check_out_contains target "target/ is in the image |ko| 이미지에 target/이 들어 있습니다"
check_out_contains .git ".git is in the image |ko| 이미지에 .git이 들어 있습니다"
check_out_contains .env ".env (a password!) is in the image |ko| 이미지에 .env 파일(비밀번호!)이 들어 있습니다"

step "the same build WITH a .dockerignore (in a fresh copy of the folder) |ko| .dockerignore를 둔 같은 빌드(폴더를 새로 복사한 곳에서)"
say "a copy, because BuildKit sends a folder it has seen before incrementally (only what changed), |ko| 복사본을 쓰는 이유: BuildKit은 이미 본 폴더를 증분 방식으로(바뀐 것만) 보내므로"
say "which would hide the difference; the first build of a folder (a fresh clone, CI) sends it all |ko| 차이가 가려집니다. 폴더의 첫 빌드(새로 클론한 저장소, CI)는 전부 보냅니다"
run cp -a "$BIG" "$BIG-ignored"
cd "$BIG-ignored" || fatal "no $BIG-ignored |ko| $BIG-ignored 폴더가 없습니다"
printf 'target/\n.git\n.env\n' >.dockerignore
run cat .dockerignore
run_build --progress=plain --label "$EX_LABEL" -t "$CTX_IGN" .
track image "$CTX_IGN"
IGN_SECS=$BUILD_SECS
IGN_BYTES=$(context_bytes)
IGN_H=$(human_bytes "$IGN_BYTES")
check_rc 0 "the image builds |ko| 이미지가 빌드됩니다"
check_true "the context sent is under 1 MB ($IGN_H) |ko| 전송된 컨텍스트가 1 MB 미만입니다($IGN_H)" -- test "$IGN_BYTES" -lt 1000000
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$CTX_IGN" sh -c 'du -sh /ctx; ls -A /ctx'
check_out_lacks target "target/ is not in the image |ko| 이미지에 target/이 없습니다"
check_out_lacks .git ".git is not in the image |ko| 이미지에 .git이 없습니다"
check_out_lacks .env ".env is not in the image |ko| 이미지에 .env 파일이 없습니다"
check_out_contains src "the sources are |ko| 소스는 들어 있습니다"
check_out_contains .dockerignore ".dockerignore itself is sent (ignore it too if you like) |ko| .dockerignore 자체는 전송됩니다(원하면 이것도 제외하세요)"
W=$(_m 12 16)
echo
printf '  %s %s %s\n' "$(col 26 "")" "$(col -"$W" "$(_m "context sent" "전송된 컨텍스트")")" "$(col -10 "$(_m build 빌드)")"
printf '  %s %s %s s\n' "$(col 26 "$(_m "without .dockerignore" ".dockerignore 없음")")" "$(col -"$W" "$ALL_H")" "$(col -8 "$ALL_SECS")"
printf '  %s %s %s s\n' "$(col 26 "$(_m "with .dockerignore" ".dockerignore 있음")")" "$(col -"$W" "$IGN_H")" "$(col -8 "$IGN_SECS")"
say "measured, not asserted: the time saved grows with the size of target/ (often GBs in a Rust project) |ko| 측정만 하고 검증하지는 않습니다. 줄어드는 시간은 target/의 크기에 따라 커집니다(Rust 프로젝트에서는 흔히 몇 GB)"

step "the project's own .dockerignore keeps target/, .git and .env out |ko| 이 프로젝트 자체의 .dockerignore: target/, .git, .env 제외"
run grep -nxE 'target/|\*\*/target/|\.git/?|\.env|\*\*/\.env|env/' "$EX_ROOT/.dockerignore"
check_out_match ':target/$' "target/ is ignored |ko| target/이 제외됩니다"
check_out_match ':\.git/?$' ".git is ignored |ko| .git이 제외됩니다"
check_out_match ':\.env$' ".env is ignored |ko| .env 파일이 제외됩니다"
check_out_match ':env/$' "env/ (the demo passwords) is ignored |ko| env/ 폴더(데모 비밀번호)가 제외됩니다"
say "proof: copy the project's context into a throw-away image and look |ko| 확인: 프로젝트의 컨텍스트를 일회용 이미지에 복사해 들여다봅니다"
printf 'FROM debian:bookworm-slim\nCOPY . /ctx\n' >"$EX_TMP/Dockerfile.project-context"
run_build --progress=plain --label "$EX_LABEL" -f "$EX_TMP/Dockerfile.project-context" -t "$PROJ_CTX" "$EX_ROOT"
track image "$PROJ_CTX"
check_rc 0 "the project's directory as a build context |ko| 프로젝트 폴더를 빌드 컨텍스트로 쓴 빌드가 성공합니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$PROJ_CTX" sh -c 'ls -A /ctx; find /ctx -name target -o -name .git -o -name .env -o -path /ctx/env | sed "s/^/found: /"'
check_out_contains Cargo.toml "the sources and manifests are there |ko| 소스와 매니페스트는 들어 있습니다"
check_out_lacks "found:" "no target/, .git, .env or env/ anywhere in it |ko| 그 안 어디에도 target/, .git, .env, env/ 중 아무것도 없습니다"

# ================================================================ part 3: history, inspect
step "docker history of goals-backend: one line per layer, newest first |ko| goals-backend의 docker history: 레이어마다 한 줄, 최신 것이 맨 위"
run docker history "$BACKEND_IMAGE"
check_rc 0 "docker history $BACKEND_IMAGE |ko| docker history $BACKEND_IMAGE 실행"
run docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$BACKEND_IMAGE"
check_out_match 'USER 65532' "a USER line (non-root) |ko| USER 줄(root가 아닌 사용자)"
check_out_match 'EXPOSE (map\[)?80' "an EXPOSE 80 line |ko| EXPOSE 80 줄"
check_out_match 'ENV .*PORT=80' "ENV defaults |ko| ENV 기본값"
check_out_match '^[0-9.]+[kM]B	COPY .*/backend' "the binary's COPY layer, with its size |ko| 바이너리의 COPY 레이어와 그 크기"

step "docker image inspect: user, ports, environment |ko| docker image inspect: 사용자, 포트, 환경 변수"
run docker image inspect -f 'User={{.Config.User}} Ports={{json .Config.ExposedPorts}}' "$BACKEND_IMAGE"
USER_=$(inspect '{{.Config.User}}' "$BACKEND_IMAGE")
check_true "Config.User is set and not root (\"$USER_\") |ko| Config.User가 설정되어 있고 root가 아닙니다(\"$USER_\")" -- not_root "$USER_"
check_out_contains '"80/tcp"' "ExposedPorts has 80/tcp |ko| ExposedPorts에 80/tcp가 있습니다"
run docker image inspect -f '{{json .Config.Env}}' "$BACKEND_IMAGE"
check_out_contains MONGODB_USERNAME "non-secret defaults are baked in |ko| 비밀이 아닌 기본값은 이미지에 들어 있습니다"
check_out_lacks PASSWORD "no password in the image's environment (it comes at run time) |ko| 이미지의 환경 변수에 비밀번호는 없습니다(실행할 때 넘깁니다)"

step "layers shared by goals-backend and goals-favorites |ko| goals-backend와 goals-favorites가 공유하는 레이어"
run docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$BACKEND_IMAGE"
B_LAYERS=$OUT
run docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$FAVORITES_IMAGE"
F_LAYERS=$OUT
printf '%s\n' "$B_LAYERS" | grep sha256 | sort >"$EX_TMP/layers-backend.sorted"
printf '%s\n' "$F_LAYERS" | grep sha256 | sort >"$EX_TMP/layers-favorites.sorted"
SHARED=$(comm -12 "$EX_TMP/layers-backend.sorted" "$EX_TMP/layers-favorites.sorted" | grep -c sha256)
B_N=$(printf '%s\n' "$B_LAYERS" | grep -c sha256)
F_N=$(printf '%s\n' "$F_LAYERS" | grep -c sha256)
# how many of the shared layers are the first ones of both lists, line by line (the same FROM)
printf '%s\n' "$B_LAYERS" | head -n "$SHARED" >"$EX_TMP/layers-backend.first"
printf '%s\n' "$F_LAYERS" | head -n "$SHARED" >"$EX_TMP/layers-favorites.first"
PREFIX=$(paste -d' ' "$EX_TMP/layers-backend.first" "$EX_TMP/layers-favorites.first" | awk '$1 == $2 { n++ } END { print n + 0 }')
_tr "backend: $B_N layers, favorites: $F_N layers, shared: $SHARED (the first $PREFIX of each) |ko| backend: 레이어 $B_N개, favorites: 레이어 $F_N개, 공유: $SHARED개(각각 처음 $PREFIX개)"
printf '  %s\n' "$_T"
check_true "they share their base layers ($SHARED) |ko| 베이스 레이어를 공유합니다($SHARED개)" -- test "$SHARED" -ge 1
check_eq "$PREFIX" "$SHARED" "the shared layers are the bottom ones, in the same order (the same FROM) |ko| 공유 레이어는 맨 아래 레이어들이며 순서도 같습니다(같은 FROM)"
check_true "and differ above them (each has its own binary) |ko| 그 위로는 서로 다릅니다(각자 자기 바이너리)" -- below_both "$SHARED" "$B_N" "$F_N"
say "a shared layer is stored once on disk and pulled once: docker system df -v shows SHARED SIZE |ko| 공유 레이어는 디스크에 한 번만 저장되고 한 번만 pull됩니다. docker system df -v에 SHARED SIZE로 나타납니다"

# ================================================================ part 4: Dockerfile instructions
# ENTRYPOINT and CMD, COPY and ADD, EXPOSE (publishes nothing), and a toolbox image of your own
# (apt-get in one RUN), in a folder of small Dockerfiles FROM debian:bookworm-slim.
DEMO2=$EX_TMP/dockerfile-demo
ENTRY=$(ex_name entry-demo)
ADD_IMG=$(ex_name add-demo)
MY_TB=$(ex_name my-toolbox)
EXPOSE_C=$(ex_name expose-demo)
mkdir -p "$DEMO2"
cd "$DEMO2" || fatal "no $DEMO2 |ko| $DEMO2 폴더가 없습니다"

step "ENTRYPOINT and CMD: the program and its default arguments |ko| ENTRYPOINT와 CMD: 프로그램과 그 기본 인수"
cat >Dockerfile.entrypoint <<'EOF2'
FROM debian:bookworm-slim
ENTRYPOINT ["echo", "entrypoint says:"]
CMD ["hello", "from CMD"]
EOF2
run cat Dockerfile.entrypoint
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.entrypoint -t "$ENTRY" .
track image "$ENTRY"
check_rc 0 "the image builds |ko| 이미지가 빌드됩니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$ENTRY"
check_eq "$OUT" "entrypoint says: hello from CMD" "no arguments: ENTRYPOINT runs with CMD as its arguments |ko| 인수 없이 실행: ENTRYPOINT가 CMD를 인수로 받아 실행됩니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$ENTRY" bye
check_eq "$OUT" "entrypoint says: bye" "words after the image name replace CMD, the ENTRYPOINT stays |ko| 이미지 이름 뒤의 단어들이 CMD를 대신하고, ENTRYPOINT는 그대로입니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" --entrypoint echo "$ENTRY" another program
check_eq "$OUT" "another program" "--entrypoint replaces the ENTRYPOINT |ko| --entrypoint는 ENTRYPOINT를 바꿉니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" --entrypoint echo "$ENTRY"
check_eq "$OUT" "" "--entrypoint also drops the image's CMD (echo prints an empty line) |ko| --entrypoint는 이미지의 CMD도 버립니다(echo가 빈 줄을 출력합니다)"
run docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$ENTRY"
check_eq "$OUT" '["echo","entrypoint says:"] ["hello","from CMD"]' "docker image inspect shows both |ko| docker image inspect에 둘 다 보입니다"
say "without an ENTRYPOINT (debian:bookworm-slim has only CMD [\"bash\"]) the words are the whole command |ko| ENTRYPOINT가 없으면(debian:bookworm-slim에는 CMD [\"bash\"]만 있습니다) 그 단어들이 명령 전체가 됩니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" debian:bookworm-slim echo the whole command replaced
check_eq "$OUT" "the whole command replaced" "the image's CMD is replaced by the words after the image name |ko| 이미지의 CMD가 이미지 이름 뒤의 단어들로 바뀝니다"

step "COPY and ADD: ADD unpacks a local tar archive, COPY copies it as it is |ko| COPY와 ADD: 로컬 tar 아카이브를 ADD는 풀고, COPY는 그대로 복사"
mkdir -p site && echo '<h1>hello</h1>' >site/index.html
run tar -czf site.tar.gz site
check_rc 0 "a gzip-compressed tar archive of a folder |ko| 폴더를 gzip으로 압축한 tar 아카이브를 만듭니다"
cat >Dockerfile.add <<'EOF2'
FROM debian:bookworm-slim
COPY site.tar.gz /copy/
ADD site.tar.gz /add/
EOF2
run cat Dockerfile.add
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.add -t "$ADD_IMG" .
track image "$ADD_IMG"
check_rc 0 "the image builds |ko| 이미지가 빌드됩니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$ADD_IMG" find /copy /add
check_out_match '^/copy/site\.tar\.gz$' "COPY: the archive is in the image as it is |ko| COPY: 아카이브가 그대로 이미지에 들어 있습니다"
check_out_lacks "/copy/site/" "COPY did not unpack it |ko| COPY는 압축을 풀지 않았습니다"
check_out_match '^/add/site/index\.html$' "ADD: the archive was unpacked (its folder and file are there) |ko| ADD: 아카이브의 압축이 풀렸습니다(폴더와 파일이 있습니다)"
check_out_lacks "/add/site.tar.gz" "ADD left no archive behind |ko| ADD는 아카이브 파일을 남기지 않았습니다"

step "EXPOSE publishes nothing: -p (or -P) does |ko| EXPOSE는 아무것도 게시하지 않음: 게시는 -p(또는 -P)가 함"
run docker image inspect -f '{{json .Config.ExposedPorts}}' "$SWAPI_IMAGE"
check_out_contains '"8000/tcp"' "the image says EXPOSE 8000 |ko| 이미지에 EXPOSE 8000이 있습니다"
# a host port nothing listens on, picked by Docker (lib.sh: free_host_port)
HOST_PORT=$(free_host_port)
[ -n "$HOST_PORT" ] || fatal "Docker could not pick a free host port (docker run -p 127.0.0.1::9 $TOOLBOX_IMAGE) |ko| Docker가 빈 호스트 포트를 고르지 못했습니다(docker run -p 127.0.0.1::9 $TOOLBOX_IMAGE)"
run docker run -d --name "$EXPOSE_C" --label "$EX_LABEL" "$SWAPI_IMAGE"
track container "$EXPOSE_C"
check_rc 0 "a container without -p |ko| -p 없이 실행한 컨테이너"
run docker port "$EXPOSE_C"
check_eq "$OUT" "" "docker port: nothing published |ko| docker port: 게시된 것이 없습니다"
run docker inspect -f '{{json .NetworkSettings.Ports}}' "$EXPOSE_C"
check_eq "$OUT" '{"8000/tcp":null}' "the port is known (exposed) but bound to no host port |ko| 포트는 알려져(노출되어) 있지만 어느 호스트 포트에도 바인딩되지 않았습니다"
run_host curl -s -o /dev/null --max-time 5 -w '%{http_code}\n' "http://localhost:$HOST_PORT/api/films/1/"
check_eq "$OUT" 000 "nothing answers on the host port (localhost:$HOST_PORT) |ko| 호스트 포트에서 아무것도 응답하지 않습니다(localhost:$HOST_PORT)"
run docker rm -f "$EXPOSE_C"
run docker run -d --name "$EXPOSE_C" --label "$EX_LABEL" -p "$HOST_PORT:8000" "$SWAPI_IMAGE"
check_rc 0 "the same image with -p $HOST_PORT:8000 |ko| 같은 이미지를 -p $HOST_PORT:8000 옵션으로 실행"
run docker port "$EXPOSE_C"
check_out_contains "8000/tcp -> 0.0.0.0:$HOST_PORT" "docker port: published |ko| docker port: 게시되었습니다"
wait_http_host "http://localhost:$HOST_PORT/api/films/1/" 200
check_rc 0 "the same host port answers now (HTTP 200) |ko| 이제 같은 호스트 포트가 응답합니다(HTTP 200)"
run docker rm -f "$EXPOSE_C"
say "-P (--publish-all) is what reads EXPOSE: every exposed port on a free host port Docker picks |ko| EXPOSE를 읽는 것은 -P(--publish-all)입니다. 노출된 모든 포트를 Docker가 고른 빈 호스트 포트에 게시합니다"
run docker run -d --name "$EXPOSE_C" --label "$EX_LABEL" -P "$SWAPI_IMAGE"
check_rc 0 "the same image with -P |ko| 같은 이미지를 -P 옵션으로 실행"
run docker port "$EXPOSE_C"
check_out_match '^8000/tcp -> 0\.0\.0\.0:[0-9]+$' "docker port: 8000 published on a port Docker picked |ko| docker port: 8000번이 Docker가 고른 포트에 게시되었습니다"
P_PORT=$(docker port "$EXPOSE_C" 8000/tcp 2>/dev/null | sed -n 's/^0\.0\.0\.0:\([0-9]*\)$/\1/p' | head -1)
wait_http_host "http://localhost:${P_PORT:-0}/api/films/1/" 200
check_rc 0 "it answers there |ko| 그 포트에서 응답합니다"
run docker rm -f "$EXPOSE_C"

step "your own toolbox: apt-get update, install and clean-up in ONE RUN |ko| 직접 만드는 toolbox: apt-get update, install, 정리를 RUN 하나에"
cat >Dockerfile.toolbox <<'EOF2'
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends iputils-ping iproute2 \
 && rm -rf /var/lib/apt/lists/*
EOF2
cat >Dockerfile.toolbox-two-runs <<'EOF2'
FROM debian:bookworm-slim
RUN apt-get update
RUN apt-get install -y --no-install-recommends iputils-ping iproute2
EOF2
run cat Dockerfile.toolbox
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.toolbox -t "$MY_TB" .
track image "$MY_TB"
check_rc 0 "the image builds (apt-get reaches the Debian mirror from docker build) |ko| 이미지가 빌드됩니다(docker build 안에서 apt-get이 Debian 미러에 접속됩니다)"
[ "$RC" -eq 0 ] || fatal "the toolbox image does not build (no Debian mirror reachable from docker build?) |ko| toolbox 이미지가 빌드되지 않습니다(docker build 안에서 Debian 미러에 접속할 수 없는 것은 아닌지 확인하세요)"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$MY_TB" ping -V
check_out_contains "ping from iputils" "ping is installed |ko| ping이 설치되어 있습니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$MY_TB" ip -V
check_out_contains "iproute2" "ip (iproute2, what replaces ifconfig) is installed |ko| ip(ifconfig를 대신하는 iproute2)가 설치되어 있습니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$MY_TB" ls -A /var/lib/apt/lists
check_rc 0 "the folder exists |ko| 폴더가 있습니다"
check_eq "$OUT" "" "/var/lib/apt/lists is empty: the package lists were deleted in the same RUN |ko| /var/lib/apt/lists 폴더가 비어 있습니다. 같은 RUN에서 패키지 목록을 지웠습니다"

step "the same with apt-get update in a RUN of its own (the notes' form): one layer more, bigger |ko| apt-get update를 별도의 RUN에 둔 같은 이미지(노트의 형태): 레이어가 하나 더 많고 더 큼"
run cat Dockerfile.toolbox-two-runs
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.toolbox-two-runs -t "$MY_TB:two-runs" .
track image "$MY_TB:two-runs"
check_rc 0 "the two-RUN image builds |ko| RUN이 두 개인 이미지가 빌드됩니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$MY_TB:two-runs" du -sh /var/lib/apt/lists
check_out_match '^[0-9.]+M' "the package lists stay in the image (megabytes) |ko| 패키지 목록이 이미지에 남습니다(몇 MB)"
run docker image inspect -f '{{len .RootFS.Layers}} layers, {{.Size}} bytes' "$MY_TB" "$MY_TB:two-runs"
ONE_LAYERS=$(inspect '{{len .RootFS.Layers}}' "$MY_TB")
TWO_LAYERS=$(inspect '{{len .RootFS.Layers}}' "$MY_TB:two-runs")
ONE_SIZE=$(inspect '{{.Size}}' "$MY_TB")
TWO_SIZE=$(inspect '{{.Size}}' "$MY_TB:two-runs")
ONE_H=$(human_bytes "$ONE_SIZE")
TWO_H=$(human_bytes "$TWO_SIZE")
DIFF_H=$(human_bytes $((TWO_SIZE - ONE_SIZE)))
check_eq "$TWO_LAYERS" "$((ONE_LAYERS + 1))" "two RUNs make one layer more |ko| RUN이 두 개면 레이어가 하나 더 생깁니다"
check_true "and a bigger image ($TWO_H vs $ONE_H: $DIFF_H of package lists) |ko| 이미지도 더 큽니다($TWO_H 대 $ONE_H: 패키지 목록 $DIFF_H)" -- test "$TWO_SIZE" -gt $((ONE_SIZE + 1000000))
run docker history --format '{{.Size}}\t{{.CreatedBy}}' "$MY_TB:two-runs"
check_out_match '^[0-9.]+MB	RUN .*apt-get update' "docker history: the update has a layer of its own, megabytes big |ko| docker history: update에는 별도의 레이어가 있고, 크기는 몇 MB입니다"

step "add a package to the install line: the separate apt-get update stays CACHED (stale lists) |ko| install 줄에 패키지 추가: 따로 떨어진 apt-get update는 계속 CACHED(낡은 목록)"
track image "$(image_id "$MY_TB:two-runs")"   # left dangling by the rebuild
sed_i 's/iproute2$/iproute2 netcat-openbsd/' Dockerfile.toolbox-two-runs
run cat Dockerfile.toolbox-two-runs
run_build --progress=plain --label "$EX_LABEL" -f Dockerfile.toolbox-two-runs -t "$MY_TB:two-runs" .
check_rc 0 "the rebuild works (today: the cached lists are minutes old) |ko| 다시 빌드됩니다(지금은 캐시된 목록이 받은 지 몇 분밖에 되지 않았습니다)"
check_eq "$(build_step_state 'RUN apt-get update$')" CACHED "RUN apt-get update comes from the cache: its line did not change |ko| RUN apt-get update는 캐시에서 옵니다. 그 줄이 바뀌지 않았기 때문입니다"
check_ne "$(build_step_state 'RUN apt-get install .*netcat-openbsd')" MISSING "the changed install line is a step of the build |ko| 바뀐 install 줄은 빌드의 한 단계입니다"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$MY_TB:two-runs" sh -c 'command -v nc'
check_out_contains "/usr/bin/nc" "the new package was installed from the lists of the first build |ko| 새 패키지는 첫 빌드 때 받은 목록으로 설치되었습니다"
say "months later those lists name package versions the mirror no longer has: the install fails (404). |ko| 몇 달 뒤에는 그 목록에 적힌 패키지 버전이 미러에 더 이상 없어서 설치가 실패합니다(404)."
say "in one RUN a change to the package list runs the update again, with it |ko| RUN 하나에 담으면 패키지 목록을 바꿀 때 update도 함께 다시 실행됩니다"

step "the model answer: the project's toolbox (exercises/toolbox/Dockerfile) |ko| 모범 답안: 이 프로젝트의 toolbox(exercises/toolbox/Dockerfile)"
run grep -n -A4 '^RUN' "$EX_ROOT/exercises/toolbox/Dockerfile"
check_eq "$(grep -c '^RUN' "$EX_ROOT/exercises/toolbox/Dockerfile")" 1 "one RUN |ko| RUN이 하나입니다"
check_out_contains "apt-get update" "it updates the lists ... |ko| 목록을 업데이트하고 ..."
check_out_contains "apt-get install -y --no-install-recommends" "... installs without the recommended extras ... |ko| ... 권장 패키지 없이 설치하고 ..."
check_out_contains "rm -rf /var/lib/apt/lists/*" "... and deletes the lists, all in that RUN |ko| ... 목록을 지웁니다. 모두 그 RUN 하나에서"
run docker run --rm --name "$(ex_name run)" --label "$EX_LABEL" "$TOOLBOX_IMAGE" ls -A /var/lib/apt/lists
check_eq "$OUT" "" "$TOOLBOX_IMAGE: no package lists in the image |ko| $TOOLBOX_IMAGE: 이미지에 패키지 목록이 없습니다"

# ================================================================ part 5: the notes' MySQL image, today
# The notes' `FROM mysql:5.7.8` + apt-get, written FROM MariaDB's official image (today's mysql
# images are Oracle Linux, without apt-get: ERRATA 53): MARIADB_IMAGE (default mariadb:11; where
# nothing can be pulled, the CI's stand-in goals-ci-mariadb, docker/ci/mariadb). The page's
# Dockerfile says FROM mariadb:11; the check's says FROM $MARIADB_IMAGE.
MARIADB_IMAGE=${MARIADB_IMAGE:-mariadb:11}
MYSQL_DIR=$EX_TMP/mysql-custom
MYSQL_IMG=$(ex_name mysql-custom)
DB=$(ex_name db)
BOX=$(ex_name box)
# a database's first start (initialisation, then the real server) may take longer than EX_WAIT
DB_WAIT=60
[ "$EX_WAIT" -gt "$DB_WAIT" ] && DB_WAIT=$EX_WAIT
# volume_gone NAME: no volume NAME exists (any more)
volume_gone() { ! docker volume inspect "$1" >/dev/null 2>&1; }
mkdir -p "$MYSQL_DIR"
cd "$MYSQL_DIR" || fatal "no $MYSQL_DIR |ko| $MYSQL_DIR 폴더가 없습니다"

step "the notes' MySQL image, today: FROM $MARIADB_IMAGE, apt-get in one RUN |ko| 노트의 MySQL 이미지를 요즘 방식으로: FROM $MARIADB_IMAGE, RUN 하나에 담은 apt-get"
if ! docker image inspect "$MARIADB_IMAGE" >/dev/null 2>&1; then
  _tr "(pulling $MARIADB_IMAGE) |ko| ($MARIADB_IMAGE 이미지를 받는 중)"; printf '%s\n' "  $_T"
  _timeout 300 docker pull -q "$MARIADB_IMAGE" >/dev/null 2>&1 \
    || fatal "the image $MARIADB_IMAGE is not here and cannot be pulled: is this machine online (docker pull $MARIADB_IMAGE)? |ko| $MARIADB_IMAGE 이미지가 없고 받을 수도 없습니다. 인터넷에 연결되어 있는지 확인하세요(docker pull $MARIADB_IMAGE)"
fi
say "today's mysql images (mysql:8.4, mysql:9, mysql) are Oracle Linux: the notes' RUN apt-get stops with 'apt-get: command not found' |ko| 지금의 mysql 이미지(mysql:8.4, mysql:9, mysql)는 Oracle Linux 기반이라 노트의 RUN apt-get은 'apt-get: command not found'로 멈춥니다"
say "MariaDB, a MySQL-compatible server whose image keeps apt-get and reads MYSQL_ROOT_PASSWORD, stands in for MySQL here |ko| 여기서는 MySQL 대신 MariaDB를 씁니다. MySQL 호환 서버이고, 이미지에 apt-get이 있으며 MYSQL_ROOT_PASSWORD를 읽습니다"
cat >Dockerfile <<'EOF2'
FROM mariadb:11
RUN apt-get update \
 && apt-get install -y --no-install-recommends net-tools iputils-ping \
 && rm -rf /var/lib/apt/lists/*
EOF2
sed "s|^FROM mariadb:11\$|FROM $MARIADB_IMAGE|" Dockerfile >"$EX_TMP/Dockerfile.from" && mv "$EX_TMP/Dockerfile.from" Dockerfile
run cat Dockerfile
run_build --progress=plain --label "$EX_LABEL" -t "$MYSQL_IMG" .
track image "$MYSQL_IMG"
check_rc 0 "the image builds: apt-get installs net-tools and iputils-ping FROM $MARIADB_IMAGE |ko| 이미지가 빌드됩니다. apt-get이 $MARIADB_IMAGE 위에 net-tools와 iputils-ping을 설치합니다"
[ "$RC" -eq 0 ] || fatal "the image does not build FROM $MARIADB_IMAGE (is it Debian or Ubuntu, with apt-get? a Debian or Ubuntu mirror reachable from docker build?) |ko| $MARIADB_IMAGE 이미지로 빌드되지 않습니다(apt-get이 있는 Debian이나 Ubuntu 기반 이미지인지, docker build 안에서 미러에 접속되는지 확인하세요)"

step "docker run --name db -e MYSQL_ROOT_PASSWORD=1234 -p 3306:3306 -d mysql-custom |ko| docker run --name db -e MYSQL_ROOT_PASSWORD=1234 -p 3306:3306 -d mysql-custom 실행"
say "the page publishes 3306:3306; here on a free host port Docker picks, so a MySQL of yours on 3306 is not in the way |ko| 페이지에서는 3306:3306으로 게시하지만, 여기서는 Docker가 고른 빈 호스트 포트에 게시하므로 호스트 머신의 3306번 포트를 MySQL이 쓰고 있어도 부딪히지 않습니다"
run docker run --name "$DB" --label "$EX_LABEL" -e MYSQL_ROOT_PASSWORD=1234 -p 127.0.0.1::3306 -d "$MYSQL_IMG"
track container "$DB"
check_rc 0 "the database container starts |ko| 데이터베이스 컨테이너가 시작됩니다"
# its data: an anonymous volume (the image's VOLUME /var/lib/mysql), removed after the container
DB_VOLUME=$(inspect '{{range .Mounts}}{{if eq .Destination "/var/lib/mysql"}}{{.Name}}{{end}}{{end}}' "$DB")
[ -n "$DB_VOLUME" ] && track volume "$DB_VOLUME"
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' "$DB"
check_out_contains "volume /var/lib/mysql" "its data: a volume on /var/lib/mysql, anonymous (the image's VOLUME) |ko| 데이터는 /var/lib/mysql에 마운트된 익명 볼륨에 있습니다(이미지의 VOLUME)"

step "docker exec db ifconfig: the container's address on the default bridge |ko| docker exec db ifconfig: 기본 브리지에서 컨테이너가 받은 주소"
DB_IP=$(inspect '{{.NetworkSettings.IPAddress}}' "$DB")
run docker exec "$DB" ifconfig
check_rc 0 "ifconfig runs in the container (net-tools, installed by the Dockerfile) |ko| 컨테이너 안에서 ifconfig가 실행됩니다(Dockerfile이 설치한 net-tools)"
check_out_match '^eth0: ' "it lists eth0 |ko| eth0이 목록에 있습니다"
check_out_contains "inet $DB_IP " "with the address docker inspect gives ($DB_IP) |ko| docker inspect가 알려 주는 것과 같은 주소($DB_IP)가 나옵니다"

step "ping from db: another container on the default bridge, by its address |ko| db에서 ping: 기본 브리지의 다른 컨테이너에 주소로"
run docker run -d --name "$BOX" --label "$EX_LABEL" debian:bookworm-slim sleep infinity
track container "$BOX"
check_rc 0 "a second container on the default bridge |ko| 기본 브리지에 두 번째 컨테이너를 띄웁니다"
run docker inspect -f '{{.NetworkSettings.IPAddress}}' "$BOX"
BOX_IP=$OUT
check_out_match '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' "docker inspect gives its address |ko| docker inspect가 그 컨테이너의 주소를 알려 줍니다"
run docker exec "$DB" ping -c 1 "$BOX_IP"
check_rc 0 "db pings $BOX at its address $BOX_IP (iputils-ping, installed by the Dockerfile) |ko| db에서 $BOX 컨테이너의 주소 $BOX_IP에 ping이 성공합니다(Dockerfile이 설치한 iputils-ping)"
check_out_contains "1 received" "one packet sent, one received |ko| 패킷 하나를 보내고 하나를 받았습니다"
run docker exec "$DB" ping -c 1 "$BOX"
check_rc nonzero "by its name it does not work: on the default bridge names do not resolve |ko| 이름으로는 되지 않습니다. 기본 브리지에서는 이름 확인이 되지 않습니다"

step "wait until the database answers, then ask it something |ko| 데이터베이스가 응답할 때까지 기다린 뒤 쿼리 보내기"
say "its first start sets up the database with a temporary server on its socket only: wait until it answers over TCP (-h 127.0.0.1) |ko| 처음 시작할 때는 소켓에서만 수신 대기하는 임시 서버로 데이터베이스를 준비하므로, TCP(-h 127.0.0.1)로 응답할 때까지 기다립니다"
_command_line "$(_m "repeated until it answers, at most $DB_WAIT s" "응답할 때까지 반복, 최대 ${DB_WAIT}초")" docker exec "$DB" mariadb -h 127.0.0.1 -uroot -p1234 -e 'SELECT 1'
_poll ok '' "$DB_WAIT" 0.5 docker exec "$DB" mariadb -h 127.0.0.1 -uroot -p1234 -e 'SELECT 1'
if [ "$RC" = 0 ]; then printf '%s\n' "    $(_m answered 응답함) $(_after)"; else printf '%s\n' "    $(_m "no answer" "응답 없음") $(_after)"; fi
check_rc 0 "the server answers over TCP |ko| 서버가 TCP로 응답합니다"
[ "$RC" -eq 0 ] || run docker logs --tail 15 "$DB"
run docker exec "$DB" mariadb -uroot -p1234 -e 'SELECT VERSION()'
check_rc 0 "SELECT VERSION() as root with the password of docker run (MYSQL_ROOT_PASSWORD=1234) |ko| root 사용자와 docker run에서 준 비밀번호(MYSQL_ROOT_PASSWORD=1234)로 SELECT VERSION()을 실행합니다"
check_out_match '^[0-9]+\.[0-9]+\.[0-9]+-MariaDB' "the answer: the server's version |ko| 서버 버전이 응답으로 나옵니다"
run docker exec "$DB" mariadb -uroot -pwrong -e 'SELECT 1'
check_rc nonzero "a wrong password is refused |ko| 틀린 비밀번호는 거부됩니다"
check_out_contains "Access denied" "with the server's error: Access denied |ko| 서버의 오류는 Access denied입니다"

step "-p: a client on the host's network, through the published port |ko| -p: 호스트의 네트워크에 있는 클라이언트가 게시된 포트로 접속"
DB_PORT=$(published "$DB" 3306)
run docker port "$DB" 3306
check_out_match '^127\.0\.0\.1:[0-9]+$' "3306 is published on 127.0.0.1, on a port Docker picked |ko| 3306번 포트가 127.0.0.1에서 Docker가 고른 포트로 게시되었습니다"
run docker run --rm --name "$(ex_name client)" --label "$EX_LABEL" --network host "$MYSQL_IMG" mariadb -h 127.0.0.1 -P "${DB_PORT:-0}" -uroot -p1234 -e 'SELECT 1'
check_rc 0 "the image's own client, on the host's network, logs in through 127.0.0.1:$DB_PORT |ko| 이미지에 든 클라이언트가 호스트의 네트워크에서 게시된 포트(127.0.0.1:$DB_PORT)로 로그인합니다"

step "without a password the image does not start |ko| 비밀번호가 없으면 이미지가 시작하지 않음"
run docker run --rm --name "$(ex_name nopass)" --label "$EX_LABEL" "$MYSQL_IMG"
track container "$(ex_name nopass)"
check_rc nonzero "docker run without MYSQL_ROOT_PASSWORD ends at once |ko| MYSQL_ROOT_PASSWORD 없이 docker run을 하면 곧바로 끝납니다"
check_out_contains "password option is not specified" "the start script says why |ko| 시작 스크립트가 이유를 알려 줍니다"

step "clean up as the page does: docker rm -f -v, the containers with the database's anonymous volume |ko| 페이지처럼 정리: docker rm -f -v로 컨테이너와 데이터베이스의 익명 볼륨을 함께 삭제"
run docker rm -f -v "$DB" "$BOX"
check_rc 0 "both containers removed |ko| 두 컨테이너가 삭제되었습니다"
DB_VOL_SHORT=$(printf '%s' "$DB_VOLUME" | cut -c1-12)
check_true "-v removed the anonymous volume ($DB_VOL_SHORT…) with db |ko| -v 옵션으로 익명 볼륨($DB_VOL_SHORT…)도 db와 함께 삭제되었습니다" -- volume_gone "${DB_VOLUME:-none}"
