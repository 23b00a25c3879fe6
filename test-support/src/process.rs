//! Real service binaries run as child processes, with an environment of the test's
//! choosing (nothing inherited but `PATH`, no `.env` file), their output kept for
//! assertions and shown when a test fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::TempDir;

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// `GET path` on 127.0.0.1:port; the status code, or `None` when nothing answers.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).ok()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `GET path` on 127.0.0.1:port, read to its end: the whole answer as text (head and
/// body), or empty when nothing answers.
pub fn http_get_text(port: u16, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    if write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return String::new();
    }
    let mut answer = Vec::new();
    let _ = std::io::Read::read_to_end(&mut s, &mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

pub struct ServiceProcess {
    pub port: u16,
    child: Child,
    output: Arc<Mutex<String>>,
    _cwd: TempDir,
}

impl ServiceProcess {
    /// Starts `bin` with exactly `env` (plus `PATH`), in an empty working directory.
    pub fn spawn(bin: impl AsRef<Path>, port: u16, env: &[(String, String)]) -> Self {
        Self::spawn_with_args(bin, &[], port, env)
    }

    pub fn spawn_with_args(
        bin: impl AsRef<Path>,
        args: &[&str],
        port: u16,
        env: &[(String, String)],
    ) -> Self {
        let cwd = TempDir::new("goals-service-cwd");
        let mut cmd = Command::new(bin.as_ref());
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .current_dir(cwd.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.as_ref().display()));
        let output = Arc::new(Mutex::new(String::new()));
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut o = output.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            });
        }
        Self {
            port,
            child,
            output,
            _cwd: cwd,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Whether the process prints `text` within `timeout` (its output is read by other
    /// threads: a line it has written may not be here yet).
    pub fn printed(&self, text: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.output().contains(text) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the process printed so far (stdout and stderr).
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until `path` answers `status`; panics with the process output otherwise.
    pub fn wait_for(&mut self, path: &str, status: u16, timeout: Duration) -> &mut Self {
        let deadline = Instant::now() + timeout;
        loop {
            if http_status(self.port, path) == Some(status) {
                return self;
            }
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!(
                    "service exited ({exit}) before {path} answered {status}:\n{}",
                    self.output()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "{path} did not answer {status} within {timeout:?} (last: {:?}):\n{}",
                    http_status(self.port, path),
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the process serves (`/healthz` 200).
    pub fn wait_serving(&mut self) -> &mut Self {
        self.wait_for("/healthz", 200, Duration::from_secs(20))
    }

    /// Waits until the process is ready (`/readyz` 200).
    pub fn wait_ready(&mut self) -> &mut Self {
        self.wait_for("/readyz", 200, Duration::from_secs(20))
    }

    pub fn signal(&self, signal: i32) {
        unsafe {
            libc::kill(self.child.id() as i32, signal);
        }
    }

    pub fn terminate(&self) {
        self.signal(libc::SIGTERM);
    }

    /// The exit status, or `None` when it is still running after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // let the reader threads drain the pipes
                std::thread::sleep(Duration::from_millis(50));
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- service output ---\n{}", self.output());
        }
    }
}

/// Runs `f` when the test process exits normally (after its last test, passed or not;
/// not on a signal). For what a whole test binary shares in a `static`, which is never
/// dropped: the processes of a shared stack are stopped here. Runs in the order added.
pub fn at_exit(f: impl FnOnce() + Send + 'static) {
    type Hook = Box<dyn FnOnce() + Send>;
    static HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());
    static REGISTER: std::sync::Once = std::sync::Once::new();
    extern "C" fn run_hooks() {
        let hooks = std::mem::take(&mut *HOOKS.lock().unwrap_or_else(|p| p.into_inner()));
        for hook in hooks {
            hook();
        }
    }
    HOOKS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Box::new(f));
    REGISTER.call_once(|| {
        // SAFETY: registers a plain `extern "C" fn` with no arguments, as atexit(3) wants.
        let rc = unsafe { libc::atexit(run_hooks) };
        assert_eq!(rc, 0, "atexit(3) refused the exit hook");
    });
}

/// What a finished command printed: stdout, then stderr, as text.
pub fn output_text(out: &std::process::Output) -> String {
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

/// Runs `bin args…` to completion with exactly `env` (plus `PATH`): (status, stdout+stderr).
pub fn run_to_end(
    bin: impl AsRef<Path>,
    args: &[&str],
    env: &[(String, String)],
) -> (ExitStatus, String) {
    let cwd = TempDir::new("goals-run-cwd");
    let out = Command::new(bin.as_ref())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(cwd.path())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.as_ref().display()));
    (out.status, output_text(&out))
}

/// A client that opens a connection to 127.0.0.1:`port` and sends half a request line
/// is cut off by the server within its 10 s header-read timeout (slowloris); panics
/// otherwise. Returns when it was cut off.
pub fn assert_slow_headers_cut_off(port: u16) -> Duration {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let t0 = Instant::now();
    s.write_all(b"GET /healthz HT").unwrap();
    let mut buf = Vec::new();
    let read = s.read_to_end(&mut buf);
    let after = t0.elapsed();
    assert!(
        read.is_ok() || after < Duration::from_secs(29),
        "the server kept a half-sent request open for {after:?}"
    );
    assert!(
        after >= Duration::from_secs(8) && after < Duration::from_secs(15),
        "a half-sent request was cut off after {after:?} (expected about 10 s)"
    );
    after
}

/// Runs the binary `bin` (named `name` in its messages) with exactly `env` and checks the
/// start-up contract: exit `code`, one line, `"{name}: configuration error: {var}: …"`
/// for 2 (a setting) or `"{name}: cannot start: {var}: …"` for 1 (the outside world),
/// no panic, no driver debug dump, and none of `secrets`. Panics otherwise.
pub fn assert_start_error(
    bin: impl AsRef<Path>,
    name: &str,
    env: &[(String, String)],
    code: u8,
    var: &str,
    secrets: &[&str],
) {
    let (status, out) = run_to_end(bin, &[], env);
    assert_eq!(status.code(), Some(code as i32), "{env:?}: {out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{env:?} printed more than one line:\n{out}");
    let prefix = match code {
        2 => format!("{name}: configuration error: {var}: "),
        _ => format!("{name}: cannot start: {var}: "),
    };
    assert!(lines[0].starts_with(&prefix), "{env:?}: {}", lines[0]);
    for noise in ["panicked", "labels:", "source: None", "Kind:"]
        .iter()
        .chain(secrets)
    {
        assert!(!out.contains(noise), "{env:?}: {out}");
    }
}

/// One case of [`assert_start_error`]: the environment, the exit code, the variable named.
pub type StartCase<'a> = (&'a [(&'a str, &'a str)], u8, &'a str);
