//! HTTP pieces every JSON service mounts: CORS, JSON 404/405, health and readiness
//! with the OpenAPI description ([`crate::openapi`]),
//! the body limit (with oversized bodies read and discarded so the client gets its 413),
//! every error answer as the JSON `{"message"}` envelope, and request tracing.

use std::time::Duration;

use axum::body::HttpBody;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::json;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;

use utoipa_axum::router::OpenApiRouter;

use crate::db::Db;
use crate::error::ApiError;
use crate::extract::too_large_message;
use crate::openapi::serve_description;

/// Largest request body the services accept: 16 KiB.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Largest body read (and thrown away) to answer a 413 to a client that sends its whole
/// body before reading the answer (Python's urllib does): 8 MiB. A body declared larger
/// gets the 413 at once with `Connection: close`.
pub const DRAIN_LIMIT: usize = 8 * 1024 * 1024;

/// How long reading (or discarding) a request body may take: 10 s.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// `Access-Control-Allow-Origin: *`, methods GET, POST, DELETE, OPTIONS, header Content-Type.
/// The browser may read [`SERVED_BY`] (`Access-Control-Expose-Headers`).
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static(SERVED_BY)])
}

/// The response header that names the replica that answered: its host name (the
/// container id under Docker and Swarm, the pod under Kubernetes).
pub const SERVED_BY: &str = "x-served-by";

/// Middleware: [`SERVED_BY`] on every answer.
pub async fn served_by(req: Request, next: Next) -> Response {
    static NAME: std::sync::OnceLock<Option<HeaderValue>> = std::sync::OnceLock::new();
    let name = NAME.get_or_init(|| HeaderValue::from_str(&crate::connections::hostname()).ok());
    let mut res = next.run(req).await;
    if let Some(name) = name {
        res.headers_mut()
            .insert(HeaderName::from_static(SERVED_BY), name.clone());
    }
    res
}

/// Wraps a service's documented routes with what every JSON service has: health
/// routes, `GET /openapi.json` (headed by `title` and `description`), JSON 404 and 405,
/// the body limit, JSON error answers, CORS and request tracing.
pub fn finish(routes: OpenApiRouter, db: Db, title: &str, description: &str) -> Router {
    json_layers(
        serve_description(routes, db, title, description)
            .fallback(|| async { ApiError::not_found("Not found.") })
            .method_not_allowed_fallback(|| async {
                ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.")
            }),
    )
}

/// The layers of [`finish`] alone (for a service without a database and with error
/// shapes of its own, such as the SWAPI stand-in): the body limit, JSON error answers,
/// CORS and request tracing.
pub fn json_layers(routes: Router) -> Router {
    routes
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(limit_body))
        .layer(from_fn(json_errors))
        .layer(from_fn(served_by))
        .layer(cors())
        .layer(TraceLayer::new_for_http())
}

/// Middleware: reads a request body of at most [`BODY_LIMIT`] bytes before the handler
/// runs. A larger one is answered 413 after reading and discarding it (up to
/// [`DRAIN_LIMIT`], within [`BODY_READ_TIMEOUT`]), so that a client that writes its
/// whole body before reading gets the 413 rather than a broken pipe; past those bounds
/// the 413 goes out with `Connection: close`.
pub async fn limit_body(req: Request, next: Next) -> Response {
    let declared = content_length(req.headers()).or_else(|| req.body().size_hint().exact());
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return too_large(true);
    }
    if declared == Some(0) || req.body().is_end_stream() {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match read_limited(body).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(BodyProblem::TooLarge { drained }) => too_large(!drained),
        Err(BodyProblem::Unreadable(why)) => {
            let mut res = ApiError::bad_request(format!("Cannot read the request body: {why}"))
                .into_response();
            close(&mut res);
            res
        }
    }
}

enum BodyProblem {
    /// Over the limit; `drained`: the rest was read to its end.
    TooLarge {
        drained: bool,
    },
    Unreadable(String),
}

async fn read_limited(body: Body) -> Result<Bytes, BodyProblem> {
    let mut body = body;
    let mut buf: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    let read = async {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| BodyProblem::Unreadable(e.to_string()))?;
            let Ok(data) = frame.into_data() else {
                continue; // trailers
            };
            seen += data.len();
            if seen <= BODY_LIMIT {
                buf.extend_from_slice(&data);
            } else if seen > DRAIN_LIMIT {
                return Err(BodyProblem::TooLarge { drained: false });
            }
        }
        if seen > BODY_LIMIT {
            Err(BodyProblem::TooLarge { drained: true })
        } else {
            Ok(())
        }
    };
    match tokio::time::timeout(BODY_READ_TIMEOUT, read).await {
        Ok(Ok(())) => Ok(Bytes::from(buf)),
        Ok(Err(problem)) => Err(problem),
        Err(_) if seen > BODY_LIMIT => Err(BodyProblem::TooLarge { drained: false }),
        Err(_) => Err(BodyProblem::Unreadable(format!(
            "not received within {} s",
            BODY_READ_TIMEOUT.as_secs()
        ))),
    }
}

fn too_large(close_connection: bool) -> Response {
    let mut res = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, too_large_message()).into_response();
    if close_connection {
        close(&mut res);
    }
    res
}

fn close(res: &mut Response) {
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Middleware: an error answer (4xx/5xx) that is not JSON, as produced by a framework
/// rejection the handlers never see, becomes `{"message": <its text>}` with the same
/// status and headers.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let head = req.method() == Method::HEAD;
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || head || is_json(res.headers()) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = match tokio::time::timeout(
        Duration::from_secs(1),
        http_body_util::Limited::new(body, 4096).collect(),
    )
    .await
    {
        Ok(Ok(collected)) => String::from_utf8_lossy(&collected.to_bytes())
            .trim()
            .to_owned(),
        _ => String::new(),
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("Error").to_owned()
    } else {
        text
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::to_vec(&json!({ "message": message })).unwrap_or_default();
    Response::from_parts(parts, Body::from(body))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("application/json") || v.starts_with("application/problem+json")
        })
}
