//! The goals REST API of the course's multi-container app.

pub mod config;
pub mod routes;
pub mod store;

use axum::middleware::from_fn_with_state;
use axum::Router;
use common::access_log::{self, AccessLog};
use mongodb::{Client, Database};

pub use config::Config;

/// The whole HTTP app: goals routes, health, CORS, limits and the access log.
pub fn app(client: Client, db: &Database, log: AccessLog) -> Router {
    common::http::finish(routes::routes(store::GoalStore::new(db)), client)
        .layer(from_fn_with_state(log, access_log::record))
}

/// Runs the service until SIGTERM/SIGINT.
pub async fn run(config: Config) -> Result<(), String> {
    let log = AccessLog::open(&config.log_dir, "LOG_DIR")
        .map_err(|e| format!("configuration error: {e}"))?;
    let (client, db) = config
        .mongo
        .connect()
        .await
        .map_err(|e| format!("configuration error: {e}"))?;
    tracing::info!(
        mongodb = %config.mongo.describe(),
        database = db.name(),
        access_log = %log.path().display(),
        "goals backend starting"
    );
    common::mongo::watch(client.clone(), config.mongo.describe());
    common::server::serve(app(client, &db, log), config.port).await
}
