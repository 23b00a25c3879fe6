# The development image: the Rust toolchain, cargo-watch and a fast linker, and no sources.
# docker-compose.dev.yml bind-mounts the sources at /workspace and puts named volumes over
# /workspace/target and the cargo home (the registry), so the bind mount never hides the build output (the
# course's `-v /app/node_modules` lesson, in Rust) and dependencies compile once.
#
#   docker compose -f docker-compose.yml -f docker-compose.dev.yml up --build
#
# No "# syntax=" line on purpose: it makes BuildKit pull docker/dockerfile from Docker Hub.
ARG RUST_IMAGE=rust:1-bookworm
FROM ${RUST_IMAGE} AS dev

# mold links a debug binary in a fraction of a second (the default linker takes seconds).
RUN apt-get update \
 && apt-get install -y --no-install-recommends mold \
 && rm -rf /var/lib/apt/lists/*

ARG CARGO_WATCH_VERSION=8.5.3
RUN cargo install cargo-watch --locked --version "${CARGO_WATCH_VERSION}" --root /usr/local \
 && rm -rf /usr/local/cargo/registry \
 && cargo watch --version

# Incremental debug builds, linked with mold. CARGO_TARGET_DIR and CARGO_HOME (registry, git
# checkouts and cargo's package-cache lock, so two services never unpack a crate at once) are
# the named volumes of docker-compose.dev.yml; the toolchain stays in /usr/local/cargo/bin.
ENV CARGO_TARGET_DIR=/workspace/target \
    CARGO_HOME=/cargo-home \
    CARGO_INCREMENTAL=1 \
    RUSTFLAGS="-C link-arg=-fuse-ld=mold" \
    RUST_LOG=info
WORKDIR /workspace
