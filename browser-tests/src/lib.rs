//! Driving headless Chromium from tests: Debian's `chromium` and `chromedriver`
//! (`scripts/install-browser.sh`), fantoccini over WebDriver, the browser console
//! collected through chromedriver's log endpoint, and the build steps the tests need.
//!
//! Nothing here skips: a missing browser or wasm toolchain is a test failure that
//! says what to run.

pub mod map;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use test_support::{free_port, shared_mongo, workspace_root, ServiceProcess, TempDir};

/// Where the screenshots go: `test-artifacts/` at the workspace root.
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("create test-artifacts/");
    dir
}

/// `target/` of this workspace (or `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// A debug binary of this workspace, `target/debug/<name>`.
pub fn debug_bin(name: &str) -> PathBuf {
    target_dir().join("debug").join(name)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Variables cargo sets for the test process that describe *this* package. Build
/// scripts (ring's, cc's) declare `rerun-if-env-changed` on some of them, so passing
/// them on to a nested cargo would rebuild half the dependency tree each time a build
/// alternates between a shell and a test.
fn is_package_var(name: &str) -> bool {
    [
        "CARGO_PKG_",
        "CARGO_MANIFEST_",
        "CARGO_CRATE_",
        "CARGO_BIN_",
    ]
    .iter()
    .any(|p| name.starts_with(p))
        || matches!(
            name,
            "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR" | "CARGO_RUSTC_CURRENT_DIR" | "OUT_DIR"
        )
}

/// Runs a build command to the end; panics with its output when it fails.
fn run_build(what: &str, cmd: &mut Command, hint: &str) {
    let started = Instant::now();
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_package_var) {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}).\n{hint}\n--- output ---\n{text}",
        out.status
    );
    eprintln!("{what}: ok in {:.1} s", started.elapsed().as_secs_f64());
}

/// Builds the frontend (server with `ssr`, wasm with `hydrate`, the site) in debug
/// with `scripts/build-frontend.sh --no-install`: up to date in a few seconds when
/// nothing changed. Fails when the wasm toolchain is missing.
/// Once per test process: the tests of one file run side by side and share the site.
pub fn build_frontend() {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(build_frontend_now);
}

fn build_frontend_now() {
    run_build(
        "scripts/build-frontend.sh --no-install",
        Command::new("bash")
            .arg(workspace_root().join("scripts/build-frontend.sh"))
            .arg("--no-install"),
        "The browser test needs the wasm toolchain: run `bash scripts/build-frontend.sh` once \
         (it installs the wasm32 target and wasm-bindgen-cli at the version in Cargo.lock).",
    );
}

/// Builds the debug binaries of `packages` (`cargo build -p … --bins`), one build at a
/// time in this process.
pub fn build_bins(packages: &[&str]) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let mut cmd = Command::new(cargo());
    cmd.arg("build");
    for p in packages {
        cmd.args(["-p", p]);
    }
    cmd.arg("--bins");
    run_build(
        &format!("cargo build --bins -p {}", packages.join(" -p ")),
        &mut cmd,
        "",
    );
}

/// The goals backend (debug build) as a real process on a free port, on database `db` of
/// the MongoDB test server, ready; with the directory of its access log (removed on drop).
pub fn start_backend(db: &str) -> (ServiceProcess, TempDir) {
    let logs = TempDir::new("browser-backend-logs");
    let env = backend_env(db, &logs, free_port());
    (spawn_backend(&env), logs)
}

/// The backend's environment: database `db` of the MongoDB test server, its access log
/// in `logs`, listening on `port`.
fn backend_env(db: &str, logs: &TempDir, port: u16) -> Vec<(String, String)> {
    let mut env = shared_mongo().service_env();
    env.extend([
        ("MONGODB_DATABASE".to_owned(), db.to_owned()),
        ("LOG_DIR".to_owned(), logs.path().display().to_string()),
        ("PORT".to_owned(), port.to_string()),
    ]);
    env
}

/// The backend (debug build) started with `env` (from [`backend_env`]), ready.
fn spawn_backend(env: &[(String, String)]) -> ServiceProcess {
    let port = env
        .iter()
        .find(|(k, _)| k == "PORT")
        .and_then(|(_, v)| v.parse().ok())
        .expect("the backend's environment names its PORT");
    let mut backend = ServiceProcess::spawn(debug_bin("backend"), port, env);
    backend.wait_ready();
    backend
}

/// Chromium and chromedriver, from `CHROMIUM`/`CHROMEDRIVER` or Debian's paths.
pub fn browser_paths() -> (PathBuf, PathBuf) {
    let pick = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let chromium = pick("CHROMIUM", "/usr/bin/chromium");
    let driver = pick("CHROMEDRIVER", "/usr/bin/chromedriver");
    for (what, path) in [("chromium", &chromium), ("chromedriver", &driver)] {
        assert!(
            path.is_file(),
            "{what} not found at {}: the browser tests need Debian's chromium and chromium-driver. \
             Run `bash scripts/install-browser.sh` (or set CHROMIUM / CHROMEDRIVER).",
            path.display()
        );
    }
    (chromium, driver)
}

/// A chromedriver process on a port of its own, stopped on drop.
pub struct ChromeDriver {
    pub port: u16,
    child: Child,
    chromium: PathBuf,
    _profile: TempDir,
    profile: PathBuf,
}

impl ChromeDriver {
    pub fn start() -> Self {
        let (chromium, driver) = browser_paths();
        let port = free_port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not open port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = TempDir::new("chromium-profile");
        let path = profile.path().to_path_buf();
        Self {
            port,
            child,
            chromium,
            _profile: profile,
            profile: path,
        }
    }

    /// A new headless browser session: a fresh profile, no network chatter of its
    /// own, every console message kept.
    pub async fn session(&self) -> Client {
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", self.profile.display()),
                ]
            },
            "goog:loggingPrefs": { "browser": "ALL" }
        });
        let caps = match caps {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| panic!("cannot start a Chromium session via chromedriver: {e}"))
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser console entry, as chromedriver reports it.
#[derive(Debug, Clone)]
pub struct ConsoleEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    /// `console-api`, `javascript`, `network`, …
    pub source: String,
    pub message: String,
}

impl std::fmt::Display for ConsoleEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{} {}] {}", self.level, self.source, self.message)
    }
}

/// A chromedriver extension command: `POST session/{id}/{path}` with a JSON body (the
/// browser log, `se/log`; DevTools commands, `goog/cdp/execute`).
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: String,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}

/// The console entries since the last call (chromedriver hands each out once).
pub async fn take_console(client: &Client) -> Vec<ConsoleEntry> {
    let raw = client
        .issue_cmd(SessionPost {
            path: "se/log",
            body: r#"{"type":"browser"}"#.to_owned(),
        })
        .await
        .expect("reading the browser console through chromedriver");
    raw.as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| ConsoleEntry {
                    level: e["level"].as_str().unwrap_or_default().to_owned(),
                    source: e["source"].as_str().unwrap_or_default().to_owned(),
                    message: e["message"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until `check` returns `Some`, polling; panics with `what` after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The texts of all elements matching a CSS selector (empty when none).
pub async fn texts(client: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(elements) = client.find_all(Locator::Css(css)).await {
        for el in elements {
            if let Ok(t) = el.text().await {
                out.push(t);
            }
        }
    }
    out
}

/// Console entries that are errors or warnings (or speak of hydration), except the ones
/// whose message contains one of `expected`.
pub fn unexpected(entries: &[ConsoleEntry], expected: &[&str]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| {
            e.level == "SEVERE"
                || e.level == "WARNING"
                || e.message.to_lowercase().contains("hydrat")
        })
        .filter(|e| !expected.iter().any(|x| e.message.contains(x)))
        .map(ToString::to_string)
        .collect()
}

/// Waits until the page's wasm has hydrated it (`.app[data-hydrated=true]`), then
/// checks that hydration logged no error or warning. Returns the console entries it
/// read (chromedriver hands each out once), so callers can keep checking them.
pub async fn wait_hydrated(client: &Client) -> Vec<ConsoleEntry> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut console = Vec::new();
    loop {
        let done = client
            .find(Locator::Css(".app[data-hydrated='true']"))
            .await
            .is_ok();
        console.extend(take_console(client).await);
        let problems = unexpected(&console, &[]);
        assert!(
            problems.is_empty(),
            "the browser console reports problems while the page hydrates:\n{}",
            problems.join("\n")
        );
        if done {
            return console;
        }
        assert!(
            Instant::now() < deadline,
            "the page did not hydrate within 60 s (.app[data-hydrated=true] missing); console:\n{}",
            console
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Saves a PNG screenshot of the top of the page under `test-artifacts/`.
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    client
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .expect("scroll to the top");
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    let path = artifacts_dir().join(name);
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    eprintln!("screenshot: {}", path.display());
    path
}

/// The whole stack as real debug processes on free ports: the goals backend (on a fresh
/// database), the SWAPI stand-in, favorites and the frontend. The frontend server reaches
/// the services at 127.0.0.1 (standing in for service names inside a network), the
/// browser at `localhost` (the published ports). Stopped on drop.
pub struct Stack {
    pub backend: ServiceProcess,
    /// The goals backend's database on the MongoDB test server.
    pub goals_db: String,
    backend_env: Vec<(String, String)>,
    logs: TempDir,
    pub swapi: ServiceProcess,
    pub favorites: ServiceProcess,
    pub frontend: ServiceProcess,
}

impl Stack {
    /// Builds what is missing (the binaries, the site), then starts everything, ready.
    pub fn start(goals_db: &str) -> Self {
        Self::start_with(goals_db, None)
    }

    /// As [`Stack::start`], with the goals API the browser is sent to replaced by
    /// `backend_public` (e.g. a server that accepts and never answers).
    pub fn start_with(goals_db: &str, backend_public: Option<String>) -> Self {
        let _ = browser_paths();
        build_frontend();
        build_bins(&["backend", "favorites"]);
        let mongo = shared_mongo();
        let logs = TempDir::new("browser-backend-logs");
        let backend_port = free_port();
        let backend_env = backend_env(goals_db, &logs, backend_port);
        let backend = spawn_backend(&backend_env);

        let swapi_port = free_port();
        let mut swapi = ServiceProcess::spawn(
            debug_bin("swapi-standin"),
            swapi_port,
            &vars(&[("PORT", &swapi_port.to_string())]),
        );
        swapi.wait_serving();
        let favorites_port = free_port();
        let mut favorites = ServiceProcess::spawn(
            debug_bin("favorites"),
            favorites_port,
            &vars(&[
                (
                    "MONGODB_URL",
                    &mongo.url(&mongo.fresh_db("browser-favorites")),
                ),
                (
                    "SWAPI_BASE_URL",
                    &format!("http://127.0.0.1:{swapi_port}/api"),
                ),
                ("PORT", &favorites_port.to_string()),
            ]),
        );
        favorites.wait_ready();

        let frontend_port = free_port();
        let mut frontend = ServiceProcess::spawn(
            debug_bin("frontend"),
            frontend_port,
            &vars(&[
                ("PORT", &frontend_port.to_string()),
                (
                    "BACKEND_INTERNAL_URL",
                    &format!("http://127.0.0.1:{backend_port}"),
                ),
                (
                    "BACKEND_PUBLIC_URL",
                    &backend_public.unwrap_or_else(|| format!("http://localhost:{backend_port}")),
                ),
                (
                    "FAVORITES_INTERNAL_URL",
                    &format!("http://127.0.0.1:{favorites_port}"),
                ),
                (
                    "FAVORITES_PUBLIC_URL",
                    &format!("http://localhost:{favorites_port}"),
                ),
            ]),
        );
        frontend.wait_serving().wait_ready();
        Self {
            backend,
            goals_db: goals_db.to_owned(),
            backend_env,
            logs,
            swapi,
            favorites,
            frontend,
        }
    }

    /// The frontend page at `path`, as the browser opens it.
    pub fn page(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.frontend.port)
    }

    /// Stops the backend (SIGTERM, waits for it to exit).
    pub fn stop_backend(&mut self) {
        self.backend.terminate();
        self.backend
            .wait_exit(Duration::from_secs(10))
            .expect("the backend stops on SIGTERM");
    }

    /// Starts the backend again, on the same port and database, ready.
    pub fn restart_backend(&mut self) {
        self.backend = spawn_backend(&self.backend_env);
    }

    /// What the backend's access log holds so far.
    pub fn access_log(&self) -> String {
        let path = self.logs.path().join("access.log");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// One stack for every test of this test binary that asks: started (and built) by
    /// the first, on a fresh goals database; stopped when the test process exits. Tests
    /// on it run side by side: each keeps to data of its own and stops no service.
    pub fn shared() -> Arc<Stack> {
        static SHARED: Mutex<Option<Arc<Stack>>> = Mutex::new(None);
        // held while the first test starts it: the others wait for that stack
        let mut shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(stack) = &*shared {
            return stack.clone();
        }
        let stack = Arc::new(Stack::start(&shared_mongo().fresh_db("browser-shared")));
        *shared = Some(stack.clone());
        test_support::process::at_exit(|| {
            // the tests are over: this is the last reference, and dropping it stops all
            drop(SHARED.lock().unwrap_or_else(|p| p.into_inner()).take());
        });
        stack
    }
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A server on 127.0.0.1 that accepts connections and never answers (a hung backend);
/// its base URL. The connections are held for the life of the test process.
pub fn hung_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    format!("http://localhost:{port}")
}

/// Runs the DevTools command `cmd` with `params` in the browser of `client`.
pub async fn cdp(client: &Client, cmd: &str, params: Value) -> Value {
    client
        .issue_cmd(SessionPost {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }).to_string(),
        })
        .await
        .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
}

/// Makes the browser's network slow: `kbytes_per_s` both ways, `latency_ms` per request.
pub async fn throttle(client: &Client, kbytes_per_s: f64, latency_ms: f64) {
    cdp(client, "Network.enable", json!({})).await;
    cdp(
        client,
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": latency_ms,
            "downloadThroughput": kbytes_per_s * 1024.0,
            "uploadThroughput": kbytes_per_s * 1024.0,
        }),
    )
    .await;
}

/// Types `text` into the goal form's field.
pub async fn type_goal(client: &Client, text: &str) {
    client
        .find(Locator::Css("#goal-text"))
        .await
        .expect("the goal field")
        .send_keys(text)
        .await
        .expect("typing into the goal field");
}

/// Clicks the element `css` selects (`what` names it in the panic when there is none).
pub async fn click(client: &Client, css: &str, what: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what} ({css}): {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {what} ({css}): {e}"));
}

/// Whether the element `css` selects is disabled (`what` names it in the panic when
/// there is none).
pub async fn is_disabled(client: &Client, css: &str, what: &str) -> bool {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what} ({css}): {e}"))
        .attr("disabled")
        .await
        .unwrap_or_else(|e| panic!("the disabled attribute of {what}: {e}"))
        .is_some()
}

/// Clicks the goal form's submit button.
pub async fn submit_goal(client: &Client) {
    click(
        client,
        ".goal-form button[type=submit]",
        "the goal form's button",
    )
    .await;
}

/// The body of `GET url` as text; panics when there is no answer.
pub async fn get_text(url: &str) -> String {
    reqwest::get(url)
        .await
        .and_then(|res| res.error_for_status())
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .text()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// What the goal field holds now.
pub async fn goal_field(client: &Client) -> Option<String> {
    client
        .find(Locator::Css("#goal-text"))
        .await
        .expect("the goal field")
        .prop("value")
        .await
        .expect("the field's value")
}
