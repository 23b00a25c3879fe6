//! The frontend server: server-side rendering of the pages, the built assets with
//! cache headers, health endpoints, graceful shutdown.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::config::{Env as LeptosEnv, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use service_kit::server::{Service, StartError};
use service_kit::{ConfigError, Env};

use crate::app::{shell, App, AssetUrls};
use crate::config::Config;
use crate::live_reload;
use crate::render_thread::RenderThread;
use crate::urls::ServiceUrls;

/// The name `scripts/build-frontend.sh` gives the built files: `pkg/frontend.js`,
/// `pkg/frontend.wasm`, `pkg/frontend.css`.
pub const OUTPUT_NAME: &str = "frontend";
pub const PKG_DIR: &str = "pkg";

/// `Cache-Control` of a file asked for with its current version (`?v=<hash>`): the
/// URL changes whenever the content does, so browsers may keep it for a year.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Anything else (no or an old version): revalidate every time (Last-Modified).
pub const CACHE_REVALIDATE: &str = "no-cache";

/// The built site: the files the page loads, and their versions (content hashes).
#[derive(Debug, Clone)]
pub struct Assets {
    pub urls: AssetUrls,
    /// Path below the site root (`pkg/frontend.js`) → version.
    versions: Arc<HashMap<String, String>>,
}

impl Assets {
    /// Reads the built site under `site_root`; a missing file is an error that says
    /// how to build it.
    pub fn load(site_root: &Path) -> Result<Self, ConfigError> {
        let files = [
            format!("{PKG_DIR}/{OUTPUT_NAME}.css"),
            format!("{PKG_DIR}/{OUTPUT_NAME}.js"),
            format!("{PKG_DIR}/{OUTPUT_NAME}.wasm"),
            "favicon.svg".to_owned(),
        ];
        let mut versions = HashMap::new();
        for file in &files {
            let path = site_root.join(file);
            let bytes = std::fs::read(&path).map_err(|e| {
                ConfigError::new(
                    "LEPTOS_SITE_ROOT",
                    format!(
                        "cannot read {} ({e}); build the site with scripts/build-frontend.sh \
                         or point LEPTOS_SITE_ROOT at it",
                        path.display()
                    ),
                )
            })?;
            versions.insert(file.clone(), version_of(&bytes));
        }
        let url = |file: &str| format!("/{file}?v={}", versions[file]);
        let urls = AssetUrls {
            css: url(&files[0]),
            js: url(&files[1]),
            wasm: url(&files[2]),
            favicon: url(&files[3]),
        };
        Ok(Self {
            urls,
            versions: Arc::new(versions),
        })
    }

    /// The current version of a file below the site root, if it is one of ours.
    pub fn version(&self, file: &str) -> Option<&str> {
        self.versions.get(file).map(String::as_str)
    }
}

/// A short content hash: changes whenever the bytes do.
fn version_of(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Runs the server until SIGTERM/SIGINT.
pub async fn run(config: Config) -> Result<(), StartError> {
    let listener = service_kit::server::listen(config.port).await?;
    let assets = Assets::load(&config.site_root)?;
    tracing::info!(
        site_root = %config.site_root.display(),
        goals_ssr = %config.urls.goals_ssr,
        goals_browser = %config.urls.goals_browser,
        favorites_ssr = %config.urls.favorites_ssr,
        favorites_browser = %config.urls.favorites_browser,
        live_reload = config.live_reload,
        "frontend starting"
    );
    if config.live_reload {
        tracing::info!(
            boot_id = live_reload::boot_id(),
            "live reload on (LIVE_RELOAD): open pages reload when a new build of this server starts"
        );
    }
    // pages on the render thread; health and readiness here, never behind a render
    let render = RenderThread::start()
        .map_err(|e| StartError::refused("PORT", format!("cannot start the render thread: {e}")))?;
    let health = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(service_kit::metrics::PATH, get(service_kit::metrics::serve));
    service_kit::server::serve(listener, render.in_front_of(health, app(&config, assets))).await
}

impl Service for Config {
    const NAME: &'static str = "frontend";
    const DEFAULT_PORT: u16 = crate::config::DEFAULT_PORT;
    /// Connections, health and the relay of pages on the runtime's threads; server-side
    /// rendering itself on one thread of its own ([`RenderThread`]). On several, Leptos'
    /// `<Transition>` (leptos 0.8.23, reactive_graph 0.2.16) reads its pending-task signal
    /// with a non-blocking `try_read` while a resource finishing on another thread holds the
    /// write lock, takes the failed read for a disposed signal and panics ("you tried to
    /// access a reactive value … already disposed", about one render in a hundred).
    const ONE_THREAD: bool = false;

    fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Config::from_env(env)
    }

    /// The built site must be where `LEPTOS_SITE_ROOT` says.
    async fn check(&self) -> Result<(), ConfigError> {
        Assets::load(&self.site_root).map(drop)
    }

    fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PORT", self.port.to_string()),
            ("LEPTOS_SITE_ROOT", self.site_root.display().to_string()),
            ("BACKEND_INTERNAL_URL", self.urls.goals_ssr.clone()),
            ("BACKEND_PUBLIC_URL", self.urls.goals_browser.clone()),
            ("FAVORITES_INTERNAL_URL", self.urls.favorites_ssr.clone()),
            ("FAVORITES_PUBLIC_URL", self.urls.favorites_browser.clone()),
            (
                "PROMETHEUS_URL",
                self.urls.prometheus.clone().unwrap_or_default(),
            ),
            ("GRAFANA_URL", self.urls.grafana.clone().unwrap_or_default()),
            (
                "LIVE_RELOAD",
                if self.live_reload { "1" } else { "0" }.into(),
            ),
        ]
    }

    async fn run(self) -> Result<(), StartError> {
        run(self).await
    }
}

/// The whole HTTP app.
pub fn app(config: &Config, assets: Assets) -> Router {
    let options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir(PKG_DIR)
        .env(if cfg!(debug_assertions) {
            LeptosEnv::DEV
        } else {
            LeptosEnv::PROD
        })
        .site_addr(std::net::SocketAddr::from(([0, 0, 0, 0], config.port)))
        .build();

    let render = {
        let urls: ServiceUrls = config.urls.clone();
        let asset_urls = assets.urls.clone();
        let script = config
            .live_reload
            .then(|| live_reload::script(live_reload::boot_id()));
        move || shell(urls.clone(), asset_urls.clone(), script.clone())
    };
    let not_found = leptos_axum::render_app_to_stream(render.clone());

    let files = ServiceBuilder::new()
        .layer(from_fn_with_state(assets.clone(), cache_control))
        .service(
            ServeDir::new(PathBuf::from(&config.site_root))
                .precompressed_gzip()
                .not_found_service(not_found.into_service()),
        );

    let urls = config.urls.clone();
    let goals_ssr = config.urls.goals_ssr.clone();
    let mut router = Router::new()
        .route(
            "/",
            axum::routing::post(move |form| add_goal_form(goals_ssr.clone(), form)),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            "/connections",
            get(move || {
                let urls = urls.clone();
                async move { Json(crate::network_probe::view(&urls).await) }
            }),
        );
    if config.live_reload {
        router = router.route(live_reload::ENDPOINT, get(live_reload_id));
    }
    let router = router
        .leptos_routes(&options, generate_route_list(App), render)
        .fallback_service(files)
        .with_state(options);
    // requests by route template (`/`, `/favorites`; the built files are `unmatched`)
    service_kit::http::with_metrics(router)
        .layer(axum::middleware::from_fn(canonical_path))
        .layer(axum::middleware::from_fn(html_errors))
        // pages and JSON compressed for clients that accept it; the precompressed assets
        // keep their own encoding
        .layer(CompressionLayer::new().gzip(true))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// `POST /` with the goal form (`text=…`), as a browser sends it before the page's code
/// has loaded or without JavaScript: the goal is saved through the goals API, then
/// 303 back to `/` (with `?error=…` when it could not be saved).
async fn add_goal_form(
    goals_ssr: String,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let text = form.get("text").map(String::as_str).unwrap_or_default();
    let to = match crate::api::add_goal(&goals_ssr, text).await {
        Ok(_) => "/".to_owned(),
        Err(e) => format!("/?error={}", crate::goals::FormError::of(&e).code()),
    };
    axum::response::Redirect::to(&to).into_response()
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// This server's boot id (live reload only), never cached.
async fn live_reload_id() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        live_reload::boot_id(),
    )
}

/// Ready while it serves: the pages render even when the backend is down (they say
/// so), so readiness does not depend on it.
async fn readyz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ready" }))
}

/// `Cache-Control` for static files: a year, immutable, when asked for with the
/// current `?v=` version; revalidate otherwise.
async fn cache_control(State(assets): State<Assets>, req: Request, next: Next) -> Response {
    let file = req.uri().path().trim_start_matches('/').to_owned();
    let asked = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("v=")))
        .map(str::to_owned);
    let immutable =
        matches!((assets.version(&file), asked.as_deref()), (Some(v), Some(a)) if v == a);
    let mut res = next.run(req).await;
    let status = res.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if immutable {
                CACHE_IMMUTABLE
            } else {
                CACHE_REVALIDATE
            }),
        );
        // the same URL answers gzip or not by the request's Accept-Encoding: a shared
        // cache must keep them apart
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res.into_response()
}

/// Middleware: an error answer the framework made (a form it could not read, a body too
/// large: plain text) becomes a small HTML page with the same status, as the rest of
/// this server answers in HTML. JSON and HTML answers are left alone.
async fn html_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let reason = status.canonical_reason().unwrap_or("Error");
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} {reason}</title></head>\
         <body><h1>{} {reason}</h1><p>{}</p><p><a href=\"/\">Course Goals</a></p></body></html>",
        status.as_u16(),
        status.as_u16(),
        escape(text.trim())
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, axum::body::Body::from(page))
}

/// Middleware: one canonical form for every page, without a trailing slash and with one
/// leading slash: `/favorites/` (or `/favorites//?page=2`) answers 308 to `/favorites`
/// (`?page=2`), so the server's router and the app's agree. The target is always a path
/// of this site ([`canonical_path_of`]): never `//host` or `/\host`, which a browser
/// follows to another site.
async fn canonical_path(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if let Some(canonical) = canonical_path_of(path) {
        let target = match req.uri().query() {
            Some(q) => format!("{canonical}?{q}"),
            None => canonical,
        };
        if let Ok(location) = HeaderValue::from_str(&target) {
            return (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// The canonical form of `path` when it is not canonical: one leading `/` (a leading
/// run of `/` and `\` collapsed), no trailing `/` (but `/` itself). `None` when `path`
/// is canonical already. What it returns starts with exactly one `/` followed by anything
/// but `/` or `\`: a path on this origin, whatever the request.
pub fn canonical_path_of(path: &str) -> Option<String> {
    let rest = path.trim_start_matches(['/', '\\']);
    let rest = rest.trim_end_matches('/');
    let canonical = format!("/{rest}");
    (canonical != path).then_some(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    /// Every test that builds the app takes its turn on one shared runtime: building the app
    /// (Leptos' route list, its executor) while another test renders a page made that render
    /// hang now and then (about one run in ten, with the default parallel test threads).
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    });
    static RENDERING: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn rendering<F: std::future::Future>(test: F) -> F::Output {
        let _turn = RENDERING.lock().unwrap_or_else(|e| e.into_inner());
        RUNTIME.block_on(test)
    }

    struct Site(PathBuf);

    impl Site {
        fn new() -> Self {
            let dir = std::env::temp_dir().join(format!(
                "frontend-site-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::create_dir_all(dir.join(PKG_DIR)).unwrap();
            for (file, body) in [
                ("pkg/frontend.css", "body{}"),
                ("pkg/frontend.js", "export default function(){}"),
                ("pkg/frontend.wasm", "\0asm"),
                ("favicon.svg", "<svg/>"),
            ] {
                std::fs::write(dir.join(file), body).unwrap();
            }
            Self(dir)
        }
    }

    impl Drop for Site {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn config(site: &Site) -> Config {
        // Nothing listens on port 9 of localhost: the services are "down".
        Config {
            port: 3000,
            site_root: site.0.clone(),
            urls: ServiceUrls {
                goals_ssr: "http://127.0.0.1:9".into(),
                goals_browser: "http://localhost:8081".into(),
                favorites_ssr: "http://127.0.0.1:9".into(),
                favorites_browser: "http://localhost:3001".into(),
                ..Default::default()
            },
            live_reload: false,
        }
    }

    async fn get(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let res = app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    #[test]
    fn pages_are_compressed_and_assets_vary_by_encoding() {
        rendering(async {
            let site = Site::new();
            std::fs::write(site.0.join("pkg/frontend.wasm.gz"), b"gz").unwrap();
            let app = app(&config(&site), Assets::load(&site.0).unwrap());
            let res = app
                .clone()
                .oneshot(
                    Request::get("/")
                        .header("accept-encoding", "gzip")
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(res.headers()["content-encoding"], "gzip");
            assert!(res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"));
            let (status, headers, _) = get(&app, "/pkg/frontend.wasm").await;
            assert_eq!(status, StatusCode::OK);
            let vary: Vec<_> = headers
                .get_all("vary")
                .iter()
                .map(|v| v.to_str().unwrap().to_ascii_lowercase())
                .collect();
            assert!(
                vary.iter().any(|v| v.contains("accept-encoding")),
                "{vary:?}"
            );
        })
    }

    #[test]
    fn trailing_slashes_redirect_to_the_one_canonical_page() {
        rendering(async {
            let site = Site::new();
            let app = app(&config(&site), Assets::load(&site.0).unwrap());
            for (from, to) in [
                ("/favorites/", "/favorites"),
                ("/network//", "/network"),
                ("/favorites/?page=2", "/favorites?page=2"),
                // a redirect never leaves the site: `//host` is another origin to a browser
                ("//evil.example/", "/evil.example"),
                ("///evil.example/", "/evil.example"),
                ("//evil.example", "/evil.example"),
                ("//evil.example/?x=1", "/evil.example?x=1"),
                ("/%2F%2Fevil.example/", "/%2F%2Fevil.example"),
                ("/%5Cevil.example/", "/%5Cevil.example"),
            ] {
                let (status, headers, _) = get(&app, from).await;
                assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{from}");
                assert_eq!(headers["location"], to, "{from}");
            }
            let (status, _, _) = get(&app, "/favorites").await;
            assert_eq!(status, StatusCode::OK);
            let (status, _, _) = get(&app, "/").await;
            assert_eq!(status, StatusCode::OK);
        })
    }

    #[test]
    fn a_canonical_path_never_names_another_origin() {
        for (from, to) in [
            ("/", None),
            ("/favorites", None),
            ("/favorites/", Some("/favorites")),
            ("//", Some("/")),
            ("//evil.example/", Some("/evil.example")),
            ("/\\evil.example/", Some("/evil.example")),
            ("/\\/evil.example", Some("/evil.example")),
            ("\\\\evil.example", Some("/evil.example")),
            ("/%2F%2Fevil.example/", Some("/%2F%2Fevil.example")),
        ] {
            assert_eq!(canonical_path_of(from).as_deref(), to, "{from}");
            if let Some(to) = to {
                let second = to.chars().nth(1);
                assert!(second != Some('/') && second != Some('\\'), "{to}");
            }
        }
    }

    #[test]
    fn a_plain_form_post_comes_back_with_the_error_when_it_cannot_be_saved() {
        rendering(async {
            let site = Site::new();
            let app = app(&config(&site), Assets::load(&site.0).unwrap());
            let res = app
                .clone()
                .oneshot(
                    Request::post("/")
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(Body::from("text=Learn+forms"))
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            let to = res.headers()["location"].to_str().unwrap().to_owned();
            assert_eq!(to, "/?error=unreachable");
            // and the page shows it
            let (status, _, html) = get(&app, &to).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("Could not reach the goals API"), "{html}");
            // any other text in the URL is never shown as the app's own
            let (_, _, html) = get(&app, "/?error=Your%20account%20is%20locked").await;
            assert!(!html.contains("account is locked"), "{html}");
        })
    }

    #[test]
    fn framework_rejections_are_html_pages_with_their_status() {
        rendering(async {
            let site = Site::new();
            let app = app(&config(&site), Assets::load(&site.0).unwrap());
            let huge = format!("text={}", "x".repeat(3 * 1024 * 1024));
            for (ctype, body, status) in [
                (
                    "application/json",
                    "{}".to_owned(),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ),
                (
                    "application/x-www-form-urlencoded",
                    huge,
                    StatusCode::PAYLOAD_TOO_LARGE,
                ),
            ] {
                let res = app
                    .clone()
                    .oneshot(
                        Request::post("/")
                            .header("content-type", ctype)
                            .body(Body::from(body))
                            .unwrap(),
                    )
                    .await
                    .unwrap();
                assert_eq!(res.status(), status, "{ctype}");
                assert!(
                    res.headers()["content-type"]
                        .to_str()
                        .unwrap()
                        .starts_with("text/html"),
                    "{ctype}"
                );
            }
        })
    }

    #[test]
    fn a_missing_site_says_how_to_build_it() {
        let err = Assets::load(Path::new("/nonexistent/site"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("LEPTOS_SITE_ROOT: cannot read /nonexistent/site/pkg/frontend.css"),
            "{err}"
        );
        assert!(err.contains("scripts/build-frontend.sh"), "{err}");
    }

    #[test]
    fn versions_follow_the_content() {
        let site = Site::new();
        let a = Assets::load(&site.0).unwrap();
        assert!(a.urls.js.starts_with("/pkg/frontend.js?v="), "{:?}", a.urls);
        assert!(
            a.urls.wasm.starts_with("/pkg/frontend.wasm?v="),
            "{:?}",
            a.urls
        );
        std::fs::write(site.0.join("pkg/frontend.js"), "changed").unwrap();
        let b = Assets::load(&site.0).unwrap();
        assert_ne!(a.urls.js, b.urls.js);
        assert_eq!(a.urls.css, b.urls.css);
    }

    #[test]
    fn static_files_have_types_and_cache_headers() {
        rendering(static_files())
    }

    async fn static_files() {
        let site = Site::new();
        let assets = Assets::load(&site.0).unwrap();
        let app = app(&config(&site), assets.clone());

        let (status, h, _) = get(&app, &assets.urls.wasm).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(h[header::CACHE_CONTROL], CACHE_IMMUTABLE);
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

        let (_, h, _) = get(&app, &assets.urls.js).await;
        assert_eq!(h[header::CONTENT_TYPE], "text/javascript");
        assert_eq!(h[header::CACHE_CONTROL], CACHE_IMMUTABLE);

        for stale in [
            "/pkg/frontend.css",
            "/pkg/frontend.css?v=0000",
            "/favicon.svg",
        ] {
            let (status, h, _) = get(&app, stale).await;
            assert_eq!(status, StatusCode::OK, "{stale}");
            assert_eq!(h[header::CACHE_CONTROL], CACHE_REVALIDATE, "{stale}");
        }
    }

    #[test]
    fn live_reload_is_off_by_default_and_serves_the_boot_id_when_on() {
        rendering(live_reload_off_and_on())
    }

    async fn live_reload_off_and_on() {
        let site = Site::new();
        let off = app(&config(&site), Assets::load(&site.0).unwrap());
        let (_, _, html) = get(&off, "/").await;
        assert!(!html.contains("live-reload"), "{html}");
        assert_eq!(
            get(&off, live_reload::ENDPOINT).await.0,
            StatusCode::NOT_FOUND
        );

        let on = app(
            &Config {
                live_reload: true,
                ..config(&site)
            },
            Assets::load(&site.0).unwrap(),
        );
        let (status, h, id) = get(&on, live_reload::ENDPOINT).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert_eq!(id, live_reload::boot_id());
        let (_, _, html) = get(&on, "/").await;
        let script = format!(
            "<script id=\"live-reload\">{}</script>",
            live_reload::script(&id)
        );
        assert!(html.contains(&script), "{html}");
        let head_end = html.find("</head>").unwrap();
        assert!(
            html.find(&script).unwrap() < head_end,
            "the script is in <head>, outside what hydrates"
        );
    }

    #[test]
    fn health_and_readiness_do_not_need_the_backend() {
        rendering(health_and_readiness())
    }

    async fn health_and_readiness() {
        let site = Site::new();
        let app = app(&config(&site), Assets::load(&site.0).unwrap());
        assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
        assert_eq!(get(&app, "/readyz").await.0, StatusCode::OK);
    }

    #[test]
    fn pages_render_on_the_server_with_a_readable_error_when_services_are_down() {
        rendering(pages_render_with_services_down())
    }

    async fn pages_render_with_services_down() {
        let site = Site::new();
        let assets = Assets::load(&site.0).unwrap();
        let app = app(&config(&site), assets.clone());

        let (status, h, html) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(html.contains("<title>Course Goals</title>"), "{html}");
        assert!(html.contains("Could not reach the goals API"), "{html}");
        assert!(
            html.contains(r#"<meta name="goals-api" content="http://localhost:8081">"#),
            "{html}"
        );
        assert!(
            html.contains(&assets.urls.wasm),
            "the boot script loads the versioned wasm"
        );

        let (status, _, html) = get(&app, "/favorites").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Could not reach the favorites service"),
            "{html}"
        );

        let (status, _, html) = get(&app, "/missing").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Page not found"), "{html}");
    }
}
