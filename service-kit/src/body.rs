//! The request body limit: a body of at most [`BODY_LIMIT`] bytes is read before the
//! handler runs; a larger one is answered 413, after reading and discarding it when it is
//! not too large, so that a client that writes its whole body before reading gets the 413
//! rather than a broken pipe.

use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::error::ApiError;

/// Largest request body the services accept: 16 KiB.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Largest body read (and thrown away) to answer a 413 to a client that sends its whole
/// body before reading the answer (Python's urllib does): 8 MiB. A body declared larger
/// gets the 413 at once with `Connection: close`.
pub const DRAIN_LIMIT: usize = 8 * 1024 * 1024;

/// How long reading (or discarding) a request body may take: 10 s.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The 413 message: `Request body is too large (at most 16 KiB).`
pub fn too_large_message() -> String {
    format!(
        "Request body is too large (at most {} KiB).",
        BODY_LIMIT / 1024
    )
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
