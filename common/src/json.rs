//! A JSON body extractor whose rejections are [`ApiError`]s with the SPEC's statuses:
//! wrong content type 415, malformed JSON 400, body over the limit 413.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;

use crate::error::ApiError;

/// Largest request body the services accept.
pub const BODY_LIMIT: usize = 16 * 1024;

pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(rejection_to_error(rejection)),
        }
    }
}

fn rejection_to_error(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let message = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Expected a JSON body (Content-Type: application/json).".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => {
            format!("Malformed JSON body: {}", rejection.body_text())
        }
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => {
            format!(
                "Request body is too large (at most {} KiB).",
                BODY_LIMIT / 1024
            )
        }
        _ => rejection.body_text(),
    };
    ApiError::new(status, message)
}
