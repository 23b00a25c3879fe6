//! The Star Wars favorites service of the course's multi-container app, and the
//! offline SWAPI stand-in it (and its tests, and offline classrooms) can use.

pub mod config;
pub mod routes;
pub mod store;
pub mod swapi;
pub mod swapi_standin;

use axum::Router;
use common::connections::Connections;
use common::server::StartError;
use common::Db;

pub use config::Config;

/// The whole HTTP app: favorites and SWAPI routes, health, CORS and limits.
pub fn app(db: Db, swapi: swapi::Swapi) -> Router {
    let mut upstreams = common::connections::mongodb(&db);
    upstreams.push(swapi.upstream());
    let connections = Connections::new("favorites", upstreams);
    common::http::finish(
        routes::routes(store::FavoriteStore::new(&db), swapi).merge(connections.routes()),
        db,
        "Star Wars favorites API",
        "The favorites service of the course's multi-container app: saved favorites in MongoDB, and SWAPI's films and people passed through. Every error is {\"message\": \"...\"}.",
    )
}

/// Runs the service until SIGTERM/SIGINT.
pub async fn run(config: Config) -> Result<(), StartError> {
    let listener = common::server::listen(config.port).await?;
    let db = config.mongo.connect_db().await?;
    let swapi =
        swapi::Swapi::new(&config.swapi).map_err(|e| StartError::refused("SWAPI_BASE_URL", e))?;
    tracing::info!(
        mongodb = %config.mongo.describe(),
        database = db.database().name(),
        swapi = swapi.base_url(),
        swapi_timeout_ms = config.swapi.timeout.as_millis() as u64,
        "favorites service starting"
    );
    common::mongo::watch(db.clone(), config.mongo.describe());
    common::server::serve(listener, app(db, swapi)).await
}
