//! Extractors whose rejections are [`ApiError`]s, so that every way a request can be
//! refused before a handler runs answers the JSON `{"message"}` envelope:
//! - [`JsonBody`]: wrong content type 415, malformed JSON 400, body over the limit 413, a
//!   value the body's type refuses 422 with that type's own message (the contract's
//!   [`contract::Invalid`]);
//! - [`Path`]: a path segment that cannot be decoded (e.g. `%FF`) or parsed, 400;
//! - [`Query`]: a query string that does not fit, 400.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::body::too_large_message;
use crate::error::ApiError;

/// A JSON request body (`Content-Type: application/json`, at most
/// [`crate::body::BODY_LIMIT`] bytes) read as `T`. The JSON is parsed first (415, 400 and
/// 413 as axum's `Json`), then read as `T`: a value `T` refuses is a 422 whose message is
/// `T`'s own error text alone, without a position (e.g. the contract's `Invalid goal
/// text.`).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        // from a value, serde_json's errors carry no position: the message is the type's own
        T::deserialize(value)
            .map(JsonBody)
            .map_err(|e| ApiError::unprocessable(e.to_string()))
    }
}

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
