//! The Star Wars favorites service of the course's multi-container app, and the
//! offline SWAPI stand-in it (and its tests, and offline classrooms) can use.

pub mod config;
pub mod routes;
pub mod store;
pub mod swapi;
pub mod swapi_standin;

use axum::Router;
use mongo_kit::service::{DataService, Started};
use mongo_kit::Db;
use service_kit::connections::Connections;
use service_kit::server::StartError;

pub use config::Config;

/// The whole HTTP app: favorites and SWAPI routes, health, CORS and limits.
pub fn app(db: Db, swapi: swapi::Swapi) -> Router {
    let mut upstreams = mongo_kit::service::upstreams(&db);
    upstreams.push(swapi.upstream());
    let connections = Connections::new("favorites", upstreams);
    service_kit::http::finish(
        routes::routes(store::FavoriteStore::new(&db), swapi).merge(connections.routes()),
        db,
        "Star Wars favorites API",
        "The favorites service of the course's multi-container app: saved favorites in MongoDB, and SWAPI's films and people passed through. Every error is {\"message\": \"...\"}.",
    )
}

impl DataService for Config {
    const TITLE: &'static str = "favorites service";

    fn port(&self) -> u16 {
        self.port
    }

    fn mongo(&self) -> &mongo_kit::MongoConfig {
        &self.mongo
    }

    /// A SWAPI client that cannot be built is [`StartError::Refused`] naming `SWAPI_BASE_URL`.
    fn app(self, db: Db) -> Result<Started, StartError> {
        let swapi =
            swapi::Swapi::new(&self.swapi).map_err(|e| StartError::refused("SWAPI_BASE_URL", e))?;
        let details = vec![
            ("swapi", swapi.base_url().to_owned()),
            (
                "swapi_timeout_ms",
                self.swapi.timeout.as_millis().to_string(),
            ),
        ];
        Ok(Started {
            router: app(db, swapi),
            details,
        })
    }
}
