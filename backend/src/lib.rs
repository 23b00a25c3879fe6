//! The goals REST API of the course's multi-container app.

pub mod config;
pub mod routes;
pub mod store;

use axum::middleware::from_fn_with_state;
use axum::Router;
use mongo_kit::service::{DataService, Started};
use mongo_kit::Db;
use service_kit::access_log::{self, AccessLog};
use service_kit::connections::Connections;
use service_kit::server::StartError;

pub use config::Config;

/// The whole HTTP app: goals routes, health, CORS, limits and the access log.
pub fn app(db: Db, log: AccessLog) -> Router {
    let connections = Connections::new("backend", mongo_kit::service::upstreams(&db));
    service_kit::http::finish(
        routes::routes(store::GoalStore::new(&db)).merge(connections.routes()),
        db,
        "Course goals API",
        "The goals backend of the course's multi-container app (compatible with its React client). Every error is {\"message\": \"...\"}.",
    )
    .layer(from_fn_with_state(log, access_log::record))
}

impl DataService for Config {
    const TITLE: &'static str = "goals backend";

    fn port(&self) -> u16 {
        self.port
    }

    fn mongo(&self) -> &mongo_kit::MongoConfig {
        &self.mongo
    }

    /// `LOG_DIR` not creatable or writable is [`StartError::Refused`] (exit 1).
    fn app(self, db: Db) -> Result<Started, StartError> {
        let log = AccessLog::open(&self.log_dir, "LOG_DIR")
            .map_err(|e| StartError::refused(e.var, e.problem))?;
        let details = vec![("access_log", log.path().display().to_string())];
        Ok(Started {
            router: app(db, log),
            details,
        })
    }
}
