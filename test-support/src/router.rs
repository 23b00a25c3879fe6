//! Calling a service's router in-process (`tower::ServiceExt::oneshot`, no socket) and
//! reading its answer: what the router-level tests of every service do.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// A router to call in-process; `Clone` is cheap (the router is shared).
#[derive(Clone)]
pub struct RouterClient {
    pub router: Router,
}

impl RouterClient {
    pub fn new(router: Router) -> Self {
        Self { router }
    }

    /// Status, headers and body bytes of one request.
    pub async fn call_raw(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes.to_vec())
    }

    /// Status and JSON body (`Null` when empty; panics when the body is not JSON).
    pub async fn call(&self, req: Request<Body>) -> (StatusCode, Value) {
        let (status, _, bytes) = self.call_raw(req).await;
        (status, json_or_null(&bytes))
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
}

/// The JSON in `bytes`; `Null` when there are none. Panics (with the text) when it is not JSON.
pub fn json_or_null(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(bytes)))
    }
}
