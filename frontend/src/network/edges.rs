//! The paths of the map: who sends to whom, by which address, in which course case, and
//! what happened the last time (plus the traffic Prometheus measured, with the monitoring
//! profile).

use network_map::{Connection, NetworkView, PathTraffic, Report};

use crate::api::BrowserProbe;
use crate::urls::ServiceUrls;

/// A box of the map: a process (or the internet) at one end of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    Browser,
    Frontend,
    Backend,
    Favorites,
    MongoDb,
    StandIn,
    Prometheus,
    Grafana,
    HostDb,
    HostApp,
    Internet,
}

/// Where a node lives: on the host beside the browser, on the stack's network, or on the
/// internet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    Host,
    Network,
    Internet,
}

impl Node {
    /// Every node, in the order of the drawing's columns (left to right).
    pub const ALL: [Node; 11] = [
        Node::Browser,
        Node::Frontend,
        Node::Backend,
        Node::Favorites,
        Node::MongoDb,
        Node::StandIn,
        Node::Prometheus,
        Node::Grafana,
        Node::HostDb,
        Node::HostApp,
        Node::Internet,
    ];

    pub fn zone(self) -> Zone {
        match self {
            Node::Browser | Node::HostDb | Node::HostApp => Zone::Host,
            Node::Internet => Zone::Internet,
            _ => Zone::Network,
        }
    }

    /// The name in the box and the page's `data-node`.
    pub fn name(self) -> &'static str {
        match self {
            Node::Browser => "Your browser",
            Node::Frontend => "frontend",
            Node::Backend => "backend",
            Node::Favorites => "favorites",
            Node::MongoDb => "mongodb",
            Node::StandIn => "SWAPI stand-in",
            Node::Prometheus => "prometheus",
            Node::Grafana => "grafana",
            Node::HostDb => "host MongoDB",
            Node::HostApp => "host process",
            Node::Internet => "Internet",
        }
    }
}

/// The state of one path.
#[derive(Clone, Debug, PartialEq)]
pub enum EdgeState {
    /// It answered, in this many milliseconds (0: not measured).
    Ok(f64),
    /// It did not, and why (the full error).
    Down(String),
    /// Not known (yet): why.
    Unknown(String),
}

impl EdgeState {
    pub fn class(&self) -> &'static str {
        match self {
            EdgeState::Ok(_) => "ok",
            EdgeState::Down(_) => "down",
            EdgeState::Unknown(_) => "unknown",
        }
    }

    /// A few words for the map and the table: `answers (1.2 ms)`, `refused`, `timed out`,
    /// `no such name`, … (the full reason is [`EdgeState::detail`]).
    pub fn short(&self) -> String {
        match self {
            EdgeState::Ok(ms) if *ms > 0.0 => format!("answers ({ms:.1} ms)"),
            EdgeState::Ok(_) => "answers".to_owned(),
            EdgeState::Down(why) => short_reason(why),
            EdgeState::Unknown(_) => "not known".to_owned(),
        }
    }

    /// The whole reason of a path that is not up (`None` when it answers).
    pub fn detail(&self) -> Option<&str> {
        match self {
            EdgeState::Ok(_) => None,
            EdgeState::Down(why) | EdgeState::Unknown(why) => Some(why),
        }
    }
}

/// The student's word for an error chain: `refused` (nothing listens there), `timed out`,
/// `no such name` (DNS), `connection closed`, `answered 503` (an HTTP status the error
/// names after `answered`, `status` or `HTTP`), else `no answer`.
pub fn short_reason(error: &str) -> String {
    let e = error.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    let status = ["answered ", "status: ", "status ", "http "]
        .iter()
        .filter_map(|p| e.find(p).map(|i| &e[i + p.len()..]))
        .find_map(|rest| {
            let code = rest.get(..3)?;
            (code.bytes().all(|b| b.is_ascii_digit())
                && !rest[3..].starts_with(|c: char| c.is_ascii_digit()))
            .then(|| code.to_owned())
        });
    if has(&["refused"]) {
        "refused".into()
    } else if has(&["timed out", "timeout", "deadline"]) {
        "timed out".into()
    } else if has(&[
        "dns",
        "lookup",
        "not known",
        "no such host",
        "no such name",
        "name_not_resolved",
        "resolve",
    ]) {
        "no such name".into()
    } else if let Some(code) = status {
        format!("answered {code}")
    } else if has(&["reset", "closed", "broken pipe", "eof"]) {
        "connection closed".into()
    } else {
        "no answer".into()
    }
}

/// Requests and errors per second on a path, from Prometheus.
#[derive(Clone, Debug, PartialEq)]
pub struct Traffic {
    pub requests_per_s: f64,
    pub errors_per_s: f64,
    /// The PromQL that measured it.
    pub metric: String,
}

impl From<&PathTraffic> for Traffic {
    fn from(t: &PathTraffic) -> Self {
        Traffic {
            requests_per_s: t.requests_per_s,
            errors_per_s: t.errors_per_s,
            metric: t.metric.clone(),
        }
    }
}

impl Traffic {
    /// `2.5 req/s`, `2.5 req/s, 0.3 errors/s`.
    pub fn text(&self) -> String {
        let rps = format!("{} req/s", rate(self.requests_per_s));
        if self.errors_per_s > 0.0 {
            format!("{rps}, {} errors/s", rate(self.errors_per_s))
        } else {
            rps
        }
    }
}

fn rate(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// One path of the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Stable name, e.g. `backend-mongodb` (the page's `data-edge`).
    pub id: String,
    pub from: Node,
    pub to: Node,
    /// Who sends the requests: `your browser (on the host)`, `frontend server`, …
    pub who: String,
    /// The exact address used.
    pub address: String,
    /// The course's case, and what it says.
    pub case: String,
    pub state: EdgeState,
    /// With the monitoring profile: what Prometheus measured on this path.
    pub traffic: Option<Traffic>,
}

impl Edge {
    /// The label on the map: the address, the state in a few words, the traffic.
    pub fn label(&self) -> String {
        let mut parts = vec![self.address.clone(), self.state.short()];
        if let Some(t) = &self.traffic {
            parts.push(t.text());
        }
        parts.join(" · ")
    }
}

fn case_name(case: u8) -> &'static str {
    match case {
        1 => "container → WWW",
        2 => "container → host",
        _ => "container → container",
    }
}

fn case_text(c: &Connection) -> String {
    let base = match c.case {
        Some(n) => format!("case {n}: {}", c.case_label),
        None => c.case_label.clone(),
    };
    match c.plays_case {
        Some(n) => format!("{base}, playing case {n}"),
        None => base,
    }
}

fn state_of(c: &Connection) -> EdgeState {
    if c.ok {
        EdgeState::Ok(c.latency_ms)
    } else {
        EdgeState::Down(c.error.clone().unwrap_or_else(|| "no answer".into()))
    }
}

fn from_report(
    id: &str,
    (from, to): (Node, Node),
    who: &str,
    c: Option<&Connection>,
    missing: &str,
) -> Edge {
    let (address, case, state) = match c {
        Some(c) => (c.address.clone(), case_text(c), state_of(c)),
        None => ("?".into(), "?".into(), EdgeState::Unknown(missing.into())),
    };
    Edge {
        id: id.into(),
        from,
        to,
        who: who.into(),
        address,
        case,
        state,
        traffic: None,
    }
}

fn connection<'a>(report: &'a Result<Report, String>, upstream: &str) -> Option<&'a Connection> {
    report
        .as_ref()
        .ok()
        .and_then(|r| r.connections.iter().find(|c| c.upstream == upstream))
}

/// Every edge of the map, from the server's view and what the browser saw (`None`:
/// not probed yet, e.g. while rendering on the server).
pub fn edges(
    view: &NetworkView,
    urls: &ServiceUrls,
    browser: Option<&(BrowserProbe, BrowserProbe)>,
    page: &str,
) -> Vec<Edge> {
    let browser_edge = |id: &str, to, address: &str, state| Edge {
        id: id.into(),
        from: Node::Browser,
        to,
        who: "your browser (on the host)".into(),
        address: address.into(),
        case: "host → a published port".into(),
        state,
        traffic: None,
    };
    let probed = |probe: Option<&BrowserProbe>| match probe {
        None => EdgeState::Unknown("probed by your browser once the page has loaded".into()),
        Some(p) if p.ok => EdgeState::Ok(p.latency_ms),
        Some(p) => EdgeState::Down(p.error.clone().unwrap_or_else(|| "no answer".into())),
    };
    let no_report = |svc: &str, r: &Result<Report, String>| match r {
        Ok(_) => String::new(),
        Err(e) => format!("no report from {svc}: {e}"),
    };
    let fav_db = connection(&view.favorites, "MongoDB");
    let fav_swapi = connection(&view.favorites, "SWAPI");
    let mut out = vec![
        browser_edge("browser-frontend", Node::Frontend, page, EdgeState::Ok(0.0)),
        browser_edge(
            "browser-backend",
            Node::Backend,
            &urls.goals_browser,
            probed(browser.map(|b| &b.0)),
        ),
        browser_edge(
            "browser-favorites",
            Node::Favorites,
            &urls.favorites_browser,
            probed(browser.map(|b| &b.1)),
        ),
        from_report(
            "frontend-backend",
            (Node::Frontend, Node::Backend),
            "frontend server",
            view.frontend.connections.first(),
            "no probe",
        ),
        from_report(
            "frontend-favorites",
            (Node::Frontend, Node::Favorites),
            "frontend server",
            view.frontend.connections.get(1),
            "no probe",
        ),
        from_report(
            "backend-mongodb",
            (Node::Backend, Node::MongoDb),
            "backend",
            connection(&view.backend, "MongoDB"),
            &no_report("the backend", &view.backend),
        ),
        from_report(
            "favorites-mongodb",
            (
                Node::Favorites,
                if fav_db.is_some_and(|c| c.case == Some(2)) {
                    Node::HostDb
                } else {
                    Node::MongoDb
                },
            ),
            "favorites",
            fav_db,
            &no_report("favorites", &view.favorites),
        ),
        from_report(
            "favorites-swapi",
            (
                Node::Favorites,
                if fav_swapi.is_some_and(|c| c.case == Some(1)) {
                    Node::Internet
                } else {
                    Node::StandIn
                },
            ),
            "favorites",
            fav_swapi,
            &no_report("favorites", &view.favorites),
        ),
    ];
    if let Some(m) = &view.monitoring {
        out.extend(monitoring_edges(m));
        for e in &mut out {
            e.traffic = m.traffic.iter().find(|t| t.path == e.id).map(Traffic::from);
        }
    }
    out
}

/// The monitoring profile's paths: the frontend server's to Prometheus (which feeds the
/// traffic), Grafana's data source, and each scrape target of Prometheus.
fn monitoring_edges(m: &network_map::Monitoring) -> Vec<Edge> {
    let mut out = vec![from_report(
        "frontend-prometheus",
        (Node::Frontend, Node::Prometheus),
        "frontend server (the traffic on this map)",
        Some(&m.prometheus),
        "",
    )];
    if let Some(g) = &m.grafana {
        // Grafana's own requests cannot be seen from here: its health, and Prometheus'
        out.push(Edge {
            id: "grafana-prometheus".into(),
            from: Node::Grafana,
            to: Node::Prometheus,
            who: "Grafana (its data source)".into(),
            address: m.prometheus.address.clone(),
            case: format!("case 3: {}, by service name", case_name(3)),
            state: match (g.ok, m.prometheus.ok) {
                (true, true) => EdgeState::Ok(0.0),
                (false, _) => EdgeState::Down(format!(
                    "Grafana: {}",
                    g.error.as_deref().unwrap_or("no answer")
                )),
                (true, false) => EdgeState::Down(format!(
                    "Prometheus: {}",
                    m.prometheus.error.as_deref().unwrap_or("no answer")
                )),
            },
            traffic: None,
        });
    }
    for t in &m.targets {
        let to = match t.job.as_str() {
            "backend" => Node::Backend,
            "favorites" => Node::Favorites,
            "frontend" => Node::Frontend,
            "swapi" => Node::StandIn,
            "host" => Node::HostApp,
            _ => continue,
        };
        out.push(Edge {
            id: format!("prometheus-{}", t.job),
            from: Node::Prometheus,
            to,
            who: "Prometheus (scrapes /metrics)".into(),
            address: t.address.clone(),
            case: match t.case {
                Some(n) => format!("case {n}: {}", case_name(n)),
                None => "a local run".into(),
            },
            state: if t.up {
                EdgeState::Ok(0.0)
            } else {
                EdgeState::Down(t.error.clone().unwrap_or_else(|| "down".into()))
            },
            traffic: None,
        });
    }
    out
}

/// The edges while this page's own server does not answer: what it last reported, each
/// server-side path not known any more, the browser's own probes as they are.
pub fn without_server(mut edges: Vec<Edge>, why: &str) -> Vec<Edge> {
    for e in &mut edges {
        if e.id == "browser-frontend" {
            e.state = EdgeState::Down(why.to_owned());
        } else if e.from != Node::Browser {
            e.state = EdgeState::Unknown(format!("this page's server does not answer: {why}"));
            e.traffic = None;
        }
    }
    edges
}

/// The nodes the edges use, in column order (the browser and the three services always).
pub fn nodes(edges: &[Edge]) -> Vec<Node> {
    Node::ALL
        .into_iter()
        .filter(|n| {
            matches!(
                n,
                Node::Browser | Node::Frontend | Node::Backend | Node::Favorites
            ) || edges.iter().any(|e| e.from == *n || e.to == *n)
        })
        .collect()
}

/// The second line of a node's box: the replica that answered, `3 replicas` under Swarm,
/// the address of an outside end.
pub fn node_detail(node: Node, view: &NetworkView, edges: &[Edge]) -> String {
    let replicas = |upstream: &str| {
        view.frontend
            .connections
            .iter()
            .find(|c| c.upstream == upstream)
            .map(|c| c.replicas.len())
            .filter(|n| *n > 0)
    };
    let short = |r: &Result<Report, String>, upstream: &str| match replicas(upstream) {
        Some(n) => format!("{n} replicas"),
        None => r
            .as_ref()
            .map(|r| r.hostname.clone())
            .unwrap_or_else(|_| "no report".into()),
    };
    let address_to = |n: Node| {
        edges
            .iter()
            .find(|e| e.to == n)
            .map(|e| e.address.clone())
            .unwrap_or_default()
    };
    match node {
        Node::Browser => "on the host".into(),
        Node::Frontend => view.frontend.hostname.clone(),
        Node::Backend => short(&view.backend, "goals API"),
        Node::Favorites => short(&view.favorites, "favorites service"),
        Node::MongoDb => "MongoDB".into(),
        Node::Prometheus => "scrapes every 5 s".into(),
        Node::Grafana => "dashboards".into(),
        Node::StandIn | Node::Internet | Node::HostDb | Node::HostApp => address_to(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use network_map::{Monitoring, ScrapeTarget};

    fn conn(upstream: &str, address: &str, ok: bool, case: Option<u8>) -> Connection {
        Connection {
            upstream: upstream.into(),
            address: address.into(),
            host: address.split(':').next().unwrap().into(),
            resolved: vec!["172.18.0.2".into()],
            replicas: vec![],
            ok,
            latency_ms: 1.5,
            error: (!ok).then(|| {
                "client error (Connect): tcp connect error: Connection refused (os error 111)"
                    .into()
            }),
            case,
            case_label: "container → container".into(),
            plays_case: None,
            note: None,
        }
    }

    fn report(service: &str, connections: Vec<Connection>) -> Report {
        Report {
            service: service.into(),
            hostname: "3f2a1c9b7d11".into(),
            in_container: true,
            connections,
        }
    }

    fn view(monitoring: Option<Monitoring>) -> NetworkView {
        NetworkView {
            frontend: report(
                "frontend",
                vec![
                    conn("goals API", "http://backend", true, Some(3)),
                    conn("favorites service", "http://favorites:3000", true, Some(3)),
                ],
            ),
            backend: Ok(report(
                "backend",
                vec![conn("MongoDB", "mongodb:27017", false, Some(3))],
            )),
            favorites: Err("connection refused".into()),
            monitoring,
        }
    }

    fn urls() -> ServiceUrls {
        ServiceUrls {
            goals_browser: "http://localhost".into(),
            favorites_browser: "http://localhost:3001".into(),
            ..Default::default()
        }
    }

    fn by(e: &[Edge], id: &str) -> Edge {
        e.iter().find(|x| x.id == id).unwrap().clone()
    }

    #[test]
    fn edges_follow_the_reports() {
        let e = edges(&view(None), &urls(), None, "http://localhost:3000");
        assert_eq!(by(&e, "frontend-backend").state, EdgeState::Ok(1.5));
        assert_eq!(
            by(&e, "frontend-backend").case,
            "case 3: container → container"
        );
        assert_eq!(by(&e, "backend-mongodb").state.short(), "refused");
        assert!(by(&e, "backend-mongodb")
            .state
            .detail()
            .unwrap()
            .contains("os error 111"));
        assert!(
            matches!(by(&e, "favorites-mongodb").state, EdgeState::Unknown(ref why) if why.contains("no report from favorites"))
        );
        assert!(matches!(
            by(&e, "browser-backend").state,
            EdgeState::Unknown(_)
        ));
        assert_eq!(by(&e, "browser-backend").address, "http://localhost");
        assert!(!e.iter().any(|x| x.to == Node::Prometheus));
        let probes = (
            BrowserProbe {
                ok: true,
                latency_ms: 2.0,
                served_by: None,
                error: None,
            },
            BrowserProbe {
                ok: false,
                latency_ms: 3000.0,
                served_by: None,
                error: Some("timed out".into()),
            },
        );
        let e = edges(&view(None), &urls(), Some(&probes), "http://localhost:3000");
        assert_eq!(by(&e, "browser-backend").state, EdgeState::Ok(2.0));
        assert_eq!(by(&e, "browser-favorites").state.short(), "timed out");
    }

    #[test]
    fn the_monitoring_profile_adds_its_paths_and_the_traffic() {
        let monitoring = Monitoring {
            prometheus: conn("Prometheus", "http://prometheus:9090", true, Some(3)),
            grafana: Some(conn("Grafana", "http://grafana:3000", true, Some(3))),
            targets: vec![
                ScrapeTarget {
                    job: "backend".into(),
                    address: "backend:80".into(),
                    up: true,
                    error: None,
                    case: Some(3),
                },
                ScrapeTarget {
                    job: "host".into(),
                    address: "host.docker.internal:8089".into(),
                    up: false,
                    error: Some("dial tcp 172.17.0.1:8089: connect: connection refused".into()),
                    case: Some(2),
                },
            ],
            traffic: vec![PathTraffic {
                path: "browser-backend".into(),
                requests_per_s: 12.34,
                errors_per_s: 0.25,
                metric: "sum(rate(http_requests_total[1m]))".into(),
            }],
            error: None,
        };
        let e = edges(
            &view(Some(monitoring)),
            &urls(),
            None,
            "http://localhost:3000",
        );
        let host = by(&e, "prometheus-host");
        assert_eq!(
            (host.to, host.state.short().as_str()),
            (Node::HostApp, "refused")
        );
        assert_eq!(host.case, "case 2: container → host");
        assert_eq!(by(&e, "prometheus-backend").to, Node::Backend);
        assert_eq!(
            by(&e, "grafana-prometheus").address,
            "http://prometheus:9090"
        );
        let browser = by(&e, "browser-backend");
        assert_eq!(
            browser.traffic.as_ref().unwrap().text(),
            "12 req/s, 0.2 errors/s"
        );
        assert!(
            browser.label().ends_with("12 req/s, 0.2 errors/s"),
            "{}",
            browser.label()
        );
        assert!(nodes(&e).contains(&Node::HostApp));
        assert!(nodes(&e).contains(&Node::Grafana));
    }

    #[test]
    fn errors_become_a_few_words() {
        for (error, short) in [
            (
                "client error (Connect): tcp connect error: Connection refused (os error 111)",
                "refused",
            ),
            ("net::ERR_CONNECTION_REFUSED", "refused"),
            ("operation timed out", "timed out"),
            (
                "dns error: failed to lookup address information: Name or service not known",
                "no such name",
            ),
            ("answered 503 Service Unavailable", "answered 503"),
            ("server returned HTTP 502", "answered 502"),
            (
                "error sending request for url (http://127.0.0.1:5000/healthz)",
                "no answer",
            ),
            ("something else", "no answer"),
        ] {
            assert_eq!(short_reason(error), short, "{error}");
        }
    }

    #[test]
    fn a_server_gone_keeps_the_browser_probes() {
        let probes = (
            BrowserProbe {
                ok: true,
                latency_ms: 2.0,
                served_by: None,
                error: None,
            },
            BrowserProbe {
                ok: true,
                latency_ms: 2.0,
                served_by: None,
                error: None,
            },
        );
        let e = edges(&view(None), &urls(), Some(&probes), "http://localhost:3000");
        let e = without_server(e, "connection refused");
        assert_eq!(by(&e, "browser-backend").state, EdgeState::Ok(2.0));
        assert_eq!(by(&e, "browser-frontend").state.short(), "refused");
        assert_eq!(by(&e, "frontend-backend").state.class(), "unknown");
    }
}
