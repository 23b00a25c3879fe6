//! Starting and stopping a service: its modes (`healthcheck [--live]`, `check-config`),
//! typed start-up errors with their exit codes, tracing, and serving HTTP/1.1 with a
//! header-read timeout and graceful shutdown on SIGTERM/SIGINT.

use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::config::{load_dotenv, ConfigError, Env};

/// How long in-flight requests may run on after a stop signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why a service did not start, and its exit code: **2** when a setting is missing
/// or its value is invalid (whoever noticed: our parsing or the driver's), **1** when the
/// outside world refused (the port is taken, `LOG_DIR` cannot be created or written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// A setting is missing or invalid: exit 2.
    Config(ConfigError),
    /// The setting `var` is valid, but what it names could not be had: exit 1.
    Refused { var: &'static str, problem: String },
}

impl StartError {
    /// `Refused` for the setting `var`.
    pub fn refused(var: &'static str, problem: impl Into<String>) -> Self {
        Self::Refused {
            var,
            problem: problem.into(),
        }
    }

    /// 2 for a setting, 1 for the outside world.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) => 2,
            Self::Refused { .. } => 1,
        }
    }
}

impl From<ConfigError> for StartError {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config(e) => write!(f, "configuration error: {e}"),
            Self::Refused { var, problem } => write!(f, "cannot start: {var}: {problem}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A service binary: its typed configuration, what it checks, and how it runs.
/// [`main`] gives every service the same modes and exit codes.
pub trait Service: Sized {
    /// The binary's name, at the start of its error lines.
    const NAME: &'static str;
    /// `PORT` when unset (the health checks use it too).
    const DEFAULT_PORT: u16;
    /// Serve on one thread (a current-thread runtime) rather than one per core.
    const ONE_THREAD: bool = false;

    /// Reads the settings from the environment (`.env` already loaded).
    fn from_env(env: &Env) -> Result<Self, ConfigError>;

    /// Checks what only the async runtime can (the driver's parsing of `MONGODB_URL`);
    /// run by `check-config` and before serving.
    fn check(&self) -> impl Future<Output = Result<(), ConfigError>> {
        async { Ok(()) }
    }

    /// The effective settings, `(variable, value)`, never a secret.
    fn settings(&self) -> Vec<(&'static str, String)>;

    /// Serves until SIGTERM/SIGINT.
    fn run(self) -> impl Future<Output = Result<(), StartError>>;
}

/// Runs a service binary, by its first arguments:
/// - none: read `.env` and the configuration, check it, and serve until SIGTERM/SIGINT
///   (exit 0); a setting missing or invalid: one line, exit 2; the outside world
///   refused (port taken, …): one line, exit 1;
/// - `healthcheck`: exit 0 when `GET /readyz` on `$PORT` answers 200, else 1 (readiness);
/// - `healthcheck --live`: the same with `GET /healthz` (liveness: the process serves);
/// - `check-config`: check the configuration as at start and print the effective
///   settings without secrets, one `NAME=value` a line, then `arch=<the CPU architecture
///   the binary was built for>` (`x86_64`, `aarch64`); exit 0, or 2 with one line.
pub fn main<S: Service>() -> ExitCode {
    let name = S::NAME;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mode = match args.as_slice() {
        [] => Mode::Serve,
        ["healthcheck"] => Mode::Health("/readyz"),
        ["healthcheck", "--live"] => Mode::Health("/healthz"),
        ["check-config"] => Mode::CheckConfig,
        _ => {
            eprintln!("usage: {name} [healthcheck [--live] | check-config]");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = load_dotenv() {
        eprintln!("{name}: configuration error: {e}");
        return ExitCode::from(2);
    }
    let env = Env::from_process();
    if let Mode::Health(path) = mode {
        return match env.port_or("PORT", S::DEFAULT_PORT) {
            Ok(port) => healthcheck_mode(port, path),
            Err(e) => {
                eprintln!("{name} healthcheck: configuration error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let config = match S::from_env(&env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{name}: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut builder = if S::ONE_THREAD {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{name}: cannot start: the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = runtime.block_on(config.check()) {
        eprintln!("{name}: configuration error: {e}");
        return ExitCode::from(2);
    }
    if let Mode::CheckConfig = mode {
        for (var, value) in config.settings() {
            println!("{var}={value}");
        }
        // not a setting: what this binary was built for, for a check to read
        println!("arch={}", std::env::consts::ARCH);
        return ExitCode::SUCCESS;
    }
    init_tracing();
    match runtime.block_on(config.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

enum Mode {
    Serve,
    Health(&'static str),
    CheckConfig,
}

/// Structured logs to stdout, filtered by `RUST_LOG` (default `info`); colours only on a
/// terminal, so `docker logs` and log files carry no escape codes.
pub fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
}

fn healthcheck_mode(port: u16, path: &str) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return ExitCode::FAILURE,
    };
    let what = if path == "/healthz" {
        "not live"
    } else {
        "not ready"
    };
    match rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), probe(port, path)).await })
    {
        Ok(Ok(200)) => ExitCode::SUCCESS,
        Ok(Ok(status)) => {
            eprintln!("{what}: {path} answered {status}");
            ExitCode::FAILURE
        }
        Ok(Err(e)) => {
            eprintln!("{what}: {e}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("{what}: {path} did not answer within 5 s");
            ExitCode::FAILURE
        }
    }
}

/// `GET path` over plain HTTP/1.1, returning the status code.
async fn probe(port: u16, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: healthcheck\r\nConnection: close\r\n\r\n").as_bytes())
        .await?;
    let mut head = Vec::new();
    let mut buf = [0u8; 256];
    while !head.contains(&b'\n') {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {line:?}")))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (`docker stop`). The handlers are installed
/// when this is called, not when the future is first polled, so a signal that comes
/// right after start-up is never lost to the default action.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).ok();
        let mut int = signal(SignalKind::interrupt()).ok();
        async move {
            let term = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async {
                match int.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = term => {},
                () = int => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Binds `0.0.0.0:port`: the first thing a service does, so that a port that cannot
/// be had is its one line ([`StartError::Refused`] naming `PORT`, exit 1).
pub async fn listen(port: u16) -> Result<TcpListener, StartError> {
    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::refused("PORT", format!("cannot listen on {addr}: {e}")))
}

/// Serves on `listener` until a stop signal; then stops accepting, lets in-flight
/// requests finish for at most [`SHUTDOWN_GRACE`], and returns.
pub async fn serve(listener: TcpListener, router: Router) -> Result<(), StartError> {
    let stop = shutdown_signal();
    crate::metrics::spawn_upkeep();
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, arch = %std::env::consts::ARCH, "listening");
    }
    serve_until(listener, router, stop, Limits::default())
        .await
        .map_err(|e| StartError::refused("PORT", format!("server error: {e}")))
}

/// The time limits of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's head (request line and headers),
    /// counted from when the server starts reading it; also how long a kept-alive
    /// connection may stay idle. Then the connection is closed (slowloris).
    pub header_read: Duration,
    /// How long in-flight requests may run on after a stop signal.
    pub grace: Duration,
}

/// [`Limits::header_read`] of the services: 10 s.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: HEADER_READ_TIMEOUT,
            grace: SHUTDOWN_GRACE,
        }
    }
}

/// Serves HTTP/1.1 on `listener` until `stop` resolves, then stops accepting, closes
/// idle connections, and lets in-flight requests finish for at most `limits.grace`.
/// Each request carries the client's address as [`ConnectInfo`] (the access log's).
pub async fn serve_until(
    listener: TcpListener,
    router: Router,
    stop: impl Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    tokio::pin!(stop);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // e.g. too many open files: wait a little rather than spin
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(req.map(Body::new))
        });
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%remote, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("stop signal received: finishing in-flight requests");
    match tokio::time::timeout(limits.grace, graceful.shutdown()).await {
        Ok(()) => tracing::info!("stopped"),
        Err(_) => tracing::warn!(
            grace_secs = limits.grace.as_secs(),
            "requests still running after the grace period: stopping anyway"
        ),
    }
    Ok(())
}
