//! `GET /connections`: each upstream a service uses, as configured, with the addresses
//! its name resolves to from here, whether it answers now, and the course's
//! communication case (see [`network_map`]).
//!
//! Bounded: a name gets [`RESOLVE_TIMEOUT`] to resolve and an upstream [`PROBE_TIMEOUT`]
//! to answer; a report is reused for [`CACHE_FOR`], and callers that come while one is
//! being made share it, so the route cannot be used to load the upstreams.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::Json;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use network_map::{classify, Connection, Report};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How long a name may take to resolve: 1 s.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long an upstream may take to answer a probe: 1.5 s.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(1500);
/// How long a report is reused: 2 s.
pub const CACHE_FOR: Duration = Duration::from_secs(2);

/// A probe: `Ok(())` when the upstream answered, else why not (one line).
pub type Probe = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// One upstream to report on.
#[derive(Clone)]
pub struct Upstream {
    /// What it is (`MongoDB`, `SWAPI`).
    pub name: &'static str,
    /// The configured address without credentials (`mongodb:27017`, `https://swapi.dev/api`).
    pub address: String,
    /// The host name in it, and the port to resolve it with.
    pub host: String,
    pub port: u16,
    pub probe: Probe,
    /// Whether a case-3 path plays case 1's part (the offline SWAPI stand-in), with a note.
    pub stand_in_for_www: Option<&'static str>,
}

impl Upstream {
    /// An upstream probed by `probe`.
    pub fn new<F, Fut>(
        name: &'static str,
        address: String,
        host: String,
        port: u16,
        probe: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        Self {
            name,
            address,
            host,
            port,
            probe: Arc::new(move || probe().boxed()),
            stand_in_for_www: None,
        }
    }
}

impl Upstream {
    /// An upstream reached by HTTP at `base` (`http://backend`, `https://swapi.dev/api`):
    /// its host and port (the scheme's default when none is given) read from the URL.
    pub fn for_url<F, Fut>(name: &'static str, base: &str, probe: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        let url = axum::http::Uri::try_from(base).ok();
        let host = url
            .as_ref()
            .and_then(|u| u.host().map(|h| h.trim_matches(['[', ']']).to_owned()))
            .unwrap_or_default();
        let https = url.as_ref().and_then(|u| u.scheme_str()) == Some("https");
        let port = url
            .as_ref()
            .and_then(|u| u.port_u16())
            .unwrap_or(if https { 443 } else { 80 });
        Self::new(name, base.to_owned(), host, port, probe)
    }
}

type SharedReport = Shared<BoxFuture<'static, Arc<Report>>>;

/// What `GET /connections` reports, cached. Cheap to clone.
#[derive(Clone)]
pub struct Connections {
    service: &'static str,
    upstreams: Arc<Vec<Upstream>>,
    cached: Arc<Mutex<Option<(Instant, SharedReport)>>>,
}

impl Connections {
    pub fn new(service: &'static str, upstreams: Vec<Upstream>) -> Self {
        Self {
            service,
            upstreams: Arc::new(upstreams),
            cached: Arc::default(),
        }
    }

    /// The report: the cached one when younger than [`CACHE_FOR`] (or still being
    /// made), else a new one.
    pub async fn report(&self) -> Arc<Report> {
        let shared = {
            let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
            match &*cached {
                Some((made, report)) if made.elapsed() < CACHE_FOR => report.clone(),
                _ => {
                    let service = self.service;
                    let upstreams = self.upstreams.clone();
                    let task =
                        tokio::spawn(async move { Arc::new(probe_all(service, &upstreams).await) });
                    let report = async move {
                        task.await.unwrap_or_else(|_| {
                            Arc::new(Report {
                                service: service.into(),
                                hostname: hostname(),
                                in_container: in_container(),
                                connections: vec![],
                            })
                        })
                    }
                    .boxed()
                    .shared();
                    *cached = Some((Instant::now(), report.clone()));
                    report
                }
            }
        };
        shared.await
    }

    /// `GET /connections`, documented.
    pub fn routes(self) -> OpenApiRouter {
        OpenApiRouter::new()
            .routes(routes!(connections))
            .with_state(self)
    }
}

/// Each upstream this service uses: the address as configured, what its name resolves
/// to from here, whether it answers now, and the course's communication case. Cached
/// for 2 s; probes time out after 1.5 s.
#[utoipa::path(get, path = "/connections", tag = "network",
    responses((status = 200, description = "The upstreams, probed now or in the last 2 s", body = Report)))]
async fn connections(State(c): State<Connections>) -> Json<Report> {
    Json(c.report().await.as_ref().clone())
}

async fn probe_all(service: &str, upstreams: &[Upstream]) -> Report {
    let container = in_container();
    let connections =
        futures_util::future::join_all(upstreams.iter().map(|u| probe_one(u, container))).await;
    Report {
        service: service.into(),
        hostname: hostname(),
        in_container: container,
        connections,
    }
}

async fn probe_one(u: &Upstream, container: bool) -> Connection {
    let t0 = Instant::now();
    let (resolved, replicas) = tokio::join!(resolve(&u.host, u.port), replicas(&u.host, u.port));
    let result = match &resolved {
        Err(why) => Err(why.clone()),
        Ok(_) => match tokio::time::timeout(PROBE_TIMEOUT, (u.probe)()).await {
            Ok(r) => r,
            Err(_) => Err(format!("no answer within {} ms", PROBE_TIMEOUT.as_millis())),
        },
    };
    let resolved = resolved.unwrap_or_default();
    let (case, case_label) = classify(&u.host, &resolved, container);
    let (plays_case, note) = match (u.stand_in_for_www, case) {
        (Some(note), Some(3)) => (Some(1), Some(note.to_owned())),
        _ => (None, None),
    };
    Connection {
        upstream: u.name.into(),
        address: u.address.clone(),
        host: u.host.clone(),
        resolved,
        replicas,
        ok: result.is_ok(),
        latency_ms: (t0.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
        error: result.err(),
        case,
        case_label: case_label.into(),
        plays_case,
        note,
    }
}

/// Under Docker Swarm, the replicas behind a service name: what `tasks.<host>` resolves
/// to (a name of Swarm's DNS); empty elsewhere (compose, Kubernetes, a dotted name).
pub async fn replicas(host: &str, port: u16) -> Vec<String> {
    if host.contains('.') || host.parse::<std::net::IpAddr>().is_ok() {
        return vec![];
    }
    resolve(&format!("tasks.{host}"), port)
        .await
        .unwrap_or_default()
}

/// The addresses `host` resolves to (sorted, no duplicates), or why not.
pub async fn resolve(host: &str, port: u16) -> Result<Vec<String>, String> {
    match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => {
            let mut ips: Vec<String> = addrs.map(|a| a.ip().to_string()).collect();
            ips.sort();
            ips.dedup();
            Ok(ips)
        }
        Ok(Err(e)) => Err(format!("{host} does not resolve: {e}")),
        Err(_) => Err(format!(
            "{host} did not resolve within {} ms",
            RESOLVE_TIMEOUT.as_millis()
        )),
    }
}

/// This machine's host name (the container id under Docker): `HOSTNAME`, else
/// `/etc/hostname`, else `unknown`.
pub fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Whether this process runs in a container: Docker's `/.dockerenv`, Podman's
/// `/run/.containerenv`, or a Kubernetes pod.
pub fn in_container() -> bool {
    std::path::Path::new("/.dockerenv").exists()
        || std::path::Path::new("/run/.containerenv").exists()
        || std::env::var_os("KUBERNETES_SERVICE_HOST").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_http_upstream_takes_its_host_and_port_from_the_url() {
        let ok = || async { Ok(()) };
        let cases = [
            ("http://backend", "backend", 80),
            ("http://favorites:3000", "favorites", 3000),
            ("https://swapi.dev/api", "swapi.dev", 443),
            ("http://127.0.0.1:8000/api", "127.0.0.1", 8000),
        ];
        for (url, host, port) in cases {
            let u = Upstream::for_url("x", url, ok);
            assert_eq!((u.host.as_str(), u.port), (host, port), "{url}");
            assert_eq!(u.address, url);
        }
    }
}
