//! `/network`: the stack drawn as the course draws it, live. The host with the browser,
//! the user-defined network with its containers, the internet and the host's own
//! services; every path an edge labelled with the course's case and the exact address,
//! green when it answers, red with the reason when it does not.
//!
//! Server-side edges come from where that code runs: the frontend server's own probes
//! of the services by their internal URLs, and each service's `GET /connections`.
//! Browser edges are probed by the hydrated page itself, against the published URLs.
//! In the browser the map refreshes every [`REFRESH`].

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use network_map::{Connection, NetworkView, Report};

use crate::api::{self, sendable, ApiError, BrowserProbe};
use crate::urls::ServiceUrls;
use crate::widgets::Hydrated;

/// How often the page probes again, in the browser.
pub const REFRESH: Duration = Duration::from_secs(3);

/// Where each node sits in the drawing (its centre), in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Node {
    Browser,
    Frontend,
    Backend,
    Favorites,
    MongoDb,
    StandIn,
    Internet,
    HostDb,
}

impl Node {
    fn at(self) -> (f64, f64) {
        match self {
            Node::Browser => (110.0, 90.0),
            Node::Frontend => (390.0, 200.0),
            Node::Backend => (380.0, 350.0),
            Node::Favorites => (620.0, 280.0),
            Node::MongoDb => (500.0, 470.0),
            Node::StandIn => (640.0, 190.0),
            Node::Internet => (860.0, 150.0),
            Node::HostDb => (860.0, 470.0),
        }
    }
}

/// The state of one path.
#[derive(Clone, Debug, PartialEq)]
pub enum EdgeState {
    /// It answered, in this many milliseconds.
    Ok(f64),
    /// It did not, and why.
    Down(String),
    /// Not known (yet): why.
    Unknown(String),
}

impl EdgeState {
    fn class(&self) -> &'static str {
        match self {
            EdgeState::Ok(_) => "ok",
            EdgeState::Down(_) => "down",
            EdgeState::Unknown(_) => "unknown",
        }
    }

    fn text(&self) -> String {
        match self {
            EdgeState::Ok(ms) if *ms > 0.0 => format!("answers ({ms:.1} ms)"),
            EdgeState::Ok(_) => "answers".to_owned(),
            EdgeState::Down(why) | EdgeState::Unknown(why) => why.clone(),
        }
    }
}

/// One path of the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Stable name, e.g. `backend-mongodb` (the page's `data-edge`).
    pub id: &'static str,
    from: Node,
    to: Node,
    /// Who sends the requests: `your browser (on the host)`, `frontend server`, …
    pub who: String,
    /// The exact address used.
    pub address: String,
    /// The course's case, and what it says.
    pub case: String,
    pub state: EdgeState,
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
    id: &'static str,
    from: Node,
    to: Node,
    who: &str,
    c: Option<&Connection>,
    missing: &str,
) -> Edge {
    match c {
        Some(c) => Edge {
            id,
            from,
            to,
            who: who.into(),
            address: c.address.clone(),
            case: case_text(c),
            state: state_of(c),
        },
        None => Edge {
            id,
            from,
            to,
            who: who.into(),
            address: "?".into(),
            case: "?".into(),
            state: EdgeState::Unknown(missing.into()),
        },
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
    let browser_edge = |id, to, address: &str, probe: Option<&BrowserProbe>| Edge {
        id,
        from: Node::Browser,
        to,
        who: "your browser (on the host)".into(),
        address: address.into(),
        case: "host → a published port".into(),
        state: match probe {
            None => EdgeState::Unknown("probed by your browser once the page has loaded".into()),
            Some(p) if p.ok => EdgeState::Ok(p.latency_ms),
            Some(p) => EdgeState::Down(p.error.clone().unwrap_or_else(|| "no answer".into())),
        },
    };
    let no_report = |svc: &str, r: &Result<Report, String>| match r {
        Ok(_) => String::new(),
        Err(e) => format!("no report from {svc}: {e}"),
    };
    let fav_db = connection(&view.favorites, "MongoDB");
    let fav_swapi = connection(&view.favorites, "SWAPI");
    vec![
        Edge {
            id: "browser-frontend",
            from: Node::Browser,
            to: Node::Frontend,
            who: "your browser (on the host)".into(),
            address: page.into(),
            case: "host → a published port".into(),
            state: EdgeState::Ok(0.0),
        },
        browser_edge(
            "browser-backend",
            Node::Backend,
            &urls.goals_browser,
            browser.map(|b| &b.0),
        ),
        browser_edge(
            "browser-favorites",
            Node::Favorites,
            &urls.favorites_browser,
            browser.map(|b| &b.1),
        ),
        from_report(
            "frontend-backend",
            Node::Frontend,
            Node::Backend,
            "frontend server",
            view.frontend.connections.first(),
            "no probe",
        ),
        from_report(
            "frontend-favorites",
            Node::Frontend,
            Node::Favorites,
            "frontend server",
            view.frontend.connections.get(1),
            "no probe",
        ),
        from_report(
            "backend-mongodb",
            Node::Backend,
            Node::MongoDb,
            "backend",
            connection(&view.backend, "MongoDB"),
            &no_report("the backend", &view.backend),
        ),
        from_report(
            "favorites-mongodb",
            Node::Favorites,
            if fav_db.is_some_and(|c| c.case == Some(2)) {
                Node::HostDb
            } else {
                Node::MongoDb
            },
            "favorites",
            fav_db,
            &no_report("favorites", &view.favorites),
        ),
        from_report(
            "favorites-swapi",
            Node::Favorites,
            if fav_swapi.is_some_and(|c| c.case == Some(1)) {
                Node::Internet
            } else {
                Node::StandIn
            },
            "favorites",
            fav_swapi,
            &no_report("favorites", &view.favorites),
        ),
    ]
}

/// A node's label and the replica (host name) that answered for it.
fn node_label(node: Node, view: &NetworkView, edges: &[Edge]) -> Option<(String, String)> {
    // "3 replicas" when Swarm's DNS knows the service's tasks, else the host name of the
    // replica that answered
    let replicas = |edge: &str| {
        view.frontend
            .connections
            .iter()
            .find(|c| c.upstream == edge)
            .map(|c| c.replicas.len())
            .filter(|n| *n > 0)
    };
    let short = |r: &Result<Report, String>, edge: &str| match replicas(edge) {
        Some(n) => format!("{n} replicas"),
        None => r
            .as_ref()
            .map(|r| r.hostname.chars().take(12).collect::<String>())
            .unwrap_or_else(|_| "no report".into()),
    };
    let used = |n: Node| edges.iter().any(|e| e.to == n);
    let host_of = |id: &str| {
        edges
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.address.clone())
            .unwrap_or_default()
    };
    Some(match node {
        Node::Browser => ("Your browser".into(), "on the host".into()),
        Node::Frontend => (
            "frontend".into(),
            view.frontend.hostname.chars().take(12).collect(),
        ),
        Node::Backend => ("backend".into(), short(&view.backend, "goals API")),
        Node::Favorites => (
            "favorites".into(),
            short(&view.favorites, "favorites service"),
        ),
        Node::MongoDb if used(Node::MongoDb) => ("mongodb".into(), "MongoDB".into()),
        Node::StandIn if used(Node::StandIn) => {
            ("SWAPI stand-in".into(), host_of("favorites-swapi"))
        }
        Node::Internet if used(Node::Internet) => ("Internet".into(), host_of("favorites-swapi")),
        Node::HostDb if used(Node::HostDb) => {
            ("MongoDB on the host".into(), host_of("favorites-mongodb"))
        }
        _ => return None,
    })
}

const NODES: [Node; 8] = [
    Node::Browser,
    Node::Frontend,
    Node::Backend,
    Node::Favorites,
    Node::MongoDb,
    Node::StandIn,
    Node::Internet,
    Node::HostDb,
];

/// The drawing: SVG made here, no chart library.
#[component]
fn Diagram(view: NetworkView, edges: Vec<Edge>) -> impl IntoView {
    let local = !view.frontend.in_container;
    let network_label = if local {
        "A local run: processes on this machine"
    } else {
        "goals-net: a user-defined bridge network"
    };
    let lines = edges
        .iter()
        .map(|e| {
            let (x1, y1) = e.from.at();
            let (x2, y2) = e.to.at();
            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 6.0);
            let class = format!("edge edge-{}", e.state.class());
            let label = match &e.state {
                EdgeState::Down(why) => format!("✗ {}", truncate(why, 42)),
                _ => truncate(&e.address, 34),
            };
            view! {
                <g class=class data-edge=e.id>
                    <line x1=x1 y1=y1 x2=x2 y2=y2 />
                    <text x=mx y=my text-anchor="middle" class="edge-label">{label}</text>
                </g>
            }
        })
        .collect_view();
    let nodes = NODES
        .iter()
        .filter_map(|n| node_label(*n, &view, &edges).map(|l| (*n, l)))
        .map(|(n, (name, sub))| {
            let (x, y) = n.at();
            view! {
                <g class="node">
                    <rect x=x - 75.0 y=y - 24.0 width="150" height="48" rx="8" />
                    <text x=x y=y - 4.0 text-anchor="middle" class="node-name">{name}</text>
                    <text x=x y=y + 14.0 text-anchor="middle" class="node-sub">{truncate(&sub, 24)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="network-map" viewBox="0 0 980 560" role="img" aria-label="The stack's network: who talks to whom">
            <rect class="zone zone-host" x="8" y="8" width="964" height="544" rx="14" />
            <text class="zone-label" x="24" y="34">"Your machine (the Docker host)"</text>
            <rect class="zone zone-net" x="270" y="110" width="480" height="410" rx="12" />
            <text class="zone-label" x="284" y="134">{network_label}</text>
            <rect class="zone zone-www" x="770" y="70" width="196" height="150" rx="60" />
            <text class="zone-label" x="790" y="96">"The internet"</text>
            {lines}
            {nodes}
        </svg>
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

/// The same paths as a table: every edge with who sends, the address, the case and the
/// state (what a screen reader reads, and what the tests look at).
#[component]
fn EdgeTable(edges: Vec<Edge>) -> impl IntoView {
    let rows = edges
        .into_iter()
        .map(|e| {
            let state = e.state.class();
            view! {
                <tr data-edge=e.id data-state=state>
                    <td>{e.who}</td>
                    <td><code>{e.address}</code></td>
                    <td>{e.case}</td>
                    <td class=format!("state state-{state}")>{e.state.text()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="edges">
            <thead>
                <tr><th>"from"</th><th>"address used"</th><th>"course case"</th><th>"now"</th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
pub fn NetworkPage() -> impl IntoView {
    let urls = expect_context::<ServiceUrls>();
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let tick = RwSignal::new(0u32);
    let network = Resource::new(move || tick.get(), {
        let urls = urls.clone();
        move |_| {
            let urls = urls.clone();
            sendable(async move { api::network_view(&urls).await })
        }
    });
    let browser = RwSignal::new(None::<(BrowserProbe, BrowserProbe)>);

    // In the browser: probe the published URLs now and every REFRESH, and read the
    // server's view again each time.
    Effect::new({
        let urls = urls.clone();
        move |_| {
            let probe = {
                let urls = urls.clone();
                move || {
                    let urls = urls.clone();
                    leptos::task::spawn_local(async move {
                        let (goals, favorites) = futures::join!(
                            api::probe_from_browser(&urls.goals_browser),
                            api::probe_from_browser(&urls.favorites_browser)
                        );
                        browser.set(Some((goals, favorites)));
                    });
                }
            };
            probe();
            if let Ok(handle) = set_interval_with_handle(
                move || {
                    tick.update(|n| *n += 1);
                    probe();
                },
                REFRESH,
            ) {
                on_cleanup(move || handle.clear());
            }
        }
    });

    let page = move || {
        if hydrated.get() {
            window().location().origin().unwrap_or_default()
        } else {
            "this page's address".to_owned()
        }
    };

    view! {
        <Title text="Network" />
        <section class="hero">
            <h1>"Who talks to whom"</h1>
            <p class="lead">
                "The course's three communication cases, live: "
                <strong>"1"</strong>" container → WWW, "
                <strong>"2"</strong>" container → host, "
                <strong>"3"</strong>" container → container. "
                "Requests from the frontend server stay inside the network and use service names; "
                "requests from your browser come from the host and use the published ports. "
                "Stop a service (" <code>"docker compose stop mongodb"</code>
                ") and watch its paths turn red."
            </p>
        </section>
        <section class="card card-wide network-card">
            <Transition fallback=|| view! { <p>"Probing the network…"</p> }>
                {move || {
                    network
                        .get()
                        .map(|result: Result<NetworkView, ApiError>| match result {
                            Err(e) => view! { <p class="alert alert-error">{e.to_string()}</p> }.into_any(),
                            Ok(view) => {
                                let edges = edges(&view, &urls, browser.get().as_ref(), &page());
                                view! {
                                    <Diagram view=view edges=edges.clone() />
                                    <EdgeTable edges=edges />
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <p class="hint">
                {move || if hydrated.get() {
                    format!("Refreshed every {} s by this page.", REFRESH.as_secs())
                } else {
                    "Rendered on the server; the page refreshes itself once its code has loaded.".to_owned()
                }}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(upstream: &str, address: &str, ok: bool, case: Option<u8>) -> Connection {
        Connection {
            upstream: upstream.into(),
            address: address.into(),
            host: address.split(':').next().unwrap().into(),
            resolved: vec!["172.18.0.2".into()],
            replicas: vec![],
            ok,
            latency_ms: 1.5,
            error: (!ok).then(|| "connection refused".into()),
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

    #[test]
    fn edges_follow_the_reports() {
        let view = NetworkView {
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
            monitoring: None,
        };
        let urls = ServiceUrls {
            goals_browser: "http://localhost".into(),
            favorites_browser: "http://localhost:3001".into(),
            ..Default::default()
        };
        let e = edges(&view, &urls, None, "http://localhost:3000");
        let by = |id: &str| e.iter().find(|x| x.id == id).unwrap().clone();
        assert_eq!(by("frontend-backend").state, EdgeState::Ok(1.5));
        assert_eq!(by("frontend-backend").case, "case 3: container → container");
        assert_eq!(
            by("backend-mongodb").state,
            EdgeState::Down("connection refused".into())
        );
        assert!(
            matches!(by("favorites-mongodb").state, EdgeState::Unknown(ref why) if why.contains("no report from favorites"))
        );
        assert!(matches!(by("browser-backend").state, EdgeState::Unknown(_)));
        assert_eq!(by("browser-backend").address, "http://localhost");
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
        let e = edges(&view, &urls, Some(&probes), "http://localhost:3000");
        let by = |id: &str| e.iter().find(|x| x.id == id).unwrap().clone();
        assert_eq!(by("browser-backend").state, EdgeState::Ok(2.0));
        assert_eq!(
            by("browser-favorites").state,
            EdgeState::Down("timed out".into())
        );
    }
}
