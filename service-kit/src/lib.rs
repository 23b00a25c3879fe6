//! The HTTP side every service of the course shares (the backend, the favorites service,
//! the SWAPI stand-in and the frontend server), so that they start, answer and stop alike.
//! Nothing here knows a database: what a service's readiness asks is its own
//! ([`openapi::Readiness`]; the MongoDB services get theirs from `mongo-kit`).
//!
//! Its modules, each using only those above it in this list:
//! - [`config`]: settings read once from the environment (and `.env`) into typed values;
//! - [`error`]: [`ApiError`], every error answer as `{"message": "..."}`;
//! - [`body`]: the request body limit, and the 413 a client that writes first still reads;
//! - [`extract`]: extractors whose rejections are [`ApiError`]s ([`JsonBody`] parses into the
//!   contract's types);
//! - [`openapi`]: the health routes and `GET /openapi.json`, generated from the handlers;
//! - [`connections`]: `GET /connections`, the network map's data;
//! - [`access_log`]: the Apache combined access log;
//! - [`http`]: what every JSON service mounts (CORS from its own routes, JSON 404/405, limits);
//! - [`server`]: the binary's modes and exit codes, and the serve loop with graceful shutdown.

/// Every binary that links this crate (the services, their tests) allocates with
/// mimalloc: a request allocates and frees a few hundred small blocks (the documents'
/// strings, the JSON answer), and glibc's allocator spent about a quarter of the
/// backend's instructions per `GET /goals` on them (callgrind; bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod access_log;
pub mod body;
pub mod config;
pub mod connections;
pub mod error;
pub mod extract;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod server;

pub use config::{ConfigError, Env};
pub use error::ApiError;
pub use extract::JsonBody;
