//! The real `backend` binary as a process: configuration errors, the healthcheck mode,
//! start-up with the database down, recovery, and graceful stop on SIGTERM/SIGINT.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use test_support::process::run_to_end;
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

/// A bad setting: exit code 2, one line on stderr naming the variable, no panic.
#[test]
fn configuration_errors_stop_with_one_line_naming_the_variable() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("PORT", "eighty")], "PORT"),
        (&[("PORT", "0")], "PORT"),
        (&[("MONGODB_PORT", "99999")], "MONGODB_PORT"),
        (&[("MONGODB_USERNAME", "root")], "MONGODB_PASSWORD"),
        (&[("MONGODB_URL", "postgres://x")], "MONGODB_URL"),
        (&[("MONGODB_URL", "mongodb://")], "MONGODB_URL"),
        (&[("LOG_DIR", "/proc/self/not-creatable")], "LOG_DIR"),
    ];
    for (env, var) in cases {
        let (status, out) = run_to_end(BIN, &[], &vars(env));
        assert!(
            matches!(status.code(), Some(1) | Some(2)),
            "{env:?}: {status} {out}"
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{env:?} printed more than one line:\n{out}");
        assert!(
            lines[0].starts_with(&format!("backend: configuration error: {var}: ")),
            "{env:?}: {}",
            lines[0]
        );
        assert!(!out.contains("panicked"), "{out}");
    }
}

#[test]
fn settings_read_at_start_exit_2_and_io_problems_exit_1() {
    let (status, _) = run_to_end(BIN, &[], &vars(&[("PORT", "x")]));
    assert_eq!(status.code(), Some(2));
    let (status, _) = run_to_end(BIN, &[], &vars(&[("LOG_DIR", "/proc/self/nope")]));
    assert_eq!(status.code(), Some(1));
    let (status, out) = run_to_end(BIN, &["serve", "now"], &[]);
    assert_eq!(status.code(), Some(2));
    assert!(out.contains("usage: backend [healthcheck]"), "{out}");
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
