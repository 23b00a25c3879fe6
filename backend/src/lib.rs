//! The goals REST API of the course's multi-container app.

pub mod config;
pub mod routes;
pub mod store;

use axum::middleware::from_fn_with_state;
use axum::Router;
use common::access_log::{self, AccessLog};
use common::connections::Connections;
use common::server::StartError;
use common::Db;

pub use config::Config;

/// The whole HTTP app: goals routes, health, CORS, limits and the access log.
pub fn app(db: Db, log: AccessLog) -> Router {
    let connections = Connections::new("backend", common::connections::mongodb(&db));
    common::http::finish(
        routes::routes(store::GoalStore::new(&db)).merge(connections.routes()),
        db,
        "Course goals API",
        "The goals backend of the course's multi-container app (compatible with its React client). Every error is {\"message\": \"...\"}.",
    )
        .layer(from_fn_with_state(log, access_log::record))
}

/// Runs the service until SIGTERM/SIGINT. `LOG_DIR` not creatable or writable is
/// [`StartError::Refused`] (exit 1); a database setting the driver refuses, a
/// [`StartError::Config`] (exit 2).
pub async fn run(config: Config) -> Result<(), StartError> {
    let listener = common::server::listen(config.port).await?;
    let log = AccessLog::open(&config.log_dir, "LOG_DIR")
        .map_err(|e| StartError::refused(e.var, e.problem))?;
    let db = config.mongo.connect_db().await?;
    tracing::info!(
        mongodb = %config.mongo.describe(),
        database = db.database().name(),
        access_log = %log.path().display(),
        "goals backend starting"
    );
    common::mongo::watch(db.clone(), config.mongo.describe());
    common::server::serve(listener, app(db, log)).await
}
