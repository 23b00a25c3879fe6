//! The monitoring profile's part of the network map (`GET /connections`, server side):
//! Prometheus' path from the frontend server, Grafana's health, what Prometheus scrapes,
//! and the traffic on the map's paths, asked of Prometheus by its service name (the
//! browser never talks to Prometheus).
//!
//! Without the profile the names do not resolve and the map has no monitoring part. Asked
//! at most every [`CACHE_FOR`]; every call to Prometheus is bounded by [`ASK_TIMEOUT`].

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use network_map::{classify, Monitoring, PathTraffic, ScrapeTarget};
use serde::Deserialize;
use service_kit::connections::{resolve, Connections, Upstream};

use crate::urls::ServiceUrls;

/// How long the monitoring part is reused: 2 s (the page asks every 3 s).
pub const CACHE_FOR: Duration = Duration::from_secs(2);
/// How long one question to Prometheus may take: 1.5 s.
pub const ASK_TIMEOUT: Duration = Duration::from_millis(1500);

/// The API routes a service answers that are not traffic of a path (health checks,
/// Prometheus' own scrapes, the map's own reports).
const NOT_TRAFFIC: &str = r#"route!~"/healthz|/readyz|/metrics|/connections|/openapi.json""#;

/// A path of the map and the PromQL of its requests and of its errors, per second over a
/// minute. The backend cannot tell the browser's requests from the frontend server's: the
/// browser's paths are the service's API requests less the ones the frontend server sent.
pub fn traffic_queries() -> Vec<(&'static str, String, String)> {
    let api =
        |job: &str| format!(r#"sum(rate(http_requests_total{{job="{job}",{NOT_TRAFFIC}}}[1m]))"#);
    let api_errors = |job: &str| {
        format!(r#"sum(rate(http_requests_total{{job="{job}",status=~"5..",{NOT_TRAFFIC}}}[1m]))"#)
    };
    let sent = |svc: &str| {
        format!(r#"sum(rate(upstream_requests_total{{job="frontend",service="{svc}"}}[1m]))"#)
    };
    let sent_errors = |svc: &str| {
        format!(
            r#"sum(rate(upstream_requests_total{{job="frontend",service="{svc}",outcome!="ok"}}[1m]))"#
        )
    };
    let db = |job: &str| format!(r#"sum(rate(db_operations_total{{job="{job}"}}[1m]))"#);
    let db_errors =
        |job: &str| format!(r#"sum(rate(db_operations_total{{job="{job}",outcome!="ok"}}[1m]))"#);
    vec![
        ("frontend-backend", sent("goals"), sent_errors("goals")),
        (
            "frontend-favorites",
            sent("favorites"),
            sent_errors("favorites"),
        ),
        (
            "browser-backend",
            format!(
                "clamp_min({} - ({} or vector(0)), 0)",
                api("backend"),
                sent("goals")
            ),
            format!(
                "clamp_min({} - ({} or vector(0)), 0)",
                api_errors("backend"),
                sent_errors("goals")
            ),
        ),
        (
            "browser-favorites",
            format!(
                "clamp_min({} - ({} or vector(0)), 0)",
                api("favorites"),
                sent("favorites")
            ),
            format!(
                "clamp_min({} - ({} or vector(0)), 0)",
                api_errors("favorites"),
                sent_errors("favorites")
            ),
        ),
        ("backend-mongodb", db("backend"), db_errors("backend")),
        ("favorites-mongodb", db("favorites"), db_errors("favorites")),
        (
            "favorites-swapi",
            "sum(rate(swapi_requests_total[1m]))".into(),
            r#"sum(rate(swapi_requests_total{outcome=~"502|504"}[1m]))"#.into(),
        ),
    ]
}

struct Cached {
    made: Instant,
    monitoring: Option<Monitoring>,
}

/// The monitoring part for `urls` (`None` without `PROMETHEUS_URL`, or when its name does
/// not resolve: the profile does not run).
pub async fn view(urls: &ServiceUrls) -> Option<Monitoring> {
    let base = urls.prometheus.clone()?;
    static CACHE: OnceLock<Mutex<Option<Cached>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        if c.made.elapsed() < CACHE_FOR {
            return c.monitoring.clone();
        }
    }
    let monitoring = ask(&base, urls.grafana.as_deref()).await;
    *cache.lock().unwrap_or_else(|p| p.into_inner()) = Some(Cached {
        made: Instant::now(),
        monitoring: monitoring.clone(),
    });
    monitoring
}

async fn ask(base: &str, grafana: Option<&str>) -> Option<Monitoring> {
    let upstream = Upstream::for_url("Prometheus", base, {
        let ready = crate::transport::join(base, "/-/ready");
        move || healthy(ready.clone())
    });
    // the profile does not run: the name is unknown on this network
    resolve(&upstream.host, upstream.port).await.ok()?;
    let mut upstreams = vec![upstream];
    if let Some(g) = grafana {
        let health = crate::transport::join(g, "/api/health");
        upstreams.push(Upstream::for_url("Grafana", g, move || {
            healthy(health.clone())
        }));
    }
    let report = probes(upstreams).report().await;
    let prometheus = report.connections.first()?.clone();
    let grafana = report.connections.get(1).cloned();
    let (targets, traffic, error) = if prometheus.ok {
        let (targets, traffic) = tokio::join!(targets(base), traffic(base));
        match (targets, traffic) {
            (Ok(t), Ok(p)) => (t, p, None),
            (Err(e), _) | (_, Err(e)) => (vec![], vec![], Some(e)),
        }
    } else {
        (vec![], vec![], prometheus.error.clone())
    };
    Some(Monitoring {
        prometheus,
        grafana,
        targets,
        traffic,
        error,
    })
}

/// One `Connections` (and its cache) for the monitoring upstreams of the process.
fn probes(upstreams: Vec<Upstream>) -> Arc<Connections> {
    static PROBES: OnceLock<Arc<Connections>> = OnceLock::new();
    PROBES
        .get_or_init(|| Arc::new(Connections::new("frontend", upstreams)))
        .clone()
}

async fn healthy(url: String) -> Result<(), String> {
    match crate::transport::server_client()
        .get(&url)
        .timeout(ASK_TIMEOUT)
        .send()
        .await
    {
        Ok(res) if res.status().is_success() => Ok(()),
        Ok(res) => Err(format!("answered {}", res.status())),
        Err(e) => Err(service_kit::error::chain(&e)),
    }
}

#[derive(Deserialize)]
struct Answer<T> {
    data: T,
}

#[derive(Deserialize)]
struct Targets {
    #[serde(rename = "activeTargets")]
    active: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    labels: std::collections::BTreeMap<String, String>,
    health: String,
    #[serde(rename = "lastError", default)]
    last_error: String,
}

async fn get<T: for<'de> Deserialize<'de>>(url: &str) -> Result<T, String> {
    let res = crate::transport::server_client()
        .get(url)
        .timeout(ASK_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("{url}: {}", service_kit::error::chain(&e)))?;
    if !res.status().is_success() {
        return Err(format!("{url} answered {}", res.status()));
    }
    res.json::<Answer<T>>()
        .await
        .map(|a| a.data)
        .map_err(|e| format!("{url}: {}", service_kit::error::chain(&e)))
}

/// Prometheus' scrape targets (`/api/v1/targets`), each with the course's case of its path.
async fn targets(base: &str) -> Result<Vec<ScrapeTarget>, String> {
    let url = crate::transport::join(base, "/api/v1/targets?state=active");
    let targets: Targets = get(&url).await?;
    Ok(targets
        .active
        .into_iter()
        .map(|t| {
            let address = t.labels.get("instance").cloned().unwrap_or_default();
            let host = address.split(':').next().unwrap_or_default();
            ScrapeTarget {
                job: t.labels.get("job").cloned().unwrap_or_default(),
                case: classify(host, &[], true).0,
                address,
                up: t.health == "up",
                error: (!t.last_error.is_empty()).then_some(t.last_error),
            }
        })
        .collect())
}

#[derive(Deserialize)]
struct Vector {
    result: Vec<Sample>,
}

#[derive(Deserialize)]
struct Sample {
    value: (f64, String),
}

/// One number of an instant query (`0` when the query has no sample: no traffic).
async fn number(base: &str, query: &str) -> Result<f64, String> {
    let url = format!(
        "{}?query={}",
        crate::transport::join(base, "/api/v1/query"),
        crate::transport::path_segment(query)
    );
    let v: Vector = get(&url).await?;
    Ok(v.result
        .first()
        .and_then(|s| s.value.1.parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .unwrap_or(0.0))
}

/// The traffic on every path [`traffic_queries`] knows.
async fn traffic(base: &str) -> Result<Vec<PathTraffic>, String> {
    let queries = traffic_queries();
    let asked =
        futures::future::join_all(queries.iter().map(|(path, requests, errors)| async move {
            let (r, e) = tokio::join!(number(base, requests), number(base, errors));
            Ok::<_, String>(PathTraffic {
                path: (*path).to_owned(),
                requests_per_s: r?,
                errors_per_s: e?,
                metric: requests.clone(),
            })
        }))
        .await;
    asked.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_has_a_query_and_no_query_counts_health_checks() {
        let q = traffic_queries();
        let paths: Vec<&str> = q.iter().map(|(p, _, _)| *p).collect();
        for p in [
            "frontend-backend",
            "frontend-favorites",
            "browser-backend",
            "browser-favorites",
            "backend-mongodb",
            "favorites-mongodb",
            "favorites-swapi",
        ] {
            assert!(paths.contains(&p), "{p}");
        }
        for (path, requests, errors) in &q {
            if requests.contains("http_requests_total") {
                assert!(requests.contains("/healthz"), "{path}: {requests}");
                assert!(errors.contains("5.."), "{path}: {errors}");
            }
        }
    }
}
