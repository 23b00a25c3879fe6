//! The real `backend` binary as a process: configuration errors, the healthcheck mode,
//! start-up with the database down, recovery, and graceful stop on SIGTERM/SIGINT.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use test_support::process::{assert_start_error, run_to_end, StartCase};
use test_support::{free_port, http_status, shared_mongo, ServiceProcess, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_backend");

fn env_for(port: u16, logs: &TempDir, mongo: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut env = mongo;
    env.push(("PORT".into(), port.to_string()));
    env.push(("LOG_DIR".into(), logs.path().display().to_string()));
    env
}

fn shared_env(port: u16, logs: &TempDir) -> Vec<(String, String)> {
    let m = shared_mongo();
    let mut env = env_for(port, logs, m.service_env());
    env.push(("MONGODB_DATABASE".into(), m.fresh_db("goals-proc")));
    env
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The exit-code contract: **2** for a setting that is missing or invalid (whoever
/// notices it: our parsing or the driver's), **1** when the outside world refuses (the
/// port is taken, LOG_DIR cannot be created); always one readable line naming the
/// variable, no panic, no driver debug dump.
#[test]
fn start_up_errors_have_one_line_naming_the_variable_and_their_exit_code() {
    let not_a_dir = TempDir::new("goals-not-a-dir");
    let file = not_a_dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let file = file.display().to_string();
    let secret = not_a_dir.path().join("pw");
    std::fs::write(&secret, "s3cret\n").unwrap();
    let secret = secret.display().to_string();
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port().to_string();
    let cases: &[StartCase] = &[
        (&[("PORT", "eighty")], 2, "PORT"),
        (&[("PORT", "0")], 2, "PORT"),
        (&[("PORT", "70000")], 2, "PORT"),
        (&[("MONGODB_PORT", "99999")], 2, "MONGODB_PORT"),
        (&[("MONGODB_USERNAME", "root")], 2, "MONGODB_PASSWORD"),
        (
            &[
                ("MONGODB_USERNAME", "root"),
                ("MONGODB_PASSWORD_FILE", "/nonexistent/pw"),
            ],
            2,
            "MONGODB_PASSWORD_FILE",
        ),
        (
            &[
                ("MONGODB_USERNAME", "root"),
                ("MONGODB_PASSWORD", "x"),
                ("MONGODB_PASSWORD_FILE", &secret),
            ],
            2,
            "MONGODB_PASSWORD_FILE",
        ),
        (&[("MONGODB_URL", "postgres://x")], 2, "MONGODB_URL"),
        (&[("MONGODB_URL", "mongodb://")], 2, "MONGODB_URL"),
        (
            &[("MONGODB_URL", "mongodb://host:99999/db")],
            2,
            "MONGODB_URL",
        ),
        (
            &[("MONGODB_URL", "mongodb://h/db?maxPoolSize=abc")],
            2,
            "MONGODB_URL",
        ),
        (
            &[("MONGODB_URL_FILE", "/nonexistent/url")],
            2,
            "MONGODB_URL_FILE",
        ),
        (&[("LOG_DIR", "/proc/self/not-creatable")], 1, "LOG_DIR"),
        (&[("LOG_DIR", &file)], 1, "LOG_DIR"),
        (&[("PORT", &taken_port)], 1, "PORT"),
    ];
    for (env, code, var) in cases {
        let mut env = vars(env);
        if !env.iter().any(|(k, _)| k == "LOG_DIR") {
            env.push((
                "LOG_DIR".into(),
                not_a_dir.path().join("logs").display().to_string(),
            ));
        }
        assert_start_error(BIN, "backend", &env, *code, var, &["s3cret"]);
    }
    drop(taken);
}

#[test]
fn unknown_arguments_are_a_usage_error() {
    let (status, out) = run_to_end(BIN, &["serve", "now"], &[]);
    assert_eq!(status.code(), Some(2));
    assert!(
        out.contains("usage: backend [healthcheck [--live] | check-config]"),
        "{out}"
    );
}

/// `check-config`: the settings as at start, without the password; exit 0, or 2 with
/// the same line as at start.
#[test]
fn check_config_prints_the_effective_settings_without_secrets() {
    let env = vars(&[
        ("MONGODB_USERNAME", "root"),
        ("MONGODB_PASSWORD", "hunter2-secret"),
        ("MONGODB_HOST", "db.internal"),
        ("PORT", "8080"),
    ]);
    let (status, out) = run_to_end(BIN, &["check-config"], &env);
    assert_eq!(status.code(), Some(0), "{out}");
    for line in [
        "PORT=8080",
        "LOG_DIR=/app/logs",
        "MONGODB_HOST=db.internal",
        "MONGODB_PORT=27017",
        "MONGODB_USERNAME=root",
        "MONGODB_AUTH_SOURCE=admin",
        "database=course-goals",
        &format!("arch={}", std::env::consts::ARCH),
    ] {
        assert!(out.lines().any(|l| l == line), "{line} missing:\n{out}");
    }
    assert!(!out.contains("hunter2"), "{out}");
    let (status, out) = run_to_end(
        BIN,
        &["check-config"],
        &vars(&[("MONGODB_URL", "mongodb://host:99999/db")]),
    );
    assert_eq!(status.code(), Some(2), "{out}");
    assert!(
        out.starts_with("backend: configuration error: MONGODB_URL: "),
        "{out}"
    );
}

#[test]
fn a_password_is_never_printed() {
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let mut env = shared_env(port, &logs);
    for (k, v) in env.iter_mut() {
        if k == "MONGODB_PASSWORD" {
            *v = "hunter2-visible?".into();
        }
    }
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_serving();
    std::thread::sleep(Duration::from_millis(2500)); // the watcher logs the auth failure
    svc.terminate();
    svc.wait_exit(Duration::from_secs(5)).expect("exits");
    let out = svc.output();
    assert!(out.contains("authentication failed"), "{out}");
    assert!(!out.contains("hunter2"), "{out}");
}

#[test]
fn healthcheck_live_follows_the_process_not_the_database() {
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let (status, out) = run_to_end(
        BIN,
        &["healthcheck", "--live"],
        &vars(&[("PORT", &port.to_string())]),
    );
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.contains("not live"), "{out}");
    // serving, with the database unreachable: live, not ready
    let env = env_for(
        port,
        &logs,
        vars(&[
            ("MONGODB_HOST", "127.0.0.1"),
            ("MONGODB_PORT", &free_port().to_string()),
        ]),
    );
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_serving();
    let live = run_to_end(
        BIN,
        &["healthcheck", "--live"],
        &vars(&[("PORT", &port.to_string())]),
    );
    assert_eq!(live.0.code(), Some(0), "{}", live.1);
    let ready = run_to_end(BIN, &["healthcheck"], &vars(&[("PORT", &port.to_string())]));
    assert_eq!(ready.0.code(), Some(1), "{}", ready.1);
}

#[test]
fn healthcheck_mode_follows_readiness() {
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    // nothing listening yet
    let (status, out) = run_to_end(BIN, &["healthcheck"], &vars(&[("PORT", &port.to_string())]));
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.contains("not ready"), "{out}");

    let mut svc = ServiceProcess::spawn(BIN, port, &shared_env(port, &logs));
    svc.wait_ready();
    let (status, out) = run_to_end(BIN, &["healthcheck"], &vars(&[("PORT", &port.to_string())]));
    assert_eq!(status.code(), Some(0), "{out}");
    drop(svc);

    // serving, but the database is unreachable: not ready
    let port = free_port();
    let env = env_for(
        port,
        &logs,
        vars(&[
            ("MONGODB_HOST", "127.0.0.1"),
            ("MONGODB_PORT", &free_port().to_string()),
        ]),
    );
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_serving();
    let (status, out) = run_to_end(BIN, &["healthcheck"], &vars(&[("PORT", &port.to_string())]));
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.contains("503"), "{out}");
}

#[test]
fn starts_with_the_database_down_and_recovers_when_it_comes_up() {
    let mut db = shared_mongo().dedicated();
    db.stop();
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let m = shared_mongo();
    let mut env = env_for(port, &logs, m.service_env());
    env.retain(|(k, _)| k != "MONGODB_PORT");
    env.push(("MONGODB_PORT".into(), db.port.to_string()));
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_serving();
    assert_eq!(http_status(port, "/readyz"), Some(503));
    assert_eq!(http_status(port, "/goals"), Some(503));

    db.restart();
    svc.wait_for("/readyz", 200, Duration::from_secs(15));
    assert_eq!(http_status(port, "/goals"), Some(200));
    let out = svc.output();
    assert!(out.contains("database not reachable"), "{out}");
    assert!(out.contains("database reachable"), "{out}");
}

#[test]
fn database_stopped_mid_run_gives_503_then_recovers_with_data_intact() {
    let mut db = shared_mongo().dedicated();
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let m = shared_mongo();
    let mut env = env_for(port, &logs, m.service_env());
    env.retain(|(k, _)| k != "MONGODB_PORT");
    env.push(("MONGODB_PORT".into(), db.port.to_string()));
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_ready();
    let (code, body) = post(port, r#"{"text":"survives a restart"}"#);
    assert_eq!(code, 201, "{body}");

    db.stop();
    let started = Instant::now();
    assert_eq!(http_status(port, "/goals"), Some(503));
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    let (code, body) = post(port, r#"{"text":"while down"}"#);
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("Database unavailable."), "{body}");

    db.restart();
    svc.wait_for("/readyz", 200, Duration::from_secs(15));
    let (code, body) = get(port, "/goals");
    assert_eq!(code, 200);
    assert!(body.contains("survives a restart"), "{body}");
    assert!(!body.contains("while down"), "{body}");
}

#[test]
fn sigterm_when_idle_exits_0_within_a_second() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let logs = TempDir::new("goals-logs");
        let port = free_port();
        let mut svc = ServiceProcess::spawn(BIN, port, &shared_env(port, &logs));
        svc.wait_ready();
        // an idle keep-alive connection must not hold the stop up
        let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut buf = [0u8; 512];
        let _ = idle.read(&mut buf).unwrap();
        let started = Instant::now();
        svc.signal(signal);
        let status = svc
            .wait_exit(Duration::from_secs(3))
            .expect("exits after the signal");
        let took = started.elapsed();
        assert_eq!(status.code(), Some(0), "signal {signal}: {}", svc.output());
        assert!(
            took < Duration::from_secs(1),
            "signal {signal}: took {took:?}"
        );
    }
}

#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let env = shared_env(port, &logs);
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_ready();

    // a POST whose body arrives slowly: half now, half after the stop signal
    let body = r#"{"text":"sent slowly"}"#;
    let (first, second) = body.split_at(10);
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        conn,
        "POST /goals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    svc.terminate();
    std::thread::sleep(Duration::from_millis(500));
    // stopped accepting: a new connection is refused
    assert!(
        http_status(port, "/healthz").is_none(),
        "still accepting after SIGTERM"
    );
    conn.write_all(second.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = conn.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains("sent slowly"), "{response}");
    let status = svc.wait_exit(Duration::from_secs(6)).expect("exits");
    assert_eq!(status.code(), Some(0), "{}", svc.output());

    // and it was stored
    let db = env
        .iter()
        .find(|(k, _)| k == "MONGODB_DATABASE")
        .unwrap()
        .1
        .clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let count = rt.block_on(async {
        shared_mongo()
            .client()
            .database(&db)
            .collection::<mongodb::bson::Document>("goals")
            .count_documents(mongodb::bson::doc! { "text": "sent slowly" })
            .await
            .unwrap()
    });
    assert_eq!(count, 1);
}

#[test]
fn binary_writes_the_access_log_with_the_client_address() {
    let logs = TempDir::new("goals-logs");
    let nested = logs.path().join("created/by/backend");
    let port = free_port();
    let mut env = shared_env(port, &logs);
    env.retain(|(k, _)| k != "LOG_DIR");
    env.push(("LOG_DIR".into(), nested.display().to_string()));
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_ready();
    let before = std::fs::read_to_string(nested.join("access.log"))
        .unwrap()
        .lines()
        .count();
    let (code, _) = get(port, "/goals");
    assert_eq!(code, 200);
    let text = std::fs::read_to_string(nested.join("access.log")).unwrap();
    let last = text.lines().last().unwrap();
    assert_eq!(text.lines().count(), before + 1);
    assert!(last.starts_with("127.0.0.1 - - ["), "{last}");
    assert!(last.contains("\"GET /goals HTTP/1.1\" 200 "), "{last}");
}

fn request(port: u16, raw: &str) -> (u16, String) {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.write_all(raw.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = conn.read_to_string(&mut response);
    let code = response
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, response)
}

fn get(port: u16, path: &str) -> (u16, String) {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}

fn post(port: u16, body: &str) -> (u16, String) {
    request(
        port,
        &format!(
            "POST /goals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// A stop signal that arrives as soon as the service answers must still be a graceful
/// stop (exit 0), not the default action of the signal.
#[test]
fn sigterm_right_after_start_is_still_graceful() {
    let logs = TempDir::new("goals-logs");
    for round in 0..15 {
        let port = free_port();
        let env = env_for(
            port,
            &logs,
            vars(&[
                ("MONGODB_HOST", "127.0.0.1"),
                ("MONGODB_PORT", &free_port().to_string()),
            ]),
        );
        let mut svc = ServiceProcess::spawn(BIN, port, &env);
        while http_status(port, "/healthz") != Some(200) {
            std::thread::sleep(Duration::from_millis(2));
        }
        svc.terminate();
        let status = svc.wait_exit(Duration::from_secs(3)).expect("exits");
        assert_eq!(
            status.code(),
            Some(0),
            "round {round}: {status}\n{}",
            svc.output()
        );
    }
}

#[test]
fn logs_carry_no_colour_codes_when_not_on_a_terminal() {
    let logs = TempDir::new("goals-logs");
    let port = free_port();
    let mut svc = ServiceProcess::spawn(BIN, port, &shared_env(port, &logs));
    svc.wait_ready();
    let out = svc.output();
    assert!(out.contains("listening"), "{out}");
    assert!(!out.contains('\u{1b}'), "escape codes in: {out:?}");
}
