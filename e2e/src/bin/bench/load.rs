//! Load and measurement: wrk runs, a process's CPU time and memory from /proc, and the
//! seeding requests of the benchmark.

use std::path::PathBuf;
use std::process::Command;

/// CPU seconds (user + system) of a process so far, from /proc/PID/stat.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    ticks / 100.0 // USER_HZ
}

/// VmRSS and VmHWM (peak) of a process, in MB.
pub fn rss_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
}

pub struct Run {
    pub rps: f64,
    pub p50: String,
    pub p99: String,
    pub requests: f64,
}

pub fn wrk(url: &str, connections: u32, seconds: u64, script: Option<&PathBuf>) -> Run {
    let mut cmd = Command::new("wrk");
    cmd.args([
        &format!("-t{}", connections.min(2)),
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
    ]);
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    let out = cmd.arg(url).output().expect("run wrk");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let find = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned())
            .unwrap_or_else(|| "?".into())
    };
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    Run {
        rps: find("Requests/sec:").parse().unwrap_or(0.0),
        p50: find("50%"),
        p99: find("99%"),
        requests,
    }
}

/// The environment of a backend on `port` whose database is the test server's instance on
/// `db_port` (the shared server's root login), with its access log in `logs`.
pub fn backend_env(db_port: u16, port: u16, logs: &std::path::Path) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = test_support::shared_mongo()
        .service_env()
        .into_iter()
        .filter(|(k, _)| k != "MONGODB_PORT")
        .collect();
    env.push(("MONGODB_PORT".into(), db_port.to_string()));
    env.push(("PORT".into(), port.to_string()));
    env.push(("LOG_DIR".into(), logs.display().to_string()));
    env.push(("RUST_LOG".into(), "warn".into()));
    env
}

/// wrk's script for `POST /goals` (one goal text), written into `dir`.
pub fn post_goal_script(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("post.lua");
    std::fs::write(
        &path,
        "wrk.method = \"POST\"\nwrk.body = '{\"text\":\"a benchmark goal\"}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
    )
    .expect("the wrk script");
    path
}

/// `command` on PATH, else Debian's `package` installed with apt-get (the bench's tools:
/// wrk, valgrind).
pub fn ensure_tool(command: &str, package: &str) {
    if Command::new(command).arg("--version").output().is_ok() {
        return;
    }
    eprintln!("[bench] installing {package} (Debian)");
    let ok = Command::new("sh")
        .args([
            "-c",
            &format!("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {package} >/dev/null"),
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "cannot install {package}: apt-get install {package}");
}

pub fn ensure_wrk() {
    ensure_tool("wrk", "wrk");
}

/// `POST path` with a JSON body on 127.0.0.1:port: the status.
pub fn post_json(port: u16, path: &str, body: &str) -> Option<u16> {
    use std::io::{BufRead, BufReader, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).ok()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A save's JSON body for `service`; `tag` makes the name (or text) unique.
pub fn seed_body(service: &str, tag: &str) -> String {
    if service == "backend" {
        format!("{{\"text\":\"goal {tag}\"}}")
    } else {
        format!("{{\"name\":\"seed {tag}\",\"type\":\"movie\",\"url\":\"u\"}}")
    }
}
