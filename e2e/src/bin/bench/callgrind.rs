//! `bench callgrind`: the backend's own instructions per `GET /goals`, counted by valgrind's
//! callgrind (repeatable whatever else the machine does, unlike times), for this checkout's
//! release build and, with `--against-bin PATH`, another build side by side:
//!
//!   cargo run --release -p e2e --bin bench -- callgrind [--against-bin PATH[=LABEL]]...
//!
//! Each backend runs under callgrind with instrumentation off, on a fresh test server of its own
//! with 100 goals; after 20 requests to warm up, instrumentation is switched on for 300 `GET
//! /goals` on one kept-alive connection, then off and dumped: instructions / 300.
//! valgrind (Debian's package) is installed when missing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_support::{free_port, shared_mongo, TempDir};

use crate::load::{backend_env, ensure_tool, post_json};

const WARM_UP: usize = 20;
const COUNTED: usize = 300;

pub fn main(args: &[String]) {
    ensure_valgrind();
    crate::build_release();
    // --against-bin PATH[=LABEL], as `bench compare` takes them
    let against: Vec<(PathBuf, String)> = args
        .windows(2)
        .filter(|w| w[0] == "--against-bin")
        .map(|w| {
            let (path, label) = w[1].split_once('=').unwrap_or((&w[1], &w[1]));
            (PathBuf::from(path), label.to_owned())
        })
        .collect();
    let mut rows = vec![(
        "this checkout".to_owned(),
        count(&crate::release_bin("backend")),
    )];
    for (bin, label) in against {
        let per = count(&bin);
        rows.push((label, per));
    }
    println!("\n| backend | instructions per GET /goals (100 goals) |\n|---|---|");
    for (name, per) in &rows {
        println!("| {name} | {:.0} k |", per / 1000.0);
    }
    for (name, theirs) in &rows[1..] {
        println!("this checkout / {name}: {:.3}", rows[0].1 / theirs.max(1.0));
    }
}

fn ensure_valgrind() {
    ensure_tool("valgrind", "valgrind");
}

/// Instructions per GET of the backend `bin`.
fn count(bin: &Path) -> f64 {
    let db = shared_mongo().dedicated();
    let dir = TempDir::new("bench-callgrind");
    let port = free_port();
    let env = backend_env(db.port, port, dir.path());
    let out_file = dir.path().join("callgrind.out.%p");
    let mut child = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--instr-atstart=no")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(bin)
        .envs(env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("valgrind");
    let t0 = Instant::now();
    while test_support::http_status(port, "/readyz") != Some(200) {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "{} did not become ready under valgrind",
            bin.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    for i in 0..100 {
        let status = post_json(port, "/goals", &format!("{{\"text\":\"goal {i}\"}}"));
        assert_eq!(status, Some(201), "seeding");
    }
    let mut conn = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    for _ in 0..WARM_UP {
        get(&mut conn);
    }
    // Debian's `valgrind` is a shell script that execs the tool: the child's pid is the tool's
    let tool = child.id();
    let control = |what: &[&str]| {
        let ok = Command::new("callgrind_control")
            .args(what)
            .arg(tool.to_string())
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "callgrind_control {what:?}");
    };
    control(&["-i", "on"]);
    for _ in 0..COUNTED {
        get(&mut conn);
    }
    control(&["-i", "off"]);
    control(&["-d"]);
    // the dump is written by valgrind's own thread: wait for it
    let t0 = Instant::now();
    let total = loop {
        if let Some(total) = totals(dir.path()) {
            break total;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "no callgrind dump in {}",
            dir.path().display()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let _ = Command::new("kill").arg(tool.to_string()).status();
    let _ = child.kill();
    let _ = child.wait();
    total / COUNTED as f64
}

/// One `GET /goals` on a kept-alive connection, its body read to its end.
fn get(conn: &mut TcpStream) {
    write!(conn, "GET /goals HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    let mut reader = BufReader::new(&mut *conn);
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("read");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
}

/// The largest `totals:`/`summary:` count of the dump files in `dir` (the dump made by
/// `callgrind_control -d`, of the collected part), once one is there.
fn totals(dir: &Path) -> Option<f64> {
    let mut best = 0.0f64;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with("callgrind.out")
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines() {
            if let Some(n) = line
                .strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
            {
                let n: f64 = n
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0.0);
                best = best.max(n);
            }
        }
    }
    (best > 0.0).then_some(best)
}
