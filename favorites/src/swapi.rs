//! The SWAPI client: one shared `reqwest::Client`, the configured base URL and timeout,
//! and what each way of failing means to our clients (504 slow, 502 broken, 404 no page).

use std::fmt;
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;
use service_kit::connections::Upstream;
use service_kit::error::chain;
use service_kit::ApiError;

use crate::config::SwapiConfig;

/// The largest SWAPI answer we read (a real page is about 10 KiB).
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

pub const SWAPI_TIMEOUT: &str = "SWAPI did not answer in time.";
pub const SWAPI_UNREACHABLE: &str = "Could not reach SWAPI.";
pub const SWAPI_ERROR: &str = "SWAPI answered with an error.";
pub const SWAPI_GARBAGE: &str = "SWAPI answered with something that is not JSON.";
pub const SWAPI_TOO_LARGE: &str = "SWAPI's answer is too large.";
pub const NO_SUCH_PAGE: &str = "No such page.";

/// The lists the service passes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Films,
    People,
}

impl Resource {
    pub fn path(self) -> &'static str {
        match self {
            Resource::Films => "films",
            Resource::People => "people",
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

#[derive(Clone)]
pub struct Swapi {
    http: reqwest::Client,
    base_url: Arc<str>,
}

impl Swapi {
    /// One client for the whole process (it pools connections); every request, body
    /// included, is bounded by the configured timeout.
    pub fn new(config: &SwapiConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("favorites/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the SWAPI client: {}", chain(&e)))?;
        Ok(Self {
            http,
            base_url: config.base_url.trim_end_matches('/').into(),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base}/{resource}/` or `{base}/{resource}/?page=N`.
    pub fn list_url(&self, resource: Resource, page: Option<u32>) -> String {
        match page {
            None => format!("{}/{resource}/", self.base_url),
            Some(n) => format!("{}/{resource}/?page={n}", self.base_url),
        }
    }

    /// The list SWAPI returns for `resource` (one page), unchanged. Counted in
    /// `swapi_requests_total{resource, outcome}` (`outcome`: `ok`, or the status we answer:
    /// `404` no such page, `502` SWAPI broken or unreachable, `504` too slow) with its time in
    /// `swapi_request_duration_seconds{resource}`.
    pub async fn list(&self, resource: Resource, page: Option<u32>) -> Result<Value, ApiError> {
        let t0 = std::time::Instant::now();
        let result = self.fetch_list(resource, page).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(e) if e.status == StatusCode::NOT_FOUND => "404",
            Err(e) if e.status == StatusCode::GATEWAY_TIMEOUT => "504",
            Err(_) => "502",
        };
        metrics::counter!("swapi_requests_total", "resource" => resource.path(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!("swapi_request_duration_seconds", "resource" => resource.path())
            .record(t0.elapsed().as_secs_f64());
        result
    }

    async fn fetch_list(&self, resource: Resource, page: Option<u32>) -> Result<Value, ApiError> {
        let url = self.list_url(resource, page);
        let res = self
            .http
            .get(&url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| request_failed(&url, &e))?;
        let status = res.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            tracing::info!(%url, "SWAPI has no such page");
            return Err(ApiError::not_found(NO_SUCH_PAGE));
        }
        if !status.is_success() {
            tracing::warn!(%url, %status, "SWAPI answered with an error status");
            return Err(ApiError::new(StatusCode::BAD_GATEWAY, SWAPI_ERROR));
        }
        let body = read_limited(res)
            .await
            .map_err(|e| request_failed(&url, &e))?;
        let Some(body) = body else {
            tracing::warn!(%url, limit = MAX_ANSWER_BYTES, "SWAPI answer too large");
            return Err(ApiError::new(StatusCode::BAD_GATEWAY, SWAPI_TOO_LARGE));
        };
        match serde_json::from_slice::<Value>(&body) {
            Ok(value @ Value::Object(_)) => Ok(value),
            Ok(_) => {
                tracing::warn!(%url, "SWAPI answered JSON that is not an object");
                Err(ApiError::new(StatusCode::BAD_GATEWAY, SWAPI_GARBAGE))
            }
            Err(e) => {
                let start = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
                tracing::warn!(%url, error = %e, body_start = %start, "SWAPI answered something that is not JSON");
                Err(ApiError::new(StatusCode::BAD_GATEWAY, SWAPI_GARBAGE))
            }
        }
    }
}

impl Swapi {
    /// The `/connections` upstream: SWAPI at its configured base, probed with
    /// `GET {base}/` (any answer below 500 counts: it is there).
    pub fn upstream(&self) -> Upstream {
        let me = self.clone();
        let mut upstream = Upstream::for_url("SWAPI", &self.base_url, move || {
            let me = me.clone();
            async move {
                let url = format!("{}/", me.base_url);
                match me.http.get(&url).send().await {
                    Ok(res) if res.status().is_server_error() => {
                        Err(format!("answered {}", res.status()))
                    }
                    Ok(_) => Ok(()),
                    Err(e) => Err(chain(&e)),
                }
            }
        });
        upstream.stand_in_for_www = Some(STAND_IN_NOTE);
        upstream
    }
}

/// What the network page says of a SWAPI reached inside the network.
pub const STAND_IN_NOTE: &str = "SWAPI reached inside the network: the offline stand-in, a container on the same network (case 3), playing the part of swapi.dev on the internet (case 1)";

/// The body, or `None` when it is larger than [`MAX_ANSWER_BYTES`].
async fn read_limited(mut res: reqwest::Response) -> reqwest::Result<Option<Vec<u8>>> {
    if res
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// A request that got no (complete) answer: 504 when it ran out of time, else 502.
fn request_failed(url: &str, err: &reqwest::Error) -> ApiError {
    if err.is_timeout() {
        tracing::warn!(%url, error = %chain(err), "SWAPI did not answer in time");
        ApiError::new(StatusCode::GATEWAY_TIMEOUT, SWAPI_TIMEOUT)
    } else {
        tracing::warn!(%url, error = %chain(err), "SWAPI request failed");
        ApiError::new(StatusCode::BAD_GATEWAY, SWAPI_UNREACHABLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn list_urls() {
        let swapi = Swapi::new(&SwapiConfig {
            base_url: "http://swapi:8000/api".into(),
            timeout: Duration::from_secs(1),
        })
        .unwrap();
        assert_eq!(
            swapi.list_url(Resource::Films, None),
            "http://swapi:8000/api/films/"
        );
        assert_eq!(
            swapi.list_url(Resource::People, Some(2)),
            "http://swapi:8000/api/people/?page=2"
        );
    }
}
