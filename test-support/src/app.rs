//! A service's app for its tests: the router, configured from an environment through the
//! service's own configuration rule, on a database of the shared test server, called
//! in-process; and a root client of the test's own to look at what it stored.
//!
//! What differs between the services (how the environment names the database, how the
//! router is built, what else a test keeps alive) is a [`TestService`]; the rest is here.

use std::future::Future;

use axum::Router;
use mongodb::bson::Document;

use crate::{shared_mongo, RouterClient};

/// How one service is set up for its tests.
pub trait TestService {
    /// The collection the service keeps its documents in (what [`TestApp::stored`]
    /// reads), also the prefix of the fresh database [`spawn_app`] gives a test.
    const COLLECTION: &'static str;

    /// What a test keeps alive beside the router (the backend's access-log directory);
    /// `()` when nothing.
    type Kept;

    /// The environment that points the service at database `db` of the shared test
    /// server, as its configuration rule reads it.
    fn env_for(db: &str) -> Vec<(String, String)>;

    /// The service configured from `env` as its binary would be: the router, the name of
    /// the database it uses, and what to keep. Panics when `env` is not a valid
    /// configuration (a test's mistake).
    fn build(env: Vec<(String, String)>) -> impl Future<Output = Built<Self::Kept>>;
}

/// What [`TestService::build`] makes.
pub struct Built<K> {
    pub router: Router,
    /// The name of the database the service uses.
    pub database: String,
    pub kept: K,
}

/// A service's app, called in-process (through `Deref`: `app.get(..)`, `app.post_json(..)`).
pub struct TestApp<S: TestService> {
    pub api: RouterClient,
    /// The service's database through a root client of the test's own, to look at what
    /// the service stored.
    pub inspect: mongodb::Database,
    /// What the service's setup keeps alive for the test ([`TestService::Kept`]).
    pub kept: S::Kept,
}

/// The service `S` on a fresh database of the shared test server.
pub async fn spawn_app<S: TestService>() -> TestApp<S> {
    let db = shared_mongo().fresh_db(S::COLLECTION);
    spawn_app_with_env::<S>(S::env_for(&db), &db).await
}

/// The service `S` configured from exactly `env`; `db` is the database it must end up
/// using (from `env`, or its default): a test that names another panics here, rather
/// than inspecting a database the service never writes.
pub async fn spawn_app_with_env<S: TestService>(
    env: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    db: &str,
) -> TestApp<S> {
    let env = env.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    let built = S::build(env).await;
    assert_eq!(
        built.database, db,
        "the service uses database {:?}, the test expected {db:?}",
        built.database
    );
    TestApp {
        api: RouterClient::new(built.router),
        inspect: shared_mongo().client().database(db),
        kept: built.kept,
    }
}

impl<S: TestService> std::ops::Deref for TestApp<S> {
    type Target = RouterClient;
    fn deref(&self) -> &RouterClient {
        &self.api
    }
}

impl<S: TestService> TestApp<S> {
    /// The documents of the service's collection, as stored, oldest first.
    pub async fn stored(&self) -> Vec<Document> {
        crate::mongo::stored(&self.inspect, S::COLLECTION).await
    }
}
