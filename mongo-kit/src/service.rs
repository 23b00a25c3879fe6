//! What a service whose data lives in MongoDB adds to `service-kit`: readiness from the
//! database's ping, the 503 for a database that cannot be had, its MongoDB upstream on
//! `GET /connections`, and one start-up for every such service ([`run`]).

use axum::Router;
use futures_util::future::{BoxFuture, FutureExt};
use service_kit::connections::Upstream;
use service_kit::openapi::Readiness;
use service_kit::server::StartError;
use service_kit::ApiError;

use crate::db::{watch, Db, DbError};
use crate::errors::{first_line, is_unavailable};
use crate::settings::MongoConfig;

/// `GET /readyz`: ready when the database answers a ping, with the warnings set on `Db`.
impl Readiness for Db {
    fn check(&self) -> BoxFuture<'_, Result<Vec<String>, ApiError>> {
        async move {
            match self.ping().await {
                Ok(()) => Ok(self.warnings()),
                Err(e) => {
                    tracing::debug!(error = %e, "not ready");
                    Err(ApiError::unavailable())
                }
            }
        }
        .boxed()
    }
}

/// A database error as an answer: 503 `Database unavailable.` when the database cannot be
/// reached, refuses our login or is too busy; 500 otherwise. The cause is logged here; the
/// client gets a message without internals.
impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Driver(e) if is_unavailable(&e) => {
                tracing::warn!(error = %first_line(&e), "database unavailable");
                ApiError::unavailable()
            }
            DbError::Driver(e) => {
                tracing::error!(error = %e, "database error");
                ApiError::internal()
            }
            DbError::Busy => {
                tracing::warn!(error = %err, "database unavailable");
                ApiError::unavailable()
            }
        }
    }
}

/// The MongoDB upstream(s) of `db` for `GET /connections`, probed with a ping through its
/// readiness slot.
pub fn upstreams(db: &Db) -> Vec<Upstream> {
    db.hosts()
        .iter()
        .map(|(host, port)| {
            let db = db.clone();
            Upstream::new(
                "MongoDB",
                format!("{host}:{port}"),
                host.clone(),
                *port,
                move || {
                    let db = db.clone();
                    async move { db.ping().await.map_err(|e| e.to_string()) }
                },
            )
        })
        .collect()
}

/// A service whose data lives in MongoDB, as [`run`] starts it: what differs between the
/// backend and the favorites service.
pub trait DataService: Sized {
    /// The service's name in its start-up line (`goals backend`).
    const TITLE: &'static str;

    /// `PORT`.
    fn port(&self) -> u16;

    /// Where the database is.
    fn mongo(&self) -> &MongoConfig;

    /// The service's router on `db`, after opening what else it needs (the access log,
    /// the SWAPI client: a failure is a [`StartError`] naming the setting).
    fn app(self, db: Db) -> Result<Started, StartError>;
}

/// What [`DataService::app`] made: the router, and what the start-up line says of the
/// service's own parts, `(name, value)` (no secret).
pub struct Started {
    pub router: Router,
    pub details: Vec<(&'static str, String)>,
}

/// Starts a [`DataService`] and serves until SIGTERM/SIGINT, always in this order: the
/// port first (taken: exit 1 naming `PORT`), then the database client (which connects
/// lazily: the service starts while the database is still down, and says so), then the
/// service's own parts; one start-up line; the database watched in the background
/// ([`watch`]: reachable, unreachable and why, as it changes).
pub async fn run<S: DataService>(service: S) -> Result<(), StartError> {
    let listener = service_kit::server::listen(service.port()).await?;
    let mongo = service.mongo().clone();
    let db = mongo.connect_db().await?;
    let database = db.database().name().to_owned();
    let Started { router, details } = service.app(db.clone())?;
    let details: Vec<String> = details.iter().map(|(k, v)| format!("{k}={v}")).collect();
    tracing::info!(
        mongodb = %mongo.describe(),
        database,
        settings = %details.join(" "),
        "{} starting",
        S::TITLE
    );
    watch(db, mongo.describe());
    service_kit::server::serve(listener, router).await
}
