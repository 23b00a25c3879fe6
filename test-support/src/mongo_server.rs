//! The one owner of the MongoDB-compatible test server (SecantusDB, from PyPI): its pinned
//! version, how it is installed, how a server runs (the launch flags), the template data
//! dir with the root user, and the shared server every test process reuses.
//!
//! The command `mongo-test-server` (src/bin) is this module for scripts and people:
//! `cargo run -q -p test-support --bin mongo-test-server -- start|stop|status|env|install|version`.
//!
//! Where things go (override by env): `$GOALS_CACHE` (`~/.cache/goals-stack`) holds the
//! virtualenv and the template (kept between runs); `$MONGO_TEST_DIR`
//! (`/tmp/goals-stack-mongo`) the running shared server: `data/`, `server.log`, `pid` and
//! `env` (the `MONGO_TEST_*` lines, for shell scripts); `$MONGO_TEST_PORT` (27117) its port.
//! The root password is generated once per template, random, with `@ : / %` in it (so
//! every test also proves such passwords work), and kept only in the cache and `env`.

use std::fs::File;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::pytool;

/// The SecantusDB version the project pins: the host's test server, the CI image
/// (`scripts/docker-prepare.sh` builds it with this version, read from the same file) and
/// the pages that show `pip install` all use it.
pub const SECANTUS_VERSION: &str = include_str!("../secantusdb-version").trim_ascii();

/// The address every test server binds to.
pub const HOST: &str = "127.0.0.1";

/// The root user's name in the template.
pub const ROOT_USER: &str = "root";

/// How long a starting server may take to open its port.
const START_LIMIT: Duration = Duration::from_secs(30);

/// `secantusd-py` of the pinned version, installed into the cache on first use; checked
/// once per process (every server this process starts uses the same path).
pub fn install() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| pytool::install("SecantusDB", SECANTUS_VERSION, "secantusd-py"))
        .clone()
}

/// The one definition of how a server runs: `secantusd-py` on `host:port` (the tests'
/// servers: [`HOST`]) with its data in `data`, standalone (drivers must not follow a
/// replica-set address), authentication on when `auth`. The caller sets stdio and spawns it.
pub fn serve_command(host: &str, data: &Path, port: u16, auth: bool) -> Command {
    let mut cmd = Command::new(install());
    cmd.args(["--host", host, "--port", &port.to_string(), "--standalone"]);
    if auth {
        cmd.arg("--auth");
    }
    cmd.args(["--log-level", "WARNING", "--storage-path"])
        .arg(data);
    cmd
}

/// Starts `serve_command` with its output in `log` and waits until the port is open.
/// Panics with the log's tail when it does not open within 30 s.
pub fn spawn_server(data: &Path, port: u16, auth: bool, log: &Path) -> Child {
    let out = File::create(log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
    let mut cmd = serve_command(HOST, data, port, auth);
    cmd.stdin(Stdio::null())
        .stdout(out.try_clone().expect("log file"))
        .stderr(out)
        // its own process group: a Ctrl-C of the test run does not reach the shared server
        .process_group(0);
    let mut child = cmd.spawn().expect("secantusd-py starts");
    let deadline = Instant::now() + START_LIMIT;
    while std::net::TcpStream::connect((HOST, port)).is_err() {
        let exited = child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let _ = child.kill();
            let tail = std::fs::read_to_string(log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(20).collect();
            panic!(
                "the MongoDB test server did not open {HOST}:{port} ({}); its log ends:\n{}",
                match exited {
                    Some(status) => format!("it exited: {status}"),
                    None => format!("not within {} s", START_LIMIT.as_secs()),
                },
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// Sends SIGTERM to `pid` and waits up to 10 s for it to be gone (then SIGKILL): the data
/// dir stays locked until the process has exited.
pub fn terminate(pid: u32) {
    let alive = || unsafe { libc::kill(pid as i32, 0) } == 0;
    // SAFETY: kill(2) on a pid this module started.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if alive() {
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
}

/// A data dir that already has the root user, made once and copied for every server:
/// `(data dir, root password)`.
pub fn template() -> (PathBuf, String) {
    let dir = pytool::cache_dir().join("secantus-template");
    let _lock = crate::lock_file(&pytool::cache_dir().join("secantus-template.lock"));
    let credentials = dir.join("credentials");
    if let (Ok(password), true) = (
        std::fs::read_to_string(&credentials),
        dir.join("data").is_dir(),
    ) {
        return (dir.join("data"), password);
    }
    eprintln!("[mongo-test] creating the template data dir with a root user (once; ~5 s)");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).expect("template dir");
    let password = format!("t@st:/%{}", crate::unique_suffix());
    let port = crate::free_port();
    let mut server = spawn_server(&dir.join("data"), port, false, &dir.join("init.log"));
    let python = install().with_file_name("python");
    let created = Command::new(&python)
        .args(["-c", CREATE_ROOT, HOST, &port.to_string()])
        .env("ROOT_PASSWORD", &password)
        .status()
        .is_ok_and(|s| s.success());
    terminate(server.id());
    let _ = server.wait();
    assert!(created, "creating the root user in the template failed");
    let mut file = File::create(&credentials).expect("credentials file");
    file.write_all(password.as_bytes()).expect("credentials");
    (dir.join("data"), password)
}

/// pymongo (SecantusDB's own dependency) creates the root user with both SCRAM mechanisms.
const CREATE_ROOT: &str = r#"
import os, sys
from pymongo import MongoClient
c = MongoClient(sys.argv[1], int(sys.argv[2]), directConnection=True, serverSelectionTimeoutMS=10000)
c.admin.command("createUser", "root", pwd=os.environ["ROOT_PASSWORD"],
                roles=[{"role": "root", "db": "admin"}], mechanisms=["SCRAM-SHA-1", "SCRAM-SHA-256"])
"#;

/// Where the shared server lives: `$MONGO_TEST_DIR`, else `/tmp/goals-stack-mongo`.
pub fn state_dir() -> PathBuf {
    std::env::var_os("MONGO_TEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/goals-stack-mongo"))
}

/// The shared server's port: `$MONGO_TEST_PORT`, else 27117.
pub fn shared_port() -> u16 {
    match std::env::var("MONGO_TEST_PORT") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("MONGO_TEST_PORT={v:?} is not a port number")),
        Err(_) => 27117,
    }
}

/// The shared server, as [`start`] leaves it.
#[derive(Debug, Clone)]
pub struct Shared {
    pub port: u16,
    pub password: String,
    pub template: PathBuf,
}

/// Starts the shared server, or reuses it when it already runs (one start at a time across
/// processes: a lock file). Writes `pid` and `env` into [`state_dir`]. Panics saying why it
/// cannot start (the port is taken by another program, the install failed, …).
pub fn start() -> Shared {
    let state = state_dir();
    std::fs::create_dir_all(&state).expect("state dir");
    let _lock = crate::lock_file(&state.with_extension("lock"));
    let port = shared_port();
    let (template, password) = template();
    match running(&state, port) {
        Some(pid) => {
            eprintln!("[mongo-test] reusing the server on {HOST}:{port} (pid {pid})");
        }
        None => {
            assert!(
                std::net::TcpStream::connect((HOST, port)).is_err(),
                "port {port} is taken by another program: set MONGO_TEST_PORT"
            );
            let data = state.join("data");
            let _ = std::fs::remove_dir_all(&data);
            copy_dir(&template, &data);
            let started = Instant::now();
            // never waited for on purpose: the shared server outlives this process (the
            // next test process reuses it; `stop` ends it)
            #[allow(clippy::zombie_processes)]
            let child = spawn_server(&data, port, true, &state.join("server.log"));
            std::fs::write(state.join("pid"), child.id().to_string()).expect("pid file");
            eprintln!(
                "[mongo-test] started SecantusDB {SECANTUS_VERSION} on {HOST}:{port} with --auth (pid {}, {:.1} s); state in {}",
                child.id(),
                started.elapsed().as_secs_f64(),
                state.display()
            );
        }
    }
    let shared = Shared {
        port,
        password,
        template,
    };
    write_env(&state, &shared);
    shared
}

/// Stops the shared server if it runs; says what it did.
pub fn stop() {
    let state = state_dir();
    match std::fs::read_to_string(state.join("pid")) {
        Ok(pid) => {
            if let Ok(pid) = pid.trim().parse() {
                terminate(pid);
                eprintln!("[mongo-test] stopped pid {pid}");
            }
            let _ = std::fs::remove_file(state.join("pid"));
        }
        Err(_) => eprintln!("[mongo-test] not running"),
    }
}

/// The shared server's pid when it runs and answers on `port`.
pub fn running(state: &Path, port: u16) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(state.join("pid"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    // SAFETY: signal 0 only asks whether the process exists.
    let alive = unsafe { libc::kill(pid as i32, 0) } == 0;
    (alive && std::net::TcpStream::connect((HOST, port)).is_ok()).then_some(pid)
}

/// `env` in the state dir: `MONGO_TEST_HOST`, `_PORT`, `_USERNAME`, `_PASSWORD`,
/// `_TEMPLATE`, one `KEY=value` a line, readable by the owner only (it has the password).
fn write_env(state: &Path, shared: &Shared) {
    use std::os::unix::fs::OpenOptionsExt;
    let text = format!(
        "MONGO_TEST_HOST={HOST}\nMONGO_TEST_PORT={}\nMONGO_TEST_USERNAME={ROOT_USER}\nMONGO_TEST_PASSWORD={}\nMONGO_TEST_TEMPLATE={}\n",
        shared.port,
        shared.password,
        shared.template.display()
    );
    let tmp = state.join("env.tmp");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .expect("env file");
    file.write_all(text.as_bytes()).expect("env file");
    std::fs::rename(&tmp, state.join("env")).expect("env file");
}

/// `cp -a from to`: the data dir with its WiredTiger files as they are.
pub fn copy_dir(from: &Path, to: &Path) {
    let ok = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "copying {} to {} failed", from.display(), to.display());
}
