//! `/network`: the stack drawn as the course draws it, live. The host with the browser,
//! the user-defined network with its containers, the internet and the host's own
//! services; every path an arrow labelled with the exact address, green when it answers,
//! red with a short reason when it does not (the whole reason in the table), and with the
//! monitoring profile the traffic Prometheus measured on it.
//!
//! Server-side edges come from where that code runs: the frontend server's own probes
//! of the services by their internal URLs, and each service's `GET /connections`.
//! Browser edges are probed by the hydrated page itself, against the published URLs.
//! In the browser the map refreshes every [`REFRESH`]. On a narrow screen the paths are
//! cards instead of a drawing (the table, styled).

mod edges;
mod layout;

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use network_map::NetworkView;

pub use edges::{edges, short_reason, Edge, EdgeState, Node};
use layout::{Layout, BOX_HEIGHT, BOX_TOP, BOX_WIDTH};

use crate::api::{self, sendable, ApiError, BrowserProbe};
use crate::urls::ServiceUrls;
use crate::widgets::Hydrated;

/// A map of more columns than this is drawn on wide screens only (`.network-map.wide`).
const WIDE: usize = 7;

/// How often the page probes again, in the browser.
pub const REFRESH: Duration = Duration::from_secs(3);

/// The drawing: SVG made here, no chart library (see [`layout`]).
#[component]
fn Diagram(view: NetworkView, edges: Vec<Edge>) -> impl IntoView {
    let nodes = edges::nodes(&edges);
    let layout = Layout::new(&nodes, &edges);
    let zone_label = |z: edges::Zone| match z {
        edges::Zone::Host => "Your machine (the Docker host)",
        edges::Zone::Network if !view.frontend.in_container => {
            "A local run: processes on this machine"
        }
        edges::Zone::Network => "goals-net: a user-defined bridge network",
        edges::Zone::Internet => "The internet",
    };
    let zones = layout
        .zones
        .iter()
        .map(|z| {
            let (class, lx, ly) = match z.zone {
                edges::Zone::Host => ("zone zone-host", z.x + 14.0, z.y + 22.0),
                edges::Zone::Network => ("zone zone-net", z.x + 12.0, z.y + 22.0),
                edges::Zone::Internet => ("zone zone-www", z.x + 12.0, z.y + 22.0),
            };
            view! {
                <rect class=class x=z.x y=z.y width=z.width height=z.height rx="12" />
                <text class="zone-label" x=lx y=ly>{zone_label(z.zone)}</text>
            }
        })
        .collect_view();
    let bottom = layout.height - 20.0;
    let boxes = layout
        .columns
        .iter()
        .map(|(n, x)| {
            let x = *x;
            let detail = edges::node_detail(*n, &view, &edges);
            view! {
                <g class="node" data-node=n.name()>
                    <line class="lifeline" x1=x y1=BOX_TOP + BOX_HEIGHT x2=x y2=bottom />
                    <rect x=x - BOX_WIDTH / 2.0 y=BOX_TOP width=BOX_WIDTH height=BOX_HEIGHT rx="8" />
                    <text x=x y=BOX_TOP + 19.0 text-anchor="middle" class="node-name">{n.name()}</text>
                    <text x=x y=BOX_TOP + 36.0 text-anchor="middle" class="node-sub">
                        {truncate(&detail, 20)}
                        <title>{detail.clone()}</title>
                    </text>
                </g>
            }
        })
        .collect_view();
    let arrows = edges
        .iter()
        .zip(&layout.rows)
        .map(|(e, r)| {
            let class = format!("edge edge-{}", e.state.class());
            // the arrow stops short of the receiver's lifeline, its head ends there
            let dir = if r.x2 >= r.x1 { 1.0 } else { -1.0 };
            let title = match e.state.detail() {
                Some(why) => format!("{} → {}: {}", e.from.name(), e.to.name(), why),
                None => format!("{} → {}: {}", e.from.name(), e.to.name(), e.case),
            };
            view! {
                <g class=class data-edge=e.id.clone() data-from=e.from.name() data-to=e.to.name()>
                    <title>{title}</title>
                    <circle cx=r.x1 cy=r.y r="4" />
                    <line x1=r.x1 y1=r.y x2=r.x2 - dir * 8.0 y2=r.y marker-end=format!("url(#arrow-{})", e.state.class()) />
                    <text x=r.label_x y=r.label_y text-anchor=r.anchor class="edge-label">{e.label()}</text>
                </g>
            }
        })
        .collect_view();
    let view_box = format!("0 0 {:.0} {:.0}", layout.width, layout.height);
    // too many columns to read on a narrow screen: the stylesheet shows the table alone there
    let class = if layout.columns.len() > WIDE {
        "network-map wide"
    } else {
        "network-map"
    };
    view! {
        <svg class=class viewBox=view_box role="img" aria-label="The stack's network: who talks to whom">
            <defs>
                {["ok", "down", "unknown"].map(|state| view! {
                    <marker id=format!("arrow-{state}") class=format!("arrow-{state}") viewBox="0 0 10 10" refX="2" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                })}
            </defs>
            {zones}
            {boxes}
            {arrows}
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

/// The same paths as a table: every edge with who sends, the address, the case, the state
/// in a few words (the whole reason on demand) and the traffic. What a screen reader reads,
/// what the tests look at, and on a phone the map itself (each row a card).
#[component]
fn EdgeTable(edges: Vec<Edge>) -> impl IntoView {
    let monitored = edges.iter().any(|e| e.traffic.is_some());
    let rows = edges
        .into_iter()
        .map(|e| {
            let state = e.state.class();
            let detail = e.state.detail().map(str::to_owned).filter(|d| !d.is_empty());
            let rps = e.traffic.as_ref().map(|t| format!("{:.3}", t.requests_per_s));
            let traffic = monitored.then(|| match &e.traffic {
                Some(t) => view! { <td class="traffic" title=t.metric.clone()>{t.text()}</td> }.into_any(),
                None => view! { <td class="traffic">"not measured"</td> }.into_any(),
            });
            view! {
                <tr data-edge=e.id data-state=state data-rps=rps>
                    <td class="who">{e.who}</td>
                    <td class="address"><code>{e.address}</code></td>
                    <td class="case">{e.case}</td>
                    <td class=format!("state state-{state}")>
                        {match detail {
                            Some(d) => view! {
                                <details><summary>{e.state.short()}</summary><span class="why">{d}</span></details>
                            }.into_any(),
                            None => view! { <span>{e.state.short()}</span> }.into_any(),
                        }}
                    </td>
                    {traffic}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="edges">
            <thead>
                <tr><th>"from"</th><th>"address used"</th><th>"course case"</th><th>"now"</th>{monitored.then(|| view! { <th>"traffic (Prometheus)"</th> })}</tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {monitored.then(|| view! {
            <p class="hint traffic-hint">
                "Traffic: requests per second over the last minute, from Prometheus (each cell's query on hover). "
                "A service cannot tell your browser's requests from the frontend server's: a browser path is the "
                "service's API requests less the ones the frontend server sent."
            </p>
        })}
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
    // the server's last view, drawn again while it does not answer
    let last = StoredValue::new(None::<NetworkView>);

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
                            Ok(view) => {
                                last.set_value(Some(view.clone()));
                                let edges = edges(&view, &urls, browser.get().as_ref(), &page());
                                view! {
                                    <Diagram view=view edges=edges.clone() />
                                    <EdgeTable edges=edges />
                                }
                                    .into_any()
                            }
                            // the page's own server is gone: what it last saw, the browser's
                            // own probes as they are now
                            Err(e) => {
                                let why = e.to_string();
                                let banner = view! {
                                    <p class="alert alert-error" title=why.clone()>
                                        {format!("This page's server does not answer ({}): the server-side paths are as it last saw them.", short_reason(&why))}
                                    </p>
                                };
                                match last.get_value() {
                                    Some(view) => {
                                        let edges = edges::without_server(
                                            edges(&view, &urls, browser.get().as_ref(), &page()),
                                            &why,
                                        );
                                        view! {
                                            {banner}
                                            <Diagram view=view edges=edges.clone() />
                                            <EdgeTable edges=edges />
                                        }
                                            .into_any()
                                    }
                                    None => banner.into_any(),
                                }
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
