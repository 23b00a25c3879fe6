//! Shared by the backend's test files: a backend app on a fresh database of the real
//! MongoDB-compatible test server, called in-process or over a real listener.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::access_log::AccessLog;
use common::Env;
use http_body_util::BodyExt;
use mongodb::bson::Document;
use serde_json::Value;
use test_support::{shared_mongo, TempDir};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
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
    let (client, db) = config.mongo.connect().await.expect("client");
    let logs = TempDir::new("goals-logs");
    let log = AccessLog::open(logs.path(), "LOG_DIR").expect("log");
    TestApp {
        router: backend::app(client, &db, log),
        db,
        inspect: shared_mongo().client().database(db_name),
        logs,
    }
}

impl TestApp {
    pub async fn call(&self, req: Request<Body>) -> (StatusCode, Value) {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
        };
        (status, value)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.call(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_json(&self, uri: &str, body: &str) -> (StatusCode, Value) {
        self.call(
            Request::post(uri)
                .header("content-type", "application/json")
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
    }

    pub async fn delete(&self, uri: &str) -> (StatusCode, Value) {
        self.call(Request::delete(uri).body(Body::empty()).unwrap())
            .await
    }

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
            Duration::from_secs(1),
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
