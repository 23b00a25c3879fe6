//! What every JSON service mounts around its routes: health and readiness with the
//! OpenAPI description ([`crate::openapi`]), JSON 404 and 405, the body limit
//! ([`crate::body`]), every error answer as the `{"message"}` envelope, CORS for the
//! methods its routes answer, the replica's name on every answer, and request tracing.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::Response;
use axum::Router;
use http_body_util::BodyExt;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::body::{limit_body, BODY_LIMIT};
use crate::error::ApiError;
use crate::openapi::{serve_description, Readiness};

/// `Access-Control-Allow-Origin: *` for `methods` (and `OPTIONS`, the preflight's own),
/// header `Content-Type`. The browser may read [`SERVED_BY`]
/// (`Access-Control-Expose-Headers`).
pub fn cors(methods: &[Method]) -> CorsLayer {
    let mut allowed = methods.to_vec();
    if !allowed.contains(&Method::OPTIONS) {
        allowed.push(Method::OPTIONS);
    }
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(allowed)
        .allow_headers([header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static(SERVED_BY)])
}

/// An answer whose JSON body is made already (a shared list's bytes): 200 with
/// `Content-Type: application/json`.
pub struct JsonBytes(pub axum::body::Bytes);

impl axum::response::IntoResponse for JsonBytes {
    fn into_response(self) -> Response {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.0,
        )
            .into_response()
    }
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

/// Wraps a service's documented routes with what every JSON service has: `/healthz`,
/// `/readyz` (answered by `readiness`), `GET /openapi.json` (headed by `title` and
/// `description`), JSON 404 and 405, the body limit, JSON error answers, CORS for the
/// methods the description lists, and request tracing.
pub fn finish(
    routes: OpenApiRouter,
    readiness: impl Readiness,
    title: &str,
    description: &str,
) -> Router {
    let (router, methods) = serve_description(routes, readiness, title, description);
    json_layers(
        router
            .fallback(|| async { ApiError::not_found("Not found.") })
            .method_not_allowed_fallback(|| async {
                ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.")
            }),
        &methods,
    )
}

/// The layers of [`finish`] alone (for a service without a database and with error
/// shapes of its own, such as the SWAPI stand-in, which routes `GET /metrics` itself): the
/// request metrics, the body limit, JSON error answers, CORS for `methods`, and request
/// tracing.
pub fn json_layers(routes: Router, methods: &[Method]) -> Router {
    with_metrics(routes)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(limit_body))
        .layer(from_fn(json_errors))
        .layer(from_fn(served_by))
        .layer(cors(methods))
        .layer(TraceLayer::new_for_http())
}

/// `routes` with every request counted by route template, method and status
/// ([`crate::metrics`]; `/metrics` itself not).
pub fn with_metrics(routes: Router) -> Router {
    // the process's recorder, installed before the first request is counted
    let _ = crate::metrics::handle();
    routes
        .route_layer(crate::metrics::MarkRouteLayer)
        .layer(crate::metrics::RecordHttpLayer)
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
    let body = serde_json::to_vec(&contract::Message {
        message: message.into(),
    })
    .unwrap_or_default();
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
