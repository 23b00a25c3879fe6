//! Shared by the backend's test files: a backend app on a fresh database of the real
//! MongoDB-compatible test server, called in-process or over a real listener.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use common::access_log::AccessLog;
use common::Env;
use mongodb::bson::Document;
use serde_json::Value;
use test_support::{shared_mongo, RouterClient, TempDir};

pub struct TestApp {
    /// The app, called in-process (`app.get(..)`, `app.post_json(..)`: through `Deref`).
    pub api: RouterClient,
    pub db: mongodb::Database,
    /// A root client of the test's own, to look at what the service stored.
    pub inspect: mongodb::Database,
    pub logs: TempDir,
}

/// The backend on a fresh database, configured through the same env rule as in production.
pub async fn app() -> TestApp {
    let m = shared_mongo();
    let db_name = m.fresh_db("goals");
    let mut vars = m.service_env();
    vars.push(("MONGODB_DATABASE".into(), db_name.clone()));
    app_with_env(vars, &db_name).await
}

pub async fn app_with_env(vars: Vec<(String, String)>, db_name: &str) -> TestApp {
    let env = Env::from_pairs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let config = backend::Config::from_env(&env).expect("config");
    let db = config.mongo.connect_db().await.expect("client");
    let logs = TempDir::new("goals-logs");
    let log = AccessLog::open(logs.path(), "LOG_DIR").expect("log");
    TestApp {
        api: RouterClient::new(backend::app(db.clone(), log)),
        db: db.database().clone(),
        inspect: shared_mongo().client().database(db_name),
        logs,
    }
}

impl std::ops::Deref for TestApp {
    type Target = RouterClient;
    fn deref(&self) -> &RouterClient {
        &self.api
    }
}

impl TestApp {
    /// The documents in `goals`, as stored.
    pub async fn stored(&self) -> Vec<Document> {
        use futures_util::TryStreamExt;
        self.inspect
            .collection::<Document>("goals")
            .find(mongodb::bson::doc! {})
            .sort(mongodb::bson::doc! { "_id": 1 })
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap()
    }

    /// Serves the app on a real listener on 127.0.0.1; the address to call.
    pub async fn listen(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = self.router.clone();
        tokio::spawn(common::server::serve_until(
            listener,
            router,
            std::future::pending(),
            common::server::Limits {
                grace: Duration::from_secs(1),
                ..Default::default()
            },
        ));
        addr
    }
}

pub fn texts(goals: &Value) -> Vec<String> {
    goals["goals"]
        .as_array()
        .expect("goals array")
        .iter()
        .map(|g| g["text"].as_str().unwrap().to_owned())
        .collect()
}
