//! The wire format of `GET /connections` and the course's three communication cases.
//!
//! Each service that talks to others reports, per upstream, the address it is
//! configured with, what that name resolves to where the service runs, whether the
//! upstream answers now (and how fast, or why not), and which of the course's cases the
//! path is:
//! 1. container → WWW (a public name: `https://swapi.dev/api`);
//! 2. container → host (`host.docker.internal`, the host's address on the Docker bridge);
//! 3. container → container (a service or container name on a user-defined network).
//!
//! The services fill these in (`service-kit`'s `connections`); the frontend's `/network` page
//! draws them. No credential is ever part of an address.

use serde::{Deserialize, Serialize};

/// The static catalogue of the map's paths and the platforms on which each exists.
pub mod paths;

/// A service's report: `GET /connections`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// `backend`, `favorites`, `frontend`.
    pub service: String,
    /// The host name of the process's machine: the container id under Docker, the task's
    /// under Swarm, the pod's under Kubernetes.
    pub hostname: String,
    /// Whether the service runs in a container (else: a local run, no containers).
    pub in_container: bool,
    /// One entry per upstream, in a fixed order.
    pub connections: Vec<Connection>,
}

/// One upstream of a service, as probed just now (results are cached briefly).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connection {
    /// What it is: `MongoDB`, `SWAPI`, `goals API`, `favorites service`.
    pub upstream: String,
    /// The address as configured, without credentials: `mongodb:27017`,
    /// `https://swapi.dev/api`, `http://backend`.
    pub address: String,
    /// The host name in the address (`mongodb`, `swapi.dev`, `host.docker.internal`).
    pub host: String,
    /// The IP addresses `host` resolves to where the service runs (empty: it does not).
    pub resolved: Vec<String>,
    /// Under Docker Swarm, the addresses of the tasks (replicas) behind the service name
    /// (`tasks.<name>`); empty elsewhere.
    #[serde(default)]
    pub replicas: Vec<String>,
    /// Whether the upstream answered the probe.
    pub ok: bool,
    /// How long the probe took, in milliseconds (also when it failed).
    pub latency_ms: f64,
    /// Why it did not answer (one line), when `ok` is false.
    pub error: Option<String>,
    /// The course's communication case of this path (1, 2 or 3); `None` in a local run
    /// without containers.
    pub case: Option<u8>,
    /// The case in words: `container → WWW`, `container → host`,
    /// `container → container`, or `local run (no containers)`.
    pub case_label: String,
    /// Set when the path stands in for another case: the offline SWAPI stand-in is
    /// reached as case 3 but plays case 1's part.
    pub plays_case: Option<u8>,
    /// A sentence for the student, e.g. what the stand-in is.
    pub note: Option<String>,
}

/// What the frontend's `GET /connections` answers: its own report, and those of the
/// services it reached (`Err` with the reason when it could not), as
/// `{"Ok": report}` / `{"Err": "why"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkView {
    pub frontend: Report,
    pub backend: Result<Report, String>,
    pub favorites: Result<Report, String>,
    /// The monitoring profile's view, when it runs (the frontend server is given
    /// `PROMETHEUS_URL`): Prometheus' own paths and the traffic on the map's paths. `None`
    /// without the profile.
    #[serde(default)]
    pub monitoring: Option<Monitoring>,
}

/// Prometheus as the frontend server reaches it, what Prometheus scrapes, and the traffic
/// it measured on the map's paths.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    /// The frontend server's path to Prometheus (`http://prometheus:9090`: case 3, by
    /// service name), probed with `GET /-/ready`.
    pub prometheus: Connection,
    /// Grafana's health (`GET /api/health` of `http://grafana:3000`), from the frontend
    /// server: whether the dashboard side of the profile runs (Grafana itself reaches
    /// Prometheus as `http://prometheus:9090`). `None` when no Grafana is configured.
    pub grafana: Option<Connection>,
    /// Each target Prometheus scrapes, from its `/api/v1/targets`.
    pub targets: Vec<ScrapeTarget>,
    /// Requests and errors per second on the map's paths over the last minute, from
    /// Prometheus' `/api/v1/query`; a path without a metric of its own is not listed.
    pub traffic: Vec<PathTraffic>,
    /// Why Prometheus could not be asked (then `targets` and `traffic` are empty).
    pub error: Option<String>,
}

/// One scrape target of Prometheus: a path from the Prometheus container to a service's
/// `/metrics`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScrapeTarget {
    /// The scrape job: `backend`, `favorites`, `frontend`, `swapi`, `host`.
    pub job: String,
    /// Where Prometheus scrapes it: `backend:80`, `host.docker.internal:8080`.
    pub address: String,
    /// Whether the last scrape worked (Prometheus' `up`).
    pub up: bool,
    /// Why the last scrape failed, when it did.
    pub error: Option<String>,
    /// The course's case of the path: 3 by service name, 2 through `host.docker.internal`.
    pub case: Option<u8>,
}

/// The traffic on one path of the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathTraffic {
    /// The map's name of the path (its `data-edge`): `browser-backend`, `frontend-backend`,
    /// `backend-mongodb`, `favorites-mongodb`, `favorites-swapi`, …
    pub path: String,
    /// Requests per second, averaged over the last minute.
    pub requests_per_s: f64,
    /// Of which errors (5xx answers, failed operations) per second.
    pub errors_per_s: f64,
    /// The metric that feeds it, for the student to query in Prometheus or Grafana.
    pub metric: String,
}

/// The host names that mean "the machine Docker runs on" from inside a container.
pub const HOST_NAMES: [&str; 2] = ["host.docker.internal", "gateway.docker.internal"];

/// The case of a path from a service to `host`, which resolved to `resolved`:
/// - not in a container: `None` (a local run);
/// - only loopback addresses: `None` (`localhost` is the container itself: the
///   course's lesson that a container's `localhost` is not the host's);
/// - `host.docker.internal` (or an address equal to it): 2;
/// - a name without dots (a service or container name), or one that resolves only to
///   private addresses: 3;
/// - anything else: 1.
pub fn classify(host: &str, resolved: &[String], in_container: bool) -> (Option<u8>, &'static str) {
    if !in_container {
        return (None, "local run (no containers)");
    }
    if !resolved.is_empty() && resolved.iter().all(|ip| is_loopback(ip)) {
        return (None, "localhost: this container itself");
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if HOST_NAMES.contains(&host.as_str()) {
        return (Some(2), "container → host");
    }
    let private = !resolved.is_empty() && resolved.iter().all(|ip| is_private(ip));
    if !host.contains('.') || private {
        (Some(3), "container → container")
    } else {
        (Some(1), "container → WWW")
    }
}

/// 127.0.0.0/8 and ::1.
pub fn is_loopback(ip: &str) -> bool {
    ip.parse::<std::net::IpAddr>()
        .is_ok_and(|a| a.is_loopback())
}

/// RFC 1918 and loopback IPv4 addresses, IPv6 unique-local and loopback.
pub fn is_private(ip: &str) -> bool {
    if let Ok(v4) = ip.parse::<std::net::Ipv4Addr>() {
        return v4.is_private() || v4.is_loopback() || v4.is_link_local();
    }
    if let Ok(v6) = ip.parse::<std::net::Ipv6Addr>() {
        return v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_three_cases() {
        assert_eq!(
            classify("swapi.dev", &ips(&["52.58.110.120"]), true).0,
            Some(1)
        );
        assert_eq!(
            classify("host.docker.internal", &ips(&["172.17.0.1"]), true).0,
            Some(2)
        );
        assert_eq!(classify("mongodb", &ips(&["172.18.0.2"]), true).0, Some(3));
        // an unresolvable service name is still meant as case 3
        assert_eq!(classify("mongodb", &[], true).0, Some(3));
        // a dotted name on a private network (a compose project's FQDN)
        assert_eq!(
            classify("db.goals-net", &ips(&["10.0.1.5"]), true).0,
            Some(3)
        );
        assert_eq!(
            classify("localhost", &ips(&["127.0.0.1", "::1"]), true),
            (None, "localhost: this container itself")
        );
        let (case, label) = classify("mongodb", &ips(&["127.0.0.1"]), false);
        assert_eq!((case, label), (None, "local run (no containers)"));
        assert!(!is_private("8.8.8.8"));
        assert!(is_private("fd00::1"));
    }
}
