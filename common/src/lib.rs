//! The pieces the course's services share, so that the backend and the favorites
//! service behave the same way: one typed configuration read once at start, the
//! MongoDB connection rule (README, "Configuration"), JSON errors, CORS, health endpoints, the
//! Apache combined access log and a serve loop with graceful shutdown.

/// Every binary that links this crate (the services, their tests) allocates with
/// mimalloc: a request allocates and frees a few hundred small blocks (the documents'
/// strings, the JSON answer), and glibc's allocator spent about a quarter of the
/// backend's instructions per `GET /goals` on them (callgrind; bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod access_log;
pub mod config;
pub mod connections;
pub mod db;
pub mod error;
pub mod extract;
pub mod group_commit;
pub mod http;
pub mod mongo;
pub mod openapi;
pub mod server;

pub use config::{ConfigError, Env};
pub use db::{Db, DbError};
pub use error::ApiError;
pub use extract::JsonBody;
pub use group_commit::GroupCommit;
pub use mongo::MongoConfig;
