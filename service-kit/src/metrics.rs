//! Prometheus metrics: `GET /metrics` in the Prometheus text format (version 0.0.4), for
//! every service, from the `metrics` facade and its Prometheus exporter (the recorder only:
//! the service serves the route itself).
//!
//! What every service records here: `http_requests_total{route, method, status}` and
//! `http_request_duration_seconds{route, method}` (a histogram), where `route` is the route
//! *template* the request matched (`/goals/{id}`, never the raw path: a client cannot create
//! label values) or `unmatched`; `/metrics` itself is not counted. The services add their
//! own (the database's operations, SWAPI's answers, the frontend's upstream calls). No label
//! carries a secret: routes, methods, statuses, operation names, outcomes.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{OnceLock, RwLock};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower::{Layer, Service};

/// The route of `GET /metrics`.
pub const PATH: &str = "/metrics";

/// Buckets of the `*_seconds` histograms: 1 ms to 10 s.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Buckets of the `*_size` histograms (documents per group commit, callers per shared
/// read): 1 to 1000.
pub const SIZE_BUCKETS: [f64; 9] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 256.0, 1000.0];

/// How often the recorder's histograms are folded when nobody scrapes them: 5 s.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Every metric the project's services record, with its help text (`# HELP` in
/// `GET /metrics`; promtool wants one for each): the names are the contract of the Grafana
/// dashboard and of the network map's traffic queries. A metric is rendered only by the
/// services that record it. Names ending in `_total` are counters, the others histograms.
pub const CATALOGUE: [(&str, &str); 11] = [
    (
        "http_requests_total",
        "HTTP requests answered, by route template, method and status.",
    ),
    (
        "http_request_duration_seconds",
        "Time to answer an HTTP request, by route template and method, in seconds.",
    ),
    (
        "db_operations_total",
        "MongoDB operations, by operation and outcome (ok, error, busy: no slot within its wait).",
    ),
    (
        "db_operation_duration_seconds",
        "Time of a MongoDB operation, slot wait included, in seconds.",
    ),
    (
        "db_slot_wait_seconds",
        "Time an operation waited for one of the database slots, in seconds.",
    ),
    (
        "db_group_commit_batch_size",
        "Documents sent in one group-commit insert.",
    ),
    (
        "db_shared_read_callers_size",
        "Requests answered by one shared list read.",
    ),
    (
        "swapi_requests_total",
        "Requests to SWAPI, by resource and outcome (ok, 404, 502, 504).",
    ),
    (
        "swapi_request_duration_seconds",
        "Time of a request to SWAPI, by resource, in seconds.",
    ),
    (
        "upstream_requests_total",
        "The frontend server's requests to the APIs while rendering, by service and outcome.",
    ),
    (
        "upstream_request_duration_seconds",
        "Time of one of the frontend server's requests to an API, by service, in seconds.",
    ),
];

/// The process's recorder, installed the first time this is called (the services, their
/// tests: one per process); what `GET /metrics` renders.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Suffix("_size".into()), &SIZE_BUCKETS)
                })
                .expect("bucket lists are not empty")
                .build_recorder();
            let handle = recorder.handle();
            // the first recorder wins; nothing else of the process installs one
            let _ = metrics::set_global_recorder(recorder);
            for (name, help) in CATALOGUE {
                if name.ends_with("_total") {
                    metrics::describe_counter!(name, help);
                } else {
                    metrics::describe_histogram!(name, help);
                }
            }
            handle
        })
        .clone()
}

/// Folds the histograms every [`UPKEEP_EVERY`] (their samples wait for a scrape otherwise),
/// in the background of the current runtime.
pub fn spawn_upkeep() {
    let handle = handle();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(UPKEEP_EVERY).await;
            handle.run_upkeep();
        }
    });
}

/// `GET /metrics`: every metric of the process in the Prometheus text format.
pub async fn serve() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        handle().render(),
    )
        .into_response()
}

/// Layer (outside the router): counts each request that reaches it and its time by route
/// template, method and status; `/metrics` is not counted. Hand-written rather than
/// `from_fn`: a request passes through without a boxed future or a cloned service.
#[derive(Clone, Copy, Default)]
pub struct RecordHttpLayer;

impl<S> Layer<S> for RecordHttpLayer {
    type Service = RecordHttp<S>;
    fn layer(&self, inner: S) -> RecordHttp<S> {
        RecordHttp { inner }
    }
}

/// The service of [`RecordHttpLayer`].
#[derive(Clone)]
pub struct RecordHttp<S> {
    inner: S,
}

impl<S> Service<Request> for RecordHttp<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Recorded<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        Recorded {
            route: req.extensions().get::<MatchedPath>().cloned(),
            method: method_label(req.method()),
            t0: Instant::now(),
            inner: self.inner.call(req),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request on its way through [`RecordHttp`]: recorded when its response is ready.
    pub struct Recorded<F> {
        #[pin]
        inner: F,
        route: Option<MatchedPath>,
        method: &'static str,
        t0: Instant,
    }
}

impl<F, E> Future for Recorded<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = ready!(this.inner.poll(cx));
        if let Ok(res) = &out {
            // the router puts the template on the request it routes; seen here on the response
            let route = this
                .route
                .as_ref()
                .or_else(|| res.extensions().get::<RouteOf>().map(|r| &r.0));
            let route = route.map_or("unmatched", |r| r.as_str());
            if route != PATH {
                let took = this.t0.elapsed().as_secs_f64();
                HTTP.with(route, this.method, res.status().as_u16(), |h| {
                    h.requests.increment(1);
                    h.duration.record(took);
                });
            }
        }
        Poll::Ready(out)
    }
}

/// The handles of one route, method and status.
struct HttpHandles {
    requests: metrics::Counter,
    duration: metrics::Histogram,
}

/// The HTTP metrics' handles, registered once per route template, method and status (a
/// bounded set: templates, standard methods, statuses), so that a request records with no
/// allocation and no look-up in the recorder.
static HTTP: HttpFamily = HttpFamily(OnceLock::new());

type ByStatus = Vec<((&'static str, u16), HttpHandles)>;
struct HttpFamily(OnceLock<RwLock<HashMap<String, ByStatus>>>);

impl HttpFamily {
    fn with(&self, route: &str, method: &'static str, status: u16, f: impl FnOnce(&HttpHandles)) {
        let map = self.0.get_or_init(Default::default);
        let found = |by: &ByStatus| by.iter().position(|(k, _)| *k == (method, status));
        {
            let read = map.read().unwrap_or_else(|p| p.into_inner());
            if let Some(by) = read.get(route) {
                if let Some(i) = found(by) {
                    return f(&by[i].1);
                }
            }
        }
        let mut write = map.write().unwrap_or_else(|p| p.into_inner());
        let by = write.entry(route.to_owned()).or_default();
        let i = found(by).unwrap_or_else(|| {
            let labels = (route.to_owned(), status.to_string());
            by.push((
                (method, status),
                HttpHandles {
                    requests: metrics::counter!("http_requests_total", "route" => labels.0.clone(), "method" => method, "status" => labels.1),
                    duration: metrics::histogram!("http_request_duration_seconds", "route" => labels.0, "method" => method),
                },
            ));
            by.len() - 1
        });
        f(&by[i].1)
    }
}

/// Handles of one metric registered once per label set, for label values from a bounded set
/// known at compile time (`&'static str`s): what the database kit records with.
pub struct Family<K, H>(OnceLock<RwLock<HashMap<K, H>>>);

impl<K: std::hash::Hash + Eq + Copy, H> Family<K, H> {
    pub const fn new() -> Self {
        Family(OnceLock::new())
    }

    /// Runs `f` with the handle of `key`, registered with `register` the first time.
    pub fn with<R>(&self, key: K, register: impl FnOnce() -> H, f: impl FnOnce(&H) -> R) -> R {
        let map = self.0.get_or_init(Default::default);
        if let Some(h) = map.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return f(h);
        }
        let mut write = map.write().unwrap_or_else(|p| p.into_inner());
        f(write.entry(key).or_insert_with(register))
    }
}

impl<K: std::hash::Hash + Eq + Copy, H> Default for Family<K, H> {
    fn default() -> Self {
        Self::new()
    }
}

/// The route template a request matched, handed outwards on its response
/// ([`MarkRouteLayer`] inside the router, [`RecordHttpLayer`] outside it).
#[derive(Clone)]
pub struct RouteOf(pub MatchedPath);

/// Route layer: puts the matched route template on the response, for [`RecordHttpLayer`]
/// outside the router (where a request is not routed yet).
#[derive(Clone, Copy, Default)]
pub struct MarkRouteLayer;

impl<S> Layer<S> for MarkRouteLayer {
    type Service = MarkRoute<S>;
    fn layer(&self, inner: S) -> MarkRoute<S> {
        MarkRoute { inner }
    }
}

/// The service of [`MarkRouteLayer`].
#[derive(Clone)]
pub struct MarkRoute<S> {
    inner: S,
}

impl<S> Service<Request> for MarkRoute<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Marked<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        Marked {
            route: req.extensions().get::<MatchedPath>().cloned(),
            inner: self.inner.call(req),
        }
    }
}

pin_project_lite::pin_project! {
    /// A routed request on its way through [`MarkRoute`].
    pub struct Marked<F> {
        #[pin]
        inner: F,
        route: Option<MatchedPath>,
    }
}

impl<F, E> Future for Marked<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut out = ready!(this.inner.poll(cx));
        if let (Ok(res), Some(route)) = (&mut out, this.route.take()) {
            res.extensions_mut().insert(RouteOf(route));
        }
        Poll::Ready(out)
    }
}

/// A method as a label: the standard ones by name, anything else `other` (a client cannot
/// create label values).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    #[tokio::test]
    async fn requests_are_counted_by_route_template_never_by_raw_path() {
        let _ = handle();
        let app = Router::new()
            .route("/items/{id}", get(|| async { "ok" }))
            .route(PATH, get(serve))
            .route_layer(MarkRouteLayer)
            .layer(RecordHttpLayer);
        for uri in ["/items/1", "/items/2", "/nope/x", "/metrics"] {
            let req = Request::get(uri).body(axum::body::Body::empty()).unwrap();
            app.clone().oneshot(req).await.unwrap();
        }
        let text = handle().render();
        assert!(
            text.contains(
                r#"http_requests_total{route="/items/{id}",method="GET",status="200"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"http_requests_total{route="unmatched",method="GET",status="404"} 1"#),
            "{text}"
        );
        assert!(
            !text.contains("/items/1") && !text.contains("/nope"),
            "{text}"
        );
        assert!(!text.contains(r#"route="/metrics""#), "{text}");
        assert!(
            text.contains("http_request_duration_seconds_bucket"),
            "{text}"
        );
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        // promtool's lint: every metric rendered has its help text
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let name = line.split(['{', ' ']).next().unwrap();
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .unwrap_or(name);
            assert!(
                text.contains(&format!("# HELP {family} ")),
                "no help text for {family}:\n{text}"
            );
        }
    }
}
