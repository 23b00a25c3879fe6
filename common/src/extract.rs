//! Extractors whose rejections are [`ApiError`]s, so that every way a request can be
//! refused before a handler runs answers the JSON `{"message"}` envelope:
//! - [`JsonBody`]: wrong content type 415, malformed JSON 400, body over the limit 413;
//! - [`Path`]: a path segment that cannot be decoded (e.g. `%FF`) or parsed, 400;
//! - [`Query`]: a query string that does not fit, 400.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;

use crate::error::ApiError;
use crate::http::BODY_LIMIT;

/// A JSON request body (`Content-Type: application/json`), at most [`BODY_LIMIT`] bytes.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

/// Path parameters, as axum's `Path`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query parameters, as axum's `Query`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let message = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "Expected a JSON body (Content-Type: application/json).".to_owned()
            }
            JsonRejection::JsonSyntaxError(_) => {
                format!("Malformed JSON body: {}", rejection.body_text())
            }
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => too_large_message(),
            _ => rejection.body_text(),
        };
        ApiError::new(status, message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(rejection.status(), rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(rejection.status(), rejection.body_text())
    }
}

/// The 413 message: `Request body is too large (at most 16 KiB).`
pub fn too_large_message() -> String {
    format!(
        "Request body is too large (at most {} KiB).",
        BODY_LIMIT / 1024
    )
}
