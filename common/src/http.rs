//! HTTP pieces every service mounts: CORS as the SPEC says, JSON 404/405, health and
//! readiness, the body limit and request tracing.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use mongodb::Client;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::error::{ApiError, DATABASE_UNAVAILABLE};
use crate::json::BODY_LIMIT;
use crate::mongo;

/// `Access-Control-Allow-Origin: *`, methods GET, POST, DELETE, OPTIONS, header Content-Type.
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE])
}

/// `/healthz` (the process serves) and `/readyz` (MongoDB answers a ping).
pub fn health_routes(client: Client) -> Router {
    Router::new()
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(readyz))
        .with_state(client)
}

async fn readyz(State(client): State<Client>) -> impl IntoResponse {
    match mongo::ping(&client).await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        )
            .into_response(),
        Err(e) => {
            tracing::debug!(error = %mongo::first_line(&e), "not ready");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE).into_response()
        }
    }
}

/// Wraps a service's routes with what every service has: health routes, JSON 404 and
/// 405, the 16 KiB body limit, CORS and request tracing.
pub fn finish(routes: Router, client: Client) -> Router {
    routes
        .merge(health_routes(client))
        .fallback(|| async { ApiError::not_found("Not found.") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.")
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(cors())
        .layer(TraceLayer::new_for_http())
}
