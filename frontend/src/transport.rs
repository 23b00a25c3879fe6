//! How the page talks to a service, on both sides: the one HTTP client (on the server
//! hyper + rustls with timeouts, in the browser `fetch()` given up after a while), URLs,
//! and what can go wrong, in words a user can read ([`ApiError`]).

use std::fmt;
use std::future::Future;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Which service a request went to, to say which one failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Service {
    Goals,
    Favorites,
    /// This page's own server (the network map's data).
    Frontend,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Goals => "the goals API",
            Service::Favorites => "the favorites service",
            Service::Frontend => "this page's server",
        }
    }
}

/// What went wrong with a request, in words a user can read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// No answer at all: connection refused, unknown host, timeout, CORS.
    Unreachable(Service),
    /// The service answered with an error status; `message` is its own `{"message"}`
    /// when it sent one.
    Status { status: u16, message: String },
    /// A success status with a body this page does not understand.
    BadResponse(Service),
    /// No (whole) answer in time: it accepted, then said nothing or too slowly.
    Timeout(Service),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unreachable(s) => write!(f, "Could not reach {}", s.name()),
            ApiError::Status { message, .. } => f.write_str(message),
            ApiError::Timeout(s) => write!(
                f,
                "{} did not answer in time (is it overloaded, or stuck?)",
                capitalized(s.name())
            ),
            ApiError::BadResponse(s) => {
                write!(
                    f,
                    "{} sent an answer this page does not understand",
                    capitalized(s.name())
                )
            }
        }
    }
}

impl std::error::Error for ApiError {}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The error for a non-2xx answer: the service's own `{"message": "..."}` when the body
/// has one (422 "Invalid goal text.", 409 "Favorite exists already!"), otherwise a
/// generic line with the status (a proxy's HTML 502 page, say).
pub fn error_from_response(service: Service, status: u16, body: &str) -> ApiError {
    let message = serde_json::from_str::<contract::Message>(body)
        .ok()
        .map(|m| m.message.trim().to_owned())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| {
            format!(
                "{} answered with an error (HTTP {status})",
                capitalized(service.name())
            )
        });
    ApiError::Status { status, message }
}

/// `base` + `path`, with exactly one slash between them. `base` may carry a path
/// prefix (`http://localhost/api`), with or without a trailing slash.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// A value made safe for one path segment: everything but ASCII letters, digits and
/// `-._~` percent-encoded (ids are hex, but the page never trusts that).
pub fn path_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Transport

/// How long the browser waits for a whole answer before it gives up (and aborts the
/// request): 10 s. On the server, the client's own timeout (8 s) does the same.
pub const BROWSER_TIMEOUT_MS: u32 = 10_000;

/// Sends a request: a 2xx body as `T`, anything else as an [`ApiError`]. Never hangs:
/// in the browser the request is aborted after [`BROWSER_TIMEOUT_MS`].
pub(crate) async fn send<T: DeserializeOwned>(
    service: Service,
    req: reqwest::RequestBuilder,
) -> Result<T, ApiError> {
    #[cfg(target_arch = "wasm32")]
    {
        use futures::future::{select, Either};
        let exchange = Box::pin(exchange::<T>(service, req));
        match select(exchange, Box::pin(sleep_ms(BROWSER_TIMEOUT_MS))).await {
            Either::Left((result, _)) => result,
            // dropping the request aborts the browser's fetch
            Either::Right(_) => Err(ApiError::Timeout(service)),
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let t0 = std::time::Instant::now();
        let result = exchange::<T>(service, req).await;
        record_upstream(service, &result, t0.elapsed());
        result
    }
}

/// On the server: the frontend's requests to the services while it renders, counted in
/// `upstream_requests_total{service, outcome}` (`service`: `goals`, `favorites`;
/// `outcome`: `ok`, `4xx`, `5xx`, `unreachable`, `timeout`, `bad_response`) with their time
/// in `upstream_request_duration_seconds{service}`.
#[cfg(feature = "ssr")]
fn record_upstream<T>(service: Service, result: &Result<T, ApiError>, took: std::time::Duration) {
    let service = match service {
        Service::Goals => "goals",
        Service::Favorites => "favorites",
        Service::Frontend => "frontend",
    };
    let outcome = match result {
        Ok(_) => "ok",
        Err(ApiError::Status { status, .. }) if *status < 500 => "4xx",
        Err(ApiError::Status { .. }) => "5xx",
        Err(ApiError::Unreachable(_)) => "unreachable",
        Err(ApiError::Timeout(_)) => "timeout",
        Err(ApiError::BadResponse(_)) => "bad_response",
    };
    metrics::counter!("upstream_requests_total", "service" => service, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("upstream_request_duration_seconds", "service" => service)
        .record(took.as_secs_f64());
}

#[cfg(all(not(feature = "ssr"), not(target_arch = "wasm32")))]
fn record_upstream<T>(_: Service, _: &Result<T, ApiError>, _: std::time::Duration) {}

/// Resolves after `ms` milliseconds (browser).
#[cfg(target_arch = "wasm32")]
pub async fn sleep_ms(ms: u32) {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    leptos::prelude::set_timeout(
        move || {
            let _ = tx.send(());
        },
        std::time::Duration::from_millis(ms.into()),
    );
    let _ = rx.await;
}

async fn exchange<T: DeserializeOwned>(
    service: Service,
    req: reqwest::RequestBuilder,
) -> Result<T, ApiError> {
    let res = match req.send().await {
        Ok(res) => res,
        Err(e) if e.is_timeout() => {
            log_failure(service, &e);
            return Err(ApiError::Timeout(service));
        }
        Err(e) => {
            log_failure(service, &e);
            return Err(ApiError::Unreachable(service));
        }
    };
    let status = res.status().as_u16();
    if (200..300).contains(&status) {
        // the body is read first: a body that trickles past the timeout is a timeout,
        // not a bad answer
        let body = res.bytes().await.map_err(|e| {
            log_failure(service, &e);
            if e.is_timeout() {
                ApiError::Timeout(service)
            } else {
                ApiError::Unreachable(service)
            }
        })?;
        serde_json::from_slice::<T>(&body).map_err(|_| ApiError::BadResponse(service))
    } else {
        let body = res.text().await.unwrap_or_default();
        Err(error_from_response(service, status, &body))
    }
}

#[cfg(feature = "ssr")]
fn log_failure(service: Service, err: &reqwest::Error) {
    tracing::warn!(service = service.name(), error = %err, "request from the server failed");
}

#[cfg(not(feature = "ssr"))]
fn log_failure(_service: Service, _err: &reqwest::Error) {}

/// On the server: one shared client with timeouts, so a slow service cannot hold a
/// page render for long, and a user agent that marks its requests in access logs.
/// Idle connections are dropped after 5 s, before the services' 10 s idle limit closes
/// them under a request.
#[cfg(not(target_arch = "wasm32"))]
pub fn server_client() -> reqwest::Client {
    client()
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn client() -> reqwest::Client {
    use std::sync::OnceLock;
    use std::time::Duration;
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(3))
                .timeout(Duration::from_secs(8))
                .pool_idle_timeout(Duration::from_secs(5))
                .user_agent(SSR_USER_AGENT)
                .build()
                .expect("reqwest client")
        })
        .clone()
}

/// In the browser: `fetch()`; the browser sets the user agent and enforces CORS.
#[cfg(target_arch = "wasm32")]
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// The user agent of requests made during server-side rendering.
pub const SSR_USER_AGENT: &str = concat!("course-frontend-ssr/", env!("CARGO_PKG_VERSION"));

/// Makes a request future usable where Leptos wants `Send` (resources): in the
/// browser, futures from `fetch()` are not `Send`, but there is only one thread.
#[cfg(target_arch = "wasm32")]
pub fn sendable<F: Future + 'static>(fut: F) -> impl Future<Output = F::Output> + Send + 'static {
    send_wrapper::SendWrapper::new(fut)
}

/// On the server the futures already are `Send`.
#[cfg(not(target_arch = "wasm32"))]
pub fn sendable<F: Future + Send + 'static>(
    fut: F,
) -> impl Future<Output = F::Output> + Send + 'static {
    fut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_names_the_service() {
        assert_eq!(
            ApiError::Unreachable(Service::Goals).to_string(),
            "Could not reach the goals API"
        );
        assert_eq!(
            ApiError::Unreachable(Service::Favorites).to_string(),
            "Could not reach the favorites service"
        );
    }

    #[test]
    fn the_services_own_message_is_shown() {
        let e = error_from_response(Service::Goals, 422, r#"{"message":"Invalid goal text."}"#);
        assert_eq!(
            e,
            ApiError::Status {
                status: 422,
                message: "Invalid goal text.".into()
            }
        );
        assert_eq!(e.to_string(), "Invalid goal text.");
        let e = error_from_response(
            Service::Favorites,
            409,
            r#"{"message":"Favorite exists already!"}"#,
        );
        assert_eq!(e.to_string(), "Favorite exists already!");
    }

    #[test]
    fn bodies_without_a_message_get_a_generic_line() {
        for body in [
            "<html>Bad Gateway</html>",
            "",
            r#"{"message":""}"#,
            r#"{"error":1}"#,
        ] {
            let e = error_from_response(Service::Goals, 502, body);
            assert_eq!(
                e.to_string(),
                "The goals API answered with an error (HTTP 502)",
                "{body:?}"
            );
        }
        assert_eq!(
            ApiError::BadResponse(Service::Favorites).to_string(),
            "The favorites service sent an answer this page does not understand"
        );
    }

    #[test]
    fn join_puts_exactly_one_slash() {
        assert_eq!(join("http://backend", "/goals"), "http://backend/goals");
        assert_eq!(join("http://backend/", "/goals"), "http://backend/goals");
        assert_eq!(
            join("http://localhost/api/", "goals"),
            "http://localhost/api/goals"
        );
    }

    #[test]
    fn ids_are_encoded_as_one_segment() {
        assert_eq!(path_segment("65f0c0ffee"), "65f0c0ffee");
        assert_eq!(path_segment("../x y?#"), "..%2Fx%20y%3F%23");
    }

    /// A service that sends its headers, then trickles its body past the client's
    /// timeout: a timeout, not "an answer this page does not understand".
    #[cfg(feature = "ssr")]
    #[test]
    fn a_body_that_trickles_past_the_timeout_is_a_timeout() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 1024];
                    let _ = conn.read(&mut buf);
                    let _ = conn.write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"goals\": [",
                    );
                    for _ in 0..30 {
                        std::thread::sleep(std::time::Duration::from_secs(1));
                        if conn.write_all(b" ").is_err() {
                            return;
                        }
                    }
                });
            }
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let t0 = std::time::Instant::now();
        let result = rt.block_on(send::<serde_json::Value>(
            Service::Goals,
            client().get(join(&format!("http://127.0.0.1:{port}"), "/goals")),
        ));
        assert_eq!(result, Err(ApiError::Timeout(Service::Goals)));
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(12),
            "{:?}",
            t0.elapsed()
        );
        assert_eq!(
            ApiError::Timeout(Service::Goals).to_string(),
            "The goals API did not answer in time (is it overloaded, or stuck?)"
        );
    }
}
