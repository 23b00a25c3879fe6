//! Shared by the backend's test files: the backend app on a fresh database of the real
//! MongoDB-compatible test server (test-support's [`TestApp`]), called in-process or over
//! a real listener.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use service_kit::access_log::AccessLog;
use service_kit::Env;
use test_support::{shared_mongo, Built, TempDir, TestService};

/// The goals backend, as its tests set it up.
pub struct Goals;

impl TestService for Goals {
    const COLLECTION: &'static str = "goals";
    /// The directory of the access log (`LOG_DIR`), removed with the app.
    type Kept = TempDir;

    fn env_for(db: &str) -> Vec<(String, String)> {
        let mut env = shared_mongo().service_env();
        env.push(("MONGODB_DATABASE".into(), db.to_owned()));
        env
    }

    async fn build(env: Vec<(String, String)>) -> Built<TempDir> {
        let env = Env::from_pairs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let config = backend::Config::from_env(&env).expect("config");
        let db = config.mongo.connect_db().await.expect("client");
        let logs = TempDir::new("goals-logs");
        let log = AccessLog::open(logs.path(), "LOG_DIR").expect("log");
        Built {
            database: db.database().name().to_owned(),
            router: backend::app(db, log),
            kept: logs,
        }
    }
}

pub type TestApp = test_support::TestApp<Goals>;

/// The backend on a fresh database, configured through the same env rule as in production.
pub async fn app() -> TestApp {
    test_support::spawn_app::<Goals>().await
}

/// The backend configured from exactly `vars`; `db_name` is the database it uses.
pub async fn app_with_env(vars: Vec<(String, String)>, db_name: &str) -> TestApp {
    test_support::spawn_app_with_env::<Goals>(vars, db_name).await
}

/// What the app's access log holds so far.
pub fn access_log(app: &TestApp) -> String {
    let path = app.kept.path().join("access.log");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Serves the app on a real listener on 127.0.0.1 (the services' own serve loop); the
/// address to call.
pub async fn listen(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(service_kit::server::serve_until(
        listener,
        app.router.clone(),
        std::future::pending(),
        service_kit::server::Limits {
            grace: Duration::from_secs(1),
            ..Default::default()
        },
    ));
    addr
}

pub fn texts(goals: &Value) -> Vec<String> {
    goals["goals"]
        .as_array()
        .expect("goals array")
        .iter()
        .map(|g| g["text"].as_str().unwrap().to_owned())
        .collect()
}
