#!/usr/bin/env bash
# Check of exercises/images/07-images-and-layers.md: instruction order and the layer cache (a
# Rust crate's dependency layer), what .dockerignore does to the build context (size, time,
# content), docker history / docker image inspect of the project's images, shared base layers;
# then ENTRYPOINT and CMD, COPY and ADD, EXPOSE (publishes nothing), and a toolbox image written
# with apt-get in one RUN, compared with the notes' separate RUNs (layers, size, stale cache).
#
# Own helpers (defined here, not in lib.sh): run_build (a docker build shown like `run`, with its
# plain progress streamed as it comes), build_step_state, context_bytes, human_bytes.
. "$(dirname "$0")/../lib.sh"
ex_begin 07 "images and layers: cache order, .dockerignore, history, Dockerfile instructions"
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
  local log=$EX_TMP/build.log t0 line
  local -A steps=()
  echo "${C_CMD}\$ $(_show docker build "$@")${C_OFF}"
  t0=$(_now)
  timeout "$EX_BUILD_TIMEOUT" docker build "$@" 2>&1 | tr '\r' '\n' | tee "$log" | while IFS= read -r line; do
    if [[ $line =~ ^(#[0-9]+)\ \[[0-9]+/[0-9]+\] ]]; then
      steps[${BASH_REMATCH[1]}]=1; echo "    $line"
    elif [[ $line =~ ^(#[0-9]+)\ (CACHED|DONE|ERROR) ]]; then
      [ -n "${steps[${BASH_REMATCH[1]}]:-}" ] && echo "    $line"
    elif [[ $line =~ ^(#[0-9]+)\ \[internal\]\ load\ build\ context ]]; then
      steps[context]=${BASH_REMATCH[1]}
    elif [[ $line =~ ^(#[0-9]+)\ transferring\ context:.*done ]]; then
      [ "${steps[context]:-}" = "${BASH_REMATCH[1]}" ] && echo "    $line"
    elif [[ $line =~ (Compiling|Finished|error|ERROR) ]]; then
      echo "    $line"
    fi
  done
  RC=${PIPESTATUS[0]}
  BUILD_SECS=$(_secs "$t0")
  OUT=$(_plain <"$log")
  [ "$RC" = 124 ] && echo "    ${C_FAIL}(still running after $EX_BUILD_TIMEOUT s: stopped)${C_OFF}"
  [ "$RC" -ne 0 ] && { echo "    ${C_DIM}(exit code $RC; last lines:)${C_OFF}"; tail -15 "$log" | sed 's/^/    /'; }
  echo "    ${C_DIM}(build took $BUILD_SECS s)${C_OFF}"
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

# ================================================================ part 1: the layer cache
step "a tiny Rust crate with one crates.io dependency (serde_json)"
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
sed -i "s|^FROM rust:1-bookworm|FROM $RUST_BASE|" "$DEMO"/Dockerfile.*
say "files written to $DEMO (the same as on the page)"
run cat "$DEMO/Dockerfile.ordered"
say "Cargo.lock pins the dependency versions; made in a container, so no Rust is needed on your machine"
run docker run --rm --name "$(ex_name lockfile)" "${EX_LABEL_ARGS[@]}" -v "$DEMO:/app" -w /app "$RUST_BASE" cargo generate-lockfile
track container "$(ex_name lockfile)"
check_rc 0 "cargo generate-lockfile (crates.io reached from a container)"
check_true "Cargo.lock pins serde_json" -- grep -q '^name = "serde_json"' "$DEMO/Cargo.lock"
cd "$DEMO" || fatal "no $DEMO"

step "first build of both (cold the first time: each compiles serde_json; later runs: cached)"
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.naive -t "$NAIVE" .
track image "$NAIVE"
check_rc 0 "the naive image builds"
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.ordered -t "$ORDERED" .
track image "$ORDERED"
check_rc 0 "the ordered image builds"
[ "$RC" -eq 0 ] || fatal "the demo images do not build (crates.io unreachable from docker build?)"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$ORDERED"
check_out_contains '"text":"Learn Docker layers"' "the program runs"

# the rebuilds below move the tags to new images: remember these first ones for the cleanup
# (they would be left behind as dangling <none> images)
track image "$(docker image inspect -f '{{.Id}}' "$NAIVE")"
track image "$(docker image inspect -f '{{.Id}}' "$ORDERED")"

step "change one line of src/main.rs, rebuild both"
EDIT="Learn Docker layers, edit $(date +%H%M%S)-$$"
say "a text no earlier run used, so neither build can reuse a layer built from this source"
run sed -i "s/Learn Docker layers/$EDIT/" src/main.rs
run grep -n edit src/main.rs
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.naive -t "$NAIVE" .
NAIVE_SECS=$BUILD_SECS
check_rc 0 "the naive rebuild works"
check_eq "$(build_step_state 'COPY \. \.')" RAN "naive: COPY . . is not cached (a file in the context changed)"
check_eq "$(build_step_state 'RUN cargo build')" RAN "naive: so RUN cargo build runs again"
check_out_contains "Compiling serde_json" "naive: and compiles the dependency again"
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.ordered -t "$ORDERED" .
ORDERED_SECS=$BUILD_SECS
check_rc 0 "the ordered rebuild works"
check_eq "$(build_step_state 'COPY Cargo\.toml Cargo\.lock')" CACHED "ordered: COPY Cargo.toml Cargo.lock is CACHED (the manifests did not change)"
check_eq "$(build_step_state 'RUN mkdir src')" CACHED "ordered: the dependency step is CACHED"
check_eq "$(build_step_state 'RUN touch src/main.rs')" RAN "ordered: only the last step compiles (our crate)"
check_out_lacks "Compiling serde_json" "ordered: serde_json is not compiled again"
if [ "$(build_step_state 'WORKDIR /app')" = RAN ]; then
  say "NOTE: even 'WORKDIR /app' was not taken from the cache, so the builder ignored its cache"
  say "altogether. Seen with Engine 20.10's BuildKit while another build FROM the same image runs"
  say "at the same time; run the check again when no other build is running, or with RUST_BASE=rust:1"
fi
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$NAIVE"
check_out_contains "$EDIT" "the naive image has the change"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$ORDERED"
check_out_contains "$EDIT" "the ordered image has the change"
RATIO=$(awk -v a="$NAIVE_SECS" -v b="$ORDERED_SECS" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }')
echo
printf '  %-30s %8s\n' "rebuild after a one-line change" "time"
printf '  %-30s %6s s\n' "naive   (COPY . . first)" "$NAIVE_SECS" "ordered (manifests first)" "$ORDERED_SECS"
echo "  measured: the naive rebuild took ${RATIO}x as long (not asserted: timings vary with the machine)"

step "docker history: the dependency layer of the ordered image"
run docker history --format '{{.Size}}\t{{.CreatedBy}}' "$ORDERED"
check_out_match 'RUN .*mkdir src' "the dependency layer is one of the image's layers"
check_out_match 'COPY src \./src' "the sources come after it, in their own layer"
say "the project's docker/Dockerfile does the same with cargo-chef: 'cargo chef prepare' (recipe of the manifests), 'cargo chef cook' (the dependency layer), then the sources"
run grep -nE '^RUN.*cargo chef|^\s+cargo chef (prepare|cook)' "$EX_ROOT/docker/Dockerfile"
check_out_contains "cargo chef cook" "docker/Dockerfile cooks the dependencies in their own layer"

# ================================================================ part 2: .dockerignore
step "a project with a big target/ and .git (${EX_FAKE_TARGET_MB} MB of fake build output)"
mkdir -p "$BIG/src" "$BIG/target/debug/deps" "$BIG/.git/objects/pack"
echo 'fn main() { println!("hello"); }' >"$BIG/src/main.rs"
printf '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n' >"$BIG/Cargo.toml"
echo 'DB_PASSWORD=not-for-images' >"$BIG/.env"
say "writing the fake files (zeros: the same content every run)"
for i in $(seq 1 $((EX_FAKE_TARGET_MB / 40))); do
  head -c 40000000 /dev/zero >"$BIG/target/debug/deps/libfake$i.rlib"
done
head -c 8000000 /dev/zero >"$BIG/.git/objects/pack/pack-fake.pack"
printf 'FROM debian:bookworm-slim\nCOPY . /ctx\nRUN du -sh /ctx\n' >"$BIG/Dockerfile"
cd "$BIG" || fatal "no $BIG"
run du -sh --apparent-size target .git src
run cat Dockerfile

step "build WITHOUT a .dockerignore: everything is sent to the builder"
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -t "$CTX_ALL" .
track image "$CTX_ALL"
ALL_SECS=$BUILD_SECS
ALL_BYTES=$(context_bytes)
check_rc 0 "the image builds"
check_true "the context sent is over $((EX_FAKE_TARGET_MB * 9 / 10)) MB ($(human_bytes "$ALL_BYTES"))" -- test "$ALL_BYTES" -gt $((EX_FAKE_TARGET_MB * 900000))
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$CTX_ALL" sh -c 'du -sh /ctx; ls -A /ctx'
check_out_contains target "target/ is in the image"
check_out_contains .git ".git is in the image"
check_out_contains .env ".env (a password!) is in the image"

step "the same build WITH a .dockerignore (in a fresh copy of the folder)"
say "a copy, because BuildKit sends a folder it has seen before incrementally (only what changed),"
say "which would hide the difference; the first build of a folder (a fresh clone, CI) sends it all"
run cp -a "$BIG" "$BIG-ignored"
cd "$BIG-ignored" || fatal "no $BIG-ignored"
printf 'target/\n.git\n.env\n' >.dockerignore
run cat .dockerignore
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -t "$CTX_IGN" .
track image "$CTX_IGN"
IGN_SECS=$BUILD_SECS
IGN_BYTES=$(context_bytes)
check_rc 0 "the image builds"
check_true "the context sent is under 1 MB ($(human_bytes "$IGN_BYTES"))" -- test "$IGN_BYTES" -lt 1000000
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$CTX_IGN" sh -c 'du -sh /ctx; ls -A /ctx'
check_out_lacks target "target/ is not in the image"
check_out_lacks .git ".git is not in the image"
check_out_lacks .env ".env is not in the image"
check_out_contains src "the sources are"
check_out_contains .dockerignore ".dockerignore itself is sent (ignore it too if you like)"
echo
printf '  %-26s %12s %10s\n' "" "context sent" "build"
printf '  %-26s %12s %8s s\n' "without .dockerignore" "$(human_bytes "$ALL_BYTES")" "$ALL_SECS" \
  "with .dockerignore" "$(human_bytes "$IGN_BYTES")" "$IGN_SECS"
say "measured, not asserted: the time saved grows with the size of target/ (often GBs in a Rust project)"

step "the project's own .dockerignore keeps target/, .git and .env out"
run grep -nxE 'target/|\*\*/target/|\.git/?|\.env|\*\*/\.env|env/' "$EX_ROOT/.dockerignore"
check_out_match ':target/$' "target/ is ignored"
check_out_match ':\.git/?$' ".git is ignored"
check_out_match ':\.env$' ".env is ignored"
check_out_match ':env/$' "env/ (the demo passwords) is ignored"
say "proof: copy the project's context into a throw-away image and look"
printf 'FROM debian:bookworm-slim\nCOPY . /ctx\n' >"$EX_TMP/Dockerfile.project-context"
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f "$EX_TMP/Dockerfile.project-context" -t "$PROJ_CTX" "$EX_ROOT"
track image "$PROJ_CTX"
check_rc 0 "the project's directory as a build context"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$PROJ_CTX" sh -c 'ls -A /ctx; find /ctx -name target -o -name .git -o -name .env -o -path /ctx/env | sed "s/^/found: /"'
check_out_contains Cargo.toml "the sources and manifests are there"
check_out_lacks "found:" "no target/, .git, .env or env/ anywhere in it"

# ================================================================ part 3: history, inspect
step "docker history of goals-backend: one line per layer, newest first"
run docker history "$BACKEND_IMAGE"
check_rc 0 "docker history $BACKEND_IMAGE"
run docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$BACKEND_IMAGE"
check_out_match 'USER 65532' "a USER line (non-root)"
check_out_match 'EXPOSE (map\[)?80' "an EXPOSE 80 line"
check_out_match 'ENV .*PORT=80' "ENV defaults"
check_out_match '^[0-9.]+[kM]B	COPY .*/backend' "the binary's COPY layer, with its size"

step "docker image inspect: user, ports, environment"
run docker image inspect -f 'User={{.Config.User}} Ports={{json .Config.ExposedPorts}}' "$BACKEND_IMAGE"
USER_=$(inspect '{{.Config.User}}' "$BACKEND_IMAGE")
check_true "Config.User is set and not root (\"$USER_\")" -- test -n "$USER_" -a "${USER_%%:*}" != 0 -a "${USER_%%:*}" != root
check_out_contains '"80/tcp"' "ExposedPorts has 80/tcp"
run docker image inspect -f '{{json .Config.Env}}' "$BACKEND_IMAGE"
check_out_contains MONGODB_USERNAME "non-secret defaults are baked in"
check_out_lacks PASSWORD "no password in the image's environment (it comes at run time)"

step "layers shared by goals-backend and goals-favorites"
run docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$BACKEND_IMAGE"
B_LAYERS=$OUT
run docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$FAVORITES_IMAGE"
F_LAYERS=$OUT
SHARED=$(comm -12 <(sort <<<"$B_LAYERS") <(sort <<<"$F_LAYERS") | grep -c sha256)
B_N=$(grep -c sha256 <<<"$B_LAYERS")
F_N=$(grep -c sha256 <<<"$F_LAYERS")
PREFIX=$(paste -d' ' <(head -n "$SHARED" <<<"$B_LAYERS") <(head -n "$SHARED" <<<"$F_LAYERS") | awk '$1 == $2' | wc -l)
echo "  backend: $B_N layers, favorites: $F_N layers, shared: $SHARED (the first $PREFIX of each)"
check_true "they share their base layers ($SHARED)" -- test "$SHARED" -ge 1
check_eq "$PREFIX" "$SHARED" "the shared layers are the bottom ones, in the same order (the same FROM)"
check_true "and differ above them (each has its own binary)" -- test "$SHARED" -lt "$B_N" -a "$SHARED" -lt "$F_N"
say "a shared layer is stored once on disk and pulled once: docker system df -v shows SHARED SIZE"

# ================================================================ part 4: Dockerfile instructions
# ENTRYPOINT and CMD, COPY and ADD, EXPOSE (publishes nothing), and a toolbox image of your own
# (apt-get in one RUN), in a folder of small Dockerfiles FROM debian:bookworm-slim.
DEMO2=$EX_TMP/dockerfile-demo
ENTRY=$(ex_name entry-demo)
ADD_IMG=$(ex_name add-demo)
MY_TB=$(ex_name my-toolbox)
EXPOSE_C=$(ex_name expose-demo)
mkdir -p "$DEMO2"
cd "$DEMO2" || fatal "no $DEMO2"

step "ENTRYPOINT and CMD: the program and its default arguments"
cat >Dockerfile.entrypoint <<'EOF2'
FROM debian:bookworm-slim
ENTRYPOINT ["echo", "entrypoint says:"]
CMD ["hello", "from CMD"]
EOF2
run cat Dockerfile.entrypoint
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.entrypoint -t "$ENTRY" .
track image "$ENTRY"
check_rc 0 "the image builds"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$ENTRY"
check_eq "$OUT" "entrypoint says: hello from CMD" "no arguments: ENTRYPOINT runs with CMD as its arguments"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$ENTRY" bye
check_eq "$OUT" "entrypoint says: bye" "words after the image name replace CMD, the ENTRYPOINT stays"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" --entrypoint echo "$ENTRY" another program
check_eq "$OUT" "another program" "--entrypoint replaces the ENTRYPOINT"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" --entrypoint echo "$ENTRY"
check_eq "$OUT" "" "--entrypoint also drops the image's CMD (echo prints an empty line)"
run docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$ENTRY"
check_eq "$OUT" '["echo","entrypoint says:"] ["hello","from CMD"]' "docker image inspect shows both"
say "without an ENTRYPOINT (debian:bookworm-slim has only CMD [\"bash\"]) the words are the whole command"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" debian:bookworm-slim echo the whole command replaced
check_eq "$OUT" "the whole command replaced" "the image's CMD is replaced by the words after the image name"

step "COPY and ADD: ADD unpacks a local tar archive, COPY copies it as it is"
mkdir -p site && echo '<h1>hello</h1>' >site/index.html
run tar -czf site.tar.gz site
check_rc 0 "a gzip-compressed tar archive of a folder"
cat >Dockerfile.add <<'EOF2'
FROM debian:bookworm-slim
COPY site.tar.gz /copy/
ADD site.tar.gz /add/
EOF2
run cat Dockerfile.add
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.add -t "$ADD_IMG" .
track image "$ADD_IMG"
check_rc 0 "the image builds"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$ADD_IMG" find /copy /add
check_out_match '^/copy/site\.tar\.gz$' "COPY: the archive is in the image as it is"
check_out_lacks "/copy/site/" "COPY did not unpack it"
check_out_match '^/add/site/index\.html$' "ADD: the archive was unpacked (its folder and file are there)"
check_out_lacks "/add/site.tar.gz" "ADD left no archive behind"

step "EXPOSE publishes nothing: -p (or -P) does"
run docker image inspect -f '{{json .Config.ExposedPorts}}' "$SWAPI_IMAGE"
check_out_contains '"8000/tcp"' "the image says EXPOSE 8000"
HOST_PORT=$(free_port)
run docker run -d --name "$EXPOSE_C" "${EX_LABEL_ARGS[@]}" "$SWAPI_IMAGE"
track container "$EXPOSE_C"
check_rc 0 "a container without -p"
run docker port "$EXPOSE_C"
check_eq "$OUT" "" "docker port: nothing published"
run docker inspect -f '{{json .NetworkSettings.Ports}}' "$EXPOSE_C"
check_eq "$OUT" '{"8000/tcp":null}' "the port is known (exposed) but bound to no host port"
run curl -s -o /dev/null --max-time 5 -w '%{http_code}\n' "http://localhost:$HOST_PORT/api/films/1/"
check_eq "$OUT" 000 "nothing answers on the host port (localhost:$HOST_PORT)"
run docker rm -f "$EXPOSE_C"
run docker run -d --name "$EXPOSE_C" "${EX_LABEL_ARGS[@]}" -p "$HOST_PORT:8000" "$SWAPI_IMAGE"
check_rc 0 "the same image with -p $HOST_PORT:8000"
run docker port "$EXPOSE_C"
check_out_contains "8000/tcp -> 0.0.0.0:$HOST_PORT" "docker port: published"
wait_http "http://localhost:$HOST_PORT/api/films/1/" 200 ""
check_rc 0 "the same host port answers now (HTTP 200)"
run docker rm -f "$EXPOSE_C"
say "-P (--publish-all) is what reads EXPOSE: every exposed port on a free host port Docker picks"
run docker run -d --name "$EXPOSE_C" "${EX_LABEL_ARGS[@]}" -P "$SWAPI_IMAGE"
check_rc 0 "the same image with -P"
run docker port "$EXPOSE_C"
check_out_match '^8000/tcp -> 0\.0\.0\.0:[0-9]+$' "docker port: 8000 published on a port Docker picked"
P_PORT=$(docker port "$EXPOSE_C" 8000/tcp 2>/dev/null | sed -n 's/^0\.0\.0\.0:\([0-9]*\)$/\1/p' | head -1)
wait_http "http://localhost:${P_PORT:-0}/api/films/1/" 200 ""
check_rc 0 "it answers there"
run docker rm -f "$EXPOSE_C"

step "your own toolbox: apt-get update, install and clean-up in ONE RUN"
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
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.toolbox -t "$MY_TB" .
track image "$MY_TB"
check_rc 0 "the image builds (apt-get reaches the Debian mirror from docker build)"
[ "$RC" -eq 0 ] || fatal "the toolbox image does not build (no Debian mirror reachable from docker build?)"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$MY_TB" ping -V
check_out_contains "ping from iputils" "ping is installed"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$MY_TB" ip -V
check_out_contains "iproute2" "ip (iproute2, what replaces ifconfig) is installed"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$MY_TB" ls -A /var/lib/apt/lists
check_rc 0 "the folder exists"
check_eq "$OUT" "" "/var/lib/apt/lists is empty: the package lists were deleted in the same RUN"

step "the same with apt-get update in a RUN of its own (the notes' form): one layer more, bigger"
run cat Dockerfile.toolbox-two-runs
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.toolbox-two-runs -t "$MY_TB:two-runs" .
track image "$MY_TB:two-runs"
check_rc 0 "the two-RUN image builds"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$MY_TB:two-runs" du -sh /var/lib/apt/lists
check_out_match '^[0-9.]+M' "the package lists stay in the image (megabytes)"
run docker image inspect -f '{{len .RootFS.Layers}} layers, {{.Size}} bytes' "$MY_TB" "$MY_TB:two-runs"
ONE_LAYERS=$(inspect '{{len .RootFS.Layers}}' "$MY_TB")
TWO_LAYERS=$(inspect '{{len .RootFS.Layers}}' "$MY_TB:two-runs")
ONE_SIZE=$(inspect '{{.Size}}' "$MY_TB")
TWO_SIZE=$(inspect '{{.Size}}' "$MY_TB:two-runs")
check_eq "$TWO_LAYERS" "$((ONE_LAYERS + 1))" "two RUNs make one layer more"
check_true "and a bigger image ($(human_bytes "$TWO_SIZE") vs $(human_bytes "$ONE_SIZE"): $(human_bytes $((TWO_SIZE - ONE_SIZE))) of package lists)" -- test "$TWO_SIZE" -gt $((ONE_SIZE + 1000000))
run docker history --format '{{.Size}}\t{{.CreatedBy}}' "$MY_TB:two-runs"
check_out_match '^[0-9.]+MB	RUN .*apt-get update' "docker history: the update has a layer of its own, megabytes big"

step "add a package to the install line: the separate apt-get update stays CACHED (stale lists)"
track image "$(docker image inspect -f '{{.Id}}' "$MY_TB:two-runs")"   # left dangling by the rebuild
run sed -i 's/iproute2$/iproute2 netcat-openbsd/' Dockerfile.toolbox-two-runs
run cat Dockerfile.toolbox-two-runs
run_build --progress=plain "${EX_LABEL_ARGS[@]}" -f Dockerfile.toolbox-two-runs -t "$MY_TB:two-runs" .
check_rc 0 "the rebuild works (today: the cached lists are minutes old)"
check_eq "$(build_step_state 'RUN apt-get update$')" CACHED "RUN apt-get update comes from the cache: its line did not change"
check_ne "$(build_step_state 'RUN apt-get install .*netcat-openbsd')" MISSING "the changed install line is a step of the build"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$MY_TB:two-runs" sh -c 'command -v nc'
check_out_contains "/usr/bin/nc" "the new package was installed from the lists of the first build"
say "months later those lists name package versions the mirror no longer has: the install fails (404)."
say "in one RUN a change to the package list runs the update again, with it"

step "the model answer: the project's toolbox (exercises/toolbox/Dockerfile)"
run grep -n -A4 '^RUN' "$EX_ROOT/exercises/toolbox/Dockerfile"
check_eq "$(grep -c '^RUN' "$EX_ROOT/exercises/toolbox/Dockerfile")" 1 "one RUN"
check_out_contains "apt-get update" "it updates the lists ..."
check_out_contains "apt-get install -y --no-install-recommends" "... installs without the recommended extras ..."
check_out_contains "rm -rf /var/lib/apt/lists/*" "... and deletes the lists, all in that RUN"
run docker run --rm --name "$(ex_name run)" "${EX_LABEL_ARGS[@]}" "$TOOLBOX_IMAGE" ls -A /var/lib/apt/lists
check_eq "$OUT" "" "$TOOLBOX_IMAGE: no package lists in the image"
