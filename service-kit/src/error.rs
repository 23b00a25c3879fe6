//! One error type for every handler: a status and a [`contract::Message`] body,
//! `{"message": "..."}`.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// A refusal: `status` with `{"message": message}`. Handlers return it; the JSON
/// extractors reject with it; [`crate::http::json_errors`] turns the framework's own
/// plain-text refusals into the same shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: Cow<'static, str>,
}

/// The 503 of a service whose database cannot be reached, refuses the login, or is too busy.
pub const DATABASE_UNAVAILABLE: &str = "Database unavailable.";

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn unprocessable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.")
    }

    /// 503 `Database unavailable.`
    pub fn unavailable() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE)
    }
}

/// A value of the contract that a client sent and the API refuses: 422 with the
/// contract's own message.
impl From<contract::Invalid> for ApiError {
    fn from(invalid: contract::Invalid) -> Self {
        Self::unprocessable(invalid.0)
    }
}

/// An error and its causes on one line (reqwest's own message leaves out the cause).
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(contract::Message {
                message: self.message,
            }),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn renders_status_and_message_json() {
        let res = ApiError::not_found("Goal not found.").into_response();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/json"
        );
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], br#"{"message":"Goal not found."}"#);
    }
}
