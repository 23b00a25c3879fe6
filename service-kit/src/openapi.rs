//! The OpenAPI 3.1 description each JSON service serves at `GET /openapi.json`,
//! generated from the handlers' `#[utoipa::path]` attributes (utoipa), never kept by
//! hand: a route is documented where it is written.
//!
//! The error answers every route can give are written here once ([`ErrorBody`] and
//! the response descriptions), and the health routes are documented with the code that
//! serves them.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::json;
use utoipa::openapi::{InfoBuilder, OpenApi};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;

/// Every error answer: `{"message": "..."}`, the contract's one envelope.
pub type ErrorBody = contract::Message;

/// What `GET /readyz` asks of a service: whether it can do its work now.
pub trait Readiness: Send + Sync + 'static {
    /// `Ok(warnings)` when ready (the warnings: what works but needs an operator, e.g.
    /// stored duplicates that block a unique index); `Err` with the answer to give when not
    /// (the database services: 503 `Database unavailable.`).
    fn check(&self) -> BoxFuture<'_, Result<Vec<String>, ApiError>>;
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

/// Descriptions of the shared error answers, for `#[utoipa::path]` responses.
pub mod responses {
    pub const UNAVAILABLE: &str = "`Database unavailable.`: the database cannot be reached, refuses the login, or is too busy (the driver gives up after 3 s)";
    pub const MALFORMED: &str = "Malformed JSON, or a body that is not valid UTF-8";
    pub const TOO_LARGE: &str = "The body is over 16 KiB";
    pub const NOT_JSON: &str = "The body is not `application/json`";
}

/// `/healthz` and `/readyz` (answered by `readiness`), documented.
pub fn health_routes(readiness: impl Readiness) -> OpenApiRouter {
    let readiness: Arc<dyn Readiness> = Arc::new(readiness);
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .with_state(readiness)
}

/// Prometheus metrics of this process (the Prometheus text format, version 0.0.4): requests
/// by route template, method and status with their latency, and the service's own (see
/// `crate::metrics`). Scraped by the monitoring profile's Prometheus; not counted as traffic.
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Every metric, in the Prometheus text format",
        content_type = "text/plain", body = String)))]
async fn metrics() -> Response {
    crate::metrics::serve().await
}

/// Liveness: 200 while the process serves (it does not ask the database).
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The process serves", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: 200 when the service can do its work (its database answers a ping, at
/// most one at a time, never behind data operations), else 503.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "The service can do its work: its database answers a ping", body = Ready),
        (status = 503, description = responses::UNAVAILABLE, body = ErrorBody),
    ))]
async fn readyz(State(readiness): State<Arc<dyn Readiness>>) -> Response {
    match readiness.check().await {
        Ok(warnings) => Json(Ready {
            status: "ready".into(),
            warnings: (!warnings.is_empty()).then_some(warnings),
        })
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// A service's routes with the health routes, as an axum router that also serves
/// `GET /openapi.json` (`title` and `description` head the document), and the methods
/// its routes answer (what CORS allows: [`methods`]).
pub fn serve_description(
    routes: OpenApiRouter,
    readiness: impl Readiness,
    title: &str,
    description: &str,
) -> (Router, Vec<Method>) {
    let (router, api) = routes.merge(health_routes(readiness)).split_for_parts();
    let api = describe(api, title, description);
    let document = json_document(&api);
    let router = router.route(
        "/openapi.json",
        get(move || {
            let document = document.clone();
            async move { ([("content-type", "application/json")], document) }
        }),
    );
    (router, methods(&api))
}

/// Every method some path of `api` answers, in a fixed order (`GET` first).
pub fn methods(api: &OpenApi) -> Vec<Method> {
    let mut out: Vec<Method> = Vec::new();
    for item in api.paths.paths.values() {
        let operations = [
            (&item.get, Method::GET),
            (&item.head, Method::HEAD),
            (&item.post, Method::POST),
            (&item.put, Method::PUT),
            (&item.patch, Method::PATCH),
            (&item.delete, Method::DELETE),
            (&item.options, Method::OPTIONS),
            (&item.trace, Method::TRACE),
        ];
        for (operation, method) in operations {
            if operation.is_some() && !out.contains(&method) {
                out.push(method);
            }
        }
    }
    out.sort_by_key(|m| match *m {
        Method::GET => 0,
        Method::HEAD => 1,
        Method::POST => 2,
        Method::PUT => 3,
        Method::PATCH => 4,
        Method::DELETE => 5,
        _ => 6,
    });
    out
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

/// The `{id}` path parameter of a route on one stored document (`DELETE /goals/{id}`):
/// 24 hex digits ([`contract::OBJECT_ID`]). For `#[utoipa::path(params(IdParam))]`.
pub struct IdParam;

impl utoipa::IntoParams for IdParam {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::Required;
        vec![ParameterBuilder::new()
            .name("id")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("The stored document's id: 24 hex digits"))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(contract::OBJECT_ID)),
            ))
            .build()]
    }
}
