//! The OpenAPI 3.1 description each JSON service serves at `GET /openapi.json`,
//! generated from the handlers' `#[utoipa::path]` attributes (utoipa), never kept by
//! hand: a route is documented where it is written.
//!
//! The error answers every route can give are written here once ([`ErrorBody`] and
//! the response descriptions), and the health routes are documented with the code that
//! serves them.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use utoipa::openapi::{InfoBuilder, OpenApi};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Db;
use crate::error::ApiError;

/// Every error answer: `{"message": "..."}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    pub message: String,
}

/// `/healthz`'s answer: `{"status": "ok"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// `/readyz`'s answer: `{"status": "ready"}`, with `warnings` while something works
/// but needs an operator (e.g. stored duplicate names blocking a unique index).
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    #[schema(example = "ready")]
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<String>>,
}

/// The pattern of a text that is not blank: at least one character that is not
/// Unicode white space (the characters `str::trim` removes), written out so every
/// regex engine reads it alike. utoipa's attributes take literals only: the schemas
/// repeat it, and the services' OpenAPI tests check that they say exactly this.
pub const NOT_BLANK: &str = "[^\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

/// The pattern of a MongoDB ObjectId in hex: 24 hexadecimal digits.
pub const OBJECT_ID: &str = "^[0-9a-fA-F]{24}$";

/// Descriptions of the shared error answers, for `#[utoipa::path]` responses.
pub mod responses {
    pub const UNAVAILABLE: &str = "`Database unavailable.`: the database cannot be reached, refuses the login, or is too busy (the driver gives up after 3 s)";
    pub const MALFORMED: &str = "Malformed JSON, or a body that is not valid UTF-8";
    pub const TOO_LARGE: &str = "The body is over 16 KiB";
    pub const NOT_JSON: &str = "The body is not `application/json`";
}

/// `/healthz` and `/readyz`, documented.
pub fn health_routes(db: Db) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .with_state(db)
}

/// Liveness: 200 while the process serves (it does not ask the database).
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The process serves", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: 200 when MongoDB answers a ping (at most one at a time, never behind
/// data operations), else 503.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "MongoDB answers a ping", body = Ready),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
async fn readyz(State(db): State<Db>) -> Response {
    match db.ping().await {
        Ok(()) => {
            let warnings = db.warnings();
            Json(Ready {
                status: "ready".into(),
                warnings: (!warnings.is_empty()).then_some(warnings),
            })
            .into_response()
        }
        Err(e) => {
            tracing::debug!(error = %e, "not ready");
            ApiError::unavailable().into_response()
        }
    }
}

/// A service's routes with the health routes, as an axum router that also serves
/// `GET /openapi.json`; `title` and `description` head the document.
pub fn serve_description(routes: OpenApiRouter, db: Db, title: &str, description: &str) -> Router {
    let (router, api) = routes.merge(health_routes(db)).split_for_parts();
    let api = describe(api, title, description);
    let document = json_document(&api);
    router.route(
        "/openapi.json",
        get(move || {
            let document = document.clone();
            async move { ([("content-type", "application/json")], document) }
        }),
    )
}

/// Sets the document's info (title, version of the crate, description).
pub fn describe(mut api: OpenApi, title: &str, description: &str) -> OpenApi {
    api.info = InfoBuilder::new()
        .title(title)
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(description))
        .build();
    api
}

fn json_document(api: &OpenApi) -> String {
    api.to_pretty_json()
        .unwrap_or_else(|e| json!({ "error": e.to_string() }).to_string())
}
